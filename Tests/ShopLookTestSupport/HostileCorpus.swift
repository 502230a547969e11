import Foundation

/// The hostile-upload corpus of `Benchmarks/hostile/make-corpus` (Python 3, standard library), generated into a
/// scratch folder for a test.
public enum HostileCorpus {
    /// One entry of the corpus's `manifest.json` (the script's docstring describes the fields).
    public struct Entry: Decodable, Sendable {
        public var file: String?
        public var kind: String
        public var expect: String?
        public var topic: String?
        public var what: String
        public var id: String?
        public var title: String?
        /// An `embedded` record's key in hex (nil: no key).
        public var keyHex: String?
        /// The job a valid `query-jobs` message names (expect "job-failed").
        public var jobID: String?

        enum CodingKeys: String, CodingKey {
            case file, kind, expect, topic, what, id, title
            case keyHex = "key_hex"
            case jobID = "job_id"
        }

        public init(file: String?, kind: String, expect: String?, topic: String? = nil, what: String) {
            self.file = file
            self.kind = kind
            self.expect = expect
            self.topic = topic
            self.what = what
        }
    }

    /// Writes the corpus, its truncations and marker edits made from `seedJPEG`; returns the folder and manifest.
    public static func generate(seedJPEG: URL) async throws -> (URL, [Entry]) {
        let directory = TestPaths.scratchDirectory("hostile-corpus")
        let script = TestPaths.packageRoot.appendingPathComponent("Benchmarks/hostile/make-corpus")
        let generator = try TestProcess(
            executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: ["python3", script.path, directory.path, "--seed-jpeg", seedJPEG.path])
        let exit = try await withTimeout(.seconds(300), "make-corpus") { await generator.exit() }
        guard exit == .exited(0) else { throw TestSupportError("make-corpus failed (\(exit)):\n\(await generator.output())") }
        let manifest = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
        return (directory, manifest)
    }

    /// An `embedded` entry's key (nil: no key).
    public static func key(of entry: Entry) throws -> [UInt8]? {
        guard let hex = entry.keyHex else { return nil }
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { throw TestSupportError("\(entry.what): odd key_hex") }
        return try stride(from: 0, to: digits.count, by: 2).map { index in
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                throw TestSupportError("\(entry.what): key_hex \(hex)")
            }
            return byte
        }
    }

    /// The bytes of an entry's file.
    public static func bytes(of entry: Entry, in directory: URL) throws -> [UInt8] {
        guard let file = entry.file else { throw TestSupportError("\(entry.what): no file") }
        return [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
    }
}
