// TopologyModel: the platform of one run (sites -> racks -> nodes -> GPUs) and
// what happened on it over time, in the shape the topology view draws.
// Built on a worker thread by build_topology_model and then only read.
//
// Storage racks (platform.sites[].storage) are racks with storage nodes and
// their disks instead of GPU nodes. Disks have a state at a time from the
// run's failure events (detail.repaired_at, or the repair of the same
// detail.failure): failed when the disk itself failed, unreachable while its
// storage node, rack or site is down.
//
// The platform comes from the run's resolved scenario (ScenarioLoader ->
// Topology). GPU names in events are SimGrid host names, which are the
// Topology names ("us-east/r0/n1/gpu3"); events that give a GPU relative to
// its node ("gpu3" or 3 with detail.node) are resolved against the node.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ClusterStateTimeline.hpp"
#include "ReportDataset.hpp"

namespace leptonsim::gui {

struct TopologyModel {
  struct Site {
    std::string name;
    std::vector<int> racks;  // indices into racks
  };
  struct Rack {
    std::string name;
    int site = 0;
    std::vector<int> nodes;  // indices into nodes
    bool storage = false;    // a storage rack: storage_nodes, no nodes
    std::vector<int> storage_nodes;  // indices into storage_nodes
  };
  struct StorageNode {
    std::string name;
    int rack = 0;
    std::vector<int> disks;  // indices into disks, disk0 first
  };
  struct Disk {
    std::string name;
    int storage_node = 0;
  };
  enum class DiskState { ok, failed, unreachable };
  // A failure of a storage component or of what contains it: down in [from, to).
  struct Outage {
    double from = 0.0;
    double to = 0.0;  // +inf when not repaired within the run
    bool own = false;  // the component itself failed (not its node, rack or site)
  };
  struct Node {
    std::string name;
    int rack = 0;
    std::vector<int> gpus;  // indices into gpus, gpu0 first
  };
  struct Gpu {
    std::string name;
    int node = 0;
  };
  // Who holds a GPU from time t on; replica < 0 means nobody.
  struct Holder {
    double t = 0.0;
    std::string service;
    int replica = -1;
  };

  std::vector<Site> sites;
  std::vector<Rack> racks;
  std::vector<Node> nodes;
  std::vector<Gpu> gpus;
  std::unordered_map<std::string, int> gpu_index;  // lookup only, never iterated
  std::vector<StorageNode> storage_nodes;
  std::vector<Disk> disks;

  double duration = 0.0;              // simulated seconds covered by the run
  std::vector<double> change_times;   // when some GPU changes state, ascending
  bool has_node_utilization = false;  // the run recorded node.gpu_utilization
  // Why the platform was rebuilt from the events instead of the scenario ("" if it was not).
  std::string platform_note;
  std::vector<std::string> unknown_gpus;  // GPU names in events that are not in the platform

  GpuState state(int gpu, double t) const;
  /// The replica holding the GPU at t, or nullptr.
  const Holder* holder(int gpu, double t) const;
  /// node.gpu_utilization of the GPU's node from the sample covering t (the
  /// sample at t_i describes (t_{i-1}, t_i]); NaN when no sample covers t.
  double node_utilization(int node, double t) const;
  /// Lifetime busy fraction (replicas table) of the replica holding the GPU at t; NaN if none.
  double replica_busy_fraction(int gpu, double t) const;
  /// A disk failed itself, or on a storage node, rack or site that is down, at t.
  DiskState disk_state(int disk, double t) const;
  /// The storage node (or its rack or site) is down at t.
  bool storage_node_down(int node, double t) const;
  int storage_rack_count() const;

  // Filled by build_topology_model.
  std::shared_ptr<const ClusterStateTimeline> timeline;
  std::vector<std::vector<Holder>> holders;     // per GPU, in time order
  std::vector<TimeSeries> node_utilization_series;  // per node (empty when absent)
  std::vector<std::vector<Outage>> disk_outages;          // per disk
  std::vector<std::vector<Outage>> storage_node_outages;  // per storage node (its own, its rack's, its site's)
  std::vector<ReplicaRecord> replicas;
  std::map<std::pair<std::string, int>, std::vector<std::size_t>> replicas_by_key;  // (service, index) -> rows
};

/// Builds the model of a run. Throws std::runtime_error when neither the
/// scenario nor the events describe any GPU.
std::shared_ptr<const TopologyModel> build_topology_model(const RunDataset& run);

}  // namespace leptonsim::gui
