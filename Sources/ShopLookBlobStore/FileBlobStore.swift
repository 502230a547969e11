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
public struct FileBlobStore: BlobStore {
    public let root: URL

    public init(root: URL) throws(BlobStoreError) {
        self.root = root.standardizedFileURL
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
        let destination = path(for: key)
        if access(destination, F_OK) == 0 { return key }
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
        return key
    }

    public func get(_ key: BlobKey) async throws(BlobStoreError) -> [UInt8] {
        let file = path(for: key)
        guard let data = FileManager.default.contents(atPath: file) else {
            if access(file, F_OK) != 0 { throw .notFound(key) }
            throw ioError("read", file)
        }
        let bytes = [UInt8](data)
        let actual = SHA256.hexDigest(bytes)
        guard actual == key.rawValue else { throw .corrupt(key, actual: actual) }
        return bytes
    }

    public func contains(_ key: BlobKey) async throws(BlobStoreError) -> Bool {
        access(path(for: key), F_OK) == 0
    }

    public func delete(_ key: BlobKey) async throws(BlobStoreError) {
        let file = path(for: key)
        if unlink(file) != 0 && errno != ENOENT { throw ioError("delete", file) }
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
