// SweepTable: grouping of seeds into points, Student-t intervals computed by
// hand, ordering of axis values, Pareto fronts and heatmap grids.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "SweepTable.hpp"

using namespace leptonsim;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

RunOverview make_run(std::int64_t run_id, std::uint64_t seed,
                     std::map<std::string, std::string> parameters,
                     std::map<std::string, double> summary, const std::string& status = "ok") {
  RunOverview run;
  run.run_id = run_id;
  run.run.scenario_name = "sweep";
  run.run.seed = seed;
  run.run.status = status;
  run.parameters = std::move(parameters);
  run.parameters["seed"] = std::to_string(seed);
  for (const auto& [metric, value] : summary) {
    run.summary[metric] = value;
    run.units[metric] = metric == "cost.total" ? "USD" : "s";
  }
  return run;
}

// Two replica counts ("10" listed before "2") x two policies, 4 seeds each for
// replicas 2 / hpa, one seed elsewhere, plus a failed run and a NaN.
ReportOverview make_report() {
  ReportOverview report;
  std::int64_t id = 0;
  const auto add = [&](std::uint64_t seed, const std::string& replicas, const std::string& policy,
                       double p99, double cost, const std::string& status = "ok") {
    report.runs.push_back(make_run(++id, seed,
                                   {{"services.chat.replicas", replicas},
                                    {"services.chat.autoscaler.policy", policy},
                                    {"duration", "3600"}},
                                   {{"service.chat.latency_p99", p99}, {"cost.total", cost}}, status));
  };
  add(1, "10", "hpa", 0.1, 40);
  add(1, "2", "hpa", 1.0, 8);
  add(2, "2", "hpa", 2.0, 8);
  add(3, "2", "hpa", 3.0, 8);
  add(4, "2", "hpa", 4.0, 8);
  add(5, "2", "hpa", 1000.0, 8, "failed");  // adds no values
  add(1, "2", "kpa", kNaN, 6);
  add(2, "2", "kpa", 5.0, 6);
  add(1, "10", "kpa", 0.2, 30);
  return report;
}

}  // namespace

TEST_CASE("parameter values order numbers numerically", "[sweep_table]") {
  CHECK(parameter_value_less("2", "10"));
  CHECK_FALSE(parameter_value_less("10", "2"));
  CHECK(parameter_value_less("0.5", "0.75"));
  CHECK(parameter_value_less("-3", "1e-3"));
  CHECK(parameter_value_less("hpa", "kpa"));
  CHECK(parameter_value_less("2", "2.0"));  // equal numbers: by text, so both stay distinct
  CHECK_FALSE(parameter_value_less("2", "2"));
  // Numbers before text keeps the order transitive: 2 < 10 < 1a.
  CHECK(parameter_value_less("10", "1a"));
  CHECK(parameter_value_less("2", "1a"));
  CHECK_FALSE(parameter_value_less("1a", "2"));
  CHECK(parameter_value_less("nan", "x"));  // not numeric: plain text
  CHECK_FALSE(parameter_value_less("nan", "5"));
}

