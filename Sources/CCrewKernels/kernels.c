// Scoring kernels of the vector index (see include/CCrewKernels.h). The wide versions are compiled for AVX2 + FMA +
// F16C per function (no global -march), so the binary still runs on a baseline x86-64 CPU, which gets the portable
// versions. The portable versions use the compiler's generic vector types: SSE2 on x86-64, NEON on arm64.

#include "CCrewKernels.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define CREW_X86 1
#include <cpuid.h>
#include <immintrin.h>
#define WIDE __attribute__((target("avx2,fma,f16c")))
#else
#define CREW_X86 0
#endif

// 16-byte generic vectors: one SSE2 or NEON register each (wider ones would change the calling convention of the
// inline helpers on baseline x86-64).
typedef float f32x4 __attribute__((vector_size(16)));
typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef uint16_t u16x4 __attribute__((vector_size(8)));

// Rows ahead of the one being scored whose lines are prefetched: far enough to cover DRAM latency at the scan's
// speed, and it makes the CPU cross 4 KB page boundaries (where its own prefetcher stops) early.
#ifndef GATHER_AHEAD
#define GATHER_AHEAD 8
#endif
#ifndef PREFETCH_ROWS
#define PREFETCH_ROWS 8
#endif

static inline f32x4 load4(const float *p) {
    f32x4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline float sum4(f32x4 v) { return (v[0] + v[2]) + (v[1] + v[3]); }

// MARK: - Portable

static inline float dot_f32(const float *q, const float *r, size_t stride) {
    f32x4 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
    for (size_t i = 0; i < stride; i += 16) {
        a0 += load4(q + i) * load4(r + i);
        a1 += load4(q + i + 4) * load4(r + i + 4);
        a2 += load4(q + i + 8) * load4(r + i + 8);
        a3 += load4(q + i + 12) * load4(r + i + 12);
    }
    return sum4((a0 + a2) + (a1 + a3));
}

void crew_scores_f32_portable(const float *query, const float *rows, size_t stride, size_t n, float *scores) {
    for (size_t r = 0; r < n; r++) scores[r] = dot_f32(query, rows + r * stride, stride);
}

void crew_scores_f32_gather_portable(const float *query, const float *rows, size_t stride, const uint32_t *picks,
                                     size_t n, float *scores) {
    for (size_t j = 0; j < n; j++) scores[j] = dot_f32(query, rows + (size_t)picks[j] * stride, stride);
}

// binary16 -> float32 for finite halves: exponent and mantissa shifted into place, then × 2^112 rebias (exact for
// normal and subnormal halves), sign copied.
static inline f32x4 widen_f16(const uint16_t *p) {
    u16x4 h;
    memcpy(&h, p, sizeof h);
    u32x4 w = __builtin_convertvector(h, u32x4);
    u32x4 bits = (w & 0x7FFF) << 13;
    f32x4 magnitude;
    memcpy(&magnitude, &bits, sizeof magnitude);
    magnitude *= 0x1p112f;
    u32x4 out;
    memcpy(&out, &magnitude, sizeof out);
    out |= (w & 0x8000) << 16;
    f32x4 value;
    memcpy(&value, &out, sizeof value);
    return value;
}

void crew_scores_f16_portable(const float *query, const uint16_t *rows, size_t stride, size_t n, float *scores) {
    for (size_t r = 0; r < n; r++) {
        const uint16_t *row = rows + r * stride;
        f32x4 a0 = {0}, a1 = {0};
        for (size_t i = 0; i < stride; i += 8) {
            a0 += load4(query + i) * widen_f16(row + i);
            a1 += load4(query + i + 4) * widen_f16(row + i + 4);
        }
        scores[r] = sum4(a0 + a1);
    }
}

int32_t crew_query_i16_limit(size_t stride) {
    // The whole sum of `stride` products, each at most 127 × limit, must fit in an int32.
    size_t limit = stride == 0 ? 32767 : (size_t)INT32_MAX / (127 * stride);
    return (int32_t)(limit > 32767 ? 32767 : limit);
}

void crew_scores_i8_portable(const int16_t *query16, float factor, const int8_t *rows, const float *scales,
                             size_t stride, size_t n, float *scores) {
    for (size_t r = 0; r < n; r++) {
        const int8_t *row = rows + r * stride;
        int32_t sum = 0;
        for (size_t i = 0; i < stride; i++) sum += (int32_t)query16[i] * (int32_t)row[i];
        scores[r] = (float)sum * scales[r] * factor;
    }
}

size_t crew_u4_row_bytes(size_t stride) { return (stride + 63) / 64 * 32; }

void crew_scores_u4_portable(const int8_t *weights, float factor, float offset, const uint8_t *codes,
                             size_t row_bytes, size_t n, float *scores) {
    for (size_t r = 0; r < n; r++) {
        const uint8_t *row = codes + r * row_bytes;
        int32_t sum = 0;
        for (size_t c = 0; c < row_bytes; c += 32) {
            const int8_t *w = weights + 2 * c;
            for (size_t j = 0; j < 32; j++) {
                sum += (int32_t)w[j] * (row[c + j] & 15) + (int32_t)w[32 + j] * (row[c + j] >> 4);
            }
        }
        scores[r] = offset + (float)sum * factor;
    }
}

float crew_u4_weights(const float *query, const float *lows, const float *steps, size_t stride, int8_t *weights,
                      float *factor) {
    float largest = 0, offset = 0;
    for (size_t i = 0; i < stride; i++) {
        float product = query[i] * steps[i];
        float magnitude = product < 0 ? -product : product;
        largest = magnitude > largest ? magnitude : largest;
        offset += query[i] * lows[i];
    }
    size_t count = 2 * crew_u4_row_bytes(stride);
    memset(weights, 0, count);
    // `largest` is NaN or infinite when a product is: no weights, and the codes add nothing to the scores.
    if (!(largest > 0) || largest > 3.4e38f) {
        *factor = 0;
        return offset;
    }
    float scale = 127 / largest;
    for (size_t i = 0; i < stride; i++) weights[i] = (int8_t)__builtin_rintf(query[i] * steps[i] * scale);
    *factor = 1 / scale;
    return offset;
}

// MARK: - AVX2 + FMA + F16C

#if CREW_X86

WIDE static inline float sum8_wide(__m256 v) {
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    __m128 y = _mm_add_ps(x, _mm_movehl_ps(x, x));
    return _mm_cvtss_f32(_mm_add_ss(y, _mm_shuffle_ps(y, y, 1)));
}

WIDE static inline float dot_f32_wide(const float *q, const float *r, const float *ahead, size_t stride) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    for (size_t i = 0; i < stride; i += 16) {
        _mm_prefetch((const char *)(ahead + i), _MM_HINT_T0);
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(r + i), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), _mm256_loadu_ps(r + i + 8), a1);
    }
    return sum8_wide(_mm256_add_ps(a0, a1));
}

