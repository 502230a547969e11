import Foundation
import ShopLookCore
import Testing

/// Encodes, checks the JSON against the schema file directly, decodes and compares.
private func roundTrip<M: ShopLookMessage & Equatable>(_ message: M) throws -> JSONValue {
    let bytes = try Fixtures.codec.encode(message)
    let json = try JSONValue.parse(bytes)
    let violations = try Fixtures.schema(M.schemaName).validate(json)
    #expect(violations == [], "\(M.self) encodes to JSON its schema rejects: \(violations)")
    let decoded = try Fixtures.codec.decode(M.self, from: bytes)
    #expect(decoded == message)
    return json
}

/// JSON keys that are present in the encoding.
private func keys(_ json: JSONValue) -> Set<String> {
    Set(json.objectValue?.keys.map { $0 } ?? [])
}

@Suite("Message round trips")
struct MessageRoundTripTests {
    @Test func newImage() throws {
        let full = try roundTrip(Samples.fullNewImage)
        #expect(full["uploaded_at"] == .string("2024-05-01T12:00:00.500Z"))
        #expect(full["super_category"] == .string("upper"))
        #expect(full["version"] == .integer(1))
        let minimal = try roundTrip(Samples.minimalNewImage)
        #expect(keys(minimal) == ["version", "image_id", "blob_key", "source", "byte_size", "uploaded_at"])
    }

    @Test func poseFiltered() throws {
        let full = try roundTrip(Samples.fullPoseFiltered)
        #expect(full["person_box"] == .array([.double(120.5), .integer(40), .integer(610), .double(1010.25)]))
        #expect(full["verdict"] == .string("full_front"))
        #expect(full["landmarks"]?.arrayValue?.count == 33)
        let minimal = try roundTrip(Samples.minimalPoseFiltered)
        #expect(keys(minimal) == ["version", "image_id", "blob_key", "source", "kind", "verdict", "score", "image_width", "image_height"])
    }

    @Test func croppedArticles() throws {
        let full = try roundTrip(Samples.fullCroppedArticles)
        #expect(full["articles"]?.arrayValue?.first?["crop_blob_key"] == .string(hexD))
        let minimal = try roundTrip(Samples.minimalCroppedArticles)
        #expect(keys(minimal) == ["version", "image_id", "source", "articles"])
    }

    @Test func embedded() throws {
        _ = try roundTrip(Samples.fullEmbedded)
        let minimal = try roundTrip(Samples.minimalEmbedded)
        #expect(keys(minimal) == ["version", "article_id", "image_id", "super_category", "category", "model_version", "dim", "shard"])
    }

    @Test func deadLetter() throws {
        let full = try roundTrip(Samples.fullDeadLetter)
        #expect(full["key"] == .string(Data("image-1".utf8).base64EncodedString()))
        #expect(full["offset"] == .integer(Int64.max))
        let minimal = try roundTrip(Samples.minimalDeadLetter)
        #expect(minimal["payload"] == .string(""))
        #expect(keys(minimal) == ["version", "stage", "source_topic", "partition", "offset", "payload", "error", "error_kind", "failed_at"])
    }

    @Test func lookQuery() throws {
        let json = try roundTrip(Samples.lookQuery)
        #expect(json["deadline_at"] == .string("2024-05-01T12:00:00.500Z"))
        #expect(keys(json) == ["version", "job_id", "image_id", "blob_key", "top_k", "deadline_at"])
    }

    @Test("explicit nulls for optional fields decode as nil (for non-Swift producers)")
    func explicitNulls() throws {
        let json = try Fixtures.json(Samples.minimalPoseFiltered)
            .setting("product_id", to: .null)
            .setting("super_category", to: .null)
            .setting("person_box", to: .null)
            .setting("landmarks", to: .null)
        #expect(try Fixtures.codec.decode(PoseFilteredMessage.self, from: json.bytes) == Samples.minimalPoseFiltered)
    }

    @Test("every schema's examples validate against it")
    func schemaExamples() throws {
        for type in MessageCodec.messageTypes {
            let document = try Fixtures.schemaDocument(type.schemaName)
            let schema = try JSONSchema(document)
            let examples = try #require(document["examples"]?.arrayValue)
            #expect(!examples.isEmpty)
            for example in examples {
                #expect(schema.validate(example) == [], "\(type.schemaName) example")
            }
        }
    }

    @Test("the wire format: sorted keys, unescaped slashes, RFC 3339 dates")
    func wireFormat() throws {
        let text = String(decoding: try Fixtures.codec.encode(Samples.fullNewImage), as: UTF8.self)
        #expect(text == #"{"blob_key":"\#(hexB)","byte_size":48213,"category":"t-shirt","image_id":"\#(hexA)","# +
            #""product_id":"SKU-1234/blue","source":"catalog","super_category":"upper","# +
            #""uploaded_at":"2024-05-01T12:00:00.500Z","version":1}"#)
    }
}
