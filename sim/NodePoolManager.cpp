#include "NodePoolManager.hpp"

#include "ClusterSeries.hpp"
#include "CompletionDispatch.hpp"
#include "InferenceService.hpp"
#include "JobScheduler.hpp"
#include "RegisterAllPolicies.hpp"
#include "ServingCluster.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <simgrid/s4u.hpp>

namespace sg4 = simgrid::s4u;

namespace leptonsim {

NodePoolManager::NodePoolManager(const ScenarioSpec& spec, const SimPlatform& platform, ServingCluster& cluster,
                                 CostMeter& cost, std::vector<Event>& events)
    : spec_(spec), platform_(platform), cluster_(cluster), cost_(cost), events_(events),
      pool_of_node_(platform.nodes.size(), {-1, -1}) {
  // Pools in site order, each site's in its preference order; nodes in platform order.
  std::map<std::pair<int, int>, int> index_of;  // (site, pool in site) -> index in pools_
  for (std::size_t s = 0; s < spec.platform.sites.size(); ++s)
    for (std::size_t p = 0; p < spec.platform.sites[s].pools.size(); ++p) {
      Pool pool;
      pool.spec = &spec.platform.sites[s].pools[p];
      pool.name = pool.spec->name;
      pool.site = static_cast<int>(s);
      index_of[{static_cast<int>(s), static_cast<int>(p)}] = static_cast<int>(pools_.size());
      pools_.push_back(std::move(pool));
    }
  int fixed_gpus = 0;
  for (std::size_t n = 0; n < platform.nodes.size(); ++n) {
    const SimNode& node = platform.nodes[n];
    if (node.pool < 0) {
      fixed_gpus += static_cast<int>(node.gpus.size());
      continue;
    }
    const int p = index_of.at({node.site_index, node.pool});
    Pool& pool = pools_[static_cast<std::size_t>(p)];
    pool.gpus_per_node = static_cast<int>(node.gpus.size());
    pool_of_node_[n] = {p, static_cast<int>(pool.nodes.size())};
    pool.nodes.push_back(PoolNode{static_cast<int>(n), NodeState::off, 0});
  }
  usable_gpus_.set(0.0, fixed_gpus);
  if (pools_.empty()) return;
  policy_ = policy_registries().node_autoscalers.make(spec.node_autoscaler.policy, spec.node_autoscaler.params);
  // Before anything is placed: the initial nodes are ready, the others are not provisioned.
  for (Pool& pool : pools_)
    for (std::size_t k = 0; k < pool.nodes.size(); ++k) {
      PoolNode& node = pool.nodes[k];
      if (static_cast<int>(k) < pool.spec->initial_nodes) {
        set_state(pool, node, NodeState::ready, 0.0);
      } else {
        cluster_.set_provisioned(node.node, false);
        cost_.set_active(node.node, false, 0.0);
      }
    }
}

void NodePoolManager::start() {
  if (pools_.empty()) return;
  schedule_at(policy_->scan_interval(), [this] { scan(); });
}

void NodePoolManager::stop(double now) {
  is_stopped_ = true;
  usable_gpus_.advance(now);
  for (Pool& pool : pools_) {
    pool.active.advance(now);
    pool.ready.advance(now);
  }
}

double NodePoolManager::usable_gpu_seconds(double now) const {
  TimeIntegral usable = usable_gpus_;
  usable.advance(now);
  return usable.area();
}

int NodePoolManager::count(const Pool& pool, NodeState state) const {
  return static_cast<int>(std::count_if(pool.nodes.begin(), pool.nodes.end(),
                                        [state](const PoolNode& node) { return node.state == state; }));
}

void NodePoolManager::set_state(Pool& pool, PoolNode& node, NodeState state, double now) {
  const auto is_active = [](NodeState s) { return s != NodeState::off; };
  const auto is_usable = [](NodeState s) { return s == NodeState::ready || s == NodeState::draining; };
  if (is_active(state) != is_active(node.state)) pool.active.add(now, is_active(state) ? 1 : -1);
  if (is_usable(state) != is_usable(node.state)) {
    pool.ready.add(now, is_usable(state) ? 1 : -1);
    usable_gpus_.add(now, (is_usable(state) ? 1.0 : -1.0) * pool.gpus_per_node);
  }
  node.state = state;
  ++node.generation;
  pool.max_active = std::max(pool.max_active, static_cast<int>(pool.active.value()));
}

bool NodePoolManager::is_healthy(int node) const {
  if (health_ == nullptr) return true;
  for (int g = 0; g < static_cast<int>(platform_.nodes[static_cast<std::size_t>(node)].gpus.size()); ++g)
    if (!health_->is_usable(node, g)) return false;
  return true;
}

std::vector<GpuRef> NodePoolManager::gpus_of(int node) const {
  std::vector<GpuRef> gpus;
  for (int g = 0; g < static_cast<int>(platform_.nodes[static_cast<std::size_t>(node)].gpus.size()); ++g)
    gpus.emplace_back(node, g);
  return gpus;
}

void NodePoolManager::event(double now, const char* kind, int node, nlohmann::json detail) {
  events_.push_back(Event{now, kind, platform_.nodes[static_cast<std::size_t>(node)].name, detail.dump()});
}

void NodePoolManager::scan() {
  if (is_stopped_) return;
  const double now = sg4::Engine::get_clock();
  remove_drained(now);
  const NodeScalingDecision decision = policy_->decide(build_view(now));
  apply(decision, now);
  schedule_at(now + policy_->scan_interval(), [this] { scan(); });
}

NodeAutoscalerView NodePoolManager::build_view(double now) const {
  NodeAutoscalerView view;
  view.now = now;
  for (const Pool& pool : pools_) {
    NodePoolView p;
    p.name = pool.name;
    p.site = pool.site;
    p.gpus_per_node = pool.gpus_per_node;
    p.min_nodes = pool.spec->min_nodes;
    p.max_nodes = pool.spec->max_nodes;
    p.upcoming_nodes = count(pool, NodeState::provisioning);
    p.active_nodes = count(pool, NodeState::ready) + count(pool, NodeState::draining);
    for (const PoolNode& node : pool.nodes) p.free_slots += can_provision(node) ? 1 : 0;
    view.pools.push_back(p);
  }
  std::map<int, std::vector<int>> replicas_by_node;
  for (const InferenceService* service : services_) service->add_replica_gpus_by_node(replicas_by_node);
  const std::set<int> with_jobs = jobs_ ? jobs_->nodes_with_jobs() : std::set<int>{};
  for (std::size_t p = 0; p < pools_.size(); ++p)
    for (const PoolNode& node : pools_[p].nodes) {
      if (node.state != NodeState::ready && node.state != NodeState::draining) continue;
      PoolNodeView v;
      v.node = node.node;
      v.pool = static_cast<int>(p);
      v.gpus = pools_[p].gpus_per_node;
      v.free_gpus = node.state == NodeState::draining ? 0 : cluster_.free_gpus_on(node.node);
      const auto found = replicas_by_node.find(node.node);
      if (found != replicas_by_node.end()) v.replica_gpus = found->second;
      v.has_unmovable_work = with_jobs.count(node.node) > 0;
      v.is_draining = node.state == NodeState::draining;
      view.nodes.push_back(std::move(v));
    }
  for (std::size_t n = 0; n < platform_.nodes.size(); ++n)
    if (pool_of_node_[n].first < 0)
      view.fixed_nodes.push_back(FixedNodeView{platform_.nodes[n].site_index, cluster_.free_gpus_on(static_cast<int>(n))});
  for (const auto& [service, unplaced] : cluster_.unplaced_replicas()) {
    const auto site = std::find_if(spec_.platform.sites.begin(), spec_.platform.sites.end(),
                                   [&](const SiteSpec& s) { return s.name == service->spec().site; });
    view.pending.push_back(PendingWork{static_cast<int>(site - spec_.platform.sites.begin()),
                                       service->spec().gpus_per_replica, unplaced, true});
  }
  if (jobs_)
    for (const PendingWork& work : jobs_->pending_work()) view.pending.push_back(work);
  return view;
}

void NodePoolManager::apply(const NodeScalingDecision& decision, double now) {
  // Checked against the pools' bounds and the nodes' states: what cannot be done is left out.
  nlohmann::json added = nlohmann::json::object();
  for (std::size_t p = 0; p < pools_.size() && p < decision.add.size(); ++p) {
    Pool& pool = pools_[p];
    int wanted = std::min(decision.add[p], pool.spec->max_nodes - static_cast<int>(pool.active.value()));
    for (PoolNode& node : pool.nodes) {
      if (wanted <= 0) break;
      if (!can_provision(node)) continue;
      provision(pool, node, now, decision.reason);
      --wanted;
      added[pool.name] = added.value(pool.name, 0) + 1;
    }
  }
  nlohmann::json removed = nlohmann::json::array();
  for (const int node_index : decision.remove) {
    if (node_index < 0 || node_index >= static_cast<int>(pool_of_node_.size())) continue;
    const auto [p, k] = pool_of_node_[static_cast<std::size_t>(node_index)];
    if (p < 0) continue;
    Pool& pool = pools_[static_cast<std::size_t>(p)];
    PoolNode& node = pool.nodes[static_cast<std::size_t>(k)];
    const int usable = count(pool, NodeState::ready);
    if (node.state != NodeState::ready || usable + count(pool, NodeState::provisioning) <= pool.spec->min_nodes) continue;
    begin_drain(pool, node, now, decision.reason);
    removed.push_back(platform_.nodes[static_cast<std::size_t>(node_index)].name);
  }
  if (!added.empty() || !removed.empty()) {
    ++decisions_;
    events_.push_back(Event{now, "node_scale_decision", "node_autoscaler",
                            nlohmann::json{{"add", added}, {"remove", removed}, {"reason", decision.reason}}.dump()});
  }
}

void NodePoolManager::provision(Pool& pool, PoolNode& node, double now, const std::string& reason) {
  set_state(pool, node, NodeState::provisioning, now);
  cost_.set_active(node.node, true, now);
  ++pool.added;
  const double ready_at = now + pool.spec->provisioning_delay;
  event(now, "node_provisioning", node.node, {{"pool", pool.name}, {"ready_at", ready_at}, {"reason", reason}});
  const int p = static_cast<int>(&pool - pools_.data());
  const int k = static_cast<int>(&node - pool.nodes.data());
  const std::uint64_t generation = node.generation;
  schedule_at(ready_at, [this, p, k, generation] { on_ready(p, k, generation); });
}

void NodePoolManager::on_ready(int p, int k, std::uint64_t generation) {
  Pool& pool = pools_[static_cast<std::size_t>(p)];
  PoolNode& node = pool.nodes[static_cast<std::size_t>(k)];
  if (is_stopped_ || node.generation != generation || node.state != NodeState::provisioning) return;
  const double now = sg4::Engine::get_clock();
  set_state(pool, node, NodeState::ready, now);
  pool.provisioning_seconds += pool.spec->provisioning_delay;
  ++pool.became_ready;
  event(now, "node_ready", node.node, {{"pool", pool.name}});
  cluster_.set_provisioned(node.node, true);  // waiting replicas and jobs may be placed now
}

void NodePoolManager::begin_drain(Pool& pool, PoolNode& node, double now, const std::string& reason) {
  set_state(pool, node, NodeState::draining, now);
  cluster_.set_provisioned(node.node, false);  // cordoned: nothing new is placed there
  if (cluster_.allocated_gpus_on(node.node) == 0) {
    remove(pool, node, now, reason);
    return;
  }
  event(now, "node_draining", node.node, {{"pool", pool.name}, {"reason", reason}});
  const std::vector<GpuRef> gpus = gpus_of(node.node);
  for (InferenceService* service : services_)
    service->evacuate(gpus, now, "node scale-down", "replace replicas on a node being removed");
}

void NodePoolManager::remove(Pool& pool, PoolNode& node, double now, const std::string& reason) {
  set_state(pool, node, NodeState::off, now);
  cluster_.set_provisioned(node.node, false);
  cost_.set_active(node.node, false, now);
  ++pool.removed;
  event(now, "node_removed", node.node, {{"pool", pool.name}, {"reason", reason}});
}

void NodePoolManager::remove_drained(double now) {
  for (Pool& pool : pools_)
    for (PoolNode& node : pool.nodes)
      if (node.state == NodeState::draining && cluster_.allocated_gpus_on(node.node) == 0)
        remove(pool, node, now, "drained");
}

template <class Visit>
void NodePoolManager::for_each_pool_node(const std::vector<GpuRef>& gpus, Visit visit) {
  std::set<int> nodes;
  for (const GpuRef& gpu : gpus) nodes.insert(gpu.first);
  for (const int n : nodes) {
    const auto [p, k] = pool_of_node_[static_cast<std::size_t>(n)];
    if (p < 0) continue;
    Pool& pool = pools_[static_cast<std::size_t>(p)];
    visit(pool, pool.nodes[static_cast<std::size_t>(k)]);
  }
}

void NodePoolManager::on_failure_detected(const std::vector<GpuRef>& gpus, double now, const std::string& cause) {
  for_each_pool_node(gpus, [&](Pool& pool, PoolNode& node) {
    if (node.state == NodeState::off && !node.is_reclaim_pending) return;
    ++pool.failed;
    node.is_reclaim_pending = false;  // unhealthy now, until repaired
    if (node.state != NodeState::off) remove(pool, node, now, "failed: " + cause);
  });
}

void NodePoolManager::on_reclaim_notice(const std::vector<GpuRef>& gpus, double now) {
  for_each_pool_node(gpus, [&](Pool& pool, PoolNode& node) {
    node.is_reclaim_pending = true;
    if (node.state == NodeState::ready) {
      set_state(pool, node, NodeState::draining, now);
      cluster_.set_provisioned(node.node, false);
      event(now, "node_draining", node.node, {{"pool", pool.name}, {"reason", "spot reclaim notice"}});
    }
  });
}

void NodePoolManager::sample(double now, std::vector<TimeSeries>& series) {
  if (pools_.empty()) return;
  for (const Pool& pool : pools_) {
    append_entity_point(series, "pool.nodes", pool.name, now, pool.active.value());
    append_entity_point(series, "pool.nodes_ready", pool.name, now, pool.ready.value());
  }
  append_cluster_point(series, "cluster.gpus_usable", now, usable_gpus_.value());
}

void NodePoolManager::report(RunResult& result) const {
  if (pools_.empty()) return;
  auto put = [&](const std::string& metric, double value, const char* unit) {
    result.summary.push_back(SummaryMetric{metric, value, unit});
  };
  const double duration = spec_.duration;
  for (const Pool& pool : pools_) {
    const std::string prefix = "pool." + pool.name + ".";
    put(prefix + "nodes_mean", pool.active.area() / duration, "1");
    put(prefix + "nodes_max", pool.max_active, "1");
    put(prefix + "node_hours", pool.active.area() / 3600.0, "h");
    put(prefix + "nodes_added", pool.added, "1");
    put(prefix + "nodes_removed", pool.removed, "1");
    put(prefix + "nodes_failed", pool.failed, "1");
  }
  put("node_autoscaler.decisions", decisions_, "1");
  put("cluster.gpus_usable_mean", usable_gpus_.area() / duration, "1");
}

}  // namespace leptonsim
