// SIMD kernels for ShopLookIndex. See include/shoplook_simd.h for the contracts.
#include "shoplook_simd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define SL_X86 1
#else
#define SL_X86 0
#endif

// ---------------------------------------------------------------------------
// CPU feature detection
// ---------------------------------------------------------------------------

static int g_level = SL_SIMD_SCALAR;
static int g_max_level = SL_SIMD_SCALAR;
static int g_has_sse42 = 0;
static uint32_t g_crc_table[256];

#if SL_X86
static uint64_t sl_xgetbv0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}
#endif

static void sl_detect(void) {
#if SL_X86
    unsigned a, b, c, d;
    int level = SL_SIMD_SCALAR;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        g_has_sse42 = (c >> 20) & 1;
        int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, f16c = (c >> 29) & 1;
        if (osxsave && avx) {
            uint64_t xcr0 = sl_xgetbv0();
            int ymm_ok = (xcr0 & 0x6) == 0x6;
            int zmm_ok = ymm_ok && ((xcr0 & 0xE0) == 0xE0);
            if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
                int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1, avx512bw = (b >> 30) & 1;
                if (ymm_ok && avx2 && fma && f16c) level = SL_SIMD_AVX2;
                if (level == SL_SIMD_AVX2 && zmm_ok && avx512f && avx512bw) level = SL_SIMD_AVX512;
            }
        }
    }
    g_max_level = level;
    g_level = level;
    const char *env = getenv("SHOPLOOK_SIMD");
    if (env) {
        int want = level;
        if (strcmp(env, "scalar") == 0) want = SL_SIMD_SCALAR;
        else if (strcmp(env, "avx2") == 0) want = SL_SIMD_AVX2;
        else if (strcmp(env, "avx512") == 0) want = SL_SIMD_AVX512;
        if (want < g_level) g_level = want;
    }
#endif
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t crc = i;
        for (int j = 0; j < 8; j++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
        g_crc_table[i] = crc;
    }
}

static int g_detected = 0;
__attribute__((constructor)) static void sl_init(void) {
    sl_detect();
    g_detected = 1;
}

int sl_simd_level(void) { return g_level; }
int sl_simd_max_supported(void) { return g_max_level; }

// ---------------------------------------------------------------------------
// float <-> binary16 (scalar reference)
// ---------------------------------------------------------------------------

static inline uint16_t f32_to_f16_scalar(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t exp = (x >> 23) & 0xffu;
    uint32_t mant = x & 0x7fffffu;
    if (exp == 0xffu) return (uint16_t)(sign | 0x7c00u | (mant ? 0x200u : 0u));
    int32_t e = (int32_t)exp - 127 + 15;
    if (e >= 31) return (uint16_t)(sign | 0x7c00u);
    if (e <= 0) {
        if (e < -10) return (uint16_t)sign;
        mant |= 0x800000u;
        uint32_t shift = (uint32_t)(14 - e);
        uint32_t half = mant >> shift;
        uint32_t rem = mant & ((1u << shift) - 1u);
        uint32_t mid = 1u << (shift - 1u);
        if (rem > mid || (rem == mid && (half & 1u))) half++;
        return (uint16_t)(sign | half);
    }
    uint32_t half = sign | ((uint32_t)e << 10) | (mant >> 13);
    uint32_t rem = mant & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) half++;
    return (uint16_t)half;
}

static inline float f16_to_f32_scalar(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
    uint32_t x;
    if (exp == 0) {
        float v = (float)mant * 5.9604644775390625e-8f;  // 2^-24
        return sign ? -v : v;
    } else if (exp == 31) {
        x = sign | 0x7f800000u | (mant << 13);
    } else {
        x = sign | ((exp - 15u + 127u) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &x, 4);
    return f;
}

// ---------------------------------------------------------------------------
// distances
// ---------------------------------------------------------------------------

static float l2sqr_scalar(const float *a, const float *b, size_t d) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= d; i += 4) {
        float t0 = a[i] - b[i], t1 = a[i + 1] - b[i + 1], t2 = a[i + 2] - b[i + 2], t3 = a[i + 3] - b[i + 3];
        s0 += t0 * t0; s1 += t1 * t1; s2 += t2 * t2; s3 += t3 * t3;
    }
    for (; i < d; i++) { float t = a[i] - b[i]; s0 += t * t; }
    return (s0 + s1) + (s2 + s3);
}

static float inner_scalar(const float *a, const float *b, size_t d) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= d; i += 4) {
        s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3];
    }
    for (; i < d; i++) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

static float l2sqr_f16_scalar(const float *q, const uint16_t *x, size_t d) {
    float s = 0;
    for (size_t i = 0; i < d; i++) { float t = q[i] - f16_to_f32_scalar(x[i]); s += t * t; }
    return s;
}

static float inner_f16_scalar(const float *q, const uint16_t *x, size_t d) {
    float s = 0;
    for (size_t i = 0; i < d; i++) s += q[i] * f16_to_f32_scalar(x[i]);
    return s;
}

#if SL_X86
__attribute__((target("avx2,fma"))) static inline float hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    __m128 s = _mm_add_ps(lo, hi);
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma"))) static float l2sqr_avx2(const float *a, const float *b, size_t d) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= d; i += 16) {
        __m256 t0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        __m256 t1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
        acc0 = _mm256_fmadd_ps(t0, t0, acc0);
        acc1 = _mm256_fmadd_ps(t1, t1, acc1);
    }
    for (; i + 8 <= d; i += 8) {
        __m256 t0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        acc0 = _mm256_fmadd_ps(t0, t0, acc0);
    }
    float s = hsum256(_mm256_add_ps(acc0, acc1));
    for (; i < d; i++) { float t = a[i] - b[i]; s += t * t; }
    return s;
}

__attribute__((target("avx2,fma"))) static float inner_avx2(const float *a, const float *b, size_t d) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= d; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
    }
    for (; i + 8 <= d; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    float s = hsum256(_mm256_add_ps(acc0, acc1));
    for (; i < d; i++) s += a[i] * b[i];
    return s;
}

__attribute__((target("avx2,fma,f16c"))) static float l2sqr_f16_avx2(const float *q, const uint16_t *x, size_t d) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= d; i += 16) {
        __m256 x0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i)));
        __m256 x1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i + 8)));
        __m256 t0 = _mm256_sub_ps(_mm256_loadu_ps(q + i), x0);
        __m256 t1 = _mm256_sub_ps(_mm256_loadu_ps(q + i + 8), x1);
        acc0 = _mm256_fmadd_ps(t0, t0, acc0);
        acc1 = _mm256_fmadd_ps(t1, t1, acc1);
    }
    for (; i + 8 <= d; i += 8) {
        __m256 x0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i)));
        __m256 t0 = _mm256_sub_ps(_mm256_loadu_ps(q + i), x0);
        acc0 = _mm256_fmadd_ps(t0, t0, acc0);
    }
    float s = hsum256(_mm256_add_ps(acc0, acc1));
    for (; i < d; i++) { float t = q[i] - f16_to_f32_scalar(x[i]); s += t * t; }
    return s;
}

