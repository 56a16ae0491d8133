// How a site's fabric spec becomes switches and links; shared by the
// Boost.Graph topology and the SimGrid platform so both describe one fabric.
//
// A node attaches to its leaf switch with a bundle of round(NIC / link) fabric
// ports (at least one), modelled as one link of the bundle's total bandwidth.
// Every switch-to-switch connection is a bundle of the same size, so all
// fabric links have the bundle bandwidth. A leaf has ceil(nodes_per_rack /
// oversubscription) uplink bundles, one to each spine (leaf_spine) or to each
// aggregation switch of its pod (fat_tree); aggregation switches have one
// bundle to each of racks_per_pod core switches of their plane (non-blocking).
#pragma once

#include "ScenarioSpec.hpp"

#include <algorithm>
#include <cmath>

namespace leptonsim {

struct FabricShape {
  int ports_per_bundle = 1;       // fabric ports per node attachment and per switch-to-switch bundle
  double bundle_bandwidth = 0.0;  // bytes/s of one bundle = ports x fabric link bandwidth
  int uplinks_per_leaf = 1;       // uplink bundles of a leaf = spines (leaf_spine) or aggregation switches per pod
  int racks_per_pod = 1;          // fat_tree: racks in a pod (= core uplinks of an aggregation switch)
  int pods = 1;                   // fat_tree: pods; leaf_spine: 1
};

inline FabricShape derive_fabric_shape(const SiteSpec& site, const NodeShape& node) {
  FabricShape shape;
  const double link = site.fabric.link_bandwidth;
  shape.ports_per_bundle = static_cast<int>(std::max(1.0, std::round(node.nic_bandwidth / link)));
  shape.bundle_bandwidth = shape.ports_per_bundle * link;
  shape.uplinks_per_leaf =
      static_cast<int>(std::max(1.0, std::ceil(site.nodes_per_rack / site.fabric.oversubscription - 1e-9)));
  if (site.fabric.topology == FabricSpec::Topology::fat_tree) {
    const int racks = site.fabric_racks();  // GPU and storage racks
    shape.racks_per_pod = site.fabric.racks_per_pod > 0 ? std::min(site.fabric.racks_per_pod, racks) : racks;
    shape.pods = (racks + shape.racks_per_pod - 1) / shape.racks_per_pod;
  } else {
    shape.racks_per_pod = site.fabric_racks();
  }
  return shape;
}

}  // namespace leptonsim
