// An inference service: replicas behind a load balancer, scaled by an autoscaler.
//
// The request path runs in maestro context without actors: arrivals are a
// chain of kernel timers, and each request in service is one Exec per GPU of
// its replica, started when a slot frees and completed by callback. Service
// demand is either a time (each of the replica's max_concurrency slots serves
// independently: every slot's exec is bounded to 1/slots of the GPU) or FLOP
// (split over the replica's GPUs; concurrent requests share them).
//
// Replica lifecycle: requested -> placed on free GPUs (ServingCluster) ->
// starting (cold start: placement delay, image pull, weights sent from the
// site's storage host over the network, warm-up; one short-lived actor per
// cold start) -> ready (receives requests) -> draining (finishes what it
// holds) -> stopped (GPUs released). Requests wait at the balancer while no
// replica can take them, within the balancer queue's capacity and timeout.
#pragma once

#include "CompletionDispatch.hpp"
#include "FailureInjector.hpp"
#include "LatencyHistogram.hpp"
#include "LlmReplica.hpp"
#include "RunResult.hpp"
#include "ScenarioSpec.hpp"
#include "TimeIntegral.hpp"
#include "autoscaling/ReplicaAutoscaler.hpp"
#include "common/Distribution.hpp"
#include "load_balancing/LoadBalancer.hpp"
#include "scheduling/GpuPool.hpp"
#include "workload/ArrivalProcess.hpp"

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

namespace leptonsim {

class ServingCluster;

class InferenceService {
public:
  InferenceService(const ServiceSpec& spec, ServingCluster& cluster, std::unique_ptr<ArrivalProcess> arrivals,
                   std::unique_ptr<LoadBalancer> balancer, std::unique_ptr<ReplicaAutoscaler> autoscaler,
                   std::uint64_t root_seed, double warmup, double end_time, std::vector<Event>& events);
  InferenceService(const InferenceService&) = delete;
  InferenceService& operator=(const InferenceService&) = delete;

  // Places the initial replicas (ready at once) and schedules the first
  // arrival and autoscaler decision. Call before Engine::run().
  void start();
  // Marks the start of the measurement window (at the warmup time).
  void begin_measurement(double now);
  // Appends one time-series point per series for the interval ending at `now`.
  void sample(double now, std::vector<TimeSeries>& series);
  // Stops the service at the end of the run: later completions are ignored.
  void stop(double now);
  // Summary metrics and replica records.
  void report(RunResult& result) const;
  double gpu_busy_seconds_in_window() const;
  double gpu_busy_seconds_total() const;
  // GPUs held by the service's replicas (starting, ready or draining) now.
  double gpus_allocated() const { return allocated_gpus_integral_.value(); }
  // Per-node busy accounting (for per-node series): from now on the busy
  // GPU-seconds of each replica are credited to busy_by_node[node index] when
  // it stops and on each collect_node_busy_seconds().
  void track_node_busy_seconds(std::vector<double>* busy_by_node) { node_busy_seconds_ = busy_by_node; }
  void collect_node_busy_seconds(double now);

  const ServiceSpec& spec() const { return spec_; }
  // Routed services: a request of population `origin` arrives now (the
  // deployment has no arrivals of its own); the listener hears of every
  // completed request with its origin and arrival time.
  void inject(const Arrival& arrival, int origin);
  using CompletionListener = std::function<void(int origin, double arrival, double now)>;
  void set_completion_listener(CompletionListener listener) { completion_listener_ = std::move(listener); }
  // The deployment's load as a request router sees it.
  struct RoutingLoad {
    int ready_replicas = 0, free_slots = 0, waiting = 0, slots = 0;
    double recent_latency = 0.0;  // exponentially weighted mean of its own latency (s), 0 before any completion
  };
  RoutingLoad routing_load() const;
  // Whole-run counts (not only the measurement window), for costs per unit.
  std::int64_t requests_completed() const { return completed_; }
  std::int64_t output_tokens_completed() const { return output_tokens_completed_; }

