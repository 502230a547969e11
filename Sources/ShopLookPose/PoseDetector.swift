import ShopLookImaging
import ShopLookRuntimes

/// BlazePose's person detector (pose_detection.tflite) with MediaPipe's post-processing.
///
/// The image is letterboxed to 224×224 (black padding, i.e. −1 after scaling to [−1, 1]),
/// run once, decoded against the 2254 SSD anchors, thresholded, merged by weighted NMS
/// (IoU 0.3) and mapped back to image pixels.
///
/// Not thread-safe: use one instance from one thread at a time.
public final class PoseDetector {
    public static let inputSide = 224
    /// Detections scoring below this are dropped (MediaPipe: 0.5).
    public var minimumScore: Float
    /// Weighted-NMS overlap threshold (MediaPipe: 0.3).
    public var iouThreshold: Double = 0.3

    let model: LiteRtCompiledModel
    let decoder: DetectionDecoder

    /// Loads and compiles the model at `modelPath` for `threads` XNNPACK threads.
    public init(runtime: LiteRtRuntime, modelPath: String, minimumScore: Float = 0.5, threads: Int = 1) throws(PoseError) {
        do {
            model = try LiteRtCompiledModel(model: LiteRtModel(runtime: runtime, path: modelPath),
                                            options: .init(threads: threads))
        } catch {
            throw .runtime(error)
        }
        let side = Self.inputSide
        guard model.inputs.map(\.shape) == [[1, side, side, 3]],
              model.outputs.map(\.shape) == [[1, 2254, 12], [1, 2254, 1]] else {
            throw .unexpectedModel("\(modelPath): inputs \(model.inputs.map(\.shape)), outputs \(model.outputs.map(\.shape))")
        }
        let anchors = SSDAnchorOptions.poseDetection.generate()
        guard anchors.count == 2254 else { throw .unexpectedModel("generated \(anchors.count) anchors, expected 2254") }
        decoder = DetectionDecoder(anchors: anchors)
        self.minimumScore = minimumScore
    }

    /// Every person found in `image`, best score first, in image pixels.
    public func detect(_ image: RGBImage) throws(PoseError) -> [PoseDetection] {
        let side = Self.inputSide
        let letterboxed: LetterboxedImage
        do {
            letterboxed = try image.letterboxed(to: ImageSize(width: side, height: side), padding: .black)
        } catch {
            throw .image(error)
        }
        let raw: [PoseDetection]
        do {
            try model.withInputBuffer(0) { (buffer) throws(RuntimeError) in
                do {
                    try letterboxed.image.writeTensor(into: buffer, layout: .nhwc, normalization: .signedUnit)
                } catch {
                    throw .invalidArgument("writing the input tensor: \(error)")
                }
            }
            try model.run()
            raw = try model.withOutputBuffer(0) { (boxes) throws(RuntimeError) in
                try model.withOutputBuffer(1) { (scores) throws(RuntimeError) in
                    decoder.decode(boxes: boxes, scores: scores, threshold: minimumScore)
                }
            }
        } catch {
            throw .runtime(error)
        }
        let letterbox = letterboxed.transform
        let scale = Double(side)
        return weightedNonMaxSuppression(raw, iouThreshold: iouThreshold).map { detection in
            detection.mapped { letterbox.toSource(ImagePoint(x: $0.x * scale, y: $0.y * scale)) }
        }
    }
}

@available(*, unavailable, message: "PoseDetector is not thread-safe; keep it on one thread (or actor)")
extension PoseDetector: Sendable {}
