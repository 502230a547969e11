import ShopLookPostgres

/// The shard directory in PostgreSQL: `searcher_shards` (migration 0003), one row per shard that an owner has
/// loaded and made ready, written when ready and deleted on revocation.
///
/// Every ``locations()`` is one `SELECT` on a pooled connection (the pool runs libpq off the cooperative pool).
public struct ShardDirectory: ShardDirectoryReading {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func locations() async throws -> [Int: ShardLocation] {
        let rows: PostgresRows
        do {
            rows = try await pool.withConnection { connection in
                try await connection.query("SELECT shard, owner, generation FROM searcher_shards")
            }
        } catch {
            throw SearchClientError.directoryUnavailable(reason: "\(error)")
        }
        var locations: [Int: ShardLocation] = [:]
        for row in rows {
            do {
                let shard = try row.decode(Int.self, at: 0)
                locations[shard] = ShardLocation(owner: try row.decode(String.self, at: 1), generation: try row.decode(Int64.self, at: 2))
            } catch {
                throw SearchClientError.directoryUnavailable(reason: "\(error)")
            }
        }
        return locations
    }
}
