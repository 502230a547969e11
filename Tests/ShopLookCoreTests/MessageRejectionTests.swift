import Foundation
import ShopLookCore
import Testing

/// A corrupted message and the violation decoding must report.
struct RejectionCase: Sendable, CustomTestStringConvertible {
    let schemaName: String
    let what: String
    let json: JSONValue
    let path: String
    let keyword: String
    let decode: @Sendable ([UInt8]) throws(MessageError) -> Void

    var testDescription: String { "\(schemaName): \(what)" }

    init<M: ShopLookMessage>(_ sample: M, _ what: String, path: String, keyword: String, _ mutate: (JSONValue) -> JSONValue) {
        schemaName = M.schemaName
        self.what = what
        // Fixture construction: the samples are known-valid (see MessageRoundTripTests).
        json = mutate(try! Fixtures.json(sample))
        self.path = path
        self.keyword = keyword
        decode = { (bytes) throws(MessageError) in _ = try Fixtures.codec.decode(M.self, from: bytes) }
    }
}

private let upperHex = String(repeating: "AB", count: 32)

let rejectionCases: [RejectionCase] = [
    // new-image
    .init(Samples.fullNewImage, "missing required field", path: "/image_id", keyword: "required") { $0.setting("image_id", to: nil) },
    .init(Samples.fullNewImage, "wrong type", path: "/byte_size", keyword: "type") { $0.setting("byte_size", to: .string("12")) },
    .init(Samples.fullNewImage, "extra property", path: "/colour", keyword: "additionalProperties") { $0.setting("colour", to: .string("red")) },
    .init(Samples.fullNewImage, "bad hex id", path: "/image_id", keyword: "pattern") { $0.setting("image_id", to: .string("xyz")) },
    .init(Samples.fullNewImage, "uppercase hex id", path: "/blob_key", keyword: "pattern") { $0.setting("blob_key", to: .string(upperHex)) },
    .init(Samples.fullNewImage, "byte size 0", path: "/byte_size", keyword: "minimum") { $0.setting("byte_size", to: .integer(0)) },
    .init(Samples.fullNewImage, "wrong version", path: "/version", keyword: "const") { $0.setting("version", to: .integer(2)) },
    .init(Samples.fullNewImage, "bad date", path: "/uploaded_at", keyword: "format") { $0.setting("uploaded_at", to: .string("2024-05-01")) },
    .init(Samples.fullNewImage, "unknown source", path: "/source", keyword: "enum") { $0.setting("source", to: .string("web")) },
    .init(Samples.fullNewImage, "empty category", path: "/category", keyword: "minLength") { $0.setting("category", to: .string("")) },
    // pose-filtered
    .init(Samples.fullPoseFiltered, "missing required field", path: "/verdict", keyword: "required") { $0.setting("verdict", to: nil) },
    .init(Samples.fullPoseFiltered, "wrong type", path: "/image_width", keyword: "type") { $0.setting("image_width", to: .double(768.5)) },
    .init(Samples.fullPoseFiltered, "extra property", path: "/landmarks/4/w", keyword: "additionalProperties") { $0.setting("w", to: .integer(1), at: ["landmarks", "4"]) },
    .init(Samples.fullPoseFiltered, "bad hex id", path: "/blob_key", keyword: "pattern") { $0.setting("blob_key", to: .string(hexA + "0")) },
    .init(Samples.fullPoseFiltered, "score above 1", path: "/score", keyword: "maximum") { $0.setting("score", to: .double(1.5)) },
    .init(Samples.fullPoseFiltered, "visibility below 0", path: "/landmarks/3/visibility", keyword: "minimum") { $0.setting("visibility", to: .double(-0.1), at: ["landmarks", "3"]) },
    .init(Samples.fullPoseFiltered, "wrong version", path: "/version", keyword: "const") { $0.setting("version", to: .integer(0)) },
    .init(Samples.fullPoseFiltered, "region of an unknown super-category", path: "/regions/1/super_category", keyword: "enum") { $0.setting("super_category", to: .string("hat"), at: ["regions", "1"]) },
    .init(Samples.fullPoseFiltered, "32 landmarks", path: "/landmarks", keyword: "minItems") { $0.setting("landmarks", to: .array(Array(($0["landmarks"]?.arrayValue ?? []).dropLast()))) },
    .init(Samples.fullPoseFiltered, "3-number box", path: "/person_box", keyword: "minItems") { $0.setting("person_box", to: .array([.integer(1), .integer(2), .integer(3)])) },
    .init(Samples.fullPoseFiltered, "unknown verdict", path: "/verdict", keyword: "enum") { $0.setting("verdict", to: .string("sitting")) },
    .init(Samples.fullPoseFiltered, "boolean score", path: "/score", keyword: "type") { $0.setting("score", to: .bool(true)) },
    // cropped-articles
    .init(Samples.fullCroppedArticles, "missing required field", path: "/articles/1/box", keyword: "required") { $0.setting("box", to: nil, at: ["articles", "1"]) },
    .init(Samples.fullCroppedArticles, "wrong type", path: "/articles", keyword: "type") { $0.setting("articles", to: .object([:])) },
    .init(Samples.fullCroppedArticles, "extra property", path: "/articles/0/colour", keyword: "additionalProperties") { $0.setting("colour", to: .string("red"), at: ["articles", "0"]) },
    .init(Samples.fullCroppedArticles, "bad hex id", path: "/articles/0/crop_blob_key", keyword: "pattern") { $0.setting("crop_blob_key", to: .string(upperHex), at: ["articles", "0"]) },
    .init(Samples.fullCroppedArticles, "negative score", path: "/articles/1/score", keyword: "minimum") { $0.setting("score", to: .double(-0.5), at: ["articles", "1"]) },
    .init(Samples.fullCroppedArticles, "wrong version", path: "/version", keyword: "const") { $0.setting("version", to: .integer(2)) },
    .init(Samples.fullCroppedArticles, "no articles", path: "/articles", keyword: "minItems") { $0.setting("articles", to: .array([])) },
    .init(Samples.fullCroppedArticles, "box of strings", path: "/articles/0/box/2", keyword: "type") { $0.setting("box", to: .array([.integer(1), .integer(2), .string("3"), .integer(4)]), at: ["articles", "0"]) },
    // embedded
    .init(Samples.fullEmbedded, "missing required field", path: "/model_version", keyword: "required") { $0.setting("model_version", to: nil) },
    .init(Samples.fullEmbedded, "wrong type", path: "/dim", keyword: "type") { $0.setting("dim", to: .string("512")) },
    .init(Samples.fullEmbedded, "extra property", path: "/vector", keyword: "additionalProperties") { $0.setting("vector", to: .array([.double(0.1)])) },
    .init(Samples.fullEmbedded, "bad hex id", path: "/article_id", keyword: "pattern") { $0.setting("article_id", to: .string("not-hex")) },
    .init(Samples.fullEmbedded, "negative shard", path: "/shard", keyword: "minimum") { $0.setting("shard", to: .integer(-1)) },
    .init(Samples.fullEmbedded, "zero dim", path: "/dim", keyword: "minimum") { $0.setting("dim", to: .integer(0)) },
    .init(Samples.fullEmbedded, "wrong version", path: "/version", keyword: "const") { $0.setting("version", to: .integer(2)) },
    .init(Samples.fullEmbedded, "empty model version", path: "/model_version", keyword: "minLength") { $0.setting("model_version", to: .string("")) },
    // dead-letter
    .init(Samples.fullDeadLetter, "missing required field", path: "/payload", keyword: "required") { $0.setting("payload", to: nil) },
    .init(Samples.fullDeadLetter, "non-integer partition", path: "/partition", keyword: "type") { $0.setting("partition", to: .double(1.5)) },
    .init(Samples.fullDeadLetter, "extra property", path: "/headers", keyword: "additionalProperties") { $0.setting("headers", to: .object([:])) },
    .init(Samples.fullDeadLetter, "payload not base64", path: "/payload", keyword: "contentEncoding") { $0.setting("payload", to: .string("not base64!")) },
    .init(Samples.fullDeadLetter, "key with bad padding", path: "/key", keyword: "contentEncoding") { $0.setting("key", to: .string("AB=C")) },
    .init(Samples.fullDeadLetter, "negative offset", path: "/offset", keyword: "minimum") { $0.setting("offset", to: .integer(-1)) },
    .init(Samples.fullDeadLetter, "wrong version", path: "/version", keyword: "const") { $0.setting("version", to: .integer(2)) },
    .init(Samples.fullDeadLetter, "unknown error kind", path: "/error_kind", keyword: "enum") { $0.setting("error_kind", to: .string("oops")) },
    .init(Samples.fullDeadLetter, "bad date", path: "/failed_at", keyword: "format") { $0.setting("failed_at", to: .string("2024-13-01T00:00:00Z")) },
    .init(Samples.fullDeadLetter, "bad topic name", path: "/source_topic", keyword: "pattern") { $0.setting("source_topic", to: .string("new image")) },
    .init(Samples.fullDeadLetter, "malformed stage", path: "/stage", keyword: "pattern") { $0.setting("stage", to: .string("Crop stage")) },
    .init(Samples.fullDeadLetter, "malformed payload digest", path: "/payload_sha256", keyword: "pattern") { $0.setting("payload_sha256", to: .string("abc")) },
    // look-query
    .init(Samples.lookQuery, "uppercase job id", path: "/job_id", keyword: "pattern") { $0.setting("job_id", to: .string("0B6F9D8E-4C1A-4F7E-9A51-3F0E2D7C8B41")) },
    .init(Samples.lookQuery, "k of 0", path: "/top_k", keyword: "minimum") { $0.setting("top_k", to: .integer(0)) },
    .init(Samples.lookQuery, "k over 1000", path: "/top_k", keyword: "maximum") { $0.setting("top_k", to: .integer(1001)) },
    .init(Samples.lookQuery, "missing deadline", path: "/deadline_at", keyword: "required") { $0.setting("deadline_at", to: nil) },
]