__attribute__((target("avx2,fma,f16c"))) static float inner_f16_avx2(const float *q, const uint16_t *x, size_t d) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= d; i += 16) {
        __m256 x0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i)));
        __m256 x1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i + 8)));
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), x0, acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), x1, acc1);
    }
    for (; i + 8 <= d; i += 8) {
        __m256 x0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i)));
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), x0, acc0);
    }
    float s = hsum256(_mm256_add_ps(acc0, acc1));
    for (; i < d; i++) s += q[i] * f16_to_f32_scalar(x[i]);
    return s;
}

__attribute__((target("avx2,f16c"))) static void f32_to_f16_avx2(const float *src, uint16_t *dst, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm_storeu_si128((__m128i *)(dst + i), h);
    }
    for (; i < n; i++) dst[i] = f32_to_f16_scalar(src[i]);
}

__attribute__((target("avx2,f16c"))) static void f16_to_f32_avx2(const uint16_t *src, float *dst, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < n; i++) dst[i] = f16_to_f32_scalar(src[i]);
}
#endif

float sl_l2sqr(const float *a, const float *b, size_t d) {
#if SL_X86
    if (g_level >= SL_SIMD_AVX2) return l2sqr_avx2(a, b, d);
#endif
    return l2sqr_scalar(a, b, d);
}

float sl_inner(const float *a, const float *b, size_t d) {
#if SL_X86
    if (g_level >= SL_SIMD_AVX2) return inner_avx2(a, b, d);
#endif
    return inner_scalar(a, b, d);
}

float sl_l2sqr_f16(const float *q, const uint16_t *x, size_t d) {
#if SL_X86
    if (g_level >= SL_SIMD_AVX2) return l2sqr_f16_avx2(q, x, d);
#endif
    return l2sqr_f16_scalar(q, x, d);
}

float sl_inner_f16(const float *q, const uint16_t *x, size_t d) {
#if SL_X86
    if (g_level >= SL_SIMD_AVX2) return inner_f16_avx2(q, x, d);
#endif
    return inner_f16_scalar(q, x, d);
}

void sl_f32_to_f16(const float *src, uint16_t *dst, size_t n) {
#if SL_X86
    if (g_level >= SL_SIMD_AVX2) { f32_to_f16_avx2(src, dst, n); return; }
#endif
    for (size_t i = 0; i < n; i++) dst[i] = f32_to_f16_scalar(src[i]);
}

void sl_f16_to_f32(const uint16_t *src, float *dst, size_t n) {
#if SL_X86
    if (g_level >= SL_SIMD_AVX2) { f16_to_f32_avx2(src, dst, n); return; }
#endif
    for (size_t i = 0; i < n; i++) dst[i] = f16_to_f32_scalar(src[i]);
}

void sl_norms_l2sqr(const float *x, size_t n, size_t d, float *out) {
    for (size_t i = 0; i < n; i++) out[i] = sl_inner(x + i * d, x + i * d, d);
}

void sl_prefetch_vectors(const void *const *vecs, size_t n, size_t bytes) {
    // Into L2 rather than non-temporal: the lines must survive the next query's list scan.
    for (size_t i = 0; i < n; i++) {
        const char *p = (const char *)vecs[i];
        for (size_t o = 0; o < bytes; o += 64) __builtin_prefetch(p + o, 0, 2);
    }
}

void sl_rerank(const float *q, size_t d, const void *const *vecs, size_t n, int storage, int ip, float *out) {
    // Prefetch every candidate first so that the cache misses overlap.
    sl_prefetch_vectors(vecs, n, d * (storage == 1 ? 2 : 4));
    for (size_t i = 0; i < n; i++) {
        if (storage == 1) {
            const uint16_t *x = (const uint16_t *)vecs[i];
            out[i] = ip ? -sl_inner_f16(q, x, d) : sl_l2sqr_f16(q, x, d);
        } else {
            const float *x = (const float *)vecs[i];
            out[i] = ip ? -sl_inner(q, x, d) : sl_l2sqr(q, x, d);
        }
    }
}

// ---------------------------------------------------------------------------
// heap
// ---------------------------------------------------------------------------

static inline int sl_worse(float d1, int64_t l1, float d2, int64_t l2) {
    return d1 > d2 || (d1 == d2 && l1 > l2);
}

static inline void heap_replace_top(float *D, int64_t *L, size_t k, float d, int64_t l) {
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= k) break;
        size_t c2 = c + 1;
        if (c2 < k && sl_worse(D[c2], L[c2], D[c], L[c])) c = c2;
        if (!sl_worse(D[c], L[c], d, l)) break;
        D[i] = D[c];
        L[i] = L[c];
        i = c;
    }
    D[i] = d;
    L[i] = l;
}

static inline int heap_push(float *D, int64_t *L, size_t k, float d, int64_t l) {
    if (sl_worse(D[0], L[0], d, l)) {
        heap_replace_top(D, L, k, d, l);
        return 1;
    }
    return 0;
}

void sl_heap_init(float *D, int64_t *L, size_t k) {
    for (size_t i = 0; i < k; i++) { D[i] = INFINITY; L[i] = INT64_MAX; }
}

int sl_heap_push(float *D, int64_t *L, size_t k, float d, int64_t l) {
    if (k == 0) return 0;
    return heap_push(D, L, k, d, l);
}

size_t sl_heap_sort(float *D, int64_t *L, size_t k) {
    for (size_t n = k; n > 1; n--) {
        float td = D[0];
        int64_t tl = L[0];
        heap_replace_top(D, L, n - 1, D[n - 1], L[n - 1]);
        D[n - 1] = td;
        L[n - 1] = tl;
    }
    size_t cnt = 0;
    while (cnt < k && L[cnt] != INT64_MAX) cnt++;
    return cnt;
}


// ---------------------------------------------------------------------------
// top-k reservoir: amortised O(1) per accepted candidate
// ---------------------------------------------------------------------------

static inline int lex_less(float d1, int64_t l1, float d2, int64_t l2) {
    return d1 < d2 || (d1 == d2 && l1 < l2);
}

static inline void topk_swap(float *D, int64_t *L, ptrdiff_t a, ptrdiff_t b) {
    float td = D[a]; D[a] = D[b]; D[b] = td;
    int64_t tl = L[a]; L[a] = L[b]; L[b] = tl;
}

