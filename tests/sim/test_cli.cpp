// End-to-end tests of the leptonsim command line: determinism, bad input,
// every example scenario, policies, progress lines.
#include "CliRunner.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

using namespace leptonsim;
using namespace leptonsim::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = LEPTONSIM_SOURCE_DIR;

RunResult load_only_run(const fs::path& report_path) {
  ReportReader report(report_path.string());
  REQUIRE(report.run_ids().size() == 1);
  return report.load(report.run_ids().front());
}

CliResult run_quickstart(const TempDir& dir, const std::string& report, const std::string& seed) {
  return run_leptonsim({"run", (kSource / "scenarios/quickstart.yaml").string(), "-o", (dir / report).string(), "--seed",
                        seed, "--set", "duration=15min", "--progress", "none", "-q"},
                       dir);
}

}  // namespace

TEST_CASE("same scenario and seed give identical reports and another seed differs", "[determinism]") {
  TempDir dir;
  REQUIRE(run_quickstart(dir, "a.db", "7").exit_code == 0);
  REQUIRE(run_quickstart(dir, "b.db", "7").exit_code == 0);
  REQUIRE(run_quickstart(dir, "c.db", "8").exit_code == 0);
  const RunResult a = load_only_run(dir / "a.db"), b = load_only_run(dir / "b.db"), c = load_only_run(dir / "c.db");

  REQUIRE(a.summary.size() == b.summary.size());
  for (std::size_t i = 0; i < a.summary.size(); ++i) {
    INFO(a.summary[i].metric);
    CHECK(a.summary[i].metric == b.summary[i].metric);
    // NaN never equals itself; compare bit for bit through the text form.
    CHECK(fmt::format("{}", a.summary[i].value) == fmt::format("{}", b.summary[i].value));
  }
  REQUIRE(a.timeseries.size() == b.timeseries.size());
  for (std::size_t i = 0; i < a.timeseries.size(); ++i) {
    CHECK(a.timeseries[i].series == b.timeseries[i].series);
    CHECK(a.timeseries[i].t == b.timeseries[i].t);
    CHECK(a.timeseries[i].value == b.timeseries[i].value);
  }
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    CHECK(a.events[i].t == b.events[i].t);
    CHECK(a.events[i].kind == b.events[i].kind);
    CHECK(a.events[i].detail == b.events[i].detail);
  }
  CHECK(a.run.scenario_hash == b.run.scenario_hash);

  bool any_summary_differs = false;
  for (std::size_t i = 0; i < a.summary.size(); ++i)
    any_summary_differs |= fmt::format("{}", a.summary[i].value) != fmt::format("{}", c.summary[i].value);
  CHECK(any_summary_differs);
  bool any_series_differs = false;
  for (std::size_t i = 0; i < a.timeseries.size(); ++i) any_series_differs |= a.timeseries[i].value != c.timeseries[i].value;
  CHECK(any_series_differs);
}

