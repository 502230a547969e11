import Foundation
import ShopLookImaging
import ShopLookPose
import ShopLookRuntimes
import ShopLookTestSupport

/// The pose models and test photos, from ``TestModelFiles`` (`$SHOPLOOK_MODELS`, else the package's `.models`).
enum TestModels {
    static var directory: String { TestModelFiles.directory.path }

    static var files: ModelFiles { TestModelFiles.files }

    /// Throws a clear "run Deploy/fetch-models" error when anything is missing.
    static func require() throws {
        try TestModelFiles.require([
            "blazepose/pose_detection.tflite", "blazepose/pose_landmark_full.tflite", "litert/libLiteRt.so",
            "testdata/astronaut.jpg", "testdata/chelsea.jpg", "testdata/coffee.jpg", "testdata/person.jpg",
        ].map(TestModelFiles.path))
    }

    /// One LiteRT runtime for the whole test process.
    static func runtime() throws -> LiteRtRuntime {
        try require()
        return try runtimeResult.get()
    }

    private static let runtimeResult: Result<LiteRtRuntime, RuntimeError> = Result { () throws(RuntimeError) in
        try LiteRtRuntime(modelsDirectory: directory)
    }

    static func jpeg(_ name: String) throws -> [UInt8] {
        try require()
        return Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/testdata/\(name)")))
    }

    static func image(_ name: String) throws -> RGBImage {
        try JPEGDecoder().decode(jpeg(name))
    }

    static func detector(minimumScore: Float = 0.5) throws -> PoseDetector {
        try PoseDetector(runtime: runtime(), modelPath: files.poseDetector.path, minimumScore: minimumScore)
    }

    static func estimator() throws -> PoseEstimator {
        try PoseEstimator(runtime: runtime(), files: files)
    }
}

/// An APP1 Exif segment (marker included): little-endian TIFF, IFD0 with one SHORT Orientation entry.
func exifSegment(orientation: UInt16) -> [UInt8] {
    func u16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    let tiff = [0x49, 0x49] + u16(42) + u32(8)           // "II", magic, IFD0 at 8
        + u16(1)                                          // one entry
        + u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0)
        + u32(0)                                          // no next IFD
    let payload = Array("Exif".utf8) + [0, 0] + tiff
    let length = payload.count + 2
    return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
}
