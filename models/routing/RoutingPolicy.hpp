// Request routing between the sites a service is deployed at.
//
// For every request of a user population the simulator hands the policy one
// view per site (network distance from that population, the deployment's
// load, prices) and routes the request to the returned site. Policies are
// plain C++: they see numbers, never SimGrid objects, and keep whatever state
// they need themselves.
#pragma once

#include "common/PolicyRegistry.hpp"

#include <string>
#include <vector>

namespace leptonsim {

struct SiteRouteView {
  int site = 0;                     // index of the deployment (not of the platform's sites)
  double one_way_latency = 0.0;     // seconds from the population to the site
  int ready_replicas = 0;           // replicas serving there
  int free_slots = 0;               // requests the ready replicas could start now
  int waiting = 0;                  // requests queued there
  int slots = 0;                    // requests the ready replicas serve at once in total
  double recent_latency = 0.0;      // recent mean of the deployment's own latency, queueing included (0: none yet)
  double price_per_gpu_hour = 0.0;  // USD of the site's GPUs
  double compute_cost = 0.0;        // USD of the GPU time a request takes there (price x GPUs of a slot x recent service time)
  double transfer_cost = 0.0;       // USD of the request's and response's bytes crossing sites to get there (0 at home)
  bool is_home = false;             // the population's nearest site
};

struct RouteRequest {
  int population = 0;
  std::vector<SiteRouteView> sites;  // one per deployment, in deployment order
};

class RoutingPolicy {
public:
  virtual ~RoutingPolicy() = default;
  // The index in request.sites to send the request to.
  virtual int route(const RouteRequest& request) = 0;
};

using RoutingPolicyRegistry = PolicyRegistry<RoutingPolicy>;

// Expected latency of a request sent to a site: the round trip plus the
// site's recent latency, stretched by the queue a request would join when no
// slot is free (the requests ahead per slot, times the recent latency).
double expected_latency(const SiteRouteView& site);

// Nearest site with a ready replica (the nearest of all when none has one).
class NearestRouter final : public RoutingPolicy {
public:
  static PolicyInfo info();
  int route(const RouteRequest& request) override;
};

// Site with the lowest expected latency among those with a ready replica.
class LowestLatencyRouter final : public RoutingPolicy {
public:
  static PolicyInfo info();
  int route(const RouteRequest& request) override;
};

// Site with the lowest cost per request among those with a free slot (its
// GPU time plus the transfer cost), else the nearest with a ready replica.
class CheapestRouter final : public RoutingPolicy {
public:
  static PolicyInfo info();
  int route(const RouteRequest& request) override;
};

// The nearest site unless it is saturated (no free slot and at least
// `queue_threshold` requests waiting per ready replica), then the next
// nearest that is not; all saturated: the nearest.
class SpillOverRouter final : public RoutingPolicy {
public:
  explicit SpillOverRouter(double queue_threshold) : queue_threshold_(queue_threshold) {}
  static PolicyInfo info();
  int route(const RouteRequest& request) override;
  bool is_saturated(const SiteRouteView& site) const;

private:
  double queue_threshold_;
};

}  // namespace leptonsim
