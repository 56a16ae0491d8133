#include "scheduling/ClusterState.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>
#include <stdexcept>

namespace leptonsim {

namespace {

int index_of(std::vector<std::string>& names, const std::string& name) {
  auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<int>(it - names.begin());
  names.push_back(name);
  return static_cast<int>(names.size()) - 1;
}

}  // namespace

ClusterLayout::ClusterLayout(const std::vector<ClusterNodeInfo>& nodes) {
  std::map<std::pair<int, int>, int> rack_of;   // (site, rack in site) -> global rack
  std::map<std::pair<int, int>, int> group_of;  // (site, type) -> group
  for (const ClusterNodeInfo& info : nodes) {
    if (info.gpus < 0 || info.gpus > 32767) throw std::invalid_argument(fmt::format("node {}: bad GPU count", info.name));
    Node node;
    node.name = info.name;
    node.site = index_of(site_names_, info.site);
    node.gpu_type = index_of(gpu_type_names_, info.gpu_type);
    auto [rack, rack_added] = rack_of.try_emplace({node.site, info.rack}, static_cast<int>(rack_nodes_.size()));
    if (rack_added) rack_nodes_.emplace_back();
    node.rack = rack->second;
    auto [group, group_added] = group_of.try_emplace({node.site, node.gpu_type}, static_cast<int>(groups_.size()));
    if (group_added) groups_.push_back({node.site, node.gpu_type});
    node.group = group->second;
    node.first_gpu = gpu_count_;
    node.gpus = info.gpus;
    gpu_count_ += info.gpus;
    max_gpus_per_node_ = std::max(max_gpus_per_node_, info.gpus);
    rack_nodes_[static_cast<std::size_t>(node.rack)].push_back(static_cast<int>(nodes_.size()));
    nodes_.push_back(std::move(node));
  }
}

int ClusterLayout::site_index(const std::string& name) const {
  auto it = std::find(site_names_.begin(), site_names_.end(), name);
  return it == site_names_.end() ? -1 : static_cast<int>(it - site_names_.begin());
}

int ClusterLayout::gpu_type_index(const std::string& name) const {
  auto it = std::find(gpu_type_names_.begin(), gpu_type_names_.end(), name);
  return it == gpu_type_names_.end() ? -1 : static_cast<int>(it - gpu_type_names_.begin());
}

int Placement::node_count() const {
  std::set<int> nodes;
  for (const GpuShare& share : shares) nodes.insert(share.node);
  return static_cast<int>(nodes.size());
}

int Placement::rack_count(const ClusterLayout& layout) const {
  std::set<int> racks;
  for (const GpuShare& share : shares) racks.insert(layout.node(share.node).rack);
  return static_cast<int>(racks.size());
}

ClusterState::ClusterState(std::shared_ptr<const ClusterLayout> layout) : layout_(std::move(layout)) {
  const ClusterLayout& l = *layout_;
  free_milli_.assign(static_cast<std::size_t>(l.gpu_count()), kWholeGpuMilli);
  free_whole_.resize(static_cast<std::size_t>(l.node_count()));
  group_free_whole_.assign(l.groups().size(), 0);
  nodes_by_free_.assign(l.groups().size() * static_cast<std::size_t>(l.max_gpus_per_node() + 1), 0);
  for (int n = 0; n < l.node_count(); ++n) {
    const auto& node = l.node(n);
    free_whole_[static_cast<std::size_t>(n)] = static_cast<std::int16_t>(node.gpus);
    group_free_whole_[static_cast<std::size_t>(node.group)] += node.gpus;
    ++nodes_by_free_[static_cast<std::size_t>(node.group * (l.max_gpus_per_node() + 1) + node.gpus)];
    total_free_whole_ += node.gpus;
  }
}

bool ClusterState::node_matches(int node, const JobDemand& demand) const {
  const auto& n = layout_->node(node);
  return (demand.site < 0 || n.site == demand.site) && (demand.gpu_type < 0 || n.gpu_type == demand.gpu_type);
}

int ClusterState::free_gpus_for(const JobDemand& demand) const {
  if (demand.site < 0 && demand.gpu_type < 0) return total_free_whole_;
  int free = 0;
  const auto& groups = layout_->groups();
  for (std::size_t g = 0; g < groups.size(); ++g)
    if ((demand.site < 0 || groups[g].site == demand.site) && (demand.gpu_type < 0 || groups[g].gpu_type == demand.gpu_type))
      free += group_free_whole_[g];
  return free;
}

bool ClusterState::has_node_with_free(const JobDemand& demand, int gpus) const {
  const int max = layout_->max_gpus_per_node();
  if (gpus > max) return false;
  const auto& groups = layout_->groups();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if ((demand.site >= 0 && groups[g].site != demand.site) || (demand.gpu_type >= 0 && groups[g].gpu_type != demand.gpu_type))
      continue;
    for (int k = std::max(gpus, 0); k <= max; ++k)
      if (nodes_by_free_[g * static_cast<std::size_t>(max + 1) + static_cast<std::size_t>(k)] > 0) return true;
  }
  return false;
}

