// leptonsim command line: run, validate, topology, policies, and the batch
// commands sweep, merge, plan, compare and plot.
//
// Exit codes: 0 success, 1 runtime failure, 2 bad input (scenario, options).
#include "RegisterAllPolicies.hpp"
#include "ScenarioChecks.hpp"
#include "ScenarioLoader.hpp"
#include "Simulation.hpp"
#include "SqliteReport.hpp"
#include "SummaryTable.hpp"
#include "SweepCommands.hpp"
#include "CompareTable.hpp"
#include "topology/Topology.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <unistd.h>
#include <fmt/format.h>
#include <cerrno>
#include <cstring>
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
  bool simgrid_energy = false;

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
    options.simgrid_energy = simgrid_energy;
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
      nodes += site.gpu_nodes();
      gpus += site.gpu_nodes() * spec.catalog.find_node_shape(site.node)->gpus;
    }
    std::size_t services = spec.routed_services.size();  // a deployed service once, whatever its sites
    for (const ServiceSpec& service : spec.services) {
      replicas += service.replicas;
      if (service.routed_service < 0) ++services;
    }
    std::cout << fmt::format("{}: ok: scenario '{}', {} site(s), {} nodes, {} GPUs, {} service(s), {} replicas\n", path,
                             spec.name, spec.platform.sites.size(), nodes, gpus, services, replicas);
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

