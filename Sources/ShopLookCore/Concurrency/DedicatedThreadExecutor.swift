import Foundation

/// A serial executor that runs every job on one dedicated OS thread.
///
/// Blocking C calls (librdkafka polling, libpq round trips, model inference) must never run on Swift's
/// cooperative pool, whose few threads would starve every other task. An actor that returns this executor
/// from `unownedExecutor` runs all of its methods on the dedicated thread, so the blocking call happens
/// there and callers simply `await` the actor.
///
/// The thread lives until ``shutdown()`` is called; jobs enqueued after shutdown still run (in order, on a
/// serial dispatch queue) so that no continuation is ever leaked.
public final class DedicatedThreadExecutor: SerialExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var thread: Thread?
    private let lateJobs: DispatchQueue
    public let name: String

    public init(name: String) {
        self.name = name
        self.lateJobs = DispatchQueue(label: "\(name).late")
        // The thread keeps the executor alive until its loop ends (after `shutdown()`): an executor released before
        // its thread first ran (an actor made and dropped unused) must not be read through a dead reference.
        let thread = Thread { [self] in self.runLoop() }
        thread.name = name
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        let stopped = stopping
        if !stopped { jobs.append(unowned) }
        condition.signal()
        condition.unlock()
        if stopped {
            // Late jobs must still complete (they may resume a caller); run them in order on a serial queue.
            let executor = asUnownedSerialExecutor()
            lateJobs.async { unowned.runSynchronously(on: executor) }
        }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Whether the caller is running on this executor's thread.
    public var isCurrent: Bool { Thread.current === thread }

    /// Stops the thread once the jobs already queued have run.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        let executor = asUnownedSerialExecutor()
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: executor) }
        }
    }
}
