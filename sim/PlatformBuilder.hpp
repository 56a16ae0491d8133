// Builds the SimGrid platform of a scenario, in C++.
//
// Per site, a SimGrid fat-tree zone: a 2-level Clos (leaf_spine) or a 3-level
// fat tree. Each leaf of the tree is one GPU node, itself a star zone holding a
// host per GPU (speed = dense BF16 FLOP/s) and one for the host CPU; GPUs reach
// the node's gateway over NVLink-speed links (PCIe when the GPU has no NVLink)
// and the node reaches its leaf switch through a NIC limiter link. One extra
// rack (leaf_spine) or pod (fat_tree) carries the site's border router, which
// WAN links join to other sites through a Floyd root zone.
#pragma once

#include "ScenarioSpec.hpp"

#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

namespace leptonsim {

struct SimNode {
  std::string name;        // "site/r{i}/n{j}"
  std::string site;
  int rack = 0;
  int index_in_rack = 0;
  const NodeShape* shape = nullptr;
  const GpuType* gpu = nullptr;
  simgrid::s4u::Host* cpu = nullptr;
  std::vector<simgrid::s4u::Host*> gpus;
};

struct SimPlatform {
  std::vector<SimNode> nodes;  // site, rack, node order
  simgrid::s4u::NetZone* root = nullptr;
  int total_gpus() const;
};

// Fabric shape derived from the spec (also used by the topology and tests).
struct FabricShape {
  unsigned links_per_node = 1;     // parallel node-to-leaf links (NIC bandwidth / link bandwidth)
  unsigned spines = 1;             // leaf_spine: spine switches; fat_tree: aggregation switches per pod
  unsigned links_per_uplink = 1;   // parallel links between a leaf and each spine/aggregation switch
};
FabricShape derive_fabric_shape(const SiteSpec& site, const NodeShape& shape);

// Must be called after the Engine exists; builds and seals the whole platform.
SimPlatform build_platform(const ScenarioSpec& spec);

}  // namespace leptonsim
