import ShopLookCore
import ShopLookImaging
import ShopLookRuntimes

/// EfficientNet-Lite0's first 11 blocks on a person crop, in int8 (`efficientnet-lite0/lite0_parser_backbone_int8.onnx`,
/// exported and quantised by `Deploy/fetch-models`): per cell of the 48 × 24 grid, the stride-8 map's 40 channels
/// and the stride-16 map's 112 channels of the cell's 2 × 2 block.
///
/// One ONNX Runtime session on one thread; not thread-safe (``GarmentParser`` keeps it on its caller's thread).
final class ParserBackbone {
    static let fineChannels = 40
    static let coarseChannels = 112
    static let featureCount = fineChannels + coarseChannels
    static let normalization = TensorNormalization(scale: 1, mean: SIMD3(repeating: 127), std: SIMD3(repeating: 128))

    /// The backbone's version id from the models' manifest (trained weights name it).
    let modelVersion: String
    private let session: OnnxSession
    private let run: OnnxPreparedRun
    private let fineIndex: Int
    private let coarseIndex: Int

    init(files: ModelFiles) throws(RuntimeError) {
        let path = try files.parserBackbone.path
        modelVersion = try files.versionID(of: ModelFiles.parserBackboneName)
        let runtime = try OnnxRuntime(modelsDirectory: files.directory.path)
        var options = OnnxSessionOptions()
        options.intraOpThreads = 1
        session = try OnnxSession(runtime: runtime, modelPath: path, options: options)
        run = try session.prepare(inputShapes: ["input": [1, 3, ParserFrame.inputHeight, ParserFrame.inputWidth]])
        fineIndex = try run.outputIndex("s8")
        coarseIndex = try run.outputIndex("s16")
        let fineCount = run.outputs[fineIndex].shape.reduce(1, *), coarseCount = run.outputs[coarseIndex].shape.reduce(1, *)
        guard fineCount == Self.fineChannels * ParserFrame.cellCount, coarseCount == Self.coarseChannels * ParserFrame.cellCount / 4 else {
            throw .invalidArgument("\(path): outputs \(run.outputs.map(\.shape)), expected s8 [1,40,\(ParserFrame.gridHeight),\(ParserFrame.gridWidth)] and s16 [1,112,\(ParserFrame.gridHeight / 2),\(ParserFrame.gridWidth / 2)]")
        }
    }

    /// `featureCount` values per cell, cells row by row.
    func features(of image: RGBImage, in frame: ParserFrame) throws -> [Float] {
        let crop = try frame.crop(image)
        try run.withInputBuffer(0) { (buffer: UnsafeMutableBufferPointer<Float>) throws(ImageError) in
            try crop.writeTensor(into: buffer, layout: .nchw, normalization: Self.normalization)
        }
        try run.run()
        let width = ParserFrame.gridWidth, height = ParserFrame.gridHeight, cells = ParserFrame.cellCount
        var features = [Float](repeating: 0, count: cells * Self.featureCount)
        run.withOutputBuffer(fineIndex) { fine in
            for channel in 0..<Self.fineChannels {
                for cell in 0..<cells { features[cell * Self.featureCount + channel] = fine[channel * cells + cell] }
            }
        }
        run.withOutputBuffer(coarseIndex) { coarse in
            let coarseWidth = width / 2, coarseCells = cells / 4
            for channel in 0..<Self.coarseChannels {
                for row in 0..<height {
                    for column in 0..<width {
                        let value = coarse[channel * coarseCells + (row / 2) * coarseWidth + column / 2]
                        features[(row * width + column) * Self.featureCount + Self.fineChannels + channel] = value
                    }
                }
            }
        }
        return features
    }
}
