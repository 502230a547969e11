import Foundation
import ShopLookImaging
import ShopLookPose
import ShopLookRuntimes

/// Models from `$SHOPLOOK_MODELS`, default the package's `.models` (Deploy/fetch-models puts them there).
enum TestModels {
    static let directory: String = {
        let env = ProcessInfo.processInfo.environment["SHOPLOOK_MODELS"] ?? ""
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return env.isEmpty ? root.appendingPathComponent(".models").path : env
    }()

    static let files = ModelFiles(directory: URL(fileURLWithPath: directory))

    /// Throws a clear "run Deploy/fetch-models" error when anything is missing.
    static func require() throws {
        let needed = ["blazepose/pose_detection.tflite", "blazepose/pose_landmark_full.tflite",
                      "litert/libLiteRt.so", "testdata/astronaut.jpg", "testdata/chelsea.jpg", "testdata/coffee.jpg",
                      "testdata/person.jpg"]
        let missing = needed.filter { !FileManager.default.isReadableFile(atPath: "\(directory)/\($0)") }
        if !missing.isEmpty { throw MissingModels(missing: missing, directory: directory) }
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

struct MissingModels: Error, CustomStringConvertible {
    let missing: [String]
    let directory: String
    var description: String {
        "pose test files missing in \(directory): \(missing.joined(separator: ", ")) — run Deploy/fetch-models "
            + "(or set SHOPLOOK_MODELS to a directory that has them)"
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
