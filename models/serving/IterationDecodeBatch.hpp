// IterationDecodeBatch: decoding iteration by iteration, with exact integer
// token counts, as a continuous-batching engine (Orca, vLLM) runs it.
//
// An iteration starts with the requests present at its start; its duration is
// DecodeIterationCost::seconds(B, total context) with the context counted at
// its start; at its end each of those requests has one more token (and one more
// token of context) and those with none left complete. A request that arrives
// while an iteration runs waits and joins at the next one (one that arrives at
// the very instant an iteration starts joins it); a request removed
// while an iteration runs does not get that iteration's token. The work grows
// with the number of tokens: use it for small runs and to validate
// FluidDecodeBatch.
#pragma once

#include "serving/DecodeBatch.hpp"
#include "serving/LlmPerformanceModel.hpp"

#include <map>

namespace leptonsim {

class IterationDecodeBatch final : public DecodeBatch {
public:
  explicit IterationDecodeBatch(DecodeIterationCost cost, double start_time = 0.0);

  void add(DecodeRequestId id, std::int64_t output_tokens, std::int64_t context_tokens) override;
  std::optional<DecodeProgress> remove(DecodeRequestId id) override;
  void advance_to(double time) override;
  double time_to_next_completion() const override;
  std::size_t size() const override { return running_.size() + waiting_.size(); }
  std::optional<DecodeProgress> progress(DecodeRequestId id) const override;

  // Iterations completed so far.
  std::int64_t iterations() const { return iterations_; }
  bool is_iteration_running() const { return iteration_running_; }

private:
  struct Member {
    std::int64_t remaining;
    std::int64_t context;
  };

  void start_iteration();
  void finish_iteration();

  DecodeIterationCost cost_;
  std::map<DecodeRequestId, Member> running_;  // in the current iteration
  std::map<DecodeRequestId, Member> waiting_;  // joined during it; join the next one
  bool iteration_running_ = false;
  double iteration_start_ = 0.0;
  double iteration_end_ = 0.0;
  std::int64_t iterations_ = 0;
};

}  // namespace leptonsim
