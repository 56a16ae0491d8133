#include "ReportDataset.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "Downsampling.hpp"
#include "SqliteReport.hpp"

namespace leptonsim {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

RunOverview make_overview(std::int64_t run_id, RunRecord run,
                          std::map<std::string, std::string> parameters,
                          const std::vector<SummaryMetric>& summary) {
  RunOverview overview;
  overview.run_id = run_id;
  overview.run = std::move(run);
  overview.parameters = std::move(parameters);
  for (const SummaryMetric& m : summary) {
    overview.summary[m.metric] = m.value;
    overview.units[m.metric] = m.unit;
  }
  return overview;
}

// Streams one curve (or the part of it within [t_from, t_to]) through a
// min/max downsampler; `info` receives the row count and time span.
TimeSeries load_curve(const ReportReader& reader, std::int64_t run_id, const std::string& series,
                      const std::string& entity, double t_from, double t_to,
                      std::size_t max_points, SeriesInfo* info) {
  TimeSeries curve;
  curve.series = series;
  curve.entity = entity;
  const auto span = reader.time_span(run_id, series, entity, t_from, t_to);
  if (info) {
    info->series = series;
    info->entity = entity;
  }
  if (!span) return curve;
  MinMaxDownsampler downsampler(span->first, span->second, max_points);
  const std::int64_t points = reader.for_each_point(
      run_id, series, entity, t_from, t_to,
      [&downsampler](double t, double value) { downsampler.add(t, value); });
  downsampler.write_to(curve);
  if (info) {
    info->points = points;
    info->t_min = span->first;
    info->t_max = span->second;
  }
  return curve;
}

void check_point_budget(std::size_t max_points) {
  if (max_points != 0 && max_points < 4)
    throw std::invalid_argument(
        fmt::format("max_points must be 0 (every point) or at least 4, got {}", max_points));
}

// Reads the curves on up to kMaxReadThreads connections at once: stepping
// through SQLite rows is the cost of opening a large report and each
// connection is independent (one thread per connection, as SQLite requires).
// Threads take the next unread curve, so uneven curves balance out.
constexpr unsigned kMaxReadThreads = 4;
constexpr std::size_t kCurvesPerThread = 4;  // fewer curves are not worth a thread

void load_curves_in_parallel(const ReportReader& reader,
                             const std::vector<std::pair<std::string, std::string>>& keys,
                             std::int64_t run_id, std::size_t max_points, RunDataset& dataset) {
  std::atomic<std::size_t> next_curve{0};
  const auto read_curves = [&](const ReportReader& connection) {
    for (std::size_t i = next_curve++; i < keys.size(); i = next_curve++)
      dataset.series[i] = load_curve(connection, run_id, keys[i].first, keys[i].second, -kInfinity,
                                     kInfinity, max_points, &dataset.series_info[i]);
  };
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t helpers =
      std::min<std::size_t>({hardware, kMaxReadThreads, keys.size() / kCurvesPerThread + 1}) - 1;

  std::vector<std::exception_ptr> errors(helpers);
  std::vector<std::thread> threads;
  threads.reserve(helpers);
  const auto helper = [&](std::size_t h) {
    try {
      const ReportReader connection(reader.path());
      // The simulator may have replaced the file (atomic rename) since the
      // first connection opened it: never mix curves of two files.
      const RunRecord seen = connection.run(run_id);
      const RunRecord& expected = dataset.overview.run;
      if (seen.started_at != expected.started_at || seen.scenario_hash != expected.scenario_hash ||
          seen.seed != expected.seed ||
          !(seen.wall_seconds == expected.wall_seconds ||
            (std::isnan(seen.wall_seconds) && std::isnan(expected.wall_seconds))))
        throw std::runtime_error("the file was replaced while it was being read; open it again");
      read_curves(connection);
    } catch (...) {
      errors[h] = std::current_exception();
      next_curve = keys.size();  // the others stop early
    }
  };
  for (std::size_t h = 0; h < helpers; ++h) {
    try {
      threads.emplace_back(helper, h);
    } catch (const std::system_error&) {
      break;  // no more threads available: the threads we have read everything
    }
  }
  std::exception_ptr own_error;
  try {
    read_curves(reader);
  } catch (...) {
    own_error = std::current_exception();
    next_curve = keys.size();
  }
  for (std::thread& thread : threads) thread.join();
  if (own_error) std::rethrow_exception(own_error);
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);
}

