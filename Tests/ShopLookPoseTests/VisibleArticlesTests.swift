import ShopLookCore
import Testing
@testable import ShopLookPose

/// The articles a shopper's photo shows: what is in view is searched, the rest is named with why.
@Suite("VisibleArticles")
struct VisibleArticlesTests {
    /// The synthetic 400×800 person with knees at y 600.
    static func person() -> [Landmark] {
        var landmarks = VerdictTests.person()
        landmarks[PoseLandmarkIndex.leftKnee.rawValue].x = 225
        landmarks[PoseLandmarkIndex.leftKnee.rawValue].y = 600
        landmarks[PoseLandmarkIndex.rightKnee.rawValue].x = 175
        landmarks[PoseLandmarkIndex.rightKnee.rawValue].y = 600
        return landmarks
    }

    /// Moves landmarks `indices` below the 800-pixel frame.
    static func belowFrame(_ landmarks: [Landmark], _ indices: ClosedRange<Int>) -> [Landmark] {
        var moved = landmarks
        for index in indices { moved[index].y += 400 }
        return moved
    }

    @Test("a full-body photo shows all three")
    func fullBody() {
        let visible = VisibleArticles(VerdictTests.result(Self.person()), image: nil)
        #expect(visible.regions.map(\.superCategory) == [.upper, .lower, .foot])
        #expect(visible.notInView.isEmpty)
        // The boxes are the locator's.
        #expect(visible.regions.map(\.box) == ArticleLocator().locate(VerdictTests.result(Self.person())).map(\.box))
    }

    @Test("cut below the knees: upper and lower wear, no footwear")
    func cutBelowKnees() {
        let visible = VisibleArticles(VerdictTests.result(Self.belowFrame(Self.person(), 27...32)), image: nil)
        #expect(visible.regions.map(\.superCategory) == [.upper, .lower])
        #expect(visible.notInView.map(\.superCategory) == [.foot])
        #expect(visible.notInView.first?.reason == "no ankle and no heel or toe in view")
        // The lower-wear box ends at the frame.
        #expect(visible.regions[1].box.y1 == 800)
    }

    @Test("an upper-body photo: upper wear only")
    func upperBody() {
        let visible = VisibleArticles(VerdictTests.result(Self.belowFrame(Self.person(), 25...32)), image: nil)
        #expect(visible.regions.map(\.superCategory) == [.upper])
        #expect(visible.notInView.map(\.superCategory) == [.lower, .foot])
        #expect(visible.notInView.first?.reason == "no knee in view")
    }

    @Test("landmarks placed but not visible do not count")
    func hiddenLandmarks() {
        var landmarks = Self.person()
        for index in [PoseLandmarkIndex.leftShoulder, .rightShoulder] { landmarks[index.rawValue].visibility = 0.1 }
        let visible = VisibleArticles(VerdictTests.result(landmarks), image: nil)
        #expect(visible.regions.map(\.superCategory) == [.lower, .foot])
        #expect(visible.notInView.map(\.reason) == ["no shoulder in view"])
    }

    @Test("an article in view without a box is named with the boxes' reason (a dress: no lower wear), else as outside the photo")
    func absentBoxes() {
        let result = VerdictTests.result(Self.person())
        let boxes = ArticleLocator().locate(result).filter { $0.superCategory != .lower }
        let dress = VisibleArticles(result, located: boxes, absent: [.lower: GarmentRegions.dressReason])
        #expect(dress.regions.map(\.superCategory) == [.upper, .foot])
        #expect(dress.notInView.map(\.superCategory) == [.lower] && dress.notInView.map(\.reason) == [GarmentRegions.dressReason])
        #expect(VisibleArticles(result, located: boxes).notInView.map(\.reason) == ["its box lies outside the photo"])
        // A landmark reason comes first: an article out of view is not blamed on the boxes.
        let cut = VerdictTests.result(Self.belowFrame(Self.person(), 27...32))
        let cutVisible = VisibleArticles(cut, located: ArticleLocator().locate(cut), absent: [.foot: "no such garment parsed"])
        #expect(cutVisible.notInView.map(\.reason) == ["no ankle and no heel or toe in view"])
    }

    @Test("no landmarks: nothing in view")
    func noPerson() {
        let visible = VisibleArticles(VerdictTests.result(nil), image: nil)
        #expect(visible.regions.isEmpty)
        #expect(visible.notInView.map(\.superCategory) == [.upper, .lower, .foot])
    }
}
