#include "scheduling/GpuPool.hpp"

#include <fmt/format.h>
#include <stdexcept>

namespace leptonsim {

namespace {

std::shared_ptr<const ClusterLayout> layout_of(const std::vector<PoolNode>& nodes) {
  std::vector<ClusterNodeInfo> infos;
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    const PoolNode& node = nodes[n];
    infos.push_back({node.name.empty() ? fmt::format("node {}", n) : node.name, node.site, node.rack, node.gpu_type,
                     node.gpus});
  }
  return std::make_shared<const ClusterLayout>(infos);
}

}  // namespace

GpuPool::GpuPool(const std::vector<PoolNode>& nodes) : state_(layout_of(nodes)) {}

Placement to_placement(const GpuAssignment& assignment) {
  Placement placement;
  for (int g : assignment.gpu_indices) placement.shares.push_back({assignment.node, g, kWholeGpuMilli});
  return placement;
}

std::optional<GpuAssignment> GpuPool::allocate(const std::string& site, const std::string& gpu_type, int gpus,
                                               PlacementStrategy strategy) {
  const ClusterLayout& layout = state_.layout();
  JobDemand demand;
  demand.gpus = gpus;
  demand.site = layout.site_index(site);
  demand.gpu_type = layout.gpu_type_index(gpu_type);
  if (demand.site < 0 || demand.gpu_type < 0 || !state_.has_node_with_free(demand, gpus)) return std::nullopt;
  int chosen = -1;
  for (int n = 0; n < layout.node_count(); ++n) {
    if (free_gpus(n) < gpus || !state_.node_matches(n, demand)) continue;
    const bool is_better = chosen < 0 || (strategy == PlacementStrategy::pack ? free_gpus(n) < free_gpus(chosen)
                                                                              : free_gpus(n) > free_gpus(chosen));
    if (is_better) chosen = n;
  }
  if (chosen < 0) return std::nullopt;
  GpuAssignment assignment;
  assignment.node = chosen;
  for (int g = 0; g < layout.node(chosen).gpus && static_cast<int>(assignment.gpu_indices.size()) < gpus; ++g)
    if (state_.free_milli(chosen, g) == kWholeGpuMilli) assignment.gpu_indices.push_back(g);
  state_.allocate(to_placement(assignment));
  return assignment;
}

void GpuPool::release(const GpuAssignment& assignment) {
  for (int g : assignment.gpu_indices)
    if (state_.free_milli(assignment.node, g) == kWholeGpuMilli)
      throw std::logic_error("GpuPool: releasing a GPU that is not allocated");
  state_.release(to_placement(assignment));
}

}  // namespace leptonsim
