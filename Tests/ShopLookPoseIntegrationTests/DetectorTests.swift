import Testing
import ShopLookImaging
import ShopLookTestSupport
@testable import ShopLookPose

@Suite("PoseDetector", .requiresModels, .serialized)
struct DetectorTests {
    @Test("astronaut.jpg: exactly one person, (face) box on the left-centre of the 512×512 image")
    func astronaut() throws {
        let image = try TestModels.image("astronaut.jpg")
        #expect(image.size == ImageSize(width: 512, height: 512))
        let detections = try TestModels.detector().detect(image)
        for d in detections { print("astronaut detection", d.score, d.box, d.keypoints, d.roi) }
        try #require(detections.count == 1)
        let d = detections[0]
        #expect(d.score > 0.8)
        // Printed once: score 0.81, box [160, 134 – 262, 236] (her head), hip centre (159, 529)
        // just below the frame, ROI side 1283 px rotated 8.8°.
        #expect(d.box.center.x > 150 && d.box.center.x < 280)
        #expect(d.box.center.y > 100 && d.box.center.y < 280)
        #expect(d.box.width > 60 && d.box.width < 200)
        #expect(d.keypoints.count == 4)
        #expect(d.keypoints[0].y > d.keypoints[2].y)  // hips below shoulders
        // The whole-body ROI is upright-ish (rotation within ±30°) and big.
        #expect(abs(d.roi.rotation) < Double.pi / 6)
        #expect(d.roi.size > 200)
    }

    @Test("no person on chelsea.jpg, coffee.jpg or a uniform grey image", arguments: ["chelsea.jpg", "coffee.jpg", "grey"])
    func noPerson(_ name: String) throws {
        let image = name == "grey" ? try RGBImage(width: 640, height: 480, fill: RGBColor(gray: 128)) : try TestModels.image(name)
        let detections = try TestModels.detector().detect(image)
        #expect(detections.isEmpty, "\(name): \(detections.map { ($0.score, $0.box) })")
    }
}
