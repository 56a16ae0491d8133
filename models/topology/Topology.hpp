// Topology: the simulated platform as a Boost.Graph, built from a PlatformSpec
// and the hardware catalogue. Used for failure domains ("what is below this
// switch"), connectivity checks, drawing, and hand computations in tests
// (bottleneck bandwidth of a transfer). Plain C++: no SimGrid.
//
// Vertices have a kind and a unique hierarchical name. The SimGrid platform
// builder uses the same names for its hosts, so they are part of the interface:
//
//   site                S
//   border router       S/border
//   leaf_spine spines   S/spine{k}                 k = 0 .. U-1
//   fat_tree cores      S/core{k}                  k = 0 .. U*R-1
//   fat_tree aggs       S/pod{p}/agg{k}            k = 0 .. U-1
//   leaf switch         S/leaf{i}                  one per rack, i = rack index
//   rack                S/r{i}
//   node                S/r{i}/n{j}                j = index within the rack
//   nvswitch            S/r{i}/n{j}/nvswitch       only when the GPU type has NVLink
//   nic                 S/r{i}/n{j}/nic
//   gpu                 S/r{i}/n{j}/gpu{k}
//   cpu                 S/r{i}/n{j}/cpu
//   storage rack        S/sr{i}                    i = storage rack index
//   its leaf switch     S/leaf{R+i}                R = GPU racks (fabric position)
//   storage node        S/sr{i}/s{j}
//   disk                S/sr{i}/s{j}/disk{k}
//
// Edges are either `contains` (containment / power feed; no bandwidth) or
// `network` (a data link with a bandwidth in bytes/s per direction and a
// latency in seconds).
//
// Containment (a forest, one tree per site):
//   site -> border router, spines, cores, aggregation switches, racks
//   rack -> its leaf (top-of-rack) switch, its nodes
//   node -> its nic, cpu, gpus and nvswitch
//   storage rack -> its leaf switch, its storage nodes; storage node -> its disks
//
// Storage racks follow the GPU racks on the fabric (same leaf uplinks; in a
// fat tree they fill the pods after the GPU racks). A storage node is a network
// vertex linked to its leaf at min(its NIC, the fabric bundle); disks have no
// network links.
//
// Node-internal network model (documented choice):
//   * The `nic` vertex stands for the node's PCIe fabric together with all its
//     compute NICs. Every GPU and the CPU has its own link to it at the node
//     shape's PCIe bandwidth (GPUDirect RDMA path: each GPU reaches the network
//     through its own PCIe link). GPUs without NVLink (e.g. L40S) also talk to
//     each other through it, GPU -> nic -> GPU, at PCIe bandwidth.
//   * When the GPU type has NVLink (nvlink_bandwidth > 0), a `nvswitch` vertex is
//     added and every GPU links to it at the per-direction NVLink bandwidth, so
//     GPU -> nvswitch -> GPU carries intra-node GPU traffic at NVLink speed.
//   * nic -- leaf switch: one link at the node's aggregate NIC bandwidth.
//   * Node-internal links have latency kNodeInternalLatency.
//
// Fabric model (per site; every switch-to-switch link has the fabric's
// link_bandwidth and link_latency; so does the nic -- leaf link's latency):
//   U = ceil(nodes_per_rack / oversubscription) uplinks per leaf switch.
//   leaf_spine: U spine switches; every leaf links to every spine.
//     The border router links to every spine.
//   fat_tree (3-level folded Clos, as in a k-ary fat tree): racks are grouped
//     into pods of R = racks_per_pod racks (0 = one pod with all racks; the last
//     pod may be partial). Each pod has U aggregation switches and each leaf of
//     the pod links to all of them. Aggregation switches have as many uplinks as
//     a full pod has leaves (R), so the core has U planes of R switches:
//     core k*R + j (j < R) is in plane k and links to aggregation switch k of
//     every pod. The border router links to every core switch.
//   WAN links join the border routers of two sites.
//
// All queries are deterministic: vertex lists come in creation order (the order
// of the table above, racks then nodes then parts by index).
#pragma once

#include "ScenarioSpec.hpp"
#include "catalog/HardwareCatalog.hpp"

