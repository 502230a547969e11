import COpenBLAS

/// Row-major single-precision matrix products and the thread count, over OpenBLAS: the one place in
/// ShopLook that calls it (the index's k-means, PCA and exact distances, the vision module's projection, the
/// executables' thread setting).
///
/// Shapes are given as rows × columns of the stored (untransposed) arrays; `ld*` is the distance between
/// rows in elements (the column count of a packed array).
public enum BLAS {
    /// C (m × n, ldc) = alpha · A · Bᵀ + beta · C, with A m × k (lda) and B n × k (ldb).
    public static func gemmABt(
        m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        gemm(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// y (m) = A · x, with A m × n (lda) and x n long: one query against many rows. For one or a few
    /// queries this is several times faster than ``gemmABt(m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` with a
    /// one-row A, which packs all of B on every call. Nothing happens when A is empty.
    public static func gemv(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        if m == 0 { return }
        cblas_sgemv(CblasRowMajor, CblasNoTrans, blasint(m), blasint(n), 1, a, blasint(lda), x, 1, 0, y, 1)
    }

    /// C (m × n, ldc) = alpha · Aᵀ · B + beta · C, with A k × m (lda) and B k × n (ldb).
    public static func gemmAtB(
        m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        gemm(transposeA: true, transposeB: false, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// C (m × n, ldc) = A · B, with A m × k (lda) and B k × n (ldb).
    public static func gemmAB(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb, beta: 0, c: c, ldc: ldc)
    }

    /// C (m × n, ldc) = alpha · op(A) · op(B) + beta · C, where op transposes when asked: op(A) is m × k and
    /// op(B) is k × n. Nothing happens when C is empty.
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// OpenBLAS's thread count for later calls (process-wide; OpenBLAS has no per-call setting). The stage
    /// executables set 1: their processors are the parallelism, and OpenBLAS's own pool would spin in
    /// `sched_yield` between them.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }
}
