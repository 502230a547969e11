import ShopLookPostgres

/// The `searcher_shards` rows this process writes: a shard is published once it is loaded and ready, with a
/// new generation, and unpublished (only if the row is still this load's) when it is given up.
public struct ShardOwnershipTable: Sendable {
    let pool: PostgresPool
    /// The `host:port` callers reach this process's search endpoint at (known once it listens).
    public let owner: PendingValue<String>
    /// This process (host, pid, start id), for operators.
    public let member: String

    public init(pool: PostgresPool, owner: PendingValue<String>, member: String) {
        self.pool = pool
        self.owner = owner
        self.member = member
    }

    /// Publishes `shard` as ready here; returns its new generation.
    public func publish(shard: Int, vectors: Int) async throws -> Int64 {
        let owner = await self.owner.value, member = self.member
        return try await pool.retrying { connection in
            try await connection.query(
                """
                INSERT INTO searcher_shards (shard, owner, member, generation, vectors, ready_since)
                VALUES ($1, $2, $3, nextval('searcher_generation_seq'), $4, now())
                ON CONFLICT (shard) DO UPDATE SET owner = EXCLUDED.owner, member = EXCLUDED.member,
                    generation = EXCLUDED.generation, vectors = EXCLUDED.vectors, ready_since = EXCLUDED.ready_since
                RETURNING generation
                """, [shard, owner, member, vectors])[0].decode(Int64.self, at: 0)
        }
    }

    /// Removes the row of `shard` when it is still this load's (`generation`); a newer owner's row stays.
    public func unpublish(shard: Int, generation: Int64) async throws {
        _ = try await pool.retrying { connection in
            try await connection.execute("DELETE FROM searcher_shards WHERE shard = $1 AND generation = $2", [shard, generation])
        }
    }

    /// Updates the vector count shown for `shard` (this load's row only).
    public func updateCount(shard: Int, generation: Int64, vectors: Int) async throws {
        _ = try await pool.retrying { connection in
            try await connection.execute(
                "UPDATE searcher_shards SET vectors = $3 WHERE shard = $1 AND generation = $2", [shard, generation, vectors])
        }
    }
}