WIDE static void scores_f32_wide(const float *query, const float *rows, size_t stride, size_t n, float *scores) {
    size_t r = 0;
    const size_t ahead = PREFETCH_ROWS * stride;
    for (; r + 4 <= n; r += 4) {
        const float *a = rows + r * stride, *b = a + stride, *c = b + stride, *d = c + stride;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        for (size_t i = 0; i < stride; i += 16) {
            _mm_prefetch((const char *)(a + ahead + i), _MM_HINT_T0);
            _mm_prefetch((const char *)(b + ahead + i), _MM_HINT_T0);
            _mm_prefetch((const char *)(c + ahead + i), _MM_HINT_T0);
            _mm_prefetch((const char *)(d + ahead + i), _MM_HINT_T0);
            __m256 q0 = _mm256_loadu_ps(query + i), q1 = _mm256_loadu_ps(query + i + 8);
            a0 = _mm256_fmadd_ps(q0, _mm256_loadu_ps(a + i), a0);
            a1 = _mm256_fmadd_ps(q1, _mm256_loadu_ps(a + i + 8), a1);
            b0 = _mm256_fmadd_ps(q0, _mm256_loadu_ps(b + i), b0);
            b1 = _mm256_fmadd_ps(q1, _mm256_loadu_ps(b + i + 8), b1);
            c0 = _mm256_fmadd_ps(q0, _mm256_loadu_ps(c + i), c0);
            c1 = _mm256_fmadd_ps(q1, _mm256_loadu_ps(c + i + 8), c1);
            d0 = _mm256_fmadd_ps(q0, _mm256_loadu_ps(d + i), d0);
            d1 = _mm256_fmadd_ps(q1, _mm256_loadu_ps(d + i + 8), d1);
        }
        scores[r] = sum8_wide(_mm256_add_ps(a0, a1));
        scores[r + 1] = sum8_wide(_mm256_add_ps(b0, b1));
        scores[r + 2] = sum8_wide(_mm256_add_ps(c0, c1));
        scores[r + 3] = sum8_wide(_mm256_add_ps(d0, d1));
    }
    for (; r < n; r++) {
        const float *row = rows + r * stride;
        scores[r] = dot_f32_wide(query, row, row + ahead, stride);
    }
}

