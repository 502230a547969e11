import ShopLookCore
extension PostgresConfiguration {
    /// Exponential back-off with jitter, bounded in total.
    ///
    /// The delay before retry `n` (1-based) is `min(maximumDelay, initialDelay · multiplierⁿ⁻¹)`, scaled by a
    /// random factor in `[1 − jitter, 1 + jitter]` and capped again at `maximumDelay`. Retrying stops once the
    /// next delay would end later than `maximumTotalWait` after the first attempt began; the last error is
    /// then reported. Defaults: 100 ms, ×2, at most 5 s per wait, ±20 % jitter, 30 s in total.
    public struct Backoff: Sendable, Hashable {
        public var initialDelay: Duration
        public var maximumDelay: Duration
        public var multiplier: Double
        /// Fraction of each delay randomised, `0...1`.
        public var jitter: Double
        public var maximumTotalWait: Duration

        public init(
            initialDelay: Duration = .milliseconds(100), maximumDelay: Duration = .seconds(5),
            multiplier: Double = 2, jitter: Double = 0.2, maximumTotalWait: Duration = .seconds(30)
        ) {
            self.initialDelay = initialDelay
            self.maximumDelay = maximumDelay
            self.multiplier = max(1, multiplier)
            self.jitter = min(1, max(0, jitter))
            self.maximumTotalWait = maximumTotalWait
        }

        /// The delay before retry `attempt` (1 = after the first failure). `randomSample` in `0..<1` picks the
        /// jitter (0.5 = none), so the function is deterministic for tests.
        public func delay(beforeRetry attempt: Int, randomSample: Double) -> Duration {
            let initial = initialDelay.seconds
            let maximum = maximumDelay.seconds
            let exponent = Double(max(0, attempt - 1))
            let base = min(maximum, initial * pow(multiplier, exponent))
            let factor = 1 + jitter * (2 * min(1, max(0, randomSample)) - 1)
            let seconds = min(maximum, max(0, base * factor))
            return .nanoseconds(Int64((seconds * 1e9).rounded()))
        }

        /// A delay with random jitter.
        public func delay(beforeRetry attempt: Int) -> Duration {
            delay(beforeRetry: attempt, randomSample: Double.random(in: 0..<1))
        }
    }
}

/// `pow` without Foundation, for the small exponents used here.
private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(exponent)
    while remaining > 0 {
        result *= base
        remaining -= 1
        if result > 1e12 { break }
    }
    return result
}
