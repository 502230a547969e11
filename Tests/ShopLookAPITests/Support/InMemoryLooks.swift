import Foundation
import ShopLookAPI
import ShopLookBlobStore
import ShopLookCore
import ShopLookLook
import Synchronization

/// A ``LookService`` in memory over a real blob store, for the routes' unit tests: a submitted photo is stored and
/// its look is `queued`; a test ends a look by replacing it (``set(_:)``).
final class InMemoryLooks: LookService {
    struct State {
        var looks: [UUID: LookJob] = [:]
        var submitted: [(photo: [UInt8], topK: Int)] = []
        /// Thrown by every call when set (an infrastructure fault).
        var failure: (any Error & Sendable)?
    }

    let store: any BlobStore
    let state = Mutex(State())

    init(store: any BlobStore) {
        self.store = store
    }

    func submit(photo: [UInt8], topK: Int, deadline: Duration) async throws -> LookSubmission {
        if let failure = state.withLock({ $0.failure }) { throw failure }
        let key = try await store.put(photo)
        let now = Date()
        let job = LookJob(
            jobID: UUID(), state: .queued, reason: nil, topK: topK, createdAt: now, startedAt: nil, finishedAt: nil,
            deadlineAt: now.addingTimeInterval(deadline.seconds), attempts: 0, imageID: key.rawValue, imageWidth: nil, imageHeight: nil,
            verdict: nil, details: LookJobDetails(), articles: [])
        state.withLock { state in
            state.looks[job.jobID] = job
            state.submitted.append((photo, topK))
        }
        return LookSubmission(jobID: job.jobID, imageID: key.rawValue, deadlineAt: job.deadlineAt)
    }

    func look(_ id: UUID) async throws -> LookJob? {
        if let failure = state.withLock({ $0.failure }) { throw failure }
        return state.withLock { $0.looks[id] }
    }

    func set(_ look: LookJob) {
        state.withLock { $0.looks[look.jobID] = look }
    }

    var submitted: [(photo: [UInt8], topK: Int)] { state.withLock { $0.submitted } }
}
