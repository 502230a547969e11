/// What one record on `embedded` asks of the searcher that owns its shard.
///
/// A record with a value is an ``EmbeddedMessage`` (the article's vector is stored); a record with an empty value
/// is a tombstone (the pipeline's `ProductRemover` sends them), keyed by the article id: every vector of the
/// article leaves the shard. Anything else is invalid, with the reason the searcher logs.
public enum EmbeddedRecord: Sendable, Equatable {
    /// The article's vector is stored: the shard reads it and adds it.
    case upsert(EmbeddedMessage)
    /// A tombstone: the article (every model version of it) leaves the shard.
    case remove(articleID: String)
    /// Neither: a tombstone without an article id as its key, or a value that is not an `embedded` message.
    case invalid(reason: String)

    /// Reads a record's key and value; `codec` validates and decodes the value.
    public init(key: [UInt8]?, value: [UInt8], codec: MessageCodec) {
        guard !value.isEmpty else {
            guard let key, let articleID = String(validating: key, as: UTF8.self), SHA256.isHexDigest(articleID) else {
                self = .invalid(reason: "tombstone without an article id (64 lowercase hex digits) as its key")
                return
            }
            self = .remove(articleID: articleID)
            return
        }
        switch Result(catching: { () throws(MessageError) in try codec.decode(EmbeddedMessage.self, from: value) }) {
        case .success(let message): self = .upsert(message)
        case .failure(let error): self = .invalid(reason: error.description)
        }
    }
}
