#include "topology/Topology.hpp"
#include "topology/FabricShape.hpp"

#include <fmt/format.h>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/filtered_graph.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace leptonsim {

std::string_view to_string(VertexKind kind) {
  switch (kind) {
    case VertexKind::site: return "site";
    case VertexKind::border_router: return "border_router";
    case VertexKind::core_switch: return "core_switch";
    case VertexKind::spine_switch: return "spine_switch";
    case VertexKind::aggregation_switch: return "aggregation_switch";
    case VertexKind::leaf_switch: return "leaf_switch";
    case VertexKind::rack: return "rack";
    case VertexKind::node: return "node";
    case VertexKind::nvswitch: return "nvswitch";
    case VertexKind::nic: return "nic";
    case VertexKind::gpu: return "gpu";
    case VertexKind::cpu: return "cpu";
    case VertexKind::storage_node: return "storage_node";
    case VertexKind::disk: return "disk";
  }
  return "unknown";
}

bool is_container(VertexKind kind) {
  return kind == VertexKind::site || kind == VertexKind::rack || kind == VertexKind::node;
}

bool is_switch(VertexKind kind) {
  switch (kind) {
    case VertexKind::border_router:
    case VertexKind::core_switch:
    case VertexKind::spine_switch:
    case VertexKind::aggregation_switch:
    case VertexKind::leaf_switch:
    case VertexKind::nvswitch:
      return true;
    default:
      return false;
  }
}

namespace {

using Graph = TopologyGraph;
using Vertex = Graph::vertex_descriptor;
using Edge = Graph::edge_descriptor;

// Keeps network links only (filtered_graph needs default-constructible predicates).
struct NetworkLinksOnly {
  const Graph* graph = nullptr;
  bool operator()(const Edge& edge) const { return (*graph)[edge].kind == EdgeKind::network; }
};

// Keeps every vertex but one (or all when `removed` is past the end).
struct AllVerticesBut {
  Vertex removed = std::numeric_limits<Vertex>::max();
  bool operator()(const Vertex& vertex) const { return vertex != removed; }
};

// Keeps containment edges except the one from `child` up to its parent, so that a
// search from `child` stays in its subtree (containment is a forest).
struct ContainmentBelow {
  const Graph* graph = nullptr;
  Vertex child = 0;
  bool operator()(const Edge& edge) const {
    if ((*graph)[edge].kind != EdgeKind::contains) return false;
    const Vertex a = boost::source(edge, *graph);
    const Vertex b = boost::target(edge, *graph);
    const std::size_t parent = (*graph)[child].parent;
    return !((a == child && b == parent) || (b == child && a == parent));
  }
};

class MarkDiscovered : public boost::default_bfs_visitor {
public:
  explicit MarkDiscovered(std::vector<char>* seen) : seen_(seen) {}
  template <class G>
  void discover_vertex(Vertex vertex, const G&) const { (*seen_)[vertex] = 1; }

private:
  std::vector<char>* seen_;
};

// Records hop distances and the discovery order of a breadth-first search.
class RecordHops : public boost::default_bfs_visitor {
public:
  RecordHops(std::vector<std::size_t>* hops, std::vector<Vertex>* order) : hops_(hops), order_(order) {}
  template <class G>
  void discover_vertex(Vertex vertex, const G&) const { order_->push_back(vertex); }
  template <class G>
  void tree_edge(const Edge& edge, const G& graph) const {
    (*hops_)[boost::target(edge, graph)] = (*hops_)[boost::source(edge, graph)] + 1;
  }

private:
  std::vector<std::size_t>* hops_;
  std::vector<Vertex>* order_;
};


}  // namespace

