import ShopLookCore

/// Several instances of a stage's processor working on one batch at once: the batch is cut into contiguous
/// chunks of about equal cost (``StageProcessor/cost(of:)``), one per instance, and the outcomes come back in
/// input order.
///
/// Each instance holds its own model sessions (one inference thread each), so a stage process can use every
/// core while the other stages have nothing to do (at the start and the end of a burst of uploads) and shares
/// them with the other stages otherwise. The worker's guarantees are unchanged: one batch in flight, committed
/// after all its chunks' effects are durable. If any chunk fails the whole batch fails, and the worker's
/// failure handling (retry when transient, isolate the poison input otherwise) applies as before.
public struct ConcurrentStageProcessor<Member: StageProcessor>: StageProcessor {
    public typealias Input = Member.Input

    public let members: [Member]

    public init(_ members: [Member]) {
        precondition(!members.isEmpty, "a concurrent processor needs at least one member")
        self.members = members
    }

    /// Contiguous, non-empty chunks covering every input, at most one per member: chunk `i` ends where the
    /// running cost first reaches `(i + 1) / parts` of the total (each cost counts at least 1).
    static func chunks(costs: [Int], members: Int) -> [Range<Int>] {
        let parts = min(costs.count, members)
        guard parts > 0 else { return [] }
        let weights = costs.map { max(1, $0) }
        let total = weights.reduce(0, +)
        var ranges: [Range<Int>] = []
        var start = 0
        var running = 0
        for (index, weight) in weights.enumerated() {
            running += weight
            let part = ranges.count
            let remainingInputs = weights.count - index - 1
            let remainingParts = parts - part - 1
            // Close the chunk when its share is reached, or when every later input must start a chunk of its own.
            if part < parts - 1, running * parts >= total * (part + 1) || remainingInputs == remainingParts {
                ranges.append(start..<(index + 1))
                start = index + 1
            }
        }
        ranges.append(start..<weights.count)
        return ranges
    }

    public func cost(of input: Input) -> Int { members[0].cost(of: input) }

    public func recordDeadLetter(_ letter: DeadLetter, document: JSONValue?) async throws {
        try await members[0].recordDeadLetter(letter, document: document)
    }

    public func process(_ inputs: [StageInput<Input>]) async throws -> [StageOutcome] {
        let ranges = Self.chunks(costs: inputs.map { members[0].cost(of: $0.message) }, members: members.count)
        if ranges.count <= 1 { return try await members[0].process(inputs) }
        return try await withThrowingTaskGroup(of: (Int, [StageOutcome]).self) { group in
            for (index, range) in ranges.enumerated() {
                let member = members[index]
                let chunk = Array(inputs[range])
                group.addTask { (index, try await member.process(chunk)) }
            }
            var results = [[StageOutcome]](repeating: [], count: ranges.count)
            for try await (index, outcomes) in group {
                precondition(outcomes.count == ranges[index].count, "a StageProcessor must return one outcome per input")
                results[index] = outcomes
            }
            return results.flatMap { $0 }
        }
    }
}