// lex_less without branches: selection compares a few dozen candidates of random
// order, where mispredicted branches would dominate its cost.
static inline int lex_less_branchfree(float d1, int64_t l1, float d2, int64_t l2) {
    return (d1 < d2) | ((d1 == d2) & (l1 < l2));
}

// Moves the kth smallest (lexicographic (D, L)) to position kth, smaller ones before it.
// Quickselect with a median-of-three pivot and a branch-free Lomuto partition
// (labels are distinct, so the order is strict and equal keys cannot degrade it).
static void nth_lex(float *D, int64_t *L, ptrdiff_t n, ptrdiff_t kth) {
    ptrdiff_t lo = 0, hi = n - 1;
    while (lo < hi) {
        ptrdiff_t mid = lo + (hi - lo) / 2;
        if (lex_less(D[mid], L[mid], D[lo], L[lo])) topk_swap(D, L, mid, lo);
        if (lex_less(D[hi], L[hi], D[lo], L[lo])) topk_swap(D, L, hi, lo);
        if (lex_less(D[mid], L[mid], D[hi], L[hi])) topk_swap(D, L, hi, mid);
        // D[lo] <= D[hi] <= D[mid]: the median at hi is the pivot.
        float pd = D[hi];
        int64_t pl = L[hi];
        ptrdiff_t store = lo;  // [lo, store) < pivot <= [store, i)
        for (ptrdiff_t i = lo; i < hi; i++) {
            float d = D[i];
            int64_t l = L[i];
            int less = lex_less_branchfree(d, l, pd, pl);
            D[i] = D[store];
            L[i] = L[store];
            D[store] = d;
            L[store] = l;
            store += less;
        }
        topk_swap(D, L, store, hi);
        if (kth == store) return;
        if (kth < store) hi = store - 1;
        else lo = store + 1;
    }
}

static void topk_compact(sl_topk *t) {
    nth_lex(t->D, t->L, (ptrdiff_t)t->n, (ptrdiff_t)t->k - 1);
    t->n = t->k;
    // The kth smallest is at k - 1 and everything before it is smaller.
    t->thrD = t->D[t->k - 1];
    t->thrL = t->L[t->k - 1];
}

static inline int topk_push(sl_topk *t, float d, int64_t l) {
    if (!lex_less(d, l, t->thrD, t->thrL)) return 0;
    t->D[t->n] = d;
    t->L[t->n] = l;
    t->n++;
    if (t->n == t->cap) topk_compact(t);
    return 1;
}

void sl_topk_reset(sl_topk *t) {
    t->n = 0;
    t->thrD = INFINITY;
    t->thrL = INT64_MAX;
}

int sl_topk_push(sl_topk *t, float d, int64_t l) {
    if (t->k == 0) return 0;
    return topk_push(t, d, l);
}

size_t sl_topk_finish(sl_topk *t) {
    if (t->k == 0) return 0;
    if (t->n > t->k) topk_compact(t);
    size_t m = t->n;
    // Insertion sort for small k, otherwise heap sort via the heap helpers.
    if (m <= 32) {
        for (size_t i = 1; i < m; i++) {
            float d = t->D[i];
            int64_t l = t->L[i];
            size_t j = i;
            while (j > 0 && lex_less(d, l, t->D[j - 1], t->L[j - 1])) { t->D[j] = t->D[j - 1]; t->L[j] = t->L[j - 1]; j--; }
            t->D[j] = d;
            t->L[j] = l;
        }
    } else {
        // Build a max-heap in place (all entries are real), then sort ascending.
        for (size_t i = m / 2; i-- > 0;) {
            float d = t->D[i];
            int64_t l = t->L[i];
            size_t c = i;
            for (;;) {
                size_t ch = 2 * c + 1;
                if (ch >= m) break;
                if (ch + 1 < m && sl_worse(t->D[ch + 1], t->L[ch + 1], t->D[ch], t->L[ch])) ch++;
                if (!sl_worse(t->D[ch], t->L[ch], d, l)) break;
                t->D[c] = t->D[ch];
                t->L[c] = t->L[ch];
                c = ch;
            }
            t->D[c] = d;
            t->L[c] = l;
        }
        sl_heap_sort(t->D, t->L, m);
    }
    t->thrD = INFINITY;
    t->thrL = INT64_MAX;
    return m;
}

static inline void select_offer(const float *v, size_t i, size_t k, float *outD, int64_t *outI) {
    float d = v[i];
    if (d < outD[0] || (d == outD[0] && (int64_t)i < outI[0])) heap_replace_top(outD, outI, k, d, (int64_t)i);
}

#if SL_X86
// Compares 8 values at a time with the current k-th best and offers only the lanes that
// may enter (few, once the heap is full), in index order: the same heap as the scalar loop.
__attribute__((target("avx2,fma"))) static void select_smallest_avx2(const float *v, size_t n, size_t k,
                                                                      float *outD, int64_t *outI) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 le = _mm256_cmp_ps(_mm256_loadu_ps(v + i), _mm256_set1_ps(outD[0]), _CMP_LE_OQ);
        unsigned mask = (unsigned)_mm256_movemask_ps(le);
        while (mask) {
            unsigned lane = (unsigned)__builtin_ctz(mask);
            mask &= mask - 1;
            select_offer(v, i + lane, k, outD, outI);
        }
    }
    for (; i < n; i++) select_offer(v, i, k, outD, outI);
}
#endif

void sl_select_smallest(const float *v, size_t n, size_t k, float *outD, int64_t *outI) {
    if (k == 0) return;
    sl_heap_init(outD, outI, k);
#if SL_X86
    if (g_level >= SL_SIMD_AVX2) {
        select_smallest_avx2(v, n, k, outD, outI);
        sl_heap_sort(outD, outI, k);
        return;
    }
#endif
    for (size_t i = 0; i < n; i++) select_offer(v, i, k, outD, outI);
    sl_heap_sort(outD, outI, k);
}

size_t sl_heap_push_array(float *D, int64_t *L, size_t k, const float *v, size_t n, int64_t labelBase) {
    size_t updates = 0;
    if (k == 0) return 0;
    for (size_t i = 0; i < n; i++) {
        float d = v[i];
        if (d <= D[0]) updates += (size_t)heap_push(D, L, k, d, labelBase + (int64_t)i);
    }
    return updates;
}

// ---------------------------------------------------------------------------
// PQ inner-product tables
// ---------------------------------------------------------------------------

static void pq_ip_table_scalar(const float *q, const float *centroidsT, size_t M, size_t ksub, size_t dsub,
                               float scale, float *out) {
    for (size_t m = 0; m < M; m++) {
        const float *qm = q + m * dsub;
        const float *ct = centroidsT + m * dsub * ksub;
        float *o = out + m * ksub;
        for (size_t c = 0; c < ksub; c++) {
            float s = 0;
            for (size_t j = 0; j < dsub; j++) s += qm[j] * ct[j * ksub + c];
            o[c] = scale * s;
        }
    }
}

