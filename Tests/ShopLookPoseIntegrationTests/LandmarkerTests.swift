import Testing
import ShopLookImaging
import ShopLookTestSupport
@testable import ShopLookPose

@Suite("PoseLandmarker", .requiresModels, .serialized)
struct LandmarkerTests {
    @Test("astronaut: nose above shoulders above hips; frontal shoulder order; mask covers her")
    func astronaut() throws {
        let image = try TestModels.image("astronaut.jpg")
        let detection = try #require(try TestModels.detector().detect(image).first)
        let landmarker = try PoseLandmarker(runtime: TestModels.runtime(), modelPath: TestModels.files.poseLandmarks.path)
        let result = try landmarker.landmarks(in: image, roi: detection.roi, includeMask: true)
        for (i, l) in result.landmarks.enumerated() {
            print("lm", i, Int(l.x), Int(l.y), Int(l.z), (l.visibility * 100).rounded() / 100, (l.presence * 100).rounded() / 100)
        }
        print("presence", result.presenceScore)
        #expect(result.landmarks.count == 33)
        #expect(result.presenceScore > 0.8)
        let lm = result.landmarks
        let shoulderY = (lm[.leftShoulder].y + lm[.rightShoulder].y) / 2
        let hipY = (lm[.leftHip].y + lm[.rightHip].y) / 2
        #expect(lm[.nose].y < shoulderY)
        #expect(shoulderY < hipY)
        // Frontal: her left shoulder appears on the image's right.
        #expect(lm[.leftShoulder].x > lm[.rightShoulder].x)
        #expect(lm[.leftEye].x > lm[.rightEye].x)
        // Face landmarks visible; the nose is near the detector's face box (which sits ~1/3 of its
        // height lower than the face on this photo: box y 134–236, nose y 125, checked visually).
        #expect(lm[.nose].visibility > 0.9)
        #expect(detection.box.minX < lm[.nose].x && lm[.nose].x < detection.box.maxX)
        #expect(detection.box.minY - detection.box.height / 2 < lm[.nose].y && lm[.nose].y < detection.box.maxY)
        // Printed once: nose (217, 125), shoulders L (301, 238) R (114, 222), hips L (226, 517) R (118, 503).
        #expect(abs(lm[.nose].x - 217) < 15 && abs(lm[.nose].y - 125) < 15)
        // Segmentation: the nose is on the person, the top-right corner (sky/background) is not.
        let mask = try #require(result.mask)
        #expect(mask.probability(at: ImagePoint(x: lm[.nose].x, y: lm[.nose].y)) > 0.5)
        #expect(mask.probability(at: ImagePoint(x: 500, y: 10)) < 0.5)
    }
}
