#include "workload/RateFunction.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numbers>
#include <stdexcept>

namespace leptonsim {
namespace {

bool is_positive_finite(double x) { return x > 0.0 && std::isfinite(x); }

}  // namespace

ConstantRate::ConstantRate(double rate) : rate_(rate) {
  if (!is_positive_finite(rate))
    throw std::invalid_argument(fmt::format("arrival rate must be positive and finite, got {}", rate));
}

std::string ConstantRate::describe() const { return fmt::format("constant {}/s", rate_); }

SinusoidalRate::SinusoidalRate(double mean_rate, double peak_to_trough, double period, double phase)
    : mean_(mean_rate), peak_to_trough_(peak_to_trough), period_(period), phase_(phase),
      amplitude_((peak_to_trough - 1.0) / (peak_to_trough + 1.0)) {
  if (!is_positive_finite(mean_rate))
    throw std::invalid_argument(fmt::format("diurnal mean rate must be positive and finite, got {}", mean_rate));
  if (!(peak_to_trough >= 1.0) || !std::isfinite(peak_to_trough))
    throw std::invalid_argument(fmt::format("diurnal peak-to-trough ratio must be >= 1 and finite, got {}", peak_to_trough));
  if (!is_positive_finite(period))
    throw std::invalid_argument(fmt::format("diurnal period must be positive and finite, got {} s", period));
  if (!std::isfinite(phase))
    throw std::invalid_argument(fmt::format("diurnal phase must be finite, got {} s", phase));
}

double SinusoidalRate::rate_at(double t) const {
  return mean_ * (1.0 + amplitude_ * std::sin(2.0 * std::numbers::pi * (t - phase_) / period_));
}

RateFunction::Bound SinusoidalRate::bound_from(double) const {
  return {peak_rate(), std::numeric_limits<double>::infinity(), amplitude_ == 0.0};
}

double SinusoidalRate::integral(double t0, double t1) const {
  const double omega = 2.0 * std::numbers::pi / period_;
  return mean_ * ((t1 - t0) + amplitude_ / omega *
                                  (std::cos(omega * (t0 - phase_)) - std::cos(omega * (t1 - phase_))));
}

std::string SinusoidalRate::describe() const {
  return fmt::format("sinusoidal mean {}/s, peak/trough {}, period {} s, phase {} s", mean_, peak_to_trough_,
                     period_, phase_);
}

SpikeMultipliedRate::SpikeMultipliedRate(std::shared_ptr<const RateFunction> base, std::vector<RateSpike> spikes)
    : base_(std::move(base)), spikes_(std::move(spikes)) {
  if (!base_) throw std::invalid_argument("spike rate needs a base rate function");
  std::vector<double> boundaries;
  for (std::size_t i = 0; i < spikes_.size(); ++i) {
    const RateSpike& s = spikes_[i];
    if (!std::isfinite(s.start))
      throw std::invalid_argument(fmt::format("spikes[{}].start must be finite, got {} s", i, s.start));
    if (!(s.duration > 0.0))
      throw std::invalid_argument(fmt::format("spikes[{}].duration must be positive, got {} s", i, s.duration));
    if (!(s.multiplier >= 0.0) || !std::isfinite(s.multiplier))
      throw std::invalid_argument(
          fmt::format("spikes[{}].multiplier must be >= 0 and finite, got {}", i, s.multiplier));
    boundaries.push_back(s.start);
    boundaries.push_back(s.start + s.duration);
  }
  std::sort(boundaries.begin(), boundaries.end());
  boundaries.erase(std::unique(boundaries.begin(), boundaries.end()), boundaries.end());
  for (std::size_t i = 0; i + 1 < boundaries.size(); ++i) {
    const double start = boundaries[i], end = boundaries[i + 1];
    double multiplier = 1.0;
    for (const RateSpike& s : spikes_)
      if (s.start <= start && start < s.start + s.duration) multiplier *= s.multiplier;
    if (multiplier == 1.0) continue;
    if (!segments_.empty() && segments_.back().end == start && segments_.back().multiplier == multiplier)
      segments_.back().end = end;
    else
      segments_.push_back({start, end, multiplier});
  }
}

std::size_t SpikeMultipliedRate::first_segment_ending_after(double t) const {
  const auto it = std::upper_bound(segments_.begin(), segments_.end(), t,
                                   [](double value, const Segment& s) { return value < s.end; });
  return static_cast<std::size_t>(it - segments_.begin());
}

double SpikeMultipliedRate::multiplier_at(double t) const {
  const std::size_t i = first_segment_ending_after(t);
  return (i < segments_.size() && segments_[i].start <= t) ? segments_[i].multiplier : 1.0;
}

double SpikeMultipliedRate::rate_at(double t) const { return base_->rate_at(t) * multiplier_at(t); }

RateFunction::Bound SpikeMultipliedRate::bound_from(double t) const {
  const Bound base = base_->bound_from(t);
  const std::size_t i = first_segment_ending_after(t);
  double multiplier = 1.0;
  double until = std::numeric_limits<double>::infinity();
  if (i < segments_.size()) {
    if (segments_[i].start <= t) {
      multiplier = segments_[i].multiplier;
      until = segments_[i].end;
    } else {
      until = segments_[i].start;
    }
  }
  return {base.rate * multiplier, std::min(base.valid_until, until), base.is_exact || multiplier == 0.0};
}

double SpikeMultipliedRate::integral(double t0, double t1) const {
  double total = base_->integral(t0, t1);
  for (const Segment& s : segments_) {
    const double lo = std::max(t0, s.start), hi = std::min(t1, s.end);
    if (lo < hi) total += (s.multiplier - 1.0) * base_->integral(lo, hi);
  }
  return total;
}

std::string SpikeMultipliedRate::describe() const {
  std::string text = base_->describe();
  for (const RateSpike& s : spikes_)
    text += fmt::format(", x{} for {} s from {} s", s.multiplier, s.duration, s.start);
  return text;
}

}  // namespace leptonsim
