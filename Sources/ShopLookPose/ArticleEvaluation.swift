import ShopLookCore

/// Article localisation against ground truth with one box per super-category and image (`ccp/`).
///
/// A ground-truth box is found when the predicted box of its super-category overlaps it with IoU ≥
/// `minimumIoU`; a predicted box is unmatched when its image has no ground-truth box of that super-category or
/// the overlap is smaller.
public struct ArticleEvaluation: Sendable {
    public var minimumIoU: Double
    public private(set) var images = 0
    public private(set) var predicted = 0
    public private(set) var unmatched = 0
    public private(set) var expected: [SuperCategory: Int] = [:]
    public private(set) var found: [SuperCategory: Int] = [:]
    private var iouSum: [SuperCategory: Double] = [:]

    public init(minimumIoU: Double = 0.5) {
        self.minimumIoU = minimumIoU
    }

    /// Adds one image. `predicted` holds at most one box per super-category (the first counts).
    public mutating func add(predicted boxes: [(SuperCategory, BoundingBox)], expected truth: [SuperCategory: BoundingBox]) {
        images += 1
        var byCategory: [SuperCategory: BoundingBox] = [:]
        for (superCategory, box) in boxes where byCategory[superCategory] == nil { byCategory[superCategory] = box }
        for (superCategory, box) in byCategory {
            predicted += 1
            if (truth[superCategory].map { box.iou($0) } ?? 0) < minimumIoU { unmatched += 1 }
        }
        for (superCategory, box) in truth {
            let overlap = byCategory[superCategory].map { $0.iou(box) } ?? 0
            expected[superCategory, default: 0] += 1
            iouSum[superCategory, default: 0] += overlap
            if overlap >= minimumIoU { found[superCategory, default: 0] += 1 }
        }
    }

    /// Share of the super-category's ground-truth boxes found (0 without any).
    public func recall(_ superCategory: SuperCategory) -> Double {
        let total = expected[superCategory, default: 0]
        return total == 0 ? 0 : Double(found[superCategory, default: 0]) / Double(total)
    }

    /// Mean IoU of the super-category's ground-truth boxes with the prediction (0 where none was predicted).
    public func meanIoU(_ superCategory: SuperCategory) -> Double {
        let total = expected[superCategory, default: 0]
        return total == 0 ? 0 : iouSum[superCategory, default: 0] / Double(total)
    }

    /// Share of predicted boxes without a ground-truth match.
    public var unmatchedShare: Double { predicted == 0 ? 0 : Double(unmatched) / Double(predicted) }
}
