import Testing
import ShopLookImaging

@Suite("Affine warp")
struct WarpAffineTests {
    let image = TestImages.photoLike(width: 40, height: 30)

    @Test func identityCopiesExactly() throws {
        #expect(try image.warpAffine(.identity, outputSize: image.size, border: .black) == image)
        let bigger = try image.warpAffine(.identity, outputSize: ImageSize(width: 44, height: 32), border: TestImages.green)
        #expect(bigger[39, 29] == image[39, 29] && bigger[40, 5] == TestImages.green && bigger[5, 30] == TestImages.green)
    }

    @Test func ninetyDegreeRotationsArePixelPermutations() throws {
        let center = ImagePoint(x: 20, y: 15)
        // Clockwise on screen, rendered into a 30×40 canvas centred on the image centre.
        let clockwise = try image.rotated(radians: .pi / 2, around: center, outputSize: ImageSize(width: 30, height: 40), border: .black)
        #expect(clockwise == image.applyingOrientation(.right)) // orientation 6 = rotate 90° CW to display
        let counter = try image.rotated(radians: -.pi / 2, around: center, outputSize: ImageSize(width: 30, height: 40), border: .black)
        #expect(counter == image.applyingOrientation(.left))
        let half = try image.rotated(radians: .pi, around: center, outputSize: image.size, border: .black)
        #expect(half == image.applyingOrientation(.down))
    }

    @Test func translationByHalfPixelInterpolates() throws {
        let ramp = TestImages.make(width: 8, height: 2) { x, _ in RGBColor(gray: UInt8(x * 20)) }
        let shifted = try ramp.warpAffine(.translation(x: 0.5, y: 0), outputSize: ramp.size, border: .black)
        // Output x samples source x - 0.5: halfway between neighbours (border black at the left edge).
        #expect(shifted[0, 0].r == 0)
        for x in 1..<8 { #expect(shifted[x, 1].r == UInt8(x * 20 - 10)) }
    }

    @Test func rotatedRectExtractsAnUprightCrop() throws {
        // A 20×10 crop around (20, 15) rotated 90° clockwise reads the image sideways.
        let transform = AffineTransform.rotatedRect(
            center: ImagePoint(x: 20, y: 15), width: 20, height: 10, rotation: .pi / 2,
            outputSize: ImageSize(width: 20, height: 10)
        )
        let roi = try image.warpAffine(transform, outputSize: ImageSize(width: 20, height: 10), border: .black)
        let inverse = try #require(transform.inverted())
        for (x, y) in [(0, 0), (19, 0), (7, 9), (19, 9)] {
            let source = inverse.apply(ImagePoint(x: Double(x) + 0.5, y: Double(y) + 0.5))
            let sx = Int(source.x.rounded(.down)), sy = Int(source.y.rounded(.down))
            #expect(roi[x, y] == image[sx, sy])
        }
        // An axis-aligned rect with a 2× scale equals a crop followed by an upscale of pixel centres.
        let scaled = AffineTransform.rotatedRect(
            center: ImagePoint(x: 10, y: 10), width: 10, height: 10, rotation: 0, outputSize: ImageSize(width: 20, height: 20)
        )
        #expect(scaled.apply(ImagePoint(x: 5, y: 5)) == ImagePoint(x: 0, y: 0))
        #expect(scaled.apply(ImagePoint(x: 15, y: 15)) == ImagePoint(x: 20, y: 20))
    }

    @Test func transformAlgebra() throws {
        let t = AffineTransform.rotation(radians: 0.3, around: ImagePoint(x: 5, y: 7))
            .concatenating(.scale(x: 2, y: 3))
            .concatenating(.translation(x: -4, y: 9))
        let inverse = try #require(t.inverted())
        let p = ImagePoint(x: 12.5, y: -3.25)
        let q = inverse.apply(t.apply(p))
        #expect(abs(q.x - p.x) < 1e-9 && abs(q.y - p.y) < 1e-9)
        #expect(AffineTransform(rowMajor: t.rowMajor) == t)
        #expect(AffineTransform(rowMajor: [1, 2]) == nil)
        #expect(AffineTransform.scale(x: 0, y: 1).inverted() == nil)
        #expect(throws: ImageError.self) {
            try image.warpAffine(.scale(x: 0, y: 1), outputSize: image.size, border: .black)
        }
        // Clockwise on screen: +x axis turns towards +y.
        #expect(AffineTransform.rotation(radians: .pi / 2).apply(ImagePoint(x: 1, y: 0)) == ImagePoint(x: 0, y: 1))
    }

    @Test func farAwayAndNonFiniteSamplesGiveBorder() throws {
        let t = AffineTransform.translation(x: 1e300, y: -1e300)
        let out = try image.warpAffine(t, outputSize: ImageSize(width: 4, height: 4), border: TestImages.red)
        #expect(out[3, 3] == TestImages.red)
        let nan = AffineTransform.translation(x: .nan, y: 0)
        #expect(try image.warpAffine(nan, outputSize: ImageSize(width: 2, height: 2), border: TestImages.red)[1, 1] == TestImages.red)
        #expect(throws: ImageError.self) {
            try image.warpAffine(AffineTransform(m00: 1e300, m01: 0, m02: 0, m10: 0, m11: 1e300, m12: 0), outputSize: image.size, border: .black)
        }
    }
}
