// Routing between sites through the whole simulator: nearest keeps every
// request at home, spill-over sends exactly the requests the full edge cannot
// start, and egress is billed only for bytes that cross sites.
#include "ScenarioRun.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <map>

using namespace leptonsim;
using namespace leptonsim::testing;

namespace {

const std::filesystem::path kSource = LEPTONSIM_SOURCE_DIR;

// Two sites 20 ms apart: an edge and a region, one h100x8 node each; egress $0.05/GB.
std::string two_sites(const std::string& routing, int edge_slots, const std::string& users) {
  return R"(
name: routing
duration: 10min
platform:
  sites:
    - {name: edge, kind: edge, racks: 1, nodes_per_rack: 1}
    - {name: region, racks: 1, nodes_per_rack: 1}
  wan: [{between: [edge, region], bandwidth: 100Gbps, latency: 18ms}]
cost: {egress: $0.05/GB}
services:
  - name: chat
    gpus_per_replica: 1
    max_concurrency: )" + std::to_string(edge_slots) + R"(
    service_time: 10s
    deployments:
      - {site: edge, replicas: 1}
      - {site: region, replicas: 2}
    routing: {policy: )" + routing + R"(, request_bytes: 4KB, response_bytes: 16KB}
    users:
)" + users;
}

}  // namespace

TEST_CASE("nearest keeps every population at its nearest site and crosses no bytes", "[routing]") {
  const RunResult result = run_with_files(two_sites("nearest", 8, R"(
      - {name: downtown, arrivals: {rate: 0.4/s}, latency: {edge: 2ms, region: 20ms}}
      - {name: suburbs, arrivals: {rate: 0.2/s}, latency: {edge: 25ms, region: 5ms}}
)"));
  CHECK(metric(result, "service.chat.routed_to.edge") == metric(result, "service.chat.users.downtown.requests"));
  CHECK(metric(result, "service.chat.routed_to.region") == metric(result, "service.chat.users.suburbs.requests"));
  CHECK(metric(result, "service.chat.users.downtown.requests") > 150);
  CHECK(metric(result, "service.chat.requests_remote") == 0);
  CHECK(metric(result, "egress.bytes") == 0);
  CHECK(metric(result, "cost.egress") == 0);
  // Each deployment is a service of its own.
  CHECK(metric(result, "service.chat@edge.requests_completed") + metric(result, "service.chat@region.requests_completed") ==
        metric(result, "service.chat.requests_completed"));
}

TEST_CASE("spill-over sends only what the full edge cannot start, and egress bills the crossing bytes",
          "[routing]") {
  // Requests at 0, 1 and 2 s, 10 s each. The edge replica has 2 slots: the
  // first two start there; at 2 s it has no free slot and the third spills to
  // the region (20 ms away instead of 2 ms).
  const std::map<std::string, std::string> trace = {
      {"requests.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2024-01-01 00:00:00.0,10,10\n"
                       "2024-01-01 00:00:01.0,10,10\n2024-01-01 00:00:02.0,10,10\n"}};
  const std::string users = R"(
      - {name: city, arrivals: {process: trace, trace: {path: requests.csv}}, latency: {edge: 2ms, region: 20ms}}
)";
  const RunResult full = run_with_files(two_sites("spill_over", 2, users), trace);
  CHECK(metric(full, "service.chat.routed_to.edge") == 2);
  CHECK(metric(full, "service.chat.routed_to.region") == 1);
  CHECK(metric(full, "service.chat.requests_remote") == 1);
  CHECK(metric(full, "egress.bytes") == 4000 + 16000);
  // The request's 4 KB leave the edge, the response's 16 KB the region, both at $0.05/GB.
  CHECK(metric(full, "cost.egress") == Approx((4000 + 16000) / 1e9 * 0.05));
  // End to end: 10 s of service plus the round trip (4 ms at the edge, 40 ms from the region).
  CHECK(metric(full, "service.chat.latency_p50") == Approx(10.004).epsilon(0.01));
  CHECK(metric(full, "service.chat.latency_p99") == Approx(10.040).epsilon(0.01));
  // With room for all three at the edge, nothing spills and nothing is billed.
  const RunResult roomy = run_with_files(two_sites("spill_over", 3, users), trace);
  CHECK(metric(roomy, "service.chat.routed_to.edge") == 3);
  CHECK(metric(roomy, "service.chat.routed_to.region") == 0);
  CHECK(metric(roomy, "egress.bytes") == 0);
  CHECK(metric(roomy, "cost.egress") == 0);
}

TEST_CASE("runs with routing, node pools and costs are deterministic", "[routing][determinism]") {
  // The edge example for two hours (spills, the HPA at three sites), twice.
  const auto run = [] {
    TempDir dir;
    const CliResult ran = run_leptonsim({"run", (kSource / "scenarios/edge-region-spillover.yaml").string(), "-o",
                                         (dir / "r.db").string(), "--set", "duration=2h", "--set",
                                         "services[0].users[0].arrivals.rate=9/s", "-q"},
                                        dir);
    REQUIRE(ran.exit_code == 0);
    return ReportReader((dir / "r.db").string()).load(1);
  };
  const RunResult a = run(), b = run();
  CHECK(metric(a, "service.assistant.requests_remote") > 0);
  REQUIRE(a.summary.size() == b.summary.size());
  for (std::size_t i = 0; i < a.summary.size(); ++i) {
    INFO(a.summary[i].metric);
    CHECK(a.summary[i].metric == b.summary[i].metric);
    CHECK((a.summary[i].value == b.summary[i].value || (std::isnan(a.summary[i].value) && std::isnan(b.summary[i].value))));
  }
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    CHECK(a.events[i].t == b.events[i].t);
    CHECK(a.events[i].detail == b.events[i].detail);
  }
  REQUIRE(a.timeseries.size() == b.timeseries.size());
  for (std::size_t i = 0; i < a.timeseries.size(); ++i) CHECK(a.timeseries[i].value == b.timeseries[i].value);
}