  // Failures. A replica whose GPUs fail stops serving at once: the requests it
  // holds get no answer (their clients retry after the retry timeout), and
  // the balancer keeps sending it requests, which are lost the same way, until
  // the failure is detected; then the replica is removed and replaced.
  void set_hardware_health(const HardwareHealth* health) { health_ = health; }
  void on_gpus_failed(const std::vector<GpuRef>& gpus, double now, const std::string& cause);
  void on_failure_detected(const std::vector<GpuRef>& gpus, double now, const std::string& cause);
  // Spot: replicas on those GPUs drain (no new requests; replacements start elsewhere at once).
  void on_reclaim_notice(const std::vector<GpuRef>& gpus, double now);
  // Replicas on those GPUs drain (no new requests) and replacements are requested at once.
  void evacuate(const std::vector<GpuRef>& gpus, double now, const std::string& reason, const std::string& scale_reason);
  // The GPUs of each replica holding GPUs (starting, ready or draining), by node.
  void add_replica_gpus_by_node(std::map<int, std::vector<int>>& gpus_by_node) const;
  // ServingCluster calls this when GPUs were found for a requested replica.
  void on_replica_placed(GpuAssignment assignment);

private:
  struct Request {
    double arrival = 0.0;
    double demand = 0.0;             // seconds or FLOP (not LLM)
    std::int64_t input_tokens = 0;   // LLM only
    std::int64_t output_tokens = 0;  // LLM only
    int attempt = 0;                 // retries after a failed replica lost it
    int origin = -1;                 // the user population it came from (routed services), -1 = none
  };
  enum class ReplicaState { starting, ready, draining, stopped };
  struct Slot final : CompletionHandler {
    InferenceService* service = nullptr;
    int replica = 0;
    Request request;
    int pending_execs = 0;
    std::vector<simgrid::s4u::ExecPtr> execs;
    void on_activity_complete(const simgrid::s4u::Activity&) override;
  };
  enum class WeightsSource { none, cache, storage };  // where a cold start's weights came from
  struct Replica {
    ReplicaState state = ReplicaState::stopped;
    GpuAssignment assignment;
    std::string node;
    std::vector<simgrid::s4u::Host*> gpus;
    std::uint64_t generation = 0;              // bumps when the slot is reused: stale cold starts are ignored
    double placed_at = 0.0;
    std::vector<std::unique_ptr<Slot>> slots;  // stable addresses: execs point at them
    std::vector<Slot*> free_slots;
    std::deque<Request> queue;                 // FCFS, used when queueing at replicas
    std::unique_ptr<LlmReplica> llm;           // LLM services: the replica's serving engine
    TimeIntegral busy;                         // busy level in [0, 1]
    double busy_at_window_start = 0.0;
    double busy_collected_for_node = 0.0;      // busy area already credited to the node
    std::int64_t completed = 0;
    bool is_failed = false;                    // its hardware failed; not yet detected
    WeightsSource weights_source = WeightsSource::none;  // of its last cold start
  };

  // Request path.
  void on_arrival(const Arrival& arrival);
  void accept(const Arrival& arrival, int origin);
  void route_or_hold(const Request& request, double now);
  void lose_request(const Request& request, double now);
  void on_request_timeout(Request request);
  bool is_on_gpus(const Replica& replica, const std::vector<GpuRef>& gpus) const;
  void fail_replica(int index, double now, const std::string& cause);
  void schedule_next_arrival();
  void dispatch(const Request& request, double now);
  bool try_route(const Request& request, double now);
  int choose_replica(bool needs_free_slot);
  void begin_service(int replica, const Request& request, double now);
  bool can_start(int replica, const Request& request) const;
  void finish_service(Slot& slot);
  void finish_llm_job(int replica, const LlmReplica::Job& job, double now);
  void complete_request(int replica, double arrival, int origin, double now);
  void start_queued(int replica, double now);
  int slots() const { return llm_model_ ? spec_.llm.max_batch : spec_.max_concurrency; }
  void update_busy(int index, double now);
  void hold_at_balancer(const Request& request, double now);
  void drain_balancer_queue(double now);
  void drop_expired(double now);
  void schedule_expiry();
  void record_waiting(double now);
  bool has_ready_replica() const;

  // Replica lifecycle.
  int new_replica_index();
  void make_ready(int index, double now);
  void begin_cold_start(int index);
  std::string weights_model() const;  // the weights' name in node weight caches
  void on_cold_start_done(int index, std::uint64_t generation, WeightsSource source);
  void drain(int index, double now);
  void stop_if_drained(int index, double now);
  void scale_to(int desired, double now, const std::string& reason);
  void on_autoscaler_tick();
  int count_in_state(ReplicaState state) const;
  void record_replica_counts(double now);
  void add_event(double t, const std::string& kind, const std::string& detail);

