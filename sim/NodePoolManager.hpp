// NodePoolManager: the sites' node pools under a node autoscaler policy.
//
// Pool nodes exist in the platform from the start (SimGrid platforms are
// static); a node that is not provisioned has its GPUs held in the
// ServingCluster, is not paid for, and draws its off power. Every scan the
// policy sees the pools, their ready nodes and the work waiting for GPUs
// (unplaced replicas, waiting jobs) and decides; the manager checks the
// decision against the pools' bounds and the nodes' states and applies it:
// an added node is paid for at once and joins the GPU pool after the pool's
// provisioning delay; a removed node is cordoned, its replicas drain while
// replacements start elsewhere, and it is deleted when empty. A failed pool
// node (a detected failure or a spot reclaim) is deleted at once; its slot
// may be provisioned again once repaired.
#pragma once

#include "CostMeter.hpp"
#include "FailureInjector.hpp"
#include "PlatformBuilder.hpp"
#include "RunResult.hpp"
#include "ScenarioSpec.hpp"
#include "TimeIntegral.hpp"
#include "autoscaling/NodePoolAutoscaler.hpp"

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

namespace leptonsim {

class InferenceService;
class JobScheduler;
class ServingCluster;

class NodePoolManager {
public:
  NodePoolManager(const ScenarioSpec& spec, const SimPlatform& platform, ServingCluster& cluster, CostMeter& cost,
                  std::vector<Event>& events);
  bool has_pools() const { return !pools_.empty(); }

  void set_services(std::vector<InferenceService*> services) { services_ = std::move(services); }
  void set_jobs(JobScheduler* jobs) { jobs_ = jobs; }
  void set_hardware_health(const HardwareHealth* health) { health_ = health; }
  // Schedules the scans (call before Engine::run()).
  void start();
  void stop(double now);

  // Failures of pool nodes: a detected failure deletes the node; a spot notice drains it.
  void on_failure_detected(const std::vector<GpuRef>& gpus, double now, const std::string& cause);
  void on_reclaim_notice(const std::vector<GpuRef>& gpus, double now);

  // GPUs of the nodes that can run work now (fixed nodes, ready and draining pool nodes).
  double usable_gpus() const { return usable_gpus_.value(); }
  // Their integral from the start (GPU-seconds), for utilisation over usable capacity.
  double usable_gpu_seconds(double now) const;
  void sample(double now, std::vector<TimeSeries>& series);
  void report(RunResult& result) const;

private:
  enum class NodeState { off, provisioning, ready, draining };
  struct PoolNode {
    int node = 0;                 // platform node index
    NodeState state = NodeState::off;
    std::uint64_t generation = 0; // bumps at every state change: stale timers do nothing
    bool is_reclaim_pending = false;  // a spot reclaim was announced: not to be provisioned again
  };
  struct Pool {
    const NodePoolSpec* spec = nullptr;
    std::string name;             // unique: the pool's name
    int site = 0;
    int gpus_per_node = 0;
    std::vector<PoolNode> nodes;
    TimeIntegral active;          // nodes paid for (provisioning, ready, draining)
    TimeIntegral ready;           // nodes ready or draining
    int added = 0, removed = 0, failed = 0, max_active = 0;
    double provisioning_seconds = 0.0;  // sum over added nodes that became ready
    int became_ready = 0;
  };

  void scan();
  NodeAutoscalerView build_view(double now) const;
  void apply(const NodeScalingDecision& decision, double now);
  void provision(Pool& pool, PoolNode& node, double now, const std::string& reason);
  void on_ready(int pool, int index, std::uint64_t generation);
  void begin_drain(Pool& pool, PoolNode& node, double now, const std::string& reason);
  void remove(Pool& pool, PoolNode& node, double now, const std::string& reason);
  void remove_drained(double now);
  int count(const Pool& pool, NodeState state) const;
  void set_state(Pool& pool, PoolNode& node, NodeState state, double now);
  bool is_healthy(int node) const;
  bool can_provision(const PoolNode& node) const {
    return node.state == NodeState::off && !node.is_reclaim_pending && is_healthy(node.node);
  }
  std::vector<GpuRef> gpus_of(int node) const;
  void event(double now, const char* kind, int node, nlohmann::json detail);
  // Calls visit(pool, node) once for each pool node holding one of the GPUs.
  template <class Visit>
  void for_each_pool_node(const std::vector<GpuRef>& gpus, Visit visit);

  const ScenarioSpec& spec_;
  const SimPlatform& platform_;
  ServingCluster& cluster_;
  CostMeter& cost_;
  std::vector<Event>& events_;
  std::unique_ptr<NodePoolAutoscaler> policy_;
  std::vector<Pool> pools_;
  std::vector<std::pair<int, int>> pool_of_node_;  // per platform node: (pool, index in pool) or (-1, -1)
  std::vector<InferenceService*> services_;
  JobScheduler* jobs_ = nullptr;
  const HardwareHealth* health_ = nullptr;
  TimeIntegral usable_gpus_;
  bool is_stopped_ = false;
  int decisions_ = 0;
};

}  // namespace leptonsim
