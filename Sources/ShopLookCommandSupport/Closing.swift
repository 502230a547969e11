import ShopLookKafka
import ShopLookPostgres

/// Runs `body` with `producer` and `pool`, then closes both, whether `body` threw or not.
public func closing<T>(_ producer: KafkaProducer, _ pool: PostgresPool, _ body: () async throws -> T) async throws -> T {
    let result: T
    do {
        result = try await body()
    } catch {
        try? await producer.close()
        await pool.close()
        throw error
    }
    try await producer.close()
    await pool.close()
    return result
}
