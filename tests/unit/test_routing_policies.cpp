// Request routers on hand-built views: nearest, spill-over only when the
// nearest site is saturated, cheapest per request, lowest expected latency.
#include "RegisterAllPolicies.hpp"
#include "routing/RoutingPolicy.hpp"

#include <catch2/catch.hpp>

using namespace leptonsim;

namespace {

SiteRouteView site(int index, double latency, int ready, int free_slots, int waiting = 0) {
  SiteRouteView v;
  v.site = index;
  v.one_way_latency = latency;
  v.ready_replicas = ready;
  v.free_slots = free_slots;
  v.waiting = waiting;
  v.slots = ready * 4;
  return v;
}

int route(const std::string& policy, const std::vector<SiteRouteView>& sites, std::map<std::string, double> params = {}) {
  RouteRequest request;
  request.sites = sites;
  return policy_registries().request_routers.make(policy, params)->route(request);
}

}  // namespace

TEST_CASE("nearest routes to the nearest site with a ready replica", "[routing]") {
  // Sites listed far to near: the nearest is index 2.
  CHECK(route("nearest", {site(0, 0.030, 2, 8), site(1, 0.012, 1, 4), site(2, 0.002, 1, 0, 9)}) == 2);
  // The nearest has no ready replica (scaled to zero): the next nearest.
  CHECK(route("nearest", {site(0, 0.030, 2, 8), site(1, 0.012, 1, 4), site(2, 0.002, 0, 0)}) == 1);
  // None ready anywhere: the nearest all the same (the request waits there).
  CHECK(route("nearest", {site(0, 0.030, 0, 0), site(1, 0.012, 0, 0)}) == 1);
}

TEST_CASE("spill-over leaves the nearest site only when it is saturated", "[routing]") {
  const std::vector<SiteRouteView> free_edge = {site(0, 0.002, 1, 1), site(1, 0.020, 4, 16)};
  CHECK(route("spill_over", free_edge) == 0);
  // No free slot: saturated at the default threshold 0, spill to the region.
  const std::vector<SiteRouteView> full_edge = {site(0, 0.002, 1, 0, 0), site(1, 0.020, 4, 16)};
  CHECK(route("spill_over", full_edge) == 1);
  // With a threshold of 2 queued per ready replica, the edge takes requests until 2 wait.
  CHECK(route("spill_over", {site(0, 0.002, 1, 0, 1), site(1, 0.020, 4, 16)}, {{"queue_threshold", 2}}) == 0);
  CHECK(route("spill_over", {site(0, 0.002, 1, 0, 2), site(1, 0.020, 4, 16)}, {{"queue_threshold", 2}}) == 1);
  // Everything saturated: back to the nearest.
  CHECK(route("spill_over", {site(0, 0.002, 1, 0), site(1, 0.020, 1, 0)}) == 0);
  // An edge without ready replicas is saturated.
  CHECK(route("spill_over", {site(0, 0.002, 0, 0), site(1, 0.020, 1, 2)}) == 1);
}

TEST_CASE("cheapest routes to the lowest GPU time plus transfer cost among sites with a free slot", "[routing]") {
  SiteRouteView edge = site(0, 0.002, 1, 2), region = site(1, 0.020, 4, 8);
  edge.compute_cost = 0.0010;
  region.compute_cost = 0.0006;
  region.transfer_cost = 0.0001;
  CHECK(route("cheapest", {edge, region}) == 1);  // 0.0007 < 0.0010
  region.transfer_cost = 0.0005;
  CHECK(route("cheapest", {edge, region}) == 0);  // 0.0011 > 0.0010
  region.transfer_cost = 0.0001;
  region.free_slots = 0;  // full: not a candidate
  CHECK(route("cheapest", {edge, region}) == 0);
}

TEST_CASE("lowest latency weighs the round trip against the queue", "[routing]") {
  // Edge: 2 ms away, recent latency 1 s, full with 3 waiting over 4 slots:
  // 0.004 + 1 + (3 + 1) / 4 x 1 = 2.004 s. Region: 20 ms away, a free slot, recent 1.2 s: 1.24 s.
  SiteRouteView edge = site(0, 0.002, 1, 0, 3), region = site(1, 0.020, 2, 1);
  edge.recent_latency = 1.0;
  region.recent_latency = 1.2;
  CHECK(expected_latency(edge) == Approx(2.004));
  CHECK(expected_latency(region) == Approx(1.24));
  CHECK(route("lowest_latency", {edge, region}) == 1);
  edge.waiting = 0;  // 0.004 + 1 + 1/4 = 1.254 > 1.24: still the region
  CHECK(route("lowest_latency", {edge, region}) == 1);
  edge.free_slots = 1;  // 1.004: the edge
  CHECK(route("lowest_latency", {edge, region}) == 0);
}
