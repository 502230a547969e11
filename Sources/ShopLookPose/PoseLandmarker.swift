import ShopLookCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ShopLookImaging
import ShopLookRuntimes

/// What ``PoseLandmarker`` found in one ROI.
public struct PoseLandmarks: Sendable, Hashable {
    /// The 33 body landmarks in image pixels.
    public var landmarks: [Landmark]
    /// The model's pose-presence probability, 0…1 (MediaPipe drops the pose below 0.5).
    public var presenceScore: Double
    /// The ROI the model ran on.
    public var roi: PoseROI
    /// Person segmentation in the ROI frame, when requested.
    public var mask: PoseMask?
}

/// BlazePose's full landmark model (pose_landmark_full.tflite) run on a ``PoseROI``.
///
/// The rotated square ROI is cut out with `warpAffine` to 256×256 (black outside the image;
/// MediaPipe replicates the border instead), scaled to [0, 1]. Outputs used: 0 = 39 × 5 values
/// (x, y, z in 256-pixel crop coordinates, visibility and presence logits; the first 33 are the
/// body), 1 = pose-presence *probability* (already sigmoid-activated inside the model: measured
/// 0.91 on astronaut.jpg, 0.013 on chelsea.jpg, 0.001 on coffee.jpg), 2 = 256×256 segmentation
/// logits (measured range about −1700…270). The heatmap (3) and world
/// landmarks (4) are ignored.
///
/// Not thread-safe: use one instance from one thread at a time.
public final class PoseLandmarker {
    public static let inputSide = 256
    static let valuesPerLandmark = 5

    let model: LiteRtCompiledModel

    public init(runtime: LiteRtRuntime, modelPath: String, threads: Int = 1) throws(PoseError) {
        do {
            model = try LiteRtCompiledModel(model: LiteRtModel(runtime: runtime, path: modelPath),
                                            options: .init(threads: threads))
        } catch {
            throw .runtime(error)
        }
        let side = Self.inputSide
        let shapes = model.outputs.map(\.shape)
        guard model.inputs.map(\.shape) == [[1, side, side, 3]], shapes.count >= 3,
              shapes[0] == [1, 195], shapes[1] == [1, 1], shapes[2] == [1, side, side, 1] else {
            throw .unexpectedModel("\(modelPath): inputs \(model.inputs.map(\.shape)), outputs \(shapes)")
        }
    }

    /// Landmarks of the person inside `roi` of `image`.
    public func landmarks(in image: RGBImage, roi: PoseROI, includeMask: Bool = false) throws(PoseError) -> PoseLandmarks {
        let side = Self.inputSide
        let toCrop = roi.transform(outputSide: side)
        guard let toImage = toCrop.inverted() else {
            throw .image(.invalidArgument("degenerate pose ROI \(roi)"))
        }
        let crop: RGBImage
        do {
            crop = try image.warpAffine(toCrop, outputSize: ImageSize(width: side, height: side), border: .black)
        } catch {
            throw .image(error)
        }
        let zScale = roi.size / Double(side)
        do {
            try model.withInputBuffer(0) { (buffer) throws(RuntimeError) in
                do {
                    try crop.writeTensor(into: buffer, layout: .nhwc, normalization: .unit)
                } catch {
                    throw .invalidArgument("writing the input tensor: \(error)")
                }
            }
            try model.run()
            let landmarks = try model.withOutputBuffer(0) { (raw) throws(RuntimeError) -> [Landmark] in
                (0..<PoseLandmarkIndex.bodyCount).map { index in
                    let v = index * Self.valuesPerLandmark
                    let point = toImage.apply(ImagePoint(x: Double(raw[v]), y: Double(raw[v + 1])))
                    return Landmark(x: point.x, y: point.y, z: Double(raw[v + 2]) * zScale,
                                    visibility: Self.sigmoid(raw[v + 3]), presence: Self.sigmoid(raw[v + 4]))
                }
            }
            let presence = try model.withOutputBuffer(1) { (raw) throws(RuntimeError) in min(max(Double(raw[0]), 0), 1) }
            var mask: PoseMask?
            if includeMask {
                let probabilities = try model.withOutputBuffer(2) { (raw) throws(RuntimeError) in
                    raw.map { Float(Self.sigmoid($0)) }
                }
                mask = PoseMask(side: side, probabilities: probabilities, imageToMask: toCrop)
            }
            return PoseLandmarks(landmarks: landmarks, presenceScore: presence, roi: roi, mask: mask)
        } catch {
            throw .runtime(error)
        }
    }

    static func sigmoid(_ x: Float) -> Double { 1 / (1 + exp(-Double(x))) }
}

@available(*, unavailable, message: "PoseLandmarker is not thread-safe; keep it on one thread (or actor)")
extension PoseLandmarker: Sendable {}
