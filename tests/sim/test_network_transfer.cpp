// A transfer of B bytes on an idle platform takes latency + B / bottleneck
// bandwidth, with the bottleneck and the latency computed by hand from the
// scenario below (DESIGN.md: network checks). One engine per test process.
#include "PlatformBuilder.hpp"
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
  int argc = 2;
  char program[] = "test";
  char log_option[] = "--log=root.thres:warning";
  char* argv[] = {program, log_option, nullptr};
  sg4::Engine engine(&argc, argv);
  engine.set_config("network/model:CM02");
  engine.set_config("network/crosstraffic:0");
  engine.set_config("network/TCP-gamma:0");
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
  engine.run();
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
  int argc = 2;
  char program[] = "test";
  char log_option[] = "--log=root.thres:warning";
  char* argv[] = {program, log_option, nullptr};
  sg4::Engine engine(&argc, argv);
  engine.set_config("network/model:CM02");
  engine.set_config("network/crosstraffic:0");
  engine.set_config("network/TCP-gamma:0");
  build_platform(load_scenario_text(kScenario, "transfer.yaml"));
  double last_finish = 0;
  for (int g = 0; g < 8; ++g)
    sg4::Actor::create("sender", sg4::Host::by_name("a/r0/n0/cpu"), [g, &last_finish] {
      sg4::Comm::sendto(sg4::Host::by_name(fmt::format("a/r0/n0/gpu{}", g)),
                        sg4::Host::by_name(fmt::format("a/r1/n{}/gpu{}", g % 2, g)), kBytes);
      last_finish = std::max(last_finish, sg4::Engine::get_clock());
    });
  engine.run();
  CHECK(last_finish == Approx(4e-6 + 8 * kBytes / 400e9).epsilon(0.01));
}

TEST_CASE("transfer between sites is limited by the WAN link", "[network]") {
  // a: node -> leaf -> spine -> leaf(border rack) -> border; WAN 5 ms; b: border -> leaf -> spine -> leaf -> node.
  const double expected = 8e-6 + 5e-3 + kBytes / 12.5e9;
  CHECK(timed_transfer("a/r1/n0/gpu0", "b/r0/n1/gpu0", kBytes) == Approx(expected).epsilon(0.01));
}
