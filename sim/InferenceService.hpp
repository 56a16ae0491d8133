// An inference service: a fixed set of replicas behind a load balancer.
//
// The request path runs in maestro context without actors: Poisson arrivals
// are a chain of kernel timers, and each request in service is one Exec per
// GPU of its replica, started when a slot frees and completed by callback.
// Service demand is either a time (each of the replica's max_concurrency slots
// serves independently: every slot's exec is bounded to 1/slots of the GPU) or
// FLOP (split over the replica's GPUs, concurrent requests share them).
#pragma once

#include "CompletionDispatch.hpp"
#include "LatencyHistogram.hpp"
#include "RunResult.hpp"
#include "ScenarioSpec.hpp"
#include "TimeIntegral.hpp"
#include "common/Distribution.hpp"
#include "load_balancing/LoadBalancer.hpp"

#include <deque>
#include <memory>
#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

namespace leptonsim {

struct ReplicaSetup {
  std::string node;                          // node name
  std::vector<simgrid::s4u::Host*> gpus;     // GPU hosts of the replica
};

class InferenceService {
public:
  InferenceService(const ServiceSpec& spec, std::vector<ReplicaSetup> replicas, std::unique_ptr<LoadBalancer> balancer,
                   std::uint64_t root_seed, double warmup, double end_time);
  InferenceService(const InferenceService&) = delete;
  InferenceService& operator=(const InferenceService&) = delete;

  // Schedules the first arrival. Call before Engine::run().
  void start();
  // Marks the start of the measurement window (at the warmup time).
  void begin_measurement(double now);
  // Appends one time-series point per series for the interval ending at `now`.
  void sample(double now, std::vector<TimeSeries>& series);
  // Stops the service at the end of the run: later completions are ignored.
  void stop(double now);
  // Summary metrics, replica records and GPU busy time (GPU-seconds in the window).
  void report(RunResult& result) const;
  double gpu_busy_seconds_in_window() const;
  double gpu_busy_seconds_total() const;
  const std::string& name() const { return spec_.name; }
  int gpu_count() const;

private:
  struct Request {
    double arrival = 0.0;
    double demand = 0.0;  // seconds or FLOP
  };
  struct Slot final : CompletionHandler {
    InferenceService* service = nullptr;
    int replica = 0;
    Request request;
    int pending_execs = 0;
    std::vector<simgrid::s4u::ExecPtr> execs;
    void on_activity_complete(const simgrid::s4u::Activity&) override;
  };
  struct Replica {
    ReplicaSetup setup;
    std::vector<std::unique_ptr<Slot>> slots;  // stable addresses: execs point at them
    std::vector<Slot*> free_slots;
    std::deque<Request> queue;                 // FCFS, used when queueing at replicas
    TimeIntegral busy;                         // busy level in [0, 1]
    double busy_at_window_start = 0.0;
    std::int64_t completed = 0;
  };

  void on_arrival();
  void dispatch(const Request& request, double now);
  int choose_replica(bool needs_free_slot);
  void begin_service(int replica, const Request& request, double now);
  void finish_service(Slot& slot);
  void update_busy(Replica& replica, int index, double now);
  void record_waiting(double now);

  ServiceSpec spec_;
  bool is_time_demand_ = true;
  Distribution demand_;
  std::deque<Replica> replicas_;    // deque: elements never move once created
  std::vector<ReplicaLoad> loads_;  // view for the balancer, kept in step with replicas_
  std::unique_ptr<LoadBalancer> balancer_;
  std::deque<Request> balancer_queue_;  // FCFS, used when queueing at the balancer
  RandomStream arrival_stream_;
  RandomStream demand_stream_;
  double warmup_;
  double end_time_;
  bool is_stopped_ = false;
  int waiting_ = 0;

  // Whole-run counters and window statistics.
  std::int64_t arrived_ = 0, completed_ = 0;
  std::int64_t arrived_in_window_ = 0, completed_in_window_ = 0;
  LatencyHistogram latency_, wait_;
  TimeIntegral waiting_integral_, in_system_integral_;
  double waiting_at_window_start_ = 0.0, in_system_at_window_start_ = 0.0;

  // Per-sample-interval counters.
  double last_sample_time_ = 0.0;
  std::int64_t interval_arrivals_ = 0, interval_completions_ = 0;
  double interval_latency_sum_ = 0.0;
  double waiting_area_at_sample_ = 0.0, in_service_area_at_sample_ = 0.0, busy_area_at_sample_ = 0.0;
  TimeIntegral in_service_integral_;
};

}  // namespace leptonsim