Topology::Topology(const PlatformSpec& platform, const HardwareCatalog& catalog) {
  if (platform.sites.empty()) throw std::invalid_argument("platform: at least one site is required");
  std::set<std::string> names;
  for (const auto& site : platform.sites) {
    if (site.name.empty() || site.name.find('/') != std::string::npos) {
      throw std::invalid_argument(fmt::format("platform: site name '{}' must be non-empty and without '/'", site.name));
    }
    if (!names.insert(site.name).second) {
      throw std::invalid_argument(fmt::format("platform: duplicate site name '{}'", site.name));
    }
  }
  for (std::size_t i = 0; i < platform.sites.size(); ++i) build_site(static_cast<int>(i), platform.sites[i], catalog);

  for (const auto& wan : platform.wan) {
    const auto find_site = [&](const std::string& name) -> const SiteLayout& {
      for (const auto& layout : sites_) {
        if (layout.name == name) return layout;
      }
      throw std::invalid_argument(fmt::format("wan link {} -- {}: unknown site '{}'", wan.site_a, wan.site_b, name));
    };
    const SiteLayout& a = find_site(wan.site_a);
    const SiteLayout& b = find_site(wan.site_b);
    if (a.border_vertex == b.border_vertex) {
      throw std::invalid_argument(fmt::format("wan link {} -- {}: a link must join two different sites", wan.site_a, wan.site_b));
    }
    if (!(wan.bandwidth > 0.0) || !(wan.latency >= 0.0)) {
      throw std::invalid_argument(fmt::format("wan link {} -- {}: bandwidth must be > 0 and latency >= 0", wan.site_a, wan.site_b));
    }
    add_link(a.border_vertex, b.border_vertex, wan.bandwidth, wan.latency);
  }
}

Topology::Vertex Topology::add_vertex(VertexKind kind, std::string name, int site, std::size_t parent) {
  const Vertex vertex = boost::add_vertex(TopologyVertex{kind, name, site, parent}, graph_);
  if (!index_.emplace(std::move(name), vertex).second) {
    throw std::invalid_argument(fmt::format("topology: duplicate vertex name '{}'", graph_[vertex].name));
  }
  by_kind_[static_cast<std::size_t>(kind)].push_back(vertex);
  if (parent != TopologyVertex::kNoParent) boost::add_edge(parent, vertex, TopologyEdge{EdgeKind::contains, 0.0, 0.0}, graph_);
  return vertex;
}

void Topology::add_link(Vertex a, Vertex b, double bandwidth, double latency) {
  boost::add_edge(a, b, TopologyEdge{EdgeKind::network, bandwidth, latency}, graph_);
  ++network_edge_count_;
}

