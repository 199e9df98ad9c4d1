#ifndef CCREW_KERNELS_H
#define CCREW_KERNELS_H

#include <stddef.h>
#include <stdint.h>

// Scoring kernels of the vector index. Every row is `stride` components long and `stride` is a multiple of 16
// (rows are zero-padded in the file), so no kernel has a tail loop. Each dispatching function uses AVX2 + FMA (+ F16C)
// when the CPU has them and a portable version otherwise; the `_portable` functions are that fallback, callable
// directly so tests can check both paths on any machine. Within one path a row's score does not depend on which rows
// it was scored with (the four-row and one-row loops do the same arithmetic per row).

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the AVX2 + FMA + F16C kernels run on this CPU, 0 when the portable ones do.
int crew_kernels_wide(void);

/// scores[r] = dot(query, rows[r]) for r < n; float32 rows.
void crew_scores_f32(const float *query, const float *rows, size_t stride, size_t n, float *scores);
void crew_scores_f32_portable(const float *query, const float *rows, size_t stride, size_t n, float *scores);

/// scores[j] = dot(query, row picks[j] of `rows`) for j < n: the rows are read in the given order, each prefetched
/// while an earlier one is scored (re-ranking candidates scattered over a large file).
void crew_scores_f32_gather(const float *query, const float *rows, size_t stride, const uint32_t *picks, size_t n,
                            float *scores);
void crew_scores_f32_gather_portable(const float *query, const float *rows, size_t stride, const uint32_t *picks,
                                     size_t n, float *scores);

/// scores[r] = dot(query, rows[r]) for IEEE binary16 rows (finite values).
void crew_scores_f16(const float *query, const uint16_t *rows, size_t stride, size_t n, float *scores);
void crew_scores_f16_portable(const float *query, const uint16_t *rows, size_t stride, size_t n, float *scores);

/// Largest magnitude a quantized query component may have so that int32 sums over `stride` int8 × int16 products
/// cannot overflow (32,767 for strides up to 512).
int32_t crew_query_i16_limit(size_t stride);

/// scores[r] = dot(query16, rows[r]) × scales[r] × factor for int8 rows, with the query quantized to int16
/// (`query16` = round(query × 1 / factor), magnitudes at most crew_query_i16_limit(stride)).
void crew_scores_i8(const int16_t *query16, float factor, const int8_t *rows, const float *scales, size_t stride,
                    size_t n, float *scores);
void crew_scores_i8_portable(const int16_t *query16, float factor, const int8_t *rows, const float *scales,
                             size_t stride, size_t n, float *scores);

/// Bytes of a 4-bit code row for rows of `stride` components: the stride rounded up to 64, halved.
size_t crew_u4_row_bytes(size_t stride);

/// scores[r] = offset + factor × Σ_i weights[i] × code(r, i) for 4-bit code rows of `row_bytes` bytes (a multiple
/// of 32).
/// Within each 32-byte chunk c of a row, byte j holds the code of component 64c + j in its low nibble and that of
/// component 64c + 32 + j in its high nibble; `weights` has 2 × row_bytes entries in component order. Sums are
/// exact int32 arithmetic, so both paths give the same scores.
void crew_scores_u4(const int8_t *weights, float factor, float offset, const uint8_t *codes, size_t row_bytes,
                    size_t n, float *scores);
void crew_scores_u4_portable(const int8_t *weights, float factor, float offset, const uint8_t *codes,
                             size_t row_bytes, size_t n, float *scores);

/// Fills `weights` (2 × crew_u4_row_bytes(stride) entries; those past `stride` become 0) for crew_scores_u4 from
/// one list's code ranges: weights[i] = round(query[i] × steps[i] / factor), int8, with *factor chosen so the largest
/// magnitude is 127 (0 when every product is 0 or one is not finite). Returns dot(query, lows): the part of every
/// row's score that the codes leave out.
float crew_u4_weights(const float *query, const float *lows, const float *steps, size_t stride, int8_t *weights,
                      float *factor);

/// Offers n candidates to a top list of capacity k, kept best first in top_scores / top_ids (currently `count`
/// entries): candidate j has score scores[j] and id ids[j] (or first_id + j when ids is NULL). Better = higher score,
/// then smaller id; a candidate not better than the k-th is dropped after one comparison. Returns the new count.
size_t crew_top_offer(float *top_scores, uint32_t *top_ids, size_t count, size_t k, const float *scores,
                      const uint32_t *ids, uint32_t first_id, size_t n);

#ifdef __cplusplus
}
#endif

#endif
