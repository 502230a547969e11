import ShopLookCore
import ShopLookImaging
import ShopLookRuntimes

/// Detector + landmark model: the pose stage's per-image work.
///
/// Runs single-threaded (XNNPACK `num_threads = 1` by default). Not thread-safe: use one
/// instance per thread / worker; instances may share one ``LiteRtRuntime``.
public final class PoseEstimator {
    public let detector: PoseDetector
    public let landmarker: PoseLandmarker
    /// Also return the segmentation mask (one 256×256 sigmoid pass; off by default).
    public var includeMask: Bool
    /// Decoder for ``estimate(encoded:)`` (JPEG or PNG; applies EXIF orientation).
    public var decoder = ImageDecoder()

    public init(detector: PoseDetector, landmarker: PoseLandmarker, includeMask: Bool = false) {
        self.detector = detector
        self.landmarker = landmarker
        self.includeMask = includeMask
    }

    /// Opens LiteRT from `files` and loads both BlazePose models into it.
    public convenience init(files: ModelFiles, minimumScore: Float = 0.5, threads: Int = 1, includeMask: Bool = false) throws(PoseError) {
        let runtime: LiteRtRuntime
        do {
            runtime = try LiteRtRuntime(libraryPath: try files.liteRtLibrary.path)
        } catch {
            throw .runtime(error)
        }
        try self.init(runtime: runtime, files: files, minimumScore: minimumScore, threads: threads, includeMask: includeMask)
    }

    /// Loads both BlazePose models from `files` into `runtime`.
    public convenience init(
        runtime: LiteRtRuntime, files: ModelFiles, minimumScore: Float = 0.5, threads: Int = 1, includeMask: Bool = false
    ) throws(PoseError) {
        let detectorPath: String
        let landmarksPath: String
        do {
            detectorPath = try files.poseDetector.path
            landmarksPath = try files.poseLandmarks.path
        } catch {
            throw .runtime(error)
        }
        try self.init(
            detector: PoseDetector(runtime: runtime, modelPath: detectorPath, minimumScore: minimumScore, threads: threads),
            landmarker: PoseLandmarker(runtime: runtime, modelPath: landmarksPath, threads: threads),
            includeMask: includeMask)
    }

    /// Decodes JPEG (EXIF-oriented) or PNG bytes with `decoder`.
    public func decode(_ encoded: [UInt8]) throws(PoseError) -> RGBImage {
        do {
            return try decoder.decode(encoded)
        } catch {
            throw .image(error)
        }
    }

    /// Decodes JPEG (EXIF-oriented) or PNG bytes and estimates.
    public func estimate(encoded: [UInt8]) throws(PoseError) -> PoseResult {
        try estimate(decode(encoded))
    }

    /// Detects people and runs the landmark model on the largest one.
    public func estimate(_ image: RGBImage) throws(PoseError) -> PoseResult {
        let detections = try detector.detect(image)
        // Largest whole-body ROI = the nearest / most prominent person (ties: best score, first).
        guard let chosen = detections.enumerated().max(by: { a, b in
            a.element.roi.size != b.element.roi.size ? a.element.roi.size < b.element.roi.size : a.offset > b.offset
        })?.element else {
            return PoseResult(detections: [], detectionScore: 0, landmarks: nil, roi: nil, personBox: nil, presenceScore: 0, mask: nil,
                              imageWidth: image.width, imageHeight: image.height)
        }
        let found = try landmarker.landmarks(in: image, roi: chosen.roi, includeMask: includeMask)
        return PoseResult(
            detections: detections, detectionScore: Double(chosen.score), landmarks: found.landmarks, roi: found.roi,
            personBox: Self.bounds(of: found.landmarks, width: image.width, height: image.height),
            presenceScore: found.presenceScore, mask: found.mask, imageWidth: image.width, imageHeight: image.height)
    }

    /// Bounds of the present landmarks (presence ≥ 0.5), clipped to the image.
    static func bounds(of landmarks: [Landmark], width: Int, height: Int) -> PoseBox? {
        let present = landmarks.filter { $0.presence >= 0.5 }
        guard !present.isEmpty else { return nil }
        let w = Double(width), h = Double(height)
        let box = PoseBox(
            minX: min(max(present.map(\.x).min()!, 0), w), minY: min(max(present.map(\.y).min()!, 0), h),
            maxX: min(max(present.map(\.x).max()!, 0), w), maxY: min(max(present.map(\.y).max()!, 0), h))
        return box.area > 0 ? box : nil
    }
}

@available(*, unavailable, message: "PoseEstimator is not thread-safe; use one per thread (or actor)")
extension PoseEstimator: Sendable {}
