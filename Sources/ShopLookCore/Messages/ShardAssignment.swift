/// Which search shard owns an article: a stable function of its id, so every producer and every searcher
/// agrees. The shard is also the partition of the `embedded` topic that carries the article.
public enum ShardAssignment {
    /// The first 64 bits of the article id (a SHA-256 in hex) modulo the shard count.
    public static func shard(forArticleID articleID: String, shardCount: Int) -> Int {
        precondition(shardCount > 0, "there must be at least one shard")
        var value: UInt64 = 0
        for byte in articleID.utf8.prefix(16) {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            default: digit = UInt64(byte & 0x0F)
            }
            value = value << 4 | digit
        }
        return Int(value % UInt64(shardCount))
    }
}
