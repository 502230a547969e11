/// The delays between retries of a transient failure: `initial`, then doubling, at most `maximum`.
public struct RetryBackoff: Sendable, Equatable {
    public let initial: Duration
    public let maximum: Duration
    private var current: Duration

    public init(initial: Duration, maximum: Duration) {
        precondition(initial > .zero && maximum >= initial, "retry delays must be positive and the maximum at least the first")
        self.initial = initial
        self.maximum = maximum
        self.current = initial
    }

    /// The delay before the next attempt.
    public mutating func next() -> Duration {
        defer { current = min(current * 2, maximum) }
        return current
    }
}
