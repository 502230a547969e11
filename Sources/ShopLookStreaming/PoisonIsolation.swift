/// What became of one input once permanent failures were narrowed down.
enum IsolatedOutcome: Sendable {
    /// The processor's own outcome.
    case outcome(StageOutcome)
    /// The input failed permanently when processed alone (the batch's poison).
    case failed(any Error)
}

/// Narrows a batch's permanent failure down to the inputs that cause it: the batch is processed whole; when
/// it fails permanently, each input is processed alone, so only an input that fails by itself is lost.
///
/// `attempt` processes some inputs; it returns `nil` when shutdown interrupted it (then so does this),
/// `.failure` for a permanent failure (transient ones it retries itself).
enum PoisonIsolation {
    static func run<Input: Sendable>(
        _ inputs: [Input], attempt: ([Input]) async throws -> Result<[StageOutcome], any Error>?
    ) async throws -> [IsolatedOutcome]? {
        switch try await attempt(inputs) {
        case nil:
            return nil
        case .success(let outcomes)?:
            precondition(outcomes.count == inputs.count, "a StageProcessor must return one outcome per input")
            return outcomes.map { .outcome($0) }
        case .failure(let error)?:
            if inputs.count == 1 { return [.failed(error)] }
            var isolated: [IsolatedOutcome] = []
            for input in inputs {
                guard let single = try await run([input], attempt: attempt) else { return nil }
                isolated += single
            }
            return isolated
        }
    }
}