void Topology::build_site(int site_index, const SiteSpec& site, const HardwareCatalog& catalog) {
  const std::string& s = site.name;
  const NodeShape* shape = catalog.find_node_shape(site.node);
  if (shape == nullptr) {
    throw std::invalid_argument(fmt::format("site {}: unknown node shape '{}' (known: {})", s, site.node,
                                            fmt::join(catalog.node_shape_names(), ", ")));
  }
  const GpuType* gpu = catalog.find_gpu(shape->gpu_type);
  if (gpu == nullptr) {
    throw std::invalid_argument(fmt::format("site {}: node shape '{}' names unknown GPU type '{}'", s, shape->name, shape->gpu_type));
  }
  const FabricSpec& fabric = site.fabric;
  if (site.gpu_racks() < 1 || site.nodes_per_rack < 1) {
    throw std::invalid_argument(fmt::format("site {}: racks (or pools) and nodes_per_rack must be >= 1", s));
  }
  if (shape->gpus < 0 || !(shape->nic_bandwidth > 0.0) || !(shape->pcie_bandwidth > 0.0)) {
    throw std::invalid_argument(fmt::format("site {}: node shape '{}' needs gpus >= 0 and positive nic and pcie bandwidth", s, shape->name));
  }
  if (!(fabric.link_bandwidth > 0.0) || !(fabric.link_latency >= 0.0) || !(fabric.oversubscription >= 1.0) ||
      fabric.racks_per_pod < 0) {
    throw std::invalid_argument(fmt::format(
        "site {}: fabric needs link bandwidth > 0, latency >= 0, oversubscription >= 1, racks_per_pod >= 0", s));
  }

  SiteLayout layout;
  layout.name = s;
  layout.shape = *shape;
  layout.gpu = *gpu;
  layout.fabric = fabric;
  layout.racks = site.gpu_racks();
  layout.nodes_per_rack = site.nodes_per_rack;
  layout.storage_racks = site.storage.racks;
  layout.storage_nodes_per_rack = site.storage.nodes_per_rack;
  layout.disks_per_node = site.storage.disks_per_node;
  if (site.storage.racks < 0 || (site.storage.racks > 0 && (site.storage.nodes_per_rack < 1 ||
                                                             site.storage.nodes_per_rack > site.nodes_per_rack ||
                                                             site.storage.disks_per_node < 1 ||
                                                             !(site.storage.nic_bandwidth > 0.0)))) {
    throw std::invalid_argument(fmt::format(
        "site {}: storage needs racks >= 0, 1 <= nodes_per_rack <= the site's nodes_per_rack, disks_per_node >= 1 "
        "and a positive nic bandwidth", s));
  }
  const FabricShape fabric_shape = derive_fabric_shape(site, *shape);
  layout.uplinks_per_leaf = fabric_shape.uplinks_per_leaf;
  const int uplinks = layout.uplinks_per_leaf;
  const bool fat_tree = fabric.topology == FabricSpec::Topology::fat_tree;
  if (fat_tree) {
    layout.racks_per_pod = fabric_shape.racks_per_pod;
    layout.pods = fabric_shape.pods;
    layout.aggregation_switches = uplinks * layout.pods;
    layout.core_switches = uplinks * layout.racks_per_pod;
  } else {
    layout.racks_per_pod = site.fabric_racks();
    layout.pods = 1;
    layout.spine_switches = uplinks;
  }

  index_.reserve(index_.size() + static_cast<std::size_t>(site.gpu_nodes()) *
                                     (static_cast<std::size_t>(shape->gpus) + 4));

  const double link_bw = fabric_shape.bundle_bandwidth;  // every fabric link is a bundle of ports
  const double link_lat = fabric.link_latency;
  const Vertex site_vertex = add_vertex(VertexKind::site, s, site_index, TopologyVertex::kNoParent);
  const Vertex border = add_vertex(VertexKind::border_router, s + "/border", site_index, site_vertex);
  layout.site_vertex = site_vertex;
  layout.border_vertex = border;

  // Upper fabric layers. top_layer: the switches the border router links to.
  std::vector<Vertex> spines;                   // leaf_spine
  std::vector<Vertex> cores;                    // fat_tree
  std::vector<std::vector<Vertex>> pod_aggs;    // fat_tree: [pod][k]
  if (fat_tree) {
    for (int k = 0; k < layout.core_switches; ++k) {
      cores.push_back(add_vertex(VertexKind::core_switch, fmt::format("{}/core{}", s, k), site_index, site_vertex));
    }
    for (int p = 0; p < layout.pods; ++p) {
      auto& aggs = pod_aggs.emplace_back();
      for (int k = 0; k < uplinks; ++k) {
        const Vertex agg = add_vertex(VertexKind::aggregation_switch, fmt::format("{}/pod{}/agg{}", s, p, k),
                                      site_index, site_vertex);
        aggs.push_back(agg);
        // Plane k: cores k*R .. k*R + R-1.
        for (int j = 0; j < layout.racks_per_pod; ++j) add_link(agg, cores[static_cast<std::size_t>(k * layout.racks_per_pod + j)], link_bw, link_lat);
      }
    }
    for (const Vertex core : cores) add_link(border, core, link_bw, link_lat);
  } else {
    for (int k = 0; k < uplinks; ++k) {
      spines.push_back(add_vertex(VertexKind::spine_switch, fmt::format("{}/spine{}", s, k), site_index, site_vertex));
    }
    for (const Vertex spine : spines) add_link(border, spine, link_bw, link_lat);
  }

  const bool has_nvlink = gpu->nvlink_bandwidth > 0.0;
  for (int i = 0; i < site.gpu_racks(); ++i) {
    const std::string rack_name = fmt::format("{}/r{}", s, i);
    const Vertex rack = add_vertex(VertexKind::rack, rack_name, site_index, site_vertex);
    const Vertex leaf = add_vertex(VertexKind::leaf_switch, fmt::format("{}/leaf{}", s, i), site_index, rack);
    const std::vector<Vertex>& uplink_targets =
        fat_tree ? pod_aggs[static_cast<std::size_t>(i / layout.racks_per_pod)] : spines;
    for (const Vertex upper : uplink_targets) add_link(leaf, upper, link_bw, link_lat);

    for (int j = 0; j < site.nodes_in_rack(i); ++j) {
      const std::string node_name = fmt::format("{}/n{}", rack_name, j);
      const Vertex node = add_vertex(VertexKind::node, node_name, site_index, rack);
      const Vertex nic = add_vertex(VertexKind::nic, node_name + "/nic", site_index, node);
      add_link(nic, leaf, std::min(shape->nic_bandwidth, link_bw), link_lat);
      const Vertex cpu = add_vertex(VertexKind::cpu, node_name + "/cpu", site_index, node);
      add_link(cpu, nic, shape->pcie_bandwidth, kNodeInternalLatency);
      std::optional<Vertex> nvswitch;
      if (has_nvlink && shape->gpus > 0) {
        nvswitch = add_vertex(VertexKind::nvswitch, node_name + "/nvswitch", site_index, node);
      }
      for (int k = 0; k < shape->gpus; ++k) {
        const Vertex g = add_vertex(VertexKind::gpu, fmt::format("{}/gpu{}", node_name, k), site_index, node);
        add_link(g, nic, shape->pcie_bandwidth, kNodeInternalLatency);
        if (nvswitch) add_link(g, *nvswitch, gpu->nvlink_bandwidth, kNodeInternalLatency);
      }
    }
  }
  for (int i = 0; i < site.storage.racks; ++i) {
    const int position = site.gpu_racks() + i;  // on the fabric, after the GPU racks
    const std::string rack_name = fmt::format("{}/sr{}", s, i);
    const Vertex rack = add_vertex(VertexKind::rack, rack_name, site_index, site_vertex);
    const Vertex leaf = add_vertex(VertexKind::leaf_switch, fmt::format("{}/leaf{}", s, position), site_index, rack);
    const std::vector<Vertex>& uplink_targets =
        fat_tree ? pod_aggs[static_cast<std::size_t>(position / layout.racks_per_pod)] : spines;
    for (const Vertex upper : uplink_targets) add_link(leaf, upper, link_bw, link_lat);
    for (int j = 0; j < site.storage.nodes_per_rack; ++j) {
      const std::string node_name = fmt::format("{}/s{}", rack_name, j);
      const Vertex node = add_vertex(VertexKind::storage_node, node_name, site_index, rack);
      add_link(node, leaf, std::min(site.storage.nic_bandwidth, link_bw), link_lat);
      for (int k = 0; k < site.storage.disks_per_node; ++k)
        add_vertex(VertexKind::disk, fmt::format("{}/disk{}", node_name, k), site_index, node);
    }
  }
  sites_.push_back(std::move(layout));
}