// "report 'path': ..." unless the message already names the file.
std::runtime_error with_file(const std::string& path, const std::exception& e) {
  const std::string message = e.what();
  if (message.find(path) != std::string::npos) return std::runtime_error(message);
  return std::runtime_error(fmt::format("report '{}': {}", path, message));
}

}  // namespace

const TimeSeries* RunDataset::find_series(std::string_view series_name,
                                          std::string_view entity) const {
  const auto it = std::lower_bound(series_info.begin(), series_info.end(),
                                   std::make_pair(series_name, entity),
                                   [](const SeriesInfo& info, const auto& key) {
                                     return std::make_pair(std::string_view(info.series),
                                                           std::string_view(info.entity)) < key;
                                   });
  if (it == series_info.end() || it->series != series_name || it->entity != entity) return nullptr;
  const auto index = static_cast<std::size_t>(it - series_info.begin());
  return index < series.size() ? &series[index] : nullptr;
}

std::vector<const TimeSeries*> RunDataset::series_named(std::string_view series_name) const {
  std::vector<const TimeSeries*> out;
  auto it = std::lower_bound(
      series_info.begin(), series_info.end(), series_name,
      [](const SeriesInfo& info, std::string_view name) { return info.series < name; });
  for (; it != series_info.end() && it->series == series_name; ++it) {
    const auto index = static_cast<std::size_t>(it - series_info.begin());
    if (index < series.size()) out.push_back(&series[index]);
  }
  return out;
}

std::optional<double> RunDataset::summary_value(std::string_view metric) const {
  const auto it = overview.summary.find(std::string(metric));
  if (it == overview.summary.end()) return std::nullopt;
  return it->second;
}

std::string RunDataset::label() const {
  return fmt::format("{} (seed {}, run {})", overview.run.scenario_name, overview.run.seed,
                     overview.run_id);
}

ReportOverview read_report_overview(const std::string& path) {
  const ReportReader reader(path);  // names the file in its own errors
  ReportOverview report;
  report.path = path;
  report.meta = reader.meta();
  std::map<std::int64_t, RunRecord> runs = reader.runs();
  std::map<std::int64_t, std::map<std::string, std::string>> parameters =
      reader.parameters_of_all_runs();
  const std::map<std::int64_t, std::vector<SummaryMetric>> summaries =
      reader.summaries_of_all_runs();
  report.runs.reserve(runs.size());
  static const std::vector<SummaryMetric> kNoSummary;
  for (auto& [run_id, run] : runs) {
    const auto summary = summaries.find(run_id);
    report.runs.push_back(make_overview(run_id, std::move(run), std::move(parameters[run_id]),
                                        summary == summaries.end() ? kNoSummary : summary->second));
  }
  return report;
}

RunDataset load_run_dataset(const std::string& path, std::int64_t run_id,
                            std::size_t max_points_per_series) {
  check_point_budget(max_points_per_series);
  const ReportReader reader(path);
  try {
    RunDataset dataset;
    dataset.report_path = path;
    dataset.max_points_per_series = max_points_per_series;
    dataset.overview.run_id = run_id;
    dataset.overview.run = reader.run(run_id);
    dataset.overview.parameters = reader.parameters(run_id);
    dataset.overview.summary = reader.summary(run_id);
    dataset.overview.units = reader.summary_units(run_id);

    const auto keys = reader.series_keys(run_id);
    dataset.series_info.resize(keys.size());
    dataset.series.resize(keys.size());
    load_curves_in_parallel(reader, keys, run_id, max_points_per_series, dataset);
    dataset.events = reader.events(run_id);
    dataset.replicas = reader.replicas(run_id);
    return dataset;
  } catch (const std::exception& e) {
    throw with_file(path, e);
  }
}

TimeSeries load_series_range(const std::string& path, std::int64_t run_id,
                             const std::string& series, const std::string& entity, double t_from,
                             double t_to, std::size_t max_points) {
  check_point_budget(max_points);
  const ReportReader reader(path);
  try {
    reader.run(run_id);  // an unknown run is an error, an absent curve is not
    return load_curve(reader, run_id, series, entity, t_from, t_to, max_points, nullptr);
  } catch (const std::exception& e) {
    throw with_file(path, e);
  }
}

}  // namespace leptonsim
