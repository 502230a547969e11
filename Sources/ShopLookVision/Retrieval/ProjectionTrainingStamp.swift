import Foundation
import ShopLookCore

/// What a trained projection was trained from, written beside it (`<projection>.json`) so that a second
/// `shoplook train projection --skip-if-current` can tell whether training again would give another file.
///
/// `inputs` names everything the training reads or is told: the embedder's model version (the int8 or float
/// Lite0 file, the framing), the trainer's settings, the catalog (every file's path below the catalog folder and
/// its size) and, with street crops, the SHA-256 of ccp's `ground-truth.json` and its photos' paths and sizes.
/// `contentID` is the projection file's own id, so a stamp left beside another file does not vouch for it.
public struct ProjectionTrainingStamp: Codable, Sendable, Equatable {
    public static let schema = 1

    public var schema: Int
    public var inputs: String
    public var contentID: String

    public init(inputs: String, contentID: String) {
        self.schema = Self.schema
        self.inputs = inputs
        self.contentID = contentID
    }

    /// The stamp's file for the projection at `projection`.
    public static func url(for projection: URL) -> URL {
        projection.appendingPathExtension("json")
    }

    /// The stamp beside `projection`, `nil` when there is none or it cannot be read.
    public static func read(for projection: URL) -> ProjectionTrainingStamp? {
        guard let data = try? Data(contentsOf: url(for: projection)),
              let stamp = try? JSONDecoder().decode(ProjectionTrainingStamp.self, from: data),
              stamp.schema == schema else { return nil }
        return stamp
    }

    /// Writes the stamp beside `projection` (atomically).
    public func write(for projection: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(self).write(to: Self.url(for: projection), options: .atomic)
    }

    /// True when the projection file at `projection` is the one this stamp describes and `inputs` are the same.
    public func vouches(for projection: URL, inputs current: String) -> Bool {
        guard inputs == current, let bytes = try? Data(contentsOf: projection),
              let loaded = try? LinearProjection(serialized: [UInt8](bytes)) else { return false }
        return loaded.contentID == contentID
    }

    /// A fingerprint of the files below `folder` with one of `extensions` (lower-cased, without the dot): their
    /// paths relative to `folder`, sorted, with their sizes, hashed. A file added, removed, renamed or resized
    /// changes it; so does a folder that cannot be listed (it names the error).
    public static func listing(of folder: URL, extensions: Set<String>) -> String {
        let root = folder.standardizedFileURL.resolvingSymlinksInPath()
        guard let walker = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey], options: [.skipsHiddenFiles]) else {
            return "unreadable:\(root.path)"
        }
        var entries: [String] = []
        for case let url as URL in walker where extensions.contains(url.pathExtension.lowercased()) {
            let values = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
            guard values?.isRegularFile ?? false else { continue }
            let relative = String(url.standardizedFileURL.resolvingSymlinksInPath().path.dropFirst(root.path.count))
            entries.append("\(relative)\t\(values?.fileSize ?? -1)")
        }
        entries.sort()
        return "\(entries.count) files, sha256 \(SHA256.hexDigest(Array(entries.joined(separator: "\n").utf8)))"
    }

    /// SHA-256 of the file at `url` in hex, or `unreadable:<path>`.
    public static func fileDigest(_ url: URL) -> String {
        (try? SHA256.hexDigest(contentsOf: url)) ?? "unreadable:\(url.path)"
    }
}
