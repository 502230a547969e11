import CShopLookSIMD

/// Scans inverted lists for one query at a time (Faiss's set_query / set_list / scan_codes).
///
/// Distances are residual PQ distances, "smaller is better":
/// - L2:  d = ‖q − c‖² + Σ_j term2[l][j][code_j] − 2 Σ_j ⟨q_j, r_j,code⟩
///        where term2[l][j][k] = ‖r_jk‖² + 2⟨c_l,j, r_jk⟩ is precomputed per list
///        (Faiss's `use_precomputed_table`), so a list's table is one vector add.
/// - IP:  d = −⟨q, c⟩ − Σ_j ⟨q_j, r_j,code⟩; the table does not depend on the list.
/// For 4-bit fast-scan codes the float table is quantised to uint8 (per list for
/// L2, once per query for IP) and scanned 32 codes at a time.
///
/// One scanner per thread; it owns all of its buffers so that searching does
/// not allocate per query.
final class InvertedListScanner {
    let state: TrainedState
    let heap: TopKHeap
    private let m: Int
    private let ksub: Int
    private let paddedM: Int
    private let fastScan: Bool
    private let ip: Bool
    /// size m * ksub: −2⟨q_j, r_jk⟩ (L2) or −⟨q_j, r_jk⟩ (IP)
    private let queryTable: UnsafeMutablePointer<Float>
    /// size m * ksub: the current list's float table (8-bit L2)
    private let listTable: UnsafeMutablePointer<Float>
    /// size paddedM * 16, 64-byte aligned: quantised table (fast-scan)
    private let qTable: UnsafeMutablePointer<UInt8>
    private var qBias: Float = 0
    private var qScale: Float = 1
    private var listBias: Float = 0
    private var currentTable: UnsafePointer<Float>

    init(state: TrainedState, k: Int) {
        self.state = state
        heap = TopKHeap(k: k)
        m = state.pq.m
        ksub = state.pq.ksub
        paddedM = FastScanCodes.paddedM(m)
        fastScan = state.pq.nbits == 4
        ip = state.metric.usesInnerProduct
        queryTable = .allocate(capacity: m * ksub)
        listTable = .allocate(capacity: m * ksub)
        qTable = UnsafeMutableRawPointer.allocate(byteCount: max(paddedM * 16, 64), alignment: 64)
            .bindMemory(to: UInt8.self, capacity: max(paddedM * 16, 64))
        currentTable = UnsafePointer(queryTable)
    }

    deinit {
        queryTable.deallocate()
        listTable.deallocate()
        qTable.deallocate()
    }

    /// q: the (transformed) query, size pq.dimension.
    func setQuery(_ q: UnsafePointer<Float>) {
        state.pq.innerProductTable(query: q, scale: ip ? -1 : -2, into: queryTable)
        if fastScan && ip {
            sl_fs4_quantize_lut(queryTable, nil, m, paddedM, 0, listTable, qTable, &qBias, &qScale)
        }
    }

    /// Prepares the table of list l; coarseDistance = ‖q − c_l‖² (L2) or −⟨q, c_l⟩ (IP).
    func setList(_ l: Int, coarseDistance: Float) {
        if ip {
            listBias = coarseDistance + (fastScan ? qBias : 0)
            currentTable = UnsafePointer(queryTable)
            return
        }
        state.precomputed.withUnsafeBufferPointer { pre in
            let t2 = pre.baseAddress! + l * m * ksub
            if fastScan {
                var b: Float = 0
                sl_fs4_quantize_lut(t2, queryTable, m, paddedM, coarseDistance, listTable, qTable, &b, &qScale)
                listBias = b
            } else {
                let n = m * ksub
                for i in 0..<n { listTable[i] = t2[i] + queryTable[i] }
                listBias = coarseDistance
                currentTable = UnsafePointer(listTable)
            }
        }
    }

    /// Scans n entries of the current list; labels are labelBase + i. Returns heap updates.
    @inline(__always)
    func scanCodes(count n: Int, codes: UnsafeRawPointer, labelBase: Int64) -> Int {
        if fastScan {
            return heap.withState {
                sl_fs4_scan_heap(codes.assumingMemoryBound(to: UInt8.self), n, paddedM, qTable, listBias, qScale,
                                 labelBase, $0)
            }
        }
        return heap.withState {
            sl_pq8_scan_heap(codes.assumingMemoryBound(to: UInt8.self), n, m, currentTable, listBias, labelBase, $0)
        }
    }
}
