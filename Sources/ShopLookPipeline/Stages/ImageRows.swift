import ShopLookPostgres

/// What a stage writes for one image (its rows and its new state), written with the rest of its batch by
/// ``ImageStates/write(_:pool:)``.
protocol ImageRows: Sendable {
    func write(_ connection: PostgresConnection) async throws
}
