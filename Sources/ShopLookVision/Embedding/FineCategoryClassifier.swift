import Foundation
import ShopLookCore

/// A fine category for an article crop (t-shirt, jeans, sneakers, …) from EfficientNet-Lite0's ImageNet logits.
///
/// ImageNet has a few dozen garment and shoe classes. Within the article's super-category, the garment class with the
/// highest logit names the article when its softmax probability (over all 1,000 classes) reaches
/// `minimumProbability`; otherwise the article gets the super-category's plain name (top, trousers, shoes), which is
/// what a wrong guess would be worse than.
public struct FineCategoryClassifier: Sendable {
    /// Softmax probability the best garment class needs to name the article.
    public var minimumProbability: Float

    public init(minimumProbability: Float = 0.05) {
        self.minimumProbability = minimumProbability
    }

    /// ImageNet-1k class index → category, per super-category (indices from the standard 0-based class list).
    static let classes: [SuperCategory: [(index: Int, category: String)]] = [
        .upper: [
            (610, "t-shirt"), (841, "sweatshirt"), (474, "cardigan"), (869, "coat"), (568, "coat"), (617, "coat"),
            (501, "coat"), (735, "poncho"), (834, "suit"), (578, "dress"), (399, "dress"), (614, "kimono"),
            (689, "dress"), (652, "jacket"), (465, "vest"),
        ],
        .lower: [(608, "jeans"), (655, "skirt"), (601, "skirt"), (775, "skirt"), (689, "skirt"), (842, "shorts")],
        .foot: [(770, "sneakers"), (630, "loafers"), (774, "sandals"), (514, "boots"), (502, "clogs")],
    ]

    /// The name used when no garment class is probable enough.
    public static func plainName(of superCategory: SuperCategory) -> String {
        switch superCategory {
        case .upper: "top"
        case .lower: "trousers"
        case .foot: "shoes"
        }
    }

    /// The category and its probability (0 for the plain name). `logits` are the 1,000 ImageNet logits.
    public func classify(logits: [Float], superCategory: SuperCategory) -> (category: String, probability: Float) {
        guard logits.count == 1000, let candidates = Self.classes[superCategory],
              let maximum = logits.max(), maximum.isFinite else {
            return (Self.plainName(of: superCategory), 0)
        }
        let denominator = logits.reduce(Float(0)) { $0 + Foundation.exp($1 - maximum) }
        guard let best = candidates.max(by: { logits[$0.index] < logits[$1.index] }) else {
            return (Self.plainName(of: superCategory), 0)
        }
        let probability = Foundation.exp(logits[best.index] - maximum) / denominator
        return probability >= minimumProbability ? (best.category, probability) : (Self.plainName(of: superCategory), 0)
    }

    /// For an article whose super-category is unknown (a product photo without a catalog category): the most
    /// probable garment class of any super-category, or `nil` when none reaches `minimumProbability`.
    public func classifyAny(logits: [Float]) -> (superCategory: SuperCategory, category: String, probability: Float)? {
        SuperCategory.allCases.compactMap { superCategory -> (SuperCategory, String, Float)? in
            let named = classify(logits: logits, superCategory: superCategory)
            return named.probability > 0 ? (superCategory, named.category, named.probability) : nil
        }.max { $0.2 < $1.2 }
    }
}
