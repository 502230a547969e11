// SIMD kernels for ShopLookIndex (simd.c) and ShopLookImaging (resample.c), and SHA-256's block compression with
// the x86 SHA extensions for ShopLookCore (sha256.c).
//
// Every kernel has a portable scalar version and, where it pays, AVX2 (+FMA,
// F16C) and AVX-512BW versions compiled with function-level target attributes.
// The level is chosen once at load time with __builtin_cpu_supports and can be
// lowered with the environment variable SHOPLOOK_SIMD=scalar|avx2|avx512.
// No global -m flags are needed, so the package builds for any x86_64 (and the
// scalar code builds everywhere else).
#ifndef SHOPLOOK_SIMD_H
#define SHOPLOOK_SIMD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// SIMD levels.
enum {
    SL_SIMD_SCALAR = 0,
    SL_SIMD_AVX2 = 1,   // AVX2 + FMA + F16C
    SL_SIMD_AVX512 = 2  // AVX-512F + AVX-512BW (+ AVX2 level)
};

/// The level used by the dispatched kernels.
int sl_simd_level(void);
/// The best level this CPU supports (ignores SHOPLOOK_SIMD).
int sl_simd_max_supported(void);

// ---- image resampling (resample.c) ----
/// Bilinear resampling of 8-bit RGB pixels with half-pixel centres (sample positions clamped to the source):
/// `src` points at the first pixel of a `width` × `height` region whose rows are `stride` bytes apart; `dst`
/// receives `dw` × `dh` packed RGB pixels. Separable: each output row blends its two source rows, then each
/// pixel its two columns. Returns 0, or -1 for a non-positive size or when scratch memory cannot be had.
int sl_resize_bilinear_rgb8(const uint8_t *src, size_t stride, int width, int height, uint8_t *dst, int dw, int dh);
/// Box-filter (area) resampling of 8-bit RGB pixels with precomputed taps: output row `dy` sums `ycount[dy]`
/// source rows from `ystart[dy]` (rows `stride` bytes apart from `src`, the region's first pixel) with weights
/// `yweights[dy * ytaps ...]`; output pixel `dx` sums `xcount[dx]` pixels from `xstart[dx]` (pixels within the
/// region's `width`) with weights `xweights[dx * xtaps ...]`. Returns 0, or -1 for bad sizes or no memory.
int sl_resize_area_rgb8(const uint8_t *src, size_t stride, int width, const int32_t *ystart, const int32_t *ycount,
                        const float *yweights, int ytaps, const int32_t *xstart, const int32_t *xcount, const float *xweights,
                        int xtaps, uint8_t *dst, int dw, int dh);

// ---- vector distances (dimension d) ----
float sl_l2sqr(const float *a, const float *b, size_t d);
float sl_inner(const float *a, const float *b, size_t d);
/// ||q - x||^2 where x is stored as IEEE binary16 bits.
float sl_l2sqr_f16(const float *q, const uint16_t *x, size_t d);
/// <q, x> where x is stored as IEEE binary16 bits.
float sl_inner_f16(const float *q, const uint16_t *x, size_t d);
/// Exact distances ("smaller is better": ||q-x||^2, or -<q,x> when ip) from q to n
/// stored vectors (storage 1: binary16, 2: float32), prefetching them all first.
void sl_rerank(const float *q, size_t d, const void *const *vecs, size_t n, int storage, int ip, float *out);
/// Prefetches the n vectors of `bytes` bytes each into the caches (re-ranking candidates,
/// ahead of use).
void sl_prefetch_vectors(const void *const *vecs, size_t n, size_t bytes);
/// Round-to-nearest-even float -> binary16 conversion of n values.
void sl_f32_to_f16(const float *src, uint16_t *dst, size_t n);
void sl_f16_to_f32(const uint16_t *src, float *dst, size_t n);
/// out[i] = ||x_i||^2 for n rows of dimension d (row-major).
void sl_norms_l2sqr(const float *x, size_t n, size_t d, float *out);

// ---- bounded max-heap of (distance, label), always holding k entries ----
// Entry (d, l) is "worse" than (d2, l2) when d > d2, or d == d2 and l > l2.
// Empty slots hold (+inf, INT64_MAX).
void sl_heap_init(float *D, int64_t *L, size_t k);
/// Replace the worst entry by (d, l) if (d, l) is better; returns 1 if it was.
int sl_heap_push(float *D, int64_t *L, size_t k, float d, int64_t l);
/// Sorts a heap in place, best first; returns the number of non-empty entries.
size_t sl_heap_sort(float *D, int64_t *L, size_t k);
/// Top-k reservoir (amortised O(1) per accepted candidate): D and L have `cap`
/// entries (cap >= 2k); accepted candidates are appended and, when the buffer is
/// full, the k best (lexicographic (distance, label)) are selected in place and the
/// k-th becomes the acceptance threshold (thrD, thrL). The final result equals the
/// k best of everything offered.
typedef struct sl_topk {
    float *D;
    int64_t *L;
    size_t k, cap, n;
    float thrD;
    int64_t thrL;
} sl_topk;
void sl_topk_reset(sl_topk *t);
/// Offers (d, l); returns 1 if it was accepted into the buffer.
int sl_topk_push(sl_topk *t, float d, int64_t l);
/// Keeps the k best, sorts them ascending into D/L[0..<m] and returns m <= k.
/// Call sl_topk_reset before reusing.
size_t sl_topk_finish(sl_topk *t);

