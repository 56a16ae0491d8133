// Node-pool autoscalers decide when to add nodes to pools and which nodes to
// remove, like the Kubernetes cluster autoscaler does for node groups.
//
// Every `scan_interval()` seconds the simulator hands the policy a read-only
// view of the pools, their nodes and the work that waits for GPUs; the policy
// returns nodes to add per pool and nodes to remove. The simulator checks the
// decision against each pool's bounds and the nodes' states, provisions the
// added nodes (ready after the pool's provisioning delay), and drains the
// removed ones (their replicas move elsewhere) before deleting them.
#pragma once

#include "common/PolicyRegistry.hpp"

#include <string>
#include <vector>

namespace leptonsim {

struct NodePoolView {
  std::string name;
  int site = 0;
  int gpus_per_node = 0;
  int min_nodes = 0;
  int max_nodes = 0;
  int active_nodes = 0;    // provisioned, ready or draining
  int upcoming_nodes = 0;  // provisioning, not ready yet
  int free_slots = 0;      // nodes that could be provisioned now (not active, not failed)
};

// A ready node of a pool.
struct PoolNodeView {
  int node = 0;                 // platform node index
  int pool = 0;                 // index in the pools list
  int gpus = 0;
  int free_gpus = 0;            // whole GPUs free for new work
  std::vector<int> replica_gpus;  // GPUs of each serving replica on it (they can move to other nodes)
  bool has_unmovable_work = false;  // jobs: the node cannot be emptied
  bool is_draining = false;     // being emptied for removal
  // The requested share: GPUs held by replicas and jobs / GPUs.
  double utilization() const { return gpus > 0 ? static_cast<double>(gpus - free_gpus) / gpus : 0.0; }
};

// Free GPUs of a node outside the pools, where work of a removed node may move.
struct FixedNodeView {
  int site = 0;
  int free_gpus = 0;
};

// Work waiting for GPUs: `count` units, each needing `gpus` GPUs at `site`,
// on one node (`is_single_node`) or spread over several.
struct PendingWork {
  int site = 0;
  int gpus = 1;
  int count = 1;
  bool is_single_node = true;
};

struct NodeAutoscalerView {
  double now = 0.0;
  std::vector<NodePoolView> pools;  // in preference order: earlier pools are grown first
  std::vector<PoolNodeView> nodes;  // ready pool nodes
  std::vector<FixedNodeView> fixed_nodes;
  std::vector<PendingWork> pending;
};

struct NodeScalingDecision {
  std::vector<int> add;         // per pool (same order as the view): nodes to provision
  std::vector<int> remove;      // platform node indices to drain and delete
  std::string reason;           // one line for the events table
};

class NodePoolAutoscaler {
public:
  virtual ~NodePoolAutoscaler() = default;
  virtual double scan_interval() const = 0;
  virtual NodeScalingDecision decide(const NodeAutoscalerView& view) = 0;
};

using NodePoolAutoscalerRegistry = PolicyRegistry<NodePoolAutoscaler>;

}  // namespace leptonsim
