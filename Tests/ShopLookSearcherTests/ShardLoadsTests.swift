import ShopLookKafka
import ShopLookSearch
@testable import ShopLookSearcher
import Synchronization
import Testing

/// The searcher's background loads without Kafka or PostgreSQL: one at a time in order, handed over in order,
/// and cancelled by a revocation (queued, running, or done and not yet taken).
struct ShardLoadsTests {
    static func partition(_ index: Int32) -> KafkaTopicPartition { KafkaTopicPartition(topic: "embedded", partition: index) }

    static func loaded(_ partition: KafkaTopicPartition) -> ShardLoads.Loaded {
        ShardLoads.Loaded(
            partition: partition, catalog: ShardCatalog(shard: Int(partition.partition), policy: IndexPolicy()), start: 3, end: 5,
            origin: "snapshot", took: .zero)
    }

    @Test func loadsOneAtATimeInAssignmentOrderAndHandsThemOverInOrder() async {
        let loads = ShardLoads()
        let events = Mutex<[String]>([])
        let load: @Sendable (KafkaTopicPartition) async -> ShardLoads.Loaded? = { partition in
            events.withLock { $0.append("start \(partition.partition)") }
            await Task.yield()
            events.withLock { $0.append("end \(partition.partition)") }
            return Self.loaded(partition)
        }
        loads.enqueue([Self.partition(2), Self.partition(0)], load: load)
        loads.enqueue([Self.partition(1), Self.partition(0)], load: load)
        await loads.idle()
        #expect(events.withLock { $0 } == ["start 2", "end 2", "start 0", "end 0", "start 1", "end 1"])
        #expect(loads.takeLoaded().map(\.partition) == [Self.partition(2), Self.partition(0), Self.partition(1)])
        #expect(loads.takeLoaded().isEmpty, "handed over once")
    }

    @Test func aRevocationCancelsTheRunningAndQueuedLoadsAndWaitsForTheRunningOne() async {
        let loads = ShardLoads()
        let started = Mutex<[Int32]>([])
        let ended = Mutex<[Int32]>([])
        let (running, signal) = AsyncStream<Void>.makeStream()
        loads.enqueue([Self.partition(0), Self.partition(1), Self.partition(2)]) { partition in
            started.withLock { $0.append(partition.partition) }
            defer { ended.withLock { $0.append(partition.partition) } }
            guard partition.partition == 0 else { return Self.loaded(partition) }
            signal.yield()
            // A load that would not end by itself: only its cancellation ends it.
            do { try await Task.sleep(for: .seconds(3600)) } catch { return nil }
            return Self.loaded(partition)
        }
        var iterator = running.makeAsyncIterator()
        _ = await iterator.next()
        await loads.cancel([Self.partition(0), Self.partition(1)])
        #expect(ended.withLock { $0 }.contains(0), "the cancel returned after the running load ended")
        await loads.idle()
        #expect(started.withLock { $0 } == [0, 2], "the queued load of a revoked partition never started")
        #expect(loads.takeLoaded().map(\.partition) == [Self.partition(2)])
    }

    @Test func aLoadDoneButNotYetTakenIsDroppedByARevocation() async {
        let loads = ShardLoads()
        loads.enqueue([Self.partition(0), Self.partition(1)]) { Self.loaded($0) }
        await loads.idle()
        await loads.cancel([Self.partition(0)])
        #expect(loads.takeLoaded().map(\.partition) == [Self.partition(1)])
    }
}
