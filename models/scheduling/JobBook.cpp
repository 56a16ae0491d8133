#include "scheduling/JobBook.hpp"

#include <fmt/format.h>
#include <stdexcept>

namespace leptonsim {

void JobBook::add_waiting(WaitingJob job) {
  const WaitingKey key{job.submit_time, job.id};
  if (!waiting_index_.emplace(job.id, key).second || running_.count(job.id) > 0)
    throw std::logic_error(fmt::format("JobBook: job {} is already known", job.id));
  if (job.demand.is_fractional()) {
    ++fractional_waiting_;
  } else {
    waiting_gpus_.insert(job.demand.gpus);
  }
  waiting_.emplace(key, std::move(job));
}

WaitingJob JobBook::take_waiting(int id) {
  auto index = waiting_index_.find(id);
  if (index == waiting_index_.end()) throw std::out_of_range(fmt::format("JobBook: job {} is not waiting", id));
  auto it = waiting_.find(index->second);
  WaitingJob job = std::move(it->second);
  waiting_.erase(it);
  waiting_index_.erase(index);
  if (job.demand.is_fractional()) {
    --fractional_waiting_;
  } else {
    waiting_gpus_.erase(waiting_gpus_.find(job.demand.gpus));
  }
  return job;
}

void JobBook::add_running(RunningJob job) {
  if (waiting_index_.count(job.id) > 0 || !running_by_end_.emplace(job.expected_end, job.id).second)
    throw std::logic_error(fmt::format("JobBook: job {} is already known", job.id));
  const int id = job.id;
  running_.emplace(id, std::move(job));
}

RunningJob JobBook::take_running(int id) {
  auto it = running_.find(id);
  if (it == running_.end()) throw std::out_of_range(fmt::format("JobBook: job {} is not running", id));
  RunningJob job = std::move(it->second);
  running_.erase(it);
  running_by_end_.erase({job.expected_end, id});
  return job;
}

}  // namespace leptonsim