bool ClusterState::may_fit(const JobDemand& demand) const {
  if (demand.is_fractional()) return true;  // shares of used GPUs: only a scan can tell
  if (demand.locality == Locality::node) return has_node_with_free(demand, demand.gpus);
  return free_gpus_for(demand) >= demand.gpus;
}

void ClusterState::set_node_free(int node, int free_whole) {
  const auto& n = layout_->node(node);
  const std::size_t row = static_cast<std::size_t>(n.group) * static_cast<std::size_t>(layout_->max_gpus_per_node() + 1);
  const int old = free_whole_[static_cast<std::size_t>(node)];
  if (old == free_whole) return;
  --nodes_by_free_[row + static_cast<std::size_t>(old)];
  ++nodes_by_free_[row + static_cast<std::size_t>(free_whole)];
  group_free_whole_[static_cast<std::size_t>(n.group)] += free_whole - old;
  total_free_whole_ += free_whole - old;
  free_whole_[static_cast<std::size_t>(node)] = static_cast<std::int16_t>(free_whole);
}

void ClusterState::change(const GpuShare& share, int delta_milli) {
  if (share.node < 0 || share.node >= layout_->node_count() || share.gpu < 0 || share.gpu >= layout_->node(share.node).gpus)
    throw std::logic_error(fmt::format("ClusterState: no GPU {} on node {}", share.gpu, share.node));
  std::int16_t& free = free_milli_[gpu_slot(share.node, share.gpu)];
  const int updated = free + delta_milli;
  if (updated < 0 || updated > kWholeGpuMilli)
    throw std::logic_error(fmt::format("ClusterState: GPU {} of node {} has {} milli free, cannot {} {}", share.gpu,
                                       layout_->node(share.node).name, free, delta_milli < 0 ? "take" : "return",
                                       std::abs(delta_milli)));
  const bool was_whole = free == kWholeGpuMilli;
  free = static_cast<std::int16_t>(updated);
  const bool is_whole = free == kWholeGpuMilli;
  if (was_whole != is_whole) set_node_free(share.node, free_gpus(share.node) + (is_whole ? 1 : -1));
}

void ClusterState::allocate(const Placement& placement) {
  if (!can_allocate(placement)) throw std::logic_error("ClusterState: placement is not free");
  for (const GpuShare& share : placement.shares) change(share, -share.milli);
}

void ClusterState::release(const Placement& placement) {
  for (const GpuShare& share : placement.shares) change(share, share.milli);
}

bool ClusterState::can_allocate(const Placement& placement) const {
  // A placement may hold one GPU more than once (fractional shares): sum the
  // shares per GPU (sorted by slot: O(n log n) for gangs of thousands).
  std::vector<std::pair<std::size_t, int>> wanted;
  wanted.reserve(placement.shares.size());
  for (const GpuShare& share : placement.shares) {
    if (share.node < 0 || share.node >= layout_->node_count() || share.gpu < 0 ||
        share.gpu >= layout_->node(share.node).gpus || share.milli <= 0)
      return false;
    wanted.emplace_back(gpu_slot(share.node, share.gpu), share.milli);
  }
  std::sort(wanted.begin(), wanted.end());
  for (std::size_t i = 0; i < wanted.size();) {
    int total = 0;
    std::size_t j = i;
    for (; j < wanted.size() && wanted[j].first == wanted[i].first; ++j) total += wanted[j].second;
    if (free_milli_[wanted[i].first] < total) return false;
    i = j;
  }
  return true;
}

}  // namespace leptonsim
