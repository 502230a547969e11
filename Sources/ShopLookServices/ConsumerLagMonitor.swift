import Logging
import Metrics
import ServiceLifecycle
import ShopLookCore
import ShopLookKafka
import Synchronization

/// Exports a consumer-lag gauge (`shoplook_stage_consumer_lag{stage, topic, partition}` for the stage workers):
/// for each input partition this process owns, the records not yet committed (high watermark − committed
/// offset), refreshed every `interval`.
///
/// The offsets are read through a ``KafkaGroupInspector`` (a client outside the group), the owned partitions
/// from the worker's consumer once it exists; a partition given up in a rebalance loses its gauge, so the
/// group's total lag is the sum over its members.
public final class ConsumerLagMonitor: Service, Sendable {
    private let label: String
    private let dimensions: [(String, String)]
    private let topic: String
    private let inspector: KafkaGroupInspector
    private let interval: Duration
    private let logger: Logger
    private let consumer = Mutex<KafkaConsumer?>(nil)
    private let gauges = Mutex<[Int32: Gauge]>([:])

    /// - Parameters:
    ///   - label: the gauge's name; `dimensions` are added to its `topic` and `partition` labels.
    public init(
        label: String = "shoplook_stage_consumer_lag", dimensions: [(String, String)], topic: String, inspector: KafkaGroupInspector,
        interval: Duration, logger: Logger
    ) {
        self.label = label
        self.dimensions = dimensions
        self.topic = topic
        self.inspector = inspector
        self.interval = interval
        self.logger = logger
    }

    /// Starts reporting the partitions `consumer` owns (the worker calls this once it has subscribed).
    public func observe(_ consumer: KafkaConsumer) {
        self.consumer.withLock { $0 = consumer }
    }

    public func run() async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await refresh()
            // Wait for the next refresh, or less if shutdown begins.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
        gauges.withLock { gauges in
            for gauge in gauges.values { gauge.destroy() }
            gauges.removeAll()
        }
    }

    private func refresh() async {
        guard let owned = consumer.withLock({ $0?.assignment }) else { return }
        let lags: [PartitionLag]
        do {
            lags = try await inspector.lag(topic: topic, timeout: interval)
        } catch {
            logger.warning("consumer lag not refreshed", metadata: ["topic": "\(topic)", "error": "\(error)"])
            return
        }
        gauges.withLock { gauges in
            for lag in lags where owned.contains(lag.partition) {
                let partition = lag.partition.partition
                let gauge = gauges[partition] ?? Gauge(
                    label: label, dimensions: dimensions + [("topic", topic), ("partition", String(partition))])
                gauge.record(lag.lag)
                gauges[partition] = gauge
            }
            for partition in gauges.keys where !owned.contains(KafkaTopicPartition(topic: topic, partition: partition)) {
                gauges.removeValue(forKey: partition)?.destroy()
            }
        }
    }
}
