import ShopLookSearch

/// The merge of one search's answers: which shard answers count, and the best `k` hits per query over them.
///
/// A pure value, no I/O. A search plans its requests with ``plan(shards:directory:)`` (one per owner, each
/// shard with the generation the directory names), then ``record(shards:directory:outcomes:)``s what each
/// owner answered, possibly in rounds (a second round asks the new owners of shards still missing after a
/// fresh directory read), and takes ``result()``.
///
/// Why an answer counts only with the directory's (owner, generation): a shard moving between owners may be
/// held by both for a moment (the old one not yet revoked, the new one already loaded). Each load has its own
/// generation and the directory names exactly one, so keeping only that one (per shard, at most once over
/// all rounds) never counts a shard twice. An answer of another generation is dropped and the shard is
/// reported missing with the two generations.
///
/// Hits merge by exact cosine score, descending; ties go to the smaller article id, then the smaller shard.
/// An article found by two shards (possible mid-rebalance of the catalog) appears once, with its best score.
/// Hits with a NaN score are dropped.
public struct SearchMerge: Sendable {
    public let shardCount: Int
    public let queryCount: Int
    public let k: Int
    /// Per shard, the answer that counts (found in its owner's response with the directory's generation).
    private var accepted: [Int: ShardAnswer] = [:]
    /// Per shard without a counted answer, why.
    private var missing: [Int: MissingShard.Reason] = [:]

    /// - Parameters:
    ///   - shardCount: the shards expected to answer are `0..<shardCount`.
    ///   - queryCount: queries in the request; every counted answer has this many hit lists.
    ///   - k: hits wanted per query.
    public init(shardCount: Int, queryCount: Int, k: Int) {
        self.shardCount = shardCount
        self.queryCount = queryCount
        self.k = k
        for shard in 0..<shardCount { missing[shard] = .noOwner }
    }

    /// Groups `shards` by their owner in `directory`: the requests of one round. Shards without an owner are
    /// left out (they stay missing with ``MissingShard/Reason/noOwner``).
    public static func plan(shards: some Sequence<Int>, directory: [Int: ShardLocation]) -> [String: [ShardGeneration]] {
        var requests: [String: [ShardGeneration]] = [:]
        for shard in shards {
            guard let location = directory[shard] else { continue }
            requests[location.owner, default: []].append(ShardGeneration(shard: shard, generation: location.generation))
        }
        return requests.mapValues { $0.sorted() }
    }

    /// Shards without a counted answer, ascending.
    public var missingShards: [Int] { missing.keys.sorted() }

    /// Records one round: for each of `shards` still missing, what its owner in `directory` answered.
    ///
    /// `outcomes` holds per owner its response or its error. A shard answered already (in an earlier round)
    /// is left as it is; a shard outside `0..<shardCount` is ignored. Answers an owner gave for shards the
    /// directory does not assign to it, or with another generation, are dropped.
    public mutating func record(
        shards: some Sequence<Int>,
        directory: [Int: ShardLocation],
        outcomes: [String: Result<SearchResponse, SearchClientError>]
    ) {
        for shard in shards where shard >= 0 && shard < shardCount && accepted[shard] == nil {
            missing[shard] = nil
            switch judge(shard: shard, location: directory[shard], outcomes: outcomes) {
            case .counted(let answer): accepted[shard] = answer
            case .missing(let reason): missing[shard] = reason
            }
        }
    }

    private enum Verdict {
        case counted(ShardAnswer)
        case missing(MissingShard.Reason)
    }

    private func judge(
        shard: Int, location: ShardLocation?, outcomes: [String: Result<SearchResponse, SearchClientError>]
    ) -> Verdict {
        guard let location else { return .missing(.noOwner) }
        guard let outcome = outcomes[location.owner] else { return .missing(.noAnswer(owner: location.owner)) }
        let response: SearchResponse
        switch outcome {
        case .failure(let error): return .missing(.ownerFailed(error))
        case .success(let value): response = value
        }
        let forShard = response.answers.filter { $0.shard == shard }
        guard let answer = forShard.first(where: { $0.generation == location.generation }) else {
            if let other = forShard.first {
                return .missing(.generationMismatch(owner: location.owner, answered: other.generation, expected: location.generation))
            }
            return .missing(.notHeld(owner: location.owner))
        }
        guard answer.hits.count == queryCount else {
            return .missing(
                .malformedAnswer(owner: location.owner, reason: "\(answer.hits.count) hit lists for \(queryCount) queries"))
        }
        return .counted(answer)
    }

    /// The merged hits so far, the answered and the missing shards.
    public func result() -> SearchResult {
        let answers = accepted.sorted { $0.key < $1.key }
        var hits: [[SearchHit]] = []
        hits.reserveCapacity(queryCount)
        for query in 0..<queryCount {
            var best: [String: SearchHit] = [:]
            for (shard, answer) in answers {
                for wire in answer.hits[query] where !wire.score.isNaN {
                    let hit = SearchHit(wire, shard: shard)
                    if let held = best[hit.articleID], !SearchHit.precedes(hit, held) { continue }
                    best[hit.articleID] = hit
                }
            }
            hits.append(Array(best.values.sorted(by: SearchHit.precedes).prefix(max(k, 0))))
        }
        return SearchResult(
            hits: hits,
            answeredShards: answers.map(\.key),
            missingShards: missing.sorted { $0.key < $1.key }.map { MissingShard(shard: $0.key, reason: $0.value) })
    }
}
