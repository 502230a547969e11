import ShopLookCore
import ShopLookKafka

/// An input a stage gave up on, with why.
public struct DeadLetter: Sendable {
    /// The message as it was consumed.
    public var source: KafkaMessage
    public var reason: DeadLetterReason
    /// What went wrong, for people (logged, kept in the envelope and the `dead_letters` row): at most
    /// ``maximumErrorBytes`` of UTF-8, the rest cut with a note of how much was cut.
    public var error: String

    /// The longest error kept. A hostile message can make an error of megabytes (a schema violation per item of
    /// 100,000 array items); unbounded, it floods the log, bloats the row and makes the envelope too large for
    /// the dead-letter topic, which then refuses it.
    public static let maximumErrorBytes = 8 << 10

    public init(source: KafkaMessage, reason: DeadLetterReason, error: String) {
        self.source = source
        self.reason = reason
        self.error = Self.bounded(error)
    }

    /// `error` cut (at a character boundary) to ``maximumErrorBytes`` of UTF-8, saying how many bytes were cut.
    static func bounded(_ error: String) -> String {
        let utf8 = error.utf8
        guard utf8.count > maximumErrorBytes else { return error }
        var end = utf8.index(utf8.startIndex, offsetBy: maximumErrorBytes - 64)
        while end > utf8.startIndex && String.Index(end, within: error) == nil { end = utf8.index(before: end) }
        let kept = String(error[..<end])
        return kept + "… (\(utf8.count - kept.utf8.count) more bytes cut)"
    }

    /// `topic[partition]@offset` of the source message, for logs.
    public var sourceDescription: String { "\(source.topic)[\(source.partition)]@\(source.offset)" }
}

/// Where a ``StageWorker`` puts poison input: ``DeadLetterWriter`` (the dead-letter topic and PostgreSQL) in a
/// process. Writing the same letter twice (a replay) must change nothing.
public protocol DeadLetterSink: Sendable {
    func write(_ letter: DeadLetter) async throws
}
