// Failure domains: which components a failure class draws from, and what a
// failure of one of them takes down, answered by the Boost.Graph topology.
//
// Component names are topology vertex names (see Topology.hpp), plus
// "<node>/link" for a node's link to its leaf switch. Effects:
//   gpu                   that GPU stops;
//   node                  every GPU of the node stops;
//   nic, link             the node is cut off the network;
//   leaf, spine, aggregation and core switches
//                         every node the topology puts below it is cut off
//                         (a redundant switch cuts off nothing);
//   rack (its PDU), site  every node below it stops.
//   storage_node          its disks' data is unavailable until it is back;
//   disk                  the disk's data is lost.
// Switches, PDUs and sites take down the storage nodes below them as well.
// Storage nodes and disks are numbered in topology creation order (site,
// storage rack, node, disk).
// Plain C++: the simulator applies the effects to SimGrid hosts and links.
#pragma once

#include "topology/Topology.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace leptonsim {

// The component kinds a failure class may name (the scenario's spelling).
enum class FailureComponent {
  gpu, node, nic, link, leaf_switch, spine_switch, aggregation_switch, core_switch, pdu, site, storage_node, disk
};

// "gpu" -> FailureComponent::gpu, ...; throws std::invalid_argument naming the valid kinds.
FailureComponent parse_failure_component(const std::string& text);
std::string to_string(FailureComponent component);

struct FailureEffect {
  std::vector<std::pair<int, int>> gpus_down;  // (node index, GPU index in the node)
  std::vector<int> nodes_down;                 // every GPU of these nodes stops
  std::vector<int> nodes_cut_off;              // these nodes lose the network
  std::vector<int> storage_nodes_down;         // down or cut off: their data is unavailable
  std::vector<int> disks_failed;               // their data is lost
  bool is_empty() const {
    return gpus_down.empty() && nodes_down.empty() && nodes_cut_off.empty() && storage_nodes_down.empty() &&
           disks_failed.empty();
  }
};

class FailureDomains {
public:
  // `node_names`: the nodes in the simulator's order (their index is the node
  // index used in effects); every one must be a node of the topology.
  FailureDomains(const Topology& topology, const std::vector<std::string>& node_names);

  // The components of a kind, in topology creation order; only the site's when
  // `site` is not empty.
  std::vector<std::string> components(FailureComponent kind, const std::string& site = "") const;
  // What a failure of the named component takes down. Throws std::out_of_range
  // for an unknown name and std::invalid_argument for a vertex that cannot fail
  // on its own (a CPU, an NVSwitch, a border router).
  FailureEffect effect(const std::string& component) const;
  // The kind of the named component (as `effect` resolves it).
  FailureComponent kind_of(const std::string& component) const;
  int node_index(const std::string& node_name) const;

private:
  std::vector<int> nodes_in(const std::vector<std::string>& names) const;
  std::vector<int> storage_nodes_in(const std::vector<std::string>& names) const;

  const Topology& topology_;
  std::map<std::string, int> node_index_;
  std::map<std::string, int> storage_node_index_;
  std::map<std::string, int> disk_index_;
};

}  // namespace leptonsim
