import ShopLookCore
import ShopLookKafka
@testable import ShopLookStreaming
import Testing

/// A dead letter's error is bounded: a hostile message's megabyte of complaints must not flood the log, bloat
/// the row, or make the envelope too large for the dead-letter topic.
struct DeadLetterBoundsTests {
    static let source = KafkaMessage(topic: "in", partition: 0, offset: 7, key: nil, value: [1], headers: [], timestamp: nil)

    @Test func aHugeErrorIsCutAndSaysHowMuch() {
        let error = "schema violated:\n" + String(repeating: "  /articles/123456: required property \"article_id\" is missing\n", count: 20_000)
        let letter = DeadLetter(source: Self.source, reason: .schemaViolation, error: error)
        #expect(letter.error.utf8.count <= DeadLetter.maximumErrorBytes)
        #expect(letter.error.hasPrefix("schema violated:\n  /articles/123456"))
        let cut = error.utf8.count - letter.error.utf8.count
        #expect(letter.error.hasSuffix(" more bytes cut)"))
        #expect(cut > 1_000_000)
    }

    @Test func aCutNeverSplitsACharacter() {
        let error = String(repeating: "é🙂", count: 10_000)
        let letter = DeadLetter(source: Self.source, reason: .schemaViolation, error: error)
        #expect(letter.error.utf8.count <= DeadLetter.maximumErrorBytes)
        #expect(!letter.error.contains("\u{FFFD}"))
        #expect(letter.error.hasPrefix("é🙂é🙂"))
    }

    @Test func aShortErrorIsKeptAsItIs() {
        let letter = DeadLetter(source: Self.source, reason: .invalidMessage, error: "not JSON")
        #expect(letter.error == "not JSON")
    }
}
