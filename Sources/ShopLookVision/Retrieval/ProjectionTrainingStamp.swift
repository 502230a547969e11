import Foundation
import ShopLookCore

/// What a trained projection was trained from, written beside it (`<projection>.json`) so that a second
/// `shoplook train projection --skip-if-current` can tell whether training again would give another file.
///
/// `inputs` names what the training reads or is told: the training code's revision (bumped by hand when the
/// trainer, the augmentation or the street crops change), the embedder's model version (the int8 or float Lite0
/// file, the framing), the trainer's settings, the catalog (the files the training reads, each with its size and
/// modification time) and, with street crops, the SHA-256 of ccp's `ground-truth.json` and its photos' listing.
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

    /// The model version whose features the projection was trained on (the `model` line of `inputs`).
    public var modelVersion: String? {
        inputs.split(separator: "\n").first { $0.hasPrefix("model ") }.map { String($0.dropFirst("model ".count)) }
    }

    /// Why the projection at `projection` cannot serve an embedder whose features are `baseModelVersion`'s: its
    /// stamp says it was trained on another model's features (vectors through it would match nothing the catalog
    /// holds). `nil` when it can, or when it has no stamp (the committed projection has none).
    public static func mismatch(projection: URL, baseModelVersion: String) -> String? {
        guard let stamp = read(for: projection), let trainedOn = stamp.modelVersion, trainedOn != baseModelVersion else { return nil }
        return "the projection \(projection.path) was trained on the features of \(trainedOn), this embedder gives "
            + "\(baseModelVersion)'s: train it again (shoplook train projection; Deploy/train-street-projection for the street projection)"
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

    /// A fingerprint of `files`: their paths relative to `root`, sorted, each with its size and modification time,
    /// hashed. A file added, removed, renamed, resized or rewritten changes it; one that cannot be read is named.
    public static func listing(of files: [URL], relativeTo root: URL) -> String {
        let base = root.standardizedFileURL.path
        var entries: [String] = []
        for file in files {
            let path = file.standardizedFileURL.path
            let relative = path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
            // The file a symbolic link names: what the training reads.
            let target = file.standardizedFileURL.resolvingSymlinksInPath().path
            if let attributes = try? FileManager.default.attributesOfItem(atPath: target),
               let size = attributes[.size] as? Int, let modified = attributes[.modificationDate] as? Date {
                entries.append("\(relative)\t\(size)\t\(modified.timeIntervalSince1970)")
            } else {
                entries.append("\(relative)\tunreadable")
            }
        }
        entries.sort()
        return "\(entries.count) files, sha256 \(SHA256.hexDigest(Array(entries.joined(separator: "\n").utf8)))"
    }

    /// SHA-256 of the file at `url` in hex, or `unreadable:<path>`.
    public static func fileDigest(_ url: URL) -> String {
        (try? SHA256.hexDigest(contentsOf: url)) ?? "unreadable:\(url.path)"
    }
}
