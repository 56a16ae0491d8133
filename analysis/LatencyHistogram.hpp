// LatencyHistogram: constant-time recording of non-negative durations (seconds)
// with bounded memory and a stated relative precision for quantiles.
//
// Buckets are log-linear (the HDR-histogram idea): each binary octave
// [2^(e-1), 2^e) is split into kSubBuckets equal-width sub-buckets. A value is
// mapped to its bucket with std::frexp and one multiplication, so record() is
// O(1) and never calls log(). A quantile is reported as the midpoint of the
// bucket that holds the wanted order statistic, which is within
// 1 / (2 * kSubBuckets) = 1/1024 < 1e-3 of it, relative, for any value in
// [kMinTrackable, kMaxTrackable] = [1e-9 s, 1e7 s].
//
// Exact zeros have their own bucket (quantile() then returns exactly 0).
// Positive values below kMinTrackable or above kMaxTrackable are counted in the
// lowest / highest octave; count, sum, mean, min and max stay exact for them but
// quantiles that fall there lose the precision guarantee. Every quantile is
// finally clamped to [min(), max()], so quantile(0) == min() and
// quantile(1) == max() exactly.
//
// Memory: octaves are allocated on first use (kSubBuckets counters, 4 KiB,
// each); the whole range is at most kOctaves = 54 octaves (216 KiB), a
// typical latency distribution touches a handful. A moved-from histogram is
// empty.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace leptonsim {

class LatencyHistogram {
 public:
  static constexpr double kMinTrackable = 1e-9;      // seconds
  static constexpr double kMaxTrackable = 1e7;       // seconds
  static constexpr int kSubBuckets = 512;            // per binary octave
  /// Guaranteed bound on |quantile(q) - x_k| / x_k inside the trackable range.
  static constexpr double kRelativePrecision = 1e-3;

  LatencyHistogram();
  LatencyHistogram(const LatencyHistogram& other);
  LatencyHistogram& operator=(const LatencyHistogram& other);
  LatencyHistogram(LatencyHistogram&& other) noexcept;
  LatencyHistogram& operator=(LatencyHistogram&& other) noexcept;
  ~LatencyHistogram() = default;

  /// Records one value. Throws std::invalid_argument for negative, NaN or
  /// infinite values.
  void record(double seconds);
  /// Records the same value `times` times (O(1)).
  void record_n(double seconds, std::uint64_t times);

  /// Adds every sample of `other` to this histogram.
  void merge(const LatencyHistogram& other);
  /// Forgets every sample (keeps allocated memory).
  void clear();

  std::uint64_t count() const { return count_; }
  std::uint64_t zero_count() const { return zero_count_; }
  bool empty() const { return count_ == 0; }
  /// Exact sum (compensated summation), 0 when empty.
  double sum() const { return sum_ + sum_compensation_; }
  /// sum() / count(); NaN when empty.
  double mean() const;
  /// Exact smallest / largest recorded value; NaN when empty.
  double min() const;
  double max() const;

  /// The q-quantile, q in [0, 1], by the nearest-rank (inverse empirical CDF)
  /// definition: the k-th smallest sample x_(k) with k = max(1, ceil(q * n)).
  /// The result is within kRelativePrecision of x_(k) (exact for zeros, for
  /// q = 0 and for q = 1). NaN when empty; std::invalid_argument if q is
  /// outside [0, 1] or NaN.
  double quantile(double q) const;

  /// Approximate fraction of samples <= threshold (e.g. SLO attainment): a
  /// whole bucket counts as "<=" when its midpoint is <= threshold, so samples
  /// within kRelativePrecision of the threshold may be misclassified. Exact
  /// when threshold < min() or >= max(). NaN when empty.
  double fraction_at_or_below(double threshold) const;

 private:
  static constexpr int kMinExponent = -29;  // frexp exponent of 1e-9 (2^-30 <= 1e-9 < 2^-29)
  static constexpr int kMaxExponent = 24;   // frexp exponent of 1e7 (2^23 <= 1e7 < 2^24)
  static constexpr int kOctaves = kMaxExponent - kMinExponent + 1;

  using Octave = std::array<std::uint64_t, kSubBuckets>;

  struct BucketIndex {
    int octave;  // 0 .. kOctaves-1
    int sub;     // 0 .. kSubBuckets-1
  };
  static BucketIndex index_of(double positive_value);
  static double bucket_midpoint(int octave, int sub);
  void add_to_sum(double value);

  std::array<std::unique_ptr<Octave>, kOctaves> octaves_;  // null until used
  std::uint64_t count_ = 0;
  std::uint64_t zero_count_ = 0;
  double sum_ = 0.0;
  double sum_compensation_ = 0.0;  // Neumaier running error of sum_
  double min_ = 0.0;
  double max_ = 0.0;
};

}  // namespace leptonsim
