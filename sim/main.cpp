// leptonsim command line: run, validate, topology, policies.
//
// Exit codes: 0 success, 1 runtime failure, 2 bad input (scenario, options).
#include "RegisterAllPolicies.hpp"
#include "ScenarioChecks.hpp"
#include "ScenarioLoader.hpp"
#include "Simulation.hpp"
#include "SqliteReport.hpp"
#include "SummaryTable.hpp"
#include "topology/Topology.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace {

constexpr int kExitRuntimeError = 1;
constexpr int kExitBadInput = 2;

using namespace leptonsim;

int print_issues(const ScenarioError& error) {
  for (const ScenarioIssue& issue : error.issues()) std::cerr << issue.to_string() << '\n';
  std::cerr << fmt::format("{} error{} in the scenario; nothing was run.\n", error.issues().size(),
                           error.issues().size() == 1 ? "" : "s");
  return kExitBadInput;
}

ScenarioSpec load_checked(const std::string& path, const std::vector<std::string>& overrides) {
  ScenarioSpec spec = load_scenario_file(path, overrides);
  require_runnable(spec);
  return spec;
}

struct RunCommand {
  std::string scenario;
  std::string output;
  std::vector<std::string> overrides;
  std::optional<std::uint64_t> seed;
  std::string progress = "text";
  bool quiet = false;

  int execute() const {
    std::vector<std::string> all_overrides = overrides;
    if (seed) all_overrides.push_back(fmt::format("seed={}", *seed));
    ScenarioSpec spec;
    try {
      spec = load_checked(scenario, all_overrides);
    } catch (const ScenarioError& error) {
      return print_issues(error);
    }
    const std::string report_path = output.empty() ? fmt::format("out/{}.db", spec.name) : output;
    const auto parent = std::filesystem::path(report_path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);

    RunOptions options;
    options.version = LEPTONSIM_VERSION;
    options.progress = progress == "json" ? ProgressMode::json : progress == "none" ? ProgressMode::none : ProgressMode::text;
    RunResult result = run_simulation(spec, options);
    write_report(report_path, {result});
    if (options.progress == ProgressMode::json) {
      nlohmann::json done{{"event", "done"}, {"report", report_path}, {"wall_seconds", result.run.wall_seconds}};
      std::cerr << done.dump() << std::endl;
    }
    if (!quiet) std::cout << format_summary_table(result) << "report: " << report_path << '\n';
    return 0;
  }
};

int validate(const std::string& path, const std::vector<std::string>& overrides) {
  try {
    const ScenarioSpec spec = load_checked(path, overrides);
    int nodes = 0, gpus = 0, replicas = 0;
    for (const SiteSpec& site : spec.platform.sites) {
      nodes += site.racks * site.nodes_per_rack;
      gpus += site.racks * site.nodes_per_rack * spec.catalog.find_node_shape(site.node)->gpus;
    }
    for (const ServiceSpec& service : spec.services) replicas += service.replicas;
    std::cout << fmt::format("{}: ok: scenario '{}', {} site(s), {} nodes, {} GPUs, {} service(s), {} replicas\n", path,
                             spec.name, spec.platform.sites.size(), nodes, gpus, spec.services.size(), replicas);
    return 0;
  } catch (const ScenarioError& error) {
    return print_issues(error);
  }
}

int show_topology(const std::string& path, const std::vector<std::string>& overrides, const std::string& below) {
  try {
    const ScenarioSpec spec = load_checked(path, overrides);
    const Topology topology(spec.platform, spec.catalog);
    if (!below.empty()) {
      if (!topology.vertex(below)) {
        std::cerr << fmt::format("{}: no component named '{}' (names look like site/r0/n0/gpu0, site/leaf0, site/spine0)\n",
                                 path, below);
        return kExitBadInput;
      }
      for (const std::string& name : topology.components_below(below)) std::cout << name << '\n';
      return 0;
    }
    std::cout << fmt::format("{}: {} vertices, {} network links, {}\n", spec.name, topology.vertex_count(),
                             topology.network_edge_count(), topology.is_connected() ? "connected" : "NOT connected");
    for (std::size_t k = 0; k < kVertexKindCount; ++k) {
      const auto kind = static_cast<VertexKind>(k);
      if (topology.count(kind) > 0) std::cout << fmt::format("  {:<20} {}\n", to_string(kind), topology.count(kind));
    }
    return 0;
  } catch (const ScenarioError& error) {
    return print_issues(error);
  }
}

