import CShopLookSIMD

/// Keeps the k best (smallest-distance) entries of a stream: a reservoir of
/// capacity max(4k, 64) that is cut back to the k best with quickselect when full,
/// so accepting a candidate costs amortised O(1) instead of a heap's O(log k).
/// Ties on the distance are broken by the smaller label; the result equals the k
/// best (distance, label) pairs of everything pushed.
///
/// Storage: `distances` and `labels`, size capacity; after `sortInPlace()` the first
/// m (≤ k) entries are the result, best first. Not thread-safe: one per query /
/// thread; allocated once and reused (`reset`) so that searching does not allocate
/// per query.
public final class TopKHeap {
    public private(set) var k: Int
    private var capacity: Int
    var state: sl_topk

    public init(k: Int) {
        self.k = k
        capacity = max(4 * k, 64)
        state = sl_topk(D: .allocate(capacity: capacity), L: .allocate(capacity: capacity),
                        k: k, cap: capacity, n: 0, thrD: .infinity, thrL: .max)
        sl_topk_reset(&state)
    }

    deinit {
        state.D.deallocate()
        state.L.deallocate()
    }

    /// Distances, size capacity (first m meaningful after `sortInPlace`).
    public var distances: UnsafeMutablePointer<Float> { state.D }
    /// Labels, size capacity (first m meaningful after `sortInPlace`).
    public var labels: UnsafeMutablePointer<Int64> { state.L }

    /// Empties the heap, possibly with a new k.
    public func reset(k newK: Int? = nil) {
        if let newK, newK != k {
            if max(4 * newK, 64) > capacity {
                state.D.deallocate()
                state.L.deallocate()
                capacity = max(4 * newK, 64)
                state.D = .allocate(capacity: capacity)
                state.L = .allocate(capacity: capacity)
            }
            k = newK
            state.k = newK
            state.cap = capacity
        }
        sl_topk_reset(&state)
    }

    /// A distance must be below this (or equal with a smaller label) to be kept;
    /// +inf until the reservoir first fills.
    public var threshold: Float { state.thrD }

    /// Offers (distance, label); returns true if it was accepted for now.
    @discardableResult @inline(__always)
    public func push(_ distance: Float, _ label: Int64) -> Bool {
        sl_topk_push(&state, distance, label) != 0
    }

    /// Pointer to the C state for the scan kernels.
    @inline(__always) func withState<R>(_ body: (UnsafeMutablePointer<sl_topk>) -> R) -> R {
        body(&state)
    }

    /// Keeps the k best, sorts them best first and returns how many there are.
    /// The heap must be `reset` before it is pushed to again.
    public func sortInPlace() -> Int { sl_topk_finish(&state) }

    /// Sorted (distance, label) pairs, best first; empties the heap.
    public func drainSorted() -> [(distance: Float, label: Int64)] {
        let n = sortInPlace()
        let out = (0..<n).map { (state.D[$0], state.L[$0]) }
        reset()
        return out
    }
}
