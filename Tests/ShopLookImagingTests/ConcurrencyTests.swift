import Testing
import ShopLookImaging

@Suite("Concurrency")
struct ConcurrencyTests {
    /// One shared decoder value used from many tasks at once (each call owns its libjpeg-turbo handle).
    @Test func concurrentDecodesAgree() async throws {
        let decoder = JPEGDecoder()
        let jpeg = TestImages.inserting(TestImages.exifSegment(orientation: 8), into: TestImages.jpeg(TestImages.photoLike(width: 120, height: 80)))
        let reference = try decoder.decode(jpeg, minimumSize: 40)
        let results = try await withThrowingTaskGroup(of: RGBImage.self) { group in
            for index in 0..<32 {
                group.addTask {
                    let image = try decoder.decode(jpeg, minimumSize: 40)
                    // Interleave an encode too.
                    _ = try JPEGEncoder(quality: 50 + index).encode(image)
                    return image
                }
            }
            var images: [RGBImage] = []
            for try await image in group { images.append(image) }
            return images
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0 == reference })
    }
}
