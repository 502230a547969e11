import Foundation
import ShopLookCore
import Testing

/// A message type of the tests' own, with schemas written to a temporary directory.
private struct ProbeMessage: ShopLookMessage, Equatable {
    static let schemaName = "probe"
    static let currentVersion = 1
    var version: Int
    var count: Int
}

private func registry(with schemas: [String: String]) throws -> SchemaRegistry {
    let directory = try Fixtures.temporaryDirectory()
    for (name, text) in schemas {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name + ".schema.json"))
    }
    return SchemaRegistry(directory: directory)
}

@Suite("Message codec")
struct MessageCodecTests {
    @Test("encoding refuses messages its schema would reject")
    func encodeValidates() throws {
        var message = Samples.fullNewImage
        message.imageID = "not-a-digest"
        let error = #expect(throws: MessageError.self) { try Fixtures.codec.encode(message) }
        #expect(error?.violations.map(\.path) == ["/image_id"])

        var lenient = Fixtures.codec
        lenient.validatesOnEncode = false
        let bytes = try lenient.encode(message)
        #expect(String(decoding: bytes, as: UTF8.self).contains("not-a-digest"))
    }

    @Test("encoding a non-finite number is an invalidJSON error naming the field")
    func encodeNaN() {
        var message = Samples.fullPoseFiltered
        message.score = .nan
        let error = #expect(throws: MessageError.self) { try Fixtures.codec.encode(message) }
        guard case .invalidJSON(let detail)? = error else {
            Issue.record("expected invalidJSON, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("/score"))
    }

    @Test("encoding a date beyond year 9999 fails validation at its path")
    func encodeFarFutureDate() {
        var message = Samples.fullNewImage
        message.uploadedAt = Date(timeIntervalSince1970: 1e12)
        let error = #expect(throws: MessageError.self) { try Fixtures.codec.encode(message) }
        #expect(error?.violations.map { "\($0.path) \($0.keyword)" } == ["/uploaded_at format"])
    }

    @Test("encoding a message whose version is not current fails")
    func encodeWrongVersion() {
        var message = Samples.fullEmbedded
        message.version = 2
        #expect(throws: MessageError.unsupportedVersion(2)) { try Fixtures.codec.encode(message) }
    }

    @Test("bytes that are not JSON fail with invalidJSON and a position")
    func decodeGarbage() {
        let error = #expect(throws: MessageError.self) {
            try Fixtures.codec.decode(NewImageMessage.self, from: Array("{\"version\":1,".utf8))
        }
        guard case .invalidJSON(let detail)? = error else {
            Issue.record("expected invalidJSON, got \(String(describing: error))")
            return
        }
        #expect(detail.hasPrefix("new-image message is not valid JSON"))
        #expect(detail.contains("line 1"))
    }

    @Test("duplicate keys are rejected before the decoder can pick one")
    func duplicateKeys() throws {
        let text = String(decoding: try Fixtures.codec.encode(Samples.fullEmbedded), as: UTF8.self)
        let duplicated = text.replacingOccurrences(of: "{", with: "{\"shard\":-1,")
        #expect(throws: MessageError.self) {
            try Fixtures.codec.decode(EmbeddedMessage.self, from: Array(duplicated.utf8))
        }
    }

