#include "serving/FluidDecodeBatch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace leptonsim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Progress within this distance of a finish counts as finished (absorbs the
// rounding of inverting t(x); far below one token).
double finish_tolerance(double progress) { return 1e-9 * std::max(1.0, std::abs(progress)); }

}  // namespace

FluidDecodeBatch::FluidDecodeBatch(DecodeIterationCost cost, double start_time) : DecodeBatch(start_time), cost_(cost) {
  if (!(cost_.compute_seconds_per_request > 0.0 || cost_.weights_seconds > 0.0 || cost_.overhead_seconds > 0.0))
    throw std::invalid_argument("FluidDecodeBatch: a decode iteration must take some time");
  if (cost_.weights_seconds < 0.0 || cost_.seconds_per_context_token < 0.0 || cost_.compute_seconds_per_request < 0.0 ||
      cost_.overhead_seconds < 0.0)
    throw std::invalid_argument("FluidDecodeBatch: negative decode cost term");
  start_segment();
}

void FluidDecodeBatch::start_segment() {
  segment_start_time_ = now_;
  segment_start_progress_ = progress_;
  const double batch = static_cast<double>(members_.size());
  const double context = total_context_tokens();
  // max(0, ·) only matters when requests have (almost) no context at all.
  segment_memory_seconds_ =
      cost_.weights_seconds + cost_.seconds_per_context_token * std::max(0.0, context - 0.5 * batch);
  segment_memory_slope_ = cost_.seconds_per_context_token * batch;
  segment_compute_seconds_ = cost_.compute_seconds_per_request * batch;
  if (segment_memory_seconds_ >= segment_compute_seconds_)
    segment_switch_progress_ = 0.0;
  else if (segment_memory_slope_ > 0.0)
    segment_switch_progress_ = (segment_compute_seconds_ - segment_memory_seconds_) / segment_memory_slope_;
  else
    segment_switch_progress_ = kInfinity;
}

double FluidDecodeBatch::segment_time_for_progress(double x) const {
  const double compute_rate = segment_compute_seconds_ + cost_.overhead_seconds;  // seconds per token, compute-bound
  if (x <= segment_switch_progress_) return compute_rate * x;
  const double u = segment_switch_progress_;
  const double alpha = segment_memory_seconds_ + cost_.overhead_seconds;
  return compute_rate * u + alpha * (x - u) + 0.5 * segment_memory_slope_ * (x * x - u * u);
}

double FluidDecodeBatch::segment_progress_for_time(double t) const {
  const double compute_rate = segment_compute_seconds_ + cost_.overhead_seconds;
  const double u = segment_switch_progress_;
  if (u > 0.0 && t <= compute_rate * u) return t / compute_rate;  // also when u is infinite
  // Solve (s/2)·x² + α·x = R, with R collecting the constant terms of t(x); the
  // form 2R / (α + √(α² + 2sR)) is stable when s is small or zero.
  const double alpha = segment_memory_seconds_ + cost_.overhead_seconds;
  const double s = segment_memory_slope_;
  const double r = t - compute_rate * u + alpha * u + 0.5 * s * u * u;
  if (r <= 0.0) return 0.0;
  return 2.0 * r / (alpha + std::sqrt(alpha * alpha + 2.0 * s * r));
}

void FluidDecodeBatch::add(DecodeRequestId id, std::int64_t output_tokens, std::int64_t context_tokens) {
  if (output_tokens < 0 || context_tokens < 0)
    throw std::invalid_argument(fmt::format("decode request {}: negative token count", id));
  if (members_.count(id) != 0) throw std::invalid_argument(fmt::format("decode request {} is already in the batch", id));
  if (output_tokens == 0) {
    completed_.push_back({id, now_});
    return;
  }
  const Member member{progress_ + static_cast<double>(output_tokens), static_cast<double>(context_tokens) - progress_};
  members_.emplace(id, member);
  by_finish_.emplace(member.finish_progress, id);
  context_base_ += member.context_offset;
  start_segment();
}

std::optional<DecodeProgress> FluidDecodeBatch::remove(DecodeRequestId id) {
  auto it = members_.find(id);
  if (it == members_.end()) return std::nullopt;
  const Member member = it->second;
  const DecodeProgress state{id, std::max(0.0, member.finish_progress - progress_), member.context_offset + progress_};
  by_finish_.erase({member.finish_progress, id});
  members_.erase(it);
  context_base_ -= member.context_offset;
  if (members_.empty()) progress_ = context_base_ = 0.0;
  start_segment();
  return state;
}

void FluidDecodeBatch::finish_due_members(double time) {
  now_ = std::max(now_, time);
  progress_ = std::max(progress_, by_finish_.begin()->first);
  const double limit = progress_ + finish_tolerance(progress_);
  while (!by_finish_.empty() && by_finish_.begin()->first <= limit) {
    const DecodeRequestId id = by_finish_.begin()->second;
    by_finish_.erase(by_finish_.begin());
    auto it = members_.find(id);
    context_base_ -= it->second.context_offset;
    members_.erase(it);
    completed_.push_back({id, now_});
  }
  if (members_.empty()) progress_ = context_base_ = 0.0;
  start_segment();
}

void FluidDecodeBatch::advance_to(double time) {
  if (!(time >= now_))
    throw std::invalid_argument(fmt::format("FluidDecodeBatch: cannot go back in time from {} to {}", now_, time));
  while (!members_.empty()) {
    const double next =
        segment_start_time_ + segment_time_for_progress(by_finish_.begin()->first - segment_start_progress_);
    if (next > time) break;
    finish_due_members(next);
  }
  if (!members_.empty()) {
    const double x = segment_progress_for_time(time - segment_start_time_);
    progress_ = std::min(segment_start_progress_ + x, by_finish_.begin()->first);
    // Within rounding of a finish: complete now rather than leave a sliver of a token.
    if (by_finish_.begin()->first - progress_ <= finish_tolerance(progress_)) finish_due_members(time);
  }
  now_ = time;
}

double FluidDecodeBatch::time_to_next_completion() const {
  if (members_.empty()) return kInfinity;
  const double next =
      segment_start_time_ + segment_time_for_progress(by_finish_.begin()->first - segment_start_progress_);
  return std::max(0.0, next - now_);
}

std::optional<DecodeProgress> FluidDecodeBatch::progress(DecodeRequestId id) const {
  auto it = members_.find(id);
  if (it == members_.end()) return std::nullopt;
  return DecodeProgress{id, std::max(0.0, it->second.finish_progress - progress_), it->second.context_offset + progress_};
}

double FluidDecodeBatch::current_iteration_seconds() const {
  if (members_.empty()) return 0.0;
  return cost_.seconds(static_cast<double>(members_.size()), total_context_tokens());
}

}  // namespace leptonsim
