#include "routing/RoutingPolicy.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

namespace leptonsim {
namespace {

// Deployment indices by distance, nearest first (ties: deployment order).
std::vector<int> by_distance(const RouteRequest& request) {
  std::vector<int> order(request.sites.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return request.sites[static_cast<std::size_t>(a)].one_way_latency <
           request.sites[static_cast<std::size_t>(b)].one_way_latency;
  });
  return order;
}

int nearest_ready(const RouteRequest& request) {
  const std::vector<int> order = by_distance(request);
  for (const int s : order)
    if (request.sites[static_cast<std::size_t>(s)].ready_replicas > 0) return s;
  return order.front();
}

}  // namespace

double expected_latency(const SiteRouteView& site) {
  const double recent = site.recent_latency;
  const double ahead = site.waiting + 1.0;
  const double wait = site.free_slots > 0 || site.slots == 0 ? 0.0 : ahead / site.slots * recent;
  return 2 * site.one_way_latency + recent + wait;
}

PolicyInfo NearestRouter::info() {
  return {"request_router", "nearest", "the nearest site with a ready replica", {}};
}

int NearestRouter::route(const RouteRequest& request) { return nearest_ready(request); }

PolicyInfo LowestLatencyRouter::info() {
  return {"request_router", "lowest_latency",
          "the site with the lowest expected latency: round trip + queueing + recent service time", {}};
}

int LowestLatencyRouter::route(const RouteRequest& request) {
  int best = -1;
  double best_latency = std::numeric_limits<double>::infinity();
  for (const int s : by_distance(request)) {
    const SiteRouteView& site = request.sites[static_cast<std::size_t>(s)];
    if (site.ready_replicas == 0) continue;
    const double latency = expected_latency(site);
    if (latency < best_latency) {
      best = s;
      best_latency = latency;
    }
  }
  return best >= 0 ? best : nearest_ready(request);
}

PolicyInfo CheapestRouter::info() {
  return {"request_router", "cheapest",
          "the site where a request costs least (its GPU time at the site's price, plus the bytes it sends across "
          "sites) among those with a free slot; else the nearest",
          {}};
}

int CheapestRouter::route(const RouteRequest& request) {
  int best = -1;
  for (const int s : by_distance(request)) {
    const SiteRouteView& site = request.sites[static_cast<std::size_t>(s)];
    if (site.free_slots <= 0) continue;
    const auto cost = [](const SiteRouteView& v) { return v.compute_cost + v.transfer_cost; };
    if (best < 0 || cost(site) < cost(request.sites[static_cast<std::size_t>(best)]) - 1e-15) best = s;
  }
  return best >= 0 ? best : nearest_ready(request);
}

PolicyInfo SpillOverRouter::info() {
  return {"request_router",
          "spill_over",
          "the nearest site (an edge) until it is saturated, then the next nearest (the region)",
          {{"queue_threshold", 0.0, 0.0, 1e6,
            "requests waiting per ready replica at which a site with no free slot counts as saturated"}}};
}

bool SpillOverRouter::is_saturated(const SiteRouteView& site) const {
  if (site.ready_replicas == 0) return true;
  return site.free_slots <= 0 && site.waiting >= queue_threshold_ * site.ready_replicas;
}

int SpillOverRouter::route(const RouteRequest& request) {
  const std::vector<int> order = by_distance(request);
  for (const int s : order)
    if (!is_saturated(request.sites[static_cast<std::size_t>(s)])) return s;
  return nearest_ready(request);
}

}  // namespace leptonsim
