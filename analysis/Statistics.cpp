#include "Statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <boost/math/distributions/students_t.hpp>

namespace leptonsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

void check_confidence(double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0))
    throw std::invalid_argument("confidence level must be in (0, 1), got " +
                                std::to_string(confidence));
}

// Interval from summary numbers; sample_variance is ignored when n < 2.
ConfidenceInterval make_ci(std::size_t n, double mean, double sample_variance, double confidence) {
  ConfidenceInterval ci;
  ci.n = n;
  ci.mean = mean;
  if (n < 2) {
    ci.half_width = kInf;
  } else {
    const double t = student_t_quantile(1.0 - (1.0 - confidence) / 2.0, static_cast<double>(n - 1));
    ci.half_width = t * std::sqrt(std::max(sample_variance, 0.0) / static_cast<double>(n));
  }
  ci.lower = mean - ci.half_width;
  ci.upper = mean + ci.half_width;
  return ci;
}

}  // namespace

double student_t_quantile(double p, double degrees_of_freedom) {
  if (!(p > 0.0 && p < 1.0))
    throw std::invalid_argument("student_t_quantile: p must be in (0, 1), got " + std::to_string(p));
  if (!(degrees_of_freedom > 0.0))
    throw std::invalid_argument("student_t_quantile: degrees of freedom must be > 0, got " +
                                std::to_string(degrees_of_freedom));
  const boost::math::students_t distribution(degrees_of_freedom);
  return boost::math::quantile(distribution, p);
}

ConfidenceInterval mean_ci(const std::vector<double>& values, double confidence) {
  check_confidence(confidence);
  if (values.empty()) throw std::invalid_argument("mean_ci: no values");
  RunningStats stats;
  for (double v : values) stats.add(v);
  return stats.mean_ci(confidence);
}

ConfidenceInterval batch_means_ci(const std::vector<double>& series, std::size_t n_batches,
                                  double confidence) {
  check_confidence(confidence);
  if (n_batches < 2) throw std::invalid_argument("batch_means_ci: need at least 2 batches");
  if (series.size() < n_batches)
    throw std::invalid_argument("batch_means_ci: series of " + std::to_string(series.size()) +
                                " values is shorter than " + std::to_string(n_batches) +
                                " batches");
  const std::size_t batch_size = series.size() / n_batches;
  const std::size_t first = series.size() - batch_size * n_batches;
  std::vector<double> batch_means;
  batch_means.reserve(n_batches);
  for (std::size_t b = 0; b < n_batches; ++b) {
    const std::size_t begin = first + b * batch_size;
    RunningStats batch;
    for (std::size_t i = begin; i < begin + batch_size; ++i) batch.add(series[i]);
    batch_means.push_back(batch.mean());
  }
  return mean_ci(batch_means, confidence);
}

void RunningStats::add(double x) {
  ++n_;
  if (n_ == 1) {
    mean_ = x;
    m2_ = 0.0;
    min_ = max_ = x;
    return;
  }
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (x - mean_);
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
}

void RunningStats::merge(const RunningStats& other) {
  if (other.n_ == 0) return;
  if (n_ == 0) {
    *this = other;
    return;
  }
  const double na = static_cast<double>(n_);
  const double nb = static_cast<double>(other.n_);
  const double n = na + nb;
  const double delta = other.mean_ - mean_;
  mean_ += delta * nb / n;
  m2_ += other.m2_ + delta * delta * na * nb / n;
  n_ += other.n_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double RunningStats::mean() const { return n_ == 0 ? kNaN : mean_; }

double RunningStats::variance() const {
  return n_ < 2 ? kNaN : m2_ / static_cast<double>(n_ - 1);
}

double RunningStats::population_variance() const {
  return n_ == 0 ? kNaN : m2_ / static_cast<double>(n_);
}

double RunningStats::stddev() const { return std::sqrt(variance()); }

double RunningStats::min() const { return n_ == 0 ? kNaN : min_; }
double RunningStats::max() const { return n_ == 0 ? kNaN : max_; }

ConfidenceInterval RunningStats::mean_ci(double confidence) const {
  check_confidence(confidence);
  if (n_ == 0) throw std::invalid_argument("mean_ci: no values");
  return make_ci(static_cast<std::size_t>(n_), mean_, n_ < 2 ? 0.0 : variance(), confidence);
}

}  // namespace leptonsim
