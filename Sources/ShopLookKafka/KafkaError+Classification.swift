import ShopLookCore

extension KafkaError: ClassifiedError {
    /// ``isRetriable`` as the retry policy of the stage runtime reads it.
    public var classification: FailureClassification { isRetriable ? .transient : .permanent }
}
