// Per-node series and placement events, which the GUI's topology view draws,
// checked against the cluster-wide series they must add up to.
#include "CliRunner.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>

using namespace leptonsim;
using namespace leptonsim::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = LEPTONSIM_SOURCE_DIR;

RunResult run_with(const TempDir& dir, const std::string& scenario, const std::vector<std::string>& sets) {
  static int counter = 0;
  const std::string report = (dir / ("run" + std::to_string(counter++) + ".db")).string();
  std::vector<std::string> args = {"run", (kSource / "scenarios" / scenario).string(), "-o", report, "-q",
                                   "--progress", "none"};
  for (const std::string& set : sets) {
    args.push_back("--set");
    args.push_back(set);
  }
  const CliResult ran = run_leptonsim(args, dir);
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  return ReportReader(report).load(1);
}

const TimeSeries& series_of(const RunResult& run, const std::string& series, const std::string& entity) {
  for (const TimeSeries& s : run.timeseries)
    if (s.series == series && s.entity == entity) return s;
  FAIL("no series " << series << " for '" << entity << "'");
  throw std::logic_error("unreachable");
}

std::vector<const TimeSeries*> node_series(const RunResult& run, const std::string& series) {
  std::vector<const TimeSeries*> found;
  for (const TimeSeries& s : run.timeseries)
    if (s.series == series) found.push_back(&s);
  return found;
}

}  // namespace

TEST_CASE("node series add up to the cluster series of an autoscaled run", "[node-series]") {
  TempDir dir;
  // 4 racks x 4 nodes x 8 GPUs = 128 GPUs on 16 nodes: node series are on by default.
  const RunResult run = run_with(dir, "diurnal-chat-hpa.yaml", {"duration=6h"});
  const TimeSeries& allocated = series_of(run, "cluster.gpus_allocated", "");
  const TimeSeries& utilization = series_of(run, "cluster.gpu_utilization", "");
  const auto node_allocated = node_series(run, "node.gpus_allocated");
  const auto node_utilization = node_series(run, "node.gpu_utilization");
  double gpus = 0;
  for (const SummaryMetric& m : run.summary)
    if (m.metric == "cluster.gpus_total") gpus = m.value;
  REQUIRE(gpus > 0);
  double nodes = 0;
  for (const SummaryMetric& m : run.summary)
    if (m.metric == "cluster.nodes") nodes = m.value;
  REQUIRE(node_allocated.size() == static_cast<std::size_t>(nodes));
  REQUIRE(node_utilization.size() == static_cast<std::size_t>(nodes));
  const double gpus_per_node = gpus / nodes;
  bool saw_change = false;
  for (std::size_t k = 0; k < allocated.t.size(); ++k) {
    double sum_allocated = 0, busy_gpus = 0;
    for (std::size_t n = 0; n < node_allocated.size(); ++n) {
      REQUIRE(node_allocated[n]->t[k] == allocated.t[k]);
      sum_allocated += node_allocated[n]->value[k];
      busy_gpus += node_utilization[n]->value[k] * gpus_per_node;
      CHECK(node_utilization[n]->value[k] >= 0.0);
      CHECK(node_utilization[n]->value[k] <= 1.0 + 1e-9);
    }
    CHECK(sum_allocated == allocated.value[k]);
    CHECK(busy_gpus == Approx(utilization.value[k] * gpus).margin(1e-6));
    saw_change |= k > 0 && allocated.value[k] != allocated.value[k - 1];
  }
  CHECK(saw_change);  // the autoscaler moved the allocation during the run

  // Every replica started during the run announces its GPUs when placed.
  int starting = 0, ready_later = 0;
  for (const Event& event : run.events) {
    if (event.kind == "replica_starting") {
      ++starting;
      const auto detail = nlohmann::json::parse(event.detail);
      CHECK(detail.at("gpus").size() == 2);
      CHECK(!detail.at("node").get<std::string>().empty());
    }
    if (event.kind == "replica_ready") ++ready_later;
  }
  CHECK(starting > 0);
  CHECK(ready_later <= starting);
}

TEST_CASE("node series are left out of large platforms unless asked for", "[node-series]") {
  TempDir dir;
  // 13 racks x 5 nodes = 65 nodes: above the automatic limit of 64.
  const std::vector<std::string> large = {"duration=10min", "platform.sites[0].racks=13",
                                          "platform.sites[0].nodes_per_rack=5"};
  CHECK(node_series(run_with(dir, "quickstart.yaml", large), "node.gpu_utilization").empty());
  auto forced = large;
  forced.push_back("node_series=on");
  CHECK(node_series(run_with(dir, "quickstart.yaml", forced), "node.gpu_utilization").size() == 65);
  CHECK(node_series(run_with(dir, "quickstart.yaml", {"duration=10min", "node_series=off"}), "node.gpus_allocated")
            .empty());
}
