import ShopLookCore
import ShopLookImaging
import Testing
@testable import ShopLookPose

@Suite("ArticleLocator")
struct ArticleLocatorTests {
    let locator = ArticleLocator()

    /// The synthetic 400×800 person of the verdict tests: shoulders x 150/250 at y 200, hips 170/230 at y 450,
    /// ankles 175/225 at 740, heels at 755, toes at 770; torso height T = 250.
    static func result(mask: PoseMask? = nil, landmarks: [Landmark] = VerdictTests.person()) -> PoseResult {
        var result = VerdictTests.result(landmarks)
        result.mask = mask
        return result
    }

    /// An 800×800 mask in image coordinates whose person pixels are the rectangle `x0..<x1, y0..<y1`.
    static func rectangleMask(x0: Int, x1: Int, y0: Int, y1: Int) -> PoseMask {
        let side = 800
        var probabilities = [Float](repeating: 0.02, count: side * side)
        for y in y0..<y1 { for x in x0..<x1 { probabilities[y * side + x] = 0.97 } }
        return PoseMask(side: side, probabilities: probabilities,
                        imageToMask: AffineTransform(m00: 1, m01: 0, m02: 0, m10: 0, m11: 1, m12: 0))
    }

    static func box(_ region: ArticleRegion?) -> [Double] {
        guard let b = region?.box else { return [] }
        return [b.x0, b.y0, b.x1, b.y1].map { ($0 * 100).rounded() / 100 }
    }

    @Test("pose only: boxes hang on the landmarks, in torso units")
    func poseOnly() {
        let regions = locator.locate(Self.result())
        #expect(regions.map(\.superCategory) == [.upper, .lower, .foot])
        #expect(Self.box(regions[0]) == [102.5, 152.5, 297.5, 490])   // shoulders ± 0.19 T, hips + 0.16 T
        #expect(Self.box(regions[1]) == [120, 410, 280, 735])         // hips ± 0.2 T − 0.16 T … ankles − 0.02 T
        #expect(Self.box(regions[2]) == [153.75, 740, 246.25, 790])   // feet ± 0.085 T, + 0.08 T below the toes
        #expect(regions.allSatisfy { $0.score > 0.9 })
    }

    @Test("the person mask narrows the upper box and sets the footwear's sides and bottom")
    func maskTightens() {
        let mask = Self.rectangleMask(x0: 160, x1: 240, y0: 100, y1: 780)
        let regions = locator.locate(Self.result(mask: mask))
        #expect(Self.box(regions[0]) == [160, 152.5, 240, 490])
        #expect(Self.box(regions[1]) == [120, 410, 280, 735])   // lower wear is not mask-tightened
        #expect(Self.box(regions[2]) == [160, 740, 240, 780])
        // Arms held out in sleeves widen the upper box beyond the shoulders.
        let wide = Self.rectangleMask(x0: 60, x1: 340, y0: 100, y1: 780)
        #expect(Self.box(locator.locate(Self.result(mask: wide))[0]) == [60, 152.5, 340, 490])
        // A mask without the person (all background) leaves the pose boxes.
        let empty = Self.rectangleMask(x0: 0, x1: 0, y0: 0, y1: 0)
        #expect(Self.box(locator.locate(Self.result(mask: empty))[0]) == [102.5, 152.5, 297.5, 490])
    }

    @Test("boxes are clipped to the image; nothing without landmarks")
    func clipping() {
        var low = VerdictTests.person()
        for i in 27...32 { low[i].y += 40 }   // feet at the bottom edge: the foot box stops at y = 800
        let foot = locator.locate(Self.result(landmarks: low)).first { $0.superCategory == .foot }
        #expect(foot?.box.y1 == 800)
        #expect(locator.locate(VerdictTests.result(nil)).isEmpty)
    }
}

@Suite("ArticleEvaluation")
struct ArticleEvaluationTests {
    @Test("recall at IoU 0.5, unmatched predictions, mean IoU")
    func counts() {
        var evaluation = ArticleEvaluation()
        let truth: [SuperCategory: BoundingBox] = [
            .upper: BoundingBox(x0: 0, y0: 0, x1: 100, y1: 100), .foot: BoundingBox(x0: 0, y0: 200, x1: 100, y1: 240),
        ]
        evaluation.add(predicted: [
            (.upper, BoundingBox(x0: 0, y0: 0, x1: 100, y1: 60)),       // IoU 0.6: found
            (.lower, BoundingBox(x0: 0, y0: 100, x1: 100, y1: 200)),    // no lower wear in the truth: unmatched
            (.foot, BoundingBox(x0: 0, y0: 220, x1: 100, y1: 300)),     // IoU 20/100 = 0.2: missed and unmatched
        ], expected: truth)
        evaluation.add(predicted: [], expected: [.upper: BoundingBox(x0: 0, y0: 0, x1: 10, y1: 10)])
        #expect(evaluation.images == 2)
        #expect(evaluation.predicted == 3)
        #expect(evaluation.unmatched == 2)
        #expect(evaluation.recall(.upper) == 0.5)
        #expect(evaluation.recall(.foot) == 0)
        #expect(evaluation.recall(.lower) == 0)
        #expect(abs(evaluation.meanIoU(.upper) - 0.3) < 1e-9)
        #expect(abs(evaluation.meanIoU(.foot) - 0.2) < 1e-9)
    }
}
