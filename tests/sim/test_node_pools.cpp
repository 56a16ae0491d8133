// Node pools under the cluster autoscaler through the whole simulator: a
// golden timeline (pending work -> provisioning delay -> node ready; the idle
// node removed after exactly the unneeded time), pools in preference order,
// a little-used node drained and its replica moved, and a spot reclaim.
#include "ScenarioRun.hpp"

#include <catch2/catch.hpp>
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

using namespace leptonsim;
using namespace leptonsim::testing;

namespace {

// (time, kind, entity) of the node pool events, in order.
std::vector<std::tuple<double, std::string, std::string>> node_events(const RunResult& result) {
  std::vector<std::tuple<double, std::string, std::string>> out;
  for (const Event& event : result.events)
    if (event.kind.rfind("node_", 0) == 0 && event.kind != "node_scale_decision")
      out.emplace_back(event.t, event.kind, event.entity);
  return out;
}

using Timeline = std::vector<std::tuple<double, std::string, std::string>>;

}  // namespace

TEST_CASE("golden timeline: pending work, provisioning delay, node ready, idle node removed after the unneeded time",
          "[node-pools]") {
  // No fixed nodes; a pool of up to 2 h100x8 nodes that take 305 s to provision.
  // A 1-hour 8-GPU job waits at t = 0. Scans every 10 s: at 10 s one node is
  // added (ready at 315 s, when the job starts); the job ends at 3915 s, the
  // node is unneeded from the scan at 3920 s and removed 600 s later, at 4520 s.
  const RunResult result = run_with_files(R"(
name: pool-golden
duration: 2h
sample_interval: 10min
platform:
  sites:
    - name: dc
      racks: 0
      nodes_per_rack: 2
      pools: [{name: od, max_nodes: 2, provisioning_delay: 305s}]
node_autoscaler: {policy: cluster_autoscaler, scan_interval: 10, scale_down_unneeded_time: 600}
jobs:
  list: [{name: train, gpus: 8, duration: 1h}]
)");
  CHECK(node_events(result) == Timeline{{10.0, "node_provisioning", "dc/r0/n0"},
                                        {315.0, "node_ready", "dc/r0/n0"},
                                        {4520.0, "node_removed", "dc/r0/n0"}});
  REQUIRE(result.jobs.size() == 1);
  CHECK(result.jobs[0].first_start.value() == 315.0);
  CHECK(result.jobs[0].end.value() == 3915.0);
  // Paid from the decision (10 s) to the removal (4520 s) at the on-demand price.
  CHECK(metric(result, "cost.compute.on_demand") == Approx(4510.0 / 3600 * 98.32).margin(0.005));
  CHECK(metric(result, "pool.od.node_hours") == Approx(4510.0 / 3600));
  CHECK(metric(result, "pool.od.nodes_added") == 1);
  CHECK(metric(result, "pool.od.nodes_removed") == 1);
  CHECK(metric(result, "pool.od.nodes_max") == 1);
  // Energy: the node's off power (102 W) while not provisioned, the second slot always off;
  // on: host 4.6 kW + 8 GPUs idle (70 W) or busy (700 W) during the job.
  const double on_seconds = 4510.0, busy_gpu_seconds = 8 * 3600.0;
  const double joules = (4600 + 8 * 70) * on_seconds + (700 - 70) * busy_gpu_seconds + 102 * (7200 - on_seconds) + 102 * 7200;
  CHECK(metric(result, "energy.it_kwh") == Approx(joules / 3.6e6).margin(1.0 / 3.6e6));
  // Utilisation over the usable (ready) GPU-time: 8 busy GPUs for 3600 s of 8 x (4520 - 315) s.
  CHECK(metric(result, "cluster.gpu_utilization_usable_mean") == Approx(3600.0 / (4520 - 315)));
  // Over all GPUs of the platform (both slots of the pool, 16 GPUs): 8 x 3600 GPU-s of 16 x 7200.
  CHECK(metric(result, "cluster.gpu_utilization_mean") == Approx(8 * 3600.0 / (16 * 7200)));
}

