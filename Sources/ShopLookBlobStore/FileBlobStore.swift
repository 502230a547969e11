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
/// Nothing under the root is followed: keys are hex digits only, and every path below the root is opened one
/// directory at a time with `O_NOFOLLOW` (`openat`, `renameat`, `unlinkat`), so a symbolic link planted in
/// `objects/` or `tmp/` (or in a blob's place) is refused or replaced, never followed out of the store. The
/// root itself may be a link (it is the operator's setting). A refused link is an I/O error: retried, not
/// blamed on the image.
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
    private var temporaryDirectoryPath: String { temporaryDirectory.path }

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
        guard let directory = try openObjectDirectory(for: key, create: true) else { throw ioError("create", destination) }
        defer { close(directory) }
        // A regular file is the blob already; a symbolic link in its place is replaced (`renameat` does not
        // follow the link it replaces).
        var status = stat()
        if fstatat(directory, key.rawValue, &status, AT_SYMLINK_NOFOLLOW) == 0, status.st_mode & S_IFMT == S_IFREG { return }
        guard let temporaryDirectory = try openDirectory(at: try openRoot(), "tmp", path: temporaryDirectoryPath, create: true) else {
            throw ioError("create", temporaryDirectoryPath)
        }
        defer { close(temporaryDirectory) }
        let name = "\(key.rawValue).\(UUID().uuidString).tmp"
        let temporary = temporaryDirectoryPath + "/" + name
        let descriptor = openat(temporaryDirectory, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ioError("create", temporary) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let error = ioError("write", temporary)
                close(descriptor)
                unlinkat(temporaryDirectory, name, 0)
                throw error
            }
            written += count
        }
        if fsync(descriptor) != 0 {
            let error = ioError("fsync", temporary)
            close(descriptor)
            unlinkat(temporaryDirectory, name, 0)
            throw error
        }
        close(descriptor)
        guard renameat(temporaryDirectory, name, directory, key.rawValue) == 0 else {
            let error = ioError("rename", destination)
            unlinkat(temporaryDirectory, name, 0)
            throw error
        }
        if fsync(directory) != 0 { throw ioError("fsync", (destination as NSString).deletingLastPathComponent) }
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
        guard let directory = try openObjectDirectory(for: key, create: false) else { throw .notFound(key) }
        let descriptor = openat(directory, key.rawValue, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        let openErrno = errno
        close(directory)
        errno = openErrno
        guard descriptor >= 0 else {
            if errno == ENOENT { throw .notFound(key) }
            if errno == ELOOP { throw .io(operation: "open", path: file, message: "a symbolic link under the store's root (never followed)") }
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
        try await blockingCalls.run { () throws(BlobStoreError) -> Bool in
            guard let directory = try openObjectDirectory(for: key, create: false) else { return false }
            defer { close(directory) }
            var status = stat()
            guard fstatat(directory, key.rawValue, &status, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno == ENOENT { return false }
                throw ioError("stat", path(for: key))
            }
            // A symbolic link in a blob's place is not the blob (it is never followed).
            return status.st_mode & S_IFMT != S_IFLNK
        }
    }

    public func delete(_ key: BlobKey) async throws(BlobStoreError) {
        try await blockingCalls.run { () throws(BlobStoreError) in
            guard let directory = try openObjectDirectory(for: key, create: false) else { return }
            defer { close(directory) }
            // `unlinkat` removes a symbolic link itself, never its target.
            if unlinkat(directory, key.rawValue, 0) != 0 && errno != ENOENT { throw ioError("delete", path(for: key)) }
        }
    }

    // MARK: Paths that never leave the root

    /// The root directory, opened (the root itself may be a symbolic link: it is the operator's setting).
    private func openRoot() throws(BlobStoreError) -> Int32 {
        let descriptor = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ioError("open", root.path) }
        return descriptor
    }

    /// `objects/ab/cd` of `key`, opened one component at a time from the root without following a symbolic
    /// link at any step (`O_NOFOLLOW`): a link planted under the root can never lead a read, a write or a
    /// delete out of it. Missing directories are created when `create`; otherwise nil when one is missing.
    private func openObjectDirectory(for key: BlobKey, create: Bool) throws(BlobStoreError) -> Int32? {
        let hex = key.rawValue
        var directory = try openRoot()
        var path = root.path
        for component in ["objects", String(hex.prefix(2)), String(hex.dropFirst(2).prefix(2))] {
            path += "/" + component
            guard let next = try openDirectory(at: directory, component, path: path, create: create) else { return nil }
            directory = next
        }
        return directory
    }

    /// Opens the directory `name` (at `path`) under `parent`, which it closes whatever happens; refuses a
    /// symbolic link or anything but a directory. Nil when it is missing and not to be created.
    private func openDirectory(at parent: Int32, _ name: String, path: String, create: Bool) throws(BlobStoreError) -> Int32? {
        defer { close(parent) }
        let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
        var descriptor = openat(parent, name, flags)
        if descriptor < 0 && errno == ENOENT {
            guard create else { return nil }
            if mkdirat(parent, name, 0o755) != 0 && errno != EEXIST { throw ioError("create", path) }
            descriptor = openat(parent, name, flags)
        }
        guard descriptor >= 0 else {
            // Linux answers ENOTDIR (O_DIRECTORY) rather than ELOOP (O_NOFOLLOW) for a link: say which it is.
            let openError = ioError("open", path)
            var status = stat()
            if fstatat(parent, name, &status, AT_SYMLINK_NOFOLLOW) == 0, status.st_mode & S_IFMT == S_IFLNK {
                throw .io(operation: "open", path: path, message: "a symbolic link under the store's root (never followed)")
            }
            throw openError
        }
        return descriptor
    }

    private func ioError(_ operation: String, _ path: String) -> BlobStoreError {
        if errno == ENOSPC || errno == EDQUOT { return .full(operation: operation, path: path) }
        return .io(operation: operation, path: path, message: String(cString: strerror(errno)))
    }
}
