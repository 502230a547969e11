import Foundation
import Testing
import ShopLookImaging
import ShopLookTestSupport
@testable import ShopLookPose

@Suite("PoseEstimator", .requiresModels, .serialized)
struct EstimatorTests {
    @Test("astronaut: one person, landmarks, person box, deterministic")
    func astronautDeterministic() throws {
        let estimator = try TestModels.estimator()
        let jpeg = try TestModels.jpeg("astronaut.jpg")
        let first = try estimator.estimate(encoded: jpeg)
        let second = try estimator.estimate(encoded: jpeg)
        #expect(first == second)
        #expect(first.people == 1)
        let landmarks = try #require(first.landmarks)
        #expect(landmarks.count == 33)
        #expect(first.presenceScore > 0.7)
        let box = try #require(first.personBox)
        print("person box", box)
        #expect(box.minX < 130 && box.maxX > 290 && box.minY < 110 && box.maxY > 500)
        // A fresh estimator gives the identical result.
        #expect(try TestModels.estimator().estimate(encoded: jpeg) == first)
    }

    @Test("uniform grey image, chelsea and coffee: no person")
    func noPerson() throws {
        let estimator = try TestModels.estimator()
        let grey = try estimator.estimate(RGBImage(width: 300, height: 400, fill: RGBColor(gray: 128)))
        #expect(grey.people == 0 && grey.landmarks == nil && grey.presenceScore == 0 && grey.personBox == nil)
        for name in ["chelsea.jpg", "coffee.jpg"] {
            #expect(try estimator.estimate(encoded: TestModels.jpeg(name)).people == 0, "\(name)")
        }
    }

    @Test("EXIF: pixels rotated 90° and tagged to display upright give the same landmarks")
    func exifRotation() throws {
        let estimator = try TestModels.estimator()
        let original = try TestModels.image("astronaut.jpg")
        // Stored pixels rotated 90° counter-clockwise; orientation 6 ("rotate 90° clockwise to display").
        let stored = original.applyingOrientation(.left)
        #expect(stored.applyingOrientation(.right) == original)
        let encoded = try JPEGEncoder(quality: 95, subsampling: .yuv444).encode(stored)
        let tagged = Array(encoded[0..<2]) + exifSegment(orientation: 6) + Array(encoded[2...])
        #expect(try JPEGDecoder().decode(tagged).size == original.size)

        let reference = try estimator.estimate(original)
        let rotated = try estimator.estimate(encoded: tagged)
        #expect(rotated.people == reference.people)
        let a = try #require(reference.landmarks), b = try #require(rotated.landmarks)
        // Re-encoding changes the pixels slightly; confident landmarks (face, shoulders, hips)
        // must agree within a few pixels, the uncertain ones (hands, visibility < 0.8) loosely.
        var worstConfident = 0.0, worstPresent = 0.0
        for (p, q) in zip(a, b) where p.presence > 0.5 {
            let difference = max(abs(p.x - q.x), abs(p.y - q.y))
            worstPresent = max(worstPresent, difference)
            if p.visibility > 0.8 { worstConfident = max(worstConfident, difference) }
        }
        print("EXIF: worst difference \(worstConfident) px (visible), \(worstPresent) px (present)")
        #expect(worstConfident < 4)
        #expect(worstPresent < 15)
    }
}
