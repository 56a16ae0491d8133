// The GPU pool shared by every service of a run, and the queue of replicas
// waiting for GPUs. Services ask for replicas; at the end of the instant of a
// request or a release, the waiting requests are placed on free GPUs, higher
// service priority first, then in request order.
#pragma once

#include "PlatformBuilder.hpp"
#include "scheduling/GpuPool.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace leptonsim {

class InferenceService;
class NodeWeightCaches;

class ServingCluster {
public:
  explicit ServingCluster(const SimPlatform& platform);

  // Queues a request for one replica of `service`; places it at once if GPUs are free.
  void request_replica(InferenceService& service);
  // Withdraws the newest unplaced request of `service`; false when it has none.
  bool withdraw_request(InferenceService& service);
  int unplaced_requests(const InferenceService& service) const;
  // Places a replica at once (the run's initial replicas); nullopt when it does not fit.
  std::optional<GpuAssignment> allocate_now(const InferenceService& service);
  void release(const GpuAssignment& assignment);
  // Jobs: placements chosen by their placement policy on state().
  void allocate(const Placement& placement) { pool_.allocate(placement); }
  void release(const Placement& placement);
  const ClusterState& state() const { return pool_.state(); }
  // Called (at the end of the instant) whenever GPUs were released: jobs may start.
  void set_capacity_listener(std::function<void()> listener) { capacity_listener_ = std::move(listener); }
  // Asked when a waiting replica does not fit: may free GPUs (by preempting
  // jobs) and return true, after which placement is tried again.
  using RoomMaker = std::function<bool(const InferenceService&)>;
  void set_room_maker(RoomMaker room_maker) { room_maker_ = std::move(room_maker); }

  const SimNode& node(int index) const { return platform_.nodes[index]; }
  simgrid::s4u::Host* storage_host(const std::string& site) const;
  // The nodes' model-weight caches (nullptr: none in the run).
  NodeWeightCaches* weight_caches() const { return weight_caches_; }
  void set_weight_caches(NodeWeightCaches* caches) { weight_caches_ = caches; }
  // USD per GPU-hour on the site's nodes: their hourly prices / their GPUs (a mean over purchase types).
  double price_per_gpu_hour(const std::string& site) const;
  // The GPU type of the site's nodes.
  const GpuType& gpu_of(const std::string& site) const;
  // GPUs held by replicas and jobs (GPUs out of service are not counted).
  int allocated_gpus() const { return pool_.allocated_gpus() - held_whole_gpus(); }
  int allocated_gpus_on(int node_index) const;

  // Failures: a GPU whose failure was detected leaves the pool: its free share
  // is held at once and whatever its holders release later too, until
  // return_to_service (counted: overlapping failures each take it out once).
  void take_out_of_service(int node, int gpu);
  void return_to_service(int node, int gpu);
  int out_of_service_gpus() const { return out_of_service_count_; }

  // Node pools: the GPUs of a node that is not provisioned are held like
  // those out of service (nothing is placed there; what runs there finishes).
  void set_provisioned(int node, bool is_provisioned);
  // Replicas waiting for GPUs, per service in request order (for the node autoscaler).
  std::vector<std::pair<const InferenceService*, int>> unplaced_replicas() const;
  // Whole GPUs of a node free for new work.
  int free_gpus_on(int node) const { return pool_.free_gpus(node); }
  bool has_node_pools(const std::string& site) const;

private:
  void schedule_placement();
  void place_waiting();
  void on_released();
  void hold_free_share(int node, int gpu);
  void start_holding(int node, int gpu);
  void stop_holding(int node, int gpu);
  bool is_held(std::size_t slot) const { return out_of_service_[slot] > 0 || unprovisioned_[slot] != 0; }
  void hold_released_shares(const Placement& placement);
  int held_whole_gpus() const;  // GPUs held whole because they are out of service or unprovisioned
  std::size_t gpu_slot(int node, int gpu) const {
    return static_cast<std::size_t>(pool_.state().layout().node(node).first_gpu + gpu);
  }

  struct Waiting {
    InferenceService* service;
    std::uint64_t sequence;
  };
  const SimPlatform& platform_;
  GpuPool pool_;
  std::vector<Waiting> waiting_;
  std::uint64_t next_sequence_ = 0;
  bool is_placing_ = false;
  bool is_placement_scheduled_ = false;
  std::function<void()> capacity_listener_;
  RoomMaker room_maker_;
  NodeWeightCaches* weight_caches_ = nullptr;
  std::vector<int> out_of_service_;  // per GPU: detected failures not yet repaired
  std::vector<char> unprovisioned_;  // per GPU: its node is not provisioned (node pools)
  std::vector<int> held_milli_;      // per GPU: share held because it is out of service or unprovisioned
  int held_gpus_ = 0;                // GPUs out of service or unprovisioned
  int out_of_service_count_ = 0;     // GPUs with out_of_service_ > 0
};

}  // namespace leptonsim