#if SL_X86
// 16 centroids at a time, accumulated in registers over the sub-vector (one store per
// output instead of a read-modify-write per dimension).
__attribute__((target("avx2,fma"))) static void pq_ip_table_avx2(const float *q, const float *centroidsT, size_t M,
                                                                  size_t ksub, size_t dsub, float scale, float *out) {
    const __m256 vs = _mm256_set1_ps(scale);
    for (size_t m = 0; m < M; m++) {
        const float *qm = q + m * dsub;
        const float *ct = centroidsT + m * dsub * ksub;
        float *o = out + m * ksub;
        for (size_t c = 0; c < ksub; c += 16) {
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
            for (size_t j = 0; j < dsub; j++) {
                __m256 qj = _mm256_broadcast_ss(qm + j);
                a0 = _mm256_fmadd_ps(qj, _mm256_loadu_ps(ct + j * ksub + c), a0);
                a1 = _mm256_fmadd_ps(qj, _mm256_loadu_ps(ct + j * ksub + c + 8), a1);
            }
            _mm256_storeu_ps(o + c, _mm256_mul_ps(a0, vs));
            _mm256_storeu_ps(o + c + 8, _mm256_mul_ps(a1, vs));
        }
    }
}
#endif

void sl_pq_ip_table(const float *q, const float *centroidsT, size_t M, size_t ksub, size_t dsub, float scale,
                    float *out) {
#if SL_X86
    if (g_level >= SL_SIMD_AVX2 && ksub % 16 == 0) { pq_ip_table_avx2(q, centroidsT, M, ksub, dsub, scale, out); return; }
#endif
    pq_ip_table_scalar(q, centroidsT, M, ksub, dsub, scale, out);
}

// ---------------------------------------------------------------------------
// k-means helper
// ---------------------------------------------------------------------------

void sl_argmin_l2(const float *dots, size_t n, size_t k, const float *cnorms, int32_t *outIdx, float *outVal) {
    for (size_t i = 0; i < n; i++) {
        const float *row = dots + i * k;
        float best = INFINITY;
        int32_t bi = 0;
        for (size_t j = 0; j < k; j++) {
            float v = cnorms[j] - 2.0f * row[j];
            if (v < best) { best = v; bi = (int32_t)j; }
        }
        outIdx[i] = bi;
        outVal[i] = best;
    }
}

static void argmin_small_scalar(const float *x, size_t n, size_t ldx, size_t d, const float *cT,
                                const float *cnorms, size_t k, int32_t *outIdx, float *outVal) {
    for (size_t i = 0; i < n; i++) {
        const float *xi = x + i * ldx;
        float best = INFINITY;
        int32_t bi = 0;
        for (size_t j = 0; j < k; j++) {
            float v = cnorms[j];
            for (size_t t = 0; t < d; t++) v -= 2.0f * xi[t] * cT[t * k + j];
            if (v < best) { best = v; bi = (int32_t)j; }
        }
        outIdx[i] = bi;
        outVal[i] = best;
    }
}

#if SL_X86
__attribute__((target("avx2,fma"))) static void argmin_small_avx2(const float *x, size_t n, size_t ldx, size_t d,
                                                                   const float *cT, const float *cnorms, size_t k,
                                                                   int32_t *outIdx, float *outVal) {
    const __m256i step = _mm256_set1_epi32(8);
    for (size_t i = 0; i < n; i++) {
        const float *xi = x + i * ldx;
        float x2[64];
        for (size_t t = 0; t < d; t++) x2[t] = -2.0f * xi[t];
        __m256 bestv = _mm256_set1_ps(INFINITY);
        __m256i besti = _mm256_setzero_si256();
        __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        size_t j = 0;
        for (; j + 8 <= k; j += 8) {
            __m256 acc = _mm256_loadu_ps(cnorms + j);
            for (size_t t = 0; t < d; t++)
                acc = _mm256_fmadd_ps(_mm256_set1_ps(x2[t]), _mm256_loadu_ps(cT + t * k + j), acc);
            __m256 lt = _mm256_cmp_ps(acc, bestv, _CMP_LT_OQ);
            bestv = _mm256_blendv_ps(bestv, acc, lt);
            besti = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(besti), _mm256_castsi256_ps(idx), lt));
            idx = _mm256_add_epi32(idx, step);
        }
        float bv[8];
        int32_t bix[8];
        _mm256_storeu_ps(bv, bestv);
        _mm256_storeu_si256((__m256i *)bix, besti);
        float best = INFINITY;
        int32_t bi = 0;
        for (int l = 0; l < 8; l++) {
            if (bv[l] < best || (bv[l] == best && bix[l] < bi)) { best = bv[l]; bi = bix[l]; }
        }
        for (; j < k; j++) {
            float v = cnorms[j];
            for (size_t t = 0; t < d; t++) v += x2[t] * cT[t * k + j];
            if (v < best) { best = v; bi = (int32_t)j; }
        }
        outIdx[i] = bi;
        outVal[i] = best;
    }
}
#endif

void sl_argmin_l2_small(const float *x, size_t n, size_t ldx, size_t d, const float *cT, const float *cnorms,
                        size_t k, int32_t *outIdx, float *outVal) {
#if SL_X86
    if (g_level >= SL_SIMD_AVX2 && d <= 64) { argmin_small_avx2(x, n, ldx, d, cT, cnorms, k, outIdx, outVal); return; }
#endif
    argmin_small_scalar(x, n, ldx, d, cT, cnorms, k, outIdx, outVal);
}

// ---------------------------------------------------------------------------
// streaming prefetch for the list scans
// ---------------------------------------------------------------------------

// The list scans read codes sequentially, but a list is usually cold when a query
// reaches it and the hardware prefetchers ramp up too slowly for lists of a few
// ten KB: prefetching this far ahead of the read position halves the scan time of a
// cold list (measured on AMD Zen 3).
#define SL_SCAN_PREFETCH_AHEAD 4096

// Prefetches the bytes [pos + SL_SCAN_PREFETCH_AHEAD, + len) that lie before end.
static inline void scan_prefetch(const uint8_t *pos, size_t len, const uint8_t *end) {
    const uint8_t *p = pos + SL_SCAN_PREFETCH_AHEAD;
    if (p >= end) return;
    const uint8_t *stop = p + len < end ? p + len : end;
    for (; p < stop; p += 64) __builtin_prefetch(p, 0, 3);
}

// ---------------------------------------------------------------------------
// 8-bit PQ scan
// ---------------------------------------------------------------------------