#include <boost/graph/adjacency_list.hpp>

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace leptonsim {

enum class VertexKind {
  site,
  border_router,
  core_switch,
  spine_switch,
  aggregation_switch,
  leaf_switch,
  rack,
  node,
  nvswitch,
  nic,
  gpu,
  cpu,
  storage_node,
  disk,
};
inline constexpr std::size_t kVertexKindCount = 14;

enum class EdgeKind { contains, network };

// "site", "border_router", "spine_switch", ... (the enumerator's name).
std::string_view to_string(VertexKind kind);
// site, rack or node: vertices that hold others and have no network links.
bool is_container(VertexKind kind);
// Every kind of switch or router, including the node-internal nvswitch.
bool is_switch(VertexKind kind);

// Latency of a link inside a node (GPU/CPU -- nic over PCIe, GPU -- nvswitch over
// NVLink), seconds. An order-of-magnitude assumption (about a microsecond per hop).
inline constexpr double kNodeInternalLatency = 1e-6;

struct TopologyVertex {
  static constexpr std::size_t kNoParent = std::numeric_limits<std::size_t>::max();
  VertexKind kind = VertexKind::site;  // what the vertex is
  std::string name;                    // unique hierarchical name (see the table above)
  int site = 0;                        // index of its site in PlatformSpec::sites
  std::size_t parent = kNoParent;      // containing vertex; kNoParent for a site
};

struct TopologyEdge {
  EdgeKind kind = EdgeKind::contains;  // containment or data link
  double bandwidth = 0.0;              // network only: bytes/s in each direction
  double latency = 0.0;                // network only: seconds
};

using TopologyGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                            TopologyVertex, TopologyEdge>;

// The sizes chosen for one site's fabric (see the fabric model above).
struct SiteLayout {
  std::string name;                // site name
  NodeShape shape;                 // node shape of the site's nodes
  GpuType gpu;                     // GPU type of those nodes
  FabricSpec fabric;               // the site's fabric spec
  int racks = 0;                   // GPU racks
  int storage_racks = 0;           // storage racks (after the GPU racks on the fabric)
  int storage_nodes_per_rack = 0;  // storage nodes per storage rack
  int disks_per_node = 0;          // disks per storage node
  int nodes_per_rack = 0;          // nodes per rack
  int uplinks_per_leaf = 0;        // U
  int pods = 0;                    // fat_tree: number of pods; leaf_spine: 1
  int racks_per_pod = 0;           // fat_tree: R (full pod size); leaf_spine: racks
  int spine_switches = 0;          // leaf_spine: U; fat_tree: 0
  int aggregation_switches = 0;    // fat_tree: U per pod, all pods; leaf_spine: 0
  int core_switches = 0;           // fat_tree: U*R; leaf_spine: 0
  std::size_t site_vertex = 0;     // vertex of the site
  std::size_t border_vertex = 0;   // vertex of its border router
};

class Topology {
public:
  using Graph = TopologyGraph;
  using Vertex = Graph::vertex_descriptor;

  // Builds the graph. Throws std::invalid_argument for an unknown node shape or
  // GPU type, duplicate or malformed site names, non-positive sizes, or a WAN link
  // naming an unknown site.
  Topology(const PlatformSpec& platform, const HardwareCatalog& catalog);

  const Graph& graph() const { return graph_; }
  const std::vector<SiteLayout>& sites() const { return sites_; }

  // The vertex with that name, if any.
  std::optional<Vertex> vertex(const std::string& name) const;
  // The vertex with that name; throws std::out_of_range naming it if there is none.
  Vertex at(const std::string& name) const;
  VertexKind kind(Vertex v) const { return graph_[v].kind; }
  const std::string& name(Vertex v) const { return graph_[v].name; }
  // The vertex containing v (rack of a node, node of a GPU, ...); none for a site.
  std::optional<Vertex> parent(Vertex v) const;

  // All vertices of a kind, in creation order.
  const std::vector<Vertex>& vertices_of_kind(VertexKind kind) const;
  // Names of the nodes of a site, in creation order (rack by rack). Throws
  // std::out_of_range for an unknown site.
  std::vector<std::string> nodes_of_site(const std::string& site) const;
  // Names of the GPUs of a node, gpu0 first. Throws std::out_of_range for an unknown
  // name and std::invalid_argument if it is not a node.
  std::vector<std::string> gpus_of_node(const std::string& node) const;

  // What is "below" a vertex, in creation order, without the vertex itself:
  //  * site, rack, node: everything it contains, transitively.
  //  * border router: every network vertex of its site and every node of the site
  //    (the site loses its way out).
  //  * any other network vertex (switch, nic, gpu, cpu): every network vertex that
  //    is connected to its site's border router over network links, and is not any
  //    more once this vertex is removed; plus every node whose nic is this vertex or
  //    is cut off. Racks and sites are never listed. A redundant switch has nothing
  //    below it.
  // Throws std::out_of_range for an unknown name.
  std::vector<std::string> components_below(const std::string& name) const;

  // True when every GPU and CPU can reach every other over network links.
  bool is_connected() const;

  // Bandwidth (bytes/s) of the widest path among the shortest-hop network paths
  // between a and b: the largest, over those paths, of the smallest link bandwidth
  // on the path. 0 when b cannot be reached; +infinity when a == b.
  // Throws std::out_of_range for an unknown name.
  double bottleneck_bandwidth(const std::string& a, const std::string& b) const;
  double bottleneck_bandwidth(Vertex a, Vertex b) const;

  std::size_t vertex_count() const { return boost::num_vertices(graph_); }
  std::size_t edge_count() const { return boost::num_edges(graph_); }
  std::size_t network_edge_count() const { return network_edge_count_; }
  std::size_t count(VertexKind kind) const { return vertices_of_kind(kind).size(); }

private:
  Vertex add_vertex(VertexKind kind, std::string name, int site, std::size_t parent);
  void add_link(Vertex a, Vertex b, double bandwidth, double latency);
  void build_site(int site_index, const SiteSpec& site, const HardwareCatalog& catalog);
  // Marks the vertices reachable from `start` over network links, never entering `removed`.
  std::vector<char> reachable_over_network(Vertex start, std::optional<Vertex> removed) const;
  std::vector<std::string> names_in_creation_order(const std::vector<char>& selected) const;

  Graph graph_;
  std::vector<SiteLayout> sites_;
  std::unordered_map<std::string, Vertex> index_;          // lookup only; never iterated
  std::vector<std::vector<Vertex>> by_kind_ = std::vector<std::vector<Vertex>>(kVertexKindCount);
  std::size_t network_edge_count_ = 0;
};

}  // namespace leptonsim
