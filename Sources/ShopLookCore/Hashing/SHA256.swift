import Foundation

/// A streaming SHA-256 hasher (FIPS 180-4) in Swift, its block compression run with the x86 SHA extensions where
/// the CPU has them (`CShopLookSIMD`'s `sl_sha256_compress`; `SHOPLOOK_SIMD=scalar` keeps the portable code).
///
/// ShopLook identifies images and blobs by the lowercase hex SHA-256 of their
/// bytes. Use ``hash(_:)`` or ``hexDigest(_:)`` for bytes already in memory and
/// `update(_:)` + ``finalize()`` (or ``hexDigest(contentsOf:chunkSize:)``) to hash
/// large files without loading them whole.
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update(firstChunk)
/// hasher.update(secondChunk)
/// let id = hasher.finalize().hexString
/// ```
public struct SHA256: Sendable {
    /// Size of a digest in bytes.
    public static let digestByteCount = 32
    /// Size of one compression block in bytes.
    public static let blockByteCount = 64

    private var state: State = .initial
    /// Bytes of an incomplete block carried over between `update` calls (< 64 bytes).
    private var pending: [UInt8]
    /// Total number of bytes fed so far.
    private var totalByteCount: UInt64 = 0

    /// Creates a hasher with the standard SHA-256 initial state.
    public init() {
        pending = []
        pending.reserveCapacity(Self.blockByteCount)
    }

    /// Feeds raw bytes into the hasher. Can be called any number of times with chunks of any size.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var base = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        totalByteCount &+= UInt64(remaining)

        // Top up a partially filled block first.
        if !pending.isEmpty {
            let take = min(Self.blockByteCount - pending.count, remaining)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
            base += take
            remaining -= take
            if pending.count == Self.blockByteCount {
                pending.withUnsafeBytes { block in
                    state.compress(blocks: block.baseAddress!, count: 1)
                }
                pending.removeAll(keepingCapacity: true)
            }
        }

        // Hash whole blocks straight from the caller's memory.
        let wholeBlocks = remaining / Self.blockByteCount
        if wholeBlocks > 0 {
            state.compress(blocks: base, count: wholeBlocks)
            base += wholeBlocks * Self.blockByteCount
            remaining -= wholeBlocks * Self.blockByteCount
        }

        if remaining > 0 {
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: remaining))
        }
    }

    /// Feeds any byte sequence (`[UInt8]`, `Data`, `ArraySlice<UInt8>`, `String.UTF8View`, ...).
    ///
    /// Contiguous collections are hashed in place; other sequences are copied in 4 KiB chunks.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(UnsafeRawBufferPointer(buffer))
        }
        if handled != nil { return }

        var chunk: [UInt8] = []
        chunk.reserveCapacity(4096)
        for byte in bytes {
            chunk.append(byte)
            if chunk.count == 4096 {
                chunk.withUnsafeBytes { update($0) }
                chunk.removeAll(keepingCapacity: true)
            }
        }
        chunk.withUnsafeBytes { update($0) }
    }

    /// Returns the 32-byte digest of everything fed so far.
    ///
    /// The hasher itself is not modified, so more bytes may be fed afterwards
    /// to get the digest of a longer prefix.
    public func finalize() -> [UInt8] {
        var copy = self
        let bitLength = totalByteCount &* 8
        // Padding: 0x80, zeros up to 56 mod 64, then the 64-bit big-endian bit length.
        var tail: [UInt8] = copy.pending
        tail.append(0x80)
        while tail.count % Self.blockByteCount != 56 {
            tail.append(0)
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        tail.withUnsafeBytes { buffer in
            copy.state.compress(blocks: buffer.baseAddress!, count: buffer.count / Self.blockByteCount)
        }
        return copy.state.digestBytes()
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The lowercase hexadecimal digest (64 characters) of `bytes`.
    public static func hexDigest(_ bytes: some Sequence<UInt8>) -> String {
        hash(bytes).hexString
    }

    /// Streams the file at `url` through the hasher in `chunkSize` pieces and returns its digest.
    ///
    /// - Throws: The underlying file-system error if the file cannot be opened or read.
    public static func hash(contentsOf url: URL, chunkSize: Int = 1 << 20) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: max(chunkSize, blockByteCount)), !chunk.isEmpty {
            hasher.update(chunk)
        }
        return hasher.finalize()
    }

    /// The lowercase hexadecimal digest of the file at `url`, read in a streaming fashion.
    public static func hexDigest(contentsOf url: URL, chunkSize: Int = 1 << 20) throws -> String {
        try hash(contentsOf: url, chunkSize: chunkSize).hexString
    }
}
