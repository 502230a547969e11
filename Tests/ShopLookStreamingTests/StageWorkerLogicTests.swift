import Foundation
import Logging
import ShopLookCore
@testable import ShopLookKafka
@testable import ShopLookStreaming
import Synchronization
import Testing

/// The stage worker's batching, retry, poison isolation and dead-letter logic, over in-memory doubles: no
/// broker, no database.
struct StageWorkerLogicTests {
    static let logger: Logger = {
        var logger = Logger(label: "streaming-test")
        logger.logLevel = .critical
        return logger
    }()

    func worker(
        _ processor: ScriptedProcessor, outputs: RecordingSink = RecordingSink(), deadLetters: RecordingSink = RecordingSink(),
        maxBatchSize: Int = 16
    ) -> StageWorker<ScriptedProcessor> {
        StageWorker(
            configuration: Fixtures.configuration(maxBatchSize: maxBatchSize), processor: processor, outputs: outputs,
            deadLetters: deadLetters, codec: Fixtures.codec, logger: Self.logger)
    }

    @Test func forwardsGoodInputsAndDeadLettersWhatDoesNotRead() async throws {
        var messages = (0..<6).map { Fixtures.message(offset: Int64($0), product: "ok\($0)") }
        messages.append(Fixtures.raw(offset: 6, Array("\u{1}garbage".utf8)))
        messages.append(Fixtures.raw(offset: 7, Array(#"{"version":1,"image_id":"\#(Fixtures.imageID(7))"}"#.utf8)))
        messages.append(Fixtures.raw(offset: 8, Array(repeating: UInt8(ascii: " "), count: 5000)))
        let consumer = QueueConsumer(messages)
        let processor = ScriptedProcessor()
        let outputs = RecordingSink(), deadLetters = RecordingSink()
        try await worker(processor, outputs: outputs, deadLetters: deadLetters, maxBatchSize: 4).consume(from: consumer)

        #expect(outputs.records.map { String(decoding: $0.value, as: UTF8.self) } == (0..<6).map { Fixtures.imageID($0) })
        #expect(deadLetters.deadLetters.map(\.source.offset) == [6, 7, 8])
        #expect(deadLetters.deadLetters.map(\.reason) == [.invalidMessage, .schemaViolation, .limitExceeded])
        #expect(deadLetters.deadLetters[2].error.contains("5000 bytes exceeds the limit of 4096"))
        #expect(consumer.processedOffsets.sorted() == Array(0...8))
        #expect(processor.batches.allSatisfy { $0.count <= 4 }, "batches are bounded by maxBatchSize")
        // The worker's own dead letters reach the processor, with the JSON when the message was JSON.
        let recorded = processor.recordedDeadLetters
        #expect(recorded.map(\.0.source.offset) == [6, 7, 8])
        #expect(recorded[0].1 == nil && recorded[2].1 == nil)
        #expect(recorded[1].1?["image_id"]?.stringValue == Fixtures.imageID(7))
    }

    @Test func withoutLingerABatchStillTakesWhatHasAlreadyArrived() async throws {
        // The query worker's setting: no waiting for a batch to fill, but messages fetched together are one batch.
        let consumer = QueueConsumer((0..<6).map { Fixtures.message(offset: Int64($0), product: "ok\($0)") })
        let processor = ScriptedProcessor()
        var configuration = Fixtures.configuration(maxBatchSize: 4)
        configuration.batchLinger = .zero
        try await StageWorker(
            configuration: configuration, processor: processor, outputs: RecordingSink(), deadLetters: RecordingSink(),
            codec: Fixtures.codec, logger: Self.logger
        ).consume(from: consumer)
        #expect(processor.batches.map(\.count) == [4, 2])
        #expect(consumer.processedOffsets.sorted() == Array(0...5))
    }

    @Test func retriesTransientFailuresWithThePartitionsPausedAndNeverDeadLettersThem() async throws {
        let consumer = QueueConsumer((0..<3).map { Fixtures.message(offset: Int64($0), product: "ok") })
        let processor = ScriptedProcessor(outages: 3)
        let outputs = RecordingSink(transientFailures: 2), deadLetters = RecordingSink()
        try await worker(processor, outputs: outputs, deadLetters: deadLetters).consume(from: consumer)

        #expect(processor.batches.count == 4, "three outages, then the batch")
        #expect(outputs.records.count == 3, "sent once, after two transient producer failures")
        #expect(deadLetters.deadLetters.isEmpty)
        #expect(consumer.processedOffsets == [0, 1, 2])
        #expect(consumer.pauseCount == 2 && consumer.resumeCount == 2, "paused while each retry waits, resumed after")
        #expect(consumer.pausedNow.isEmpty)
    }

    @Test func isolatesThePoisonInputOfABatchThatFailsPermanently() async throws {
        let products = ["ok0", "ok1", "bug", "poison", "done", "ok5"]
        let consumer = QueueConsumer(products.enumerated().map { Fixtures.message(offset: Int64($0.offset), product: $0.element) })
        let processor = ScriptedProcessor()
        let outputs = RecordingSink(), deadLetters = RecordingSink()
        try await worker(processor, outputs: outputs, deadLetters: deadLetters).consume(from: consumer)

        #expect(processor.batches.first == products, "the whole batch first")
        #expect(Array(processor.batches.dropFirst()) == products.map { [$0] }, "then each input alone")
        #expect(outputs.records.count == 3)
        #expect(deadLetters.deadLetters.map(\.source.offset) == [2, 3])
        #expect(deadLetters.deadLetters.map(\.reason) == [.processingFailed, .undecodableImage])
        // Only the worker's own decision goes back to the processor (it recorded "poison" itself).
        #expect(processor.recordedDeadLetters.map(\.0.source.offset) == [2])
        #expect(processor.recordedDeadLetters[0].1?["product_id"]?.stringValue == "bug")
        #expect(consumer.processedOffsets == Array(0...5))
    }

    @Test func aDeadLetterThatCannotBeWrittenForGoodDoesNotStopTheStage() async throws {
        let consumer = QueueConsumer([
            Fixtures.raw(offset: 0, Array("not json".utf8)), Fixtures.message(offset: 1, product: "ok"),
        ])
        let processor = ScriptedProcessor()
        let outputs = RecordingSink(), deadLetters = RecordingSink(failsForGood: true)
        try await worker(processor, outputs: outputs, deadLetters: deadLetters).consume(from: consumer)

        #expect(outputs.records.count == 1)
        #expect(consumer.processedOffsets == [0, 1])
    }

    @Test func aProducerThatRefusesOutputsForGoodEndsTheWorkerWithoutCommitting() async throws {
        let consumer = QueueConsumer([Fixtures.message(offset: 0, product: "ok")])
        let worker = worker(ScriptedProcessor(), outputs: RecordingSink(failsForGood: true))
        await #expect(throws: KafkaError.self) { try await worker.consume(from: consumer) }
        #expect(consumer.processedOffsets.isEmpty)
    }

    @Test func stoppingDuringARetryLeavesTheBatchUncommitted() async throws {
        let consumer = QueueConsumer((0..<2).map { Fixtures.message(offset: Int64($0), product: "ok") })
        let stopAfter = Mutex<(@Sendable () -> Void)?>(nil)
        let processor = ScriptedProcessor(outages: 1000) { call in
            if call == 3 { stopAfter.withLock { $0?() } }
        }
        let worker = worker(processor)
        stopAfter.withLock { $0 = { worker.stop() } }
        try await worker.consume(from: consumer)
        #expect(processor.batches.count == 3)
        #expect(consumer.processedOffsets.isEmpty)
        #expect(consumer.pausedNow.isEmpty, "resumed on the way out")
    }

    @Test func backoffDoublesUpToItsMaximum() {
        var backoff = RetryBackoff(initial: .milliseconds(100), maximum: .milliseconds(1000))
        let delays = (0..<6).map { _ in backoff.next() }
        #expect(delays == [100, 200, 400, 800, 1000, 1000].map { .milliseconds($0) })
    }

    @Test func deadLetterPayloadKeepsTheFirstBytesAndNamesTheWhole() {
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        let payload = DeadLetterPayload(bytes, limit: 1024)
        #expect(payload.truncated && payload.kept == Array(bytes.prefix(1024)) && payload.size == 100_000)
        #expect(payload.sha256 == SHA256.hexDigest(bytes))
        let small = DeadLetterPayload(Array(bytes.prefix(10)), limit: 1024)
        #expect(!small.truncated && small.kept.count == 10)
    }
}

/// ``PoisonIsolation`` on its own.
struct PoisonIsolationTests {
    struct Failure: Error {}

    @Test func returnsTheWholeBatchsOutcomesWhenItSucceeds() async throws {
        let outcomes = try await PoisonIsolation.run([1, 2, 3]) { inputs in .success(inputs.map { _ in .finished }) }
        #expect(outcomes?.count == 3)
    }

    @Test func failsOnlyTheInputsThatFailAlone() async throws {
        let attempts = Mutex(0)
        let outcomes = try await PoisonIsolation.run([1, 2, 3, 4]) { inputs in
            attempts.withLock { $0 += 1 }
            return inputs.contains(where: { $0.isMultiple(of: 2) }) ? .failure(Failure()) : .success(inputs.map { _ in .finished })
        }
        let failed = outcomes?.map { if case .failed = $0 { true } else { false } }
        #expect(failed == [false, true, false, true])
        #expect(attempts.withLock { $0 } == 5, "the batch, then each of the four alone")
    }

    @Test func stopsWhenAnAttemptIsInterrupted() async throws {
        let outcomes = try await PoisonIsolation.run([1, 2]) { inputs in inputs.count == 2 ? .failure(Failure()) : nil }
        #expect(outcomes == nil)
    }
}
