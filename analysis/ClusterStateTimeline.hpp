// ClusterStateTimeline: the state of every GPU over time, rebuilt from a run's
// events (replica placement, readiness and release; failures and repairs), for
// the topology view's time slider. Plain C++.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "RunResult.hpp"

namespace leptonsim {

enum class GpuState {
  free,      // not held by any replica
  starting,  // held by a replica that is cold-starting
  serving,   // held by a ready (or draining) replica
  failed,    // failed (failure, gpu_failure or node_failure) and not yet repaired
};

const char* to_string(GpuState state);

class ClusterStateTimeline {
 public:
  /// Builds from events (stably sorted by time if they are not). Failures are
  /// an overlay: a GPU is failed while its own gpu_failure or its node's
  /// node_failure is unrepaired, and otherwise shows the state its replicas
  /// give it. detail.gpus is a JSON array of names (a comma-separated string
  /// is accepted too). Events with malformed detail JSON are ignored. Uses: replica_placed / replica_starting
  /// (detail.gpus: GPU host names; state starting, or serving for t = 0
  /// placements), replica_ready (serving), replica_stopped (free: the GPUs the
  /// replica (entity, detail.replica) held), gpu_failure (entity = GPU),
  /// node_failure (entity = node: every GPU whose name starts with node + "/"),
  /// repair (entity = GPU or node), failure (the simulator's: entity = a GPU, or a
  /// node, rack or site whose GPUs all fail; NIC, link and switch failures cut
  /// nodes off without failing GPUs and are not shown). Unknown kinds are ignored.
  explicit ClusterStateTimeline(const std::vector<Event>& events);

  /// State of a GPU (host name, e.g. "us-east/r0/n1/gpu3") at time t: the state
  /// after every event at times <= t. GPUs never mentioned are free (or failed
  /// while a node_failure of their node is not repaired).
  GpuState state_at(const std::string& gpu, double t) const;
  /// Every GPU that appears in the events, with its state at t.
  std::map<std::string, GpuState> states_at(double t) const;
  /// Times at which some GPU changes state, ascending, without duplicates.
  std::vector<double> change_times() const;

 private:
  struct Change {
    double t;
    GpuState state;
  };
  std::map<std::string, std::vector<Change>> changes_;  // per GPU, in time order
  // Failed (true) / repaired (false) transitions per failed node, for GPUs that
  // no event names.
  std::map<std::string, std::vector<std::pair<double, bool>>> node_failures_;
};

}  // namespace leptonsim
