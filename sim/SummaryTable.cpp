#include "SummaryTable.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace leptonsim {

std::string format_summary_table(const RunResult& result) {
  std::size_t width = 6;
  for (const auto& metric : result.summary) width = std::max(width, metric.metric.size());
  std::string out = fmt::format("{}  (seed {}, {:.0f} s simulated, {:.2f} s wall)\n", result.run.scenario_name,
                                result.run.seed, result.run.simulated_seconds, result.run.wall_seconds);
  out += fmt::format("  {:<{}}  {:>14}  {}\n", "metric", width, "value", "unit");
  for (const auto& metric : result.summary) {
    const std::string value = std::isnan(metric.value) ? "n/a" : fmt::format("{:.6g}", metric.value);
    out += fmt::format("  {:<{}}  {:>14}  {}\n", metric.metric, width, value, metric.unit);
  }
  return out;
}

}  // namespace leptonsim
