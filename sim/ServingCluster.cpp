#include "ServingCluster.hpp"

#include "CompletionDispatch.hpp"
#include "InferenceService.hpp"

#include <algorithm>
#include <stdexcept>

namespace leptonsim {

namespace {

std::vector<PoolNode> pool_nodes(const SimPlatform& platform) {
  std::vector<PoolNode> nodes;
  for (const SimNode& node : platform.nodes)
    nodes.push_back({node.site, node.gpu->name, node.shape->gpus, node.rack, node.name});
  return nodes;
}

PlacementStrategy strategy_of(const ServiceSpec& spec) {
  return spec.placement == ServiceSpec::Placement::spread ? PlacementStrategy::spread : PlacementStrategy::pack;
}

}  // namespace

ServingCluster::ServingCluster(const SimPlatform& platform)
    : platform_(platform),
      pool_(pool_nodes(platform)),
      out_of_service_(static_cast<std::size_t>(pool_.total_gpus()), 0),
      unprovisioned_(static_cast<std::size_t>(pool_.total_gpus()), 0),
      held_milli_(static_cast<std::size_t>(pool_.total_gpus()), 0) {}

int ServingCluster::allocated_gpus_on(int node_index) const {
  int held = 0;
  for (int g = 0; g < static_cast<int>(platform_.nodes[node_index].gpus.size()); ++g)
    held += held_milli_[gpu_slot(node_index, g)] == kWholeGpuMilli ? 1 : 0;
  return static_cast<int>(platform_.nodes[node_index].gpus.size()) - pool_.free_gpus(node_index) - held;
}

int ServingCluster::held_whole_gpus() const {
  if (held_gpus_ == 0) return 0;
  int held = 0;
  for (const int milli : held_milli_) held += milli == kWholeGpuMilli ? 1 : 0;
  return held;
}

void ServingCluster::hold_free_share(int node, int gpu) {
  const int free = pool_.state().free_milli(node, gpu);
  if (free <= 0) return;
  pool_.allocate(Placement{{GpuShare{node, gpu, free}}});
  held_milli_[gpu_slot(node, gpu)] += free;
}

void ServingCluster::hold_released_shares(const Placement& placement) {
  if (held_gpus_ == 0) return;
  for (const GpuShare& share : placement.shares)
    if (is_held(gpu_slot(share.node, share.gpu))) hold_free_share(share.node, share.gpu);
}

void ServingCluster::start_holding(int node, int gpu) {
  ++held_gpus_;
  hold_free_share(node, gpu);
}

void ServingCluster::stop_holding(int node, int gpu) {
  const std::size_t slot = gpu_slot(node, gpu);
  --held_gpus_;
  const int held = held_milli_[slot];
  held_milli_[slot] = 0;
  if (held > 0) pool_.release(Placement{{GpuShare{node, gpu, held}}});
  on_released();
}

void ServingCluster::take_out_of_service(int node, int gpu) {
  const std::size_t slot = gpu_slot(node, gpu);
  if (out_of_service_[slot]++ > 0) return;
  ++out_of_service_count_;
  if (!unprovisioned_[slot]) start_holding(node, gpu);
}

void ServingCluster::return_to_service(int node, int gpu) {
  const std::size_t slot = gpu_slot(node, gpu);
  if (out_of_service_[slot] == 0) throw std::logic_error("a GPU returned to service twice");
  if (--out_of_service_[slot] > 0) return;
  --out_of_service_count_;
  if (!unprovisioned_[slot]) stop_holding(node, gpu);
}

void ServingCluster::set_provisioned(int node, bool is_provisioned) {
  for (int g = 0; g < static_cast<int>(platform_.nodes[static_cast<std::size_t>(node)].gpus.size()); ++g) {
    const std::size_t slot = gpu_slot(node, g);
    if (static_cast<bool>(unprovisioned_[slot]) == !is_provisioned) continue;
    unprovisioned_[slot] = is_provisioned ? 0 : 1;
    if (out_of_service_[slot] > 0) continue;  // held for its failure anyway
    if (is_provisioned)
      stop_holding(node, g);
    else
      start_holding(node, g);
  }
}

bool ServingCluster::has_node_pools(const std::string& site) const {
  return std::any_of(platform_.nodes.begin(), platform_.nodes.end(),
                     [&](const SimNode& node) { return node.site == site && node.pool >= 0; });
}

std::vector<std::pair<const InferenceService*, int>> ServingCluster::unplaced_replicas() const {
  std::vector<std::pair<const InferenceService*, int>> counts;
  for (const Waiting& waiting : waiting_) {
    auto found = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == waiting.service; });
    if (found == counts.end())
      counts.emplace_back(waiting.service, 1);
    else
      ++found->second;
  }
  return counts;
}

