#include "scheduling/StaticReplicaPlacement.hpp"

#include <fmt/format.h>

namespace leptonsim {

PlacementResult place_replicas_first_fit(const std::vector<NodeCapacity>& nodes,
                                         const std::vector<ReplicaRequest>& requests) {
  PlacementResult result;
  std::vector<int> used(nodes.size(), 0);
  for (const ReplicaRequest& request : requests) {
    ReplicaAssignment assignment;
    for (std::size_t n = 0; n < nodes.size(); ++n) {
      const NodeCapacity& node = nodes[n];
      if (node.site != request.site || node.gpu_type != request.gpu_type) continue;
      if (node.gpus - used[n] < request.gpus) continue;
      assignment.node = static_cast<int>(n);
      for (int g = 0; g < request.gpus; ++g) assignment.gpu_indices.push_back(used[n] + g);
      used[n] += request.gpus;
      break;
    }
    if (assignment.node < 0 && result.error.empty())
      result.error = fmt::format("service '{}': no node of site '{}' has {} free {} GPUs for another replica",
                                 request.service, request.site, request.gpus, request.gpu_type);
    result.assignments.push_back(std::move(assignment));
  }
  return result;
}

}  // namespace leptonsim
