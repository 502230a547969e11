// Image resampling kernels for ShopLookImaging. See include/shoplook_simd.h for the contracts.
#include "shoplook_simd.h"

#include <stdlib.h>

// Sample positions with half-pixel centres, clamped to the region: output d reads source samples i0 and i1
// (byte offsets of RGB pixels when `bytes_per_sample` is 3) with weight `frac` on i1.
static void sl_linear_axis(int length, int out_length, int bytes_per_sample, int32_t *i0, int32_t *i1, float *frac) {
    double scale = (double)length / (double)out_length;
    double last = (double)(length - 1);
    for (int d = 0; d < out_length; d++) {
        double s = ((double)d + 0.5) * scale - 0.5;
        if (s < 0) s = 0;
        if (s > last) s = last;
        int a = (int)s;
        int b = a + 1 < length ? a + 1 : length - 1;
        i0[d] = a * bytes_per_sample;
        i1[d] = b * bytes_per_sample;
        frac[d] = (float)(s - (double)a);
    }
}

// One output row: the two source rows blended into `blend` (contiguous, vectorised by the compiler), then
// two taps per output pixel.
static inline __attribute__((always_inline)) void sl_bilinear_row(
    const uint8_t *restrict r0, const uint8_t *restrict r1, float wy1, int n, float *restrict blend,
    const int32_t *restrict x0, const int32_t *restrict x1, const float *restrict fx, uint8_t *restrict out, int dw) {
    float wy0 = 1.0f - wy1;
    for (int i = 0; i < n; i++) blend[i] = (float)r0[i] * wy0 + (float)r1[i] * wy1;
    for (int dx = 0; dx < dw; dx++) {
        const float *a = blend + x0[dx];
        const float *b = blend + x1[dx];
        float w1 = fx[dx], w0 = 1.0f - w1;
        for (int c = 0; c < 3; c++) {
            float v = a[c] * w0 + b[c] * w1 + 0.5f;
            out[dx * 3 + c] = (uint8_t)(v < 255.0f ? v : 255.0f);
        }
    }
}

