#include "serving/IterationDecodeBatch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace leptonsim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr std::int64_t kNoLimit = std::numeric_limits<std::int64_t>::max();

}  // namespace

IterationDecodeBatch::IterationDecodeBatch(DecodeIterationCost cost, double start_time)
    : DecodeBatch(start_time), cost_(cost) {
  if (!(cost_.compute_seconds_per_request > 0.0 || cost_.weights_seconds > 0.0 || cost_.overhead_seconds > 0.0))
    throw std::invalid_argument("IterationDecodeBatch: a decode iteration must take some time");
}

void IterationDecodeBatch::add(DecodeRequestId id, std::int64_t output_tokens, std::int64_t context_tokens) {
  if (output_tokens < 0 || context_tokens < 0)
    throw std::invalid_argument(fmt::format("decode request {}: negative token count", id));
  if (running_.count(id) != 0 || waiting_.count(id) != 0)
    throw std::invalid_argument(fmt::format("decode request {} is already in the batch", id));
  if (output_tokens == 0) {
    completed_.push_back({id, now_});
    return;
  }
  if (iteration_running_ && now_ > iteration_start_) {
    waiting_.emplace(id, Member{output_tokens, context_tokens});
  } else {
    // No iteration, or one that starts at this very instant: (re)start it with the newcomer.
    running_.emplace(id, Member{output_tokens, context_tokens});
    start_iteration();
  }
}

std::optional<DecodeProgress> IterationDecodeBatch::remove(DecodeRequestId id) {
  for (auto* members : {&running_, &waiting_}) {
    auto it = members->find(id);
    if (it == members->end()) continue;
    const DecodeProgress state{id, static_cast<double>(it->second.remaining), static_cast<double>(it->second.context)};
    members->erase(it);
    // Leaving at the instant the iteration starts: it runs without this request.
    if (members == &running_ && iteration_running_ && now_ == iteration_start_) start_iteration();
    return state;
  }
  return std::nullopt;
}

void IterationDecodeBatch::start_iteration() {
  running_.merge(waiting_);
  if (running_.empty()) {
    iteration_running_ = false;
    return;
  }
  double context = 0.0;
  for (const auto& [id, member] : running_) context += static_cast<double>(member.context);
  iteration_running_ = true;
  iteration_start_ = now_;
  iteration_end_ = now_ + cost_.seconds(static_cast<double>(running_.size()), context);
}

void IterationDecodeBatch::finish_iteration() {
  now_ = iteration_end_;
  ++iterations_;
  for (auto it = running_.begin(); it != running_.end();) {
    --it->second.remaining;
    ++it->second.context;
    if (it->second.remaining == 0) {
      completed_.push_back({it->first, now_});  // map order: ties by id
      it = running_.erase(it);
    } else {
      ++it;
    }
  }
  start_iteration();
}

void IterationDecodeBatch::advance_to(double time) {
  if (!(time >= now_))
    throw std::invalid_argument(fmt::format("IterationDecodeBatch: cannot go back in time from {} to {}", now_, time));
  while (iteration_running_ && iteration_end_ <= time) finish_iteration();
  now_ = time;
}

double IterationDecodeBatch::time_to_next_completion() const {
  if (!iteration_running_) return kInfinity;
  std::int64_t running_min = kNoLimit;
  double context = 0.0;
  for (const auto& [id, member] : running_) {
    running_min = std::min(running_min, member.remaining);
    context += static_cast<double>(member.context) + 1.0;  // after the current iteration
  }
  if (running_min == 1) return iteration_end_ - now_;
  std::int64_t waiting_min = kNoLimit;
  for (const auto& [id, member] : waiting_) {
    waiting_min = std::min(waiting_min, member.remaining);
    context += static_cast<double>(member.context);
  }
  const double batch = static_cast<double>(running_.size() + waiting_.size());
  if (batch == 0.0) return kInfinity;
  // Iterations after the current one until somebody finishes; the batch stays the same meanwhile.
  const std::int64_t more = std::min(running_min == kNoLimit ? kNoLimit : running_min - 1, waiting_min);
  double end = iteration_end_;
  for (std::int64_t k = 0; k < more; ++k) {
    end += cost_.seconds(batch, context);
    context += batch;
  }
  return end - now_;
}

std::optional<DecodeProgress> IterationDecodeBatch::progress(DecodeRequestId id) const {
  for (const auto* members : {&running_, &waiting_}) {
    auto it = members->find(id);
    if (it != members->end())
      return DecodeProgress{id, static_cast<double>(it->second.remaining), static_cast<double>(it->second.context)};
  }
  return std::nullopt;
}

}  // namespace leptonsim
