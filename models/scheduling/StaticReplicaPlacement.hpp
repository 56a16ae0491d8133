// Static placement of fixed replica sets onto nodes (first fit, packed).
//
// Each replica needs G GPUs of one node of its site. Nodes are filled in order,
// so replicas share as few nodes as possible. Plain function: the simulator
// applies the result. (Pluggable placement policies come with the jobs work.)
#pragma once

#include <string>
#include <vector>

namespace leptonsim {

struct NodeCapacity {
  std::string site;
  std::string gpu_type;
  int gpus = 0;  // GPUs on the node
};

struct ReplicaRequest {
  std::string service;
  std::string site;
  std::string gpu_type;  // required GPU type
  int gpus = 1;
};

struct ReplicaAssignment {
  int node = -1;                 // index into the NodeCapacity list
  std::vector<int> gpu_indices;  // GPU indices within the node
};

struct PlacementResult {
  std::vector<ReplicaAssignment> assignments;  // one per request, in request order
  std::string error;                           // empty when every replica was placed
};

PlacementResult place_replicas_first_fit(const std::vector<NodeCapacity>& nodes,
                                         const std::vector<ReplicaRequest>& requests);

}  // namespace leptonsim
