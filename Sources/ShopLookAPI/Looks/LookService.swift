import Foundation
import ShopLookLook

/// What the look routes and the shopper's page need: submit a photo as a look, read a look back.
/// ``PostgresLookService`` is the real one; unit tests use an in-memory one.
public protocol LookService: Sendable {
    /// Queues a look. Throws ``LookInputError`` for bytes that are not a usable photo, ``LookSubmitError`` for a bad
    /// k or deadline.
    func submit(photo: [UInt8], topK: Int, deadline: Duration) async throws -> LookSubmission
    /// The look; `nil` when there is none with this id.
    func look(_ id: UUID) async throws -> LookJob?
}

/// Looks in PostgreSQL, queued on `query-jobs` for the query workers (``LookSubmitter``, ``LookJobStore``).
public struct PostgresLookService: LookService {
    let submitter: LookSubmitter
    let jobs: LookJobStore

    public init(_ infrastructure: APIInfrastructure) {
        submitter = LookSubmitter(
            store: infrastructure.blobs, pool: infrastructure.pool, producer: infrastructure.producer, codec: infrastructure.codec,
            topics: infrastructure.topics)
        jobs = LookJobStore(pool: infrastructure.pool)
    }

    public func submit(photo: [UInt8], topK: Int, deadline: Duration) async throws -> LookSubmission {
        try await submitter.submit(photo: photo, topK: topK, deadline: deadline)
    }

    public func look(_ id: UUID) async throws -> LookJob? {
        try await jobs.job(id)
    }
}
