import Foundation
import Logging
import ShopLookKafka
import ShopLookTestSupport
import Testing

/// `close` destroys the librdkafka handle on the poller thread while other tasks may be committing.
@Suite(.serialized, .requiresBroker) struct ConsumerCloseTests {
    let logger: Logger = {
        var logger = Logger(label: "kafka-close-test")
        logger.logLevel = .critical
        return logger
    }()

    /// How the commits of one committer ended.
    struct Tally: Sendable {
        var succeeded = 0
        /// Errors other than `.closed` (commits running while the group is being left), by code name.
        var failedWhileClosing: [String: Int] = [:]
        var closedErrors = 0
        var unexpected: [String] = []
    }

    @Test func commitsRacingCloseNeverUseTheDestroyedHandle() async throws {
        let broker = try await TestBroker(topics: ["close-race": 3])
        defer { broker.stop() }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger)
        _ = try await producer.send((0..<60).map { KafkaRecord(topic: "close-race", key: Array("k\($0)".utf8), value: Array("m\($0)".utf8)) })
        try await producer.close()

        // Several rounds: each closes a consumer while 32 tasks commit as fast as they can.
        for round in 0..<4 {
            let consumer = try KafkaConsumer(
                configuration: broker.consumerConfiguration(group: "close-race-\(round)"), topics: ["close-race"], logger: logger)
            try await withTimeout(.seconds(60), "round \(round): the consumer reads 10 records") {
                var read = 0
                while read < 10, let message = try await consumer.next() {
                    consumer.markProcessed(message)
                    read += 1
                }
            }
            let tally = Observed(Tally())
            let started = Observed(0)
            let finished = try await completes(within: .seconds(120)) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<32 {
                        group.addTask {
                            await started.update { $0 += 1 }
                            while true {
                                do {
                                    try await consumer.commit()
                                    await tally.update { $0.succeeded += 1 }
                                } catch let error as KafkaError where error.kind == .closed {
                                    await tally.update { $0.closedErrors += 1 }
                                    return
                                } catch let error as KafkaError where error.kind == .client {
                                    await tally.update { $0.failedWhileClosing[error.codeName, default: 0] += 1 }
                                } catch {
                                    await tally.update { $0.unexpected.append("\(error)") }
                                    return
                                }
                            }
                        }
                    }
                    _ = await started.wait { $0 == 32 }
                    try await Task.sleep(for: .milliseconds(20 * round))
                    try await consumer.close()
                    try await group.waitForAll()
                }
            }
            // A commit blocked for good in librdkafka would hang `close` (or the committers): fail, don't hang.
            #expect(finished, "round \(round): commits and close did not finish within 120 s")
            guard finished else { return }
            let result = await tally.value
            #expect(result.unexpected.isEmpty, "round \(round): \(result.unexpected)")
            // Every committer stopped at the `.closed` error, none at a crash or a hang.
            #expect(result.closedErrors == 32, "round \(round)")
            // After close, a commit is a clear `.closed` error.
            await #expect {
                try await consumer.commit()
            } throws: { error in
                guard let error = error as? KafkaError else { return false }
                return error.kind == .closed && "\(error)".contains("closed")
            }
            await #expect {
                try await consumer.committedOffsets([KafkaTopicPartition(topic: "close-race", partition: 0)])
            } throws: { error in (error as? KafkaError)?.kind == .closed }
            #expect(throws: KafkaError.self) { try consumer.pause([KafkaTopicPartition(topic: "close-race", partition: 0)]) }
            try await consumer.close()
        }
    }

    /// Whether `body` returns within `limit`. Unlike `withTimeout`, does not wait for a body that never returns
    /// (one blocked in a C call cannot be cancelled): it is left running and `false` is returned.
    func completes(within limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        let outcome = Observed<Result<Bool, any Error>?>(nil)
        Task {
            do {
                try await body()
                await outcome.update { if $0 == nil { $0 = .success(true) } }
            } catch {
                await outcome.update { if $0 == nil { $0 = .failure(error) } }
            }
        }
        let timer = Task {
            try await Task.sleep(for: limit)
            await outcome.update { if $0 == nil { $0 = .success(false) } }
        }
        defer { timer.cancel() }
        return try await outcome.wait { $0 != nil }!.get()
    }
}
