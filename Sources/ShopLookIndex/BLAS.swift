import COpenBLAS

/// Thin row-major wrappers over OpenBLAS.
enum BLAS {
    /// C (m x n, ldc) = alpha * A (m x k, lda) * B^T (B is n x k, ldb) + beta * C.
    @inline(__always)
    static func gemmABt(m: Int, n: Int, k: Int, alpha: Float = 1,
                        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(m), blasint(n), blasint(k),
                    alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// C (m x n) = alpha * A^T * B + beta * C, with A (k x m, lda) and B (k x n, ldb).
    @inline(__always)
    static func gemmAtB(m: Int, n: Int, k: Int, alpha: Float = 1,
                        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, blasint(m), blasint(n), blasint(k),
                    alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// C (m x n) = A (m x k) * B (k x n), row-major, packed.
    @inline(__always)
    static func gemmAB(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                       b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(m), blasint(n), blasint(k),
                    1, a, blasint(lda), b, blasint(ldb), 0, c, blasint(ldc))
    }

    /// Number of OpenBLAS threads for subsequent calls (process-wide).
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
}

/// Public knob for the BLAS thread count (process-wide; OpenBLAS has no per-call setting).
public enum ShopLookBLAS {
    public static func setThreadCount(_ n: Int) { BLAS.setThreads(n) }
    public static var threadCount: Int { Int(openblas_get_num_threads()) }
}
