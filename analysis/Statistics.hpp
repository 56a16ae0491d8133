// Statistics for simulation output: Student-t confidence intervals for a mean
// (independent replications, e.g. one value per seed), the batch-means interval
// for one long autocorrelated series, and a streaming accumulator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace leptonsim {

/// Two-sided confidence interval for a mean: [lower, upper] =
/// mean -/+ half_width, from n observations (n = number of batches for
/// batch_means_ci). With n == 1 the half width is +infinity.
struct ConfidenceInterval {
  double mean = 0.0;
  double half_width = 0.0;
  double lower = 0.0;
  double upper = 0.0;
  std::size_t n = 0;
};

/// The p-quantile of Student's t distribution with `degrees_of_freedom` > 0,
/// e.g. student_t_quantile(0.975, 4) = 2.776445. Throws std::invalid_argument
/// for p outside (0, 1) or degrees_of_freedom <= 0.
double student_t_quantile(double p, double degrees_of_freedom);

/// Interval for the mean of i.i.d. (approximately normal) values:
/// mean +/- t(1 - (1 - confidence)/2, n - 1) * s / sqrt(n), s the sample
/// standard deviation (n - 1 denominator). `confidence` in (0, 1), e.g. 0.95.
/// Throws std::invalid_argument for an empty input or a bad confidence level.
ConfidenceInterval mean_ci(const std::vector<double>& values, double confidence);

/// Non-overlapping batch means for one autocorrelated series (e.g. per-request
/// latencies of one long run after warm-up): the series is cut into
/// `n_batches` contiguous batches of floor(N / n_batches) values each; the
/// N mod n_batches leftover values at the *start* are dropped (they are the
/// most transient). The result is mean_ci of the batch means, so `n` is
/// n_batches. Choose batches long enough that their means are nearly
/// uncorrelated (10 to 30 batches is usual).
/// Throws std::invalid_argument if n_batches < 2 or the series is shorter than
/// n_batches.
ConfidenceInterval batch_means_ci(const std::vector<double>& series, std::size_t n_batches,
                                  double confidence);

/// Streaming count / mean / variance / min / max (Welford's update; merge by
/// Chan et al.'s pairwise formula). O(1) memory.
class RunningStats {
 public:
  void add(double x);
  /// Combines with another accumulator as if all its values had been add()ed.
  void merge(const RunningStats& other);
  void clear() { *this = RunningStats{}; }

  std::uint64_t count() const { return n_; }
  /// NaN when empty.
  double mean() const;
  /// Sample variance (n - 1 denominator); NaN when count() < 2.
  double variance() const;
  /// Population variance (n denominator); NaN when empty.
  double population_variance() const;
  /// sqrt(variance()).
  double stddev() const;
  /// NaN when empty.
  double min() const;
  double max() const;
  /// Student-t interval for the mean of the values added (treats them as i.i.d.).
  /// Throws std::invalid_argument when empty or for a bad confidence level.
  ConfidenceInterval mean_ci(double confidence) const;

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;  // sum of squared deviations from the mean
  double min_ = 0.0;
  double max_ = 0.0;
};

}  // namespace leptonsim
