import Metrics
import Synchronization

/// The searcher's metrics (swift-metrics; Prometheus in the process): search latency per shard and per request,
/// vectors per shard, snapshot age, replay lag (records of `embedded` not yet applied), records applied.
final class SearcherMetrics: Sendable {
    private let timers = Mutex<[Int: Timer]>([:])
    private let vectorGauges = Mutex<[Int: Gauge]>([:])
    private let snapshotGauges = Mutex<[Int: Gauge]>([:])
    private let lagGauges = Mutex<[Int: Gauge]>([:])
    let applied = Counter(label: "shoplook_searcher_records_applied_total")
    let invalid = Counter(label: "shoplook_searcher_records_invalid_total")
    let requests = Counter(label: "shoplook_searcher_requests_total")
    /// One `POST /v1/search` from its body read to its answer encoded: what an owner adds to a search's latency
    /// besides the network and HTTP framing.
    let requestDuration = Timer(label: "shoplook_searcher_request_duration_seconds")

    func searchDuration(_ shard: Int) -> Timer {
        Self.metric(shard, in: timers) { Timer(label: "shoplook_searcher_search_duration_seconds", dimensions: [("shard", String($0))]) }
    }

    func vectors(_ shard: Int) -> Gauge {
        Self.metric(shard, in: vectorGauges) { Gauge(label: "shoplook_searcher_vectors", dimensions: [("shard", String($0))]) }
    }

    func snapshotAge(_ shard: Int) -> Gauge {
        Self.metric(shard, in: snapshotGauges) { Gauge(label: "shoplook_searcher_snapshot_age_seconds", dimensions: [("shard", String($0))]) }
    }

    func replayLag(_ shard: Int) -> Gauge {
        Self.metric(shard, in: lagGauges) { Gauge(label: "shoplook_searcher_replay_lag", dimensions: [("shard", String($0))]) }
    }

    /// Drops the gauges of a shard given up.
    func forget(_ shard: Int) {
        vectorGauges.withLock { $0.removeValue(forKey: shard)?.destroy() }
        snapshotGauges.withLock { $0.removeValue(forKey: shard)?.destroy() }
        lagGauges.withLock { $0.removeValue(forKey: shard)?.destroy() }
    }

    private static func metric<M: Sendable>(_ shard: Int, in table: borrowing Mutex<[Int: M]>, make: (Int) -> M) -> M {
        table.withLock { table in
            if let existing = table[shard] { return existing }
            let made = make(shard)
            table[shard] = made
            return made
        }
    }
}
