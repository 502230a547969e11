import ShopLookSearch

extension Searcher {
    /// The most queries and hits one request may ask.
    static let maximumQueries = 64
    static let maximumK = 1000

    /// Answers for the requested shards this process holds with the requested generation (the others are left
    /// out: the caller counts them missing). Each shard's queries run on the search pool.
    public func answer(_ request: SearchRequest) async throws -> SearchResponse {
        guard (1...Self.maximumK).contains(request.k) else { throw SearcherError.badRequest("k must be 1–\(Self.maximumK)") }
        guard (1...Self.maximumQueries).contains(request.queries.count) else {
            throw SearcherError.badRequest("a request carries 1–\(Self.maximumQueries) queries")
        }
        metrics.requests.increment()
        let targets = owned.answerable(request.shards)
        let pool = searchPool, metrics = self.metrics
        return try await withThrowingTaskGroup(of: ShardAnswer.self) { group in
            for (wanted, catalog) in targets {
                group.addTask {
                    let started = ContinuousClock.now
                    let hits = try await pool.run { () throws -> [[WireHit]] in
                        try request.queries.map { query in
                            try catalog.search(
                                query.indexKey, query: query.vector.values, k: request.k, categories: query.categories.map(Set.init)
                            ).map(WireHit.init)
                        }
                    }
                    metrics.searchDuration(wanted.shard).recordNanoseconds((ContinuousClock.now - started).nanoseconds)
                    return ShardAnswer(shard: wanted.shard, generation: wanted.generation, hits: hits)
                }
            }
            var answers: [ShardAnswer] = []
            for try await answer in group { answers.append(answer) }
            return SearchResponse(answers: answers.sorted { $0.shard < $1.shard })
        }
    }
}