  ServiceSpec spec_;
  ServingCluster& cluster_;
  std::vector<Event>& events_;
  bool is_time_demand_ = true;
  Distribution demand_;
  std::unique_ptr<LlmPerformanceModel> llm_model_;  // LLM services only
  std::optional<Distribution> input_tokens_, output_tokens_;
  std::uint64_t next_job_id_ = 0;
  std::deque<Replica> replicas_;    // deque: elements never move once created
  std::vector<ReplicaLoad> loads_;  // view for the balancer, kept in step with replicas_
  std::unique_ptr<ArrivalProcess> arrivals_;
  Arrival next_arrival_;             // the one arrival scheduled at a time
  std::unique_ptr<LoadBalancer> balancer_;
  std::unique_ptr<ReplicaAutoscaler> autoscaler_;
  std::deque<Request> balancer_queue_;  // FCFS: requests no replica can take yet
  bool is_expiry_scheduled_ = false;
  RandomStream token_stream_;
  RandomStream arrival_stream_;
  RandomStream demand_stream_;
  double warmup_;
  double end_time_;
  bool is_stopped_ = false;
  int waiting_ = 0;
  int desired_ = 0;
  double last_arrival_ = -1.0;

  // Whole-run counters and window statistics.
  std::int64_t arrived_ = 0, completed_ = 0, dropped_full_ = 0, dropped_timeout_ = 0;
  std::int64_t arrived_in_window_ = 0, completed_in_window_ = 0, dropped_in_window_ = 0;
  std::int64_t scale_ups_ = 0, scale_downs_ = 0;
  std::int64_t input_tokens_arrived_ = 0, output_tokens_arrived_ = 0;
  std::int64_t output_tokens_completed_ = 0, dropped_too_long_ = 0;
  const HardwareHealth* health_ = nullptr;
  std::int64_t requests_failed_ = 0, requests_retried_ = 0, requests_lost_ = 0, replica_failures_ = 0;
  std::int64_t slo_intervals_ = 0, slo_intervals_met_ = 0;  // sample intervals judged against the SLO
  TimeIntegral available_;  // 1 while at least min_ready_replicas replicas are ready on working hardware
  LatencyHistogram time_to_first_token_, time_per_output_token_;
  LatencyHistogram latency_, wait_, cold_start_;
  CompletionListener completion_listener_;
  double recent_latency_ = 0.0;
  std::int64_t cold_start_cache_hits_ = 0, cold_start_cache_misses_ = 0;  // with node weight caches
  TimeIntegral waiting_integral_, in_system_integral_, in_service_integral_;
  TimeIntegral ready_integral_, allocated_gpus_integral_, unplaced_integral_;
  // Ready plus draining replicas: the replicas whose busy time counts in the
  // utilisation (a draining replica still finishes its requests).
  TimeIntegral serving_integral_;
  double serving_area_at_tick_ = 0.0, serving_area_at_sample_ = 0.0, serving_at_window_start_ = 0.0;
  double waiting_at_window_start_ = 0.0, in_system_at_window_start_ = 0.0, ready_at_window_start_ = 0.0;
  double busy_at_window_start_ = 0.0;
  int max_ready_ = 0;

  // Per-sample-interval counters.
  double last_sample_time_ = 0.0;
  std::int64_t interval_arrivals_ = 0, interval_completions_ = 0, interval_drops_ = 0;
  LatencyHistogram interval_latency_;
  double waiting_area_at_sample_ = 0.0, in_service_area_at_sample_ = 0.0, busy_area_at_sample_ = 0.0;

  // Per-autoscaler-period counters.
  double last_tick_time_ = 0.0;
  std::int64_t tick_arrivals_ = 0;
  double busy_area_at_tick_ = 0.0, ready_area_at_tick_ = 0.0, in_system_area_at_tick_ = 0.0;
  double busy_area_total() const;
  void credit_node_busy(Replica& replica, double now, std::vector<double>& busy_by_node) const;
  std::vector<double>* node_busy_seconds_ = nullptr;  // set once per-node series are collected
};

}  // namespace leptonsim
