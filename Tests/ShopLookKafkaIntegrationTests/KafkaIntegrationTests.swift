import Foundation
import Logging
import ShopLookKafka
import ShopLookTestSupport
import Testing

/// Against a real development-broker process (librdkafka's mock cluster over TCP), one per test.
@Suite(.serialized, .requiresBroker) struct KafkaIntegrationTests {
    let logger: Logger = {
        var logger = Logger(label: "kafka-test")
        logger.logLevel = .warning
        return logger
    }()

    func producer(_ broker: TestBroker) throws -> KafkaProducer {
        try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger)
    }

    func records(_ range: Range<Int>, topic: String) -> [KafkaRecord] {
        range.map { KafkaRecord(topic: topic, key: Array("k\($0)".utf8), value: Array("m\($0)".utf8)) }
    }

    /// Consumes until `stop` says so; every record is marked processed right away.
    func consume(
        _ consumer: KafkaConsumer, into seen: Observed<[KafkaMessage]>, until stop: @escaping @Sendable ([KafkaMessage]) -> Bool
    ) async throws {
        while let message = try await consumer.next() {
            consumer.markProcessed(message)
            await seen.update { $0.append(message) }
            if await stop(seen.value) { return }
        }
    }

    @Test func restartedConsumerResumesFromCommittedOffsets() async throws {
        let broker = try await TestBroker(topics: ["restart": 3])
        defer { broker.stop() }
        let producer = try producer(broker)
        _ = try await producer.send(records(0..<90, topic: "restart"))

        let first = try KafkaConsumer(configuration: broker.consumerConfiguration(group: "g"), topics: ["restart"], logger: logger)
        let firstSeen = Observed<[KafkaMessage]>([])
        try await withTimeout(.seconds(60), "first consumer reads 45") {
            try await consume(first, into: firstSeen, until: { $0.count >= 45 })
        }
        try await first.close()
        var expectedStart: [Int32: Int64] = [0: 0, 1: 0, 2: 0]
        for message in await firstSeen.value { expectedStart[message.partition] = max(expectedStart[message.partition]!, message.offset + 1) }

        // Inspecting the group does not join it: the lag is what the first consumer left uncommitted.
        let inspector = try KafkaGroupInspector(configuration: broker.kafkaConfiguration(), groupID: "g", logger: logger)
        let lagAfterFirst = try await inspector.lag(topic: "restart")
        #expect(lagAfterFirst.count == 3)
        #expect(lagAfterFirst.map(\.lag).reduce(0, +) == 45)
        #expect(lagAfterFirst.map(\.highWatermark).reduce(0, +) == 90)

        let second = try KafkaConsumer(configuration: broker.consumerConfiguration(group: "g"), topics: ["restart"], logger: logger)
        let partitions = (0..<3).map { KafkaTopicPartition(topic: "restart", partition: Int32($0)) }
        let committed = try await second.committedOffsets(partitions)
        for partition in partitions where expectedStart[partition.partition]! > 0 {
            #expect(committed[partition] == expectedStart[partition.partition])
        }
        let secondSeen = Observed<[KafkaMessage]>([])
        try await withTimeout(.seconds(60), "second consumer reads the other 45") {
            try await consume(second, into: secondSeen, until: { $0.count >= 45 })
        }
        try await second.close()
        #expect(try await inspector.lag(topic: "restart").map(\.lag).reduce(0, +) == 0)
        let firstValues = await firstSeen.value.map { String(decoding: $0.value, as: UTF8.self) }
        let secondMessages = await secondSeen.value
        for partition in Int32(0)..<3 {
            let offsets = secondMessages.filter { $0.partition == partition }.map(\.offset)
            if let lowest = offsets.min() { #expect(lowest == expectedStart[partition]) }
        }
        let all = firstValues + secondMessages.map { String(decoding: $0.value, as: UTF8.self) }
        #expect(all.count == 90)
        #expect(Set(all) == Set((0..<90).map { "m\($0)" }))
        try await producer.close()
    }

    @Test func twoConsumersSplitPartitionsAndRebalanceWhenOneLeaves() async throws {
        let broker = try await TestBroker(topics: ["split": 4])
        defer { broker.stop() }
        let producer = try producer(broker)
        _ = try await producer.send(records(0..<200, topic: "split"))
        let all = Set((0..<200).map { "m\($0)" })

        let revokedFromA = Observed<[KafkaTopicPartition]>([])
        let assignedToA = Observed<Set<KafkaTopicPartition>>([])
        let lastProcessedByA = Observed<[KafkaTopicPartition: Int64]>([:])
        let handlerA = KafkaRebalanceHandler(
            onAssign: { partitions in
                await assignedToA.update { $0.formUnion(partitions) }
                return [:]
            },
            onRevoke: { partitions, _ in
                await revokedFromA.update { $0 += partitions }
                await assignedToA.update { $0.subtract(partitions) }
            })
        let consumerA = try KafkaConsumer(
            configuration: broker.consumerConfiguration(group: "split-group"), topics: ["split"], rebalanceHandler: handlerA, logger: logger)
        let seen = Observed<[String: Int]>([:])
        let taskA = Task {
            while let message = try await consumerA.next() {
                consumerA.markProcessed(message)
                await lastProcessedByA.update { $0[message.topicPartition] = message.offset }
                await seen.update { $0[String(decoding: message.value, as: UTF8.self), default: 0] += 1 }
            }
        }
        _ = await assignedToA.wait { $0.count == 4 }
        _ = await seen.wait { $0.count >= 20 }

        let assignedToB = Observed<Set<KafkaTopicPartition>>([])
        let firstOffsetsOfB = Observed<[KafkaTopicPartition: Int64]>([:])
        let consumerB = try KafkaConsumer(
            configuration: broker.consumerConfiguration(group: "split-group"), topics: ["split"],
            rebalanceHandler: KafkaRebalanceHandler(onAssign: { partitions in
                await assignedToB.update { $0.formUnion(partitions) }
                return [:]
            }), logger: logger)
        let taskB = Task {
            while let message = try await consumerB.next() {
                consumerB.markProcessed(message)
                await firstOffsetsOfB.update { if $0[message.topicPartition] == nil { $0[message.topicPartition] = message.offset } }
                await seen.update { $0[String(decoding: message.value, as: UTF8.self), default: 0] += 1 }
            }
        }
        try await withTimeout(.seconds(60), "B receives partitions from A") {
            _ = await assignedToB.wait { !$0.isEmpty }
            _ = await revokedFromA.wait { !$0.isEmpty }
        }
        let bPartitions = await assignedToB.value
        let aPartitions = await assignedToA.value
        #expect(bPartitions.isDisjoint(with: aPartitions))
        #expect(bPartitions.union(aPartitions).count == 4)
        #expect(Set(await revokedFromA.value) == bPartitions)

        try await withTimeout(.seconds(60), "every record consumed") { _ = await seen.wait { Set($0.keys) == all } }
        // A committed what it had processed before giving the partitions up: B started right after it.
        let lastOfA = await lastProcessedByA.value
        for (partition, first) in await firstOffsetsOfB.value {
            #expect(first == (lastOfA[partition].map { $0 + 1 } ?? 0))
        }

        // B leaves: A gets every partition back and consumes what is produced next.
        try await consumerB.close()
        try await taskB.value
        try await withTimeout(.seconds(60), "A owns all partitions again") { _ = await assignedToA.wait { $0.count == 4 } }
        _ = try await producer.send(records(200..<260, topic: "split"))
        let everything = all.union((200..<260).map { "m\($0)" })
        try await withTimeout(.seconds(60), "A consumes the new records") { _ = await seen.wait { Set($0.keys) == everything } }
        #expect(consumerA.assignment.count == 4)
        try await consumerA.close()
        try await taskA.value
        try await producer.close()
    }

    @Test func brokerDownAndUpMidStreamLosesNothing() async throws {
        let broker = try await TestBroker(topics: ["outage": 3])
        defer { broker.stop() }
        // One partition per broker (the mock picks leaders at random, and a broker leading all three would stop
        // every record of the second wave).
        for partition in 0..<3 { try broker.control.send("set-leader outage \(partition) \(partition + 1)") }
        let producer = try producer(broker)
        let consumer = try KafkaConsumer(configuration: broker.consumerConfiguration(group: "outage"), topics: ["outage"], logger: logger)
        let seen = Observed<[String: Int]>([:])
        let consuming = Task {
            while let message = try await consumer.next() {
                consumer.markProcessed(message)
                await seen.update { $0[String(decoding: message.value, as: UTF8.self), default: 0] += 1 }
            }
        }
        _ = try await producer.send(records(0..<100, topic: "outage"))
        try await withTimeout(.seconds(60), "first wave consumed") { _ = await seen.wait { $0.count == 100 } }

        try broker.control.send("broker-down 1")
        let delivered = Observed<Int>(0)
        let wave = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for record in records(100..<300, topic: "outage") {
                    group.addTask {
                        _ = try await producer.send(record)
                        await delivered.update { $0 += 1 }
                    }
                }
                try await group.waitForAll()
            }
        }
        // Records for partitions led by the other brokers get through while broker 1 is down.
        _ = try await withTimeout(.seconds(60), "records for brokers 2 and 3 delivered") { await delivered.wait { $0 >= 20 } }
        try broker.control.send("broker-up 1")
        try await withTimeout(.seconds(90), "second wave delivered") { try await wave.value }
        let expected = Set((0..<300).map { "m\($0)" })
        let final = try await withTimeout(.seconds(90), "second wave consumed") { await seen.wait { Set($0.keys) == expected } }
        #expect(final.values.allSatisfy { $0 == 1 }, "idempotent producer: no record twice")
        try await consumer.close()
        try await consuming.value
        try await producer.close()
    }

    @Test func headersKeysAndExplicitPartitionsRoundTrip() async throws {
        let broker = try await TestBroker(topics: ["headers": 2])
        defer { broker.stop() }
        let producer = try producer(broker)
        let record = KafkaRecord(
            topic: "headers", partition: 1, key: [0, 1, 2, 255], value: Array("payload".utf8),
            headers: [KafkaHeader(name: "error", string: "bad jpeg"), KafkaHeader(name: "empty", value: nil),
                      KafkaHeader(name: "offset", string: "42")])
        let report = try await producer.send(record)
        #expect(report.partition == 1)
        #expect(report.offset == 0)
        let consumer = try KafkaConsumer(configuration: broker.consumerConfiguration(group: "h"), topics: ["headers"], logger: logger)
        let message = try await withTimeout(.seconds(30), "record consumed") { try await consumer.next() }
        #expect(message?.partition == 1)
        #expect(message?.key == [0, 1, 2, 255])
        #expect(message?.value == Array("payload".utf8))
        #expect(message?.headers == record.headers)
        #expect(message?.header("error")?.stringValue == "bad jpeg")
        #expect(message?.timestamp != nil)
        // Nothing else was produced: a poll with a time-out comes back empty instead of waiting forever.
        #expect(try await consumer.poll(timeout: .milliseconds(300)) == nil)
        #expect(!consumer.isClosing)
        try await consumer.close()
        #expect(consumer.isClosing)
        #expect(try await consumer.poll(timeout: .seconds(5)) == nil)
        try await producer.close()
    }

    @Test func prepareLearnsTopicsAndFailsOnceClosed() async throws {
        let broker = try await TestBroker(topics: ["ready": 3])
        defer { broker.stop() }
        let producer = try producer(broker)
        try await producer.prepare(topics: ["ready"])
        try await producer.prepare(topics: ["ready"])  // again: the kept handle is reused
        let reports = try await producer.send(records(0..<6, topic: "ready"))
        #expect(Set(reports.map(\.partition)).isSubset(of: [0, 1, 2]))
        try await producer.close()
        await #expect(throws: KafkaError.self) { try await producer.prepare(topics: ["ready"]) }
    }

    @Test func assignHandlerOverridesStartingOffsetAndPauseHoldsAPartitionBack() async throws {
        let broker = try await TestBroker(topics: ["seek": 2])
        defer { broker.stop() }
        let producer = try producer(broker)
        for index in 0..<10 {
            _ = try await producer.send(KafkaRecord(topic: "seek", partition: 0, value: Array("a\(index)".utf8)))
        }
        let p0 = KafkaTopicPartition(topic: "seek", partition: 0)
        let p1 = KafkaTopicPartition(topic: "seek", partition: 1)
        let consumer = try KafkaConsumer(
            configuration: broker.consumerConfiguration(group: "s"), topics: ["seek"],
            rebalanceHandler: KafkaRebalanceHandler(onAssign: { partitions in
                partitions.contains(p0) ? [p0: 7] : [:]
            }), logger: logger)
        let first = try await withTimeout(.seconds(30), "first record") { try await consumer.next() }
        #expect(first?.partition == 0)
        #expect(first?.offset == 7)
        consumer.markProcessed(first!)

        try consumer.pause([p0])
        _ = try await producer.send(KafkaRecord(topic: "seek", partition: 0, value: Array("held".utf8)))
        _ = try await producer.send(KafkaRecord(topic: "seek", partition: 1, value: Array("b".utf8)))
        // Records 8 and 9 of p0 may already be prefetched; after them, only p1's record may come.
        var received: [String] = []
        while received.last != "b" {
            let message = try await withTimeout(.seconds(30), "p1 record while p0 paused") { try await consumer.next() }!
            consumer.markProcessed(message)
            received.append(String(decoding: message.value, as: UTF8.self))
        }
        #expect(!received.contains("held"))
        try consumer.resume([p0])
        var afterResume: [String] = []
        while afterResume.last != "held" {
            let message = try await withTimeout(.seconds(30), "held record after resume") { try await consumer.next() }!
            consumer.markProcessed(message)
            afterResume.append(String(decoding: message.value, as: UTF8.self))
        }
        try await consumer.commit()
        let committed = try await consumer.committedOffsets([p0, p1])
        #expect(committed[p0] == 11)
        #expect(committed[p1] == 1)
        try await consumer.close()
        try await producer.close()
    }

    /// The opt-in for owners that prepare partitions in the background: assigned partitions stay paused until
    /// the owner seeks and resumes them; a seek moves the position both ways, and the commits follow it.
    @Test func partitionsAssignedPausedStartWhereTheOwnerSeeks() async throws {
        let broker = try await TestBroker(topics: ["paused": 1])
        defer { broker.stop() }
        let producer = try producer(broker)
        _ = try await producer.send(records(0..<10, topic: "paused"))
        let p0 = KafkaTopicPartition(topic: "paused", partition: 0)
        let assigned = Observed<[KafkaTopicPartition]>([])
        let consumer = try KafkaConsumer(
            configuration: broker.consumerConfiguration(group: "p"), topics: ["paused"],
            rebalanceHandler: KafkaRebalanceHandler(
                onAssign: { partitions in
                    await assigned.update { $0 += partitions }
                    return [:]
                }, assignPaused: true),
            logger: logger)
        // Assigned, and nothing comes while it stays paused (every poll serves the group meanwhile).
        let deadline = ContinuousClock.now + .seconds(30)
        while await assigned.value.isEmpty, ContinuousClock.now < deadline {
            #expect(try await consumer.poll(timeout: .milliseconds(100)) == nil)
        }
        #expect(await assigned.value == [p0])
        for _ in 0..<10 { #expect(try await consumer.poll(timeout: .milliseconds(100)) == nil, "a paused partition fetches nothing") }

        try await consumer.seek(p0, to: 4)
        try consumer.resume([p0])
        var offsets: [Int64] = []
        while offsets.last != 9 {
            let message = try await withTimeout(.seconds(30), "records from the sought offset") { try await consumer.next() }!
            consumer.markProcessed(message)
            offsets.append(message.offset)
        }
        #expect(offsets == Array(4...9))
        // Back to 2 while consuming: replayed from there, in order, and the commit point is the partition's end.
        try await consumer.seek(p0, to: 2)
        offsets = []
        while offsets.last != 9 {
            let message = try await withTimeout(.seconds(30), "records after seeking back") { try await consumer.next() }!
            consumer.markProcessed(message)
            offsets.append(message.offset)
        }
        #expect(offsets == Array(2...9))
        try await consumer.commit()
        #expect(try await consumer.committedOffsets([p0])[p0] == 10)
        try await consumer.close()
        try await producer.close()
    }
}
