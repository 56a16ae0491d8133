// Cold starts: placement delay + image pull + weights over the network from
// the site's storage host + warm-up. On an idle network the time is the sum of
// its parts; concurrent cold starts share the storage link (hand computation
// in each test from the h100x8 catalogue values).
#include "CliRunner.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

using namespace leptonsim;
using namespace leptonsim::testing;

namespace {

// One rack of 4 h100x8 nodes on 400 Gb/s ports: node NICs (3.2 Tb/s) and the
// storage link are 8-port bundles of 400 GB/s; each GPU's PCIe link is 64 GB/s.
// The service starts with one replica of 4 GPUs; the static autoscaler's
// minimum asks for more at its first decision (t = 60 s).
std::string scenario(int min_replicas) {
  return fmt::format(R"(name: cold-start
duration: 200s
sample_interval: 10s
platform:
  sites: [{{name: lab, racks: 1, nodes_per_rack: 4, node: h100x8, fabric: {{link: 400Gbps, latency: 1us}}}}]
services:
  - name: llm
    replicas: 1
    gpus_per_replica: 4
    arrivals: {{rate: 1/s}}
    service_time: 10ms
    autoscaler: {{policy: static, min_replicas: {0}, max_replicas: {0}}}
    cold_start: {{placement_delay: 1s, image_pull: 20s, weights: 140GB, warmup: 5s}}
)",
                     min_replicas);
}

std::vector<double> cold_start_seconds(const std::string& yaml) {
  TempDir dir;
  write_file(dir / "s.yaml", yaml);
  const CliResult ran = run_leptonsim({"run", (dir / "s.yaml").string(), "-o", (dir / "r.db").string(), "-q"}, dir);
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  ReportReader report((dir / "r.db").string());
  std::vector<double> seconds;
  for (const Event& event : report.load(1).events)
    if (event.kind == "replica_ready") {
      CHECK(event.t == Approx(60.0 + nlohmann::json::parse(event.detail).at("cold_start_seconds").get<double>()));
      seconds.push_back(nlohmann::json::parse(event.detail).at("cold_start_seconds"));
    }
  return seconds;
}

// Fabric hops from the storage leaf to a node: leaf -> leaf switch -> spine -> leaf switch -> node.
constexpr double kFabricLatency = 4e-6;

}  // namespace

TEST_CASE("a lone cold start takes the sum of its parts", "[cold-start]") {
  // 4 flows of 35 GB: storage link 400/4 = 100 GB/s each, PCIe 64 GB/s is the bottleneck.
  const double expected = 1 + 20 + kFabricLatency + 35e9 / 64e9 + 5;
  const auto seconds = cold_start_seconds(scenario(2));
  REQUIRE(seconds.size() == 1);
  CHECK(seconds[0] == Approx(expected).epsilon(0.01));
}

TEST_CASE("concurrent cold starts share the storage link", "[cold-start]") {
  // 3 new replicas x 4 GPUs = 12 flows of 35 GB through the 400 GB/s storage
  // link: 33.3 GB/s each (below PCIe), so the weights take 3 x 140 GB / 400 GB/s.
  const double expected = 1 + 20 + kFabricLatency + 3 * 140e9 / 400e9 + 5;
  const auto seconds = cold_start_seconds(scenario(4));
  REQUIRE(seconds.size() == 3);
  for (double s : seconds) CHECK(s == Approx(expected).epsilon(0.01));
}
