@testable import ShopLookVision
import Testing

/// The banded framing's pooling, on feature maps whose cells are known.
@Suite struct BandPoolingTests {
    @Test func eachBandIsTheMeanOfItsRowsPerChannelAndMap() {
        // Map m, channel c, cell (y, x) holds 1000·m + c + y (x adds nothing; y varies within a band).
        let maps = 2, side = ImageEmbedder.mapSide, channels = ImageEmbedder.featureCount
        var values = [Float](repeating: 0, count: maps * channels * side * side)
        for m in 0..<maps { for c in 0..<channels { for y in 0..<side { for x in 0..<side {
            values[((m * channels + c) * side + y) * side + x] = Float(1000 * m + c + y)
        } } } }
        let bands = values.withUnsafeBufferPointer { ImageEmbedder.bands(of: $0, rows: maps) }
        #expect(bands.rows == maps * 3 && bands.columns == channels)
        // Rows 0–2, 2–4, 4–6: mean row 1, 3, 5.
        for m in 0..<maps {
            for (band, meanRow) in [1, 3, 5].enumerated() {
                for c in [0, 1, 639, 1279] {
                    #expect(bands.values[(m * 3 + band) * channels + c] == Float(1000 * m + c + meanRow))
                }
            }
        }
        #expect(EmbeddingFraming.banded.featureDimension == 3 * channels)
        #expect(EmbeddingFraming.multiView.featureDimension == 2 * channels)
        #expect(EmbeddingFraming.pad.featureDimension == channels && !EmbeddingFraming.pad.namesCrops)
    }
}
