import Foundation

/// A fixed set of OS threads for short blocking calls (file I/O, a Kafka commit or flush), so they never
/// run on Swift's cooperative pool.
///
/// ``run(_:)`` queues the call and suspends the calling task; one of the pool's threads takes the calls in
/// the order they were queued (FIFO), runs each to completion and resumes the caller with its result or
/// error. At most `threadCount` calls run at once; further calls wait in the queue. A call that has started
/// cannot be cancelled (it is a blocking C call); cancelling the caller's task does not remove a queued call.
///
/// Unlike ``DedicatedThreadExecutor`` (one thread that serialises an actor's work), the pool is for
/// independent calls from many tasks. Use a pool of its own for calls that can block for a long time (a
/// broker round trip) so that they cannot hold up quick ones (reading a file).
///
/// The threads live until ``shutdown()``. Calls queued after `shutdown` still run, each on a thread of its
/// own, so that no caller is left suspended forever.
public final class BlockingCallPool: Sendable {
    /// The process-wide pool for local file I/O (the blob store, catalog ingest).
    public static let shared = BlockingCallPool(name: "blocking-io", threadCount: 8)

    public let name: String
    public let threadCount: Int
    private let queue: JobQueue
    /// Immutable after `init`, only compared by identity: safe to share.
    nonisolated(unsafe) private let threads: [Thread]

    public init(name: String, threadCount: Int) {
        precondition(threadCount > 0, "a blocking-call pool needs at least one thread")
        self.name = name
        self.threadCount = threadCount
        let queue = JobQueue()
        self.queue = queue
        self.threads = (0..<threadCount).map { index in
            let thread = Thread { queue.runLoop() }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
            return thread
        }
    }

    deinit {
        queue.stop()
    }

    /// Runs a blocking call on one of the pool's threads and returns its result, or throws its error.
    public func run<T: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () throws(Failure) -> T
    ) async throws(Failure) -> T {
        let result: Result<T, Failure> = await withCheckedContinuation { continuation in
            let job: @Sendable () -> Void = { continuation.resume(returning: Result { () throws(Failure) -> T in try body() }) }
            if !queue.enqueue(job) {
                Thread.detachNewThread(job)
            }
        }
        return try result.get()
    }

    /// Whether the caller is running on one of the pool's threads.
    public var isCurrent: Bool {
        let current = Thread.current
        return threads.contains { $0 === current }
    }

    /// Calls waiting for a thread (not counting those running).
    public var queuedCount: Int { queue.count }

    /// Lets the threads end once the calls already queued have run.
    public func shutdown() {
        queue.stop()
    }
}

/// The pool's FIFO of calls, shared by its threads.
private final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`. Jobs before `head` have been taken; the taken prefix is dropped now and then.
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var stopping = false

    /// Queues a call; `false` once the pool is stopping (the caller then runs it elsewhere).
    func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return jobs.count - head
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    func runLoop() {
        while let job = take() { job() }
    }

    /// The oldest queued call; `nil` once stopping and empty (the thread then ends).
    private func take() -> (@Sendable () -> Void)? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !stopping { condition.wait() }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }
}