std::optional<Topology::Vertex> Topology::vertex(const std::string& name) const {
  const auto found = index_.find(name);
  if (found == index_.end()) return std::nullopt;
  return found->second;
}

Topology::Vertex Topology::at(const std::string& name) const {
  const auto found = index_.find(name);
  if (found == index_.end()) throw std::out_of_range(fmt::format("topology: no vertex named '{}'", name));
  return found->second;
}

std::optional<Topology::Vertex> Topology::parent(Vertex v) const {
  const std::size_t p = graph_[v].parent;
  if (p == TopologyVertex::kNoParent) return std::nullopt;
  return p;
}

const std::vector<Topology::Vertex>& Topology::vertices_of_kind(VertexKind kind) const {
  return by_kind_[static_cast<std::size_t>(kind)];
}

std::vector<std::string> Topology::nodes_of_site(const std::string& site) const {
  const Vertex site_vertex = at(site);
  if (kind(site_vertex) != VertexKind::site) throw std::out_of_range(fmt::format("topology: '{}' is not a site", site));
  const int index = graph_[site_vertex].site;
  std::vector<std::string> names;
  for (const Vertex node : vertices_of_kind(VertexKind::node)) {
    if (graph_[node].site == index) names.push_back(graph_[node].name);
  }
  return names;
}

std::vector<std::string> Topology::gpus_of_node(const std::string& node) const {
  const Vertex v = at(node);
  if (kind(v) != VertexKind::node) {
    throw std::invalid_argument(fmt::format("topology: '{}' is a {}, not a node", node, to_string(kind(v))));
  }
  std::vector<Vertex> gpus;
  for (const auto edge : boost::make_iterator_range(boost::out_edges(v, graph_))) {
    const Vertex other = boost::target(edge, graph_);
    if (graph_[edge].kind == EdgeKind::contains && graph_[other].parent == v && kind(other) == VertexKind::gpu) {
      gpus.push_back(other);
    }
  }
  std::sort(gpus.begin(), gpus.end());
  std::vector<std::string> names;
  names.reserve(gpus.size());
  for (const Vertex g : gpus) names.push_back(graph_[g].name);
  return names;
}

std::vector<char> Topology::reachable_over_network(Vertex start, std::optional<Vertex> removed) const {
  std::vector<char> seen(boost::num_vertices(graph_), 0);
  const AllVerticesBut vertex_filter{removed.value_or(std::numeric_limits<Vertex>::max())};
  const boost::filtered_graph<Graph, NetworkLinksOnly, AllVerticesBut> network(graph_, NetworkLinksOnly{&graph_},
                                                                               vertex_filter);
  std::vector<boost::default_color_type> colors(boost::num_vertices(graph_));
  boost::breadth_first_search(network, start,
                              boost::visitor(MarkDiscovered(&seen)).color_map(
                                  boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, graph_))));
  return seen;
}

