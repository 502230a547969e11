import Foundation
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookKafka
import ShopLookPostgres
import Synchronization

/// Submits a shopper's photo as a look: the bytes to the blob store, the image and a `queued` job row to
/// PostgreSQL, a ``LookQueryMessage`` to `query-jobs` (keyed by job id) — in that order, so a message never names a
/// job or photo that is not stored. The photo's header is checked first (format, pixel limits), so a non-image is
/// refused before anything is stored.
///
/// A message that cannot be produced fails the job at once with the reason (and the error is thrown): no job waits
/// for a message that never comes.
///
/// The producer learns `query-jobs` (``KafkaProducer/prepare(topics:timeout:)``) before the first look is stored, once
/// per submitter and its copies: librdkafka would otherwise hold the first record for a topic it has not seen until its
/// once-a-second topic scan — a second added to the first look of every `shoplook look`, whose producer is new each
/// time. A topic the cluster does not have fails the submission before anything is stored.
public struct LookSubmitter: Sendable {
    /// Deadlines outside this range are refused.
    public static let deadlineRange: ClosedRange<Duration> = .seconds(1) ... .seconds(600)
    /// The default time a look may take, submit to answer (a worker's death and the group's rebalance fit in it).
    public static let defaultDeadline: Duration = .seconds(30)

    let store: any BlobStore
    let pool: PostgresPool
    let producer: KafkaProducer
    let codec: MessageCodec
    let topics: ShopLookTopics
    let decoder = ImageDecoder()
    private let topicPrepared = TopicPrepared()

    public init(store: any BlobStore, pool: PostgresPool, producer: KafkaProducer, codec: MessageCodec, topics: ShopLookTopics) {
        self.store = store
        self.pool = pool
        self.producer = producer
        self.codec = codec
        self.topics = topics
    }

    /// - Throws: ``LookInputError/notAnImage(_:)`` for bytes that are not a JPEG or PNG within the pixel limits;
    ///   `ValidationError`-like ``LookSubmitError`` for a bad k or deadline; storage and broker errors as they are.
    public func submit(photo: [UInt8], topK: Int, deadline: Duration = Self.defaultDeadline) async throws -> LookSubmission {
        guard (1...1000).contains(topK) else { throw LookSubmitError.invalidArgument("k = \(topK), expected 1–1000") }
        guard Self.deadlineRange.contains(deadline) else {
            throw LookSubmitError.invalidArgument("deadline \(deadline), expected 1–600 s")
        }
        let size: ImageSize
        do {
            size = try decoder.size(photo)
        } catch {
            throw LookInputError.notAnImage("\(error)")
        }
        try await prepareTopic()
        let key = try await store.put(photo)
        let jobID = UUID()
        let seconds = deadline.seconds
        let deadlineAt = try await pool.retrying { connection in
            try await connection.transaction { connection in
                _ = try await connection.execute(
                    """
                    INSERT INTO images (image_id, blob_key, source, byte_size, width, height) VALUES ($1, $2, 'query', $3, $4, $5)
                    ON CONFLICT (image_id) DO NOTHING
                    """, [key.rawValue, key.rawValue, photo.count, size.width, size.height])
                let rows = try await connection.query(
                    """
                    INSERT INTO query_jobs (job_id, image_id, top_k, deadline_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
                    ON CONFLICT (job_id) DO UPDATE SET top_k = query_jobs.top_k
                    RETURNING deadline_at
                    """, [jobID, key.rawValue, topK, seconds])
                return try rows.first!.decode(Date.self, at: 0)
            }
        }
        let message = LookQueryMessage(
            jobID: jobID.uuidString.lowercased(), imageID: key.rawValue, blobKey: key.rawValue, topK: topK, deadlineAt: deadlineAt)
        let record = KafkaRecord(topic: topics.queryJobs, key: Array(message.jobID.utf8), value: try codec.encode(message))
        do {
            _ = try await producer.send(record)
        } catch {
            let reason = "the look could not be queued: \(error)"
            await failUnqueued(jobID, reason: reason)
            throw error
        }
        return LookSubmission(jobID: jobID, imageID: key.rawValue, deadlineAt: deadlineAt)
    }

    /// Has the producer learn `query-jobs` unless this submitter (or a copy) did already.
    private func prepareTopic() async throws {
        guard !topicPrepared.done.withLock({ $0 }) else { return }
        try await producer.prepare(topics: [topics.queryJobs])
        topicPrepared.done.withLock { $0 = true }
    }

    /// Ends a job whose message could not be produced (best effort: the sweeper ends it at its deadline otherwise).
    private func failUnqueued(_ jobID: UUID, reason: String) async {
        _ = try? await LookJobStore(pool: pool).finish(jobID, with: .failed(reason: reason, verdict: nil, details: LookJobDetails()))
    }
}

/// Whether a submitter's producer has learnt `query-jobs` (shared by the submitter's copies).
private final class TopicPrepared: Sendable {
    let done = Mutex(false)
}

/// A look that cannot be submitted as asked.
public enum LookSubmitError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .invalidArgument(let text): text
        }
    }
}
