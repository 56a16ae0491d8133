// Topology: the platform graph built from a PlatformSpec and the built-in catalogue.
#include "topology/Topology.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

using leptonsim::FabricSpec;
using leptonsim::HardwareCatalog;
using leptonsim::PlatformSpec;
using leptonsim::SiteSpec;
using leptonsim::Topology;
using leptonsim::VertexKind;

namespace {

SiteSpec make_site(const std::string& name, int racks, int nodes_per_rack, const std::string& shape = "h100x8") {
  SiteSpec site;
  site.name = name;
  site.racks = racks;
  site.nodes_per_rack = nodes_per_rack;
  site.node = shape;
  site.fabric.link_bandwidth = 400e9 / 8;  // 400 Gb/s
  site.fabric.oversubscription = 1.0;
  return site;
}

PlatformSpec one_site(int racks, int nodes_per_rack, const std::string& shape = "h100x8") {
  PlatformSpec platform;
  platform.sites.push_back(make_site("s", racks, nodes_per_rack, shape));
  return platform;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

TEST_CASE("2 racks x 4 nodes of h100x8: vertex and edge counts", "[topology]") {
  const Topology topology(one_site(2, 4), HardwareCatalog::builtin());
  CHECK(topology.count(VertexKind::site) == 1);
  CHECK(topology.count(VertexKind::border_router) == 1);
  CHECK(topology.count(VertexKind::rack) == 2);
  CHECK(topology.count(VertexKind::leaf_switch) == 2);
  CHECK(topology.count(VertexKind::spine_switch) == 4);  // U = ceil(4 / 1)
  CHECK(topology.count(VertexKind::node) == 8);
  CHECK(topology.count(VertexKind::nic) == 8);
  CHECK(topology.count(VertexKind::cpu) == 8);
  CHECK(topology.count(VertexKind::nvswitch) == 8);
  CHECK(topology.count(VertexKind::gpu) == 64);
  CHECK(topology.vertex_count() == 1 + 1 + 4 + 2 + 2 + 8 * (1 + 1 + 1 + 1 + 8));
  // network: border-spine 4, leaf-spine 2*4, nic-leaf 8, per node cpu-nic 1 + gpu-nic 8 + gpu-nvswitch 8
  CHECK(topology.network_edge_count() == 4 + 8 + 8 + 8 * 17);
  // containment: every vertex but the site has exactly one parent edge
  CHECK(topology.edge_count() == topology.network_edge_count() + topology.vertex_count() - 1);
}

TEST_CASE("names follow the documented scheme", "[topology]") {
  const Topology topology(one_site(2, 4), HardwareCatalog::builtin());
  for (const char* name : {"s", "s/border", "s/spine0", "s/spine3", "s/leaf0", "s/leaf1", "s/r1", "s/r1/n3",
                           "s/r1/n3/nic", "s/r1/n3/cpu", "s/r1/n3/nvswitch", "s/r1/n3/gpu7"}) {
    INFO(name);
    CHECK(topology.vertex(name).has_value());
  }
  CHECK_FALSE(topology.vertex("s/r2").has_value());
  CHECK_THROWS_AS(topology.at("nope"), std::out_of_range);
  CHECK(topology.kind(topology.at("s/r0/n0/gpu0")) == VertexKind::gpu);
  CHECK(topology.name(*topology.parent(topology.at("s/r0/n0/gpu0"))) == "s/r0/n0");

  const auto nodes = topology.nodes_of_site("s");
  REQUIRE(nodes.size() == 8);
  CHECK(nodes.front() == "s/r0/n0");
  CHECK(nodes.back() == "s/r1/n3");
  const auto gpus = topology.gpus_of_node("s/r1/n2");
  REQUIRE(gpus.size() == 8);
  CHECK(gpus.front() == "s/r1/n2/gpu0");
  CHECK(gpus.back() == "s/r1/n2/gpu7");
  CHECK_THROWS_AS(topology.gpus_of_node("s/r1"), std::invalid_argument);
}

TEST_CASE("a leaf-spine site is connected", "[topology]") {
  const Topology topology(one_site(2, 4), HardwareCatalog::builtin());
  CHECK(topology.is_connected());
}

TEST_CASE("components below a leaf switch are its rack's nodes and their parts", "[topology]") {
  const Topology topology(one_site(2, 4), HardwareCatalog::builtin());
  const auto below = topology.components_below("s/leaf1");
  std::vector<std::string> expected;
  for (int j = 0; j < 4; ++j) {
    const std::string node = "s/r1/n" + std::to_string(j);
    expected.push_back(node);
    expected.push_back(node + "/nic");
    expected.push_back(node + "/cpu");
    expected.push_back(node + "/nvswitch");
    for (int k = 0; k < 8; ++k) expected.push_back(node + "/gpu" + std::to_string(k));
  }
  CHECK(below == expected);  // creation order
}

TEST_CASE("components below a spine: none when redundant, everything when alone", "[topology]") {
  SECTION("four spines") {
    const Topology topology(one_site(2, 4), HardwareCatalog::builtin());
    CHECK(topology.components_below("s/spine0").empty());
  }
  SECTION("one spine (oversubscription 4)") {
    PlatformSpec platform = one_site(2, 4);
    platform.sites[0].fabric.oversubscription = 4.0;
    const Topology topology(platform, HardwareCatalog::builtin());
    REQUIRE(topology.count(VertexKind::spine_switch) == 1);
    const auto below = topology.components_below("s/spine0");
    // Everything in the site but the site, its racks, the border router and the spine itself.
    CHECK(below.size() == topology.vertex_count() - 1 - 2 - 1 - 1);
    CHECK(contains(below, "s/leaf0"));
    CHECK(contains(below, "s/r1/n3"));
    CHECK(contains(below, "s/r1/n3/gpu7"));
    CHECK_FALSE(contains(below, "s/r0"));
    CHECK_FALSE(contains(below, "s/border"));
  }
}

TEST_CASE("components below containers and node parts", "[topology]") {
  const Topology topology(one_site(2, 4), HardwareCatalog::builtin());
  const auto rack = topology.components_below("s/r0");
  CHECK(rack.size() == 1 + 4 * 12);  // leaf + 4 nodes with nic, cpu, nvswitch, 8 gpus
  CHECK(rack.front() == "s/leaf0");
  CHECK(contains(rack, "s/leaf0"));
  CHECK_FALSE(contains(rack, "s/r1/n0"));
  CHECK(topology.components_below("s").size() == topology.vertex_count() - 1);
  CHECK(topology.components_below("s/r0/n0").size() == 11);
  // A NIC takes its whole node off the network (GPUs still see each other over NVLink).
  const auto nic = topology.components_below("s/r0/n0/nic");
  CHECK(nic.size() == 1 + 1 + 1 + 8);  // node, cpu, nvswitch, gpus
  CHECK(contains(nic, "s/r0/n0"));
  CHECK(topology.components_below("s/r0/n0/gpu3").empty());
  CHECK(topology.components_below("s/r0/n0/nvswitch").empty());
}

TEST_CASE("two sites are connected with a WAN link and not without", "[topology]") {
  PlatformSpec platform;
  platform.sites.push_back(make_site("east", 1, 2));
  platform.sites.push_back(make_site("edge", 1, 1, "l40sx8"));
  {
    const Topology topology(platform, HardwareCatalog::builtin());
    CHECK_FALSE(topology.is_connected());
    CHECK(topology.bottleneck_bandwidth("east/r0/n0/gpu0", "edge/r0/n0/gpu0") == 0.0);
  }
  leptonsim::WanLinkSpec wan;
  wan.site_a = "east";
  wan.site_b = "edge";
  wan.bandwidth = 100e9 / 8;
  wan.latency = 8e-3;
  platform.wan.push_back(wan);
  const Topology topology(platform, HardwareCatalog::builtin());
  CHECK(topology.is_connected());
  CHECK(topology.bottleneck_bandwidth("east/r0/n0/gpu0", "edge/r0/n0/gpu0") == Approx(100e9 / 8));
  // The border router cuts a site off from the others.
  const auto below_border = topology.components_below("edge/border");
  CHECK(contains(below_border, "edge/r0/n0/gpu7"));
  CHECK_FALSE(contains(below_border, "east/r0/n0"));
  CHECK(topology.nodes_of_site("edge") == std::vector<std::string>{"edge/r0/n0"});

  platform.wan[0].site_b = "nowhere";
  CHECK_THROWS_AS(Topology(platform, HardwareCatalog::builtin()), std::invalid_argument);
}

TEST_CASE("bottleneck bandwidth of transfers", "[topology]") {
  const auto& catalog = HardwareCatalog::builtin();
  const auto* h100x8 = catalog.find_node_shape("h100x8");
  const auto* h100 = catalog.find_gpu("H100-SXM");

  SECTION("between racks: the slowest of GPU PCIe, node NIC and a fabric bundle") {
    const Topology topology(one_site(2, 4), catalog);
    // 3.2 Tb/s of NICs on 400 Gb/s ports: bundles of 8 ports, 400 GB/s each.
    const double bundle = 8 * 400e9 / 8;
    const double expected = std::min({h100x8->pcie_bandwidth, h100x8->nic_bandwidth, bundle});
    CHECK(expected == Approx(64e9));  // the GPU's PCIe Gen5 x16 link is the bottleneck
    CHECK(topology.bottleneck_bandwidth("s/r0/n0/gpu0", "s/r1/n3/gpu5") == Approx(expected));
    CHECK(topology.bottleneck_bandwidth("s/r0/n0/nic", "s/r1/n3/nic") == Approx(std::min(h100x8->nic_bandwidth, bundle)));
  }
  SECTION("fast fabric: the GPU's PCIe link is the bottleneck") {
    PlatformSpec platform = one_site(2, 4);
    platform.sites[0].fabric.link_bandwidth = 800e9;
    const Topology topology(platform, catalog);
    CHECK(topology.bottleneck_bandwidth("s/r0/n0/gpu0", "s/r1/n0/gpu0") == Approx(h100x8->pcie_bandwidth));
  }
  SECTION("inside an NVLink node: NVLink") {
    const Topology topology(one_site(2, 4), catalog);
    CHECK(topology.bottleneck_bandwidth("s/r0/n0/gpu0", "s/r0/n0/gpu7") == Approx(h100->nvlink_bandwidth));
    CHECK(topology.bottleneck_bandwidth("s/r0/n0/gpu0", "s/r0/n0/gpu0") == std::numeric_limits<double>::infinity());
  }
  SECTION("inside a PCIe-only node: PCIe") {
    const Topology topology(one_site(1, 2, "l40sx8"), catalog);
    CHECK(topology.count(VertexKind::nvswitch) == 0);
    CHECK(topology.bottleneck_bandwidth("s/r0/n0/gpu0", "s/r0/n0/gpu1") ==
          Approx(catalog.find_node_shape("l40sx8")->pcie_bandwidth));
  }
}

TEST_CASE("fat tree: pods, aggregation and core switches", "[topology]") {
  PlatformSpec platform = one_site(6, 4);
  platform.sites[0].fabric.topology = FabricSpec::Topology::fat_tree;
  platform.sites[0].fabric.racks_per_pod = 4;  // pods of 4 and 2 racks
  platform.sites[0].fabric.oversubscription = 2.0;  // U = 2
  const Topology topology(platform, HardwareCatalog::builtin());
  CHECK(topology.count(VertexKind::aggregation_switch) == 2 * 2);
  CHECK(topology.count(VertexKind::core_switch) == 2 * 4);
  CHECK(topology.count(VertexKind::spine_switch) == 0);
  CHECK(topology.vertex("s/pod1/agg1").has_value());
  CHECK(topology.vertex("s/core7").has_value());
  CHECK(topology.is_connected());
  CHECK(topology.components_below("s/pod0/agg0").empty());
  CHECK(topology.components_below("s/core0").empty());
  // GPU PCIe (64 GB/s) is slower than the node NIC and the 8-port fabric bundles (400 GB/s).
  CHECK(topology.bottleneck_bandwidth("s/r0/n0/gpu0", "s/r5/n0/gpu0") == Approx(64e9));

  SECTION("one aggregation switch per pod carries the whole pod") {
    platform.sites[0].fabric.oversubscription = 4.0;  // U = 1
    const Topology single(platform, HardwareCatalog::builtin());
    const auto below = single.components_below("s/pod1/agg0");
    CHECK(contains(below, "s/leaf4"));
    CHECK(contains(below, "s/r5/n3/gpu0"));
    CHECK_FALSE(contains(below, "s/r3/n0"));
  }
}

TEST_CASE("invalid platforms are rejected", "[topology]") {
  CHECK_THROWS_AS(Topology(one_site(1, 1, "no-such-shape"), HardwareCatalog::builtin()), std::invalid_argument);
  CHECK_THROWS_AS(Topology(one_site(0, 1), HardwareCatalog::builtin()), std::invalid_argument);
  PlatformSpec duplicate = one_site(1, 1);
  duplicate.sites.push_back(duplicate.sites[0]);
  CHECK_THROWS_AS(Topology(duplicate, HardwareCatalog::builtin()), std::invalid_argument);
  CHECK_THROWS_AS(Topology(PlatformSpec{}, HardwareCatalog::builtin()), std::invalid_argument);
}

TEST_CASE("a topology of 2,048 nodes x 8 GPUs is complete and connected", "[topology]") {
  // Build time is measured by bench/ (platform-2048x8 builds this graph too).
  const Topology topology(one_site(256, 8), HardwareCatalog::builtin());
  CHECK(topology.count(VertexKind::gpu) == 2048 * 8);
  CHECK(topology.is_connected());
}
