// One LLM serving replica: prefill then continuous-batching decode, driven by
// kernel timers in maestro context.
//
// Admitted requests reserve KV-cache space for their prompt and output. Their
// prompts are prefilled one at a time (compute-bound, LlmPerformanceModel); the
// decode batch pauses while a prefill runs, as in a serving engine without
// chunked prefill. The first token comes out of prefill; the rest are decoded
// by a DecodeBatch: the fluid one costs a few events per request whatever its
// length (the rate is recomputed only when the batch changes), the iteration
// one an event per iteration (for validating the fluid one on small runs).
#pragma once

#include "serving/DecodeBatch.hpp"
#include "serving/LlmPerformanceModel.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace leptonsim {

class LlmReplica {
public:
  struct Job {
    std::uint64_t id = 0;
    double arrival = 0.0;
    std::int64_t input_tokens = 1;
    std::int64_t output_tokens = 1;
    double first_token_time = -1.0;  // set when its prefill ends
    int attempt = 0;                 // retries so far (a failed replica lost it before)
    int origin = -1;                 // the user population it came from (routed services), -1 = none
  };
  using FinishCallback = std::function<void(const Job& job, double finish_time)>;
  using BusyCallback = std::function<void(bool is_busy, double now)>;

  LlmReplica(const LlmPerformanceModel& model, bool iteration_mode, FinishCallback on_finish, BusyCallback on_busy);

  // Whether the KV cache has room for the job's prompt and output now.
  bool has_room_for(const Job& job) const;
  // Whether the job could ever fit in an empty KV cache.
  bool could_ever_fit(const Job& job) const;
  // Starts serving the job (the caller checked has_room_for).
  void admit(const Job& job, double now);
  // Stops every timer: the run is over.
  void stop() { ++generation_; }
  // The replica's hardware failed: every admitted job is dropped (returned,
  // for the clients to retry) and the engine stops.
  std::vector<Job> abort(double now);

private:
  void start_next_prefill(double now);
  void on_prefill_done(std::uint64_t generation);
  void on_decode_wakeup(std::uint64_t generation, double target_batch_time);
  void collect_completions(double now, double at_least = 0.0);
  void schedule_next(double now);
  void update_busy(double now);
  double batch_time(double now) const { return now - paused_seconds_; }

  const LlmPerformanceModel& model_;
  std::unique_ptr<DecodeBatch> batch_;
  FinishCallback on_finish_;
  BusyCallback on_busy_;
  std::deque<Job> prefill_queue_;
  std::map<std::uint64_t, Job> decoding_;
  bool is_prefilling_ = false;
  double pause_started_ = 0.0;
  double paused_seconds_ = 0.0;      // wall time the decode batch spent paused: batch time = now - this
  std::int64_t kv_reserved_ = 0;     // tokens of KV cache reserved by admitted jobs
  std::uint64_t generation_ = 0;     // a timer from an older generation is stale
  bool was_busy_ = false;
};

}  // namespace leptonsim
