import COpenBLAS
import CTurboJPEG
import Testing

/// The C shim targets link and call into the Debian libraries.
@Suite struct SystemLibraryTests {
    @Test func openBLASMultipliesMatrices() {
        // [1 2; 3 4] × [5 6; 7 8] = [19 22; 43 50], row-major.
        let a: [Float] = [1, 2, 3, 4]
        let b: [Float] = [5, 6, 7, 8]
        var c = [Float](repeating: 0, count: 4)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
        #expect(c == [19, 22, 43, 50])
    }

    @Test func turboJPEGEncodesAndDecodesAnImage() throws {
        let width: Int32 = 16
        let height: Int32 = 8
        var pixels = [UInt8](repeating: 0, count: Int(width * height * 3))
        for index in 0..<Int(width * height) { pixels[index * 3] = 200; pixels[index * 3 + 1] = 30; pixels[index * 3 + 2] = 90 }
        let compressor = try #require(tjInitCompress())
        defer { tjDestroy(compressor) }
        var jpeg: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        #expect(tjCompress2(compressor, pixels, width, 0, height, Int32(TJPF_RGB.rawValue), &jpeg, &size, Int32(TJSAMP_444.rawValue), 95, 0) == 0)
        defer { tjFree(jpeg) }
        #expect(size > 100)

        let decompressor = try #require(tjInitDecompress())
        defer { tjDestroy(decompressor) }
        var decodedWidth: Int32 = 0, decodedHeight: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        #expect(tjDecompressHeader3(decompressor, jpeg, size, &decodedWidth, &decodedHeight, &subsampling, &colorspace) == 0)
        #expect(decodedWidth == width && decodedHeight == height)
        var decoded = [UInt8](repeating: 0, count: pixels.count)
        #expect(tjDecompress2(decompressor, jpeg, size, &decoded, width, 0, height, Int32(TJPF_RGB.rawValue), 0) == 0)
        #expect(abs(Int(decoded[0]) - 200) <= 3 && abs(Int(decoded[1]) - 30) <= 3 && abs(Int(decoded[2]) - 90) <= 3)
    }
}
