import Metrics

/// The stage's counters and latency histograms (swift-metrics; exported by whatever backend the process
/// bootstraps, Prometheus in the workers), all labelled `stage`.
struct StageMetrics: Sendable {
    let processed: Counter
    let forwarded: Counter
    let finished: Counter
    let deadLettered: Counter
    /// Dead letters neither the dead-letter topic nor PostgreSQL took (logged with the source offset).
    let deadLetterFailures: Counter
    let failed: Counter
    let retries: Counter
    let batchLatency: Timer
    /// Per message: from the start of its batch's handling until it is marked processed (decode, process,
    /// produce, dead-letter), so the histogram's count is the messages handled.
    let messageLatency: Timer

    init(stage: String) {
        let dimensions = [("stage", stage)]
        processed = Counter(label: "shoplook_stage_messages_processed_total", dimensions: dimensions)
        forwarded = Counter(label: "shoplook_stage_messages_forwarded_total", dimensions: dimensions)
        finished = Counter(label: "shoplook_stage_messages_finished_total", dimensions: dimensions)
        deadLettered = Counter(label: "shoplook_stage_messages_dead_lettered_total", dimensions: dimensions)
        deadLetterFailures = Counter(label: "shoplook_stage_dead_letter_failures_total", dimensions: dimensions)
        failed = Counter(label: "shoplook_stage_messages_failed_total", dimensions: dimensions)
        retries = Counter(label: "shoplook_stage_retries_total", dimensions: dimensions)
        batchLatency = Timer(label: "shoplook_stage_batch_duration_seconds", dimensions: dimensions)
        messageLatency = Timer(label: "shoplook_stage_message_duration_seconds", dimensions: dimensions)
    }
}
