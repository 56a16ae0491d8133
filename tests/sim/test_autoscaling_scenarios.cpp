// The example scenarios of elastic serving, checked end to end through the CLI.
#include "ScenarioRun.hpp"

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

TEST_CASE("fluid decoding agrees with iteration-by-iteration decoding within 5 percent", "[llm]") {
  // Same seed, same arrivals and tokens: only the decode model differs.
  TempDir dir;
  const std::vector<std::string> common = {"duration=40min", "warmup=5min", "autoscaler={policy: static}",
                                           "services[0].replicas=3"};
  auto sets = [&](const std::string& decode) {
    std::vector<std::string> all;
    for (const std::string& set : common) all.push_back(set.rfind("autoscaler", 0) == 0 ? "services[0]." + set : set);
    all.push_back("services[0].llm.decode=" + decode);
    return all;
  };
  const RunResult fluid = run_scenario(dir, "llm-chat.yaml", sets("fluid"));
  const RunResult iteration = run_scenario(dir, "llm-chat.yaml", sets("iteration"));
  for (const char* name : {"service.chat.latency_mean", "service.chat.latency_p99", "service.chat.ttft_mean",
                           "service.chat.tpot_mean"}) {
    INFO(name << ": fluid " << metric(fluid, name) << ", iteration " << metric(iteration, name));
    CHECK(metric(fluid, name) == Approx(metric(iteration, name)).epsilon(0.05));
  }
  CHECK(metric(fluid, "service.chat.requests_completed") ==
        Approx(metric(iteration, "service.chat.requests_completed")).epsilon(0.001));
}

TEST_CASE("an LLM replica's unloaded latency is prefill plus decode from the roofline", "[llm]") {
  // One request at a time (rate 0.01/s, 1000-token prompts, 100 output tokens)
  // on 4 x H100 (989 TFLOP/s dense BF16, 3.35 TB/s HBM each), 70B parameters in BF16:
  //   prefill  = 2 * 70e9 * 1000 / (4 * 989e12 * 0.5)                    = 0.070779 s
  //   decode i = (140e9 + 327680 * context) / (4 * 3.35e12 * 0.8), context = 1001 .. 1099
  //   latency  = prefill + sum over 99 iterations                          = 1.30356 s (computed below)
  TempDir dir;
  write_file(dir / "one.yaml", R"(name: one
duration: 20000s
platform: {sites: [{name: dc, racks: 1, nodes_per_rack: 1, node: h100x8}]}
services:
  - name: chat
    gpus_per_replica: 4
    arrivals: {rate: 0.01/s}
    llm: {parameters: 70e9, layers: 80, hidden_size: 8192, attention_heads: 64, kv_heads: 8, decode: iteration}
    tokens: {input: 1000, output: 100}
)");
  const CliResult ran = run_leptonsim({"run", (dir / "one.yaml").string(), "-o", (dir / "r.db").string(), "-q"}, dir);
  REQUIRE(ran.exit_code == 0);
  double expected = 2 * 70e9 * 1000 / (4 * 989e12 * 0.5);
  for (int context = 1001; context <= 1099; ++context) expected += (140e9 + 327680.0 * context) / (4 * 3.35e12 * 0.8);
  const auto summary = ReportReader((dir / "r.db").string()).summary(1);
  // Arrivals rarely overlap at 0.01/s; the mean stays within 1 % of the lone-request value.
  CHECK(summary.at("service.chat.latency_p50") == Approx(expected).epsilon(0.01));
  CHECK(summary.at("service.chat.ttft_p50") == Approx(2 * 70e9 * 1000 / (4 * 989e12 * 0.5)).epsilon(0.01));
}