static void sl_bilinear_rows_scalar(const uint8_t *src, size_t stride, const int32_t *y0, const int32_t *y1, const float *fy,
                                    int n, float *blend, const int32_t *x0, const int32_t *x1, const float *fx,
                                    uint8_t *dst, int dw, int dh) {
    for (int dy = 0; dy < dh; dy++)
        sl_bilinear_row(src + (size_t)y0[dy] * stride, src + (size_t)y1[dy] * stride, fy[dy], n, blend, x0, x1, fx,
                        dst + (size_t)dy * dw * 3, dw);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void sl_bilinear_rows_avx2(const uint8_t *src, size_t stride, const int32_t *y0, const int32_t *y1, const float *fy,
                                  int n, float *blend, const int32_t *x0, const int32_t *x1, const float *fx,
                                  uint8_t *dst, int dw, int dh) {
    for (int dy = 0; dy < dh; dy++)
        sl_bilinear_row(src + (size_t)y0[dy] * stride, src + (size_t)y1[dy] * stride, fy[dy], n, blend, x0, x1, fx,
                        dst + (size_t)dy * dw * 3, dw);
}
#endif

int sl_resize_bilinear_rgb8(const uint8_t *src, size_t stride, int width, int height, uint8_t *dst, int dw, int dh) {
    if (width <= 0 || height <= 0 || dw <= 0 || dh <= 0) return -1;
    size_t ints = (size_t)dw * 2 + (size_t)dh * 2;
    size_t floats = (size_t)dw + (size_t)dh + (size_t)width * 3;
    void *memory = malloc(ints * sizeof(int32_t) + floats * sizeof(float));
    if (!memory) return -1;
    int32_t *x0 = memory, *x1 = x0 + dw, *y0 = x1 + dw, *y1 = y0 + dh;
    float *fx = (float *)(y1 + dh), *fy = fx + dw, *blend = fy + dh;
    sl_linear_axis(width, dw, 3, x0, x1, fx);
    sl_linear_axis(height, dh, 1, y0, y1, fy);
#if defined(__x86_64__)
    if (sl_simd_level() >= SL_SIMD_AVX2)
        sl_bilinear_rows_avx2(src, stride, y0, y1, fy, width * 3, blend, x0, x1, fx, dst, dw, dh);
    else
#endif
        sl_bilinear_rows_scalar(src, stride, y0, y1, fy, width * 3, blend, x0, x1, fx, dst, dw, dh);
    free(memory);
    return 0;
}

// Box-filter rows: the vertical taps of each output row accumulated into `acc` (contiguous, vectorised by the
// compiler), then each output pixel's horizontal taps.
static inline __attribute__((always_inline)) void sl_area_rows(
    const uint8_t *src, size_t stride, int n, const int32_t *ystart, const int32_t *ycount, const float *yw, int ytaps,
    const int32_t *xstart, const int32_t *xcount, const float *xw, int xtaps, float *restrict acc, uint8_t *dst, int dw, int dh) {
    for (int dy = 0; dy < dh; dy++) {
        for (int i = 0; i < n; i++) acc[i] = 0.0f;
        for (int t = 0; t < ycount[dy]; t++) {
            const uint8_t *restrict row = src + (size_t)(ystart[dy] + t) * stride;
            float w = yw[dy * ytaps + t];
            for (int i = 0; i < n; i++) acc[i] += (float)row[i] * w;
        }
        uint8_t *out = dst + (size_t)dy * dw * 3;
        for (int dx = 0; dx < dw; dx++) {
            const float *p = acc + (size_t)xstart[dx] * 3;
            const float *w = xw + (size_t)dx * xtaps;
            float r = 0, g = 0, b = 0;
            for (int t = 0; t < xcount[dx]; t++) {
                r += p[0] * w[t];
                g += p[1] * w[t];
                b += p[2] * w[t];
                p += 3;
            }
            r += 0.5f; g += 0.5f; b += 0.5f;
            out[dx * 3 + 0] = (uint8_t)(r < 0 ? 0 : (r > 255.0f ? 255.0f : r));
            out[dx * 3 + 1] = (uint8_t)(g < 0 ? 0 : (g > 255.0f ? 255.0f : g));
            out[dx * 3 + 2] = (uint8_t)(b < 0 ? 0 : (b > 255.0f ? 255.0f : b));
        }
    }
}

static void sl_area_scalar(const uint8_t *src, size_t stride, int n, const int32_t *ystart, const int32_t *ycount, const float *yw,
                           int ytaps, const int32_t *xstart, const int32_t *xcount, const float *xw, int xtaps, float *acc,
                           uint8_t *dst, int dw, int dh) {
    sl_area_rows(src, stride, n, ystart, ycount, yw, ytaps, xstart, xcount, xw, xtaps, acc, dst, dw, dh);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void sl_area_avx2(const uint8_t *src, size_t stride, int n, const int32_t *ystart, const int32_t *ycount, const float *yw,
                         int ytaps, const int32_t *xstart, const int32_t *xcount, const float *xw, int xtaps, float *acc,
                         uint8_t *dst, int dw, int dh) {
    sl_area_rows(src, stride, n, ystart, ycount, yw, ytaps, xstart, xcount, xw, xtaps, acc, dst, dw, dh);
}
#endif

int sl_resize_area_rgb8(const uint8_t *src, size_t stride, int width, const int32_t *ystart, const int32_t *ycount,
                        const float *yweights, int ytaps, const int32_t *xstart, const int32_t *xcount, const float *xweights,
                        int xtaps, uint8_t *dst, int dw, int dh) {
    if (width <= 0 || dw <= 0 || dh <= 0 || ytaps <= 0 || xtaps <= 0) return -1;
    float *acc = malloc((size_t)width * 3 * sizeof(float));
    if (!acc) return -1;
#if defined(__x86_64__)
    if (sl_simd_level() >= SL_SIMD_AVX2)
        sl_area_avx2(src, stride, width * 3, ystart, ycount, yweights, ytaps, xstart, xcount, xweights, xtaps, acc, dst, dw, dh);
    else
#endif
        sl_area_scalar(src, stride, width * 3, ystart, ycount, yweights, ytaps, xstart, xcount, xweights, xtaps, acc, dst, dw, dh);
    free(acc);
    return 0;
}
