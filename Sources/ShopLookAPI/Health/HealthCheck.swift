import ShopLookKafka
import ShopLookPostgres
import Synchronization

/// One thing `/healthz` checks: a name and a probe that throws when the part does not answer.
///
/// ``run()`` gives a probe ``timeout`` and answers then, whether or not the probe has returned (a probe that
/// ignores cancellation cannot hold the health answer up).
public struct HealthCheck: Sendable {
    public var name: String
    public var timeout: Duration
    public var probe: @Sendable () async throws -> Void

    public init(name: String, timeout: Duration = .seconds(3), probe: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.timeout = timeout
        self.probe = probe
    }

    /// PostgreSQL answers `SELECT 1` on a pooled connection.
    public static func database(_ pool: PostgresPool) -> HealthCheck {
        HealthCheck(name: "database") { _ = try await pool.withConnection { try await $0.query("SELECT 1") } }
    }

    /// The producer reaches the cluster: a metadata request for `topic` (the topic uploads are produced to).
    public static func broker(_ producer: KafkaProducer, topic: String) -> HealthCheck {
        HealthCheck(name: "broker") { try await producer.prepare(topics: [topic], timeout: .seconds(2)) }
    }

    /// `nil` when the probe succeeded in time, else what went wrong.
    public func run() async -> String? {
        let (probe, timeout) = (self.probe, self.timeout)
        return await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let once = FirstAnswer(continuation)
            @Sendable func answer(_ outcome: String?) -> Bool { once.resume(returning: outcome) }
            // The group waits for a probe that outlasts its time in this unstructured task, not in the answer.
            Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            try await probe()
                            _ = answer(nil)
                        } catch {
                            _ = answer("\(error)")
                        }
                    }
                    group.addTask {
                        guard (try? await Task.sleep(for: timeout)) != nil else { return }
                        _ = answer("no answer within \(timeout)")
                    }
                    await group.next()
                    group.cancelAll()
                }
            }
        }
    }
}

/// Resumes a continuation with the first outcome offered and ignores the rest.
private final class FirstAnswer: Sendable {
    private let continuation: Mutex<CheckedContinuation<String?, Never>?>

    init(_ continuation: CheckedContinuation<String?, Never>) {
        self.continuation = Mutex(continuation)
    }

    /// Whether this was the first outcome (the one the continuation got).
    func resume(returning outcome: String?) -> Bool {
        guard let continuation = continuation.withLock({ $0.take() }) else { return false }
        continuation.resume(returning: outcome)
        return true
    }
}