TEST_CASE("sweep table groups seeds into points", "[sweep_table]") {
  const SweepTable table = build_sweep_table(make_report());
  CHECK(table.confidence == 0.95);
  // duration is the same everywhere and seed is never an axis.
  CHECK(table.axes ==
        std::vector<std::string>{"services.chat.autoscaler.policy", "services.chat.replicas"});
  CHECK(table.metrics == std::vector<std::string>{"cost.total", "service.chat.latency_p99"});
  CHECK(table.units.at("cost.total") == "USD");

  // Ordered by policy, then replicas numerically (2 before 10).
  REQUIRE(table.points.size() == 4);
  CHECK(table.points[0].axes.at("services.chat.autoscaler.policy") == "hpa");
  CHECK(table.points[0].axes.at("services.chat.replicas") == "2");
  CHECK(table.points[0].axes.at("duration") == "3600");
  CHECK(table.points[0].axes.count("seed") == 0);
  CHECK(table.points[1].axes.at("services.chat.replicas") == "10");
  CHECK(table.points[2].axes.at("services.chat.autoscaler.policy") == "kpa");
  CHECK(table.points[2].axes.at("services.chat.replicas") == "2");
  CHECK(table.points[3].axes.at("services.chat.replicas") == "10");

  const SweepPoint& point = table.points[0];
  CHECK(point.run_ids == std::vector<std::int64_t>{2, 3, 4, 5, 6});
  CHECK(point.seeds == std::vector<std::uint64_t>{1, 2, 3, 4, 5});
  CHECK(point.label(table.axes) == "services.chat.autoscaler.policy=hpa, services.chat.replicas=2");

  // Values 1, 2, 3, 4 (the failed run's 1000 is left out): mean 2.5,
  // s = sqrt(5/3) = 1.290994, t(0.975, 3) = 3.182446,
  // half width = 3.182446 * 1.290994 / 2 = 2.054260.
  const MetricStatistics& p99 = point.metrics.at("service.chat.latency_p99");
  CHECK(p99.n == 4);
  CHECK(p99.undefined == 0);
  CHECK(p99.mean == Approx(2.5));
  CHECK(p99.stddev == Approx(1.290994).epsilon(1e-6));
  CHECK(p99.ci_lower == Approx(2.5 - 2.054260).margin(2e-6));
  CHECK(p99.ci_upper == Approx(2.5 + 2.054260).epsilon(1e-6));
  CHECK(p99.min == 1.0);
  CHECK(p99.max == 4.0);

  // Constant values: a zero-width interval.
  const MetricStatistics& cost = point.metrics.at("cost.total");
  CHECK(cost.n == 4);
  CHECK(cost.stddev == 0.0);
  CHECK(cost.ci_lower == 8.0);
  CHECK(cost.ci_upper == 8.0);

  // One NaN and one value: n = 1, no interval.
  const MetricStatistics& kpa = table.points[2].metrics.at("service.chat.latency_p99");
  CHECK(kpa.n == 1);
  CHECK(kpa.undefined == 1);
  CHECK(kpa.mean == 5.0);
  CHECK(std::isnan(kpa.stddev));
  CHECK(std::isnan(kpa.ci_lower));
  CHECK(std::isnan(kpa.ci_upper));
}

