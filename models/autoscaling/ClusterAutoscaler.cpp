#include "autoscaling/ClusterAutoscaler.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <set>

namespace leptonsim {
namespace {

// Free GPUs of one node in the binpacking estimate.
struct Bin {
  int site = 0;
  int free = 0;
};

// Places `gpus` GPUs on the bins: on one bin, or spread first-fit over several.
bool place(std::vector<Bin>& bins, int site, int gpus, bool is_single_node) {
  if (is_single_node) {
    for (Bin& bin : bins)
      if (bin.site == site && bin.free >= gpus) {
        bin.free -= gpus;
        return true;
      }
    return false;
  }
  int available = 0;
  for (const Bin& bin : bins)
    if (bin.site == site) available += bin.free;
  if (available < gpus) return false;
  for (Bin& bin : bins) {
    if (bin.site != site) continue;
    const int taken = std::min(bin.free, gpus);
    bin.free -= taken;
    gpus -= taken;
    if (gpus == 0) break;
  }
  return true;
}

constexpr std::size_t kMostUnitsEstimated = 100000;  // bound on the estimate's work per scan

}  // namespace

PolicyInfo ClusterAutoscaler::info() {
  PolicyInfo info;
  info.name = "cluster_autoscaler";
  info.description =
      "Kubernetes cluster autoscaler: grow pools (in preference order) when work waits for GPUs, remove nodes whose "
      "requested share stays under a threshold for the unneeded time";
  info.parameters = {
      {"scan_interval", 10.0, 1e-3, 86400.0, "seconds between two scans (--scan-interval)"},
      {"scale_down_utilization_threshold", 0.5, 0.0, 1.0,
       "a node whose GPUs held / GPUs is below this is unneeded (--scale-down-gpu-utilization-threshold)"},
      {"scale_down_unneeded_time", 600.0, 0.0, 1e9, "seconds a node must stay unneeded before it is removed"},
      {"scale_down_delay_after_add", 600.0, 0.0, 1e9, "seconds after a scale-up before scale-down resumes"},
      {"scale_down_delay_after_delete", 0.0, 0.0, 1e9, "seconds after a removal before the next; 0 = the scan interval"},
      {"max_empty_bulk_delete", 10.0, 1.0, 1e6, "empty nodes removed in one scan at most"},
      {"scale_down_enabled", 1.0, 0.0, 1.0, "1 = remove unneeded nodes, 0 = only grow"},
  };
  return info;
}

ClusterAutoscaler::Settings ClusterAutoscaler::settings_from(const PolicyParams& params) {
  Settings settings;
  settings.scan_interval = params.get("scan_interval");
  settings.scale_down_utilization_threshold = params.get("scale_down_utilization_threshold");
  settings.scale_down_unneeded_time = params.get("scale_down_unneeded_time");
  settings.scale_down_delay_after_add = params.get("scale_down_delay_after_add");
  settings.scale_down_delay_after_delete = params.get("scale_down_delay_after_delete");
  const double bulk = params.get("max_empty_bulk_delete");
  const double enabled = params.get("scale_down_enabled");
  if (bulk != std::floor(bulk)) throw PolicyError("cluster_autoscaler: max_empty_bulk_delete must be a whole number");
  if (enabled != 0.0 && enabled != 1.0) throw PolicyError("cluster_autoscaler: scale_down_enabled must be 0 or 1");
  settings.max_empty_bulk_delete = static_cast<int>(bulk);
  settings.is_scale_down_enabled = enabled == 1.0;
  return settings;
}

NodeScalingDecision ClusterAutoscaler::decide(const NodeAutoscalerView& view) {
  NodeScalingDecision decision;
  std::string up_reason, down_reason;
  decision.add = plan_scale_up(view, up_reason);
  const bool scaled_up = std::any_of(decision.add.begin(), decision.add.end(), [](int n) { return n > 0; });
  if (scaled_up) last_scale_up_ = view.now;
  decision.remove = plan_scale_down(view, down_reason);
  if (!decision.remove.empty()) last_scale_down_ = view.now;
  decision.reason = up_reason.empty() ? down_reason : down_reason.empty() ? up_reason : up_reason + "; " + down_reason;
  return decision;
}

std::vector<int> ClusterAutoscaler::plan_scale_up(const NodeAutoscalerView& view, std::string& reason) const {
  std::vector<int> add(view.pools.size(), 0);
  if (view.pending.empty()) return add;
  // Existing capacity first: free GPUs of ready nodes, then whole nodes already being provisioned.
  std::vector<Bin> bins;
  for (const FixedNodeView& node : view.fixed_nodes) bins.push_back({node.site, node.free_gpus});
  for (const PoolNodeView& node : view.nodes)
    if (!node.is_draining) bins.push_back({view.pools[static_cast<std::size_t>(node.pool)].site, node.free_gpus});
  for (const NodePoolView& pool : view.pools)
    for (int k = 0; k < pool.upcoming_nodes; ++k) bins.push_back({pool.site, pool.gpus_per_node});
  std::vector<PendingWork> units;
  for (const PendingWork& work : view.pending)
    for (int k = 0; k < work.count && units.size() < kMostUnitsEstimated; ++k) units.push_back({work.site, work.gpus, 1, work.is_single_node});
  std::stable_sort(units.begin(), units.end(), [](const PendingWork& a, const PendingWork& b) { return a.gpus > b.gpus; });

  int unplaceable = 0, served = 0, served_gpus = 0;
  for (const PendingWork& unit : units) {
    if (place(bins, unit.site, unit.gpus, unit.is_single_node)) continue;
    // New nodes from the pools in preference order, as many as the unit needs.
    std::vector<Bin> trial = bins;
    std::vector<int> trial_add = add;
    bool placed = false;
    for (std::size_t p = 0; p < view.pools.size() && !placed; ++p) {
      const NodePoolView& pool = view.pools[p];
      if (pool.site != unit.site || (unit.is_single_node && pool.gpus_per_node < unit.gpus)) continue;
      while (!placed) {
        const int room = std::min(pool.max_nodes - pool.active_nodes - pool.upcoming_nodes, pool.free_slots) - trial_add[p];
        if (room <= 0) break;
        ++trial_add[p];
        trial.push_back({pool.site, pool.gpus_per_node});
        placed = place(trial, unit.site, unit.gpus, unit.is_single_node);
      }
    }
    if (!placed) {
      ++unplaceable;
      continue;
    }
    bins = std::move(trial);
    add = std::move(trial_add);
    ++served;
    served_gpus += unit.gpus;
  }
  std::vector<std::string> parts;
  for (std::size_t p = 0; p < add.size(); ++p)
    if (add[p] > 0) parts.push_back(fmt::format("{} node(s) to pool {}", add[p], view.pools[p].name));
  if (!parts.empty())
    reason = fmt::format("scale up: {} waiting unit(s) needing {} GPU(s) do not fit: {}", served, served_gpus,
                         fmt::join(parts, ", "));
  if (unplaceable > 0)
    reason += fmt::format("{}{} waiting unit(s) fit no pool within its maximum", reason.empty() ? "" : "; ", unplaceable);
  return add;
}

std::vector<int> ClusterAutoscaler::plan_scale_down(const NodeAutoscalerView& view, std::string& reason) {
  std::vector<int> remove;
  // Track how long each node has been unneeded.
  std::set<int> present;
  for (const PoolNodeView& node : view.nodes) {
    present.insert(node.node);
    const bool unneeded = !node.is_draining && !node.has_unmovable_work &&
                          node.utilization() < settings_.scale_down_utilization_threshold;
    if (unneeded)
      unneeded_since_.emplace(node.node, view.now);
    else
      unneeded_since_.erase(node.node);
  }
  for (auto it = unneeded_since_.begin(); it != unneeded_since_.end();)
    it = present.count(it->first) > 0 ? std::next(it) : unneeded_since_.erase(it);
  if (!settings_.is_scale_down_enabled) return remove;
  const double after_delete =
      settings_.scale_down_delay_after_delete > 0 ? settings_.scale_down_delay_after_delete : settings_.scan_interval;
  if (view.now - last_scale_up_ < settings_.scale_down_delay_after_add - 1e-9) return remove;
  if (view.now - last_scale_down_ < after_delete - 1e-9) return remove;

  std::vector<int> active(view.pools.size(), 0);
  for (std::size_t p = 0; p < view.pools.size(); ++p) active[p] = view.pools[p].active_nodes;
  std::vector<const PoolNodeView*> candidates;
  for (const PoolNodeView& node : view.nodes) {
    const auto since = unneeded_since_.find(node.node);
    if (since != unneeded_since_.end() && view.now - since->second >= settings_.scale_down_unneeded_time - 1e-9)
      candidates.push_back(&node);
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const PoolNodeView* a, const PoolNodeView* b) {
    return a->utilization() < b->utilization();
  });
  const auto above_minimum = [&](const PoolNodeView& node) {
    return active[static_cast<std::size_t>(node.pool)] > view.pools[static_cast<std::size_t>(node.pool)].min_nodes;
  };
  // Empty nodes, in bulk.
  for (const PoolNodeView* node : candidates) {
    if (static_cast<int>(remove.size()) >= settings_.max_empty_bulk_delete) break;
    if (node->free_gpus != node->gpus || !node->replica_gpus.empty() || !above_minimum(*node)) continue;
    remove.push_back(node->node);
    --active[static_cast<std::size_t>(node->pool)];
  }
  // Otherwise one node whose replicas fit on the other nodes of its site.
  if (remove.empty()) {
    for (const PoolNodeView* node : candidates) {
      if (!above_minimum(*node)) continue;
      const int site = view.pools[static_cast<std::size_t>(node->pool)].site;
      std::vector<Bin> bins;
      for (const FixedNodeView& other : view.fixed_nodes) bins.push_back({other.site, other.free_gpus});
      for (const PoolNodeView& other : view.nodes)
        if (other.node != node->node && !other.is_draining)
          bins.push_back({view.pools[static_cast<std::size_t>(other.pool)].site, other.free_gpus});
      std::vector<int> replicas = node->replica_gpus;
      std::sort(replicas.rbegin(), replicas.rend());
      bool fits = true;
      for (const int gpus : replicas) fits = fits && place(bins, site, gpus, true);
      if (!fits) continue;
      remove.push_back(node->node);
      break;
    }
  }
  for (const int node : remove) unneeded_since_.erase(node);
  if (!remove.empty())
    reason = fmt::format("scale down: {} node(s) under {:.0f} % of their GPUs held for {:.0f} s", remove.size(),
                         100 * settings_.scale_down_utilization_threshold, settings_.scale_down_unneeded_time);
  return remove;
}

}  // namespace leptonsim
