import ShopLookCore

/// The key of a blob: the lowercase hex SHA-256 of its bytes.
///
/// Only 64 lowercase hex digits are accepted, so a key can never name a path outside the store
/// (no `/`, no `..`, no NUL).
public struct BlobKey: Hashable, Sendable, CustomStringConvertible, Codable {
    public let rawValue: String

    public init(_ text: String) throws(BlobStoreError) {
        guard Self.isValid(text) else { throw BlobStoreError.invalidKey(text) }
        self.rawValue = text
    }

    public static func isValid(_ text: String) -> Bool {
        SHA256.isHexDigest(text)
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Errors of blob stores.
public enum BlobStoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A key that is not 64 lowercase hex digits (for example a path).
    case invalidKey(String)
    case notFound(BlobKey)
    /// Stored bytes no longer hash to their key.
    case corrupt(BlobKey, actual: String)
    /// An operating-system error, with the path and the system's message.
    case io(operation: String, path: String, message: String)
    /// The store's device is full (`ENOSPC`, or `EDQUOT` for a quota): nothing was stored. Retriable: space may
    /// return (the API answers 507 with this reason, a worker retries).
    case full(operation: String, path: String)
    /// A blob larger than the store's limit (``FileBlobStore/maximumBlobBytes``): `size` bytes, or at least
    /// that many where the file grew while it was read. Permanent: the same blob stays too large.
    case tooLarge(BlobKey, size: Int, limit: Int)

    public var description: String {
        switch self {
        case .invalidKey(let key):
            let shown = key.count > 80 ? String(key.prefix(80)) + "…" : key
            return "invalid blob key \"\(shown)\": expected 64 lowercase hex digits (a SHA-256)"
        case .notFound(let key): return "blob \(key) not found"
        case .corrupt(let key, let actual): return "blob \(key) is corrupt: its bytes hash to \(actual)"
        case .io(let operation, let path, let message): return "blob store \(operation) \(path): \(message)"
        case .full(let operation, let path): return "blob store \(operation) \(path): no space left on the store's device"
        case .tooLarge(let key, let size, let limit):
            return "blob \(key) is too large: \(size) bytes, over the limit of \(limit) bytes"
        }
    }

    /// The store's device is full (``full(operation:path:)``).
    public var isFull: Bool {
        if case .full = self { return true }
        return false
    }

    /// I/O errors may pass (a full disk, an unmounted volume); the others will not.
    public var isRetriable: Bool {
        switch self {
        case .io, .full: true
        case .invalidKey, .notFound, .corrupt, .tooLarge: false
        }
    }
}

/// A content-addressed store of immutable byte blobs.
///
/// Writing the same bytes twice gives the same key and stores them once. Implementations must make a
/// blob visible only when it is complete and durable.
public protocol BlobStore: Sendable {
    /// Stores the bytes (if not already there) and returns their key.
    func put(_ bytes: [UInt8]) async throws(BlobStoreError) -> BlobKey
    /// The blob's bytes, checked against the key.
    func get(_ key: BlobKey) async throws(BlobStoreError) -> [UInt8]
    func contains(_ key: BlobKey) async throws(BlobStoreError) -> Bool
    /// Removes a blob; removing a missing blob is not an error.
    func delete(_ key: BlobKey) async throws(BlobStoreError)
}
