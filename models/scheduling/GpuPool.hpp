// The GPUs of every node, and which of them replicas and jobs hold.
//
// Placement of one replica needs G GPUs of one node of its site and GPU type.
// `pack` takes the node with the fewest free GPUs that still fits (best fit:
// keeps whole nodes free for big replicas); `spread` the node with the most
// free GPUs (spreads replicas over failure domains). Ties go to the lower node
// index, so placement is deterministic. Jobs are placed by their own policies
// (PlacementPolicy) on the same state and allocated here as Placements.
// Plain C++: the simulator applies it.
#pragma once

#include "scheduling/ClusterState.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace leptonsim {

struct PoolNode {
  std::string site;
  std::string gpu_type;
  int gpus = 0;
  int rack = 0;          // rack index within the site
  std::string name = {};  // for messages; "" = "node <index>"
};

struct GpuAssignment {
  int node = -1;                 // index into the pool's nodes
  std::vector<int> gpu_indices;  // GPU indices within the node, ascending
};

enum class PlacementStrategy { pack, spread };

class GpuPool {
public:
  explicit GpuPool(const std::vector<PoolNode>& nodes);

  // GPUs for one replica, or nullopt when no node of the site and type has enough free GPUs.
  std::optional<GpuAssignment> allocate(const std::string& site, const std::string& gpu_type, int gpus,
                                        PlacementStrategy strategy);
  void release(const GpuAssignment& assignment);
  // Jobs: placements chosen by a placement policy on state().
  void allocate(const Placement& placement) { state_.allocate(placement); }
  void release(const Placement& placement) { state_.release(placement); }

  int free_gpus(int node) const { return state_.free_gpus(node); }
  int allocated_gpus() const { return state_.total_gpus() - state_.total_free_gpus(); }
  int total_gpus() const { return state_.total_gpus(); }
  const ClusterState& state() const { return state_; }

private:
  ClusterState state_;
};

// The assignment's GPUs as whole-GPU shares.
Placement to_placement(const GpuAssignment& assignment);

}  // namespace leptonsim
