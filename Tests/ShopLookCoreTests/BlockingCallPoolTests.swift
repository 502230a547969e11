import Foundation
import ShopLookCore
import Synchronization
import Testing

@Suite struct BlockingCallPoolTests {
    struct Failure: Error, Equatable {
        var code: Int
    }

    /// Calls running now, and the most that ever ran at once.
    final class Gauge: Sendable {
        let running = Atomic<Int>(0)
        let peak = Atomic<Int>(0)

        func enter() {
            let now = running.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
            var seen = peak.load(ordering: .sequentiallyConsistent)
            while now > seen {
                let (exchanged, original) = peak.compareExchange(
                    expected: seen, desired: now, ordering: .sequentiallyConsistent)
                if exchanged { break }
                seen = original
            }
        }

        func leave() {
            running.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        }
    }

    /// A value shared by the test and the pool's threads.
    final class Shared<Value: Sendable>: Sendable {
        private let mutex: Mutex<Value>
        init(_ value: Value) { mutex = Mutex(value) }
        func update(_ body: (inout Value) -> Void) { mutex.withLock { body(&$0) } }
        var value: Value { mutex.withLock { $0 } }
    }

    @Test func resultsAndTypedErrorsComeBack() async throws {
        let pool = BlockingCallPool(name: "test-results", threadCount: 2)
        defer { pool.shutdown() }
        #expect(try await pool.run { () throws(Failure) -> Int in 6 * 7 } == 42)
        await #expect(throws: Failure(code: 7)) {
            try await pool.run { () throws(Failure) -> Int in throw Failure(code: 7) }
        }
        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<50 { group.addTask { try await pool.run { () throws(Failure) in "call \(index)" } } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(texts == Set((0..<50).map { "call \($0)" }))
    }

    @Test func runsUpToThreadCountCallsAtOnceAndNoMore() async throws {
        let threads = 3
        let pool = BlockingCallPool(name: "test-width", threadCount: threads)
        defer { pool.shutdown() }
        let gauge = Gauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<(threads * 4) {
                group.addTask {
                    await pool.run { () throws(Never) in
                        gauge.enter()
                        // Hold the thread until the pool is full (or a generous deadline passes), then a
                        // little longer, so that a pool running more than `threads` calls would be seen.
                        let deadline = ContinuousClock.now + .seconds(10)
                        while gauge.running.load(ordering: .sequentiallyConsistent) < threads, ContinuousClock.now < deadline {
                            usleep(1_000)
                        }
                        usleep(20_000)
                        gauge.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(gauge.peak.load(ordering: .sequentiallyConsistent) == threads)
        #expect(gauge.running.load(ordering: .sequentiallyConsistent) == 0)
    }

    @Test func callsRunInTheOrderTheyWereQueued() async throws {
        let pool = BlockingCallPool(name: "test-fifo", threadCount: 1)
        defer { pool.shutdown() }
        let order = Shared<[Int]>([])
        let gate = DispatchSemaphore(value: 0)
        // Occupy the one thread so the next calls queue up behind it, in a known order.
        let started = Shared(false)
        let blocker = Task {
            await pool.run { () throws(Never) in
                started.update { $0 = true }
                gate.wait()
            }
        }
        while !started.value { try await Task.sleep(for: .milliseconds(1)) }
        var calls: [Task<Void, Never>] = []
        for index in 0..<10 {
            calls.append(Task { await pool.run { () throws(Never) in order.update { $0.append(index) } } })
            while pool.queuedCount < index + 1 { try await Task.sleep(for: .milliseconds(1)) }
        }
        gate.signal()
        await blocker.value
        for call in calls { await call.value }
        #expect(order.value == Array(0..<10))
    }

    @Test func callsRunOnThePoolsThreadsNotTheAwaitingOne() async throws {
        let pool = BlockingCallPool(name: "test-threads", threadCount: 2)
        defer { pool.shutdown() }
        #expect(!pool.isCurrent)
        for _ in 0..<20 {
            let caller = pthread_self()
            let (onPool, callee) = await pool.run { () throws(Never) in (pool.isCurrent, pthread_self()) }
            #expect(onPool)
            #expect(pthread_equal(caller, callee) == 0)
        }
    }

    @Test func callsAfterShutdownStillComplete() async throws {
        let pool = BlockingCallPool(name: "test-shutdown", threadCount: 1)
        pool.shutdown()
        #expect(await pool.run { () throws(Never) in 5 } == 5)
    }
}
