import ShopLookCore

/// What the garment parser tells apart in a person crop, cell by cell.
///
/// The classes follow what shop-the-look needs from a street photo: the three searched super-categories (a dress
/// apart from other upper wear, because a dress photo has no lower wear), and what is easily mistaken for them
/// (skin and hair beside a skirt's hem, tights and socks under it, bags and belts across it).
public enum GarmentClass: Int, Sendable, CaseIterable {
    case background
    case skinHair
    case upper
    case dress
    case lower
    case footwear
    case accessory
    case legwear

    public var name: String {
        switch self {
        case .background: "background"
        case .skinHair: "skin_hair"
        case .upper: "upper"
        case .dress: "dress"
        case .lower: "lower"
        case .footwear: "footwear"
        case .accessory: "accessory"
        case .legwear: "legwear"
        }
    }

    /// The class of a label of `ccp/` (its `ground-truth.json` names every label and the super-category of the
    /// garment ones): `null` is background; skin and hair; socks, stockings and tights are leg wear; a dress;
    /// the other garments by super-category; everything else (bags, belts, jewellery, glasses, underwear) an
    /// accessory.
    public static func of(ccpLabel label: String, superCategories: [SuperCategory: Set<String>]) -> GarmentClass {
        switch label {
        case "null": return .background
        case "skin", "hair": return .skinHair
        case "socks", "stockings", "tights": return .legwear
        case "dress": return .dress
        default: break
        }
        if superCategories[.upper]?.contains(label) == true { return .upper }
        if superCategories[.lower]?.contains(label) == true { return .lower }
        if superCategories[.foot]?.contains(label) == true { return .footwear }
        return .accessory
    }
}