TEST_CASE("services share the GPU pool by priority and the one left out records its shortfall", "[autoscaling]") {
  // One h100x8 node. `gold` (priority 10) and `bronze` (priority 0) each start
  // with 2 single-GPU replicas and their static autoscalers ask for 6 at t = 60 s:
  // gold gets 4 more GPUs first, bronze gets the 0 left and waits until the end.
  TempDir dir;
  write_file(dir / "shared.yaml", R"(name: shared-pool
duration: 600s
sample_interval: 60s
platform: {sites: [{name: dc, racks: 1, nodes_per_rack: 1, node: h100x8}]}
services:
  - {name: bronze, replicas: 2, priority: 0, arrivals: {rate: 1/s}, service_time: 10ms,
     autoscaler: {policy: static, min_replicas: 6, max_replicas: 6}}
  - {name: gold, replicas: 2, priority: 10, arrivals: {rate: 1/s}, service_time: 10ms,
     autoscaler: {policy: static, min_replicas: 6, max_replicas: 6}}
)");
  const CliResult ran = run_leptonsim({"run", (dir / "shared.yaml").string(), "-o", (dir / "r.db").string(), "-q"}, dir);
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  const auto summary = ReportReader((dir / "r.db").string()).summary(1);
  CHECK(summary.at("service.gold.replicas_max") == 6);
  CHECK(summary.at("service.bronze.replicas_max") == 2);
  // Bronze's 4 missing replicas wait from its first decision (t = 60 s) to the end (600 s).
  CHECK(summary.at("service.bronze.unplaced_replica_seconds") == Approx(4 * 540.0));
  CHECK(summary.at("service.gold.unplaced_replica_seconds") == 0);
  CHECK(summary.at("cluster.gpu_allocation") == Approx((4.0 * 60 + 8.0 * 540) / 600 / 8));
}

TEST_CASE("requests waiting at the balancer are dropped when it is full or they time out", "[autoscaling]") {
  // Scale from zero with a 100 s cold start: requests arrive at 2/s and may wait
  // 30 s; the queue holds 40. Until the replica is ready (placed at the first
  // decision, t = 15 s, ready at 115 s) nothing is served.
  TempDir dir;
  write_file(dir / "drops.yaml", R"(name: drops
duration: 300s
sample_interval: 10s
platform: {sites: [{name: dc, racks: 1, nodes_per_rack: 1, node: l40sx8}]}
services:
  - name: api
    replicas: 0
    arrivals: {process: poisson, rate: 2/s}
    service_time: 10ms
    max_concurrency: 8
    autoscaler: {policy: lepton, min_replicas: 0, max_replicas: 1, target_gpu_utilization_percentage: 0, target_qpm: 600, no_traffic_timeout: 0, period: 15}
    cold_start: {image_pull: 100s}
    balancer_queue: {capacity: 40, timeout: 30s}
)");
  const CliResult ran = run_leptonsim({"run", (dir / "drops.yaml").string(), "-o", (dir / "r.db").string(), "-q"}, dir);
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  const auto summary = ReportReader((dir / "r.db").string()).summary(1);
  const double arrived = summary.at("service.api.requests_arrived");
  const double full = summary.at("service.api.requests_dropped_queue_full");
  const double timeout = summary.at("service.api.requests_dropped_timeout");
  CHECK(full > 0);
  CHECK(timeout > 0);
  // Every request is served, dropped or still in the system at the end.
  CHECK(summary.at("service.api.requests_completed") + full + timeout +
            summary.at("service.api.requests_unfinished") == arrived);
  // Served requests waited at most the 30 s timeout at the balancer.
  CHECK(summary.at("service.api.wait_p99") <= 30.0 * 1.001);
  CHECK(summary.at("service.api.cold_start_mean") == Approx(100.0));
}

TEST_CASE("an autoscaled run with cold starts is deterministic", "[autoscaling][determinism]") {
  TempDir dir;
  const RunResult a = run_scenario(dir, "bursty-scale-to-zero.yaml", {"seed=9"});
  const RunResult b = run_scenario(dir, "bursty-scale-to-zero.yaml", {"seed=9", "name=bursty-scale-to-zero"});
  REQUIRE(a.summary.size() == b.summary.size());
  for (std::size_t i = 0; i < a.summary.size(); ++i)
    CHECK(fmt::format("{}", a.summary[i].value) == fmt::format("{}", b.summary[i].value));
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    CHECK(a.events[i].t == b.events[i].t);
    CHECK(a.events[i].detail == b.events[i].detail);
  }
}
