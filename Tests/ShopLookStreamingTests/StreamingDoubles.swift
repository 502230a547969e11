import Foundation
import ShopLookCore
@testable import ShopLookKafka
@testable import ShopLookStreaming
import Synchronization

/// A consumer over an in-memory queue: it hands out the queued messages in order, records what was marked
/// processed, paused and resumed, and reports closing once every message it handed out is processed and none
/// is left (so a worker's consume loop ends by itself).
final class QueueConsumer: StageConsumer {
    private struct State {
        var queue: [KafkaMessage]
        var handedOut = 0
        var processed: [KafkaMessage] = []
        var paused: Set<KafkaTopicPartition> = []
        var pauses = 0
        var resumes = 0
    }

    private let state: Mutex<State>
    let partitions: Set<KafkaTopicPartition>

    init(_ messages: [KafkaMessage]) {
        state = Mutex(State(queue: messages))
        partitions = Set(messages.map(\.topicPartition))
    }

    func poll(timeout: Duration) async throws -> KafkaMessage? {
        state.withLock { state in
            guard !state.queue.isEmpty, !state.paused.contains(state.queue[0].topicPartition) else { return nil }
            state.handedOut += 1
            return state.queue.removeFirst()
        }
    }

    var isClosing: Bool { state.withLock { $0.queue.isEmpty && $0.processed.count == $0.handedOut } }
    var assignment: Set<KafkaTopicPartition> { partitions }

    func pause(_ partitions: [KafkaTopicPartition]) throws {
        state.withLock { $0.paused.formUnion(partitions); $0.pauses += 1 }
    }

    func resume(_ partitions: [KafkaTopicPartition]) throws {
        state.withLock { $0.paused.subtract(partitions); $0.resumes += 1 }
    }

    func markProcessed(_ message: KafkaMessage) {
        state.withLock { $0.processed.append(message) }
    }

    var processedOffsets: [Int64] { state.withLock { $0.processed.map(\.offset) } }
    var pauseCount: Int { state.withLock { $0.pauses } }
    var resumeCount: Int { state.withLock { $0.resumes } }
    var pausedNow: Set<KafkaTopicPartition> { state.withLock { $0.paused } }
}

/// Records what it is sent; fails the first `transientFailures` sends (retriable), or every send for good.
final class RecordingSink: StageRecordSink, DeadLetterSink {
    private let sent = Mutex<[KafkaRecord]>([])
    private let letters = Mutex<[DeadLetter]>([])
    private let failuresLeft: Mutex<Int>
    let failsForGood: Bool

    init(transientFailures: Int = 0, failsForGood: Bool = false) {
        failuresLeft = Mutex(transientFailures)
        self.failsForGood = failsForGood
    }

    private func maybeFail() throws {
        if failsForGood { throw KafkaError(kind: .client, codeName: "TOPIC_AUTHORIZATION_FAILED", message: "not allowed") }
        if failuresLeft.withLock({ left in defer { left = max(0, left - 1) }; return left > 0 }) {
            throw KafkaError(kind: .client, codeName: "_TRANSPORT", message: "broker down", isRetriable: true)
        }
    }

    func send(_ records: [KafkaRecord]) async throws -> [KafkaDeliveryReport] {
        try maybeFail()
        sent.withLock { $0 += records }
        return records.map { KafkaDeliveryReport(topic: $0.topic, partition: $0.partition ?? 0, offset: 0) }
    }

    func write(_ letter: DeadLetter) async throws {
        try maybeFail()
        letters.withLock { $0.append(letter) }
    }

    var records: [KafkaRecord] { sent.withLock { $0 } }
    var deadLetters: [DeadLetter] { letters.withLock { $0 } }
}

/// A processor scripted by product id: `ok…` forwards, `poison` returns a dead-letter outcome, `bug` fails
/// permanently whenever it is in the batch, `done` finishes; the first `outages` calls fail transiently.
final class ScriptedProcessor: StageProcessor {
    struct Outage: ClassifiedError { var classification: FailureClassification { .transient } }
    struct Bug: Error, CustomStringConvertible { var description: String { "bug: cannot handle this input" } }

    private let outagesLeft: Mutex<Int>
    private let calls = Mutex<[[String]]>([])
    private let recorded = Mutex<[(DeadLetter, JSONValue?)]>([])
    let onCall: @Sendable (Int) -> Void

    init(outages: Int = 0, onCall: @escaping @Sendable (Int) -> Void = { _ in }) {
        outagesLeft = Mutex(outages)
        self.onCall = onCall
    }

    func process(_ inputs: [StageInput<NewImageMessage>]) async throws -> [StageOutcome] {
        let count = calls.withLock { $0.append(inputs.map { $0.message.productID ?? "" }); return $0.count }
        onCall(count)
        if outagesLeft.withLock({ left in defer { left = max(0, left - 1) }; return left > 0 }) { throw Outage() }
        if inputs.contains(where: { $0.message.productID == "bug" }) { throw Bug() }
        return inputs.map { input in
            switch input.message.productID {
            case "poison": .deadLetter(.undecodableImage, "not a JPEG")
            case "done": .finished
            default: .forward([KafkaRecord(topic: "out", key: input.key, value: Array(input.message.imageID.utf8))])
            }
        }
    }

    func recordDeadLetter(_ letter: DeadLetter, document: JSONValue?) async throws {
        recorded.withLock { $0.append((letter, document)) }
    }

    var batches: [[String]] { calls.withLock { $0 } }
    var recordedDeadLetters: [(DeadLetter, JSONValue?)] { recorded.withLock { $0 } }
}

enum Fixtures {
    static let codec: MessageCodec = { try! MessageCodec() }()

    static func imageID(_ index: Int) -> String { SHA256.hexDigest(Array("image \(index)".utf8)) }

    /// A valid `new-image` message at `offset`, for product `product`.
    static func message(offset: Int64, product: String, partition: Int32 = 0) -> KafkaMessage {
        let id = imageID(Int(offset))
        let value = try! codec.encode(NewImageMessage(
            imageID: id, blobKey: id, source: .catalog, productID: product, byteSize: 100, uploadedAt: Date(timeIntervalSince1970: 0)))
        return raw(offset: offset, value, partition: partition)
    }

    static func raw(offset: Int64, _ value: [UInt8], partition: Int32 = 0) -> KafkaMessage {
        KafkaMessage(topic: "in", partition: partition, offset: offset, key: Array("k\(offset)".utf8), value: value, headers: [], timestamp: nil)
    }

    static func configuration(maxBatchSize: Int = 16) -> StageWorkerConfiguration {
        var configuration = StageWorkerConfiguration(
            name: "test", inputTopic: "in", outputTopics: ["out"], deadLetterTopic: "dead-letter.test",
            consumer: KafkaConsumerConfiguration(kafka: KafkaConfiguration(bootstrapServers: "unused:9092"), groupID: "test"))
        configuration.maxBatchSize = maxBatchSize
        // The queue answers at once: a batch takes what is queued, up to maxBatchSize.
        configuration.batchLinger = .seconds(10)
        configuration.initialRetryDelay = .milliseconds(1)
        configuration.maximumRetryDelay = .milliseconds(4)
        configuration.maximumMessageBytes = 4096
        return configuration
    }
}
