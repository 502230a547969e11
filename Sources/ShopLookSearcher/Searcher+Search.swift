import ShopLookSearch

extension Searcher {
    /// Answers for the requested shards this process holds with the requested generation (the others are left
    /// out: the caller counts them missing). Each shard's queries run on the search pool. A request out of
    /// bounds (``SearchRequest/validate()``) is a ``SearcherError/badRequest(_:)``.
    public func answer(_ request: SearchRequest) async throws -> SearchResponse {
        do {
            try request.validate()
        } catch {
            throw SearcherError.badRequest(error.description)
        }
        metrics.requests.increment()
        let targets = owned.answerable(request.shards)
        for (_, catalog) in targets.prefix(1) {
            for (position, query) in request.queries.enumerated() {
                if let index = catalog.index(query.indexKey), index.dimension != query.vector.values.count {
                    throw SearcherError.badRequest("query \(position) has \(query.vector.values.count) dimensions; \(query.indexKey) has \(index.dimension)")
                }
            }
        }
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
            return SearchResponse(answers: Self.keepingBest(request.k, of: answers.sorted { $0.shard < $1.shard }))
        }
    }

    /// Each query's hits cut to the best `k` over all the answered shards (ties to the smaller article id), kept
    /// in their shards' lists: a hit of the merged top `k` is in its owner's top `k`, so the caller's merge is
    /// unchanged while an owner of four shards sends a quarter of the hits. The shard and generation of every
    /// answer stay, so the caller still checks each shard's generation.
    static func keepingBest(_ k: Int, of answers: [ShardAnswer]) -> [ShardAnswer] {
        guard answers.count > 1, let queries = answers.first?.hits.count else { return answers }
        var kept = answers.map { ShardAnswer(shard: $0.shard, generation: $0.generation, hits: Array(repeating: [], count: queries)) }
        for query in 0..<queries {
            let ranked = answers.indices.flatMap { answer in answers[answer].hits[query].map { (answer, $0) } }
                .sorted { $0.1.score != $1.1.score ? $0.1.score > $1.1.score : $0.1.articleID < $1.1.articleID }
            for (answer, hit) in ranked.prefix(k) { kept[answer].hits[query].append(hit) }
        }
        return kept
    }
}