simgrid::s4u::Host* ServingCluster::storage_host(const std::string& site) const { return platform_.storage.at(site); }

double ServingCluster::price_per_gpu_hour(const std::string& site) const {
  double price = 0.0, gpus = 0.0;
  for (const SimNode& node : platform_.nodes)
    if (node.site == site) {
      price += node.price_per_hour;
      gpus += static_cast<double>(node.gpus.size());
    }
  return gpus > 0 ? price / gpus : 0.0;
}

const GpuType& ServingCluster::gpu_of(const std::string& site) const {
  for (const SimNode& node : platform_.nodes)
    if (node.site == site) return *node.gpu;
  throw std::out_of_range("no node in site " + site);
}

std::optional<GpuAssignment> ServingCluster::allocate_now(const InferenceService& service) {
  const ServiceSpec& spec = service.spec();
  return pool_.allocate(spec.site, spec.gpu_type, spec.gpus_per_replica, strategy_of(spec));
}

void ServingCluster::request_replica(InferenceService& service) {
  waiting_.push_back({&service, next_sequence_++});
  schedule_placement();
}

// Placement runs once at the end of the current instant, so requests made at
// the same time (several autoscalers deciding together) compete by priority.
void ServingCluster::schedule_placement() {
  if (is_placement_scheduled_) return;
  is_placement_scheduled_ = true;
  schedule_at(simgrid::s4u::Engine::get_clock(), [this] {
    is_placement_scheduled_ = false;
    place_waiting();
  });
}

bool ServingCluster::withdraw_request(InferenceService& service) {
  for (auto it = waiting_.rbegin(); it != waiting_.rend(); ++it)
    if (it->service == &service) {
      waiting_.erase(std::next(it).base());
      return true;
    }
  return false;
}

int ServingCluster::unplaced_requests(const InferenceService& service) const {
  return static_cast<int>(std::count_if(waiting_.begin(), waiting_.end(),
                                        [&](const Waiting& w) { return w.service == &service; }));
}

void ServingCluster::release(const GpuAssignment& assignment) {
  pool_.release(assignment);
  hold_released_shares(to_placement(assignment));
  on_released();
}

void ServingCluster::release(const Placement& placement) {
  pool_.release(placement);
  hold_released_shares(placement);
  on_released();
}

void ServingCluster::on_released() {
  if (!waiting_.empty()) schedule_placement();
  if (capacity_listener_) capacity_listener_();
}

void ServingCluster::place_waiting() {
  if (is_placing_) return;  // a placement callback may release or request; the outer loop goes on
  is_placing_ = true;
  std::stable_sort(waiting_.begin(), waiting_.end(), [](const Waiting& a, const Waiting& b) {
    if (a.service->spec().priority != b.service->spec().priority)
      return a.service->spec().priority > b.service->spec().priority;
    return a.sequence < b.sequence;
  });
  for (std::size_t i = 0; i < waiting_.size();) {
    InferenceService& service = *waiting_[i].service;
    std::optional<GpuAssignment> assignment = allocate_now(service);
    if (!assignment && room_maker_ && room_maker_(service)) assignment = allocate_now(service);
    if (!assignment) {
      ++i;
      continue;
    }
    waiting_.erase(waiting_.begin() + static_cast<std::ptrdiff_t>(i));
    service.on_replica_placed(std::move(*assignment));
  }
  is_placing_ = false;
}

}  // namespace leptonsim
