// DecodeBatch: the requests a replica is decoding together (continuous
// batching), advanced through time by the simulator.
//
// Every decode iteration produces one token for each request of the batch and
// takes DecodeIterationCost::seconds(batch size, total context) (see
// LlmPerformanceModel.hpp). The simulator drives a batch like this:
//
//   batch.advance_to(now);                  // completions up to now are recorded
//   for (auto& done : batch.take_completed()) ...;
//   batch.add(id, output_tokens, context);  // joins at now()
//   wake up at now + batch.time_to_next_completion();
//
// Two implementations share this interface: FluidDecodeBatch (a few events per
// request, whatever its number of tokens) and IterationDecodeBatch (iteration
// by iteration, exact, for small runs and for validating the fluid one).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace leptonsim {

using DecodeRequestId = std::uint64_t;

struct DecodeCompletion {
  DecodeRequestId id = 0;
  double time = 0.0;  // when the request's last token was produced
};

// A request's state in the batch.
struct DecodeProgress {
  DecodeRequestId id = 0;
  double remaining_tokens = 0.0;  // tokens still to produce (fractional in the fluid batch)
  double context_tokens = 0.0;    // tokens in its KV cache: prompt plus tokens produced so far
};

class DecodeBatch {
public:
  virtual ~DecodeBatch() = default;

  // The batch's clock: the time of the last advance_to (starts at the time given to the constructor).
  double now() const { return now_; }

  // A request joins at now() with `output_tokens` tokens to produce and
  // `context_tokens` already in its KV cache (the prompt, plus the first token
  // if prefill produced it). A request with no tokens to produce completes at
  // once. Throws std::invalid_argument for a negative count or a duplicate id.
  virtual void add(DecodeRequestId id, std::int64_t output_tokens, std::int64_t context_tokens) = 0;
  // The request leaves at now() without completing (preemption, failure);
  // returns its progress, or nothing when it is not in the batch.
  virtual std::optional<DecodeProgress> remove(DecodeRequestId id) = 0;
  // Moves the clock to `time` (>= now()), recording every completion on the way
  // at its exact time; completed requests leave the batch when they complete.
  virtual void advance_to(double time) = 0;
  void advance(double elapsed_seconds) { advance_to(now_ + elapsed_seconds); }

  // Seconds from now() to the next completion if nothing joins or leaves;
  // +infinity when the batch is empty.
  virtual double time_to_next_completion() const = 0;
  // Requests decoding (including those waiting to join, for the iteration batch).
  virtual std::size_t size() const = 0;
  bool is_empty() const { return size() == 0; }
  // The state of one request, or nothing.
  virtual std::optional<DecodeProgress> progress(DecodeRequestId id) const = 0;

  // Completions recorded since the last call, in completion order (ties by id).
  std::vector<DecodeCompletion> take_completed() { return std::exchange(completed_, {}); }

protected:
  explicit DecodeBatch(double start_time) : now_(start_time) {}
  double now_;
  std::vector<DecodeCompletion> completed_;
};

}  // namespace leptonsim
