#include "failures/FailureDomains.hpp"

#include <fmt/format.h>
#include <stdexcept>

namespace leptonsim {

namespace {

constexpr std::pair<FailureComponent, const char*> kComponentNames[] = {
    {FailureComponent::gpu, "gpu"},
    {FailureComponent::node, "node"},
    {FailureComponent::nic, "nic"},
    {FailureComponent::link, "link"},
    {FailureComponent::leaf_switch, "leaf_switch"},
    {FailureComponent::spine_switch, "spine_switch"},
    {FailureComponent::aggregation_switch, "aggregation_switch"},
    {FailureComponent::core_switch, "core_switch"},
    {FailureComponent::pdu, "pdu"},
    {FailureComponent::site, "site"},
    {FailureComponent::storage_node, "storage_node"},
    {FailureComponent::disk, "disk"},
};

constexpr std::string_view kLinkSuffix = "/link";

}  // namespace

FailureComponent parse_failure_component(const std::string& text) {
  std::string valid;
  for (const auto& [component, name] : kComponentNames) {
    if (text == name) return component;
    valid += valid.empty() ? name : fmt::format(", {}", name);
  }
  throw std::invalid_argument(fmt::format("unknown failure component `{}` (expected one of {})", text, valid));
}

std::string to_string(FailureComponent component) {
  for (const auto& [kind, name] : kComponentNames)
    if (kind == component) return name;
  return "unknown";
}

FailureDomains::FailureDomains(const Topology& topology, const std::vector<std::string>& node_names)
    : topology_(topology) {
  for (std::size_t i = 0; i < node_names.size(); ++i) {
    const auto vertex = topology.vertex(node_names[i]);
    if (!vertex || topology.kind(*vertex) != VertexKind::node)
      throw std::invalid_argument(fmt::format("`{}` is not a node of the topology", node_names[i]));
    node_index_.emplace(node_names[i], static_cast<int>(i));
  }
  for (const auto v : topology.vertices_of_kind(VertexKind::storage_node))
    storage_node_index_.emplace(topology.name(v), static_cast<int>(storage_node_index_.size()));
  for (const auto v : topology.vertices_of_kind(VertexKind::disk))
    disk_index_.emplace(topology.name(v), static_cast<int>(disk_index_.size()));
}

int FailureDomains::node_index(const std::string& node_name) const {
  const auto it = node_index_.find(node_name);
  if (it == node_index_.end()) throw std::out_of_range(fmt::format("no node named `{}`", node_name));
  return it->second;
}

std::vector<std::string> FailureDomains::components(FailureComponent kind, const std::string& site) const {
  VertexKind vertex_kind = VertexKind::node;
  switch (kind) {
    case FailureComponent::gpu: vertex_kind = VertexKind::gpu; break;
    case FailureComponent::node:
    case FailureComponent::link: vertex_kind = VertexKind::node; break;
    case FailureComponent::nic: vertex_kind = VertexKind::nic; break;
    case FailureComponent::leaf_switch: vertex_kind = VertexKind::leaf_switch; break;
    case FailureComponent::spine_switch: vertex_kind = VertexKind::spine_switch; break;
    case FailureComponent::aggregation_switch: vertex_kind = VertexKind::aggregation_switch; break;
    case FailureComponent::core_switch: vertex_kind = VertexKind::core_switch; break;
    case FailureComponent::pdu: vertex_kind = VertexKind::rack; break;
    case FailureComponent::site: vertex_kind = VertexKind::site; break;
    case FailureComponent::storage_node: vertex_kind = VertexKind::storage_node; break;
    case FailureComponent::disk: vertex_kind = VertexKind::disk; break;
  }
  int site_index = -1;
  if (!site.empty()) {
    for (std::size_t s = 0; s < topology_.sites().size(); ++s)
      if (topology_.sites()[s].name == site) site_index = static_cast<int>(s);
    if (site_index < 0) throw std::out_of_range(fmt::format("no site named `{}`", site));
  }
  std::vector<std::string> names;
  for (const auto v : topology_.vertices_of_kind(vertex_kind)) {
    if (site_index >= 0 && topology_.graph()[v].site != site_index) continue;
    names.push_back(kind == FailureComponent::link ? topology_.name(v) + std::string(kLinkSuffix) : topology_.name(v));
  }
  return names;
}

FailureComponent FailureDomains::kind_of(const std::string& component) const {
  if (component.ends_with(kLinkSuffix)) {
    const auto node = topology_.vertex(component.substr(0, component.size() - kLinkSuffix.size()));
    if (node && topology_.kind(*node) == VertexKind::node) return FailureComponent::link;
  }
  const auto v = topology_.at(component);
  switch (topology_.kind(v)) {
    case VertexKind::gpu: return FailureComponent::gpu;
    case VertexKind::node: return FailureComponent::node;
    case VertexKind::nic: return FailureComponent::nic;
    case VertexKind::leaf_switch: return FailureComponent::leaf_switch;
    case VertexKind::spine_switch: return FailureComponent::spine_switch;
    case VertexKind::aggregation_switch: return FailureComponent::aggregation_switch;
    case VertexKind::core_switch: return FailureComponent::core_switch;
    case VertexKind::rack: return FailureComponent::pdu;
    case VertexKind::site: return FailureComponent::site;
    case VertexKind::storage_node: return FailureComponent::storage_node;
    case VertexKind::disk: return FailureComponent::disk;
    default: break;
  }
  throw std::invalid_argument(fmt::format("`{}` is a {}, which cannot fail on its own (failing components: GPUs, "
                                          "nodes, NICs, node links, switches, racks (PDUs), sites, storage nodes and disks)",
                                          component, to_string(topology_.kind(v))));
}

std::vector<int> FailureDomains::nodes_in(const std::vector<std::string>& names) const {
  std::vector<int> nodes;
  for (const std::string& name : names)
    if (const auto it = node_index_.find(name); it != node_index_.end()) nodes.push_back(it->second);
  return nodes;
}

std::vector<int> FailureDomains::storage_nodes_in(const std::vector<std::string>& names) const {
  std::vector<int> nodes;
  for (const std::string& name : names)
    if (const auto it = storage_node_index_.find(name); it != storage_node_index_.end()) nodes.push_back(it->second);
  return nodes;
}

FailureEffect FailureDomains::effect(const std::string& component) const {
  FailureEffect effect;
  const FailureComponent kind = kind_of(component);
  switch (kind) {
    case FailureComponent::gpu: {
      const auto v = topology_.at(component);
      const std::string& node = topology_.name(*topology_.parent(v));
      const auto gpus = topology_.gpus_of_node(node);
      for (std::size_t k = 0; k < gpus.size(); ++k)
        if (gpus[k] == component) effect.gpus_down.emplace_back(node_index(node), static_cast<int>(k));
      break;
    }
    case FailureComponent::node: effect.nodes_down.push_back(node_index(component)); break;
    case FailureComponent::link:
      effect.nodes_cut_off.push_back(node_index(component.substr(0, component.size() - kLinkSuffix.size())));
      break;
    case FailureComponent::nic:
      effect.nodes_cut_off.push_back(node_index(topology_.name(*topology_.parent(topology_.at(component)))));
      break;
    case FailureComponent::leaf_switch:
    case FailureComponent::spine_switch:
    case FailureComponent::aggregation_switch:
    case FailureComponent::core_switch: {
      const auto below = topology_.components_below(component);
      effect.nodes_cut_off = nodes_in(below);
      effect.storage_nodes_down = storage_nodes_in(below);
      break;
    }
    case FailureComponent::pdu:
    case FailureComponent::site: {
      const auto below = topology_.components_below(component);
      effect.nodes_down = nodes_in(below);
      effect.storage_nodes_down = storage_nodes_in(below);
      break;
    }
    case FailureComponent::storage_node: effect.storage_nodes_down.push_back(storage_node_index_.at(component)); break;
    case FailureComponent::disk: effect.disks_failed.push_back(disk_index_.at(component)); break;
  }
  return effect;
}

}  // namespace leptonsim