WIDE static void scores_f32_gather_wide(const float *query, const float *rows, size_t stride, const uint32_t *picks,
                                        size_t n, float *scores) {
    // Scattered rows come from DRAM at its latency: keep GATHER_AHEAD rows in flight. The first ones are fetched
    // whole up front; then, while row j is scored, row j + GATHER_AHEAD's lines are fetched, one per step.
    for (size_t j = 0; j < n && j < GATHER_AHEAD; j++) {
        const char *row = (const char *)(rows + (size_t)picks[j] * stride);
        for (size_t i = 0; i < stride * 4; i += 64) _mm_prefetch(row + i, _MM_HINT_T0);
    }
    for (size_t j = 0; j < n; j++) {
        const float *row = rows + (size_t)picks[j] * stride;
        const float *next = j + GATHER_AHEAD < n ? rows + (size_t)picks[j + GATHER_AHEAD] * stride : row;
        scores[j] = dot_f32_wide(query, row, next, stride);
    }
}

WIDE static inline __m256 widen_f16_wide(const uint16_t *p) {
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}

WIDE static void scores_f16_wide(const float *query, const uint16_t *rows, size_t stride, size_t n, float *scores) {
    size_t r = 0;
    for (; r + 4 <= n; r += 4) {
        const uint16_t *a = rows + r * stride, *b = a + stride, *c = b + stride, *d = c + stride;
        const char *ahead = (const char *)(a + PREFETCH_ROWS * stride);
        for (size_t i = 0; i < 4 * 2 * stride; i += 64) _mm_prefetch(ahead + i, _MM_HINT_T0);
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        for (size_t i = 0; i < stride; i += 16) {
            __m256 q0 = _mm256_loadu_ps(query + i), q1 = _mm256_loadu_ps(query + i + 8);
            a0 = _mm256_fmadd_ps(q0, widen_f16_wide(a + i), a0);
            a1 = _mm256_fmadd_ps(q1, widen_f16_wide(a + i + 8), a1);
            b0 = _mm256_fmadd_ps(q0, widen_f16_wide(b + i), b0);
            b1 = _mm256_fmadd_ps(q1, widen_f16_wide(b + i + 8), b1);
            c0 = _mm256_fmadd_ps(q0, widen_f16_wide(c + i), c0);
            c1 = _mm256_fmadd_ps(q1, widen_f16_wide(c + i + 8), c1);
            d0 = _mm256_fmadd_ps(q0, widen_f16_wide(d + i), d0);
            d1 = _mm256_fmadd_ps(q1, widen_f16_wide(d + i + 8), d1);
        }
        scores[r] = sum8_wide(_mm256_add_ps(a0, a1));
        scores[r + 1] = sum8_wide(_mm256_add_ps(b0, b1));
        scores[r + 2] = sum8_wide(_mm256_add_ps(c0, c1));
        scores[r + 3] = sum8_wide(_mm256_add_ps(d0, d1));
    }
    for (; r < n; r++) {
        const uint16_t *row = rows + r * stride;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0;
        for (size_t i = 0; i < stride; i += 16) {
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(query + i), widen_f16_wide(row + i), a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(query + i + 8), widen_f16_wide(row + i + 8), a1);
        }
        scores[r] = sum8_wide(_mm256_add_ps(a0, a1));
    }
}

WIDE static inline int32_t sum_i32_wide(__m256i v) {
    __m128i x = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0x4E));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0xB1));
    return _mm_cvtsi128_si32(x);
}

// 16 int8 codes widened to int16, multiplied by 16 query components and summed in pairs: int32 sums are exact, so
// this path gives bit-for-bit the portable path's scores.
WIDE static inline __m256i madd_i8_wide(__m256i q, const int8_t *p) {
    return _mm256_madd_epi16(q, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p)));
}

