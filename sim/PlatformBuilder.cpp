#include "PlatformBuilder.hpp"

#include "NodePricing.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>

namespace sg4 = simgrid::s4u;
using simgrid::kernel::routing::NetPoint;
using Direction = sg4::LinkInRoute::Direction;

namespace leptonsim {

int SimPlatform::total_gpus() const {
  int total = 0;
  for (const SimNode& node : nodes) total += static_cast<int>(node.gpus.size());
  return total;
}

namespace {

// The links inside one node, created before any node zone exists.
struct NodeLinks {
  std::vector<const sg4::Link*> gpu_pcie;    // GPU <-> node switch (towards the NIC)
  std::vector<const sg4::Link*> gpu_nvlink;  // GPU <-> NVSwitch (GPU-to-GPU inside the node)
  const sg4::Link* cpu_pcie = nullptr;
  const sg4::Link* nic = nullptr;            // node switch <-> fabric, all NICs together
};

struct SiteBuild {
  const SiteSpec* site = nullptr;
  const NodeShape* shape = nullptr;
  const GpuType* gpu = nullptr;
  FabricShape fabric;
  std::vector<NodeLinks> node_links;  // per compute leaf
  std::vector<const sg4::Link*> storage_nics;  // per storage node
  std::vector<const sg4::Link*> disk_links;    // per disk of every storage node
  const sg4::Link* storage_link = nullptr;
  const DiskType* disk = nullptr;
  SimPlatform* platform = nullptr;
  NetPoint* border = nullptr;
};

// Hosts that stand for storage, not for GPU nodes: no power of their own
// for SimGrid's host energy plugin (storage is priced per node-hour).
sg4::Host* unpowered(sg4::Host* host) { return host->set_property("wattage_per_state", "0:0")->set_property("wattage_off", "0"); }

const sg4::Link* duplex_link(sg4::NetZone* zone, const std::string& name, double bandwidth) {
  return zone->create_split_duplex_link(name, bandwidth)->set_latency(0)->seal();
}

void create_node_links(SiteBuild& build, sg4::NetZone* root) {
  const SiteSpec& site = *build.site;
  const bool has_nvlink = build.gpu->nvlink_bandwidth > 0;
  for (int rack = 0; rack < site.gpu_racks(); ++rack)
    for (int index = 0; index < site.nodes_per_rack; ++index) {
      NodeLinks links;
      if (index >= site.nodes_in_rack(rack)) {  // a free port of a pool's last rack
        build.node_links.push_back(std::move(links));
        continue;
      }
      const std::string node = fmt::format("{}/r{}/n{}", site.name, rack, index);
      for (int g = 0; g < build.shape->gpus; ++g) {
        links.gpu_pcie.push_back(duplex_link(root, fmt::format("{}/gpu{}/pcie", node, g), build.shape->pcie_bandwidth));
        if (has_nvlink)
          links.gpu_nvlink.push_back(duplex_link(root, fmt::format("{}/gpu{}/nvlink", node, g), build.gpu->nvlink_bandwidth));
      }
      links.cpu_pcie = duplex_link(root, node + "/cpu/pcie", build.shape->pcie_bandwidth);
      links.nic = duplex_link(root, node + "/nic", build.shape->nic_bandwidth);
      build.node_links.push_back(std::move(links));
    }
  for (int rack = 0; rack < site.storage.racks; ++rack)
    for (int index = 0; index < site.storage.nodes_per_rack; ++index) {
      const std::string node = fmt::format("{}/sr{}/s{}", site.name, rack, index);
      build.storage_nics.push_back(duplex_link(root, node + "/nic", site.storage.nic_bandwidth));
      for (int k = 0; k < site.storage.disks_per_node; ++k) {
        const std::string name = fmt::format("{}/disk{}/link", node, k);
        auto* link = root->create_split_duplex_link(name, build.disk->read_bandwidth)->set_latency(0);
        sg4::Link::by_name(name + "_DOWN")->set_bandwidth(build.disk->write_bandwidth);
        build.disk_links.push_back(link->seal());
      }
    }
  build.storage_link = duplex_link(root, site.name + "/storage/link", build.fabric.bundle_bandwidth);
}

std::pair<NetPoint*, NetPoint*> create_storage_node_zone(SiteBuild& build, sg4::NetZone* fabric_zone, unsigned long port) {
  const SiteSpec& site = *build.site;
  const auto npr = static_cast<unsigned long>(site.nodes_per_rack);
  const int rack = static_cast<int>(port / npr);
  const int index = static_cast<int>(port % npr);
  if (index >= site.storage.nodes_per_rack)  // a free port of the storage rack
    return {fabric_zone->create_router(fmt::format("{}/sr{}/port{}", site.name, rack, index)), nullptr};
  SimStorageNode node;
  node.name = fmt::format("{}/sr{}/s{}", site.name, rack, index);
  node.site = site.name;
  node.rack = rack;
  node.index_in_rack = index;
  sg4::NetZone* zone = sg4::create_star_zone(node.name);
  zone->set_parent(fabric_zone);
  const auto node_index = static_cast<std::size_t>(rack * site.storage.nodes_per_rack + index);
  for (int k = 0; k < site.storage.disks_per_node; ++k) {
    sg4::Host* disk = unpowered(zone->create_host(fmt::format("{}/disk{}", node.name, k), 1e9))->seal();
    const sg4::Link* link = build.disk_links[node_index * static_cast<std::size_t>(site.storage.disks_per_node) + static_cast<std::size_t>(k)];
    zone->add_route(disk->get_netpoint(), nullptr, nullptr, nullptr, {{link, Direction::UP}}, true);
    node.disks.push_back(disk);
  }
  NetPoint* gateway = zone->create_router(node.name + "/gw");
  zone->add_route(gateway, nullptr, nullptr, nullptr, {{build.storage_nics[node_index], Direction::UP}}, true);
  zone->seal();
  build.platform->storage_nodes.push_back(std::move(node));
  return {zone->get_netpoint(), gateway};
}

std::pair<NetPoint*, NetPoint*> create_node_zone(SiteBuild& build, sg4::NetZone* fabric_zone, unsigned long leaf) {
  const SiteSpec& site = *build.site;
  const unsigned long compute_leaves = build.node_links.size();
  const unsigned long storage_leaves =
      static_cast<unsigned long>(site.storage.racks) * static_cast<unsigned long>(site.nodes_per_rack);
  if (leaf >= compute_leaves && leaf < compute_leaves + storage_leaves)
    return create_storage_node_zone(build, fabric_zone, leaf - compute_leaves);
  if (leaf == compute_leaves + storage_leaves) {
    // The infrastructure leaf: the border router (the site's WAN gateway) and the storage host.
    sg4::NetZone* zone = sg4::create_star_zone(site.name + "/infra");
    zone->set_parent(fabric_zone);
    build.border = zone->create_router(site.name + "/border");
    sg4::Host* storage = unpowered(zone->create_host(site.name + "/storage", 1e9))->seal();
    zone->add_route(storage->get_netpoint(), nullptr, nullptr, nullptr, {{build.storage_link, Direction::UP}}, true);
    zone->seal();
    build.platform->storage[site.name] = storage;
    return {zone->get_netpoint(), build.border};
  }
  if (leaf > compute_leaves)  // the rest of the infrastructure rack/pod: unused switch ports
    return {fabric_zone->create_router(fmt::format("{}/port{}", site.name, leaf)), nullptr};
  const NodeLinks& links = build.node_links[leaf];
  if (links.nic == nullptr)  // no node on this port
    return {fabric_zone->create_router(fmt::format("{}/port{}", site.name, leaf)), nullptr};
  SimNode node;
  node.rack = static_cast<int>(leaf / site.nodes_per_rack);
  node.index_in_rack = static_cast<int>(leaf % site.nodes_per_rack);
  node.pool = site.pool_of_rack(node.rack);
  node.name = fmt::format("{}/r{}/n{}", site.name, node.rack, node.index_in_rack);
  node.site = site.name;
  node.shape = build.shape;
  node.gpu = build.gpu;

  sg4::NetZone* zone = sg4::create_star_zone(node.name);
  zone->set_parent(fabric_zone);
  for (int g = 0; g < build.shape->gpus; ++g) {
    // Power for SimGrid's host energy plugin (idle:full load, off), when a run enables it.
    sg4::Host* host = zone->create_host(fmt::format("{}/gpu{}", node.name, g), build.gpu->dense_bf16_flops)
                          ->set_property("wattage_per_state", fmt::format("{}:{}", build.gpu->idle_power_watts,
                                                                          build.gpu->max_power_watts))
                          ->set_property("wattage_off", "0")
                          ->seal();
    zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {{links.gpu_pcie[g], Direction::UP}}, true);
    node.gpus.push_back(host);
  }
  // The host CPU carries the node's base power (its own load is not modelled) and off power.
  node.cpu = zone->create_host(node.name + "/cpu", build.shape->cpu_flops)
                 ->set_property("wattage_per_state", fmt::format("{0}:{0}", build.shape->base_power_watts))
                 ->set_property("wattage_off", fmt::format("{}", build.shape->off_power_watts))
                 ->seal();
  zone->add_route(node.cpu->get_netpoint(), nullptr, nullptr, nullptr, {{links.cpu_pcie, Direction::UP}}, true);
  NetPoint* gateway = zone->create_router(node.name + "/gw");
  zone->add_route(gateway, nullptr, nullptr, nullptr, {{links.nic, Direction::UP}}, true);
  // GPU-to-GPU inside the node goes over NVLink, not through the node switch.
  if (!links.gpu_nvlink.empty())
    for (int a = 0; a < build.shape->gpus; ++a)
      for (int b = 0; b < build.shape->gpus; ++b)
        if (a != b)
          zone->add_bypass_route(node.gpus[a]->get_netpoint(), node.gpus[b]->get_netpoint(), nullptr, nullptr,
                                 {{links.gpu_nvlink[a], Direction::UP}, {links.gpu_nvlink[b], Direction::DOWN}});
  zone->seal();
  build.platform->nodes.push_back(std::move(node));
  return {zone->get_netpoint(), gateway};
}

sg4::NetZone* build_site(SiteBuild& build, const sg4::NetZone* root) {
  const SiteSpec& site = *build.site;
  const FabricShape& shape = build.fabric;
  const auto npr = static_cast<unsigned>(site.nodes_per_rack);
  const auto uplinks = static_cast<unsigned>(shape.uplinks_per_leaf);
  std::unique_ptr<sg4::FatTreeParams> params;
  if (site.fabric.topology == FabricSpec::Topology::leaf_spine) {
    params = std::make_unique<sg4::FatTreeParams>(2, std::vector<unsigned>{npr, static_cast<unsigned>(site.fabric_racks()) + 1},
                                                  std::vector<unsigned>{1, uplinks}, std::vector<unsigned>{1, 1});
  } else {
    const auto racks_per_pod = static_cast<unsigned>(shape.racks_per_pod);
    params = std::make_unique<sg4::FatTreeParams>(
        3, std::vector<unsigned>{npr, racks_per_pod, static_cast<unsigned>(shape.pods) + 1},
        std::vector<unsigned>{1, uplinks, racks_per_pod}, std::vector<unsigned>{1, 1, 1});
  }
  sg4::ClusterCallbacks callbacks([&build](sg4::NetZone* zone, const std::vector<unsigned long>&, unsigned long id) {
    return create_node_zone(build, zone, id);
  });
  return sg4::create_fatTree_zone(site.name, root, *params, callbacks, shape.bundle_bandwidth, site.fabric.link_latency,
                                  sg4::Link::SharingPolicy::SPLITDUPLEX);
}

// Each site's nodes in order get their purchase type (the site's mix, or their pool's) and its price.
void assign_purchases(const ScenarioSpec& spec, SimPlatform& platform) {
  std::size_t first = 0;
  for (std::size_t s = 0; s < spec.platform.sites.size(); ++s) {
    const SiteSpec& site = spec.platform.sites[s];
    std::size_t end = first;
    while (end < platform.nodes.size() && platform.nodes[end].site == site.name) ++end;
    const std::vector<Purchase> purchases = site_node_purchases(site);
    if (purchases.size() != end - first) throw std::logic_error("site " + site.name + ": node count mismatch");
    for (std::size_t i = first; i < end; ++i) {
      SimNode& node = platform.nodes[i];
      node.site_index = static_cast<int>(s);
      node.purchase = purchases[i - first];
      const auto price = node_price_per_hour(spec, site, node.shape->name, node.purchase);
      if (!price) throw std::runtime_error(missing_price_reason(spec, site, node.shape->name, node.purchase));
      node.price_per_hour = *price;
    }
    first = end;
  }
}

}  // namespace