TEST_CASE("pools grow in preference order up to their maximum, spot after on-demand", "[node-pools]") {
  // Four 8-GPU jobs; the on-demand pool takes one node at most, the spot pool two:
  // three nodes at the first scan, the fourth job waits for a free node.
  const RunResult result = run_with_files(R"(
name: pool-preference
duration: 3h
platform:
  sites:
    - name: dc
      racks: 0
      nodes_per_rack: 4
      provider: gcp
      pools:
        - {name: od, max_nodes: 1, provisioning_delay: 2min}
        - {name: cheap, purchase: spot, max_nodes: 2, provisioning_delay: 2min}
node_autoscaler: {scan_interval: 15}
jobs:
  list: [{name: train, count: 4, gpus: 8, duration: 1h}]
)");
  const Timeline events = node_events(result);
  REQUIRE(events.size() >= 6);
  CHECK(events[0] == std::tuple<double, std::string, std::string>{15.0, "node_provisioning", "dc/r0/n0"});
  CHECK(events[1] == std::tuple<double, std::string, std::string>{15.0, "node_provisioning", "dc/r1/n0"});
  CHECK(events[2] == std::tuple<double, std::string, std::string>{15.0, "node_provisioning", "dc/r1/n1"});
  CHECK(metric(result, "pool.od.nodes_max") == 1);
  CHECK(metric(result, "pool.cheap.nodes_max") == 2);
  int decisions_with_unplaceable = 0;
  for (const Event& event : result.events)
    if (event.kind == "node_scale_decision" &&
        nlohmann::json::parse(event.detail)["reason"].get<std::string>().find("fit no pool") != std::string::npos)
      ++decisions_with_unplaceable;
  CHECK(decisions_with_unplaceable >= 1);
  // The fourth job starts when the first ones end (135 s + 1 h).
  std::vector<double> starts;
  for (const auto& job : result.jobs) starts.push_back(job.first_start.value());
  std::sort(starts.begin(), starts.end());
  CHECK(starts == std::vector<double>{135.0, 135.0, 135.0, 3735.0});
  // GCP prices (data/prices.yaml): spot $35.3957/h, on demand $88.49/h, each from its decision to its removal.
  CHECK(metric(result, "cost.compute.spot") > 0);
  CHECK(metric(result, "cost.compute.on_demand") > 0);
  CHECK(metric(result, "cost.compute.spot") ==
        Approx(metric(result, "pool.cheap.node_hours") * 35.3957).margin(0.005));
}

TEST_CASE("a little-used pool node is drained: its replica moves to a fixed node, then the node goes", "[node-pools]") {
  // One fixed node and one pool node; two 3-GPU replicas spread, one on each.
  // The pool node holds 3 of 8 GPUs (< 50 %) from the first scan at 10 s; at
  // 610 s it is drained: its replica is replaced on the fixed node (5 GPUs
  // free) and the node is removed at the next scan once empty.
  const RunResult result = run_with_files(R"(
name: pool-drain
duration: 30min
platform:
  sites:
    - name: dc
      racks: 1
      nodes_per_rack: 1
      pools: [{name: od, max_nodes: 1, initial_nodes: 1}]
node_autoscaler: {scan_interval: 10}
services:
  - name: api
    replicas: 2
    gpus_per_replica: 3
    placement: spread
    arrivals: {rate: 1/s}
    service_time: 50ms
)");
  const Timeline events = node_events(result);
  REQUIRE(events.size() == 2);
  CHECK(events[0] == std::tuple<double, std::string, std::string>{610.0, "node_draining", "dc/r1/n0"});
  CHECK(events[1] == std::tuple<double, std::string, std::string>{620.0, "node_removed", "dc/r1/n0"});
  bool evacuated = false;
  for (const Event& event : result.events)
    if (event.kind == "replica_draining" && event.t == 610.0) {
      const auto detail = nlohmann::json::parse(event.detail);
      evacuated = detail["node"] == "dc/r1/n0" && detail["reason"] == "node scale-down";
    }
  CHECK(evacuated);
  CHECK(metric(result, "service.api.replicas_max") == 2);
  CHECK(metric(result, "pool.od.node_hours") == Approx(620.0 / 3600));
}