WIDE static void scores_i8_wide(const int16_t *query16, float factor, const int8_t *rows, const float *scales,
                                size_t stride, size_t n, float *scores) {
    size_t r = 0;
    for (; r + 4 <= n; r += 4) {
        const int8_t *a = rows + r * stride, *b = a + stride, *c = b + stride, *d = c + stride;
        const char *ahead = (const char *)(a + PREFETCH_ROWS * stride);
        for (size_t i = 0; i < 4 * stride; i += 64) _mm_prefetch(ahead + i, _MM_HINT_T0);
        __m256i sa = _mm256_setzero_si256(), sb = sa, sc = sa, sd = sa;
        for (size_t i = 0; i < stride; i += 16) {
            __m256i q = _mm256_loadu_si256((const __m256i *)(query16 + i));
            sa = _mm256_add_epi32(sa, madd_i8_wide(q, a + i));
            sb = _mm256_add_epi32(sb, madd_i8_wide(q, b + i));
            sc = _mm256_add_epi32(sc, madd_i8_wide(q, c + i));
            sd = _mm256_add_epi32(sd, madd_i8_wide(q, d + i));
        }
        scores[r] = (float)sum_i32_wide(sa) * scales[r] * factor;
        scores[r + 1] = (float)sum_i32_wide(sb) * scales[r + 1] * factor;
        scores[r + 2] = (float)sum_i32_wide(sc) * scales[r + 2] * factor;
        scores[r + 3] = (float)sum_i32_wide(sd) * scales[r + 3] * factor;
    }
    for (; r < n; r++) {
        const int8_t *row = rows + r * stride;
        __m256i s = _mm256_setzero_si256();
        for (size_t i = 0; i < stride; i += 16)
            s = _mm256_add_epi32(s, madd_i8_wide(_mm256_loadu_si256((const __m256i *)(query16 + i)), row + i));
        scores[r] = (float)sum_i32_wide(s) * scales[r] * factor;
    }
}

// One 32-byte chunk of 4-bit codes against its 64 weights: unsigned codes × signed weights in adjacent pairs
// (at most 2 × 15 × 127 each, and the two halves' sum at most 7,620, so int16 never saturates), widened to int32.
WIDE static inline __m256i madd_u4_wide(const uint8_t *p, __m256i low_weights, __m256i high_weights) {
    const __m256i mask = _mm256_set1_epi8(15);
    __m256i bytes = _mm256_loadu_si256((const __m256i *)p);
    __m256i low = _mm256_and_si256(bytes, mask);
    __m256i high = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), mask);
    __m256i pairs =
        _mm256_add_epi16(_mm256_maddubs_epi16(low, low_weights), _mm256_maddubs_epi16(high, high_weights));
    return _mm256_madd_epi16(pairs, _mm256_set1_epi16(1));
}

WIDE static void scores_u4_wide(const int8_t *weights, float factor, float offset, const uint8_t *codes,
                                size_t row_bytes, size_t n, float *scores) {
    size_t r = 0;
    for (; r + 4 <= n; r += 4) {
        const uint8_t *a = codes + r * row_bytes, *b = a + row_bytes, *c = b + row_bytes, *d = c + row_bytes;
        const char *ahead = (const char *)(a + PREFETCH_ROWS * row_bytes);
        for (size_t i = 0; i < 4 * row_bytes; i += 64) _mm_prefetch(ahead + i, _MM_HINT_T0);
        __m256i sa = _mm256_setzero_si256(), sb = sa, sc = sa, sd = sa;
        for (size_t i = 0; i < row_bytes; i += 32) {
            __m256i lw = _mm256_loadu_si256((const __m256i *)(weights + 2 * i));
            __m256i hw = _mm256_loadu_si256((const __m256i *)(weights + 2 * i + 32));
            sa = _mm256_add_epi32(sa, madd_u4_wide(a + i, lw, hw));
            sb = _mm256_add_epi32(sb, madd_u4_wide(b + i, lw, hw));
            sc = _mm256_add_epi32(sc, madd_u4_wide(c + i, lw, hw));
            sd = _mm256_add_epi32(sd, madd_u4_wide(d + i, lw, hw));
        }
        scores[r] = offset + (float)sum_i32_wide(sa) * factor;
        scores[r + 1] = offset + (float)sum_i32_wide(sb) * factor;
        scores[r + 2] = offset + (float)sum_i32_wide(sc) * factor;
        scores[r + 3] = offset + (float)sum_i32_wide(sd) * factor;
    }
    for (; r < n; r++) {
        const uint8_t *row = codes + r * row_bytes;
        __m256i s = _mm256_setzero_si256();
        for (size_t i = 0; i < row_bytes; i += 32) {
            __m256i lw = _mm256_loadu_si256((const __m256i *)(weights + 2 * i));
            __m256i hw = _mm256_loadu_si256((const __m256i *)(weights + 2 * i + 32));
            s = _mm256_add_epi32(s, madd_u4_wide(row + i, lw, hw));
        }
        scores[r] = offset + (float)sum_i32_wide(s) * factor;
    }
}

