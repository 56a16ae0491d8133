// ClusterStateTimeline: GPU states rebuilt from a hand-written event log with
// placements, cold starts, releases, GPU and node failures and repairs.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ClusterStateTimeline.hpp"

using namespace leptonsim;

namespace {

const std::string kN0 = "us-east/r0/n0";
const std::string kN1 = "us-east/r0/n1";
const std::string kN10 = "us-east/r0/n10";

std::string gpu(const std::string& node, int index) { return node + "/gpu" + std::to_string(index); }

std::string placement(int replica, const std::string& node, const std::vector<std::string>& gpus) {
  std::string list;
  for (const std::string& g : gpus) list += (list.empty() ? "\"" : ",\"") + g + "\"";
  return "{\"replica\":" + std::to_string(replica) + ",\"node\":\"" + node + "\",\"gpus\":[" + list + "]}";
}

std::string stop(int replica, const std::string& node) {
  return "{\"replica\":" + std::to_string(replica) + ",\"node\":\"" + node + "\"}";
}

// chat replica 0 holds n0/gpu0-1 from t = 0; replica 1 cold-starts on n1/gpu0
// at t = 10 and is ready at 25; search replica 0 cold-starts on n10/gpu0.
std::vector<Event> scenario_events() {
  return {
      {0.0, "run_start", "", R"({"nodes":3})"},
      {0.0, "replica_placed", "chat", placement(0, kN0, {gpu(kN0, 0), gpu(kN0, 1)})},
      {10.0, "scale_decision", "chat", R"({"from":1,"to":2,"reason":"queue"})"},
      {10.0, "replica_starting", "chat", placement(1, kN1, {gpu(kN1, 0)})},
      {12.0, "replica_starting", "search", placement(0, kN10, {gpu(kN10, 0)})},
      {25.0, "replica_ready", "chat", placement(1, kN1, {gpu(kN1, 0)})},
      {30.0, "gpu_failure", gpu(kN0, 1), "{}"},
      {40.0, "repair", gpu(kN0, 1), "{}"},
      {50.0, "replica_stopped", "chat", stop(0, kN0)},
      {60.0, "node_failure", kN1, R"({"mttr":20})"},
      {70.0, "replica_stopped", "chat", stop(1, kN1)},
      {80.0, "repair", kN1, "{}"},
      {90.0, "run_end", "", "{}"},
  };
}

}  // namespace

TEST_CASE("GPU states follow placements, readiness and releases", "[cluster_state]") {
  const ClusterStateTimeline timeline(scenario_events());

  CHECK(timeline.state_at(gpu(kN0, 0), 0.0) == GpuState::serving);  // t = 0 placement serves
  CHECK(timeline.state_at(gpu(kN0, 0), -1.0) == GpuState::free);
  CHECK(timeline.state_at(gpu(kN1, 0), 9.9) == GpuState::free);
  CHECK(timeline.state_at(gpu(kN1, 0), 10.0) == GpuState::starting);
  CHECK(timeline.state_at(gpu(kN1, 0), 24.9) == GpuState::starting);
  CHECK(timeline.state_at(gpu(kN1, 0), 25.0) == GpuState::serving);
  CHECK(timeline.state_at(gpu(kN10, 0), 100.0) == GpuState::starting);

  // The stop names no GPUs: both GPUs the replica held are released.
  CHECK(timeline.state_at(gpu(kN0, 0), 49.9) == GpuState::serving);
  CHECK(timeline.state_at(gpu(kN0, 0), 50.0) == GpuState::free);
  CHECK(timeline.state_at(gpu(kN0, 1), 50.0) == GpuState::free);

  CHECK(timeline.state_at("us-east/r9/n0/gpu0", 30.0) == GpuState::free);  // never mentioned
}

TEST_CASE("failures overlay the allocation state until repaired", "[cluster_state]") {
  const ClusterStateTimeline timeline(scenario_events());

  // A GPU failure while serving, then a repair: back to serving.
  CHECK(timeline.state_at(gpu(kN0, 1), 29.0) == GpuState::serving);
  CHECK(timeline.state_at(gpu(kN0, 1), 30.0) == GpuState::failed);
  CHECK(timeline.state_at(gpu(kN0, 1), 39.0) == GpuState::failed);
  CHECK(timeline.state_at(gpu(kN0, 1), 40.0) == GpuState::serving);
  CHECK(timeline.state_at(gpu(kN0, 0), 35.0) == GpuState::serving);  // its neighbour is unaffected

  // A node failure fails every GPU of that node; the release during the
  // failure shows only after the repair (free, not serving).
  CHECK(timeline.state_at(gpu(kN1, 0), 60.0) == GpuState::failed);
  CHECK(timeline.state_at(gpu(kN1, 0), 75.0) == GpuState::failed);
  CHECK(timeline.state_at(gpu(kN1, 0), 80.0) == GpuState::free);
  // GPUs of that node that no event names are failed too, and n10 is not n1.
  CHECK(timeline.state_at(gpu(kN1, 7), 65.0) == GpuState::failed);
  CHECK(timeline.state_at(gpu(kN1, 7), 85.0) == GpuState::free);
  CHECK(timeline.state_at(gpu(kN10, 0), 65.0) == GpuState::starting);

  const auto states = timeline.states_at(65.0);
  CHECK(states.size() == 4);  // every GPU that appears in the events
  CHECK(states.at(gpu(kN0, 0)) == GpuState::free);
  CHECK(states.at(gpu(kN0, 1)) == GpuState::free);
  CHECK(states.at(gpu(kN1, 0)) == GpuState::failed);
  CHECK(states.at(gpu(kN10, 0)) == GpuState::starting);

  CHECK(timeline.change_times() == std::vector<double>{0, 10, 12, 25, 30, 40, 50, 60, 80});
}

