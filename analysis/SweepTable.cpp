#include "SweepTable.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "RunComparison.hpp"

namespace leptonsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::optional<double> as_number(const std::string& text) {
  double value = 0.0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  const auto [stop, error] = std::from_chars(begin, end, value);
  if (error != std::errc() || stop != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<std::string> value_of(const std::map<std::string, std::string>& axes,
                                    const std::string& key) {
  const auto it = axes.find(key);
  if (it == axes.end()) return std::nullopt;
  return it->second;
}

// Orders by the given axes; a missing value sorts before any value.
bool axes_less(const std::map<std::string, std::string>& a,
               const std::map<std::string, std::string>& b, const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    const auto va = value_of(a, key);
    const auto vb = value_of(b, key);
    if (!va || !vb) {
      if (va.has_value() != vb.has_value()) return !va.has_value();
      continue;
    }
    if (parameter_value_less(*va, *vb)) return true;
    if (parameter_value_less(*vb, *va)) return false;
  }
  return false;
}

std::vector<std::string> sorted_values(std::set<std::string> values) {
  std::vector<std::string> out(values.begin(), values.end());
  std::sort(out.begin(), out.end(), parameter_value_less);
  return out;
}

}  // namespace

bool parameter_value_less(const std::string& a, const std::string& b) {
  const auto na = as_number(a);
  const auto nb = as_number(b);
  if (na && nb) return std::tie(*na, a) < std::tie(*nb, b);
  if (na.has_value() != nb.has_value()) return na.has_value();
  return a < b;
}

std::string SweepPoint::label(const std::vector<std::string>& varying_axes) const {
  std::string out;
  for (const std::string& key : varying_axes) {
    const auto value = value_of(axes, key);
    if (!value) continue;
    if (!out.empty()) out += ", ";
    out += key + "=" + *value;
  }
  if (out.empty() && !run_ids.empty()) out = fmt::format("run {}", run_ids.front());
  return out;
}

SweepTable build_sweep_table(const ReportOverview& report, double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0))
    throw std::invalid_argument(
        fmt::format("sweep table: confidence must be in (0, 1), got {}", confidence));

  SweepTable table;
  table.confidence = confidence;

  // Group runs by their parameters without the seed.
  std::map<std::map<std::string, std::string>, std::vector<const RunOverview*>> groups;
  std::set<std::string> metric_names;
  for (const RunOverview& run : report.runs) {
    std::map<std::string, std::string> axes = run.parameters;
    axes.erase("seed");
    groups[std::move(axes)].push_back(&run);
    for (const auto& [metric, unit] : run.units) {
      metric_names.insert(metric);
      table.units.emplace(metric, unit);
    }
    for (const auto& entry : run.summary) metric_names.insert(entry.first);
  }
  table.metrics.assign(metric_names.begin(), metric_names.end());

  // A key varies if two points disagree on it, or only some points have it.
  std::set<std::string> all_keys;
  for (const auto& group : groups)
    for (const auto& entry : group.first) all_keys.insert(entry.first);
  for (const std::string& key : all_keys) {
    std::set<std::optional<std::string>> seen;
    for (const auto& group : groups) seen.insert(value_of(group.first, key));
    if (seen.size() > 1) table.axes.push_back(key);
  }

  for (auto& [axes, runs] : groups) {
    SweepPoint point;
    point.axes = axes;
    std::sort(runs.begin(), runs.end(),
              [](const RunOverview* a, const RunOverview* b) { return a->run_id < b->run_id; });
    for (const RunOverview* run : runs) {
      point.run_ids.push_back(run->run_id);
      point.seeds.push_back(run->run.seed);
    }
    for (const std::string& metric : table.metrics) {
      std::vector<double> values;
      for (const RunOverview* run : runs) {
        if (run->run.status != "ok") continue;
        const auto it = run->summary.find(metric);
        if (it != run->summary.end()) values.push_back(it->second);
      }
      point.metrics.emplace(metric, metric_statistics(values, confidence));
    }
    table.points.push_back(std::move(point));
  }
  std::stable_sort(table.points.begin(), table.points.end(),
                   [&](const SweepPoint& a, const SweepPoint& b) {
                     return axes_less(a.axes, b.axes, table.axes);
                   });
  return table;
}

std::vector<std::size_t> pareto_front_min_min(const std::vector<double>& x,
                                              const std::vector<double>& y) {
  if (x.size() != y.size())
    throw std::invalid_argument(fmt::format("pareto front: {} x values but {} y values", x.size(),
                                            y.size()));
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i]) && !std::isnan(y[i])) order.push_back(i);
  // By x, then y, then input order: a point is on the front exactly when its y
  // is below every y before it (equal points after the first are dominated
  // or duplicates).
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(x[a], y[a], a) < std::tie(x[b], y[b], b);
  });
  std::vector<std::size_t> front;
  for (std::size_t i : order)
    if (front.empty() || y[i] < y[front.back()]) front.push_back(i);
  return front;
}

HeatmapGrid build_heatmap(const SweepTable& table, const std::string& axis_x,
                          const std::string& axis_y, const std::string& metric,
                          const std::map<std::string, std::string>& fixed) {
  for (const std::string* axis : {&axis_x, &axis_y})
    if (std::find(table.axes.begin(), table.axes.end(), *axis) == table.axes.end())
      throw std::invalid_argument(
          fmt::format("heatmap: '{}' is not a swept parameter of the table", *axis));

  HeatmapGrid grid;
  grid.axis_x = axis_x;
  grid.axis_y = axis_y;
  grid.metric = metric;

  // Points that match `fixed` and have both axes.
  std::vector<std::size_t> selected;
  std::set<std::string> x_values, y_values;
  for (std::size_t i = 0; i < table.points.size(); ++i) {
    const SweepPoint& point = table.points[i];
    const bool matches = std::all_of(fixed.begin(), fixed.end(), [&](const auto& entry) {
      return value_of(point.axes, entry.first) == entry.second;
    });
    const auto x = value_of(point.axes, axis_x);
    const auto y = value_of(point.axes, axis_y);
    if (!matches || !x || !y) continue;
    selected.push_back(i);
    x_values.insert(*x);
    y_values.insert(*y);
  }
  grid.x_values = sorted_values(std::move(x_values));
  grid.y_values = sorted_values(std::move(y_values));

  const std::size_t nx = grid.x_values.size();
  const std::size_t ny = grid.y_values.size();
  grid.cells.assign(nx * ny, kNaN);
  grid.cell_points.assign(nx * ny, {});
  const auto index_of = [](const std::vector<std::string>& values, const std::string& v) {
    return static_cast<std::size_t>(
        std::lower_bound(values.begin(), values.end(), v, parameter_value_less) - values.begin());
  };
  for (std::size_t i : selected) {
    const SweepPoint& point = table.points[i];
    const std::size_t ix = index_of(grid.x_values, point.axes.at(axis_x));
    const std::size_t iy = index_of(grid.y_values, point.axes.at(axis_y));
    grid.cell_points[iy * nx + ix].push_back(i);
  }
  for (std::size_t cell = 0; cell < grid.cells.size(); ++cell) {
    double sum = 0.0;
    std::size_t defined = 0;
    for (std::size_t i : grid.cell_points[cell]) {
      const auto it = table.points[i].metrics.find(metric);
      if (it == table.points[i].metrics.end() || std::isnan(it->second.mean)) continue;
      sum += it->second.mean;
      ++defined;
    }
    if (defined > 0) grid.cells[cell] = sum / static_cast<double>(defined);
  }
  return grid;
}

}  // namespace leptonsim