TEST_CASE("every broken scenario fails with a located message, exit code 2 and no report", "[input]") {
  // fixture -> a phrase its message must contain
  const std::vector<std::pair<std::string, std::string>> fixtures = {
      {"syntax_error.yaml", "syntax_error.yaml:"},
      {"unknown_key.yaml", "did you mean"},
      {"wrong_type.yaml", "replicas"},
      {"negative_count.yaml", ">= 0"},
      {"unknown_gpu_type.yaml", "H100-SXM"},
      {"replica_too_big.yaml", "16"},
      {"unit_typo.yaml", "30sec"},
      {"jobs_bad_trace.yaml", "philly_bad_gpus.csv:4: column 'num_gpu'"},
      {"jobs_invalid.yaml", "jobs.list[0].name: a job needs `duration`"},
      {"jobs_dag_cycle.yaml", "jobs.list[0].stages: the stages form a cycle: "},
      {"failures_invalid.yaml", "give only one of `mtbf`, `rate` and `time_to_failure`"},
      {"failures_bad_trace.yaml", "failures_unknown_component.csv:3: component 'lab/r0/n2'"},
      {"data_no_storage.yaml", "data.site: site `dc` has no storage nodes"},
      {"data_rack_aware.yaml", "but site `dc` has 2 storage racks"},
      {"data_unknown_disk.yaml", "did you mean `nvme-7680gb`?"},
      {"data_quorum.yaml", "data.quorum.write_quorum: a write quorum of 4 is more than the 3 replicas"},
      {"pools_invalid.yaml", "platform.sites[0].pools[0].min_nodes: min_nodes (6) is more than max_nodes (4)"},
      {"pool_no_price.yaml", "platform.sites[0].pools[0].purchase: site `dc`: the `catalog` provider has only on-demand prices"},
  };
  for (const auto& [name, phrase] : fixtures) {
    TempDir dir;
    const fs::path scenario = kSource / "tests/fixtures/broken" / name;
    REQUIRE(fs::exists(scenario));
    const fs::path report = dir / "report.db";
    const CliResult result = run_leptonsim({"run", scenario.string(), "-o", report.string(), "--progress", "none"}, dir);
    INFO(name << ": " << result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find(scenario.string() + ":") != std::string::npos);
    CHECK(result.err.find(phrase) != std::string::npos);
    CHECK_FALSE(fs::exists(report));
    for (const auto& entry : fs::directory_iterator(dir.path()))  // only the captured stdout/stderr
      CHECK(entry.path().extension() == ".txt");
    const CliResult validated = run_leptonsim({"validate", scenario.string()}, dir);
    CHECK(validated.exit_code == 2);
  }
}

TEST_CASE("bad --set paths and unknown policies are input errors", "[input]") {
  TempDir dir;
  const std::string quickstart = (kSource / "scenarios/quickstart.yaml").string();
  const CliResult typo = run_leptonsim({"validate", quickstart, "--set", "services[0].replicsa=3"}, dir);
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("replicas") != std::string::npos);
  const CliResult index = run_leptonsim({"validate", quickstart, "--set", "services[5].replicas=3"}, dir);
  CHECK(index.exit_code == 2);
  const CliResult policy =
      run_leptonsim({"validate", quickstart, "--set", "services[0].load_balancer.policy=least_outstandng"}, dir);
  CHECK(policy.exit_code == 2);
  CHECK(policy.err.find("services[0].load_balancer.policy") != std::string::npos);
  CHECK(policy.err.find("did you mean 'least_outstanding'") != std::string::npos);
  const CliResult too_many = run_leptonsim({"validate", quickstart, "--set", "services[0].replicas=40"}, dir);
  CHECK(too_many.exit_code == 2);
  CHECK(too_many.err.find("services[0]") != std::string::npos);
}

TEST_CASE("every example scenario validates and runs", "[examples]") {
  for (const auto& entry : fs::directory_iterator(kSource / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    TempDir dir;
    INFO(entry.path().string());
    if (read_file(entry.path()).find("process: trace") == std::string::npos)
      CHECK(run_leptonsim({"validate", entry.path().string()}, dir).exit_code == 0);
    std::vector<std::string> args = {"run", entry.path().string(), "-o", (dir / "r.db").string(), "--set",
                                     "duration=10min", "--set", "warmup=0s", "--progress", "none"};
    // Trace scenarios read ../shared/traces next to the checkout; without it, replay our own fixture.
    if (read_file(entry.path()).find("process: trace") != std::string::npos &&
        !fs::exists(kSource / "../shared/traces/azure-llm-2023/AzureLLMInferenceTrace_conv.csv"))
      for (const std::string& set : {std::string("--set"), "services[0].arrivals.trace.path=" +
                                                               (kSource / "tests/fixtures/traces/azure_llm_small.csv").string()})
        args.push_back(set);
    const CliResult ran = run_leptonsim(args, dir);
    INFO(ran.err);
    CHECK(ran.exit_code == 0);
    CHECK(ran.out.find("cost.total") != std::string::npos);
    ReportReader report((dir / "r.db").string());
    CHECK(report.schema_version() == "1");
    const auto summary = report.summary(report.run_ids().front());
    CHECK(summary.at("cost.total") > 0);
  }
}

TEST_CASE("policies lists the load balancers with their descriptions", "[cli]") {
  TempDir dir;
  const CliResult text = run_leptonsim({"policies"}, dir);
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("load_balancer:") != std::string::npos);
  CHECK(text.out.find("round_robin") != std::string::npos);
  CHECK(text.out.find("least_outstanding") != std::string::npos);
  const CliResult json = run_leptonsim({"policies", "--json"}, dir);
  const auto parsed = nlohmann::json::parse(json.out);
  CHECK(parsed.size() >= 2);
  const CliResult version = run_leptonsim({"--version"}, dir);
  CHECK(version.exit_code == 0);
  CHECK(version.out.find("leptonsim") != std::string::npos);
}