std::vector<std::string> Topology::names_in_creation_order(const std::vector<char>& selected) const {
  std::vector<std::string> names;
  for (Vertex v = 0; v < selected.size(); ++v) {
    if (selected[v]) names.push_back(graph_[v].name);
  }
  return names;
}

std::vector<std::string> Topology::components_below(const std::string& name) const {
  const Vertex v = at(name);
  const std::size_t n = boost::num_vertices(graph_);
  std::vector<char> below(n, 0);

  if (is_container(kind(v))) {
    // The containment subtree of v: search containment edges, never climbing to v's parent.
    const boost::filtered_graph<Graph, ContainmentBelow> subtree(graph_, ContainmentBelow{&graph_, v});
    std::vector<boost::default_color_type> colors(n);
    boost::breadth_first_search(subtree, v,
                                boost::visitor(MarkDiscovered(&below)).color_map(
                                    boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, graph_))));
    below[v] = 0;
    return names_in_creation_order(below);
  }

  const int site = graph_[v].site;
  if (kind(v) == VertexKind::border_router) {
    for (Vertex u = 0; u < n; ++u) {
      if (u != v && graph_[u].site == site && (!is_container(kind(u)) || kind(u) == VertexKind::node)) below[u] = 1;
    }
    return names_in_creation_order(below);
  }

  const Vertex border = sites_[static_cast<std::size_t>(site)].border_vertex;
  const std::vector<char> before = reachable_over_network(border, std::nullopt);
  const std::vector<char> after = reachable_over_network(border, v);
  for (Vertex u = 0; u < n; ++u) below[u] = (u != v && before[u] && !after[u]) ? 1 : 0;
  // A node is below when its NIC is this vertex or is cut off.
  for (const Vertex nic : vertices_of_kind(VertexKind::nic)) {
    if (nic == v || below[nic]) below[graph_[nic].parent] = 1;
  }
  return names_in_creation_order(below);
}

bool Topology::is_connected() const {
  const boost::filtered_graph<Graph, NetworkLinksOnly> network(graph_, NetworkLinksOnly{&graph_});
  std::vector<std::size_t> component(boost::num_vertices(graph_));
  boost::connected_components(
      network, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, graph_)));
  std::optional<std::size_t> first;
  for (const VertexKind compute : {VertexKind::gpu, VertexKind::cpu}) {
    for (const Vertex v : vertices_of_kind(compute)) {
      if (!first) first = component[v];
      if (component[v] != *first) return false;
    }
  }
  return true;
}

double Topology::bottleneck_bandwidth(const std::string& a, const std::string& b) const {
  return bottleneck_bandwidth(at(a), at(b));
}

double Topology::bottleneck_bandwidth(Vertex a, Vertex b) const {
  if (a == b) return std::numeric_limits<double>::infinity();
  const std::size_t n = boost::num_vertices(graph_);
  const boost::filtered_graph<Graph, NetworkLinksOnly> network(graph_, NetworkLinksOnly{&graph_});
  std::vector<std::size_t> hops(n, 0);
  std::vector<Vertex> order;
  std::vector<boost::default_color_type> colors(n);
  boost::breadth_first_search(network, a,
                              boost::visitor(RecordHops(&hops, &order)).color_map(
                                  boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, graph_))));
  std::vector<char> reached(n, 0);
  for (const Vertex v : order) reached[v] = 1;
  if (!reached[b]) return 0.0;

  // Widest path on the shortest-hop DAG: BFS discovery order is sorted by hop count,
  // so every predecessor of a vertex is final before the vertex is expanded.
  std::vector<double> width(n, 0.0);
  width[a] = std::numeric_limits<double>::infinity();
  for (const Vertex u : order) {
    if (hops[u] >= hops[b]) break;
    for (const auto edge : boost::make_iterator_range(boost::out_edges(u, network))) {
      const Vertex w = boost::target(edge, network);
      if (hops[w] != hops[u] + 1 || !reached[w]) continue;
      width[w] = std::max(width[w], std::min(width[u], graph_[edge].bandwidth));
    }
  }
  return width[b];
}

}  // namespace leptonsim
