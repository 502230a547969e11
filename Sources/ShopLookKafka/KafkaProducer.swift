import ShopLookCore
import Foundation
import Logging

/// An idempotent Kafka producer whose `send` returns once the broker has acknowledged the record
/// (`acks=all`), so a caller can commit its own input offset only after its output is durable.
///
/// Thread-safe; share one per process.
public final class KafkaProducer: Sendable {
    private let client: RDKafkaProducer
    public let configuration: KafkaProducerConfiguration

    /// Creates the client. Throws a `.configuration` error for any unknown or invalid property.
    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws(KafkaError) {
        self.configuration = configuration
        self.client = try RDKafkaProducer(configuration: configuration, logger: logger)
    }

    /// Produces one record and waits for its delivery report.
    ///
    /// When the client's local queue is full, waits for room (back-pressure) instead of failing.
    /// Throws ``KafkaError``: `isRetriable` for transient failures such as a delivery time-out.
    public func send(_ record: KafkaRecord) async throws -> KafkaDeliveryReport {
        var backoff = Duration.milliseconds(1)
        while true {
            // `nil`: the local queue was full and nothing was enqueued.
            let report: KafkaDeliveryReport? = try await withCheckedThrowingContinuation { continuation in
                do {
                    if try client.enqueue(record, waiter: RDKafkaProducer.DeliveryWaiter(continuation)) == false {
                        continuation.resume(returning: nil)
                    }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            if let report { return report }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .milliseconds(100))
        }
    }

    /// Produces many records concurrently and waits for all their delivery reports, in input order.
    public func send(_ records: [KafkaRecord]) async throws -> [KafkaDeliveryReport] {
        try await withThrowingTaskGroup(of: (Int, KafkaDeliveryReport).self) { group in
            for (index, record) in records.enumerated() {
                group.addTask { (index, try await self.send(record)) }
            }
            var reports = [KafkaDeliveryReport?](repeating: nil, count: records.count)
            for try await (index, report) in group { reports[index] = report }
            return reports.map { $0! }
        }
    }

    /// Learns the partitions of `topics` now, so that the first records sent to them go out at once
    /// (librdkafka would otherwise find a new topic's partitions at its next once-a-second scan, holding
    /// those records up to a second). Throws ``KafkaError`` when the cluster reports an error for a topic, for
    /// example one that does not exist where topics are not created on demand (the development broker creates them).
    public func prepare(topics: [String], timeout: Duration = .seconds(10)) async throws {
        let client = self.client
        try await runBlocking { try client.prepare(topics: topics, timeoutMilliseconds: Int32(timeout.milliseconds)) }
    }

    /// Waits until every record sent so far has its delivery report.
    public func flush(timeout: Duration = .seconds(30)) async throws {
        let client = self.client
        try await runBlocking { try client.flush(timeoutMilliseconds: Int32(timeout.milliseconds)) }
    }

    /// Flushes outstanding records and releases the client. Sends after `close` fail with `.closed`.
    public func close(timeout: Duration = .seconds(30)) async throws {
        let client = self.client
        try await runBlocking { try client.close(timeoutMilliseconds: Int32(timeout.milliseconds)) }
    }
}

/// The threads that run the Kafka clients' blocking calls (commit, flush, committed offsets, lag queries).
///
/// A pool of its own, apart from ``BlockingCallPool/shared`` (file I/O): a commit or flush can wait for the
/// broker for seconds, and must not hold up reading a blob. Four threads: a process has a consumer and a
/// producer or two, whose calls are few (one commit per batch); more calls wait their turn.
let kafkaBlockingCalls = BlockingCallPool(name: "kafka-blocking", threadCount: 4)

/// Runs a blocking librdkafka call on ``kafkaBlockingCalls``, off the cooperative pool.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await kafkaBlockingCalls.run(body)
}
