// RunComparison: statistics per column and the flags that mark differences
// from the baseline column, on hand-computed intervals.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "RunComparison.hpp"

using namespace leptonsim;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One run per value; metric "m" (unit s) holds the value.
std::vector<RunOverview> runs_with(const std::vector<double>& values, const std::string& metric = "m") {
  std::vector<RunOverview> runs;
  for (std::size_t i = 0; i < values.size(); ++i) {
    RunOverview run;
    run.run_id = static_cast<std::int64_t>(i + 1);
    run.run.seed = i + 1;
    run.summary[metric] = values[i];
    run.units[metric] = "s";
    runs.push_back(run);
  }
  return runs;
}

ComparisonColumn column(const std::string& label, const std::vector<RunOverview>& runs) {
  ComparisonColumn c;
  c.label = label;
  for (const RunOverview& run : runs) c.runs.push_back(&run);
  return c;
}

const ComparisonCell& cell(const ComparisonTable& table, const std::string& metric, std::size_t col) {
  for (std::size_t m = 0; m < table.metrics.size(); ++m)
    if (table.metrics[m] == metric) return table.cells[m][col];
  throw std::runtime_error("no metric " + metric);
}

}  // namespace

TEST_CASE("metric statistics by hand", "[run_comparison]") {
  // 1, 2, 3, 4: mean 2.5, s = 1.290994, t(0.975, 3) = 3.182446 -> half width 2.054260.
  const MetricStatistics s = metric_statistics({1, kNaN, 2, 3, 4}, 0.95);
  CHECK(s.n == 4);
  CHECK(s.undefined == 1);
  CHECK(s.mean == Approx(2.5));
  CHECK(s.stddev == Approx(1.290994).epsilon(1e-6));
  CHECK(s.ci_lower == Approx(0.445740).margin(2e-6));
  CHECK(s.ci_upper == Approx(4.554260).epsilon(1e-6));
  CHECK(s.min == 1);
  CHECK(s.max == 4);

  // 99 %: t(0.995, 3) = 5.840909 -> half width 5.840909 * 0.645497 = 3.770291.
  const MetricStatistics wide = metric_statistics({1, 2, 3, 4}, 0.99);
  CHECK(wide.ci_upper - wide.mean == Approx(3.770291).epsilon(1e-6));

  const MetricStatistics one = metric_statistics({7}, 0.95);
  CHECK(one.n == 1);
  CHECK(one.mean == 7);
  CHECK(one.min == 7);
  CHECK(std::isnan(one.stddev));
  CHECK(std::isnan(one.ci_lower));

  const MetricStatistics none = metric_statistics({kNaN, kNaN}, 0.95);
  CHECK(none.n == 0);
  CHECK(none.undefined == 2);
  CHECK(std::isnan(none.mean));
  CHECK(std::isnan(none.min));

  CHECK_THROWS_AS(metric_statistics({1, 2}, 1.5), std::invalid_argument);
}

TEST_CASE("comparison flags intervals that do not overlap", "[run_comparison]") {
  const auto baseline = runs_with({1, 2, 3, 4});   // CI [0.4458, 4.5542]
  const auto shifted = runs_with({2, 3, 4, 5});    // CI [1.4458, 5.5542]: overlaps
  const auto far = runs_with({10, 11, 12, 13});    // CI [9.4458, 13.5542]: apart
  const auto same = runs_with({1, 2, 3, 4});
  const ComparisonTable table = compare_columns(
      {column("base", baseline), column("shifted", shifted), column("far", far),
       column("same", same)});
  CHECK(table.columns == std::vector<std::string>{"base", "shifted", "far", "same"});
  CHECK(table.metrics == std::vector<std::string>{"m"});
  CHECK(table.units == std::vector<std::string>{"s"});
  CHECK(table.confidence == 0.95);
  CHECK(table.relative_threshold == 0.01);

  const ComparisonCell& base = cell(table, "m", 0);
  CHECK(base.is_present);
  CHECK_FALSE(base.differs);
  CHECK(base.relative_change == 0.0);

  // A 40 % change whose intervals overlap is not flagged: with several seeds
  // the intervals decide.
  CHECK(cell(table, "m", 1).relative_change == Approx(0.4));
  CHECK_FALSE(cell(table, "m", 1).differs);
  CHECK(cell(table, "m", 2).relative_change == Approx(3.6));
  CHECK(cell(table, "m", 2).differs);
  CHECK_FALSE(cell(table, "m", 3).differs);
  CHECK(cell(table, "m", 2).statistics.ci_lower == Approx(9.445740).epsilon(1e-6));
}

