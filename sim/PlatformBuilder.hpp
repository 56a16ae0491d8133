// Builds the SimGrid platform of a scenario, in C++.
//
// Per site, a SimGrid fat-tree zone: a 2-level Clos (leaf_spine) or a 3-level
// fat tree. Each leaf of the tree is one GPU node, itself a star zone holding a
// host per GPU (speed = dense BF16 FLOP/s) and one for the host CPU. GPUs and
// the CPU reach the node's internal switch over PCIe links and the fabric
// through the node's NIC link; GPU-to-GPU traffic inside a node takes NVLink
// links instead (bypass routes). The fabric follows FabricShape (port bundles).
// Storage racks follow the GPU racks: each leaf port holds a storage node (a
// star zone with a host per disk, see SimStorageNode, behind its NIC link) until
// the rack's storage nodes are placed; the other ports stay unused.
// One extra rack (leaf_spine) or pod (fat_tree) carries the site's
// infrastructure leaf: a star zone with the border router, which WAN links join
// to other sites through a Floyd root zone, and the storage host that model
// weights are loaded from (its link has the fabric bundle bandwidth).
//
// SimGrid 3.32 searches every zone for a name clash whenever a link is
// created, so links created after thousands of node zones cost thousands of
// lookups each. All node links are therefore created up front in the root
// zone, while it is still small, and the node zones only reference them.
#pragma once

#include "ScenarioSpec.hpp"
#include "topology/FabricShape.hpp"

#include <simgrid/s4u.hpp>
#include <map>
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
  int site_index = 0;      // index in spec.platform.sites
  int pool = -1;           // index in the site's pools; -1 = a fixed node
  Purchase purchase = Purchase::on_demand;  // how the node is paid for
  double price_per_hour = 0.0;              // USD per node-hour (owned: amortised purchase)
  simgrid::s4u::Host* cpu = nullptr;
  std::vector<simgrid::s4u::Host*> gpus;
};

struct SimStorageNode {
  std::string name;        // "site/sr{i}/s{j}"
  std::string site;
  int rack = 0;            // storage rack index within the site
  int index_in_rack = 0;
  // One host per disk behind a split-duplex disk link (up = read bandwidth,
  // down = write bandwidth) and the node's NIC link: a transfer between two
  // disks is one Comm limited by the slower of the disks, NICs and fabric.
  // (SimGrid disks would need three activities per transfer, and Io
  // activities started outside actors slow every later Comm in 3.32.)
  std::vector<simgrid::s4u::Host*> disks;
};

struct SimPlatform {
  std::vector<SimNode> nodes;  // site, rack, node order
  std::vector<SimStorageNode> storage_nodes;  // site, storage rack, node order
  std::map<std::string, simgrid::s4u::Host*> storage;  // per site: the host model weights are loaded from
  simgrid::s4u::NetZone* root = nullptr;
  int total_gpus() const;
};


// Must be called after the Engine exists; builds and seals the whole platform.
SimPlatform build_platform(const ScenarioSpec& spec);

}  // namespace leptonsim
