import Foundation
import ShopLookCore
import Testing

/// An actor whose methods run on a dedicated thread, as the model services are.
private actor ThreadBound {
    let executor: DedicatedThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(name: String) {
        executor = DedicatedThreadExecutor(name: name)
    }

    deinit {
        executor.shutdown()
    }

    func onItsThread() -> Bool { executor.isCurrent }
}

@Suite("DedicatedThreadExecutor")
struct DedicatedThreadExecutorTests {
    @Test("an actor's methods run on the executor's thread")
    func runsOnItsThread() async {
        let bound = ThreadBound(name: "test-bound")
        #expect(await bound.onItsThread())
    }

    @Test("executors made and released unused, before their threads first ran, do not crash the process")
    func releasedBeforeItsThreadRan() async throws {
        for index in 0..<300 {
            // Made and dropped at once: the thread may start after the last reference outside it is gone.
            _ = ThreadBound(name: "test-unused-\(index)")
        }
        // And one in use after them still works.
        let bound = ThreadBound(name: "test-after")
        #expect(await bound.onItsThread())
    }
}