TEST_CASE("comparison of single runs uses the relative threshold", "[run_comparison]") {
  const auto base = runs_with({100.0});
  const auto close = runs_with({100.5});   // +0.5 %
  const auto above = runs_with({102.0});   // +2 %
  const auto below = runs_with({97.0});    // -3 %
  const ComparisonTable table = compare_columns(
      {column("base", base), column("close", close), column("above", above), column("below", below)});
  CHECK(cell(table, "m", 1).relative_change == Approx(0.005));
  CHECK_FALSE(cell(table, "m", 1).differs);
  CHECK(cell(table, "m", 2).differs);
  CHECK(cell(table, "m", 3).relative_change == Approx(-0.03));
  CHECK(cell(table, "m", 3).differs);

  // A looser threshold accepts 2 % but not 3 %.
  const ComparisonTable loose = compare_columns(
      {column("base", base), column("above", above), column("below", below)}, 0.95, 0.025);
  CHECK_FALSE(cell(loose, "m", 1).differs);
  CHECK(cell(loose, "m", 2).differs);

  // One seed against several: not both have an interval, so the threshold decides.
  const auto seeds = runs_with({100.2, 100.4, 100.6});
  const ComparisonTable mixed = compare_columns({column("base", base), column("seeds", seeds)});
  CHECK(cell(mixed, "m", 1).statistics.n == 3);
  CHECK(cell(mixed, "m", 1).relative_change == Approx(0.004));
  CHECK_FALSE(cell(mixed, "m", 1).differs);
}

TEST_CASE("comparison flags metrics missing or undefined on one side", "[run_comparison]") {
  auto base = runs_with({1.0});
  base[0].summary["only_base"] = 5.0;
  base[0].summary["zero"] = 0.0;
  base[0].summary["undefined_both"] = kNaN;
  base[0].summary["undefined_here"] = kNaN;
  auto other = runs_with({1.0});
  other[0].summary["only_other"] = 5.0;
  other[0].summary["zero"] = 0.0;
  other[0].summary["undefined_both"] = kNaN;
  other[0].summary["undefined_here"] = 3.0;
  const ComparisonTable table = compare_columns({column("base", base), column("other", other)});
  CHECK(table.metrics == std::vector<std::string>{"m", "only_base", "only_other", "undefined_both",
                                                  "undefined_here", "zero"});

  CHECK_FALSE(cell(table, "m", 1).differs);
  // Present in the baseline only.
  CHECK(cell(table, "only_base", 0).is_present);
  CHECK_FALSE(cell(table, "only_base", 1).is_present);
  CHECK(cell(table, "only_base", 1).differs);
  CHECK(std::isnan(cell(table, "only_base", 1).relative_change));
  // Present in the other column only: the baseline itself is never flagged.
  CHECK_FALSE(cell(table, "only_other", 0).is_present);
  CHECK_FALSE(cell(table, "only_other", 0).differs);
  CHECK(cell(table, "only_other", 1).differs);
  // Undefined (NaN) in both: nothing to flag; defined on one side: flagged.
  CHECK(cell(table, "undefined_both", 1).is_present);
  CHECK_FALSE(cell(table, "undefined_both", 1).differs);
  CHECK(cell(table, "undefined_here", 1).differs);
  CHECK(cell(table, "undefined_here", 0).statistics.undefined == 1);
  // 0 against 0: no change (not 0 / 0).
  CHECK(cell(table, "zero", 1).relative_change == 0.0);
  CHECK_FALSE(cell(table, "zero", 1).differs);
}

TEST_CASE("comparison leaves out failed runs", "[run_comparison]") {
  auto base = runs_with({1, 2, 3, 4});
  auto with_failure = runs_with({1, 2, 3, 4, 1000});
  with_failure[4].run.status = "failed";
  const ComparisonTable table = compare_columns({column("base", base), column("b", with_failure)});
  CHECK(cell(table, "m", 1).statistics.n == 4);
  CHECK(cell(table, "m", 1).statistics.mean == Approx(2.5));
  CHECK_FALSE(cell(table, "m", 1).differs);

  CHECK_THROWS_AS(compare_columns({column("base", base)}, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(compare_columns({column("base", base)}, 0.95, -0.1), std::invalid_argument);
  CHECK(compare_columns({}).metrics.empty());
}
