// The GPUs of every node, and which of them replicas hold.
//
// Placement of one replica needs G GPUs of one node of its site and GPU type.
// `pack` takes the node with the fewest free GPUs that still fits (best fit:
// keeps whole nodes free for big replicas); `spread` the node with the most
// free GPUs (spreads replicas over failure domains). Ties go to the lower node
// index, so placement is deterministic. Plain C++: the simulator applies it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace leptonsim {

struct PoolNode {
  std::string site;
  std::string gpu_type;
  int gpus = 0;
};

struct GpuAssignment {
  int node = -1;                 // index into the pool's nodes
  std::vector<int> gpu_indices;  // GPU indices within the node, ascending
};

enum class PlacementStrategy { pack, spread };

class GpuPool {
public:
  explicit GpuPool(std::vector<PoolNode> nodes);

  // GPUs for one replica, or nullopt when no node of the site and type has enough free GPUs.
  std::optional<GpuAssignment> allocate(const std::string& site, const std::string& gpu_type, int gpus,
                                        PlacementStrategy strategy);
  void release(const GpuAssignment& assignment);

  int free_gpus(int node) const;
  int allocated_gpus() const { return allocated_; }
  int total_gpus() const;
  const std::vector<PoolNode>& nodes() const { return nodes_; }

private:
  std::vector<PoolNode> nodes_;
  std::vector<std::vector<bool>> is_used_;  // [node][gpu]
  std::vector<int> used_count_;
  int allocated_ = 0;
};

}  // namespace leptonsim
