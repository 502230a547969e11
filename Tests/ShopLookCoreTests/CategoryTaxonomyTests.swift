import ShopLookCore
import Testing

@Suite struct CategoryTaxonomyTests {
    @Test(arguments: [
        ("t-shirt", SuperCategory.upper), ("T-Shirts", .upper), ("longsleeve", .upper), ("outwear", .upper), ("Dress", .upper),
        ("pants", .lower), ("jeans", .lower), ("shorts", .lower), ("skirt", .lower), ("Skirts", .lower),
        ("shoes", .foot), ("sneakers", .foot), ("high heels", .foot), ("boots", .foot),
    ])
    func knownCategories(_ name: String, _ expected: SuperCategory) {
        #expect(CategoryTaxonomy.superCategory(for: name) == expected)
    }

    @Test func accessoriesAndUnknownNamesHaveNone() {
        for name in ["hat", "bag", "necklace", "", "sss"] {
            #expect(CategoryTaxonomy.superCategory(for: name) == nil, "\(name)")
        }
    }
}
