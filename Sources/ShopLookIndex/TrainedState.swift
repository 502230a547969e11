import ShopLookBLAS
import CShopLookSIMD

/// How vectors are transformed before the coarse quantizer and PQ.
public enum TransformKind: Sendable, Equatable {
    case none
    /// PCA to outputDimension (centred for L2), optionally followed by a random rotation.
    case pca(outputDimension: Int, randomRotation: Bool)
}

/// The exact copy of each vector kept for re-ranking.
public enum VectorStorage: UInt32, Sendable, Equatable, CaseIterable {
    case none = 0
    case float16 = 1
    case float32 = 2

    /// Bytes per component.
    public var componentBytes: Int {
        switch self {
        case .none: return 0
        case .float16: return 2
        case .float32: return 4
        }
    }
}

/// Everything an IVF-PQ index learns in `train`; immutable afterwards and shared
/// by all searches.
final class TrainedState: Sendable {
    let metric: Metric
    let transform: PCATransform?
    let coarse: CoarseQuantizer
    let pq: ProductQuantizer
    /// L2 only: size nlist * m * ksub, layout (nlist, m, ksub):
    /// ‖r_jk‖² + 2⟨c_l,j, r_jk⟩ (empty for inner-product metrics)
    let precomputed: [Float]

    init(metric: Metric, transform: PCATransform?, coarse: CoarseQuantizer, pq: ProductQuantizer) {
        self.metric = metric
        self.transform = transform
        self.coarse = coarse
        self.pq = pq
        if metric.usesInnerProduct {
            precomputed = []
            return
        }
        let nlist = coarse.nlist, m = pq.m, ksub = pq.ksub, dsub = pq.dsub, dt = coarse.dimension
        var pre = [Float](repeating: 0, count: nlist * m * ksub)
        coarse.centroids.withUnsafeBufferPointer { cp in
            pq.centroids.withUnsafeBufferPointer { pp in
                pre.withUnsafeMutableBufferPointer { out in
                    for j in 0..<m {
                        BLAS.gemmABt(m: nlist, n: ksub, k: dsub, alpha: 2, a: cp.baseAddress! + j * dsub, lda: dt,
                                     b: pp.baseAddress! + j * ksub * dsub, ldb: dsub,
                                     c: out.baseAddress! + j * ksub, ldc: m * ksub)
                    }
                }
            }
        }
        let norms = pq.centroidNorms
        for l in 0..<nlist {
            for i in 0..<(m * ksub) { pre[l * m * ksub + i] += norms[i] }
        }
        precomputed = pre
    }

    /// Working dimension (after the transform).
    var workingDimension: Int { coarse.dimension }
}