TEST_CASE("events at one time leave only their net effect", "[cluster_state]") {
  const std::vector<Event> events = {
      {5.0, "replica_starting", "chat", placement(0, kN0, {gpu(kN0, 0)})},
      {5.0, "replica_stopped", "chat", stop(0, kN0)},
      {7.0, "replica_placed", "chat", placement(1, kN0, {gpu(kN0, 1)})},  // placed later: starting
  };
  const ClusterStateTimeline timeline(events);
  CHECK(timeline.state_at(gpu(kN0, 0), 5.0) == GpuState::free);
  CHECK(timeline.state_at(gpu(kN0, 1), 7.0) == GpuState::starting);
  CHECK(timeline.change_times() == std::vector<double>{7.0});
}

TEST_CASE("events out of order, reused slots and malformed details", "[cluster_state]") {
  const std::vector<Event> events = {
      {20.0, "replica_ready", "chat", stop(0, kN0)},  // no gpus: uses the held ones
      {0.0, "replica_placed", "chat", "{not json"},   // ignored
      {1.0, "replica_starting", "chat", placement(0, kN0, {gpu(kN0, 2)})},
      {2.0, "replica_starting", "chat", R"({"replica":"zero","gpus":["x/gpu0"]})"},  // ignored
      {3.0, "replica_starting", "chat", R"({"replica":4,"gpus":"us-east/r0/n0/gpu5,us-east/r0/n0/gpu6"})"},
      {4.0, "gpu_failure", gpu(kN0, 3), "]["},  // ignored
      {30.0, "replica_stopped", "chat", stop(0, kN0)},
      {40.0, "replica_starting", "chat", placement(0, kN0, {gpu(kN0, 3)})},  // slot 0 reused
      {45.0, "replica_starting", "chat", placement(4, kN0, {gpu(kN0, 6)})},  // re-placed without a stop
  };
  const ClusterStateTimeline timeline(events);
  CHECK(timeline.state_at(gpu(kN0, 2), 1.0) == GpuState::starting);
  CHECK(timeline.state_at(gpu(kN0, 2), 20.0) == GpuState::serving);
  CHECK(timeline.state_at(gpu(kN0, 2), 30.0) == GpuState::free);
  CHECK(timeline.state_at(gpu(kN0, 3), 10.0) == GpuState::free);  // its failure was malformed
  CHECK(timeline.state_at(gpu(kN0, 3), 40.0) == GpuState::starting);
  CHECK(timeline.state_at(gpu(kN0, 5), 3.0) == GpuState::starting);  // comma-separated list
  CHECK(timeline.state_at(gpu(kN0, 5), 45.0) == GpuState::free);     // dropped by the re-placement
  CHECK(timeline.state_at(gpu(kN0, 6), 45.0) == GpuState::starting);
  CHECK(timeline.states_at(0.0).count("x/gpu0") == 0);
}

TEST_CASE("GPU states have names", "[cluster_state]") {
  CHECK(std::string(to_string(GpuState::free)) == "free");
  CHECK(std::string(to_string(GpuState::starting)) == "starting");
  CHECK(std::string(to_string(GpuState::serving)) == "serving");
  CHECK(std::string(to_string(GpuState::failed)) == "failed");
  const ClusterStateTimeline empty({});
  CHECK(empty.states_at(0.0).empty());
  CHECK(empty.change_times().empty());
}

TEST_CASE("the simulator's failure events fail a GPU or everything below a node, rack or site", "[cluster_state]") {
  const std::vector<Event> events{
      {0.0, "replica_placed", "chat", placement(0, kN0, {gpu(kN0, 0), gpu(kN0, 1)})},
      {0.0, "replica_placed", "chat", placement(1, kN1, {gpu(kN1, 0)})},
      {10.0, "failure", gpu(kN0, 1), R"({"failure":0,"cause":"GPU HBM3"})"},
      {20.0, "failure", "us-east/r0", R"({"failure":1,"cause":"rack power"})"},
      {25.0, "failure", "us-east/leaf0", R"({"failure":2,"cause":"switch"})"},
      {30.0, "repair", "us-east/r0", R"({"failure":1})"},
      {40.0, "repair", gpu(kN0, 1), R"({"failure":0})"},
  };
  const ClusterStateTimeline timeline(events);
  CHECK(timeline.state_at(gpu(kN0, 1), 10.0) == GpuState::failed);
  CHECK(timeline.state_at(gpu(kN0, 0), 10.0) == GpuState::serving);
  CHECK(timeline.state_at(gpu(kN0, 0), 20.0) == GpuState::failed);  // the rack's power
  CHECK(timeline.state_at(gpu(kN1, 0), 25.0) == GpuState::failed);
  CHECK(timeline.state_at(gpu(kN1, 0), 30.0) == GpuState::serving);  // a switch cuts off, it does not fail GPUs
  CHECK(timeline.state_at(gpu(kN0, 1), 30.0) == GpuState::failed);   // its own failure is still open
  CHECK(timeline.state_at(gpu(kN0, 1), 40.0) == GpuState::serving);
}