TEST_CASE("sweep table of single runs and of failed runs only", "[sweep_table]") {
  ReportOverview report;
  report.runs.push_back(make_run(1, 42, {}, {{"cost.total", 3.0}}));
  SweepTable table = build_sweep_table(report, 0.9);
  CHECK(table.confidence == 0.9);
  CHECK(table.axes.empty());
  REQUIRE(table.points.size() == 1);
  CHECK(table.points[0].label(table.axes) == "run 1");

  report.runs[0].run.status = "failed";
  table = build_sweep_table(report);
  const MetricStatistics& cost = table.points[0].metrics.at("cost.total");
  CHECK(cost.n == 0);
  CHECK(std::isnan(cost.mean));
  CHECK(table.points[0].run_ids == std::vector<std::int64_t>{1});

  CHECK_THROWS_AS(build_sweep_table(report, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(build_sweep_table(report, 0.0), std::invalid_argument);
}

TEST_CASE("a parameter present in only some runs is an axis", "[sweep_table]") {
  ReportOverview report;
  report.runs.push_back(make_run(1, 1, {{"a", "1"}}, {{"cost.total", 1.0}}));
  report.runs.push_back(make_run(2, 1, {{"a", "1"}, {"b", "x"}}, {{"cost.total", 2.0}}));
  const SweepTable table = build_sweep_table(report);
  CHECK(table.axes == std::vector<std::string>{"b"});
  REQUIRE(table.points.size() == 2);
  CHECK(table.points[0].axes.count("b") == 0);  // missing sorts first
  CHECK(table.points[0].label(table.axes) == "run 1");
  CHECK(table.points[1].label(table.axes) == "b=x");
}

TEST_CASE("Pareto front of a hand-made set", "[sweep_table]") {
  //            0    1    2    3    4    5     6    7
  const std::vector<double> cost = {1, 2, 3, 4, 2, kNaN, 5, 0.5};
  const std::vector<double> p99 = {5, 3, 4, 1, 3, 0, 1, kNaN};
  // (3, 4) is dominated by (2, 3); (5, 1) by (4, 1); point 4 duplicates point 1;
  // points 5 and 7 have a NaN coordinate.
  CHECK(pareto_front_min_min(cost, p99) == std::vector<std::size_t>{0, 1, 3});
  CHECK(pareto_front_min_min({}, {}).empty());
  CHECK(pareto_front_min_min({1, 1}, {2, 1}) == std::vector<std::size_t>{1});
  CHECK_THROWS_AS(pareto_front_min_min({1}, {}), std::invalid_argument);
}

TEST_CASE("heatmap cells hold means of the points that fall in them", "[sweep_table]") {
  const SweepTable table = build_sweep_table(make_report());
  const HeatmapGrid grid = build_heatmap(table, "services.chat.replicas",
                                         "services.chat.autoscaler.policy", "cost.total");
  CHECK(grid.x_values == std::vector<std::string>{"2", "10"});
  CHECK(grid.y_values == std::vector<std::string>{"hpa", "kpa"});
  REQUIRE(grid.cells.size() == 4);
  // Row-major: cells[iy * 2 + ix].
  CHECK(grid.cells[0] == 8.0);   // hpa, 2
  CHECK(grid.cells[1] == 40.0);  // hpa, 10
  CHECK(grid.cells[2] == 6.0);   // kpa, 2
  CHECK(grid.cells[3] == 30.0);  // kpa, 10
  CHECK(grid.cell_points[0] == std::vector<std::size_t>{0});
  CHECK(grid.cell_points[1] == std::vector<std::size_t>{1});
  CHECK(grid.cell_points[3] == std::vector<std::size_t>{3});

  SECTION("an empty cell is NaN") {
    ReportOverview report = make_report();
    report.runs.erase(report.runs.begin() + 8);  // the only kpa / 10 run
    const HeatmapGrid sparse = build_heatmap(build_sweep_table(report), "services.chat.replicas",
                                             "services.chat.autoscaler.policy", "cost.total");
    REQUIRE(sparse.cells.size() == 4);
    CHECK(std::isnan(sparse.cells[3]));
    CHECK(sparse.cell_points[3].empty());
    CHECK(sparse.cells[2] == 6.0);
  }
  SECTION("a third axis: several points per cell unless fixed") {
    ReportOverview report = make_report();
    report.runs.push_back(make_run(10, 1,
                                   {{"services.chat.replicas", "2"},
                                    {"services.chat.autoscaler.policy", "hpa"},
                                    {"duration", "7200"}},
                                   {{"cost.total", 16.0}}));
    const SweepTable three = build_sweep_table(report);
    CHECK(three.axes.size() == 3);
    const HeatmapGrid mixed = build_heatmap(three, "services.chat.replicas",
                                            "services.chat.autoscaler.policy", "cost.total");
    CHECK(mixed.cells[0] == 12.0);  // mean of 8 and 16
    CHECK(mixed.cell_points[0].size() == 2);
    const HeatmapGrid fixed =
        build_heatmap(three, "services.chat.replicas", "services.chat.autoscaler.policy",
                      "cost.total", {{"duration", "7200"}});
    CHECK(fixed.x_values == std::vector<std::string>{"2"});
    CHECK(fixed.y_values == std::vector<std::string>{"hpa"});
    CHECK(fixed.cells == std::vector<double>{16.0});
  }
  SECTION("an undefined metric leaves a NaN cell") {
    const HeatmapGrid missing = build_heatmap(table, "services.chat.replicas",
                                              "services.chat.autoscaler.policy", "energy.total");
    CHECK(std::isnan(missing.cells[0]));
    CHECK(missing.cell_points[0].size() == 1);
  }
  CHECK_THROWS_AS(build_heatmap(table, "duration", "services.chat.replicas", "cost.total"),
                  std::invalid_argument);
}
