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
  // USD per GPU-hour on the site's nodes: the node shape's hourly price / its GPUs.
  double price_per_gpu_hour(const std::string& site) const;
  // The GPU type of the site's nodes.
  const GpuType& gpu_of(const std::string& site) const;
  int allocated_gpus() const { return pool_.allocated_gpus(); }
  int allocated_gpus_on(int node_index) const {
    return static_cast<int>(platform_.nodes[node_index].gpus.size()) - pool_.free_gpus(node_index);
  }

private:
  void schedule_placement();
  void place_waiting();
  void on_released();

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
};

}  // namespace leptonsim
