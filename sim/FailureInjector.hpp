// Injects the failures of a run into the SimGrid platform and tells the
// schedulers, in three steps per failure:
//
//  1. failure (time t): the GPUs it takes down (a GPU, a node's GPUs, or the
//     GPUs of the nodes it cuts off) stop at once: listeners are told first, so
//     they stop the work they run there, then the GPU hosts are turned off
//     (GPU and node failures) or the nodes' NIC links (cut-off nodes);
//  2. detection (ceil(t / period) x period + delay): listeners release what
//     they held there and recover (jobs requeue from their last checkpoint,
//     services replace replicas); the GPUs leave the shared pool;
//  3. repair (max(t + repair time, detection)): hosts and links come back on
//     and the GPUs return to the pool.
//
// Reclaims with notice (spot capacity): at the notice the GPUs are cordoned
// (taken out of the pool) and listeners told; the reclaim at t needs no
// detection (detected at t).
//
// Spares (failures.spares): the site's last nodes stand by out of the pool.
// At a detection, each node the failure took GPUs of gets a healthy standby
// node, whose GPUs join the pool after the activation delay; when the failed
// node is repaired (nothing affects it any more) it becomes a standby node.
//
// Overlapping failures are counted per GPU and per node: a GPU is usable only
// when nothing that affects it is down. Failures arrive as kernel timers from
// the FailureGenerator, one pending at a time: no actor.
#pragma once

#include "FailureSetup.hpp"
#include "PlatformBuilder.hpp"
#include "RunResult.hpp"
#include "ScenarioSpec.hpp"
#include "TimeIntegral.hpp"
#include "topology/Topology.hpp"

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <simgrid/s4u.hpp>
#include <string>
#include <utility>
#include <vector>

namespace leptonsim {

class ServingCluster;

// (node index, GPU index within the node).
using GpuRef = std::pair<int, int>;

// Whether the hardware under a GPU works now (ground truth, not what the
// schedulers have detected).
class HardwareHealth {
public:
  explicit HardwareHealth(const SimPlatform& platform);
  bool is_usable(int node, int gpu) const {
    return gpu_down_[static_cast<std::size_t>(first_gpu_[static_cast<std::size_t>(node)] + gpu)] == 0 &&
           node_cut_off_[static_cast<std::size_t>(node)] == 0;
  }

private:
  friend class FailureInjector;
  std::vector<int> first_gpu_;     // per node: index of its GPU 0 in gpu_down_
  std::vector<int> gpu_down_;      // per GPU: failures that stop it
  std::vector<int> node_cut_off_;  // per node: failures that cut it off
};

class FailureInjector {
public:
  struct Listener {
    // The GPUs stopped working at `now` (the failure's cause and component given).
    std::function<void(const std::vector<GpuRef>& gpus, double now, const std::string& cause)> on_failed;
    // The failure of those GPUs was detected at `now`.
    std::function<void(const std::vector<GpuRef>& gpus, double now, const std::string& cause)> on_detected;
    // Spot: those GPUs will be reclaimed at `reclaim_at` (they are cordoned now). May be empty.
    std::function<void(const std::vector<GpuRef>& gpus, double now, double reclaim_at)> on_notice = {};
  };

  FailureInjector(const ScenarioSpec& spec, const SimPlatform& platform, ServingCluster& cluster,
                  std::vector<Event>& events);
  ~FailureInjector();
  FailureInjector(const FailureInjector&) = delete;
  FailureInjector& operator=(const FailureInjector&) = delete;

  // Storage nodes (down or cut off) and disks a failure takes, and their repair (see StorageSystem).
  struct StorageListener {
    std::function<void(int failure, const std::vector<int>& storage_nodes, const std::vector<int>& disks, double now,
                       const std::string& cause, const std::string& component)>
        on_failed;
    std::function<void(int failure, const std::vector<int>& storage_nodes, const std::vector<int>& disks, double now)>
        on_repaired;
  };

  void add_listener(Listener listener) { listeners_.push_back(std::move(listener)); }
  void set_storage_listener(StorageListener listener) { storage_listener_ = std::move(listener); }
  const HardwareHealth& health() const { return health_; }
  // Schedules the first failure. Call before Engine::run().
  void start();
  void stop(double now);
  void sample(double now, std::vector<TimeSeries>& series);
  void report(RunResult& result) const;
  // Told whenever a spare node starts or stops standing by (it is paid at its standby price meanwhile).
  using StandbyListener = std::function<void(int node, bool is_standby, double now)>;
  void set_standby_listener(StandbyListener listener) { standby_listener_ = std::move(listener); }
  const std::set<int>& standby_nodes() const { return standby_; }

private:
  struct ClassCounters {
    std::int64_t failures = 0;
    std::int64_t components = 0;
    double down_seconds = 0.0;  // summed over components, within the run
  };
  void schedule_next();
  void on_failure(const FailureOccurrence& failure);
  void on_notice(const FailureOccurrence& failure);
  std::vector<GpuRef> gpus_of(const FailureEffect& effect) const;
  void on_detection(int id);
  void on_repair(int id);
  void put_event(double t, const char* kind, int id, nlohmann::json detail) const;

  struct Active {
    FailureOccurrence failure;
    std::vector<GpuRef> gpus;          // every GPU it stops
    std::vector<int> gpus_down_flat;   // flat indices of the GPUs it turns off
    std::vector<int> nodes_cut_off;
    std::vector<int> storage_nodes_down;
    std::vector<int> disks_failed;
    double detected_at = 0.0;
    double repaired_at = 0.0;
    bool is_cordoned = false;          // its GPUs left the pool at its notice
  };
  void set_standby(int node, bool is_standby, double now);
  void mark_standby(int node, bool is_standby, double now);
  void cover_with_spares(const Active& active, double now);
  void retire_repaired_to_standby(const Active& active, double now);
  bool is_node_usable(int node) const;

  const ScenarioSpec& spec_;
  const SimPlatform& platform_;
  ServingCluster& cluster_;
  std::vector<Event>& events_;
  Topology topology_;
  FailureDomains domains_;
  std::unique_ptr<FailureGenerator> generator_;
  HardwareHealth health_;
  std::vector<simgrid::s4u::Link*> nic_links_;  // per node: its NIC link up, then down
  std::vector<simgrid::s4u::Host*> gpu_hosts_;  // flat
  std::vector<Listener> listeners_;
  StorageListener storage_listener_;
  std::optional<FailureOccurrence> pending_;
  std::optional<std::vector<GpuRef>> cordoned_;  // GPUs cordoned by the pending failure's notice
  std::map<int, Active> active_;                // by failure id, until repaired
  int next_id_ = 0;
  bool is_stopped_ = false;
  std::map<std::string, ClassCounters> by_cause_;
  TimeIntegral gpus_unusable_, under_repair_;
  std::set<int> standby_;                        // spare nodes out of the pool
  std::map<int, int> covered_;                   // failed node -> the spare that took over
  std::int64_t spare_activations_ = 0, spares_missing_ = 0;
  TimeIntegral standby_nodes_;
  StandbyListener standby_listener_;
  double unusable_at_sample_ = 0.0, last_sample_ = 0.0;
  int unusable_gpus_ = 0;
};

}  // namespace leptonsim
