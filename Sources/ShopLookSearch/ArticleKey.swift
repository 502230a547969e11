import ShopLookCore

/// The index id of an article: the first 63 bits of its id (a SHA-256 in hex).
///
/// Indexes store `Int64` ids (`-1` pads short results, so ids are non-negative). Two articles share an id
/// with probability about n² / 2⁶⁴ — 5 · 10⁻⁸ for a million articles in one shard — and a shard refuses a
/// second article under a taken id instead of overwriting the first (``ShardCatalog``).
public enum ArticleKey {
    public static func id(articleID: String) -> Int64? {
        guard SHA256.isHexDigest(articleID), let prefix = UInt64(articleID.prefix(16), radix: 16) else { return nil }
        return Int64(bitPattern: prefix & UInt64(Int64.max))
    }
}
