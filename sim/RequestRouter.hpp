// RequestRouter: a service deployed at several sites, fed by user populations.
//
// Each population's arrivals are a chain of kernel timers (no actor per
// request). At an arrival the routing policy picks a site from a view of
// every deployment (distance from the population, load, prices); the request
// travels the one-way latency, then arrives at that site's deployment (an
// InferenceService without arrivals of its own). Its end-to-end latency adds
// the way back. A request served away from the population's home (its
// nearest site) sends its bytes across sites: the request billed as egress at
// the home site, the response at the serving site.
#pragma once

#include "CostMeter.hpp"
#include "LatencyHistogram.hpp"
#include "RunResult.hpp"
#include "ScenarioSpec.hpp"
#include "routing/RoutingPolicy.hpp"
#include "workload/ArrivalProcess.hpp"

#include <memory>
#include <vector>

namespace leptonsim {

class InferenceService;
class ServingCluster;

class RequestRouter {
public:
  // `deployments` are the routed service's InferenceServices in deployment order.
  RequestRouter(const ScenarioSpec& spec, const RoutedServiceSpec& routed, std::vector<InferenceService*> deployments,
                const ServingCluster& cluster, CostMeter& cost);
  RequestRouter(const RequestRouter&) = delete;
  RequestRouter& operator=(const RequestRouter&) = delete;

  void start();        // schedules the first arrival of every population
  void stop() { is_stopped_ = true; }
  void sample(double now, std::vector<TimeSeries>& series);
  void report(RunResult& result) const;

private:
  struct Population {
    const UserPopulationSpec* spec = nullptr;
    std::unique_ptr<ArrivalProcess> arrivals;
    RandomStream stream{0};
    Arrival next;
    std::vector<double> latency;  // one-way, per deployment
    int home = 0;                 // nearest deployment
    std::int64_t arrived = 0, completed = 0, remote = 0;
    LatencyHistogram latency_histogram;
  };
  struct InFlight {               // a request on its way to a site
    Arrival arrival;
    int population = 0;
    int site = 0;
  };

  void schedule_next(int population);
  void on_arrival(int population);
  void deliver(std::size_t slot);
  void on_completed(int site, int population, double arrival, double now);
  // Refills view_ for a request of `population` (no allocation per request).
  const RouteRequest& view_for(const Population& population);

  const ScenarioSpec& spec_;
  const RoutedServiceSpec& routed_;
  std::vector<InferenceService*> deployments_;
  std::vector<int> deployment_sites_;       // platform site index per deployment
  std::vector<double> price_per_gpu_hour_;  // per deployment
  std::vector<double> egress_per_gb_;       // per deployment's site
  CostMeter& cost_;
  std::unique_ptr<RoutingPolicy> policy_;
  std::vector<Population> populations_;
  std::vector<InFlight> in_flight_;         // slots reused through free_slots_
  std::vector<std::size_t> free_slots_;
  RouteRequest view_;                       // reused for every request
  bool is_stopped_ = false;

  std::vector<std::int64_t> routed_to_;     // per deployment
  std::vector<std::int64_t> routed_in_interval_;
  std::int64_t arrived_ = 0, completed_ = 0, completed_in_slo_ = 0, remote_ = 0;
  double egress_bytes_ = 0.0;
  LatencyHistogram latency_;                // end to end, requests arrived after the warm-up
  LatencyHistogram interval_latency_;
  double last_sample_ = 0.0;
};

}  // namespace leptonsim
