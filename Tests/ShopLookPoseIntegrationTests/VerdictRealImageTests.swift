import ShopLookImaging
import ShopLookTestSupport
import Testing
@testable import ShopLookPose

@Suite("PoseVerdict on real images", .requiresModels)
struct VerdictRealImageTests {
    let rules = PoseVerdictRules()

    @Test("astronaut (upper body) is partial; grey image is no_person")
    func realImages() throws {
        let estimator = try TestModels.estimator()
        let astronaut = try estimator.estimate(encoded: TestModels.jpeg("astronaut.jpg"))
        let assessed = rules.assess(astronaut)
        print("astronaut verdict", assessed)
        #expect(assessed.verdict == .partial)
        #expect(assessed.reason.contains("feet"))
        let grey = try estimator.estimate(RGBImage(width: 200, height: 200, fill: RGBColor(gray: 128)))
        #expect(rules.verdict(grey) == .noPerson)
        let shirt = try estimator.estimate(Self.tShirtPhoto())
        #expect(rules.verdict(shirt) == .noPerson, "a garment alone: \(rules.assess(shirt))")
    }

    /// A product photo of a T-shirt laid flat, drawn: a navy shirt (body, sleeves, neckline, a darker hem and
    /// shading) on a light grey background, 480×480 — what a catalog's garment-only photo looks like.
    static func tShirtPhoto() throws -> RGBImage {
        let side = 480
        var pixels = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            for x in 0..<side {
                let dx = Double(x - side / 2), fy = Double(y)
                let body = abs(dx) < 120 && fy > 110 && fy < 430
                let sleeve = fy > 110 && fy < 210 && abs(dx) < 120 + (fy - 100) * 0.9 && abs(dx) < 215
                    && fy < 210 - (abs(dx) - 120) * 0.4
                let neck = fy < 140 && abs(dx) < 55 && (dx * dx) / 3025 + ((fy - 110) * (fy - 110)) / 900 < 1
                var colour: (Double, Double, Double) = (232, 232, 228)
                if (body || sleeve) && !neck {
                    let shade = 1 - 0.15 * abs(dx) / 215 - (fy > 410 ? 0.2 : 0)
                    colour = (30 * shade, 45 * shade, 110 * shade)
                }
                let i = (y * side + x) * 3
                pixels[i] = UInt8(colour.0); pixels[i + 1] = UInt8(colour.1); pixels[i + 2] = UInt8(colour.2)
            }
        }
        return try RGBImage(width: side, height: side, pixels: pixels)
    }
}