static inline float pq8_distance(const uint8_t *c, size_t M, const float *lut, float bias) {
    float s0 = bias, s1 = 0, s2 = 0, s3 = 0;
    size_t m = 0;
    const float *t = lut;
    for (; m + 4 <= M; m += 4, t += 1024) {
        s0 += t[c[m]];
        s1 += t[256 + c[m + 1]];
        s2 += t[512 + c[m + 2]];
        s3 += t[768 + c[m + 3]];
    }
    for (; m < M; m++, t += 256) s0 += t[c[m]];
    return (s0 + s1) + (s2 + s3);
}

size_t sl_pq8_scan_heap(const uint8_t *codes, size_t n, size_t M, const float *lut, float bias,
                        int64_t labelBase, sl_topk *topk) {
    size_t updates = 0;
    size_t i = 0;
    if (topk->k == 0) return 0;
    const uint8_t *end = codes + n * M;
    // Two codes per iteration for more independent load chains.
    for (; i + 2 <= n; i += 2) {
        scan_prefetch(codes + i * M, 2 * M, end);
        float d0 = pq8_distance(codes + i * M, M, lut, bias);
        float d1 = pq8_distance(codes + (i + 1) * M, M, lut, bias);
        if (d0 <= topk->thrD) updates += (size_t)topk_push(topk, d0, labelBase + (int64_t)i);
        if (d1 <= topk->thrD) updates += (size_t)topk_push(topk, d1, labelBase + (int64_t)i + 1);
    }
    for (; i < n; i++) {
        float d0 = pq8_distance(codes + i * M, M, lut, bias);
        if (d0 <= topk->thrD) updates += (size_t)topk_push(topk, d0, labelBase + (int64_t)i);
    }
    return updates;
}

void sl_pq8_distances(const uint8_t *codes, size_t n, size_t M, const float *lut, float bias, float *out) {
    for (size_t i = 0; i < n; i++) out[i] = pq8_distance(codes + i * M, M, lut, bias);
}

// ---------------------------------------------------------------------------
// 4-bit fast-scan PQ
// ---------------------------------------------------------------------------

static void fs4_quantize_scalar(const float *lutIn, const float *lutAdd, size_t M, size_t M2, float extraBias,
                         float *scratch, uint8_t *qlut, float *outBias, float *outScale) {
    const float *lut = lutIn;
    if (lutAdd) {
        for (size_t i = 0; i < M * 16; i++) scratch[i] = lutIn[i] + lutAdd[i];
        lut = scratch;
    }
    float bias = extraBias, maxSpan = 0;
    for (size_t m = 0; m < M; m++) {
        const float *t = lut + m * 16;
        float mn = t[0], mx = t[0];
        for (int c = 1; c < 16; c++) { mn = t[c] < mn ? t[c] : mn; mx = t[c] > mx ? t[c] : mx; }
        bias += mn;
        if (mx - mn > maxSpan) maxSpan = mx - mn;
    }
    float scale = maxSpan > 0 ? 255.0f / maxSpan : 1.0f;
    for (size_t m = 0; m < M; m++) {
        const float *t = lut + m * 16;
        float mn = t[0];
        for (int c = 1; c < 16; c++) mn = t[c] < mn ? t[c] : mn;
        for (int c = 0; c < 16; c++) {
            float v = (t[c] - mn) * scale + 0.5f;
            int iv = (int)v;
            qlut[m * 16 + c] = (uint8_t)(iv > 255 ? 255 : (iv < 0 ? 0 : iv));
        }
    }
    for (size_t m = M; m < M2; m++) memset(qlut + m * 16, 0, 16);
    *outBias = bias;
    *outScale = scale;
}


#if SL_X86
__attribute__((target("avx2,fma"))) static inline float hmin256(__m256 v) {
    __m128 m = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_min_ps(m, _mm_movehl_ps(m, m));
    m = _mm_min_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}
__attribute__((target("avx2,fma"))) static inline float hmax256(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

__attribute__((target("avx2,fma"))) static void fs4_quantize_avx2(const float *lutIn, const float *lutAdd, size_t M,
                                                                   size_t M2, float extraBias, float *scratch,
                                                                   uint8_t *qlut, float *outBias, float *outScale) {
    float mins[256];
    float bias = extraBias, maxSpan = 0;
    const float *lut = lutAdd ? scratch : lutIn;
    for (size_t m = 0; m < M; m++) {
        __m256 a0 = _mm256_loadu_ps(lutIn + m * 16), a1 = _mm256_loadu_ps(lutIn + m * 16 + 8);
        if (lutAdd) {
            a0 = _mm256_add_ps(a0, _mm256_loadu_ps(lutAdd + m * 16));
            a1 = _mm256_add_ps(a1, _mm256_loadu_ps(lutAdd + m * 16 + 8));
            _mm256_storeu_ps(scratch + m * 16, a0);
            _mm256_storeu_ps(scratch + m * 16 + 8, a1);
        }
        float mn = hmin256(_mm256_min_ps(a0, a1)), mx = hmax256(_mm256_max_ps(a0, a1));
        mins[m] = mn;
        bias += mn;
        if (mx - mn > maxSpan) maxSpan = mx - mn;
    }
    float scale = maxSpan > 0 ? 255.0f / maxSpan : 1.0f;
    const __m256 vs = _mm256_set1_ps(scale), half = _mm256_set1_ps(0.5f);
    for (size_t m = 0; m < M; m++) {
        __m256 mn = _mm256_set1_ps(mins[m]);
        __m256 v0 = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(lut + m * 16), mn), vs), half);
        __m256 v1 = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(lut + m * 16 + 8), mn), vs), half);
        __m256i p16 = _mm256_packus_epi32(_mm256_cvttps_epi32(v0), _mm256_cvttps_epi32(v1));
        p16 = _mm256_permute4x64_epi64(p16, 0xD8);
        __m128i p8 = _mm_packus_epi16(_mm256_castsi256_si128(p16), _mm256_extracti128_si256(p16, 1));
        _mm_storeu_si128((__m128i *)(qlut + m * 16), p8);
    }
    for (size_t m = M; m < M2; m++) memset(qlut + m * 16, 0, 16);
    *outBias = bias;
    *outScale = scale;
}
#endif

void sl_fs4_quantize_lut(const float *lutIn, const float *lutAdd, size_t M, size_t M2, float extraBias,
                         float *scratch, uint8_t *qlut, float *outBias, float *outScale) {
#if SL_X86
    if (g_level >= SL_SIMD_AVX2 && M <= 256) {
        fs4_quantize_avx2(lutIn, lutAdd, M, M2, extraBias, scratch, qlut, outBias, outScale);
        return;
    }
#endif
    fs4_quantize_scalar(lutIn, lutAdd, M, M2, extraBias, scratch, qlut, outBias, outScale);
}

