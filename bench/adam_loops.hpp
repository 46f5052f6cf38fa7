// Bare Keras-form Adam loops over raw buffers for the benchmarks (no optimizer object): the exact
// update, its memory floor and an approximate-reciprocal form (issue 16's experiment, not kept).
// The library's Adam (src/optim/adam.cpp) is what training runs; these exist to time against it.
#pragma once

#include <cfloat>
#include <cmath>
#include <cstddef>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace bench {

// Keras' defaults with a fixed bias-corrected step size.
constexpr float kB1 = 0.9f, kC1 = 0.1f, kB2 = 0.999f, kC2 = 0.001f, kEps = 1e-7f, kStep = 1e-3f;

// m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  w -= step m / (sqrt(v) + eps)
inline void adam_exact(std::size_t n, float* __restrict w, const float* __restrict g, float* __restrict m,
                       float* __restrict v) {
  for (std::size_t i = 0; i < n; ++i) {
    m[i] = kB1 * m[i] + kC1 * g[i];
    v[i] = kB2 * v[i] + kC2 * g[i] * g[i];
    w[i] -= kStep * m[i] / (std::sqrt(v[i]) + kEps);
  }
}

// The same loads and stores with sqrt and division replaced by one multiply: the loop's memory
// floor. Equal times to adam_exact mean the update is bound by its 28 bytes of traffic per
// parameter (read w, g, m, v; write w, m, v), not by the square root and the division.
inline void adam_memory_floor(std::size_t n, float* __restrict w, const float* __restrict g, float* __restrict m,
                              float* __restrict v) {
  for (std::size_t i = 0; i < n; ++i) {
    m[i] = kB1 * m[i] + kC1 * g[i];
    v[i] = kB2 * v[i] + kC2 * g[i] * g[i];
    w[i] -= kStep * m[i] * v[i];
  }
}

#if defined(__AVX512F__)
// adam_exact with 1 / (sqrt(v) + eps) from approximations: sqrt(v) = v rsqrt(v), rsqrt14 and one
// Newton step y (3 - v y^2) / 2 (v clamped to FLT_MIN: v = 0 gives ~1e-19, not 0 * inf), then
// rcp14 and one Newton step r (2 - d r). Max relative error of 1 / (sqrt(v) + eps) against double:
// 2.4e-7, against 1.5e-7 for the exact float formula (v from 0 over [1e-30, 1e4], eps 1e-7 and 1e-8).
inline void adam_rsqrt14(std::size_t n, float* __restrict w, const float* __restrict g, float* __restrict m,
                         float* __restrict v) {
  const __m512 b1 = _mm512_set1_ps(kB1), c1 = _mm512_set1_ps(kC1), b2 = _mm512_set1_ps(kB2);
  const __m512 c2 = _mm512_set1_ps(kC2), eps = _mm512_set1_ps(kEps), step = _mm512_set1_ps(kStep);
  const __m512 half = _mm512_set1_ps(0.5f), two = _mm512_set1_ps(2.0f), three = _mm512_set1_ps(3.0f);
  const __m512 tiny = _mm512_set1_ps(FLT_MIN);
  constexpr std::size_t kLanes = 16;
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const __m512 gi = _mm512_loadu_ps(g + i);
    const __m512 mi = _mm512_fmadd_ps(b1, _mm512_loadu_ps(m + i), _mm512_mul_ps(c1, gi));
    const __m512 vi = _mm512_fmadd_ps(b2, _mm512_loadu_ps(v + i), _mm512_mul_ps(_mm512_mul_ps(c2, gi), gi));
    _mm512_storeu_ps(m + i, mi);
    _mm512_storeu_ps(v + i, vi);
    const __m512 x = _mm512_max_ps(vi, tiny);
    __m512 y = _mm512_rsqrt14_ps(x);
    y = _mm512_mul_ps(_mm512_mul_ps(half, y), _mm512_fnmadd_ps(_mm512_mul_ps(x, y), y, three));
    const __m512 d = _mm512_fmadd_ps(x, y, eps);  // sqrt(v) + eps
    __m512 r = _mm512_rcp14_ps(d);
    r = _mm512_mul_ps(r, _mm512_fnmadd_ps(d, r, two));
    _mm512_storeu_ps(w + i, _mm512_fnmadd_ps(_mm512_mul_ps(step, mi), r, _mm512_loadu_ps(w + i)));
  }
  adam_exact(n - i, w + i, g + i, m + i, v + i);
}
#endif

}  // namespace bench