SimPlatform build_platform(const ScenarioSpec& spec) {
  SimPlatform platform;
  platform.root = sg4::create_floyd_zone("world");
  std::vector<SiteBuild> builds(spec.platform.sites.size());
  for (std::size_t s = 0; s < spec.platform.sites.size(); ++s) {
    SiteBuild& build = builds[s];
    build.site = &spec.platform.sites[s];
    build.shape = spec.catalog.find_node_shape(build.site->node);
    if (build.shape == nullptr) throw std::runtime_error("unknown node shape " + build.site->node);
    build.gpu = spec.catalog.find_gpu(build.shape->gpu_type);
    if (build.gpu == nullptr) throw std::runtime_error("unknown GPU type " + build.shape->gpu_type);
    build.fabric = derive_fabric_shape(*build.site, *build.shape);
    if (build.site->storage.racks > 0) {
      build.disk = spec.catalog.find_disk(build.site->storage.disk);
      if (build.disk == nullptr) throw std::runtime_error("unknown disk type " + build.site->storage.disk);
    }
    build.platform = &platform;
    create_node_links(build, platform.root);
  }
  std::vector<sg4::NetZone*> site_zones;
  for (SiteBuild& build : builds) site_zones.push_back(build_site(build, platform.root));

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
                             builds[b].border, {{link, Direction::UP}}, true);
  }
  platform.root->seal();
  // The fat tree creates its leaves in its own order; keep site, rack, node order.
  std::stable_sort(platform.nodes.begin(), platform.nodes.end(), [&](const SimNode& x, const SimNode& y) {
    const auto sx = site_index(x.site), sy = site_index(y.site);
    if (sx != sy) return sx < sy;
    if (x.rack != y.rack) return x.rack < y.rack;
    return x.index_in_rack < y.index_in_rack;
  });
  std::stable_sort(platform.storage_nodes.begin(), platform.storage_nodes.end(),
                   [&](const SimStorageNode& x, const SimStorageNode& y) {
                     const auto sx = site_index(x.site), sy = site_index(y.site);
                     if (sx != sy) return sx < sy;
                     if (x.rack != y.rack) return x.rack < y.rack;
                     return x.index_in_rack < y.index_in_rack;
                   });
  assign_purchases(spec, platform);
  return platform;
}

}  // namespace leptonsim