// `leptonsim plot` draws with the GUI's chart code, which lives in the Qt
// program leptonsim-plot next to this executable (only gui/ includes Qt).
int exec_plot(const std::vector<std::string>& arguments) {
  const std::filesystem::path plotter = std::filesystem::path(current_executable_path()).parent_path() / "leptonsim-plot";
  if (!std::filesystem::exists(plotter)) {
    std::cerr << fmt::format("leptonsim plot: {} is missing: build with the GUI (cmake -DLEPTONSIM_BUILD_GUI=ON)\n",
                             plotter.string());
    return kExitRuntimeError;
  }
  std::vector<std::string> args = {plotter.string()};
  args.insert(args.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  std::cerr << fmt::format("leptonsim plot: cannot execute {}: {}\n", plotter.string(), std::strerror(errno));
  return kExitRuntimeError;
}

int compare_reports(const std::vector<std::string>& reports, const std::vector<std::string>& metrics,
                    const std::string& by, const std::string& format) {
  CompareOptions options;
  options.metrics = metrics;
  options.by = by == "run" ? CompareOptions::By::run : CompareOptions::By::point;
  options.format = format == "csv" ? CompareOptions::Format::csv
                   : format == "json" ? CompareOptions::Format::json
                                      : CompareOptions::Format::table;
  try {
    std::cout << format_comparison(reports, options);
  } catch (const std::invalid_argument& error) {
    std::cerr << "leptonsim compare: " << error.what() << '\n';
    return kExitBadInput;
  }
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
  run_cmd->add_flag("--simgrid-energy", run.simgrid_energy,
                    "Cross-check: also integrate node power with SimGrid's host energy plugin "
                    "(energy.simgrid_plugin_it_kwh; it sees only work run as executions)");

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

  SweepCommandOptions sweep;
  CLI::App* sweep_cmd = app.add_subcommand(
      "sweep", "Run a sweep (spec file, or a scenario with --axis) over seeds; resumable; local or on Slurm");
  sweep_cmd->add_option("spec", sweep.spec_path, "Sweep spec YAML (base + axes), or a scenario with --axis")
      ->required()->check(CLI::ExistingFile);
  sweep_cmd->add_option("-o,--output", sweep.output, "Sweep database (default: out/<name>-sweep.db)");
  sweep_cmd->add_option("--axis", sweep.axis_args,
                        "Axis over a scenario key: key=v1,v2 | key=range:FROM:TO:STEP | key=log:FROM:TO:COUNT "
                        "(repeatable; scenario mode)");
  sweep_cmd->add_option("--seeds", sweep.seeds, "Seeds per point (scenario mode; default 1)")->check(CLI::Range(1, 100000));
  sweep_cmd->add_option("--set", sweep.set_overrides, "Fixed override for every point (scenario mode; repeatable)");
  sweep_cmd->add_option("-j,--jobs", sweep.jobs, "Runs at a time (default 1)")->check(CLI::Range(1, 4096));
  sweep_cmd->add_option("--shard", sweep.shard, "Run only part i of N (i/N) into -o (used by Slurm array tasks)");
  sweep_cmd->add_flag("--summary-only", sweep.summary_only, "Keep runs, parameters and summaries; drop time series, events, replicas");
  sweep_cmd->add_option("--progress", sweep.progress, "Progress on stderr: text, json (lines), none")
      ->check(CLI::IsMember({"text", "json", "none"}));
  sweep_cmd->add_flag("--slurm", sweep.slurm, "Submit the sweep as a Slurm job array (sbatch) instead of running it here");
  sweep_cmd->add_option("--partition", sweep.partition, "Slurm partition (with --slurm)");
  sweep_cmd->add_option("--time", sweep.time_limit, "Slurm time limit per array task, e.g. 01:00:00 (with --slurm)");
  sweep_cmd->add_option("--array-max", sweep.array_max, "At most K array tasks at once (with --slurm)")->check(CLI::Range(1, 1000000));
  sweep_cmd->add_option("--shards", sweep.shards, "Array tasks (default: one per run, at most 100) (with --slurm)")
      ->check(CLI::Range(1, 1000000));
  sweep_cmd->add_flag("--collect", sweep.collect, "Wait for the submitted Slurm job and merge its shards into -o");
  sweep_cmd->add_option("--poll", sweep.poll_seconds, "Seconds between Slurm queue checks (with --collect)")
      ->check(CLI::Range(0.1, 3600.0));

  std::string merge_target;
  std::vector<std::string> merge_shards;
  CLI::App* merge_cmd = app.add_subcommand("merge", "Merge shard databases of one sweep into a sweep database (idempotent)");
  merge_cmd->add_option("target", merge_target, "Sweep database to merge into (created if missing)")->required();
  merge_cmd->add_option("shards", merge_shards, "Shard databases")->required();

  PlanCommandOptions plan;
  CLI::App* plan_cmd = app.add_subcommand(
      "plan", "Find the cheapest configuration of a sweep spec that meets every requirement with confidence");
  plan_cmd->add_option("spec", plan.spec_path, "Sweep spec YAML; mark capacity axes `monotone: increasing`")
      ->required()->check(CLI::ExistingFile);
  plan_cmd->add_option("--minimize", plan.minimize, "Summary metric to minimise (default cost.total)");
  plan_cmd->add_option("--require", plan.requirements, "Requirement 'metric<=value' (or >=, <, >); repeatable")->required();
  plan_cmd->add_option("-o,--output", plan.output, "Plan database (default: out/<name>-plan.db)");
  plan_cmd->add_option("-j,--jobs", plan.jobs, "Runs at a time (default 1)")->check(CLI::Range(1, 4096));
  plan_cmd->add_option("--runners-up", plan.runners_up, "Runners-up to report (default 3)");
  plan_cmd->add_option("--progress", plan.progress, "Progress on stderr: text, json, none")
      ->check(CLI::IsMember({"text", "json", "none"}));

  std::vector<std::string> compare_reports_args, compare_metrics;
  std::string compare_by = "point", compare_format = "table";
  CLI::App* compare_cmd = app.add_subcommand("compare", "Print chosen summary metrics across runs or sweep points");
  compare_cmd->add_option("reports", compare_reports_args, "Report or sweep databases")->required()->check(CLI::ExistingFile);
  compare_cmd->add_option("-m,--metric", compare_metrics, "Metric or glob (service.*.latency_p99); repeatable");
  compare_cmd->add_option("--by", compare_by, "Rows: point (seeds pooled, mean +/- 95 % CI) or run")
      ->check(CLI::IsMember({"point", "run"}));
  compare_cmd->add_option("--format", compare_format, "table, csv or json")->check(CLI::IsMember({"table", "csv", "json"}));

  CLI::App* plot_cmd = app.add_subcommand("plot", "Render a report's standard charts to PNG and PDF (see leptonsim-plot --help)");
  plot_cmd->allow_extras();
  plot_cmd->prefix_command();
  plot_cmd->set_help_flag();  // --help goes to leptonsim-plot

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
    if (*sweep_cmd) return run_sweep_command(sweep);
    if (*merge_cmd) return run_merge_command(merge_target, merge_shards);
    if (*plan_cmd) return run_plan_command(plan);
    if (*compare_cmd) return compare_reports(compare_reports_args, compare_metrics, compare_by, compare_format);
    if (*plot_cmd) return exec_plot(plot_cmd->remaining());
  } catch (const ScenarioError& error) {
    return print_issues(error);
  } catch (const std::exception& error) {
    std::cerr << "leptonsim: error: " << error.what() << '\n';
    return kExitRuntimeError;
  }
  return 0;
}
