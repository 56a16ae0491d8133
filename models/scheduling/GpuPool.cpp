#include "scheduling/GpuPool.hpp"

#include <stdexcept>

namespace leptonsim {

GpuPool::GpuPool(std::vector<PoolNode> nodes) : nodes_(std::move(nodes)) {
  for (const PoolNode& node : nodes_) {
    is_used_.emplace_back(static_cast<std::size_t>(node.gpus), false);
    used_count_.push_back(0);
  }
}

int GpuPool::free_gpus(int node) const { return nodes_[node].gpus - used_count_[node]; }

int GpuPool::total_gpus() const {
  int total = 0;
  for (const PoolNode& node : nodes_) total += node.gpus;
  return total;
}

std::optional<GpuAssignment> GpuPool::allocate(const std::string& site, const std::string& gpu_type, int gpus,
                                               PlacementStrategy strategy) {
  int chosen = -1;
  for (int n = 0; n < static_cast<int>(nodes_.size()); ++n) {
    if (nodes_[n].site != site || nodes_[n].gpu_type != gpu_type || free_gpus(n) < gpus) continue;
    const bool is_better = chosen < 0 || (strategy == PlacementStrategy::pack ? free_gpus(n) < free_gpus(chosen)
                                                                              : free_gpus(n) > free_gpus(chosen));
    if (is_better) chosen = n;
  }
  if (chosen < 0) return std::nullopt;
  GpuAssignment assignment;
  assignment.node = chosen;
  for (int g = 0; g < nodes_[chosen].gpus && static_cast<int>(assignment.gpu_indices.size()) < gpus; ++g)
    if (!is_used_[chosen][g]) {
      is_used_[chosen][g] = true;
      assignment.gpu_indices.push_back(g);
    }
  used_count_[chosen] += gpus;
  allocated_ += gpus;
  return assignment;
}

void GpuPool::release(const GpuAssignment& assignment) {
  for (int g : assignment.gpu_indices) {
    if (!is_used_[assignment.node][g]) throw std::logic_error("GpuPool: releasing a GPU that is not allocated");
    is_used_[assignment.node][g] = false;
  }
  used_count_[assignment.node] -= static_cast<int>(assignment.gpu_indices.size());
  allocated_ -= static_cast<int>(assignment.gpu_indices.size());
}

}  // namespace leptonsim
