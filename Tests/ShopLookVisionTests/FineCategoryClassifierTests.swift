import ShopLookCore
import Testing
@testable import ShopLookVision

@Suite("FineCategoryClassifier")
struct FineCategoryClassifierTests {
    let classifier = FineCategoryClassifier()

    /// 1,000 flat logits with the given ones raised.
    static func logits(_ raised: [Int: Float]) -> [Float] {
        var logits = [Float](repeating: 0, count: 1000)
        for (index, value) in raised { logits[index] = value }
        return logits
    }

    @Test("the most probable garment class of the super-category names the article")
    func namesWithinSuperCategory() {
        // jean (608, p ≈ 0.22) beats miniskirt (655) for lower wear; for foot wear only shoe classes count
        // (running shoe 770, p ≈ 0.13), although a non-garment class (1) is the most probable overall.
        let logits = Self.logits([608: 9, 655: 7, 770: 8.5, 1: 10])
        #expect(classifier.classify(logits: logits, superCategory: .lower).category == "jeans")
        #expect(classifier.classify(logits: logits, superCategory: .foot).category == "sneakers")
        #expect(classifier.classify(logits: Self.logits([514: 8]), superCategory: .foot).category == "boots")
        #expect(classifier.classify(logits: Self.logits([610: 8]), superCategory: .upper).category == "t-shirt")
    }

    @Test("an improbable class gives the plain name; so does a malformed logit vector")
    func plainNames() {
        // A non-garment class dominates: jersey's probability is e^0/(e^12 + 999) ≈ 6e-6.
        let result = classifier.classify(logits: Self.logits([1: 12]), superCategory: .upper)
        #expect(result.category == "top")
        #expect(result.probability == 0)
        #expect(classifier.classify(logits: [1, 2, 3], superCategory: .lower).category == "trousers")
        #expect(classifier.classify(logits: Self.logits([:]), superCategory: .foot).category == "shoes")
    }

    @Test("without a super-category: the most probable garment class of any")
    func anySuperCategory() {
        let named = classifier.classifyAny(logits: Self.logits([774: 10, 610: 9]))
        #expect(named?.superCategory == .foot)
        #expect(named?.category == "sandals")
        #expect(classifier.classifyAny(logits: Self.logits([1: 12])) == nil)
    }
}
