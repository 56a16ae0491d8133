// The example scenarios of elastic serving, checked end to end through the CLI.
#include "CliRunner.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

using namespace leptonsim;
using namespace leptonsim::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = LEPTONSIM_SOURCE_DIR;

RunResult run_scenario(const TempDir& dir, const std::string& name, const std::vector<std::string>& sets) {
  std::vector<std::string> args = {"run", (kSource / "scenarios" / name).string(), "-o",
                                   (dir / (name + std::to_string(sets.size()) + ".db")).string(), "-q",
                                   "--progress", "none"};
  for (const std::string& set : sets) {
    args.push_back("--set");
    args.push_back(set);
  }
  const CliResult ran = run_leptonsim(args, dir);
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  ReportReader report(args[3]);
  return report.load(1);
}

double metric(const RunResult& result, const std::string& name) {
  for (const SummaryMetric& m : result.summary)
    if (m.metric == name) return m.value;
  FAIL("no metric " << name);
  return 0;
}

}  // namespace

TEST_CASE("the HPA meets the SLO of the diurnal chat at lower cost than static peak provisioning", "[autoscaling]") {
  TempDir dir;
  // Trough at 00:00, peak at 12:00: 14 h cover the climb and the peak.
  const RunResult hpa = run_scenario(dir, "diurnal-chat-hpa.yaml", {"duration=14h"});
  const double peak_replicas = metric(hpa, "service.chat.replicas_max");
  CHECK(metric(hpa, "service.chat.slo_met") == 1.0);
  CHECK(metric(hpa, "service.chat.replicas_mean") < 0.8 * peak_replicas);
  CHECK(metric(hpa, "service.chat.scale_ups") > 0);
  bool saw_reason = false;
  for (const Event& event : hpa.events)
    if (event.kind == "scale_decision")
      saw_reason |= nlohmann::json::parse(event.detail).at("reason").get<std::string>().rfind("hpa", 0) == 0;
  CHECK(saw_reason);

  const RunResult fixed = run_scenario(dir, "diurnal-chat-hpa.yaml",
                                       {"duration=14h", "services[0].autoscaler={policy: static}",
                                        fmt::format("services[0].replicas={}", peak_replicas)});
  CHECK(metric(fixed, "service.chat.slo_met") == 1.0);
  CHECK(metric(fixed, "service.chat.scale_ups") == 0);
  INFO("HPA cost " << metric(hpa, "service.chat.cost") << " USD, static peak " << metric(fixed, "service.chat.cost"));
  CHECK(metric(hpa, "service.chat.cost") < 0.85 * metric(fixed, "service.chat.cost"));
}

TEST_CASE("the bursty endpoint scales to zero between bursts and back on traffic", "[autoscaling]") {
  TempDir dir;
  const RunResult result = run_scenario(dir, "bursty-scale-to-zero.yaml", {});
  int to_zero = 0, from_zero = 0;
  for (const Event& event : result.events)
    if (event.kind == "scale_decision") {
      const auto detail = nlohmann::json::parse(event.detail);
      to_zero += detail.at("to") == 0 ? 1 : 0;
      from_zero += detail.at("from") == 0 ? 1 : 0;
    }
  CHECK(to_zero >= 3);
  CHECK(from_zero >= 3);
  // Idle most of the time: far fewer GPU-hours than one GPU for 4 h.
  CHECK(metric(result, "service.batch-api.gpu_hours") < 0.75 * 4);
  CHECK(metric(result, "service.batch-api.requests_completed") > 5000);
  CHECK(metric(result, "service.batch-api.cold_start_mean") > 25);
}

TEST_CASE("trace replay reproduces the trace's request count and token totals", "[autoscaling][trace]") {
  TempDir dir;
  // tests/fixtures/traces/azure_llm_small.csv: 12 rows, 13565 context and 601 generated tokens (summed with awk).
  const RunResult result = run_scenario(
      dir, "azure-trace-replay.yaml",
      {"services[0].arrivals.trace.path=" + (kSource / "tests/fixtures/traces/azure_llm_small.csv").string(),
       "services[0].arrivals.trace.loop=false"});
  CHECK(metric(result, "service.conversation.requests_arrived") == 12);
  CHECK(metric(result, "service.conversation.input_tokens_arrived") == 13565);
  CHECK(metric(result, "service.conversation.output_tokens_arrived") == 601);
  CHECK(metric(result, "service.conversation.requests_completed") == 12);
}

TEST_CASE("a bad trace file is an input error with its line", "[autoscaling][trace]") {
  TempDir dir;
  const CliResult result =
      run_leptonsim({"validate", (kSource / "scenarios/azure-trace-replay.yaml").string(), "--set",
                     "services[0].arrivals.trace.path=" + (kSource / "tests/fixtures/traces/azure_llm_unsorted.csv").string()},
                    dir);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("azure_llm_unsorted.csv:") != std::string::npos);
  CHECK(result.err.find("services[0].arrivals") != std::string::npos);
}