TEST_CASE("Progress as JSON lines: --progress=json prints parseable lines ending with done", "[cli]") {
  TempDir dir;
  const CliResult result = run_leptonsim({"run", (kSource / "scenarios/quickstart.yaml").string(), "-o",
                                          (dir / "p.db").string(), "--set", "duration=5min", "--set", "warmup=0s",
                                          "--progress=json", "-q"},
                                         dir);
  REQUIRE(result.exit_code == 0);
  std::istringstream lines(result.err);
  std::string line;
  double last_fraction = 0;
  int progress_lines = 0;
  std::string last_event;
  while (std::getline(lines, line)) {
    // Lines that are not JSON objects are diagnostics (e.g. sanitizer notes); readers skip them.
    if (line.empty() || line.front() != '{') continue;
    const auto parsed = nlohmann::json::parse(line);
    last_event = parsed.at("event");
    if (last_event == "progress") {
      CHECK(parsed.at("fraction").get<double>() >= last_fraction);
      last_fraction = parsed.at("fraction");
      ++progress_lines;
    }
  }
  CHECK(progress_lines == 100);
  CHECK(last_fraction == Approx(1.0));
  CHECK(last_event == "done");
}

TEST_CASE("every metric, series and event kind a run emits is documented in docs/report-schema.md", "[docs]") {
  const std::string doc = read_file(kSource / "docs/report-schema.md");
  // Static FLOP demand on two sites, an autoscaled scale-to-zero service, an LLM service.
  const std::vector<std::pair<std::string, std::vector<std::string>>> runs = {
      {"two-sites-flops.yaml", {"summarise", "embed"}},
      {"bursty-scale-to-zero.yaml", {"batch-api"}},
      {"llm-chat.yaml", {"chat"}},
      {"mixed-serving-training.yaml", {"chat"}},
      {"philly-trace-schedulers.yaml", {}},
      {"mapreduce-dag.yaml", {}},
      {"service-rack-loss.yaml", {"api"}},
      {"training-failures-checkpoint.yaml", {}},
      {"spot-and-spares.yaml", {"chat"}},
      {"storage-replication-repair.yaml", {}},
      {"weight-cache-cold-starts.yaml", {"chat", "code", "tail-a", "tail-b", "tail-c"}},
      {"quorum-consistency.yaml", {}},
      {"offsite-backup-restore.yaml", {}},
      {"owned-vs-rented.yaml", {"batch-inference"}},
      {"edge-region-spillover.yaml", {"assistant", "assistant@edge-nyc", "assistant@edge-chi", "assistant@us-east"}},
  };
  for (const auto& [scenario, services] : runs) {
    TempDir dir;
    // The storage example needs its month for failures, rebuilds and their events (3 s), the
    // cache example its 8 hours for evictions.
    const std::string duration = scenario.rfind("storage", 0) == 0       ? "duration=30d"
                                 : scenario.rfind("weight-cache", 0) == 0 ? "duration=8h"
                                 : scenario.rfind("quorum", 0) == 0       ? "duration=10min"
                                 : scenario.rfind("offsite", 0) == 0      ? "duration=14d"
                                 : scenario.rfind("owned", 0) == 0        ? "duration=2d"
                                                                          : "duration=2h";
    const CliResult ran = run_leptonsim({"run", (kSource / "scenarios" / scenario).string(), "-o",
                                         (dir / "r.db").string(), "--set", duration, "--set", "warmup=0s",
                                         "--progress", "none", "-q"},
                                        dir);
    REQUIRE(ran.exit_code == 0);
    const RunResult result = load_only_run(dir / "r.db");
    auto generic = [&services = services](std::string name) {
      for (const std::string& service : services) {
        const std::string prefix = "service." + service + ".";
        if (name.rfind(prefix, 0) == 0) name = "service.<service>." + name.substr(prefix.size());
      }
      // Per failure class and per cause: failures.<class>.<statistic>, jobs.interruptions.<cause>.
      if (name.rfind("failures.", 0) == 0 && std::count(name.begin(), name.end(), '.') == 2)
        name = "failures.<class>" + name.substr(name.rfind('.'));
      if (name.rfind("jobs.interruptions.", 0) == 0) name = "jobs.interruptions.<cause>";
      if (name.rfind("cost.compute.", 0) == 0) name = "cost.compute.<purchase>";
      if (name.rfind("pool.", 0) == 0) name = "pool.<pool>" + name.substr(name.rfind('.'));
      // Routed services: per site and per user population.
      if (const auto at = name.find(".routed_to."); at != std::string::npos) name = name.substr(0, at) + ".routed_to.<site>";
      if (const auto at = name.find(".users."); at != std::string::npos)
        name = name.substr(0, at) + ".users.<population>" + name.substr(name.rfind('.'));
      return name;
    };
    for (const auto& metric : result.summary) {
      INFO(scenario << ": " << metric.metric);
      CHECK(doc.find("`" + generic(metric.metric) + "`") != std::string::npos);
    }
    for (const auto& series : result.timeseries) {
      INFO(scenario << ": " << series.series);
      CHECK(doc.find("`" + series.series + "`") != std::string::npos);
    }
    for (const auto& event : result.events) {
      INFO(scenario << ": " << event.kind);
      CHECK(doc.find("`" + event.kind + "`") != std::string::npos);
    }
  }
}

