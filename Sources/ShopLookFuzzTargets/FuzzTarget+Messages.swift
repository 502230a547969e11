import ShopLookCore

extension FuzzTarget {
    /// The message codecs of every topic, and `embedded`'s records (tombstones included).
    ///
    /// The first byte chooses what the rest is: 0–5 the payload of a message type (``MessageCodec/messageTypes``:
    /// new-image, pose-filtered, cropped-articles, embedded, dead-letter, look-query), 6 an `embedded` record
    /// (the next byte is the key's length, 255 for no key, then the key, then the value).
    static let messages = FuzzTarget(
        name: "messages",
        summary: """
            MessageCodec.decode of each message type: an accepted message encodes (validated against its schema), \
            decodes back equal and encodes to the same bytes again; a refusal is typed, maps to a dead-letter \
            reason, and its text lists at most 20 violations, one line each, with no control character from the \
            input; EmbeddedRecord: an empty value is a tombstone exactly when the key is an article id, and an \
            upsert comes only from a value the codec accepts
            """
    ) { (input) throws(FuzzFailure) in
        let check = Invariants(target: "messages")
        let codec: MessageCodec
        switch FuzzResources.schemas {
        case .success(let loaded): codec = loaded.codec
        case .failure(let failure): throw failure
        }
        guard let selector = input.first else { return }
        let rest = Array(input.dropFirst())
        switch selector % 7 {
        case 0: try checkMessage(NewImageMessage.self, rest, codec: codec, check: check)
        case 1: try checkMessage(PoseFilteredMessage.self, rest, codec: codec, check: check)
        case 2: try checkMessage(CroppedArticlesMessage.self, rest, codec: codec, check: check)
        case 3: try checkMessage(EmbeddedMessage.self, rest, codec: codec, check: check)
        case 4: try checkMessage(DeadLetterEnvelope.self, rest, codec: codec, check: check)
        case 5: try checkMessage(LookQueryMessage.self, rest, codec: codec, check: check)
        default: try checkEmbeddedRecord(rest, codec: codec, check: check)
        }
    }

    private static func checkMessage<M: ShopLookMessage & Equatable>(
        _ type: M.Type, _ bytes: [UInt8], codec: MessageCodec, check: Invariants
    ) throws(FuzzFailure) {
        let message: M
        switch Result(catching: { () throws(MessageError) in try codec.decode(M.self, from: bytes) }) {
        case .success(let decoded): message = decoded
        case .failure(let error):
            try checkRefusal(error, schemaName: M.schemaName, check: check)
            return
        }
        let encoded: [UInt8]
        switch Result(catching: { () throws(MessageError) in try codec.encode(message) }) {
        case .success(let bytes): encoded = bytes
        case .failure(let error): throw check.failure("an accepted \(M.schemaName) message cannot be encoded: \(error)")
        }
        switch Result(catching: { () throws(MessageError) in try codec.decode(M.self, from: encoded) }) {
        case .success(let again):
            try check.require(again == message, "\(M.schemaName): the message read back from its encoding differs: \(again) against \(message)")
            let reencoded = Result(catching: { () throws(MessageError) in try codec.encode(again) })
            try check.require(reencoded == .success(encoded), "\(M.schemaName): encoding is not stable")
        case .failure(let error):
            throw check.failure("\(M.schemaName): its own encoding is refused: \(error)")
        }
    }

    private static func checkRefusal(_ error: MessageError, schemaName: String, check: Invariants) throws(FuzzFailure) {
        switch error {
        case .invalidJSON(let detail):
            try check.require(!detail.isEmpty, "\(schemaName): invalid JSON without a detail")
        case .schemaViolation(let schema, let violations):
            try check.require(schema == schemaName && !violations.isEmpty, "\(schemaName): a schema violation of \(schema) listing \(violations.count)")
        case .unsupportedVersion:
            break
        case .schemaNotFound, .invalidSchema:
            throw check.failure("\(schemaName): the schema itself failed: \(error)")
        }
        let reason = DeadLetterReason(error)
        try check.require(reason == .schemaViolation || reason == .invalidMessage, "\(schemaName): dead-lettered as \(reason)")
        try check.require(!error.description.isEmpty, "\(schemaName): an error without a description")
        // One line per listed violation, a heading and "… and N more": whatever the message holds.
        try check.requirePrintable(
            error.description, allowedNewlines: MessageError.listedViolations + 1, "\(schemaName): the error text")
    }

    private static func checkEmbeddedRecord(_ bytes: [UInt8], codec: MessageCodec, check: Invariants) throws(FuzzFailure) {
        guard let keyLength = bytes.first else { return }
        let key: [UInt8]? = keyLength == 255 ? nil : Array(bytes.dropFirst().prefix(Int(keyLength)))
        let value = Array(bytes.dropFirst(1 + (key?.count ?? 0)))
        let record = EmbeddedRecord(key: key, value: value, codec: codec)
        let decoded = Result(catching: { () throws(MessageError) in try codec.decode(EmbeddedMessage.self, from: value) })
        switch record {
        case .upsert(let message):
            try check.require(!value.isEmpty && decoded == .success(message), "an upsert the codec does not read from the value")
        case .remove(let articleID):
            try check.require(
                value.isEmpty && key == Array(articleID.utf8) && SHA256.isHexDigest(articleID),
                "a tombstone for \(articleID) from key \(String(describing: key)) and \(value.count) value bytes")
        case .invalid(let reason):
            try check.require(!reason.isEmpty, "an invalid record without a reason")
            if value.isEmpty {
                let keyText = key.flatMap { String(validating: $0, as: UTF8.self) }
                try check.require(keyText.map { !SHA256.isHexDigest($0) } ?? true, "a tombstone keyed by article id \(keyText ?? "") was refused")
            } else {
                guard case .failure = decoded else { throw check.failure("a value the codec reads was called invalid: \(reason)") }
            }
        }
    }
}
