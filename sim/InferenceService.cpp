#include "InferenceService.hpp"

#include "ServingCluster.hpp"
#include "NodeWeightCaches.hpp"
#include "DistributionFromSpec.hpp"

#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace sg4 = simgrid::s4u;

namespace leptonsim {
namespace {

Distribution demand_of(const ServiceSpec& spec) {
  if (spec.demand.flops) return to_distribution(*spec.demand.flops);
  if (spec.demand.service_time) return to_distribution(*spec.demand.service_time);
  return Distribution::deterministic(0.1);
}

}  // namespace

InferenceService::InferenceService(const ServiceSpec& spec, ServingCluster& cluster,
                                   std::unique_ptr<ArrivalProcess> arrivals, std::unique_ptr<LoadBalancer> balancer,
                                   std::unique_ptr<ReplicaAutoscaler> autoscaler, std::uint64_t root_seed,
                                   double warmup, double end_time, std::vector<Event>& events)
    : spec_(spec),
      cluster_(cluster),
      events_(events),
      is_time_demand_(!spec.demand.flops.has_value()),
      demand_(demand_of(spec)),
      arrivals_(std::move(arrivals)),
      balancer_(std::move(balancer)),
      autoscaler_(std::move(autoscaler)),
      token_stream_(make_stream(root_seed, "service/" + spec.name + "/tokens")),
      arrival_stream_(make_stream(root_seed, "service/" + spec.name + "/arrivals")),
      demand_stream_(make_stream(root_seed, "service/" + spec.name + "/demand")),
      warmup_(warmup),
      end_time_(end_time) {
  if (spec.llm.is_enabled) {
    LlmModelSpec model;
    model.parameters = spec.llm.parameters;
    model.bytes_per_parameter = spec.llm.bytes_per_parameter;
    model.layers = spec.llm.layers;
    model.hidden_size = spec.llm.hidden_size;
    model.attention_heads = spec.llm.attention_heads;
    model.kv_heads = spec.llm.kv_heads;
    model.kv_bytes_per_element = spec.llm.kv_bytes_per_element;
    if (spec.llm.kv_bytes_per_token > 0) model.kv_bytes_per_token = spec.llm.kv_bytes_per_token;
    ReplicaHardware hardware;
    hardware.gpu = cluster.gpu_of(spec.site);
    hardware.gpus = spec.gpus_per_replica;
    hardware.compute_efficiency = spec.llm.compute_efficiency;
    hardware.memory_efficiency = spec.llm.memory_efficiency;
    hardware.memory_reserved_fraction = spec.llm.memory_reserved_fraction;
    llm_model_ = std::make_unique<LlmPerformanceModel>(model, hardware);
    if (!llm_model_->fits_in_memory())
      throw std::runtime_error(fmt::format("service '{}': the model does not fit on {} x {}", spec.name,
                                           spec.gpus_per_replica, hardware.gpu.name));
    input_tokens_ = to_distribution(spec.tokens.input);
    output_tokens_ = to_distribution(spec.tokens.output);
  }
}

// ---- Replica lifecycle --------------------------------------------------------

int InferenceService::new_replica_index() {
  for (std::size_t i = 0; i < replicas_.size(); ++i)
    if (replicas_[i].state == ReplicaState::stopped && replicas_[i].assignment.node < 0) return static_cast<int>(i);
  replicas_.emplace_back();
  loads_.push_back(ReplicaLoad{0, 0, slots(), 1.0, false});
  return static_cast<int>(replicas_.size() - 1);
}

void InferenceService::add_event(double t, const std::string& kind, const std::string& detail) {
  events_.push_back(Event{t, kind, spec_.name, detail});
}

void InferenceService::start() {
  const double now = 0.0;
  for (int r = 0; r < spec_.replicas; ++r) {
    std::optional<GpuAssignment> assignment = cluster_.allocate_now(*this);
    if (!assignment && cluster_.has_node_pools(spec_.site)) {  // it waits for the node autoscaler
      cluster_.request_replica(*this);
      continue;
    }
    if (!assignment) throw std::runtime_error(fmt::format("service '{}': initial replica {} does not fit", spec_.name, r));
    const int index = new_replica_index();
    Replica& replica = replicas_[index];
    replica.assignment = std::move(*assignment);
    const SimNode& node = cluster_.node(replica.assignment.node);
    replica.node = node.name;
    replica.gpus.clear();
    for (int g : replica.assignment.gpu_indices) replica.gpus.push_back(node.gpus[g]);
    allocated_gpus_integral_.add(now, spec_.gpus_per_replica);
    make_ready(index, now);
  }
  desired_ = spec_.replicas;
  schedule_next_arrival();
  schedule_at(autoscaler_->period(), [this] { on_autoscaler_tick(); });
}

void InferenceService::on_replica_placed(GpuAssignment assignment) {
  const double now = sg4::Engine::get_clock();
  const int index = new_replica_index();
  Replica& replica = replicas_[index];
  replica.assignment = std::move(assignment);
  const SimNode& node = cluster_.node(replica.assignment.node);
  replica.node = node.name;
  replica.gpus.clear();
  for (int g : replica.assignment.gpu_indices) replica.gpus.push_back(node.gpus[g]);
  replica.state = ReplicaState::starting;
  replica.is_failed = false;
  replica.placed_at = now;
  ++replica.generation;
  allocated_gpus_integral_.add(now, spec_.gpus_per_replica);
  record_replica_counts(now);
  nlohmann::json detail{{"replica", index}, {"node", replica.node}};
  std::vector<std::string> gpu_names;
  for (const sg4::Host* gpu : replica.gpus) gpu_names.push_back(gpu->get_name());
  detail["gpus"] = gpu_names;
  add_event(now, "replica_starting", detail.dump());
  begin_cold_start(index);
}

void InferenceService::begin_cold_start(int index) {
  Replica& replica = replicas_[index];
  const ColdStartSpec cold = spec_.cold_start;
  const std::uint64_t generation = replica.generation;
  sg4::Host* storage = cluster_.storage_host(spec_.site);
  const std::vector<sg4::Host*> gpus = replica.gpus;
  const int node = replica.assignment.node;
  const std::string model = weights_model();
  NodeWeightCaches* caches = cluster_.weight_caches();
  // One short-lived actor per cold start (not per request): it sleeps through
  // the fixed delays and waits for the weight transfers, which share the network.
  sg4::Actor::create(fmt::format("coldstart/{}/{}", spec_.name, index), storage,
                     [this, index, generation, cold, storage, gpus, node, model, caches] {
                       sg4::this_actor::sleep_for(cold.placement_delay + cold.image_pull);
                       WeightsSource source = WeightsSource::none;
                       if (cold.weights_bytes > 0) {
                         // GPUs that failed meanwhile never get their weights: the cold start
                         // stalls until the failure is detected and the replica replaced.
                         for (sg4::Host* gpu : gpus)
                           if (!gpu->is_on()) return;
                         if (caches != nullptr && caches->lookup(node, model, sg4::Engine::get_clock())) {
                           // Cached on the node: read locally, no network.
                           source = WeightsSource::cache;
                           caches->count_bytes_read(cold.weights_bytes);
                           sg4::this_actor::sleep_for(cold.weights_bytes / caches->read_bandwidth(node));
                         } else {
                           source = WeightsSource::storage;
                           std::vector<sg4::CommPtr> transfers;
                           for (sg4::Host* gpu : gpus)
                             transfers.push_back(sg4::Comm::sendto_async(storage, gpu, cold.weights_bytes / gpus.size()));
                           try {
                             sg4::Comm::wait_all(transfers);
                           } catch (const simgrid::Exception&) {
                             return;  // a GPU or link failed under the transfer
                           }
                           if (caches != nullptr) caches->keep(node, model, cold.weights_bytes, sg4::Engine::get_clock());
                         }
                       }
                       sg4::this_actor::sleep_for(cold.warmup);
                       // Back to maestro context: execs must be started from there.
                       schedule_at(sg4::Engine::get_clock(), [this, index, generation, source] {
                         on_cold_start_done(index, generation, source);
                       });
                     });
}

void InferenceService::on_cold_start_done(int index, std::uint64_t generation, WeightsSource source) {
  Replica& replica = replicas_[index];
  if (is_stopped_ || replica.generation != generation || replica.state != ReplicaState::starting) return;
  const double now = sg4::Engine::get_clock();
  cold_start_.record(now - replica.placed_at);
  if (source == WeightsSource::cache) ++cold_start_cache_hits_;
  if (source == WeightsSource::storage) ++cold_start_cache_misses_;
  replica.weights_source = source;
  make_ready(index, now);
}

std::string InferenceService::weights_model() const {
  return spec_.cold_start.model.empty() ? spec_.name : spec_.cold_start.model;
}

void InferenceService::make_ready(int index, double now) {
  Replica& replica = replicas_[index];
  // Replicas placed before the run start with their weights on the node (a warm cache).
  if (now == 0 && cluster_.weight_caches() != nullptr && spec_.cold_start.weights_bytes > 0)
    cluster_.weight_caches()->keep(replica.assignment.node, weights_model(), spec_.cold_start.weights_bytes, now);
  replica.state = ReplicaState::ready;
  loads_[index] = ReplicaLoad{0, 0, slots(), 1.0, true};
  // A reused replica slot keeps its (idle) engine: stale timers may still point at it.
  if (llm_model_ && !replica.llm)
    replica.llm = std::make_unique<LlmReplica>(
        *llm_model_, spec_.llm.decode == LlmSpec::Decode::iteration,
        [this, index](const LlmReplica::Job& job, double finish) { finish_llm_job(index, job, finish); },
        [this, index](bool is_busy, double t) { replicas_[index].busy.set(t, is_busy ? 1.0 : 0.0); });
  nlohmann::json detail{{"replica", index}, {"node", replica.node}};
  std::vector<std::string> gpu_names;
  for (const sg4::Host* gpu : replica.gpus) gpu_names.push_back(gpu->get_name());
  detail["gpus"] = gpu_names;
  if (now > 0) detail["cold_start_seconds"] = now - replica.placed_at;
  if (now > 0 && replica.weights_source != WeightsSource::none)
    detail["weights_from"] = replica.weights_source == WeightsSource::cache ? "cache" : "storage";
  add_event(now, now > 0 ? "replica_ready" : "replica_placed", detail.dump());
  record_replica_counts(now);
  drain_balancer_queue(now);
}

void InferenceService::drain(int index, double now) {
  Replica& replica = replicas_[index];
  replica.state = ReplicaState::draining;
  loads_[index].is_ready = false;
  record_replica_counts(now);
  stop_if_drained(index, now);
}

void InferenceService::stop_if_drained(int index, double now) {
  Replica& replica = replicas_[index];
  if (replica.state != ReplicaState::draining || loads_[index].in_service > 0 || !replica.queue.empty()) return;
  replica.state = ReplicaState::stopped;
  allocated_gpus_integral_.add(now, -spec_.gpus_per_replica);
  if (node_busy_seconds_) credit_node_busy(replica, now, *node_busy_seconds_);
  add_event(now, "replica_stopped", nlohmann::json{{"replica", index}, {"node", replica.node}}.dump());
  const GpuAssignment released = replica.assignment;
  replica.assignment = GpuAssignment{};
  record_replica_counts(now);
  cluster_.release(released);
}

int InferenceService::count_in_state(ReplicaState state) const {
  int count = 0;
  for (const Replica& replica : replicas_) count += replica.state == state ? 1 : 0;
  return count;
}

void InferenceService::record_replica_counts(double now) {
  const int ready = count_in_state(ReplicaState::ready);
  ready_integral_.set(now, ready);
  int healthy = 0;
  for (const Replica& replica : replicas_) healthy += (replica.state == ReplicaState::ready && !replica.is_failed) ? 1 : 0;
  available_.set(now, healthy >= spec_.min_ready_replicas ? 1.0 : 0.0);
  serving_integral_.set(now, ready + count_in_state(ReplicaState::draining));
  unplaced_integral_.set(now, cluster_.unplaced_requests(*this));
  max_ready_ = std::max(max_ready_, ready);
}

void InferenceService::scale_to(int desired, double now, const std::string& reason) {
  if (desired < 0) desired = 0;
  const int previous = desired_;
  desired_ = desired;
  int provisioned = count_in_state(ReplicaState::starting) + count_in_state(ReplicaState::ready) +
                    cluster_.unplaced_requests(*this);
  if (desired != previous)
    add_event(now, "scale_decision", nlohmann::json{{"from", previous}, {"to", desired}, {"reason", reason}}.dump());
  if (desired > provisioned) {
    scale_ups_ += desired - provisioned;
    for (; provisioned < desired; ++provisioned) cluster_.request_replica(*this);
  } else if (desired < provisioned) {
    int excess = provisioned - desired;
    scale_downs_ += excess;
    // Cheapest first: requests still waiting for GPUs, then cold starts, then
    // the ready replicas with the fewest outstanding requests (newest first).
    while (excess > 0 && cluster_.withdraw_request(*this)) --excess;
    for (int i = static_cast<int>(replicas_.size()) - 1; i >= 0 && excess > 0; --i)
      if (replicas_[i].state == ReplicaState::starting) {
        ++replicas_[i].generation;  // the cold start's completion is ignored
        replicas_[i].state = ReplicaState::draining;
        stop_if_drained(i, now);
        --excess;
      }
    while (excess > 0) {
      int victim = -1;
      for (int i = static_cast<int>(replicas_.size()) - 1; i >= 0; --i)
        if (replicas_[i].state == ReplicaState::ready &&
            (victim < 0 || loads_[i].outstanding < loads_[victim].outstanding))
          victim = i;
      if (victim < 0) break;
      drain(victim, now);
      --excess;
    }
  }
  record_replica_counts(now);
}

void InferenceService::on_autoscaler_tick() {
  if (is_stopped_) return;
  const double now = sg4::Engine::get_clock();
  const double period = now - last_tick_time_;
  waiting_integral_.advance(now);
  in_system_integral_.advance(now);
  ready_integral_.advance(now);
  serving_integral_.advance(now);
  for (Replica& replica : replicas_) replica.busy.advance(now);
  const double busy_area = busy_area_total();
  AutoscalerObservation observation;
  observation.now = now;
  observation.desired_replicas = desired_;
  observation.ready_replicas = count_in_state(ReplicaState::ready);
  observation.starting_replicas = count_in_state(ReplicaState::starting) + cluster_.unplaced_requests(*this);
  const double serving_area = serving_integral_.area() - serving_area_at_tick_;
  observation.gpu_utilization = serving_area > 0 ? (busy_area - busy_area_at_tick_) / serving_area : 0.0;
  observation.total_concurrency = period > 0 ? (in_system_integral_.area() - in_system_area_at_tick_) / period : 0.0;
  observation.concurrency = observation.total_concurrency / std::max(1, observation.ready_replicas);
  observation.request_rate = period > 0 ? tick_arrivals_ / period : 0.0;
  observation.seconds_since_last_request = last_arrival_ < 0 ? 1e18 : now - last_arrival_;
  observation.cold_start_seconds = cold_start_.empty() ? spec_.cold_start.placement_delay + spec_.cold_start.image_pull +
                                                             spec_.cold_start.warmup
                                                       : cold_start_.mean();
  const ScalingDecision decision = autoscaler_->decide(observation);
  last_tick_time_ = now;
  tick_arrivals_ = 0;
  busy_area_at_tick_ = busy_area;
  ready_area_at_tick_ = ready_integral_.area();
  serving_area_at_tick_ = serving_integral_.area();
  in_system_area_at_tick_ = in_system_integral_.area();
  if (decision.desired_replicas != desired_) scale_to(decision.desired_replicas, now, decision.reason);
  schedule_at(now + autoscaler_->period(), [this] { on_autoscaler_tick(); });
}

// ---- Request path ---------------------------------------------------------------

bool InferenceService::has_ready_replica() const {
  for (const ReplicaLoad& load : loads_)
    if (load.is_ready) return true;
  return false;
}

void InferenceService::schedule_next_arrival() {
  const std::optional<Arrival> next = arrivals_->next(arrival_stream_);
  if (!next || next->time >= end_time_) return;
  // Only `this` is captured, so the callback needs no heap allocation.
  next_arrival_ = *next;
  schedule_at(next->time, [this] { on_arrival(next_arrival_); });
}

void InferenceService::on_arrival(const Arrival& arrival) {
  accept(arrival, -1);
  schedule_next_arrival();
}

void InferenceService::inject(const Arrival& arrival, int origin) { accept(arrival, origin); }

InferenceService::RoutingLoad InferenceService::routing_load() const {
  RoutingLoad load;
  for (const ReplicaLoad& replica : loads_) {
    if (!replica.is_ready) continue;
    ++load.ready_replicas;
    load.slots += replica.concurrency;
    load.free_slots += std::max(0, replica.concurrency - replica.in_service);
  }
  load.waiting = waiting_ + static_cast<int>(balancer_queue_.size());
  load.recent_latency = recent_latency_;
  return load;
}

void InferenceService::accept(const Arrival& arrival, int origin) {
  const double now = sg4::Engine::get_clock();
  if (is_stopped_) return;
  ++arrived_;
  ++interval_arrivals_;
  ++tick_arrivals_;
  last_arrival_ = now;
  if (now >= warmup_) ++arrived_in_window_;
  Request request{now, 0.0, arrival.input_tokens, arrival.output_tokens};
  request.origin = origin;
  // Token totals count what the trace says (before the model's minimum of one token).
  if (arrival.input_tokens > 0) input_tokens_arrived_ += arrival.input_tokens;
  if (arrival.output_tokens > 0) output_tokens_arrived_ += arrival.output_tokens;
  if (llm_model_) {
    // Token counts from the trace, or drawn from the service's distributions.
    if (request.input_tokens < 0) {
      request.input_tokens = std::max<std::int64_t>(1, std::llround(input_tokens_->sample(token_stream_)));
      input_tokens_arrived_ += request.input_tokens;
    }
    if (request.output_tokens < 0) {
      request.output_tokens = std::max<std::int64_t>(1, std::llround(output_tokens_->sample(token_stream_)));
      output_tokens_arrived_ += request.output_tokens;
    }
    request.input_tokens = std::max<std::int64_t>(1, request.input_tokens);
    request.output_tokens = std::max<std::int64_t>(1, request.output_tokens);
  } else {
    request.demand = demand_.sample(demand_stream_);
  }
  if (llm_model_ && request.input_tokens + request.output_tokens > llm_model_->kv_capacity_tokens()) {
    // Longer than the whole KV cache of a replica: no replica can ever serve it.
    ++dropped_too_long_;
    ++interval_drops_;
    if (now >= warmup_) ++dropped_in_window_;
  } else {
    dispatch(request, now);
  }
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
  route_or_hold(request, now);
}

void InferenceService::route_or_hold(const Request& request, double now) {
  // FCFS: while requests wait at the balancer, a new one queues behind them.
  if (!balancer_queue_.empty() || !try_route(request, now)) hold_at_balancer(request, now);
}

// The request reached a replica whose hardware has failed: no answer comes;
// the client gives up after the retry timeout and tries again, or fails it.
void InferenceService::lose_request(const Request& request, double now) {
  ++requests_lost_;
  schedule_at(now + spec_.retry.timeout, [this, request] { on_request_timeout(request); });
}

void InferenceService::on_request_timeout(Request request) {
  if (is_stopped_) return;
  const double now = sg4::Engine::get_clock();
  if (request.attempt < spec_.retry.attempts) {
    ++request.attempt;
    ++requests_retried_;
    route_or_hold(request, now);
    return;
  }
  ++requests_failed_;
  ++interval_drops_;
  if (now >= warmup_) ++dropped_in_window_;
  in_system_integral_.add(now, -1.0);
}

bool InferenceService::is_on_gpus(const Replica& replica, const std::vector<GpuRef>& gpus) const {
  for (const int g : replica.assignment.gpu_indices)
    if (std::binary_search(gpus.begin(), gpus.end(), GpuRef{replica.assignment.node, g})) return true;
  return false;
}

void InferenceService::on_gpus_failed(const std::vector<GpuRef>& gpus, double now, const std::string& cause) {
  if (is_stopped_) return;
  for (int i = 0; i < static_cast<int>(replicas_.size()); ++i) {
    const Replica& replica = replicas_[i];
    if (replica.state != ReplicaState::stopped && !replica.is_failed && is_on_gpus(replica, gpus)) fail_replica(i, now, cause);
  }
}

void InferenceService::fail_replica(int index, double now, const std::string& cause) {
  Replica& replica = replicas_[index];
  replica.is_failed = true;
  ++replica_failures_;
  std::vector<Request> lost;
  if (replica.state == ReplicaState::starting) {
    ++replica.generation;  // its cold start never completes
  } else if (replica.llm) {
    for (const LlmReplica::Job& job : replica.llm->abort(now))
      lost.push_back(Request{job.arrival, 0.0, job.input_tokens, job.output_tokens, job.attempt, job.origin});
  } else {
    for (auto& slot : replica.slots) {
      if (slot->execs.empty()) continue;
      for (auto& exec : slot->execs) {
        exec->cancel();
        CompletionDispatch::keep_until_end(std::move(exec));
      }
      slot->execs.clear();
      replica.free_slots.push_back(slot.get());
      lost.push_back(slot->request);
    }
  }
  const auto in_service = static_cast<int>(lost.size());
  loads_[index].in_service -= in_service;
  loads_[index].outstanding -= in_service;
  in_service_integral_.add(now, -in_service);
  for (const Request& request : replica.queue) {
    lost.push_back(request);
    --loads_[index].outstanding;
    --waiting_;
  }
  replica.queue.clear();
  record_waiting(now);
  if (!replica.llm) update_busy(index, now);
  for (const Request& request : lost) lose_request(request, now);
  add_event(now, "replica_lost",
            nlohmann::json{{"replica", index}, {"node", replica.node}, {"cause", cause}, {"requests_lost", lost.size()}}
                .dump());
  record_replica_counts(now);
}

void InferenceService::on_reclaim_notice(const std::vector<GpuRef>& gpus, double now) {
  evacuate(gpus, now, "spot reclaim notice", "replace replicas on reclaimed capacity");
}

void InferenceService::add_replica_gpus_by_node(std::map<int, std::vector<int>>& gpus_by_node) const {
  for (const Replica& replica : replicas_)
    if (replica.state != ReplicaState::stopped && replica.assignment.node >= 0)
      gpus_by_node[replica.assignment.node].push_back(spec_.gpus_per_replica);
}

void InferenceService::evacuate(const std::vector<GpuRef>& gpus, double now, const std::string& reason,
                                const std::string& scale_reason) {
  if (is_stopped_) return;
  bool drained = false;
  for (int i = 0; i < static_cast<int>(replicas_.size()); ++i) {
    Replica& replica = replicas_[i];
    const bool is_serving = replica.state == ReplicaState::ready || replica.state == ReplicaState::starting;
    if (!is_serving || replica.is_failed || !is_on_gpus(replica, gpus)) continue;
    if (replica.state == ReplicaState::starting) ++replica.generation;  // its cold start is abandoned
    add_event(now, "replica_draining", nlohmann::json{{"replica", i}, {"node", replica.node}, {"reason", reason}}.dump());
    drain(i, now);
    drained = true;
  }
  if (drained) scale_to(desired_, now, scale_reason);
}

void InferenceService::on_failure_detected(const std::vector<GpuRef>& gpus, double now, const std::string& cause) {
  if (is_stopped_) return;
  bool removed = false;
  for (int i = 0; i < static_cast<int>(replicas_.size()); ++i) {
    Replica& replica = replicas_[i];
    if (replica.state == ReplicaState::stopped || !replica.is_failed || !is_on_gpus(replica, gpus)) continue;
    replica.state = ReplicaState::stopped;
    replica.is_failed = false;
    loads_[i].is_ready = false;
    allocated_gpus_integral_.add(now, -spec_.gpus_per_replica);
    if (node_busy_seconds_) credit_node_busy(replica, now, *node_busy_seconds_);
    add_event(now, "replica_removed", nlohmann::json{{"replica", i}, {"node", replica.node}, {"cause", cause}}.dump());
    const GpuAssignment released = replica.assignment;
    replica.assignment = GpuAssignment{};
    cluster_.release(released);
    removed = true;
  }
  if (!removed) return;
  record_replica_counts(now);
  scale_to(desired_, now, "replace failed replicas");
}

// Sends the request to a replica if one can take it now; false when it must wait at the balancer.
bool InferenceService::try_route(const Request& request, double now) {
  if (spec_.queue == ServiceSpec::QueueLocation::balancer) {
    const int chosen = choose_replica(true);
    if (chosen >= 0 && replicas_[chosen].is_failed) {
      lose_request(request, now);
      return true;
    }
    if (chosen < 0 || !can_start(chosen, request)) return false;
    begin_service(chosen, request, now);
    return true;
  }
  const int chosen = choose_replica(false);
  if (chosen < 0) return false;  // no ready replica
  if (replicas_[chosen].is_failed) {
    lose_request(request, now);
    return true;
  }
  if (!replicas_[chosen].queue.empty() || !can_start(chosen, request)) {
    ++loads_[chosen].outstanding;
    replicas_[chosen].queue.push_back(request);
    ++waiting_;
    record_waiting(now);
    return true;
  }
  begin_service(chosen, request, now);
  return true;
}

void InferenceService::hold_at_balancer(const Request& request, double now) {
  if (static_cast<int>(balancer_queue_.size()) >= spec_.balancer_queue.capacity) {
    ++dropped_full_;
    ++interval_drops_;
    if (now >= warmup_) ++dropped_in_window_;
    in_system_integral_.add(now, -1.0);
    return;
  }
  balancer_queue_.push_back(request);
  ++waiting_;
  record_waiting(now);
  schedule_expiry();
}

void InferenceService::drain_balancer_queue(double now) {
  drop_expired(now);
  while (!balancer_queue_.empty()) {
    const Request next = balancer_queue_.front();
    // try_route may queue at a replica, which counts the request as waiting again.
    --waiting_;
    if (!try_route(next, now)) {
      ++waiting_;
      break;
    }
    balancer_queue_.pop_front();
    record_waiting(now);
  }
}

void InferenceService::schedule_expiry() {
  if (is_expiry_scheduled_ || balancer_queue_.empty() || spec_.balancer_queue.timeout <= 0) return;
  is_expiry_scheduled_ = true;
  schedule_at(balancer_queue_.front().arrival + spec_.balancer_queue.timeout, [this] {
    is_expiry_scheduled_ = false;
    drop_expired(sg4::Engine::get_clock());
    schedule_expiry();
  });
}

void InferenceService::drop_expired(double now) {
  if (spec_.balancer_queue.timeout <= 0) return;
  while (!balancer_queue_.empty() && balancer_queue_.front().arrival + spec_.balancer_queue.timeout <= now) {
    balancer_queue_.pop_front();
    --waiting_;
    ++dropped_timeout_;
    ++interval_drops_;
    if (now >= warmup_) ++dropped_in_window_;
    in_system_integral_.add(now, -1.0);
    record_waiting(now);
  }
}

void InferenceService::record_waiting(double now) { waiting_integral_.set(now, waiting_); }

void InferenceService::update_busy(int index, double now) {
  const ReplicaLoad& load = loads_[index];
  const double level =
      is_time_demand_ ? static_cast<double>(load.in_service) / load.concurrency : (load.in_service > 0 ? 1.0 : 0.0);
  replicas_[index].busy.set(now, level);
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
  if (!replica.llm) update_busy(index, now);
  if (request.arrival >= warmup_) wait_.record(now - request.arrival);
  if (replica.llm) {
    replica.free_slots.push_back(slot);  // the LLM engine tracks its own requests
    replica.llm->admit(
        LlmReplica::Job{next_job_id_++, request.arrival, request.input_tokens, request.output_tokens, -1.0, request.attempt,
                        request.origin},
        now);
    return;
  }

  slot->request = request;
  const auto gpus = static_cast<int>(replica.gpus.size());
  slot->pending_execs = gpus;
  slot->execs.clear();
  for (sg4::Host* gpu : replica.gpus) {
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

bool InferenceService::can_start(int index, const Request& request) const {
  if (loads_[index].in_service >= loads_[index].concurrency) return false;
  const Replica& replica = replicas_[index];
  return !replica.llm ||
         replica.llm->has_room_for(LlmReplica::Job{0, request.arrival, request.input_tokens, request.output_tokens, -1.0});
}

void InferenceService::finish_service(Slot& slot) {
  for (auto& exec : slot.execs) CompletionDispatch::retire(std::move(exec));
  slot.execs.clear();
  if (is_stopped_) return;
  const double now = sg4::Engine::get_clock();
  replicas_[slot.replica].free_slots.push_back(&slot);
  complete_request(slot.replica, slot.request.arrival, slot.request.origin, now);
}

void InferenceService::finish_llm_job(int index, const LlmReplica::Job& job, double now) {
  if (is_stopped_) return;
  if (job.arrival >= warmup_) {
    time_to_first_token_.record(job.first_token_time - job.arrival);
    if (job.output_tokens > 1) time_per_output_token_.record((now - job.first_token_time) / (job.output_tokens - 1));
  }
  output_tokens_completed_ += job.output_tokens;
  complete_request(index, job.arrival, job.origin, now);
}

// Bookkeeping shared by both kinds of demand once a request is done.
void InferenceService::complete_request(int index, double arrival, int origin, double now) {
  Replica& replica = replicas_[index];
  --loads_[index].in_service;
  --loads_[index].outstanding;
  if (!replica.llm) update_busy(index, now);  // LLM replicas report busy themselves
  in_service_integral_.add(now, -1.0);
  in_system_integral_.add(now, -1.0);
  ++completed_;
  ++replica.completed;
  ++interval_completions_;
  const double latency = now - arrival;
  interval_latency_.record(latency);
  if (now >= warmup_) ++completed_in_window_;
  if (arrival >= warmup_) latency_.record(latency);
  // For routers: a recent mean that follows load changes within tens of requests.
  recent_latency_ = recent_latency_ == 0.0 ? latency : 0.9 * recent_latency_ + 0.1 * latency;
  if (completion_listener_) completion_listener_(origin, arrival, now);
  start_queued(index, now);
  stop_if_drained(index, now);
}

// Freed capacity takes the next waiting requests.
void InferenceService::start_queued(int index, double now) {
  if (spec_.queue == ServiceSpec::QueueLocation::balancer) {
    drain_balancer_queue(now);
    return;
  }
  Replica& replica = replicas_[index];
  while (!replica.queue.empty() && can_start(index, replica.queue.front())) {
    const Request next = replica.queue.front();
    replica.queue.pop_front();
    --waiting_;
    record_waiting(now);
    --loads_[index].outstanding;  // begin_service counts it again
    begin_service(index, next, now);
  }
  // Requests held at the balancer while no replica was ready go first to any replica.
  if (!balancer_queue_.empty()) drain_balancer_queue(now);
}

// ---- Measurement ------------------------------------------------------------------

double InferenceService::busy_area_total() const {
  double total = 0.0;
  for (const Replica& replica : replicas_) total += replica.busy.area();
  return total;
}

void InferenceService::begin_measurement(double now) {
  waiting_integral_.advance(now);
  in_system_integral_.advance(now);
  ready_integral_.advance(now);
  serving_integral_.advance(now);
  allocated_gpus_integral_.advance(now);
  waiting_at_window_start_ = waiting_integral_.area();
  in_system_at_window_start_ = in_system_integral_.area();
  ready_at_window_start_ = ready_integral_.area();
  serving_at_window_start_ = serving_integral_.area();
  for (Replica& replica : replicas_) {
    replica.busy.advance(now);
    replica.busy_at_window_start = replica.busy.area();
  }
  busy_at_window_start_ = busy_area_total();
}

void InferenceService::sample(double now, std::vector<TimeSeries>& series) {
  const double interval = now - last_sample_time_;
  if (interval <= 0) return;
  waiting_integral_.advance(now);
  in_service_integral_.advance(now);
  ready_integral_.advance(now);
  serving_integral_.advance(now);
  for (Replica& replica : replicas_) replica.busy.advance(now);
  const double busy_area = busy_area_total();
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
  put("service.drop_rate", interval_drops_ / interval);
  put("service.queue_length", (waiting_integral_.area() - waiting_area_at_sample_) / interval);
  put("service.in_service", (in_service_integral_.area() - in_service_area_at_sample_) / interval);
  const double serving_area = serving_integral_.area() - serving_area_at_sample_;
  put("service.utilization", serving_area > 0 ? (busy_area - busy_area_at_sample_) / serving_area : 0.0);
  put("service.replicas_desired", desired_);
  put("service.replicas_starting", count_in_state(ReplicaState::starting));
  put("service.replicas_ready", count_in_state(ReplicaState::ready));
  put("service.replicas_unplaced", cluster_.unplaced_requests(*this));
  if (!interval_latency_.empty()) {
    put("service.latency_mean", interval_latency_.mean());
    put("service.latency_p50", interval_latency_.quantile(0.50));
    put("service.latency_p95", interval_latency_.quantile(0.95));
    put("service.latency_p99", interval_latency_.quantile(0.99));
    if (spec_.slo.latency_p99 > 0)
      put("service.slo_attainment", interval_latency_.fraction_at_or_below(spec_.slo.latency_p99));
  }
  // Time meeting the SLO: intervals of the window whose p99 met it; an interval
  // with arrivals but no completion (an outage) misses it.
  if (spec_.slo.latency_p99 > 0 && now > warmup_ && (!interval_latency_.empty() || interval_arrivals_ > 0)) {
    ++slo_intervals_;
    if (!interval_latency_.empty() && interval_latency_.quantile(0.99) <= spec_.slo.latency_p99) ++slo_intervals_met_;
  }
  last_sample_time_ = now;
  interval_arrivals_ = interval_completions_ = interval_drops_ = 0;
  interval_latency_.clear();
  waiting_area_at_sample_ = waiting_integral_.area();
  in_service_area_at_sample_ = in_service_integral_.area();
  busy_area_at_sample_ = busy_area;
  serving_area_at_sample_ = serving_integral_.area();
}

void InferenceService::stop(double now) {
  waiting_integral_.advance(now);
  in_system_integral_.advance(now);
  in_service_integral_.advance(now);
  ready_integral_.advance(now);
  serving_integral_.advance(now);
  allocated_gpus_integral_.advance(now);
  unplaced_integral_.advance(now);
  available_.advance(now);
  for (Replica& replica : replicas_) {
    replica.busy.advance(now);
    if (replica.llm) replica.llm->stop();
  }
  is_stopped_ = true;
}

double InferenceService::gpu_busy_seconds_in_window() const {
  double total = 0.0;
  for (const Replica& replica : replicas_)
    total += (replica.busy.area() - replica.busy_at_window_start) * spec_.gpus_per_replica;
  return total;
}

double InferenceService::gpu_busy_seconds_total() const { return busy_area_total() * spec_.gpus_per_replica; }

void InferenceService::credit_node_busy(Replica& replica, double now, std::vector<double>& busy_by_node) const {
  replica.busy.advance(now);
  const double area = replica.busy.area();
  if (replica.assignment.node >= 0)
    busy_by_node[replica.assignment.node] += (area - replica.busy_collected_for_node) * spec_.gpus_per_replica;
  replica.busy_collected_for_node = area;
}

void InferenceService::collect_node_busy_seconds(double now) {
  if (!node_busy_seconds_) return;
  for (Replica& replica : replicas_)
    if (replica.state != ReplicaState::stopped) credit_node_busy(replica, now, *node_busy_seconds_);
}

void InferenceService::report(RunResult& result) const {
  const double window = end_time_ - warmup_;
  const std::string prefix = "service." + spec_.name + ".";
  auto put = [&](const std::string& metric, double value, const char* unit) {
    result.summary.push_back(SummaryMetric{prefix + metric, value, unit});
  };
  const double nan = std::nan("");
  const double ready_area = ready_integral_.area() - ready_at_window_start_;
  put("replicas_initial", spec_.replicas, "1");
  put("replicas_mean", ready_area / window, "1");
  put("replicas_max", max_ready_, "1");
  put("scale_ups", static_cast<double>(scale_ups_), "1");
  put("scale_downs", static_cast<double>(scale_downs_), "1");
  put("cold_start_mean", cold_start_.empty() ? nan : cold_start_.mean(), "s");
  if (cluster_.weight_caches() != nullptr) {
    put("cold_start_cache_hits", static_cast<double>(cold_start_cache_hits_), "1");
    put("cold_start_cache_misses", static_cast<double>(cold_start_cache_misses_), "1");
  }
  put("unplaced_replica_seconds", unplaced_integral_.area(), "s");
  put("gpu_hours", allocated_gpus_integral_.area() / 3600.0, "GPU*h");
  put("cost", allocated_gpus_integral_.area() / 3600.0 * cluster_.price_per_gpu_hour(spec_.site), "USD");
  put("requests_arrived", static_cast<double>(arrived_), "1");
  put("input_tokens_arrived", static_cast<double>(input_tokens_arrived_), "1");
  put("output_tokens_arrived", static_cast<double>(output_tokens_arrived_), "1");
  put("requests_completed", static_cast<double>(completed_), "1");
  put("requests_dropped", static_cast<double>(dropped_full_ + dropped_timeout_ + dropped_too_long_), "1");
  put("requests_dropped_queue_full", static_cast<double>(dropped_full_), "1");
  put("requests_dropped_timeout", static_cast<double>(dropped_timeout_), "1");
  put("requests_unfinished",
      static_cast<double>(arrived_ - completed_ - dropped_full_ - dropped_timeout_ - dropped_too_long_ - requests_failed_),
      "1");
  if (health_ != nullptr) {
    put("requests_lost", static_cast<double>(requests_lost_), "1");
    put("requests_retried", static_cast<double>(requests_retried_), "1");
    put("requests_failed", static_cast<double>(requests_failed_), "1");
    put("replica_failures", static_cast<double>(replica_failures_), "1");
    put("availability", end_time_ > 0 ? available_.area() / end_time_ : nan, "1");
  }
  if (llm_model_) {
    put("requests_dropped_too_long", static_cast<double>(dropped_too_long_), "1");
    put("ttft_mean", time_to_first_token_.empty() ? nan : time_to_first_token_.mean(), "s");
    put("ttft_p50", time_to_first_token_.empty() ? nan : time_to_first_token_.quantile(0.5), "s");
    put("ttft_p99", time_to_first_token_.empty() ? nan : time_to_first_token_.quantile(0.99), "s");
    put("tpot_mean", time_per_output_token_.empty() ? nan : time_per_output_token_.mean(), "s");
    put("tpot_p99", time_per_output_token_.empty() ? nan : time_per_output_token_.quantile(0.99), "s");
    put("output_tokens_completed", static_cast<double>(output_tokens_completed_), "1");
    put("output_tokens_per_second", output_tokens_completed_ / (end_time_), "1/s");
    const double cost = allocated_gpus_integral_.area() / 3600.0 * cluster_.price_per_gpu_hour(spec_.site);
    put("cost_per_million_output_tokens", output_tokens_completed_ > 0 ? cost / output_tokens_completed_ * 1e6 : nan,
        "USD");
    put("kv_capacity_tokens", static_cast<double>(llm_model_->kv_capacity_tokens()), "1");
  }
  put("arrival_rate", arrived_in_window_ / window, "req/s");
  put("throughput", completed_in_window_ / window, "req/s");
  put("drop_fraction", arrived_in_window_ > 0 ? static_cast<double>(dropped_in_window_) / arrived_in_window_ : 0.0, "1");
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
  const double serving_area = serving_integral_.area() - serving_at_window_start_;
  put("utilization", serving_area > 0 ? (busy_area_total() - busy_at_window_start_) / serving_area : 0.0, "1");
  if (spec_.slo.latency_p99 > 0) {
    put("slo_latency_p99_target", spec_.slo.latency_p99, "s");
    put("slo_attainment", latency_.empty() ? nan : latency_.fraction_at_or_below(spec_.slo.latency_p99), "1");
    put("slo_met", !latency_.empty() && latency_.quantile(0.99) <= spec_.slo.latency_p99 ? 1.0 : 0.0, "1");
    put("slo_time_fraction", slo_intervals_ > 0 ? static_cast<double>(slo_intervals_met_) / slo_intervals_ : nan, "1");
  }
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    const Replica& replica = replicas_[r];
    std::string gpus;
    for (const sg4::Host* gpu : replica.gpus) gpus += (gpus.empty() ? "" : ",") + gpu->get_name();
    result.replicas.push_back(ReplicaRecord{spec_.name, static_cast<int>(r), replica.node, gpus, replica.completed,
                                            (replica.busy.area() - replica.busy_at_window_start) / window});
  }
}

}  // namespace leptonsim
