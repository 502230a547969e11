/// Maps a catalog's category names to ShopLook's super-categories.
///
/// Names are compared case-insensitively, ignoring spaces, hyphens, underscores and a plural "s", so
/// "T-Shirts", "t_shirt" and "tshirt" are one category. Categories outside upper, lower and foot wear (hats,
/// bags, jewellery) have no super-category and are not searched.
public enum CategoryTaxonomy {
    private static let table: [String: SuperCategory] = {
        var table: [String: SuperCategory] = [:]
        let upper = ["tshirt", "tee", "shirt", "blouse", "top", "tanktop", "longsleeve", "sweater", "jumper", "hoodie",
                     "sweatshirt", "cardigan", "jacket", "coat", "outwear", "outerwear", "blazer", "vest", "dress",
                     "jersey", "polo", "tunic", "gown", "romper", "jumpsuit", "suit"]
        let lower = ["pant", "trouser", "jean", "short", "skirt", "legging", "chino", "jogger", "culotte"]
        let foot = ["shoe", "sneaker", "boot", "heel", "sandal", "loafer", "flat", "pump", "trainer", "slipper", "clog",
                    "footwear", "runningshoe", "highheel"]
        for name in upper { table[name] = .upper }
        for name in lower { table[name] = .lower }
        for name in foot { table[name] = .foot }
        return table
    }()

    /// The canonical form used for comparisons.
    public static func normalized(_ category: String) -> String {
        var key = category.lowercased().filter { $0.isLetter || $0.isNumber }
        if key.hasSuffix("es") && table[String(key.dropLast(2))] != nil { key.removeLast(2) }
        if key.hasSuffix("s") && table[String(key.dropLast())] != nil { key.removeLast() }
        return key
    }

    /// The super-category of a catalog category, or `nil` for accessories and unknown names.
    public static func superCategory(for category: String) -> SuperCategory? {
        table[normalized(category)]
    }
}
