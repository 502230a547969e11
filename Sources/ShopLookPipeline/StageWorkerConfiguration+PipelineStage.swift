import ShopLookCore
import ShopLookKafka
import ShopLookStreaming

extension StageWorkerConfiguration {
    /// The configuration of a catalog stage: it consumes the stage's input topic, produces to its output topic
    /// and dead-letters to `dead-letter.<stage>`.
    public init(stage: PipelineStage, topics: ShopLookTopics, consumer: KafkaConsumerConfiguration) {
        self.init(
            name: stage.rawValue, inputTopic: topics.input(for: stage), outputTopics: [topics.output(for: stage)],
            deadLetterTopic: topics.deadLetter(for: stage), consumer: consumer)
    }
}