static void fs4_block_scalar(const uint8_t *block, size_t M2, const uint8_t *qlut, uint16_t out[32]) {
    for (int v = 0; v < 32; v++) {
        uint32_t s = 0;
        for (size_t m = 0; m < M2; m++) {
            uint8_t byte = block[m * 16 + (v & 15)];
            uint8_t code = v < 16 ? (byte & 15) : (byte >> 4);
            s += qlut[m * 16 + code];
        }
        out[v] = (uint16_t)s;
    }
}

/// Computes the uint16 threshold: a lane can enter the heap only if acc < thr.
static inline uint32_t fs4_threshold(float top, float bias, float scale) {
    if (!(top < INFINITY)) return 65536u;
    float t = (top - bias) * scale;
    if (t < 0) return 0u;
    if (t >= 65535.0f) return 65536u;
    return (uint32_t)t + 2u;  // conservative; the exact float test decides
}

static inline size_t fs4_handle(uint32_t mask, const uint16_t *acc, size_t base, size_t n, float bias,
                                float inv, int64_t labelBase, sl_topk *topk) {
    size_t updates = 0;
    while (mask) {
        int lane = __builtin_ctz(mask);
        mask &= mask - 1;
        size_t i = base + (size_t)lane;
        if (i >= n) break;
        float d = bias + (float)acc[lane] * inv;
        updates += (size_t)topk_push(topk, d, labelBase + (int64_t)i);
    }
    return updates;
}

static size_t fs4_scan_scalar(const uint8_t *blocks, size_t n, size_t M2, const uint8_t *qlut, float bias,
                              float scale, int64_t labelBase, sl_topk *topk) {
    size_t nb = (n + 31) / 32, updates = 0;
    float inv = 1.0f / scale;
    uint16_t acc[32];
    for (size_t b = 0; b < nb; b++) {
        uint32_t thr = fs4_threshold(topk->thrD, bias, scale);
        if (thr == 0) break;
        fs4_block_scalar(blocks + b * M2 * 16, M2, qlut, acc);
        uint32_t mask = 0;
        for (int v = 0; v < 32; v++) if ((uint32_t)acc[v] < thr) mask |= 1u << v;
        updates += fs4_handle(mask, acc, b * 32, n, bias, inv, labelBase, topk);
    }
    return updates;
}

#if SL_X86
#define SL_AVX2_ATTR __attribute__((target("avx2,fma,f16c")))
#define SL_AVX512_ATTR __attribute__((target("avx512f,avx512bw,avx2,fma,f16c")))

// Folds the four 16-bit accumulators of a block into 32 sums (vectors 0..31).
SL_AVX2_ATTR static inline void fs4_finalize(__m256i lo0, __m256i lo1, __m256i hi0, __m256i hi1, __m128i out[4]) {
    __m256i loE = _mm256_sub_epi16(lo0, _mm256_slli_epi16(lo1, 8));
    __m256i hiE = _mm256_sub_epi16(hi0, _mm256_slli_epi16(hi1, 8));
    __m128i e0 = _mm_add_epi16(_mm256_castsi256_si128(loE), _mm256_extracti128_si256(loE, 1));
    __m128i o0 = _mm_add_epi16(_mm256_castsi256_si128(lo1), _mm256_extracti128_si256(lo1, 1));
    __m128i e1 = _mm_add_epi16(_mm256_castsi256_si128(hiE), _mm256_extracti128_si256(hiE, 1));
    __m128i o1 = _mm_add_epi16(_mm256_castsi256_si128(hi1), _mm256_extracti128_si256(hi1, 1));
    out[0] = _mm_unpacklo_epi16(e0, o0);
    out[1] = _mm_unpackhi_epi16(e0, o0);
    out[2] = _mm_unpacklo_epi16(e1, o1);
    out[3] = _mm_unpackhi_epi16(e1, o1);
}

SL_AVX2_ATTR static inline void fs4_block_avx2(const uint8_t *block, size_t M2, const uint8_t *qlut, __m128i out[4]) {
    const __m256i mask = _mm256_set1_epi8(0x0f);
    __m256i lo0 = _mm256_setzero_si256(), lo1 = _mm256_setzero_si256();
    __m256i hi0 = _mm256_setzero_si256(), hi1 = _mm256_setzero_si256();
    for (size_t m = 0; m < M2; m += 2) {
        __m256i c = _mm256_loadu_si256((const __m256i *)(block + m * 16));
        __m256i t = _mm256_loadu_si256((const __m256i *)(qlut + m * 16));
        __m256i rlo = _mm256_shuffle_epi8(t, _mm256_and_si256(c, mask));
        __m256i rhi = _mm256_shuffle_epi8(t, _mm256_and_si256(_mm256_srli_epi16(c, 4), mask));
        lo0 = _mm256_add_epi16(lo0, rlo);
        lo1 = _mm256_add_epi16(lo1, _mm256_srli_epi16(rlo, 8));
        hi0 = _mm256_add_epi16(hi0, rhi);
        hi1 = _mm256_add_epi16(hi1, _mm256_srli_epi16(rhi, 8));
    }
    fs4_finalize(lo0, lo1, hi0, hi1, out);
}

SL_AVX2_ATTR static inline void fs4_block2_avx2(const uint8_t *blockA, const uint8_t *blockB, size_t M2,
                                                const uint8_t *qlut, __m128i outA[4], __m128i outB[4]) {
    const __m256i mask = _mm256_set1_epi8(0x0f);
    __m256i a0 = _mm256_setzero_si256(), a1 = _mm256_setzero_si256();
    __m256i a2 = _mm256_setzero_si256(), a3 = _mm256_setzero_si256();
    __m256i b0 = _mm256_setzero_si256(), b1 = _mm256_setzero_si256();
    __m256i b2 = _mm256_setzero_si256(), b3 = _mm256_setzero_si256();
    for (size_t m = 0; m < M2; m += 2) {
        __m256i t = _mm256_loadu_si256((const __m256i *)(qlut + m * 16));
        __m256i ca = _mm256_loadu_si256((const __m256i *)(blockA + m * 16));
        __m256i cb = _mm256_loadu_si256((const __m256i *)(blockB + m * 16));
        __m256i ra = _mm256_shuffle_epi8(t, _mm256_and_si256(ca, mask));
        __m256i rha = _mm256_shuffle_epi8(t, _mm256_and_si256(_mm256_srli_epi16(ca, 4), mask));
        __m256i rb = _mm256_shuffle_epi8(t, _mm256_and_si256(cb, mask));
        __m256i rhb = _mm256_shuffle_epi8(t, _mm256_and_si256(_mm256_srli_epi16(cb, 4), mask));
        a0 = _mm256_add_epi16(a0, ra);
        a1 = _mm256_add_epi16(a1, _mm256_srli_epi16(ra, 8));
        a2 = _mm256_add_epi16(a2, rha);
        a3 = _mm256_add_epi16(a3, _mm256_srli_epi16(rha, 8));
        b0 = _mm256_add_epi16(b0, rb);
        b1 = _mm256_add_epi16(b1, _mm256_srli_epi16(rb, 8));
        b2 = _mm256_add_epi16(b2, rhb);
        b3 = _mm256_add_epi16(b3, _mm256_srli_epi16(rhb, 8));
    }
    fs4_finalize(a0, a1, a2, a3, outA);
    fs4_finalize(b0, b1, b2, b3, outB);
}

