import Foundation
import ShopLookCore

/// Durable file writes and verified reads for ``ShardSnapshotStore`` (blocking).
enum SnapshotFiles {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// Creates `url` with `data` and fsyncs it.
    static func writeDurably(_ data: Data, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw error("open", url) }
        defer { close(fd) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw error("write", url)
                }
                offset += written
            }
        }
        guard fsync(fd) == 0 else { throw error("fsync", url) }
    }

    /// Replaces `url` atomically: a temporary file beside it, fsync'ed, renamed over it, the directory fsync'ed.
    static func replaceDurably(_ data: Data, at url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)")
        try writeDurably(data, to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let failure = error("rename", url)
            unlink(temporary.path)
            throw failure
        }
        try syncDirectory(url.deletingLastPathComponent())
    }

    static func syncDirectory(_ url: URL) throws {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw error("open", url) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw error("fsync", url) }
    }

    /// The file's bytes, after checking them against `sha256`.
    static func verifiedData(_ url: URL, _ sha256: String) throws -> Data {
        let data = try Data(contentsOf: url)
        let actual = SHA256.hexDigest(Array(data))
        guard actual == sha256 else { throw SnapshotError.corrupt(url.path, "its SHA-256 is \(actual), the manifest says \(sha256)") }
        return data
    }

    /// Checks a (large) file against `sha256` without holding it in memory.
    static func verify(_ url: URL, _ sha256: String) throws {
        let actual = try SHA256.hexDigest(contentsOf: url)
        guard actual == sha256 else { throw SnapshotError.corrupt(url.path, "its SHA-256 is \(actual), the manifest says \(sha256)") }
    }

    private static func error(_ operation: String, _ url: URL) -> SnapshotError {
        SnapshotError.io(operation: operation, path: url.path, message: String(cString: strerror(errno)))
    }
}

/// An exact index's vectors on disk: "SLVEC001", dimension (UInt32 LE), count (UInt64 LE), the ids (count
/// Int64 LE), the rows (count × dimension Float32 LE, unit rows as ``ExactVectorStore`` holds them).
enum ExactVectorFile {
    static let magic = Array("SLVEC001".utf8)

    static func bytes(dimension: Int, _ contents: (vectors: [Float], ids: [Int64])) -> Data {
        var data = Data(magic)
        withUnsafeBytes(of: UInt32(dimension).littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(contents.ids.count).littleEndian) { data.append(contentsOf: $0) }
        for id in contents.ids { withUnsafeBytes(of: id.littleEndian) { data.append(contentsOf: $0) } }
        for value in contents.vectors { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func read(_ data: Data, policy: IndexPolicy) throws -> CategoryIndex {
        let bytes = [UInt8](data)
        guard bytes.count >= 20, Array(bytes[0..<8]) == magic else { throw SnapshotError.corrupt("vectors", "not an SLVEC001 file") }
        func integer<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
            bytes[offset..<offset + MemoryLayout<T>.size].reversed().reduce(T.zero) { $0 << 8 | T($1) }
        }
        let dimension = Int(integer(UInt32.self, at: 8)), count = Int(integer(UInt64.self, at: 12))
        guard dimension > 0, count >= 0, bytes.count == 20 + count * 8 + count * dimension * 4 else {
            throw SnapshotError.corrupt("vectors", "its size does not match \(count) vectors of \(dimension)")
        }
        let index = CategoryIndex(dimension: dimension, policy: policy)
        let rows = 20 + count * 8
        for row in 0..<count {
            let id = Int64(bitPattern: integer(UInt64.self, at: 20 + row * 8))
            let vector = (0..<dimension).map { Float(bitPattern: integer(UInt32.self, at: rows + (row * dimension + $0) * 4)) }
            try index.upsert(id: id, vector: vector)
        }
        return index
    }
}
