import Foundation
import ShopLookCore
import Testing

/// Messages built to make errors huge or parsers deep: each is refused with a short, clear reason.
@Suite struct HostileMessageTests {
    @Test func aMessageViolatingItsSchemaAHundredThousandTimesGetsAShortError() throws {
        let articles = Array(repeating: "{}", count: 100_000).joined(separator: ",")
        let json = #"{"version": 1, "image_id": "\#(String(repeating: "0", count: 64))", "source": "catalog", "articles": [\#(articles)]}"#
        let error = #expect(throws: MessageError.self) { try Fixtures.codec.decode(CroppedArticlesMessage.self, from: Array(json.utf8)) }
        let violations = try #require(error).violations
        #expect(violations.count >= 100_000)
        let text = "\(try #require(error))"
        #expect(text.hasPrefix("cropped-articles message violates its schema in \(violations.count) places:"), "\(text.prefix(200))")
        #expect(text.split(separator: "\n").count == MessageError.listedViolations + 2, "\(text.prefix(2000))")
        #expect(text.hasSuffix("… and \(violations.count - MessageError.listedViolations) more"))
        #expect(text.utf8.count < 4096)
    }

    @Test func aFewViolationsAreAllListed() {
        let violations = (0..<3).map { SchemaViolation(path: "/a/\($0)", keyword: "type", message: "expected string") }
        let text = MessageError.schemaViolation(schema: "new-image", violations: violations).description
        #expect(text == "new-image message violates its schema in 3 places:\n  /a/0: expected string\n  /a/1: expected string\n  /a/2: expected string")
    }

    @Test(arguments: [
        Array(repeating: UInt8(ascii: "["), count: 200_000) + Array(repeating: UInt8(ascii: "]"), count: 200_000),
        Array(Array(repeating: #"{"a":"#, count: 100_000).joined().utf8) + Array("1".utf8) + Array(repeating: UInt8(ascii: "}"), count: 100_000),
    ])
    func deepNestingIsRefusedWithoutExhaustingTheStack(_ bytes: [UInt8]) {
        let error = #expect(throws: MessageError.self) { try Fixtures.codec.decode(NewImageMessage.self, from: bytes) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("nesting deeper than"))
    }
}