TEST_CASE("topology summarises the platform and lists what is below a switch", "[cli][topology]") {
  TempDir dir;
  const std::string quickstart = (kSource / "scenarios/quickstart.yaml").string();
  const CliResult summary = run_leptonsim({"topology", quickstart}, dir);
  CHECK(summary.exit_code == 0);
  CHECK(summary.out.find("connected") != std::string::npos);
  CHECK(summary.out.find("gpu                  64") != std::string::npos);
  // A rack's leaf switch is the only way into its 4 nodes: 4 x (node, nic, cpu, nvswitch, 8 GPUs).
  const CliResult below = run_leptonsim({"topology", quickstart, "--below", "us-east/leaf1"}, dir);
  CHECK(below.exit_code == 0);
  CHECK(std::count(below.out.begin(), below.out.end(), '\n') == 4 * 12);
  CHECK(below.out.find("us-east/r1/n3/gpu7") != std::string::npos);
  CHECK(below.out.find("us-east/r0/") == std::string::npos);
  // Four spines back each other up: nothing depends on one alone.
  const CliResult spine = run_leptonsim({"topology", quickstart, "--below", "us-east/spine0"}, dir);
  CHECK(spine.exit_code == 0);
  CHECK(spine.out.empty());
  CHECK(run_leptonsim({"topology", quickstart, "--below", "us-east/nowhere"}, dir).exit_code == 2);
}
