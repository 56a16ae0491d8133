#include "LlmReplica.hpp"

#include "CompletionDispatch.hpp"
#include "serving/FluidDecodeBatch.hpp"
#include "serving/IterationDecodeBatch.hpp"

#include <algorithm>
#include <cmath>
#include <simgrid/s4u/Engine.hpp>

namespace leptonsim {

LlmReplica::LlmReplica(const LlmPerformanceModel& model, bool iteration_mode, FinishCallback on_finish,
                       BusyCallback on_busy)
    : model_(model), on_finish_(std::move(on_finish)), on_busy_(std::move(on_busy)) {
  const double now = simgrid::s4u::Engine::get_clock();
  if (iteration_mode)
    batch_ = std::make_unique<IterationDecodeBatch>(model.decode_cost(), now);
  else
    batch_ = std::make_unique<FluidDecodeBatch>(model.decode_cost(), now);
  paused_seconds_ = 0.0;
}

bool LlmReplica::has_room_for(const Job& job) const {
  return kv_reserved_ + job.input_tokens + job.output_tokens <= model_.kv_capacity_tokens();
}

bool LlmReplica::could_ever_fit(const Job& job) const {
  return job.input_tokens + job.output_tokens <= model_.kv_capacity_tokens();
}

void LlmReplica::admit(const Job& job, double now) {
  kv_reserved_ += job.input_tokens + job.output_tokens;
  prefill_queue_.push_back(job);
  if (!is_prefilling_) start_next_prefill(now);
}

std::vector<LlmReplica::Job> LlmReplica::abort(double now) {
  ++generation_;
  std::vector<Job> dropped(prefill_queue_.begin(), prefill_queue_.end());
  for (const auto& [id, job] : decoding_) {
    batch_->remove(id);
    dropped.push_back(job);
  }
  prefill_queue_.clear();
  decoding_.clear();
  kv_reserved_ = 0;
  if (is_prefilling_) paused_seconds_ += now - pause_started_;
  is_prefilling_ = false;
  update_busy(now);
  return dropped;
}

void LlmReplica::start_next_prefill(double now) {
  if (prefill_queue_.empty()) {
    schedule_next(now);
    update_busy(now);
    return;
  }
  // Pause decoding: bring the batch up to now first.
  collect_completions(now);
  is_prefilling_ = true;
  pause_started_ = now;
  const std::uint64_t generation = ++generation_;
  const double end = now + model_.prefill_seconds(static_cast<double>(prefill_queue_.front().input_tokens));
  schedule_at(end, [this, generation] { on_prefill_done(generation); });
  update_busy(now);
}

void LlmReplica::on_prefill_done(std::uint64_t generation) {
  if (generation != generation_) return;
  const double now = simgrid::s4u::Engine::get_clock();
  is_prefilling_ = false;
  paused_seconds_ += now - pause_started_;
  Job job = prefill_queue_.front();
  prefill_queue_.pop_front();
  job.first_token_time = now;
  // Prefill produced the first token; decode produces the rest.
  decoding_[job.id] = job;
  batch_->add(job.id, job.output_tokens - 1, job.input_tokens + 1);
  start_next_prefill(now);
}

void LlmReplica::collect_completions(double now, double at_least) {
  if (is_prefilling_) return;  // the batch is paused
  // Wall and batch clocks differ by the pauses; rounding must not leave the
  // batch a hair short of the completion its wake-up was scheduled for.
  batch_->advance_to(std::max({batch_->now(), batch_time(now), at_least}));
  for (const DecodeCompletion& done : batch_->take_completed()) {
    const auto it = decoding_.find(done.id);
    const Job job = it->second;
    decoding_.erase(it);
    kv_reserved_ -= job.input_tokens + job.output_tokens;
    on_finish_(job, done.time + paused_seconds_);
  }
}

void LlmReplica::schedule_next(double now) {
  if (is_prefilling_) return;
  const double wait = batch_->time_to_next_completion();
  if (!std::isfinite(wait)) return;
  const std::uint64_t generation = ++generation_;
  const double target = batch_->now() + std::max(0.0, wait);
  schedule_at(now + std::max(0.0, wait), [this, generation, target] { on_decode_wakeup(generation, target); });
}

void LlmReplica::on_decode_wakeup(std::uint64_t generation, double target_batch_time) {
  if (generation != generation_) return;
  const double now = simgrid::s4u::Engine::get_clock();
  // on_finish_ may admit new jobs, which may start a prefill and reschedule.
  collect_completions(now, target_batch_time);
  if (!is_prefilling_) schedule_next(now);
  update_busy(now);
}

void LlmReplica::update_busy(double now) {
  const bool is_busy = is_prefilling_ || !batch_->is_empty() || !prefill_queue_.empty();
  if (is_busy != was_busy_) {
    was_busy_ = is_busy;
    on_busy_(is_busy, now);
  }
}

}  // namespace leptonsim