@Suite("Message rejection")
struct MessageRejectionTests {
    @Test("decoding rejects a corrupted message, naming the path", arguments: rejectionCases)
    func rejects(_ check: RejectionCase) {
        do {
            try check.decode(check.json.bytes)
            Issue.record("decoding succeeded although \(check.what)")
        } catch {
            guard case .schemaViolation(let schema, let violations) = error else {
                Issue.record("expected a schema violation, got \(error)")
                return
            }
            #expect(schema == check.schemaName)
            #expect(violations.map { "\($0.path) \($0.keyword)" } == ["\(check.path) \(check.keyword)"])
            #expect(error.description.contains("\(check.path): "))
            #expect(error.description.hasPrefix("\(check.schemaName) message violates its schema"))
        }
    }

    @Test("the unmutated samples decode, so each rejection above is caused by its mutation")
    func controlsDecode() throws {
        _ = try Fixtures.codec.decode(NewImageMessage.self, from: try Fixtures.json(Samples.fullNewImage).bytes)
        _ = try Fixtures.codec.decode(PoseFilteredMessage.self, from: try Fixtures.json(Samples.fullPoseFiltered).bytes)
        _ = try Fixtures.codec.decode(CroppedArticlesMessage.self, from: try Fixtures.json(Samples.fullCroppedArticles).bytes)
        _ = try Fixtures.codec.decode(EmbeddedMessage.self, from: try Fixtures.json(Samples.fullEmbedded).bytes)
        _ = try Fixtures.codec.decode(DeadLetterEnvelope.self, from: try Fixtures.json(Samples.fullDeadLetter).bytes)
    }

    @Test("several problems are all reported at once")
    func severalViolations() throws {
        let json = try Fixtures.json(Samples.fullNewImage)
            .setting("image_id", to: .string("xyz"))
            .setting("byte_size", to: .integer(0))
            .setting("source", to: nil)
            .setting("extra", to: .null)
        let error = #expect(throws: MessageError.self) {
            try Fixtures.codec.decode(NewImageMessage.self, from: json.bytes)
        }
        #expect(Set(error?.violations.map(\.path) ?? []) == ["/image_id", "/byte_size", "/source", "/extra"])
        #expect(error?.description.contains("violates its schema in 4 places") == true)
    }

    @Test("the description reads as the team expects")
    func description() throws {
        let json = try Fixtures.json(Samples.fullNewImage).setting("image_id", to: .string("xyz"))
        let error = #expect(throws: MessageError.self) {
            try Fixtures.codec.decode(NewImageMessage.self, from: json.bytes)
        }
        #expect(error?.description == #"new-image message violates its schema: /image_id: "xyz" does not match pattern ^[0-9a-f]{64}$"#)
    }
}
