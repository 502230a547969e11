import Foundation
import ShopLookCore
import ShopLookKafka
@testable import ShopLookStreaming
import ShopLookTestSupport
import Testing

/// A member that records the inputs it was given, waits until every member of the batch has started (so the
/// test fails by time-out unless they run at once), then forwards each input's image id.
struct RendezvousMember: StageProcessor {
    struct Failure: Error {}

    let name: Int
    let started: Observed<[Int: [String]]>
    let expectedMembers: Int
    var fails = false

    func cost(of input: NewImageMessage) -> Int { Int(input.productID ?? "1") ?? 1 }

    func process(_ inputs: [StageInput<NewImageMessage>]) async throws -> [StageOutcome] {
        await started.update { $0[name] = inputs.map(\.message.imageID) }
        _ = await started.wait { $0.count == expectedMembers }
        if fails { throw Failure() }
        return inputs.map { .forward([KafkaRecord(topic: "out", key: nil, value: Array($0.message.imageID.utf8))]) }
    }
}

@Suite struct ConcurrentStageProcessorTests {
    func inputs(costs: [Int]) -> [StageInput<NewImageMessage>] {
        costs.enumerated().map { index, cost in
            StageInput(
                message: NewImageMessage(
                    imageID: "image-\(index)", blobKey: "blob", source: .catalog, productID: "\(cost)", byteSize: 1, uploadedAt: Date()),
                topic: "in", partition: 0, offset: Int64(index), key: nil)
        }
    }

    @Test func chunksAreContiguousNonEmptyAndOfAboutEqualCost() {
        typealias Processor = ConcurrentStageProcessor<RendezvousMember>
        #expect(Processor.chunks(costs: [], members: 2) == [])
        #expect(Processor.chunks(costs: [5], members: 4) == [0..<1])
        #expect(Processor.chunks(costs: [1, 1, 1, 1], members: 2) == [0..<2, 2..<4])
        // Three crops then six single ones: the expensive inputs share a chunk of their own.
        #expect(Processor.chunks(costs: [3, 3, 1, 1, 1, 1, 1, 1], members: 2) == [0..<2, 2..<8])
        // Costs below 1 count as 1; more members than inputs gives one input each.
        #expect(Processor.chunks(costs: [0, 0, 0], members: 8) == [0..<1, 1..<2, 2..<3])
        // Every sequence of one to six inputs costing 1, 2 or 3, over one to five members.
        var sequences: [[Int]] = [[]]
        var all: [[Int]] = []
        for _ in 1...6 {
            sequences = sequences.flatMap { prefix in (1...3).map { prefix + [$0] } }
            all += sequences
        }
        for costs in all {
            for members in 1...5 {
            let chunks = Processor.chunks(costs: costs, members: members)
            #expect(chunks.count == min(costs.count, members))
            #expect(chunks.first?.lowerBound == 0 && chunks.last?.upperBound == costs.count)
            #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(chunks.allSatisfy { !$0.isEmpty })
            let total = costs.reduce(0, +)
            let share = (total + chunks.count - 1) / chunks.count
            // No chunk runs more than one input's cost past an equal share.
            #expect(chunks.allSatisfy { costs[$0].reduce(0, +) <= share + 3 })
            }
        }
    }

    @Test func membersShareABatchAtOnceAndOutcomesKeepInputOrder() async throws {
        let started = Observed<[Int: [String]]>([:])
        let processor = ConcurrentStageProcessor((0..<2).map { RendezvousMember(name: $0, started: started, expectedMembers: 2) })
        let batch = inputs(costs: [3, 3, 1, 1, 1, 1, 1, 1])
        let outcomes = try await withTimeout(.seconds(30), "both members working at once") { try await processor.process(batch) }
        let forwarded = outcomes.map { outcome -> String? in
            guard case .forward(let records) = outcome else { return nil }
            return records.first.map { String(decoding: $0.value, as: UTF8.self) }
        }
        #expect(forwarded == batch.map(\.message.imageID))
        let shares = await started.value
        #expect(shares[0] == ["image-0", "image-1"])
        #expect(shares[1] == (2..<8).map { "image-\($0)" })
    }

    @Test func aFailingMemberFailsTheBatch() async throws {
        let started = Observed<[Int: [String]]>([:])
        var members = (0..<2).map { RendezvousMember(name: $0, started: started, expectedMembers: 2) }
        members[1].fails = true
        let processor = ConcurrentStageProcessor(members)
        await #expect(throws: RendezvousMember.Failure.self) {
            try await withTimeout(.seconds(30), "the batch") { try await processor.process(inputs(costs: [1, 1, 1, 1])) }
        }
        // A batch of one goes to the first member alone.
        let single = ConcurrentStageProcessor([RendezvousMember(name: 0, started: Observed([:]), expectedMembers: 1)])
        #expect(try await single.process(inputs(costs: [2])).count == 1)
    }
}
