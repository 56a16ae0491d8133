#include "LatencyHistogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace leptonsim {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The guarantee stated in the header follows from the bucket layout.
static_assert(1.0 / (2.0 * LatencyHistogram::kSubBuckets) <= LatencyHistogram::kRelativePrecision,
              "sub-buckets too coarse for the stated relative precision");
}  // namespace

LatencyHistogram::LatencyHistogram() = default;

LatencyHistogram::LatencyHistogram(const LatencyHistogram& other)
    : count_(other.count_),
      zero_count_(other.zero_count_),
      sum_(other.sum_),
      sum_compensation_(other.sum_compensation_),
      min_(other.min_),
      max_(other.max_) {
  for (int i = 0; i < kOctaves; ++i)
    if (other.octaves_[i]) octaves_[i] = std::make_unique<Octave>(*other.octaves_[i]);
}

LatencyHistogram& LatencyHistogram::operator=(const LatencyHistogram& other) {
  if (this != &other) {
    LatencyHistogram copy(other);
    *this = std::move(copy);
  }
  return *this;
}

LatencyHistogram::LatencyHistogram(LatencyHistogram&& other) noexcept
    : octaves_(std::move(other.octaves_)),
      count_(other.count_),
      zero_count_(other.zero_count_),
      sum_(other.sum_),
      sum_compensation_(other.sum_compensation_),
      min_(other.min_),
      max_(other.max_) {
  other.clear();
}

LatencyHistogram& LatencyHistogram::operator=(LatencyHistogram&& other) noexcept {
  if (this != &other) {
    octaves_ = std::move(other.octaves_);
    count_ = other.count_;
    zero_count_ = other.zero_count_;
    sum_ = other.sum_;
    sum_compensation_ = other.sum_compensation_;
    min_ = other.min_;
    max_ = other.max_;
    other.clear();
  }
  return *this;
}

LatencyHistogram::BucketIndex LatencyHistogram::index_of(double positive_value) {
  int exponent = 0;
  const double mantissa = std::frexp(positive_value, &exponent);  // in [0.5, 1)
  if (exponent < kMinExponent) return {0, 0};
  if (exponent > kMaxExponent) return {kOctaves - 1, kSubBuckets - 1};
  // (mantissa - 0.5) * 2 * kSubBuckets is exact (power-of-two scaling).
  int sub = static_cast<int>((mantissa - 0.5) * (2.0 * kSubBuckets));
  sub = std::clamp(sub, 0, kSubBuckets - 1);
  return {exponent - kMinExponent, sub};
}

double LatencyHistogram::bucket_midpoint(int octave, int sub) {
  // Bucket [0.5 + sub/(2S), 0.5 + (sub+1)/(2S)) * 2^e; midpoint below.
  const double mantissa = 0.5 + (sub + 0.5) / (2.0 * kSubBuckets);
  return std::ldexp(mantissa, octave + kMinExponent);
}

void LatencyHistogram::add_to_sum(double value) {
  // Neumaier's variant of Kahan summation.
  const double t = sum_ + value;
  if (std::abs(sum_) >= std::abs(value))
    sum_compensation_ += (sum_ - t) + value;
  else
    sum_compensation_ += (value - t) + sum_;
  sum_ = t;
}

void LatencyHistogram::record(double seconds) { record_n(seconds, 1); }

void LatencyHistogram::record_n(double seconds, std::uint64_t times) {
  if (!std::isfinite(seconds) || seconds < 0.0)
    throw std::invalid_argument("LatencyHistogram: value must be finite and >= 0, got " +
                                std::to_string(seconds));
  if (times == 0) return;
  if (count_ == 0) {
    min_ = max_ = seconds;
  } else {
    min_ = std::min(min_, seconds);
    max_ = std::max(max_, seconds);
  }
  count_ += times;
  if (seconds == 0.0) {
    zero_count_ += times;
    return;
  }
  add_to_sum(times == 1 ? seconds : seconds * static_cast<double>(times));
  const BucketIndex idx = index_of(seconds);
  auto& octave = octaves_[idx.octave];
  if (!octave) octave = std::make_unique<Octave>(Octave{});
  (*octave)[idx.sub] += times;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  if (this == &other) {
    const LatencyHistogram copy(other);
    merge(copy);
    return;
  }
  if (count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  count_ += other.count_;
  zero_count_ += other.zero_count_;
  add_to_sum(other.sum_);
  add_to_sum(other.sum_compensation_);
  for (int i = 0; i < kOctaves; ++i) {
    if (!other.octaves_[i]) continue;
    if (!octaves_[i]) {
      octaves_[i] = std::make_unique<Octave>(*other.octaves_[i]);
      continue;
    }
    for (int s = 0; s < kSubBuckets; ++s) (*octaves_[i])[s] += (*other.octaves_[i])[s];
  }
}

void LatencyHistogram::clear() {
  for (auto& octave : octaves_)
    if (octave) octave->fill(0);
  count_ = zero_count_ = 0;
  sum_ = sum_compensation_ = 0.0;
  min_ = max_ = 0.0;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? kNaN : sum() / static_cast<double>(count_);
}

double LatencyHistogram::min() const { return count_ == 0 ? kNaN : min_; }
double LatencyHistogram::max() const { return count_ == 0 ? kNaN : max_; }

double LatencyHistogram::quantile(double q) const {
  if (!(q >= 0.0 && q <= 1.0))
    throw std::invalid_argument("LatencyHistogram::quantile: q must be in [0, 1]");
  if (count_ == 0) return kNaN;
  if (q == 0.0) return min_;
  if (q == 1.0) return max_;
  const double n = static_cast<double>(count_);
  std::uint64_t rank = static_cast<std::uint64_t>(std::ceil(q * n));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  if (rank <= zero_count_) return 0.0;
  std::uint64_t seen = zero_count_;
  for (int i = 0; i < kOctaves; ++i) {
    if (!octaves_[i]) continue;
    const Octave& octave = *octaves_[i];
    for (int s = 0; s < kSubBuckets; ++s) {
      seen += octave[s];
      if (seen >= rank) return std::clamp(bucket_midpoint(i, s), min_, max_);
    }
  }
  return max_;  // unreachable when the counters are consistent
}

double LatencyHistogram::fraction_at_or_below(double threshold) const {
  if (count_ == 0) return kNaN;
  if (std::isnan(threshold) || threshold < min_) return 0.0;
  if (threshold >= max_) return 1.0;
  std::uint64_t below = zero_count_;  // threshold >= min_ >= 0 here
  for (int i = 0; i < kOctaves; ++i) {
    if (!octaves_[i]) continue;
    const Octave& octave = *octaves_[i];
    for (int s = 0; s < kSubBuckets; ++s) {
      if (bucket_midpoint(i, s) > threshold)
        return static_cast<double>(below) / static_cast<double>(count_);
      below += octave[s];
    }
  }
  return static_cast<double>(below) / static_cast<double>(count_);
}

}  // namespace leptonsim