SL_AVX512_ATTR static inline void fs4_block_avx512(const uint8_t *block, size_t M2, const uint8_t *qlut, __m128i out[4]) {
    const __m512i mask = _mm512_set1_epi8(0x0f);
    __m512i lo0 = _mm512_setzero_si512(), lo1 = _mm512_setzero_si512();
    __m512i hi0 = _mm512_setzero_si512(), hi1 = _mm512_setzero_si512();
    size_t m = 0;
    for (; m + 4 <= M2; m += 4) {
        __m512i c = _mm512_loadu_si512((const void *)(block + m * 16));
        __m512i t = _mm512_loadu_si512((const void *)(qlut + m * 16));
        __m512i rlo = _mm512_shuffle_epi8(t, _mm512_and_si512(c, mask));
        __m512i rhi = _mm512_shuffle_epi8(t, _mm512_and_si512(_mm512_srli_epi16(c, 4), mask));
        lo0 = _mm512_add_epi16(lo0, rlo);
        lo1 = _mm512_add_epi16(lo1, _mm512_srli_epi16(rlo, 8));
        hi0 = _mm512_add_epi16(hi0, rhi);
        hi1 = _mm512_add_epi16(hi1, _mm512_srli_epi16(rhi, 8));
    }
    // Fold the 512-bit lanes (m, m+1 | m+2, m+3) onto 256 bits (m | m+1 parity is kept).
    __m256i l0 = _mm256_add_epi16(_mm512_castsi512_si256(lo0), _mm512_extracti64x4_epi64(lo0, 1));
    __m256i l1 = _mm256_add_epi16(_mm512_castsi512_si256(lo1), _mm512_extracti64x4_epi64(lo1, 1));
    __m256i h0 = _mm256_add_epi16(_mm512_castsi512_si256(hi0), _mm512_extracti64x4_epi64(hi0, 1));
    __m256i h1 = _mm256_add_epi16(_mm512_castsi512_si256(hi1), _mm512_extracti64x4_epi64(hi1, 1));
    if (m < M2) {  // two sub-quantizers left
        const __m256i mask8 = _mm256_set1_epi8(0x0f);
        __m256i c = _mm256_loadu_si256((const __m256i *)(block + m * 16));
        __m256i t = _mm256_loadu_si256((const __m256i *)(qlut + m * 16));
        __m256i rlo = _mm256_shuffle_epi8(t, _mm256_and_si256(c, mask8));
        __m256i rhi = _mm256_shuffle_epi8(t, _mm256_and_si256(_mm256_srli_epi16(c, 4), mask8));
        l0 = _mm256_add_epi16(l0, rlo);
        l1 = _mm256_add_epi16(l1, _mm256_srli_epi16(rlo, 8));
        h0 = _mm256_add_epi16(h0, rhi);
        h1 = _mm256_add_epi16(h1, _mm256_srli_epi16(rhi, 8));
    }
    fs4_finalize(l0, l1, h0, h1, out);
}

// Bit v set when acc[v] < thr (unsigned), for thr in [1, 65535].
SL_AVX2_ATTR static inline uint32_t fs4_mask(const __m128i acc[4], uint32_t thr) {
    __m128i t = _mm_set1_epi16((short)(uint16_t)(thr - 1u));
    // acc <= thr - 1  <=>  max(acc, thr - 1) == thr - 1
    __m128i m0 = _mm_cmpeq_epi16(_mm_max_epu16(acc[0], t), t);
    __m128i m1 = _mm_cmpeq_epi16(_mm_max_epu16(acc[1], t), t);
    __m128i m2 = _mm_cmpeq_epi16(_mm_max_epu16(acc[2], t), t);
    __m128i m3 = _mm_cmpeq_epi16(_mm_max_epu16(acc[3], t), t);
    uint32_t lo = (uint32_t)_mm_movemask_epi8(_mm_packs_epi16(m0, m1));
    uint32_t hi = (uint32_t)_mm_movemask_epi8(_mm_packs_epi16(m2, m3));
    return lo | (hi << 16);
}

#define SL_FS4_SCAN_BODY(BLOCKFN)                                                        \
    size_t nb = (n + 31) / 32, updates = 0;                                              \
    float inv = 1.0f / scale;                                                            \
    uint16_t accs[32] __attribute__((aligned(32)));                                      \
    __m128i acc[4];                                                                      \
    const uint8_t *end = blocks + nb * M2 * 16;                                          \
    for (size_t b = 0; b < nb; b++) {                                                    \
        uint32_t thr = fs4_threshold(topk->thrD, bias, scale);                             \
        if (thr == 0) break;                                                             \
        scan_prefetch(blocks + b * M2 * 16, M2 * 16, end);                               \
        BLOCKFN(blocks + b * M2 * 16, M2, qlut, acc);                                    \
        uint32_t mask = thr >= 65536u ? 0xffffffffu : fs4_mask(acc, thr);                \
        if (mask) {                                                                      \
            _mm_store_si128((__m128i *)accs, acc[0]);                                    \
            _mm_store_si128((__m128i *)(accs + 8), acc[1]);                              \
            _mm_store_si128((__m128i *)(accs + 16), acc[2]);                             \
            _mm_store_si128((__m128i *)(accs + 24), acc[3]);                             \
            updates += fs4_handle(mask, accs, b * 32, n, bias, inv, labelBase, topk); \
        }                                                                                \
    }                                                                                    \
    return updates;

SL_AVX2_ATTR static inline size_t fs4_emit(const __m128i acc[4], uint32_t thr, size_t base, size_t n, float bias,
                                          float inv, int64_t labelBase, sl_topk *topk) {
    uint32_t mask = thr >= 65536u ? 0xffffffffu : fs4_mask(acc, thr);
    if (!mask) return 0;
    uint16_t accs[32] __attribute__((aligned(32)));
    _mm_store_si128((__m128i *)accs, acc[0]);
    _mm_store_si128((__m128i *)(accs + 8), acc[1]);
    _mm_store_si128((__m128i *)(accs + 16), acc[2]);
    _mm_store_si128((__m128i *)(accs + 24), acc[3]);
    return fs4_handle(mask, accs, base, n, bias, inv, labelBase, topk);
}

