#include "PlatformBuilder.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace sg4 = simgrid::s4u;
using simgrid::kernel::routing::NetPoint;

namespace leptonsim {

int SimPlatform::total_gpus() const {
  int total = 0;
  for (const SimNode& node : nodes) total += static_cast<int>(node.gpus.size());
  return total;
}

FabricShape derive_fabric_shape(const SiteSpec& site, const NodeShape& shape) {
  FabricShape fabric;
  const double link = site.fabric.link_bandwidth;
  fabric.links_per_node = static_cast<unsigned>(std::max(1.0, std::round(shape.nic_bandwidth / link)));
  // Uplink capacity of a leaf = downlink capacity / oversubscription.
  const double downlinks = static_cast<double>(site.nodes_per_rack) * fabric.links_per_node;
  const unsigned uplinks = static_cast<unsigned>(std::max(1.0, std::ceil(downlinks / site.fabric.oversubscription)));
  fabric.spines = std::min(uplinks, 8u);
  fabric.links_per_uplink = (uplinks + fabric.spines - 1) / fabric.spines;
  return fabric;
}

namespace {

struct SiteBuild {
  const SiteSpec* site = nullptr;
  const NodeShape* shape = nullptr;
  const GpuType* gpu = nullptr;
  SimPlatform* platform = nullptr;
  NetPoint* border = nullptr;
};

std::pair<NetPoint*, NetPoint*> create_node_zone(SiteBuild& build, sg4::NetZone* fabric_zone, unsigned long leaf) {
  const SiteSpec& site = *build.site;
  const unsigned long compute_leaves = static_cast<unsigned long>(site.racks) * site.nodes_per_rack;
  if (leaf >= compute_leaves) {
    // Infrastructure rack/pod: the first leaf is the border router, the rest are unused ports.
    const std::string name = leaf == compute_leaves ? site.name + "/border" : fmt::format("{}/port{}", site.name, leaf);
    NetPoint* router = fabric_zone->create_router(name);
    if (leaf == compute_leaves) build.border = router;
    return {router, nullptr};
  }
  const int rack = static_cast<int>(leaf / site.nodes_per_rack);
  const int index = static_cast<int>(leaf % site.nodes_per_rack);
  SimNode node;
  node.name = fmt::format("{}/r{}/n{}", site.name, rack, index);
  node.site = site.name;
  node.rack = rack;
  node.index_in_rack = index;
  node.shape = build.shape;
  node.gpu = build.gpu;

  sg4::NetZone* zone = sg4::create_star_zone(node.name);
  zone->set_parent(fabric_zone);
  const double gpu_link = build.gpu->nvlink_bandwidth > 0 ? build.gpu->nvlink_bandwidth : build.shape->pcie_bandwidth;
  auto attach = [&](sg4::Host* host, double bandwidth) {
    const sg4::Link* link = zone->create_split_duplex_link(host->get_name() + "/link", bandwidth)->set_latency(0)->seal();
    zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {{link, sg4::LinkInRoute::Direction::UP}}, true);
  };
  for (int g = 0; g < build.shape->gpus; ++g) {
    sg4::Host* host = zone->create_host(fmt::format("{}/gpu{}", node.name, g), build.gpu->dense_bf16_flops)->seal();
    attach(host, gpu_link);
    node.gpus.push_back(host);
  }
  node.cpu = zone->create_host(node.name + "/cpu", build.shape->cpu_flops)->seal();
  attach(node.cpu, build.shape->pcie_bandwidth);
  // The NIC joins the node's internal switch to the fabric, full duplex.
  NetPoint* gateway = zone->create_router(node.name + "/gw");
  const sg4::Link* nic = zone->create_split_duplex_link(node.name + "/nic", build.shape->nic_bandwidth)->set_latency(0)->seal();
  zone->add_route(gateway, nullptr, nullptr, nullptr, {{nic, sg4::LinkInRoute::Direction::UP}}, true);
  zone->seal();
  build.platform->nodes.push_back(std::move(node));
  return {zone->get_netpoint(), gateway};
}

sg4::NetZone* build_site(SiteBuild& build, const sg4::NetZone* root) {
  const SiteSpec& site = *build.site;
  const FabricShape shape = derive_fabric_shape(site, *build.shape);
  const auto npr = static_cast<unsigned>(site.nodes_per_rack);
  std::unique_ptr<sg4::FatTreeParams> params;
  if (site.fabric.topology == FabricSpec::Topology::leaf_spine) {
    params = std::make_unique<sg4::FatTreeParams>(2, std::vector<unsigned>{npr, static_cast<unsigned>(site.racks) + 1},
                                                  std::vector<unsigned>{1, shape.spines},
                                                  std::vector<unsigned>{shape.links_per_node, shape.links_per_uplink});
  } else {
    const unsigned racks_per_pod = site.fabric.racks_per_pod > 0 ? site.fabric.racks_per_pod : site.racks;
    const unsigned pods = static_cast<unsigned>(site.racks) / racks_per_pod;
    // Aggregation to core is non-blocking: each aggregation switch has one uplink per rack of its pod.
    params = std::make_unique<sg4::FatTreeParams>(
        3, std::vector<unsigned>{npr, racks_per_pod, pods + 1}, std::vector<unsigned>{1, shape.spines, racks_per_pod},
        std::vector<unsigned>{shape.links_per_node, shape.links_per_uplink, shape.links_per_uplink});
  }
  sg4::ClusterCallbacks callbacks([&build](sg4::NetZone* zone, const std::vector<unsigned long>&, unsigned long id) {
    return create_node_zone(build, zone, id);
  });
  return sg4::create_fatTree_zone(site.name, root, *params, callbacks, site.fabric.link_bandwidth,
                                  site.fabric.link_latency, sg4::Link::SharingPolicy::SPLITDUPLEX);
}

}  // namespace

