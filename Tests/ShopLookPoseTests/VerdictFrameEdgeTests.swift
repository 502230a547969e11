import ShopLookCore
import Testing
@testable import ShopLookPose

@Suite("PoseVerdictRules at the frame's edge")
struct VerdictFrameEdgeTests {
    let rules = PoseVerdictRules()

    @Test("one ankle seen inside is not enough when a toe lies past the bottom edge")
    func toePastEdge() {
        var lm = VerdictTests.person()
        lm[PoseLandmarkIndex.leftFootIndex.rawValue].y = 803  // placed just below the 800-high frame
        lm[PoseLandmarkIndex.leftFootIndex.rawValue].visibility = 0.9
        let (verdict, reason) = rules.assess(VerdictTests.result(lm))
        #expect(verdict == .partial)
        #expect(reason.contains("frame's edge"))
    }

    @Test("feet on the bottom edge (within 1 % of the height) are cut; 3 % above it they are in view")
    func edgeBand() {
        var onEdge = VerdictTests.person()
        for i in 27...32 { onEdge[i].y = 796 }  // 0.5 % of 800 above the edge
        #expect(rules.verdict(VerdictTests.result(onEdge)) == .partial)
        var above = VerdictTests.person()
        for i in 27...32 { above[i].y = 776 }  // 3 % above it
        #expect(rules.verdict(VerdictTests.result(above)) == .fullFront)
        var lenient = rules
        lenient.feetEdgeMargin = 0
        #expect(lenient.verdict(VerdictTests.result(onEdge)) == .fullFront)
    }
}
