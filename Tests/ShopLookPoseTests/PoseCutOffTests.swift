import ShopLookImaging
import Testing
@testable import ShopLookPose

@Suite("PoseCutOff")
struct PoseCutOffTests {
    // A 400 × 800 photo: upper wear 150–400, lower wear 380–700, shoes 700–780.
    let upper = PoseBox(minX: 120, minY: 150, maxX: 280, maxY: 400)
    let lower = PoseBox(minX: 140, minY: 380, maxX: 260, maxY: 700)
    let foot = PoseBox(minX: 150, minY: 700, maxX: 250, maxY: 780)

    func rect(_ kind: PoseCutOff, upper: PoseBox?? = nil, lower: PoseBox?? = nil, foot: PoseBox?? = nil) -> PixelRect? {
        kind.rectangle(width: 400, height: 800, upper: upper ?? self.upper, lower: lower ?? self.lower, foot: foot ?? self.foot)
    }

    @Test("each cut keeps the full width and removes what it names")
    func cuts() {
        #expect(rect(.feet) == PixelRect(x: 0, y: 0, width: 400, height: 700))
        #expect(rect(.shins) == PixelRect(x: 0, y: 0, width: 400, height: 604))  // 380 + 0.7 × 320
        #expect(rect(.waist) == PixelRect(x: 0, y: 0, width: 400, height: 428))  // 380 + 0.15 × 320
        #expect(rect(.head) == PixelRect(x: 0, y: 175, width: 400, height: 625))  // 150 + 0.1 × 250
    }

    @Test("a dress (no lower wear) puts the waist 30 % down from the upper wear to the shoes")
    func dress() {
        #expect(rect(.waist, lower: .some(nil)) == PixelRect(x: 0, y: 0, width: 400, height: 372))  // 315 + 0.15 × 385
    }

    @Test("no cut without the box it needs, nor one keeping under a third of the photo")
    func refused() {
        #expect(rect(.feet, foot: .some(nil)) == nil)
        #expect(rect(.head, upper: .some(nil)) == nil)
        #expect(rect(.shins, lower: .some(nil), foot: .some(nil)) == nil)
        #expect(rect(.feet, foot: .some(PoseBox(minX: 0, minY: 200, maxX: 10, maxY: 210))) == nil)
    }
}