SimPlatform build_platform(const ScenarioSpec& spec) {
  SimPlatform platform;
  platform.root = sg4::create_floyd_zone("world");
  std::vector<SiteBuild> builds(spec.platform.sites.size());
  std::vector<sg4::NetZone*> site_zones;
  for (std::size_t s = 0; s < spec.platform.sites.size(); ++s) {
    SiteBuild& build = builds[s];
    build.site = &spec.platform.sites[s];
    build.shape = spec.catalog.find_node_shape(build.site->node);
    if (build.shape == nullptr) throw std::runtime_error("unknown node shape " + build.site->node);
    build.gpu = spec.catalog.find_gpu(build.shape->gpu_type);
    if (build.gpu == nullptr) throw std::runtime_error("unknown GPU type " + build.shape->gpu_type);
    build.platform = &platform;
    site_zones.push_back(build_site(build, platform.root));
  }
  auto site_index = [&](const std::string& name) {
    for (std::size_t s = 0; s < spec.platform.sites.size(); ++s)
      if (spec.platform.sites[s].name == name) return s;
    throw std::runtime_error("WAN link names unknown site " + name);
  };
  for (const WanLinkSpec& wan : spec.platform.wan) {
    const std::size_t a = site_index(wan.site_a), b = site_index(wan.site_b);
    const sg4::Link* link = platform.root->create_split_duplex_link(fmt::format("wan/{}-{}", wan.site_a, wan.site_b), wan.bandwidth)
                                ->set_latency(wan.latency)
                                ->seal();
    platform.root->add_route(site_zones[a]->get_netpoint(), site_zones[b]->get_netpoint(), builds[a].border,
                             builds[b].border, {{link, sg4::LinkInRoute::Direction::UP}}, true);
  }
  platform.root->seal();
  // Leaves are created by the fat-tree in its own order; keep site/rack/node order.
  std::stable_sort(platform.nodes.begin(), platform.nodes.end(), [&](const SimNode& x, const SimNode& y) {
    const auto sx = site_index(x.site), sy = site_index(y.site);
    if (sx != sy) return sx < sy;
    if (x.rack != y.rack) return x.rack < y.rack;
    return x.index_in_rack < y.index_in_rack;
  });
  return platform;
}

}  // namespace leptonsim
