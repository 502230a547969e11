import ShopLookCore
import Testing

@Suite("Topics")
struct TopicsTests {
    @Test("default names")
    func names() {
        let topics = ShopLookTopics()
        #expect(topics.newImage == "new-image")
        #expect(topics.poseFiltered == "pose-filtered")
        #expect(topics.croppedArticles == "cropped-articles")
        #expect(topics.embedded == "embedded")
        #expect(topics.queryJobs == "query-jobs")
        #expect(topics.queryDeadLetter == "dead-letter.query")
        #expect(topics.queryConsumerGroup == "shoplook-query-worker")
        #expect(PipelineStage.allCases.map(topics.deadLetter(for:)) == ["dead-letter.pose", "dead-letter.detect", "dead-letter.embed"])
        #expect(PipelineStage.allCases.map(topics.input(for:)) == ["new-image", "pose-filtered", "cropped-articles"])
        #expect(PipelineStage.allCases.map(topics.output(for:)) == ["pose-filtered", "cropped-articles", "embedded"])
    }

    @Test("the prefix applies to every name")
    func prefix() {
        let topics = ShopLookTopics(prefix: "staging.")
        #expect(topics.newImage == "staging.new-image")
        #expect(topics.deadLetter(for: .embed) == "staging.dead-letter.embed")
        #expect(topics.queryJobs == "staging.query-jobs")
        #expect(topics.all().allSatisfy { $0.name.hasPrefix("staging.") })
        #expect(topics.all().map(\.name) == ShopLookTopics.defaultPartitions.map { "staging." + $0.name })
    }

    @Test("partition counts")
    func partitions() {
        let expected: [String: Int] = [
            "new-image": 6, "pose-filtered": 6, "cropped-articles": 6, "embedded": 8,
            "dead-letter.pose": 1, "dead-letter.detect": 1, "dead-letter.embed": 1, "query-jobs": 3,
            "dead-letter.query": 1,
        ]
        let all = ShopLookTopics().all()
        #expect(all.count == expected.count)
        #expect(Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.partitions) }) == expected)
        #expect(ShopLookTopics.searchShardCount == 8)
        // Every named accessor appears in the list.
        let topics = ShopLookTopics(prefix: "p-")
        let names = Set(topics.all().map(\.name))
        let accessors = [topics.newImage, topics.poseFiltered, topics.croppedArticles, topics.embedded, topics.queryJobs, topics.queryDeadLetter]
            + PipelineStage.allCases.map(topics.deadLetter(for:))
        #expect(Set(accessors) == names)
    }
}
