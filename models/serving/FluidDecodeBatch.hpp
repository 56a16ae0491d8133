// FluidDecodeBatch: decoding as a fluid, so that the events per request do not
// grow with its number of tokens.
//
// Between two changes of the batch (a join, a leave, a completion) all B
// requests progress at the same rate, one token per iteration, so one number,
// the progress x (tokens produced by each request since the change), describes
// them all. Each produced token adds one token of context per request, so the
// batch's total context grows with x:
//     C(x) = C0 + B · (x − 1/2)
// where C0 is the total context at the change. (The −1/2 centres the
// continuous context on the discrete one: iteration j, for x in [j, j+1),
// reads C0 + B·j; the average of C(x) over that interval is the same. The
// shifted start is clamped at 0 for requests with no context at all.)
// The time to progress x is the integral of the iteration time:
//     t(x) = ∫₀ˣ T(B, C(u)) du,  T(B, C) = max(a + m·C, K) + O
// (a = weights_seconds, m = seconds_per_context_token, K = B ·
// compute_seconds_per_request, O = overhead_seconds). T is piecewise linear in
// u, so t(x) is piecewise quadratic and has a closed-form inverse: compute-bound
// (slope K + O) until u* where a + m·C(u*) = K, memory-bound after it. With
// a constant, memory-bound batch this equals the sum over the discrete
// iterations exactly:  t(n) = n·(a + m·C0 + O) + m·B·n·(n − 1)/2.
//
// A request joins the fluid at once; in a real engine (and in
// IterationDecodeBatch) it waits for the running iteration to end, on average
// half an iteration. That wait is left out: it is a fraction 1/(2n) of an
// n-token decode.
//
// So the rate is recomputed only when the batch changes, and a request costs
// O(log B) work per change. The batch keeps one cumulative progress counter X
// and stores for each request the X at which it finishes.
#pragma once

#include "serving/DecodeBatch.hpp"
#include "serving/LlmPerformanceModel.hpp"

#include <map>
#include <set>

namespace leptonsim {

class FluidDecodeBatch final : public DecodeBatch {
public:
  explicit FluidDecodeBatch(DecodeIterationCost cost, double start_time = 0.0);

  void add(DecodeRequestId id, std::int64_t output_tokens, std::int64_t context_tokens) override;
  std::optional<DecodeProgress> remove(DecodeRequestId id) override;
  void advance_to(double time) override;
  double time_to_next_completion() const override;
  std::size_t size() const override { return members_.size(); }
  std::optional<DecodeProgress> progress(DecodeRequestId id) const override;

  // Total tokens in the batch's KV caches now.
  double total_context_tokens() const { return context_base_ + static_cast<double>(members_.size()) * progress_; }
  // The seconds per iteration now (for utilisation and time-per-output-token metrics).
  double current_iteration_seconds() const;

  // Time to progress `tokens` further within the current segment, and its inverse (public for tests).
  double segment_time_for_progress(double segment_progress) const;
  double segment_progress_for_time(double segment_time) const;

private:
  struct Member {
    double finish_progress;  // value of progress_ at which it completes
    double context_offset;   // context = context_offset + progress_
  };

  void start_segment();
  void finish_due_members(double time);

  DecodeIterationCost cost_;
  std::map<DecodeRequestId, Member> members_;
  std::set<std::pair<double, DecodeRequestId>> by_finish_;  // (finish_progress, id): next completion first
  double progress_ = 0.0;      // X: tokens produced by every member since the batch was last empty
  double context_base_ = 0.0;  // Σ context_offset, so total context = context_base_ + B · X
  // The current segment (since the last change of the batch).
  double segment_start_time_ = 0.0;
  double segment_start_progress_ = 0.0;
  double segment_memory_seconds_ = 0.0;   // a + m·(C0 − B/2): memory-bound iteration time at x = 0
  double segment_memory_slope_ = 0.0;     // m·B: its growth per token of progress
  double segment_compute_seconds_ = 0.0;  // K = B · compute_seconds_per_request
  double segment_switch_progress_ = 0.0;  // u*: progress where memory overtakes compute
};

}  // namespace leptonsim
