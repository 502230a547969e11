import Foundation
import ShopLookImaging
import ShopLookRuntimes
import ShopLookVision
import Testing

/// What the embedder does before any model runs: a missing model file named with its fix, product photos trimmed.
@Suite struct ImageEmbedderInputTests {
    @Test func missingModelFileNamesTheFileAndTheFix() {
        let empty = ModelFiles(directory: FileManager.default.temporaryDirectory.appendingPathComponent("no-models-\(UUID())"))
        for (precision, file) in [(ModelPrecision.float, "efficientnet_lite0.onnx"), (.int8, "efficientnet_lite0_int8.onnx")] {
            #expect {
                _ = try ImageEmbedder(models: empty, precision: precision)
            } throws: { error in
                let text = "\(error)"
                return text.contains("/\(file)") && text.contains("Deploy/fetch-models")
            }
        }
    }

    @Test func productPhotoIsTrimmedAndBadInputIsAClearError() throws {
        // A dark article on a white background, off-centre.
        var image = try RGBImage(width: 400, height: 300, fill: RGBColor(r: 250, g: 250, b: 250))
        var pixels = image.pixels
        for y in 50..<200 { for x in 220..<360 { let i = (y * 400 + x) * 3; pixels[i] = 30; pixels[i + 1] = 60; pixels[i + 2] = 120 } }
        image = try RGBImage(width: 400, height: 300, pixels: pixels)
        let prepared = try ProductPhotoPreparer().prepare(try JPEGEncoder(quality: 95).encode(image))
        #expect(prepared.width == 400 && prepared.height == 300)
        #expect(abs(prepared.box[0] - 220) < 12 && abs(prepared.box[1] - 50) < 12)
        #expect(abs(prepared.box[2] - 360) < 12 && abs(prepared.box[3] - 200) < 12)
        #expect(prepared.background != nil)
        #expect {
            _ = try ProductPhotoPreparer().prepare(Array("GIF89a....".utf8))
        } throws: { error in
            "\(error)".contains("gif")
        }
    }
}