SL_AVX2_ATTR static size_t fs4_scan_avx2(const uint8_t *blocks, size_t n, size_t M2, const uint8_t *qlut, float bias,
                                         float scale, int64_t labelBase, sl_topk *topk) {
    size_t nb = (n + 31) / 32, updates = 0, b = 0;
    float inv = 1.0f / scale;
    const uint8_t *end = blocks + nb * M2 * 16;
    __m128i accA[4], accB[4];
    for (; b + 2 <= nb; b += 2) {
        uint32_t thr = fs4_threshold(topk->thrD, bias, scale);
        if (thr == 0) return updates;
        scan_prefetch(blocks + b * M2 * 16, 2 * M2 * 16, end);
        fs4_block2_avx2(blocks + b * M2 * 16, blocks + (b + 1) * M2 * 16, M2, qlut, accA, accB);
        updates += fs4_emit(accA, thr, b * 32, n, bias, inv, labelBase, topk);
        thr = fs4_threshold(topk->thrD, bias, scale);
        updates += fs4_emit(accB, thr, (b + 1) * 32, n, bias, inv, labelBase, topk);
    }
    if (b < nb) {
        uint32_t thr = fs4_threshold(topk->thrD, bias, scale);
        if (thr == 0) return updates;
        fs4_block_avx2(blocks + b * M2 * 16, M2, qlut, accA);
        updates += fs4_emit(accA, thr, b * 32, n, bias, inv, labelBase, topk);
    }
    return updates;
}

SL_AVX512_ATTR static size_t fs4_scan_avx512(const uint8_t *blocks, size_t n, size_t M2, const uint8_t *qlut,
                                             float bias, float scale, int64_t labelBase, sl_topk *topk) {
    SL_FS4_SCAN_BODY(fs4_block_avx512)
}

SL_AVX2_ATTR static void fs4_store_avx2(const uint8_t *block, size_t M2, const uint8_t *qlut, uint16_t out[32]) {
    __m128i acc[4];
    fs4_block_avx2(block, M2, qlut, acc);
    for (int j = 0; j < 4; j++) _mm_storeu_si128((__m128i *)(out + 8 * j), acc[j]);
}

SL_AVX512_ATTR static void fs4_store_avx512(const uint8_t *block, size_t M2, const uint8_t *qlut, uint16_t out[32]) {
    __m128i acc[4];
    fs4_block_avx512(block, M2, qlut, acc);
    for (int j = 0; j < 4; j++) _mm_storeu_si128((__m128i *)(out + 8 * j), acc[j]);
}
#endif

size_t sl_fs4_scan_heap(const uint8_t *blocks, size_t n, size_t M2, const uint8_t *qlut, float bias, float scale,
                        int64_t labelBase, sl_topk *topk) {
    if (n == 0 || topk->k == 0) return 0;
#if SL_X86
    if (g_level >= SL_SIMD_AVX512) return fs4_scan_avx512(blocks, n, M2, qlut, bias, scale, labelBase, topk);
    if (g_level >= SL_SIMD_AVX2) return fs4_scan_avx2(blocks, n, M2, qlut, bias, scale, labelBase, topk);
#endif
    return fs4_scan_scalar(blocks, n, M2, qlut, bias, scale, labelBase, topk);
}

int sl_fs4_block_accumulate(int level, const uint8_t *block, size_t M2, const uint8_t *qlut, uint16_t out[32]) {
    if (level > g_max_level) return 0;
#if SL_X86
    if (level == SL_SIMD_AVX512) { fs4_store_avx512(block, M2, qlut, out); return 1; }
    if (level == SL_SIMD_AVX2) { fs4_store_avx2(block, M2, qlut, out); return 1; }
#endif
    if (level != SL_SIMD_SCALAR) return 0;
    fs4_block_scalar(block, M2, qlut, out);
    return 1;
}

void sl_fs4_pack(const uint8_t *codes, size_t n, size_t M, size_t M2, uint8_t *blocks) {
    size_t nb = (n + 31) / 32;
    memset(blocks, 0, nb * M2 * 16);
    for (size_t i = 0; i < n; i++) {
        uint8_t *blk = blocks + (i / 32) * M2 * 16;
        size_t v = i % 32;
        for (size_t m = 0; m < M; m++) {
            uint8_t code = codes[i * M + m] & 15;
            uint8_t *byte = blk + m * 16 + (v & 15);
            *byte = v < 16 ? (uint8_t)((*byte & 0xf0) | code) : (uint8_t)((*byte & 0x0f) | (code << 4));
        }
    }
}

uint8_t sl_fs4_get(const uint8_t *blocks, size_t M2, size_t i, size_t m) {
    uint8_t byte = blocks[(i / 32) * M2 * 16 + m * 16 + (i % 32 & 15)];
    return (i % 32) < 16 ? (byte & 15) : (byte >> 4);
}

void sl_fs4_set(uint8_t *blocks, size_t M2, size_t i, size_t m, uint8_t v) {
    uint8_t *byte = blocks + (i / 32) * M2 * 16 + m * 16 + (i % 32 & 15);
    v &= 15;
    *byte = (i % 32) < 16 ? (uint8_t)((*byte & 0xf0) | v) : (uint8_t)((*byte & 0x0f) | (v << 4));
}

// ---------------------------------------------------------------------------
// CRC-32C
// ---------------------------------------------------------------------------

#if SL_X86
__attribute__((target("sse4.2"))) static uint32_t crc32c_hw(uint32_t crc, const uint8_t *p, size_t n) {
    uint64_t c = ~crc & 0xffffffffu;
    while (n && ((uintptr_t)p & 7)) { c = _mm_crc32_u8((uint32_t)c, *p++); n--; }
    while (n >= 8) { uint64_t v; memcpy(&v, p, 8); c = _mm_crc32_u64(c, v); p += 8; n -= 8; }
    while (n) { c = _mm_crc32_u8((uint32_t)c, *p++); n--; }
    return ~(uint32_t)c;
}
#endif

uint32_t sl_crc32c(uint32_t crc, const void *data, size_t n) {
    if (!g_detected) { sl_detect(); g_detected = 1; }
    const uint8_t *p = (const uint8_t *)data;
#if SL_X86
    if (g_has_sse42) return crc32c_hw(crc, p, n);
#endif
    uint32_t c = ~crc;
    for (size_t i = 0; i < n; i++) c = (c >> 8) ^ g_crc_table[(c ^ p[i]) & 0xff];
    return ~c;
}