/// Pushes (v[i], labelBase + i) for i in 0..<n; returns the number of updates.
size_t sl_heap_push_array(float *D, int64_t *L, size_t k, const float *v, size_t n, int64_t labelBase);
/// Pick the k smallest of v[0..n) (labels are indices), sorted ascending.
void sl_select_smallest(const float *v, size_t n, size_t k, float *outD, int64_t *outI);

// ---- PQ tables ----
/// out[m*ksub + c] = scale * <q_m, centroid(m, c)>, with centroidsT of size M * dsub * ksub,
/// layout (M, dsub, ksub) (each sub-quantizer's codebook transposed).
void sl_pq_ip_table(const float *q, const float *centroidsT, size_t M, size_t ksub, size_t dsub, float scale,
                    float *out);

// ---- k-means / encoding helpers ----
/// For each row i of dots (n x k, row-major, leading dimension k):
/// outIdx[i] = argmin_j (cnorms[j] - 2 * dots[i*k+j]); outVal[i] = that minimum.
void sl_argmin_l2(const float *dots, size_t n, size_t k, const float *cnorms,
                  int32_t *outIdx, float *outVal);

/// Same result as computing dots with sgemm then sl_argmin_l2, without BLAS, for small
/// dimensions (d <= 64): x has n rows of stride ldx (first d used); cT is the
/// transposed centroid matrix, size d * k, layout (d, k).
void sl_argmin_l2_small(const float *x, size_t n, size_t ldx, size_t d, const float *cT, const float *cnorms,
                        size_t k, int32_t *outIdx, float *outVal);

// ---- 8-bit PQ scan (codes n x M bytes, lut M x 256 floats) ----
/// Computes bias + sum_m lut[m*256 + code[m]] for each code and offers
/// (dist, labelBase + i) to topk. Returns the number of accepted candidates.
size_t sl_pq8_scan_heap(const uint8_t *codes, size_t n, size_t M, const float *lut, float bias,
                        int64_t labelBase, sl_topk *topk);
/// Plain distances (no heap): out[i] = bias + sum_m lut[m*256 + codes[i*M+m]].
void sl_pq8_distances(const uint8_t *codes, size_t n, size_t M, const float *lut, float bias,
                      float *out);

// ---- 4-bit fast-scan PQ ----
// Block layout (32 vectors per block, M2 = M rounded up to even):
//   block b occupies M2 * 16 bytes at b * M2 * 16;
//   for sub-quantizer m, 16 bytes at m * 16; byte i (0..15) holds
//   code(vector i, m) in its low nibble and code(vector i + 16, m) in its high nibble.
// Quantised LUT layout: M2 x 16 uint8 (qlut[m*16 + c]); padded sub-quantizers are 0.

/// Quantises the float LUT lut (+ lutAdd when not NULL), both M x 16, to uint8 (M2 x 16).
/// scratch must hold M * 16 floats when lutAdd is not NULL.
/// approx distance = *outBias + (sum_m qlut[m][code_m]) / *outScale.
void sl_fs4_quantize_lut(const float *lut, const float *lutAdd, size_t M, size_t M2, float extraBias,
                         float *scratch, uint8_t *qlut, float *outBias, float *outScale);
/// Scans n vectors in block layout and offers (bias + acc/scale, labelBase + i)
/// to topk. Returns the number of accepted candidates.
size_t sl_fs4_scan_heap(const uint8_t *blocks, size_t n, size_t M2, const uint8_t *qlut,
                        float bias, float scale, int64_t labelBase, sl_topk *topk);
/// Accumulated uint16 distances of the 32 vectors of one block with a given
/// SIMD level (for tests); returns 0 if the level is not supported.
int sl_fs4_block_accumulate(int level, const uint8_t *block, size_t M2, const uint8_t *qlut,
                            uint16_t out[32]);
/// Packs n codes (one 4-bit code per byte, n x M, row-major) into block layout.
/// `blocks` must hold ceil(n/32) * M2 * 16 bytes and is fully written.
void sl_fs4_pack(const uint8_t *codes, size_t n, size_t M, size_t M2, uint8_t *blocks);
uint8_t sl_fs4_get(const uint8_t *blocks, size_t M2, size_t i, size_t m);
void sl_fs4_set(uint8_t *blocks, size_t M2, size_t i, size_t m, uint8_t v);

// ---- checksums ----
/// CRC-32C (Castagnoli), hardware accelerated with SSE4.2 when available.
uint32_t sl_crc32c(uint32_t crc, const void *data, size_t n);

// ---- LAPACK (from OpenBLAS) ----
void ssyev_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
            float *w, float *work, const int *lwork, int *info);

// ---------------------------------------------------------------------------
// SHA-256 block compression with the x86 SHA extensions (sha256.c)
// ---------------------------------------------------------------------------

/// 1 when this CPU has the SHA extensions (and SSSE3, SSE4.1) that sl_sha256_compress uses, else 0; 0 also when
/// SHOPLOOK_SIMD=scalar.
int sl_sha256_available(void);

/// The 64 round constants of FIPS 180-4 §4.2.2 (K0…K63).
const uint32_t *sl_sha256_round_constants(void);

/// Compresses `blocks` consecutive 64-byte blocks at `data` into `state` (the eight working values h0…h7 of
/// FIPS 180-4), as the portable compression function does. Only call it when sl_sha256_available() is 1.
void sl_sha256_compress(uint32_t state[8], const uint8_t *data, size_t blocks);

#ifdef __cplusplus
}
#endif
#endif