TEST_CASE("a reclaimed spot pool node is removed and replaced on another slot", "[node-pools]") {
  // A spot pool of up to 2 nodes with 1 initial node running an 8-GPU job.
  // The provider announces at 885 s a reclaim at 1005 s: the node is cordoned
  // and the job goes back to the queue (no checkpoint); the scan at 890 s
  // removes the empty node and adds the other slot (not the reclaimed one),
  // ready 60 s later, when the job restarts from the beginning.
  const RunResult result = run_with_files(R"(
name: pool-spot
duration: 2h
platform:
  sites:
    - name: dc
      racks: 0
      nodes_per_rack: 2
      provider: gcp
      pools: [{name: spot, purchase: spot, max_nodes: 2, initial_nodes: 1, provisioning_delay: 1min}]
node_autoscaler: {scan_interval: 10}
jobs:
  list: [{name: train, gpus: 8, duration: 1h}]
failures:
  trace: {path: reclaims.csv}
)",
                                          {{"reclaims.csv", "time,component,duration,cause,notice\n1005,dc/r0/n0,7200,spot,120\n"}});
  const Timeline events = node_events(result);
  REQUIRE(events.size() >= 4);
  CHECK(events[0] == std::tuple<double, std::string, std::string>{885.0, "node_draining", "dc/r0/n0"});
  CHECK(events[1] == std::tuple<double, std::string, std::string>{890.0, "node_removed", "dc/r0/n0"});
  CHECK(events[2] == std::tuple<double, std::string, std::string>{890.0, "node_provisioning", "dc/r0/n1"});
  CHECK(events[3] == std::tuple<double, std::string, std::string>{950.0, "node_ready", "dc/r0/n1"});
  CHECK(metric(result, "pool.spot.nodes_failed") == 1);
  REQUIRE(result.jobs.size() == 1);
  CHECK(result.jobs[0].first_start.value() == 0.0);
  CHECK(result.jobs[0].end.value() == 950.0 + 3600.0);
  // Spot price (GCP, data/prices.yaml) for n0 from 0 to 890 s and n1 from 890 s to its removal.
  CHECK(metric(result, "cost.compute.spot") == Approx(metric(result, "pool.spot.node_hours") * 35.3957).margin(0.005));
}

TEST_CASE("replicas of a service at a site with only a pool wait for the nodes the autoscaler adds", "[node-pools]") {
  // Two 8-GPU replicas at a site without fixed nodes: the scan at 10 s adds
  // two nodes, ready at 70 s, when both replicas are placed and ready at once
  // (no cold start given).
  const RunResult result = run_with_files(R"(
name: pool-replicas
duration: 10min
platform:
  sites:
    - {name: dc, racks: 0, nodes_per_rack: 4, pools: [{name: od, max_nodes: 4, provisioning_delay: 1min}]}
node_autoscaler: {scan_interval: 10}
services:
  - {name: api, replicas: 2, gpus_per_replica: 8, arrivals: {rate: 1/s}, service_time: 100ms}
)");
  CHECK(node_events(result) == Timeline{{10.0, "node_provisioning", "dc/r0/n0"},
                                        {10.0, "node_provisioning", "dc/r0/n1"},
                                        {70.0, "node_ready", "dc/r0/n0"},
                                        {70.0, "node_ready", "dc/r0/n1"}});
  int ready_at_70 = 0;
  for (const Event& event : result.events) ready_at_70 += event.kind == "replica_ready" && event.t == 70.0 ? 1 : 0;
  CHECK(ready_at_70 == 2);
  CHECK(metric(result, "pool.od.nodes_max") == 2);
  // Requests before 70 s waited at the balancer (60 s default timeout): some were dropped, the rest served.
  CHECK(metric(result, "service.api.requests_completed") > 400);
}
