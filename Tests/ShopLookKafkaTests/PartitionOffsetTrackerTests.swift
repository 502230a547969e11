import ShopLookKafka
import Testing

@Suite struct PartitionOffsetTrackerTests {
    let p0 = KafkaTopicPartition(topic: "t", partition: 0)
    let p1 = KafkaTopicPartition(topic: "t", partition: 1)

    @Test func inOrderProcessingAdvancesOnePastEachRecord() {
        var tracker = PartitionOffsetTracker()
        for offset in Int64(10)..<13 { tracker.delivered(p0, offset: offset) }
        #expect(tracker.processed(p0, offset: 10) == 11)
        #expect(tracker.processed(p0, offset: 11) == 12)
        #expect(tracker.processed(p0, offset: 12) == 13)
        #expect(tracker.commitPoint(p0) == 13)
        #expect(tracker.inFlightCount == 0)
    }

    @Test func outOfOrderProcessingNeverPassesAnUnprocessedRecord() {
        var tracker = PartitionOffsetTracker()
        for offset in Int64(0)..<5 { tracker.delivered(p0, offset: offset) }
        #expect(tracker.processed(p0, offset: 3) == nil)
        #expect(tracker.commitPoint(p0) == nil)
        #expect(tracker.processed(p0, offset: 1) == nil)
        #expect(tracker.processed(p0, offset: 0) == 2)
        #expect(tracker.processed(p0, offset: 2) == 4)
        #expect(tracker.inFlightCount == 1)
        #expect(tracker.processed(p0, offset: 4) == 5)
    }

    @Test func partitionsAreIndependent() {
        var tracker = PartitionOffsetTracker()
        tracker.delivered(p0, offset: 0)
        tracker.delivered(p1, offset: 7)
        #expect(tracker.processed(p1, offset: 7) == 8)
        #expect(tracker.commitPoint(p0) == nil)
        #expect(tracker.commitPoints == [p1: 8])
    }

    @Test func unknownOrRepeatedMarksChangeNothing() {
        var tracker = PartitionOffsetTracker()
        tracker.delivered(p0, offset: 0)
        #expect(tracker.processed(p0, offset: 5) == nil)
        #expect(tracker.processed(p1, offset: 0) == nil)
        #expect(tracker.processed(p0, offset: 0) == 1)
        #expect(tracker.processed(p0, offset: 0) == nil)
        #expect(tracker.commitPoint(p0) == 1)
    }

    @Test func rewindStartsThePartitionOver() {
        var tracker = PartitionOffsetTracker()
        tracker.delivered(p0, offset: 5)
        tracker.delivered(p0, offset: 6)
        #expect(tracker.processed(p0, offset: 5) == 6)
        // Re-delivery from an earlier offset (after a seek or re-assignment).
        tracker.delivered(p0, offset: 2)
        #expect(tracker.inFlightCount == 1)
        #expect(tracker.processed(p0, offset: 6) == nil)
        #expect(tracker.processed(p0, offset: 2) == 3)
    }

    @Test func removedPartitionsAreForgotten() {
        var tracker = PartitionOffsetTracker()
        tracker.delivered(p0, offset: 0)
        tracker.remove([p0])
        #expect(tracker.processed(p0, offset: 0) == nil)
        #expect(tracker.inFlightCount == 0)
    }
}
