import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookCore

/// The flags every stage executable takes: where the broker, database and blob store are, how the worker
/// batches, and where `/metrics` is served.
public struct StageWorkerOptions: ParsableArguments {
    @OptionGroup public var database: DatabaseOptions
    @OptionGroup public var kafka: KafkaOptions
    @OptionGroup public var blobs: BlobOptions

    @Option(help: "Consumer group (default: the stage's group, shared by every process of the stage).")
    public var group: String?

    @Option(help: "The most inputs processed together.")
    public var maxBatchSize = 16

    @Option(help: ArgumentHelp(
        "Processor instances working on a batch at once, each with its own model sessions and one inference thread "
            + "(default: the machine's cores, at most 8).",
        valueName: "n"))
    public var concurrency: Int?

    @Option(help: "Address /metrics listens on (0.0.0.0 lets a Prometheus on another host scrape it).")
    public var metricsHost = "127.0.0.1"

    @Option(help: "Port of /metrics (default: 9401 pose, 9402 detect, 9403 embed, 9404 query; 0 picks a free port, logged at start).")
    public var metricsPort: Int?

    @Option(help: "Seconds between consumer-lag refreshes.")
    public var lagInterval = 5.0

    @Flag(help: ArgumentHelp(
        "Run under the SCHED_IDLE CPU policy: only on CPU time no normal process wants, so that a query worker on the "
            + "same machine takes the CPU at once (for the catalog stages where looks are answered on the same machine)."))
    public var idlePriority = false

    public init() {}

    public func validate() throws {
        guard (1...1024).contains(maxBatchSize) else { throw ValidationError("--max-batch-size must be 1-1024") }
        if let concurrency, !(1...64).contains(concurrency) { throw ValidationError("--concurrency must be 1-64") }
        if let metricsPort, !(0...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be 0-65535") }
        guard lagInterval > 0 else { throw ValidationError("--lag-interval must be positive") }
    }

    /// `--concurrency`, else the machine's active cores (at most 8).
    public var effectiveConcurrency: Int {
        concurrency ?? min(8, max(1, ProcessInfo.processInfo.activeProcessorCount))
    }

    /// The `/metrics` port: `--metrics-port`, else the role's default.
    public func metricsPort(for role: WorkerRole) -> Int {
        metricsPort ?? role.defaultMetricsPort
    }
}
