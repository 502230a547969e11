#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ShopLookCore

/// A blob store in a local directory (or a shared volume mounted there).
///
/// Layout: `ROOT/objects/ab/cd/abcd…` (two levels of fan-out by the key's first four hex digits) and
/// `ROOT/tmp/` for writes in progress. A write goes to a unique temporary file, is `fsync`ed, renamed into
/// place (atomic on POSIX file systems) and the directory is `fsync`ed: readers never see a partial blob,
/// and a crash leaves at worst a stray temporary file.
///
/// Every file-system call runs on a ``BlockingCallPool`` (``BlockingCallPool/shared`` unless another is
/// given), never on the cooperative pool: an `fsync`, or any call on a slow shared volume, blocks its thread.
///
/// No blob larger than ``maximumBlobBytes`` is stored or read: `get` checks the file's size before reading
/// and stops reading past the limit (a file that grows meanwhile), so a stray huge file cannot exhaust memory.
public struct FileBlobStore: BlobStore {
    /// The default of ``maximumBlobBytes``: twice catalog ingest's 32 MiB limit on uploads.
    public static let defaultMaximumBlobBytes = 64 << 20

    public let root: URL
    /// The largest blob `put` stores and `get` reads, in bytes; larger ones fail with ``BlobStoreError/tooLarge(_:size:limit:)``.
    public let maximumBlobBytes: Int
    private let blockingCalls: BlockingCallPool

    public init(
        root: URL, maximumBlobBytes: Int = FileBlobStore.defaultMaximumBlobBytes,
        blockingCalls: BlockingCallPool = .shared
    ) throws(BlobStoreError) {
        precondition(maximumBlobBytes >= 0, "maximumBlobBytes must not be negative")
        self.root = root.standardizedFileURL
        self.maximumBlobBytes = maximumBlobBytes
        self.blockingCalls = blockingCalls
        for directory in [objectsDirectory, temporaryDirectory] {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw .io(operation: "create", path: directory.path, message: error.localizedDescription)
            }
        }
    }

    private var objectsDirectory: URL { root.appendingPathComponent("objects", isDirectory: true) }
    private var temporaryDirectory: URL { root.appendingPathComponent("tmp", isDirectory: true) }

    /// Where a blob lives. Safe for any `BlobKey`: keys are hex digits only.
    public func path(for key: BlobKey) -> String {
        let hex = key.rawValue
        let first = hex.prefix(2)
        let second = hex.dropFirst(2).prefix(2)
        return objectsDirectory.path + "/\(first)/\(second)/\(hex)"
    }

    public func put(_ bytes: [UInt8]) async throws(BlobStoreError) -> BlobKey {
        let key = try BlobKey(SHA256.hexDigest(bytes))
        guard bytes.count <= maximumBlobBytes else {
            throw .tooLarge(key, size: bytes.count, limit: maximumBlobBytes)
        }
        try await blockingCalls.run { () throws(BlobStoreError) in try self.writeFile(bytes, as: key) }
        return key
    }

    /// Writes a blob durably unless it is there already (blocking).
    private func writeFile(_ bytes: [UInt8], as key: BlobKey) throws(BlobStoreError) {
        let destination = path(for: key)
        if access(destination, F_OK) == 0 { return }
        let directory = (destination as NSString).deletingLastPathComponent
        try makeDirectories(directory)
        let temporary = temporaryDirectory.path + "/\(key.rawValue).\(UUID().uuidString).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ioError("create", temporary) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let error = ioError("write", temporary)
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += count
        }
        if fsync(descriptor) != 0 {
            let error = ioError("fsync", temporary)
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, destination) == 0 else {
            let error = ioError("rename", destination)
            unlink(temporary)
            throw error
        }
        try syncDirectory(directory)
    }

    public func get(_ key: BlobKey) async throws(BlobStoreError) -> [UInt8] {
        let bytes = try await blockingCalls.run { () throws(BlobStoreError) in try self.readFile(key) }
        let actual = SHA256.hexDigest(bytes)
        guard actual == key.rawValue else { throw .corrupt(key, actual: actual) }
        return bytes
    }

    /// A blob's bytes, at most ``maximumBlobBytes`` of them (blocking).
    private func readFile(_ key: BlobKey) throws(BlobStoreError) -> [UInt8] {
        let file = path(for: key)
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw .notFound(key) }
            throw ioError("open", file)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw ioError("stat", file) }
        let limit = maximumBlobBytes
        guard Int(status.st_size) <= limit else { throw .tooLarge(key, size: Int(status.st_size), limit: limit) }
        // One byte more than the file's size, to see its end in one pass; grown (up to one byte past the limit)
        // only if the file grew since `fstat`.
        var buffer = [UInt8](repeating: 0, count: Int(status.st_size) + 1)
        var filled = 0
        while true {
            if filled == buffer.count {
                guard filled <= limit else { throw .tooLarge(key, size: filled, limit: limit) }
                buffer += repeatElement(0, count: min(max(buffer.count, 1 << 16), limit + 1 - buffer.count))
            }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ioError("read", file)
            }
            if count == 0 { break }
            filled += count
        }
        guard filled <= limit else { throw .tooLarge(key, size: filled, limit: limit) }
        buffer.removeLast(buffer.count - filled)
        return buffer
    }

    public func contains(_ key: BlobKey) async throws(BlobStoreError) -> Bool {
        let file = path(for: key)
        return await blockingCalls.run { () throws(Never) -> Bool in access(file, F_OK) == 0 }
    }

    public func delete(_ key: BlobKey) async throws(BlobStoreError) {
        let file = path(for: key)
        try await blockingCalls.run { () throws(BlobStoreError) in
            if unlink(file) != 0 && errno != ENOENT { throw ioError("delete", file) }
        }
    }

    private func makeDirectories(_ directory: String) throws(BlobStoreError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(operation: "create", path: directory, message: error.localizedDescription)
        }
    }

    private func syncDirectory(_ directory: String) throws(BlobStoreError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ioError("open", directory) }
        defer { close(descriptor) }
        if fsync(descriptor) != 0 { throw ioError("fsync", directory) }
    }

    private func ioError(_ operation: String, _ path: String) -> BlobStoreError {
        .io(operation: operation, path: path, message: String(cString: strerror(errno)))
    }
}