    @Test("integers beyond what the Swift type holds are schema violations with a path")
    func integerBounds() throws {
        let json = try Fixtures.json(Samples.fullNewImage).setting("byte_size", to: .double(1e20))
        let error = #expect(throws: MessageError.self) {
            try Fixtures.codec.decode(NewImageMessage.self, from: json.bytes)
        }
        #expect(error?.violations.map { "\($0.path) \($0.keyword)" } == ["/byte_size maximum"])
        // 2^63 parses as a double that equals Double(Int64.max); the bound check must be exact.
        let offset = Array(String(decoding: try Fixtures.codec.encode(Samples.fullDeadLetter), as: UTF8.self)
            .replacingOccurrences(of: "9223372036854775807", with: "9223372036854775808").utf8)
        let offsetError = #expect(throws: MessageError.self) {
            try Fixtures.codec.decode(DeadLetterEnvelope.self, from: offset)
        }
        #expect(offsetError?.violations.map { "\($0.path) \($0.keyword)" } == ["/offset maximum"])
    }

    @Test("a value the schema admits but Swift cannot decode is still reported as a violation")
    func decodingFallback() throws {
        let codec = MessageCodec(registry: try registry(with: [
            "probe": #"{"type":"object","properties":{"version":{"type":"integer"},"count":{"type":["integer","string"]}}}"#,
        ]))
        let mismatch = #expect(throws: MessageError.self) {
            try codec.decode(ProbeMessage.self, from: Array(#"{"version":1,"count":"3"}"#.utf8))
        }
        #expect(mismatch?.violations.map { "\($0.path) \($0.keyword)" } == ["/count decoding"])
        let overflow = #expect(throws: MessageError.self) {
            try codec.decode(ProbeMessage.self, from: Array(#"{"version":1,"count":1e30}"#.utf8))
        }
        #expect(overflow?.violations.first?.keyword == "decoding")
        #expect(overflow?.violations.first?.message.contains("does not fit its Swift type") == true)
    }

    @Test("integral numbers written as 2.0 decode into Int fields")
    func integralDoubles() throws {
        let json = try Fixtures.json(Samples.fullEmbedded).setting("dim", to: .double(512.0))
        let text = json.description
        #expect(text.contains("\"dim\":512.0"))
        #expect(try Fixtures.codec.decode(EmbeddedMessage.self, from: Array(text.utf8)) == Samples.fullEmbedded)
    }

    @Test("a version the schema admits but the code cannot read is unsupportedVersion")
    func decodeUnsupportedVersion() throws {
        let codec = MessageCodec(registry: try registry(with: [
            "probe": #"{"type":"object","required":["version","count"],"properties":{"version":{"type":"integer"},"count":{"type":"integer"}}}"#,
        ]))
        #expect(try codec.decode(ProbeMessage.self, from: Array(#"{"version":1,"count":3}"#.utf8)) == ProbeMessage(version: 1, count: 3))
        #expect(throws: MessageError.unsupportedVersion(2)) {
            try codec.decode(ProbeMessage.self, from: Array(#"{"version":2,"count":3}"#.utf8))
        }
    }

    @Test("a missing schema file is schemaNotFound, an unusable one invalidSchema")
    func schemaProblems() throws {
        let missing = MessageCodec(registry: try registry(with: [:]))
        #expect(throws: MessageError.schemaNotFound("probe")) {
            try missing.decode(ProbeMessage.self, from: Array(#"{"version":1,"count":3}"#.utf8))
        }
        #expect(MessageError.schemaNotFound("probe").description.contains("SHOPLOOK_HOME"))

        let broken = MessageCodec(registry: try registry(with: ["probe": #"{"oneOf":[{"type":"object"}]}"#]))
        let error = #expect(throws: MessageError.self) {
            try broken.encode(ProbeMessage(version: 1, count: 1))
        }
        guard case .invalidSchema(let name, let reason)? = error else {
            Issue.record("expected invalidSchema, got \(String(describing: error))")
            return
        }
        #expect(name == "probe")
        #expect(reason.contains("\"oneOf\""))
    }

    @Test("all message schemas load and compile")
    func preload() throws {
        try Fixtures.codec.preloadSchemas()
        #expect(Fixtures.registry.availableSchemaNames() == ["cropped-articles", "dead-letter", "embedded", "look-query", "new-image", "pose-filtered"])
        #expect(try Fixtures.registry.preloadAll().count == 6)
        for type in MessageCodec.messageTypes {
            let schema = try Fixtures.registry.schema(named: type.schemaName)
            #expect(schema.id == "https://shoplook.dev/schemas/\(type.schemaName).schema.json")
            #expect(schema.document["$schema"] == .string("https://json-schema.org/draft/2020-12/schema"))
        }
    }

    @Test("the registry serves concurrent callers")
    func concurrentRegistry() async throws {
        let registry = SchemaRegistry(directory: Fixtures.schemasDirectory)
        let codec = MessageCodec(registry: registry)
        let bytes = try codec.encode(Samples.fullCroppedArticles)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    (try? codec.decode(CroppedArticlesMessage.self, from: bytes)) == Samples.fullCroppedArticles
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0 })
    }

    @Test("dead-letter reasons follow decode errors")
    func deadLetterReason() {
        #expect(DeadLetterReason(.schemaViolation(schema: "x", violations: [])) == .schemaViolation)
        #expect(DeadLetterReason(.invalidJSON("x")) == .invalidMessage)
        #expect(DeadLetterReason(.unsupportedVersion(9)) == .invalidMessage)
    }

    @Test("a 1 MiB payload dead-letters within a reasonable time")
    func largePayload() throws {
        var envelope = Samples.fullDeadLetter
        envelope.payload = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let start = ContinuousClock.now
        let bytes = try Fixtures.codec.encode(envelope)
        #expect(try Fixtures.codec.decode(DeadLetterEnvelope.self, from: bytes) == envelope)
        #expect(ContinuousClock.now - start < .seconds(20))
    }
}
