// Writes a large but realistic report (through write_report) for load-time
// benchmarks of the GUI data core: service, cluster and per-node curves with
// the series names of docs/report-schema.md, replica and failure events, a
// replicas table and a summary.
//
//   leptonsim_make_large_report big.sqlite [1000000] [--services 3] [--nodes 11]
//   leptonsim_make_large_report -o big.sqlite --rows 1000000
//
// The defaults give 40 curves of 25,000 points (9 per service, 2 cluster-wide,
// one per node).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "SqliteReport.hpp"

namespace {

using namespace leptonsim;

struct Options {
  std::string output = "large-report.sqlite";
  std::int64_t rows = 1'000'000;
  int services = 3;
  int nodes = 11;
  int gpus_per_node = 8;
  double duration = 86'400.0;
  std::uint64_t seed = 1;
};

constexpr const char* kServiceSeries[] = {
    "service.arrival_rate", "service.completion_rate", "service.queue_length",
    "service.in_service",   "service.utilization",     "service.replicas_ready",
    "service.replicas_desired", "service.latency_p50", "service.latency_p99"};

std::string service_name(int i) {
  static const char* names[] = {"chat", "search", "code", "embed", "vision", "batch"};
  const int known = static_cast<int>(std::size(names));
  return i < known ? names[i] : fmt::format("service{}", i);
}

std::string node_name(int i) { return fmt::format("us-east/r{}/n{}", i / 32, i % 32); }

// A day of diurnal load with noise, in [0, peak].
double diurnal(double t, double peak, double phase, double noise) {
  const double day = 0.55 + 0.45 * std::sin(2.0 * M_PI * (t / 86'400.0) + phase);
  return std::max(0.0, peak * day * (1.0 + noise));
}

// Points per curve: rows spread evenly, the remainder on the first curves.
std::vector<std::int64_t> split_rows(std::int64_t rows, std::size_t curves) {
  std::vector<std::int64_t> out(curves, rows / static_cast<std::int64_t>(curves));
  for (std::size_t i = 0; i < static_cast<std::size_t>(rows % static_cast<std::int64_t>(curves)); ++i)
    ++out[i];
  return out;
}

RunResult make_run(const Options& options) {
  std::mt19937_64 rng(options.seed);
  std::normal_distribution<double> noise(0.0, 0.08);

  RunResult result;
  result.run.scenario_name = "large-benchmark";
  result.run.scenario_hash = "0000000000000000";
  result.run.scenario_text = fmt::format("name: large-benchmark\nduration: {}\n", options.duration);
  result.run.scenario_path = "bench/generated.yaml";
  result.run.seed = options.seed;
  result.run.version = leptonsim_version();
  result.run.simulated_seconds = options.duration;
  result.run.started_at = "2024-06-11T10:00:00Z";
  result.run.wall_seconds = 12.5;
  result.parameters = {{"seed", std::to_string(options.seed)},
                       {"services.chat.replicas", "4"},
                       {"duration", fmt::format("{}", options.duration)}};

  // Curves: per service, cluster-wide, per node.
  struct CurveSpec {
    std::string series, entity;
    double peak;
    double phase;
  };
  std::vector<CurveSpec> specs;
  for (int s = 0; s < options.services; ++s)
    for (const char* series : kServiceSeries)
      specs.push_back({series, service_name(s), 10.0 + 5.0 * s, 0.3 * s});
  specs.push_back({"cluster.gpu_utilization", "", 1.0, 0.0});
  specs.push_back({"cost.cumulative", "", 0.0, 0.0});
  for (int n = 0; n < options.nodes; ++n) specs.push_back({"node.gpu_utilization", node_name(n), 1.0, 0.01 * n});

  const std::vector<std::int64_t> points = split_rows(options.rows, specs.size());
  for (std::size_t c = 0; c < specs.size(); ++c) {
    const CurveSpec& spec = specs[c];
    TimeSeries ts;
    ts.series = spec.series;
    ts.entity = spec.entity;
    const auto n = static_cast<std::size_t>(points[c]);
    ts.t.reserve(n);
    ts.value.reserve(n);
    const double dt = options.duration / static_cast<double>(std::max<std::size_t>(n, 1));
    const bool is_latency = spec.series.find("latency") != std::string::npos;
    const bool is_fraction = spec.series.find("utilization") != std::string::npos;
    for (std::size_t i = 0; i < n; ++i) {
      const double t = dt * static_cast<double>(i + 1);
      double value;
      if (spec.series == "cost.cumulative") {
        value = 98.3 * t / 3600.0;
      } else if (is_latency) {
        // No completions in an interval now and then: a gap (NaN).
        value = (i % 997 == 500) ? std::numeric_limits<double>::quiet_NaN()
                                 : 0.05 + 0.01 * diurnal(t, spec.peak, spec.phase, noise(rng));
      } else {
        value = diurnal(t, spec.peak, spec.phase, noise(rng));
        if (is_fraction) value = std::min(1.0, value);
      }
      ts.t.push_back(t);
      ts.value.push_back(value);
    }
    result.timeseries.push_back(std::move(ts));
  }

  // Events: initial placements, a scale decision every 10 minutes per service
  // with a cold start and later a release, a few GPU and node failures.
  result.events.push_back({0.0, "run_start", "",
                           fmt::format(R"({{"nodes":{},"gpus":{},"services":{}}})", options.nodes,
                                       options.nodes * options.gpus_per_node, options.services)});
  int next_gpu = 0;
  const auto next_gpus = [&](int count, std::string& node) {
    std::vector<std::string> gpus;
    const int total = std::max(1, options.nodes) * options.gpus_per_node;
    const int first = next_gpu % total;
    node = node_name(first / options.gpus_per_node);
    for (int g = 0; g < count; ++g)
      gpus.push_back(fmt::format("{}/gpu{}", node, (first + g) % options.gpus_per_node));
    next_gpu += count;
    return gpus;
  };
  const auto gpu_list = [](const std::vector<std::string>& gpus) {
    std::string json, csv;
    for (const std::string& g : gpus) {
      json += (json.empty() ? "\"" : ",\"") + g + "\"";
      csv += (csv.empty() ? "" : ",") + g;
    }
    return std::make_pair("[" + json + "]", csv);
  };
  for (int s = 0; s < options.services; ++s) {
    const std::string service = service_name(s);
    int replicas = 0;
    std::vector<std::string> node_of_replica;
    for (; replicas < 2; ++replicas) {
      std::string node;
      const auto [json, csv] = gpu_list(next_gpus(2, node));
      node_of_replica.push_back(node);
      result.events.push_back({0.0, "replica_placed", service,
                               fmt::format(R"({{"replica":{},"node":"{}","gpus":{}}})", replicas, node, json)});
      result.replicas.push_back({service, replicas, node, csv, 100'000 + 17 * replicas, 0.6});
    }
    for (double t = 600.0; t < options.duration; t += 600.0) {
      const bool is_up = static_cast<int>(t / 600.0) % 2 == 1;
      result.events.push_back({t, "scale_decision", service,
                               fmt::format(R"({{"from":{},"to":{},"reason":"HPA: utilization {:.2f} vs target 0.70"}})",
                                           replicas, is_up ? replicas + 1 : replicas - 1,
                                           is_up ? 0.85 : 0.45)});
      if (is_up) {
        std::string node;
        const auto [json, csv] = gpu_list(next_gpus(2, node));
        result.events.push_back({t, "replica_starting", service,
                                 fmt::format(R"({{"replica":{},"node":"{}","gpus":{}}})", replicas, node, json)});
        result.events.push_back({t + 95.0, "replica_ready", service,
                                 fmt::format(R"({{"replica":{},"node":"{}","gpus":{},"cold_start_seconds":95.0}})",
                                             replicas, node, json)});
        result.replicas.push_back({service, replicas, node, csv, 5'000, 0.4});
        node_of_replica.resize(replicas + 1);
        node_of_replica[replicas] = node;
        ++replicas;
      } else {
        --replicas;
        result.events.push_back({t + 30.0, "replica_stopped", service,
                                 fmt::format(R"({{"replica":{},"node":"{}"}})", replicas,
                                             node_of_replica[replicas])});
      }
    }
  }
  for (int f = 0; f < 20; ++f) {
    const double t = options.duration * (f + 0.5) / 20.0;
    if (f % 5 == 4 && options.nodes > 0) {
      const std::string node = node_name(f % options.nodes);
      result.events.push_back({t, "node_failure", node, R"({"mttr":1800})"});
      result.events.push_back({t + 1800.0, "repair", node, "{}"});
    } else if (options.nodes > 0) {
      const std::string gpu = fmt::format("{}/gpu{}", node_name(f % options.nodes), f % options.gpus_per_node);
      result.events.push_back({t, "gpu_failure", gpu, R"({"mttr":600})"});
      result.events.push_back({t + 600.0, "repair", gpu, "{}"});
    }
  }
  result.events.push_back({options.duration, "run_end", "", "{}"});
  std::stable_sort(result.events.begin(), result.events.end(),
                   [](const Event& a, const Event& b) { return a.t < b.t; });

  for (int s = 0; s < options.services; ++s) {
    const std::string prefix = "service." + service_name(s) + ".";
    for (const auto& [quantity, value, unit] :
         std::vector<std::tuple<std::string, double, std::string>>{
             {"latency_p50", 0.08, "s"}, {"latency_p99", 0.31 + 0.01 * s, "s"},
             {"latency_mean", 0.1, "s"}, {"throughput", 40.0 + s, "req/s"},
             {"requests_completed", 3.4e6, "1"}, {"replicas_mean", 3.5, "1"},
             {"utilization", 0.62, "1"}, {"gpu_hours", 168.0, "GPU*h"}, {"cost", 420.0, "USD"}})
      result.summary.push_back({prefix + quantity, value, unit});
  }
  result.summary.push_back({"cluster.gpus_total", static_cast<double>(options.nodes * options.gpus_per_node), "1"});
  result.summary.push_back({"cluster.gpu_utilization_mean", 0.58, "1"});
  result.summary.push_back({"cost.total", 2360.0, "USD"});
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Writes a large synthetic leptonsim report for load benchmarks"};
  // Output and rows also positionally: `leptonsim_make_large_report big.db 1000000`.
  app.add_option("output,-o,--output", options.output, "report file to write")->capture_default_str();
  app.add_option("rows,--rows", options.rows, "time-series rows in total")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--services", options.services, "services (9 curves each)")->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--nodes", options.nodes, "nodes (one node.gpu_utilization curve each)")->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--seed", options.seed, "random seed of the values")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    const RunResult run = make_run(options);
    std::int64_t rows = 0;
    for (const TimeSeries& ts : run.timeseries) rows += static_cast<std::int64_t>(ts.t.size());
    write_report(options.output, {run}, ReportInfo{"leptonsim_make_large_report", {}});
    std::cout << fmt::format("{}: {} curves, {} time-series rows, {} events, {} summary metrics\n",
                             options.output, run.timeseries.size(), rows, run.events.size(),
                             run.summary.size());
  } catch (const std::exception& e) {
    std::cerr << "leptonsim_make_large_report: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