static int detect_wide(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, f16c = (c >> 29) & 1;
    if (!(fma && osxsave && avx && f16c)) return 0;
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) return 0;  // the OS saves the SSE and AVX registers
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 5) & 1;  // AVX2
}

int crew_kernels_wide(void) {
    // Racing first calls compute the same answer, so a relaxed cache is enough.
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        value = detect_wide();
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

#else

int crew_kernels_wide(void) { return 0; }

#endif

// MARK: - Dispatch

void crew_scores_f32(const float *query, const float *rows, size_t stride, size_t n, float *scores) {
#if CREW_X86
    if (crew_kernels_wide()) return scores_f32_wide(query, rows, stride, n, scores);
#endif
    crew_scores_f32_portable(query, rows, stride, n, scores);
}

void crew_scores_f32_gather(const float *query, const float *rows, size_t stride, const uint32_t *picks, size_t n,
                            float *scores) {
#if CREW_X86
    if (crew_kernels_wide()) return scores_f32_gather_wide(query, rows, stride, picks, n, scores);
#endif
    crew_scores_f32_gather_portable(query, rows, stride, picks, n, scores);
}

void crew_scores_f16(const float *query, const uint16_t *rows, size_t stride, size_t n, float *scores) {
#if CREW_X86
    if (crew_kernels_wide()) return scores_f16_wide(query, rows, stride, n, scores);
#endif
    crew_scores_f16_portable(query, rows, stride, n, scores);
}

void crew_scores_i8(const int16_t *query16, float factor, const int8_t *rows, const float *scales, size_t stride,
                    size_t n, float *scores) {
#if CREW_X86
    if (crew_kernels_wide()) return scores_i8_wide(query16, factor, rows, scales, stride, n, scores);
#endif
    crew_scores_i8_portable(query16, factor, rows, scales, stride, n, scores);
}

void crew_scores_u4(const int8_t *weights, float factor, float offset, const uint8_t *codes, size_t row_bytes,
                    size_t n, float *scores) {
#if CREW_X86
    if (crew_kernels_wide()) return scores_u4_wide(weights, factor, offset, codes, row_bytes, n, scores);
#endif
    crew_scores_u4_portable(weights, factor, offset, codes, row_bytes, n, scores);
}

// MARK: - Top k

static inline int better(float score, uint32_t id, float other, uint32_t other_id) {
    return score > other || (score == other && id < other_id);
}

size_t crew_top_offer(float *top_scores, uint32_t *top_ids, size_t count, size_t k, const float *scores,
                      const uint32_t *ids, uint32_t first_id, size_t n) {
    if (k == 0) return 0;
    for (size_t j = 0; j < n; j++) {
        float score = scores[j];
        uint32_t id = ids ? ids[j] : first_id + (uint32_t)j;
        if (count == k && !better(score, id, top_scores[k - 1], top_ids[k - 1])) continue;
        // Full: the last entry drops out; otherwise the list grows by one. Then shift worse entries down.
        size_t position = count < k ? count : k - 1;
        while (position > 0 && better(score, id, top_scores[position - 1], top_ids[position - 1])) {
            top_scores[position] = top_scores[position - 1];
            top_ids[position] = top_ids[position - 1];
            position--;
        }
        top_scores[position] = score;
        top_ids[position] = id;
        if (count < k) count++;
    }
    return count;
}
