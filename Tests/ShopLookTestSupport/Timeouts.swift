/// Runs `body`, failing with a clear message if it takes longer than `limit` (a guard against hangs,
/// not a synchronisation device: the body awaits real events).
public func withTimeout<T: Sendable>(
    _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TestSupportError("timed out after \(limit): \(what)")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// A value that tests update from several tasks and wait on.
public actor Observed<Value: Sendable> {
    public private(set) var value: Value
    private var waiters: [(predicate: @Sendable (Value) -> Bool, continuation: CheckedContinuation<Value, Never>)] = []

    public init(_ value: Value) {
        self.value = value
    }

    public func update(_ change: @Sendable (inout Value) -> Void) {
        change(&value)
        let current = value
        var remaining: [(predicate: @Sendable (Value) -> Bool, continuation: CheckedContinuation<Value, Never>)] = []
        for waiter in waiters {
            if waiter.predicate(current) { waiter.continuation.resume(returning: current) } else { remaining.append(waiter) }
        }
        waiters = remaining
    }

    /// Returns as soon as `predicate` holds (now or after a later update).
    public func wait(until predicate: @escaping @Sendable (Value) -> Bool) async -> Value {
        if predicate(value) { return value }
        return await withCheckedContinuation { waiters.append((predicate, $0)) }
    }
}
