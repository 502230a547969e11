import Testing
import ShopLookImaging

@Suite("Tensor conversion")
struct TensorTests {
    // 2×1 image: (255, 0, 51), (102, 204, 153).
    let image = try! RGBImage(width: 2, height: 1, pixels: [255, 0, 51, 102, 204, 153])

    @Test func nchwUnit() throws {
        let t = try image.toTensor(layout: .nchw, normalization: .unit)
        #expect(t == [1, 0.4, 0, 0.8, 0.2, 0.6].map { Float($0) } || zip(t, [1, 0.4, 0, 0.8, 0.2, 0.6]).allSatisfy { abs($0 - Float($1)) < 1e-6 })
        #expect(t.count == 6)
    }

    @Test func nhwcImageNet() throws {
        let t = try image.toTensor(layout: .nhwc, normalization: .imageNet)
        let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
        let bytes: [Float] = [255, 0, 51, 102, 204, 153]
        for i in 0..<6 {
            let expected = (bytes[i] / 255 - mean[i % 3]) / std[i % 3]
            #expect(abs(t[i] - expected) < 1e-5, "index \(i): \(t[i]) vs \(expected)")
        }
    }

    @Test func signedUnitAndRawAndBGR() throws {
        let signed = try image.toTensor(layout: .nhwc, normalization: .signedUnit)
        #expect(abs(signed[0] - 1) < 1e-6 && abs(signed[1] + 1) < 1e-6)
        let raw = try image.toTensor(layout: .nchw, normalization: .raw)
        #expect(raw == [255, 102, 0, 204, 51, 153])
        let bgr = try image.toTensor(layout: .nchw, normalization: .raw, channelOrder: .bgr)
        #expect(bgr == [51, 153, 0, 204, 255, 102])
        let bgrInterleaved = try image.toTensor(layout: .nhwc, normalization: .raw, channelOrder: .bgr)
        #expect(bgrInterleaved == [51, 0, 255, 153, 204, 102])
        // Mean/std stay attached to the colour (R's mean for R) after reordering.
        let custom = TensorNormalization(scale: 1, mean: SIMD3(255, 0, 0), std: SIMD3(1, 1, 51))
        let reordered = try image.toTensor(layout: .nhwc, normalization: custom, channelOrder: .bgr)
        #expect(reordered[0] == 1 && reordered[2] == 0)
    }

    @Test func writesIntoABatchAtAnOffset() throws {
        var batch = [Float](repeating: -7, count: 2 * image.tensorElementCount)
        try image.writeTensor(into: &batch, offset: image.tensorElementCount, layout: .nchw, normalization: .raw)
        #expect(Array(batch[0..<6]) == [Float](repeating: -7, count: 6))
        #expect(Array(batch[6..<12]) == [255, 102, 0, 204, 51, 153])
        #expect(throws: ImageError.self) {
            try image.writeTensor(into: &batch, offset: 7, layout: .nchw)
        }
        #expect(throws: ImageError.self) {
            try image.writeTensor(into: &batch, layout: .nchw, normalization: TensorNormalization(std: SIMD3(1, 0, 1)))
        }
    }
}
