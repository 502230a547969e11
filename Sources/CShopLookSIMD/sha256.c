// SHA-256 block compression with the x86 SHA extensions (SHA256RNDS2, SHA256MSG1, SHA256MSG2).
// See include/shoplook_simd.h for the contract; ShopLookCore's SHA256 falls back to its portable Swift
// compression where these instructions are missing.
#include "shoplook_simd.h"

#include <stdlib.h>
#include <string.h>

// FIPS 180-4 §4.2.2: the round constants, for both compressions (ShopLookCore's portable one reads them too).
static const uint32_t k_round[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

const uint32_t *sl_sha256_round_constants(void) { return k_round; }

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int sl_sha256_available(void) {
    const char *forced = getenv("SHOPLOOK_SIMD");
    if (forced && strcmp(forced, "scalar") == 0) return 0;
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int sha = (b >> 29) & 1;
    return ssse3 && sse41 && sha;
}

__attribute__((target("sha,sse4.1,ssse3")))
void sl_sha256_compress(uint32_t state[8], const uint8_t *data, size_t blocks) {
    // Big-endian words: reverse the bytes of each 32-bit lane.
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    // SHA256RNDS2 keeps the state as two registers, (A, B, E, F) and (C, D, G, H), A and C in the top lane.
    __m128i abcd = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i efgh = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);  // lanes 0..3: B A D C
    __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);  // lanes 0..3: H G F E
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);  // lanes 0..3: F E B A
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);  // lanes 0..3: H G D C
    for (size_t block = 0; block < blocks; block++, data += 64) {
        const __m128i abef_before = abef, cdgh_before = cdgh;
        __m128i w[4];  // the schedule's last 16 words, four to a register (w[i % 4] holds words 4i..4i+3)
        for (int i = 0; i < 16; i++) {
            __m128i words;
            if (i < 4) {
                words = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), byteswap);
            } else {
                // w[t] = σ1(w[t-2]) + w[t-7] + σ0(w[t-15]) + w[t-16] for t = 4i..4i+3:
                // MSG1 adds σ0 of the words t-15… to the words t-16…, the shifted pair supplies w[t-7]…,
                // MSG2 adds σ1 of w[t-2], w[t-1] (the latter from this group for its last two words).
                __m128i partial = _mm_sha256msg1_epu32(w[i % 4], w[(i + 1) % 4]);
                partial = _mm_add_epi32(partial, _mm_alignr_epi8(w[(i + 3) % 4], w[(i + 2) % 4], 4));
                words = _mm_sha256msg2_epu32(partial, w[(i + 3) % 4]);
            }
            w[i % 4] = words;
            __m128i sums = _mm_add_epi32(words, _mm_loadu_si128((const __m128i *)&k_round[4 * i]));
            // Two rounds make the old (A, B, E, F) the new (C, D, G, H): each call writes the register that held
            // the (C, D, G, H) it read, so after both the names are right again.
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sums);  // rounds 4i, 4i+1 (the low two sums)
            sums = _mm_shuffle_epi32(sums, 0x0E);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, sums);  // rounds 4i+2, 4i+3
        }
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);  // lanes 0..3: A B E F
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);  // lanes 0..3: G H C D
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));  // A B C D
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));  // E F G H
}

#else

int sl_sha256_available(void) { return 0; }

void sl_sha256_compress(uint32_t state[8], const uint8_t *data, size_t blocks) {
    (void)state; (void)data; (void)blocks;
    abort();  // never called: sl_sha256_available() is 0
}

#endif
