// A transfer of B bytes on an idle platform takes latency + B / bottleneck
// bandwidth, with the bottleneck and the latency computed by hand from the
// scenario below (DESIGN.md: network checks). One engine per test process.
#include "EngineSetup.hpp"
#include "PlatformBuilder.hpp"
#include "topology/Topology.hpp"
#include "ScenarioLoader.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <simgrid/s4u.hpp>

namespace sg4 = simgrid::s4u;
using namespace leptonsim;

namespace {

// Two sites of h100x8 nodes: 400 Gb/s fabric ports with 1 us latency, bundled
// 8 per link to match the 3.2 Tb/s NICs (400 GB/s per fabric link); GPUs reach
// the NIC over PCIe Gen5 x16 (64 GB/s per direction) and each other over
// NVLink (450 GB/s per direction); WAN 100 Gb/s (12.5 GB/s), 5 ms.
const char* kScenario = R"(name: transfer
duration: 10s
platform:
  sites:
    - {name: a, racks: 2, nodes_per_rack: 2, node: h100x8, fabric: {link: 400Gbps, latency: 1us}}
    - {name: b, racks: 1, nodes_per_rack: 2, node: h100x8, fabric: {link: 400Gbps, latency: 1us}}
  wan: [{between: [a, b], bandwidth: 100Gbps, latency: 5ms}]
services:
  - {name: s, site: a, replicas: 1}
)";

double timed_transfer(const std::string& from, const std::string& to, double bytes) {
  const auto engine = create_engine();
  const ScenarioSpec spec = load_scenario_text(kScenario, "transfer.yaml");
  build_platform(spec);
  sg4::Host* source = sg4::Host::by_name(from);
  sg4::Host* destination = sg4::Host::by_name(to);
  double elapsed = -1;
  sg4::Actor::create("sender", source, [&] {
    const double start = sg4::Engine::get_clock();
    sg4::Comm::sendto(source, destination, bytes);
    elapsed = sg4::Engine::get_clock() - start;
  });
  engine->run();
  return elapsed;
}

constexpr double kBytes = 10e9;

}  // namespace

TEST_CASE("transfer between GPUs of one node runs at NVLink speed", "[network]") {
  // GPU -> node switch -> GPU: two NVLink hops without latency.
  const double expected = kBytes / 450e9;
  CHECK(timed_transfer("a/r0/n0/gpu0", "a/r0/n0/gpu1", kBytes) == Approx(expected).epsilon(0.01));
}

TEST_CASE("transfer between racks is limited by the GPU's PCIe link", "[network]") {
  // gpu -pcie-> node switch -nic-> leaf -> spine -> leaf -nic-> node switch -pcie-> gpu:
  // 4 fabric links of 1 us; bottleneck min(64 GB/s PCIe, 400 GB/s NIC, 400 GB/s bundle).
  const double expected = 4e-6 + kBytes / 64e9;
  CHECK(timed_transfer("a/r0/n0/gpu0", "a/r1/n1/gpu3", kBytes) == Approx(expected).epsilon(0.01));
}

TEST_CASE("transfer within a rack crosses only the leaf switch", "[network]") {
  // node -> leaf -> node: 2 fabric links of 1 us; CPU PCIe 64 GB/s is the bottleneck.
  const double expected = 2e-6 + kBytes / 64e9;
  CHECK(timed_transfer("a/r0/n0/cpu", "a/r0/n1/cpu", kBytes) == Approx(expected).epsilon(0.01));
}

TEST_CASE("concurrent transfers out of one node share its fabric bundle", "[network]") {
  // 8 GPUs of one node each send B to a GPU of another rack: 8 x 64 GB/s of PCIe
  // exceed the node's 400 GB/s NIC/bundle, so all finish after 8B / 400 GB/s.
  const auto engine = create_engine();
  build_platform(load_scenario_text(kScenario, "transfer.yaml"));
  double last_finish = 0;
  for (int g = 0; g < 8; ++g)
    sg4::Actor::create("sender", sg4::Host::by_name("a/r0/n0/cpu"), [g, &last_finish] {
      sg4::Comm::sendto(sg4::Host::by_name(fmt::format("a/r0/n0/gpu{}", g)),
                        sg4::Host::by_name(fmt::format("a/r1/n{}/gpu{}", g % 2, g)), kBytes);
      last_finish = std::max(last_finish, sg4::Engine::get_clock());
    });
  engine->run();
  CHECK(last_finish == Approx(4e-6 + 8 * kBytes / 400e9).epsilon(0.01));
}

TEST_CASE("transfer between sites is limited by the WAN link", "[network]") {
  // a: node -> leaf -> spine -> leaf(border rack) -> border; WAN 5 ms; b: border -> leaf -> spine -> leaf -> node.
  const double expected = 8e-6 + 5e-3 + kBytes / 12.5e9;
  CHECK(timed_transfer("a/r1/n0/gpu0", "b/r0/n1/gpu0", kBytes) == Approx(expected).epsilon(0.01));
}

TEST_CASE("the SimGrid platform and the Boost.Graph topology agree on transfer bottlenecks", "[network][topology]") {
  // Two independent descriptions of one fabric: the SimGrid zones built by
  // PlatformBuilder and the graph built by Topology. A lone, large transfer
  // (latency negligible) must run at the graph's bottleneck bandwidth.
  const char* scenario = R"(name: agree
duration: 10s
platform:
  sites:
    - {name: core, racks: 4, nodes_per_rack: 2, node: h100x8,
       fabric: {topology: fat_tree, racks_per_pod: 2, link: 200Gbps, latency: 1us, oversubscription: 2}}
    - {name: edge, racks: 2, nodes_per_rack: 2, node: l40sx8, fabric: {link: 100Gbps, latency: 1us}}
  wan: [{between: [core, edge], bandwidth: 40Gbps, latency: 1ms}]
services:
  - {name: s, site: core, replicas: 1}
)";
  const auto engine = create_engine();
  const ScenarioSpec spec = load_scenario_text(scenario, "agree.yaml");
  build_platform(spec);
  const Topology topology(spec.platform, spec.catalog);
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"core/r0/n0/gpu0", "core/r0/n0/gpu7"},  // NVLink
      {"core/r0/n0/gpu0", "core/r0/n1/gpu0"},  // same rack
      {"core/r0/n0/gpu0", "core/r1/n0/gpu0"},  // same pod
      {"core/r0/n0/cpu", "core/r3/n1/gpu2"},   // across pods
      {"edge/r0/n0/gpu0", "edge/r0/n0/gpu1"},  // L40S: no NVLink, PCIe through the node
      {"edge/r0/n0/gpu0", "edge/r1/n1/cpu"},   // edge fabric
      {"core/r2/n1/gpu3", "edge/r1/n0/gpu5"},  // WAN
  };
  const double bytes = 1e12;
  std::vector<double> durations;
  sg4::Actor::create("prober", sg4::Host::by_name("core/r0/n0/cpu"), [&] {
    for (const auto& [from, to] : pairs) {
      const double start = sg4::Engine::get_clock();
      sg4::Comm::sendto(sg4::Host::by_name(from), sg4::Host::by_name(to), bytes);
      durations.push_back(sg4::Engine::get_clock() - start);
    }
  });
  engine->run();
  REQUIRE(durations.size() == pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    INFO(pairs[i].first << " -> " << pairs[i].second);
    CHECK(bytes / durations[i] == Approx(topology.bottleneck_bandwidth(pairs[i].first, pairs[i].second)).epsilon(0.01));
  }
}
