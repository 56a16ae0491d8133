#include "InferenceService.hpp"

#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace sg4 = simgrid::s4u;

namespace leptonsim {
namespace {

Distribution to_distribution(const DistributionSpec& spec) {
  switch (spec.kind) {
    case DistributionSpec::Kind::deterministic: return Distribution::deterministic(spec.mean);
    case DistributionSpec::Kind::exponential: return Distribution::exponential(spec.mean);
    case DistributionSpec::Kind::lognormal: return Distribution::lognormal(spec.mean, spec.sigma);
  }
  throw std::logic_error("unknown distribution kind");
}

Distribution demand_of(const ServiceSpec& spec) {
  if (spec.demand.flops) return to_distribution(*spec.demand.flops);
  if (spec.demand.service_time) return to_distribution(*spec.demand.service_time);
  return Distribution::deterministic(0.1);
}

}  // namespace

InferenceService::InferenceService(const ServiceSpec& spec, std::vector<ReplicaSetup> replicas,
                                   std::unique_ptr<LoadBalancer> balancer, std::uint64_t root_seed, double warmup,
                                   double end_time)
    : spec_(spec),
      is_time_demand_(!spec.demand.flops.has_value()),
      demand_(demand_of(spec)),
      balancer_(std::move(balancer)),
      arrival_stream_(make_stream(root_seed, "service/" + spec.name + "/arrivals")),
      demand_stream_(make_stream(root_seed, "service/" + spec.name + "/demand")),
      warmup_(warmup),
      end_time_(end_time) {
  if (replicas.empty()) throw std::invalid_argument("service " + spec.name + " has no replicas");
  if (!(spec.arrivals.rate > 0)) throw std::invalid_argument("service " + spec.name + ": arrival rate must be > 0");
  for (std::size_t r = 0; r < replicas.size(); ++r) {
    replicas_.emplace_back().setup = std::move(replicas[r]);
    loads_.push_back(ReplicaLoad{0, 0, spec.max_concurrency, 1.0, true});
  }
}

int InferenceService::gpu_count() const {
  int total = 0;
  for (const Replica& replica : replicas_) total += static_cast<int>(replica.setup.gpus.size());
  return total;
}

void InferenceService::start() {
  const double first = arrival_stream_.exponential(1.0 / spec_.arrivals.rate);
  if (first < end_time_) schedule_at(first, [this] { on_arrival(); });
}

void InferenceService::on_arrival() {
  const double now = sg4::Engine::get_clock();
  if (is_stopped_) return;
  ++arrived_;
  ++interval_arrivals_;
  if (now >= warmup_) ++arrived_in_window_;
  dispatch(Request{now, demand_.sample(demand_stream_)}, now);
  const double next = now + arrival_stream_.exponential(1.0 / spec_.arrivals.rate);
  if (next < end_time_) schedule_at(next, [this] { on_arrival(); });
}

int InferenceService::choose_replica(bool needs_free_slot) {
  const BalancerView view{loads_, needs_free_slot};
  const int chosen = balancer_->choose(view);
  if (chosen >= static_cast<int>(loads_.size()) || (chosen >= 0 && !view.is_eligible(chosen)))
    throw std::logic_error(fmt::format("load balancer '{}' of service '{}' chose ineligible replica {}",
                                       spec_.load_balancer.policy, spec_.name, chosen));
  return chosen;
}

void InferenceService::dispatch(const Request& request, double now) {
  in_system_integral_.add(now, 1.0);
  if (spec_.queue == ServiceSpec::QueueLocation::balancer) {
    // Late binding: hold the request at the balancer until a slot is free.
    const int chosen = balancer_queue_.empty() ? choose_replica(true) : -1;
    if (chosen < 0) {
      balancer_queue_.push_back(request);
      ++waiting_;
      record_waiting(now);
      return;
    }
    begin_service(chosen, request, now);
    return;
  }
  const int chosen = choose_replica(false);
  if (chosen < 0) throw std::logic_error("no ready replica for service " + spec_.name);
  Replica& replica = replicas_[chosen];
  if (loads_[chosen].in_service >= loads_[chosen].slots) {
    ++loads_[chosen].outstanding;
    replica.queue.push_back(request);
    ++waiting_;
    record_waiting(now);
    return;
  }
  begin_service(chosen, request, now);
}

void InferenceService::record_waiting(double now) { waiting_integral_.set(now, waiting_); }

void InferenceService::update_busy(Replica& replica, int index, double now) {
  const ReplicaLoad& load = loads_[index];
  const double level =
      is_time_demand_ ? static_cast<double>(load.in_service) / load.slots : (load.in_service > 0 ? 1.0 : 0.0);
  replica.busy.set(now, level);
}

void InferenceService::begin_service(int index, const Request& request, double now) {
  Replica& replica = replicas_[index];
  if (replica.free_slots.empty()) {
    // Slots are created on first use: max_concurrency may be large.
    auto slot = std::make_unique<Slot>();
    slot->service = this;
    slot->replica = index;
    replica.free_slots.push_back(slot.get());
    replica.slots.push_back(std::move(slot));
  }
  Slot* slot = replica.free_slots.back();
  replica.free_slots.pop_back();
  ++loads_[index].in_service;
  ++loads_[index].outstanding;
  in_service_integral_.add(now, 1.0);
  update_busy(replica, index, now);
  if (request.arrival >= warmup_) wait_.record(now - request.arrival);

  slot->request = request;
  const auto gpus = static_cast<int>(replica.setup.gpus.size());
  slot->pending_execs = gpus;
  slot->execs.clear();
  for (sg4::Host* gpu : replica.setup.gpus) {
    sg4::ExecPtr exec = sg4::Exec::init();
    exec->set_host(gpu);
    const double speed = gpu->get_speed();
    if (is_time_demand_) {
      // One slot of `slots` gets exactly speed/slots, so it takes `demand` seconds
      // whatever the other slots do.
      const double share = speed / spec_.max_concurrency;
      exec->set_flops_amount(request.demand * share);
      if (spec_.max_concurrency > 1) exec->set_bound(share);
    } else {
      exec->set_flops_amount(request.demand / gpus);
    }
    slot->execs.push_back(exec);
    CompletionDispatch::start(exec, slot);
  }
}

void InferenceService::Slot::on_activity_complete(const sg4::Activity&) {
  if (--pending_execs == 0) service->finish_service(*this);
}

void InferenceService::finish_service(Slot& slot) {
  for (auto& exec : slot.execs) CompletionDispatch::retire(std::move(exec));
  slot.execs.clear();
  if (is_stopped_) return;
  const double now = sg4::Engine::get_clock();
  const int index = slot.replica;
  Replica& replica = replicas_[index];
  replica.free_slots.push_back(&slot);
  --loads_[index].in_service;
  --loads_[index].outstanding;
  in_service_integral_.add(now, -1.0);
  in_system_integral_.add(now, -1.0);
  update_busy(replica, index, now);
  ++completed_;
  ++replica.completed;
  ++interval_completions_;
  const double latency = now - slot.request.arrival;
  interval_latency_sum_ += latency;
  if (now >= warmup_) ++completed_in_window_;
  if (slot.request.arrival >= warmup_) latency_.record(latency);

  // The freed slot takes the next waiting request.
  if (spec_.queue == ServiceSpec::QueueLocation::balancer) {
    if (!balancer_queue_.empty()) {
      const Request next = balancer_queue_.front();
      balancer_queue_.pop_front();
      --waiting_;
      record_waiting(now);
      begin_service(choose_replica(true), next, now);
    }
  } else if (!replica.queue.empty()) {
    const Request next = replica.queue.front();
    replica.queue.pop_front();
    --waiting_;
    record_waiting(now);
    --loads_[index].outstanding;  // begin_service counts it again
    begin_service(index, next, now);
  }
}

void InferenceService::begin_measurement(double now) {
  waiting_integral_.advance(now);
  in_system_integral_.advance(now);
  waiting_at_window_start_ = waiting_integral_.area();
  in_system_at_window_start_ = in_system_integral_.area();
  for (Replica& replica : replicas_) {
    replica.busy.advance(now);
    replica.busy_at_window_start = replica.busy.area();
  }
}

void InferenceService::sample(double now, std::vector<TimeSeries>& series) {
  const double interval = now - last_sample_time_;
  if (interval <= 0) return;
  waiting_integral_.advance(now);
  in_service_integral_.advance(now);
  double busy_area = 0.0;
  for (Replica& replica : replicas_) {
    replica.busy.advance(now);
    busy_area += replica.busy.area();
  }
  auto put = [&](const char* name, double value) {
    for (TimeSeries& s : series)
      if (s.series == name && s.entity == spec_.name) {
        s.t.push_back(now);
        s.value.push_back(value);
        return;
      }
    series.push_back(TimeSeries{name, spec_.name, {now}, {value}});
  };
  put("service.arrival_rate", interval_arrivals_ / interval);
  put("service.completion_rate", interval_completions_ / interval);
  put("service.queue_length", (waiting_integral_.area() - waiting_area_at_sample_) / interval);
  put("service.in_service", (in_service_integral_.area() - in_service_area_at_sample_) / interval);
  put("service.utilization", (busy_area - busy_area_at_sample_) / interval / replicas_.size());
  if (interval_completions_ > 0) put("service.latency_mean", interval_latency_sum_ / interval_completions_);
  last_sample_time_ = now;
  interval_arrivals_ = interval_completions_ = 0;
  interval_latency_sum_ = 0.0;
  waiting_area_at_sample_ = waiting_integral_.area();
  in_service_area_at_sample_ = in_service_integral_.area();
  busy_area_at_sample_ = busy_area;
}

void InferenceService::stop(double now) {
  waiting_integral_.advance(now);
  in_system_integral_.advance(now);
  in_service_integral_.advance(now);
  for (Replica& replica : replicas_) replica.busy.advance(now);
  is_stopped_ = true;
}

double InferenceService::gpu_busy_seconds_in_window() const {
  double total = 0.0;
  for (const Replica& replica : replicas_)
    total += (replica.busy.area() - replica.busy_at_window_start) * replica.setup.gpus.size();
  return total;
}

double InferenceService::gpu_busy_seconds_total() const {
  double total = 0.0;
  for (const Replica& replica : replicas_) total += replica.busy.area() * replica.setup.gpus.size();
  return total;
}

void InferenceService::report(RunResult& result) const {
  const double window = end_time_ - warmup_;
  const std::string prefix = "service." + spec_.name + ".";
  auto put = [&](const std::string& metric, double value, const char* unit) {
    result.summary.push_back(SummaryMetric{prefix + metric, value, unit});
  };
  const double nan = std::nan("");
  put("replicas", static_cast<double>(replicas_.size()), "1");
  put("gpus", gpu_count(), "1");
  put("requests_arrived", static_cast<double>(arrived_), "1");
  put("requests_completed", static_cast<double>(completed_), "1");
  put("requests_unfinished", static_cast<double>(arrived_ - completed_), "1");
  put("arrival_rate", arrived_in_window_ / window, "req/s");
  put("throughput", completed_in_window_ / window, "req/s");
  put("wait_mean", wait_.empty() ? nan : wait_.mean(), "s");
  put("wait_p99", wait_.empty() ? nan : wait_.quantile(0.99), "s");
  put("latency_mean", latency_.empty() ? nan : latency_.mean(), "s");
  put("latency_p50", latency_.empty() ? nan : latency_.quantile(0.50), "s");
  put("latency_p95", latency_.empty() ? nan : latency_.quantile(0.95), "s");
  put("latency_p99", latency_.empty() ? nan : latency_.quantile(0.99), "s");
  put("latency_max", latency_.empty() ? nan : latency_.max(), "s");
  put("latency_samples", static_cast<double>(latency_.count()), "1");
  put("queue_length_mean", (waiting_integral_.area() - waiting_at_window_start_) / window, "1");
  put("in_system_mean", (in_system_integral_.area() - in_system_at_window_start_) / window, "1");
  double busy = 0.0;
  for (const Replica& replica : replicas_) busy += replica.busy.area() - replica.busy_at_window_start;
  put("utilization", busy / window / replicas_.size(), "1");
  if (spec_.slo.latency_p99 > 0) {
    put("slo_latency_p99_target", spec_.slo.latency_p99, "s");
    put("slo_attainment", latency_.empty() ? nan : latency_.fraction_at_or_below(spec_.slo.latency_p99), "1");
    put("slo_met", !latency_.empty() && latency_.quantile(0.99) <= spec_.slo.latency_p99 ? 1.0 : 0.0, "1");
  }
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    const Replica& replica = replicas_[r];
    std::string gpus;
    for (const sg4::Host* gpu : replica.setup.gpus) gpus += (gpus.empty() ? "" : ",") + gpu->get_name();
    result.replicas.push_back(ReplicaRecord{spec_.name, static_cast<int>(r), replica.setup.node, gpus,
                                            replica.completed,
                                            (replica.busy.area() - replica.busy_at_window_start) / window});
  }
}

}  // namespace leptonsim