int list_policies(const std::string& kind, bool as_json) {
  nlohmann::json all = nlohmann::json::array();
  std::string last_kind;
  for (const PolicyInfo& info : all_policy_infos()) {
    if (!kind.empty() && info.kind != kind) continue;
    if (as_json) {
      nlohmann::json parameters = nlohmann::json::array();
      for (const auto& p : info.parameters)
        parameters.push_back({{"name", p.name}, {"default", p.default_value}, {"min", p.min_value},
                              {"max", p.max_value}, {"description", p.description}});
      all.push_back({{"kind", info.kind}, {"name", info.name}, {"description", info.description},
                     {"parameters", parameters}});
      continue;
    }
    if (info.kind != last_kind) std::cout << (last_kind.empty() ? "" : "\n") << info.kind << ":\n";
    last_kind = info.kind;
    std::cout << fmt::format("  {:<20} {}\n", info.name, info.description);
    if (info.parameters.empty()) std::cout << fmt::format("  {:<20}   (no parameters)\n", "");
    for (const auto& p : info.parameters)
      std::cout << fmt::format("  {:<20}   {} = {} in [{}, {}]: {}\n", "", p.name, p.default_value, p.min_value,
                               p.max_value, p.description);
  }
  if (as_json) std::cout << all.dump(2) << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"leptonsim: discrete-event simulator and capacity planner for elastic AI infrastructure"};
  app.set_version_flag("--version", std::string("leptonsim ") + LEPTONSIM_VERSION);
  app.require_subcommand(1);

  RunCommand run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario and write a SQLite report");
  run_cmd->add_option("scenario", run.scenario, "Scenario YAML file")->required()->check(CLI::ExistingFile);
  run_cmd->add_option("-o,--output", run.output, "Report file (default: out/<scenario name>.db)");
  run_cmd->add_option("--seed", run.seed, "Override the scenario seed");
  run_cmd->add_option("--set", run.overrides, "Override a scenario field: key.path=value (repeatable)");
  run_cmd->add_option("--progress", run.progress, "Progress on stderr: text (runs over 2 s), json (lines), none")
      ->check(CLI::IsMember({"text", "json", "none"}));
  run_cmd->add_flag("-q,--quiet", run.quiet, "Do not print the summary table");

  std::string validate_path;
  std::vector<std::string> validate_overrides;
  CLI::App* validate_cmd = app.add_subcommand("validate", "Check a scenario and report every error");
  validate_cmd->add_option("scenario", validate_path, "Scenario YAML file")->required()->check(CLI::ExistingFile);
  validate_cmd->add_option("--set", validate_overrides, "Override a scenario field: key.path=value (repeatable)");

  std::string topology_path, topology_below;
  std::vector<std::string> topology_overrides;
  CLI::App* topology_cmd =
      app.add_subcommand("topology", "Summarise the platform topology, or list what is below a switch, rack or site");
  topology_cmd->add_option("scenario", topology_path, "Scenario YAML file")->required()->check(CLI::ExistingFile);
  topology_cmd->add_option("--below", topology_below, "List every component below this one (e.g. us-east/leaf0)");
  topology_cmd->add_option("--set", topology_overrides, "Override a scenario field: key.path=value (repeatable)");

  std::string policy_kind;
  bool policies_json = false;
  CLI::App* policies_cmd = app.add_subcommand("policies", "List every registered policy with its parameters");
  policies_cmd->add_option("--kind", policy_kind, "Only this kind (e.g. load_balancer)");
  policies_cmd->add_flag("--json", policies_json, "Print JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : kExitBadInput;
  }
  try {
    if (*run_cmd) return run.execute();
    if (*validate_cmd) return validate(validate_path, validate_overrides);
    if (*policies_cmd) return list_policies(policy_kind, policies_json);
    if (*topology_cmd) return show_topology(topology_path, topology_overrides, topology_below);
  } catch (const ScenarioError& error) {
    return print_issues(error);
  } catch (const std::exception& error) {
    std::cerr << "leptonsim: error: " << error.what() << '\n';
    return kExitRuntimeError;
  }
  return 0;
}
