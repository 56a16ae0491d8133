#include "CompareTable.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "SweepTable.hpp"

namespace leptonsim {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kMissing = "—";

// Default metrics, in this order, each where present.
const std::vector<std::string> kDefaultMetricPatterns = {"cost.total", "service.*.latency_p99",
                                                         "service.*.slo_attainment", "service.*.throughput"};

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// Up to five metrics that look like `pattern`, closest first: a small edit
// distance (a typo), or the same last part (`service.web.latency_p99` when the
// service is named otherwise).
std::vector<std::string> close_names(const std::string& pattern, const std::vector<std::string>& available) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  const std::string last_part = pattern.substr(pattern.find_last_of('.') + 1);
  for (const std::string& name : available) {
    const std::size_t distance = edit_distance(pattern, name);
    const bool shares_last_part = !last_part.empty() && last_part != "*" &&
                                  name.size() >= last_part.size() &&
                                  name.compare(name.size() - last_part.size(), last_part.size(), last_part) == 0;
    if (distance <= std::max<std::size_t>(3, pattern.size() / 4) || shares_last_part) scored.emplace_back(distance, name);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < 5; ++i) out.push_back(scored[i].second);
  return out;
}

std::string backticked(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i > 0 ? ", `" : "`") + items[i] + "`";
  return out;
}

// `digits` significant digits without an exponent between 1e-4 and 1e15, trailing zeros dropped.
std::string significant(double value, int digits) {
  if (std::isnan(value)) return kMissing;
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0.0) return "0";
  const double magnitude = std::abs(value);
  if (magnitude < 1e-4 || magnitude >= 1e15) return fmt::format("{:.{}g}", value, digits);
  const int exponent = static_cast<int>(std::floor(std::log10(magnitude)));
  const int decimals = std::max(0, digits - 1 - exponent);
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

// Full precision for csv; empty for NaN.
std::string exact(double value) { return std::isnan(value) ? std::string() : fmt::format("{}", value); }

Json json_number(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++width;  // count UTF-8 code points, not bytes
  return width;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) line += (i > 0 ? "," : "") + csv_field(fields[i]);
  return line + "\n";
}

// Columns padded to their widest cell; text columns left-aligned, numbers right-aligned.
std::string aligned_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                          std::size_t first_numeric_column) {
  std::vector<std::size_t> widths(header.size(), 0);
  for (std::size_t c = 0; c < header.size(); ++c) widths[c] = display_width(header[c]);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string padding(widths[c] - display_width(cells[c]), ' ');
      if (c > 0) out += "  ";
      out += c >= first_numeric_column ? padding + cells[c] : cells[c] + padding;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string text = line(header);
  std::vector<std::string> rule;
  for (std::size_t width : widths) rule.push_back(std::string(width, '-'));
  text += line(rule);
  for (const auto& row : rows) text += line(row);
  return text;
}

// One listed row: a point of a report's sweep table, or one run.
struct Row {
  std::size_t report = 0;
  std::map<std::string, std::string> parameters;  // without seed
  const SweepPoint* point = nullptr;
  const RunOverview* run = nullptr;
};

// Parameters whose value (or presence) differs between rows, sorted.
std::vector<std::string> varying_parameters(const std::vector<Row>& rows) {
  std::set<std::string> keys;
  for (const Row& row : rows)
    for (const auto& entry : row.parameters) keys.insert(entry.first);
  std::vector<std::string> varying;
  for (const std::string& key : keys) {
    std::set<std::optional<std::string>> values;
    for (const Row& row : rows) {
      const auto it = row.parameters.find(key);
      values.insert(it == row.parameters.end() ? std::nullopt : std::optional<std::string>(it->second));
    }
    if (values.size() > 1) varying.push_back(key);
  }
  return varying;
}

std::string parameter_cell(const Row& row, const std::string& key) {
  const auto it = row.parameters.find(key);
  return it == row.parameters.end() ? kMissing : it->second;
}

// The file names of the reports, or their paths where two names are equal.
std::vector<std::string> report_labels(const std::vector<ReportOverview>& reports) {
  std::vector<std::string> labels;
  std::map<std::string, int> count;
  for (const auto& report : reports) ++count[std::filesystem::path(report.path).filename().string()];
  for (const auto& report : reports) {
    const std::string name = std::filesystem::path(report.path).filename().string();
    labels.push_back(count[name] > 1 || name.empty() ? report.path : name);
  }
  return labels;
}

const MetricStatistics* statistics_of(const Row& row, const std::string& metric) {
  const auto it = row.point->metrics.find(metric);
  return it == row.point->metrics.end() ? nullptr : &it->second;
}

double run_value(const Row& row, const std::string& metric) {
  const auto it = row.run->summary.find(metric);
  return it == row.run->summary.end() ? std::nan("") : it->second;
}

std::string point_cell(const MetricStatistics* s) {
  if (s == nullptr || s->n == 0) return kMissing;
  if (s->n == 1 || std::isnan(s->ci_upper)) return significant(s->mean, 6);
  return fmt::format("{} ± {} ({})", significant(s->mean, 6), significant((s->ci_upper - s->ci_lower) / 2.0, 4), s->n);
}

}  // namespace

CompareOptions::By parse_compare_by(const std::string& word) {
  if (word == "point") return CompareOptions::By::point;
  if (word == "run") return CompareOptions::By::run;
  throw std::invalid_argument(fmt::format("--by: expected `point` or `run`, got `{}`", word));
}

CompareOptions::Format parse_compare_format(const std::string& word) {
  if (word == "table") return CompareOptions::Format::table;
  if (word == "csv") return CompareOptions::Format::csv;
  if (word == "json") return CompareOptions::Format::json;
  throw std::invalid_argument(fmt::format("--format: expected `table`, `csv` or `json`, got `{}`", word));
}

bool metric_glob_match(std::string_view pattern, std::string_view name) {
  // Iterative wildcard match with backtracking to the last `*`.
  std::size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> select_metrics(const std::vector<std::string>& available,
                                        const std::vector<std::string>& patterns) {
  std::vector<std::string> sorted = available;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> chosen;
  std::set<std::string> taken;
  std::vector<std::string> problems;
  for (const std::string& pattern : patterns) {
    bool matched = false;
    for (const std::string& name : sorted) {
      if (!metric_glob_match(pattern, name)) continue;
      matched = true;
      if (taken.insert(name).second) chosen.push_back(name);
    }
    if (matched) continue;
    const auto close = close_names(pattern, sorted);
    if (!close.empty())
      problems.push_back(fmt::format("unknown metric `{}`; close names: {}", pattern, backticked(close)));
    else if (sorted.empty())
      problems.push_back(fmt::format("unknown metric `{}`; the reports have no summary metrics", pattern));
    else
      problems.push_back(fmt::format("unknown metric `{}`; metrics in the reports include {}", pattern,
                                     backticked(std::vector<std::string>(
                                         sorted.begin(), sorted.begin() + std::min<std::size_t>(8, sorted.size())))));
  }
  if (!problems.empty()) {
    std::string message;
    for (std::size_t i = 0; i < problems.size(); ++i) message += (i > 0 ? "\n" : "") + problems[i];
    throw std::invalid_argument(message);
  }
  return chosen;
}

std::string format_comparison(const std::vector<ReportOverview>& reports, const CompareOptions& options) {
  std::vector<SweepTable> tables;
  std::set<std::string> metric_set;
  std::map<std::string, std::string> units;
  for (const ReportOverview& report : reports) {
    tables.push_back(build_sweep_table(report, options.confidence));
    metric_set.insert(tables.back().metrics.begin(), tables.back().metrics.end());
    units.insert(tables.back().units.begin(), tables.back().units.end());
  }
  const std::vector<std::string> available(metric_set.begin(), metric_set.end());
  std::vector<std::string> metrics;
  if (!options.metrics.empty()) {
    metrics = select_metrics(available, options.metrics);
  } else {
    for (const std::string& pattern : kDefaultMetricPatterns)
      for (const std::string& name : available)
        if (metric_glob_match(pattern, name) && std::find(metrics.begin(), metrics.end(), name) == metrics.end())
          metrics.push_back(name);
    if (metrics.empty()) metrics = available;
  }

  const bool by_point = options.by == CompareOptions::By::point;
  std::vector<Row> rows;
  for (std::size_t r = 0; r < reports.size(); ++r) {
    if (by_point) {
      for (const SweepPoint& point : tables[r].points) rows.push_back({r, point.axes, &point, nullptr});
    } else {
      for (const RunOverview& run : reports[r].runs) {
        auto parameters = run.parameters;
        parameters.erase("seed");
        rows.push_back({r, std::move(parameters), nullptr, &run});
      }
    }
  }
  const std::vector<std::string> axes = varying_parameters(rows);
  const std::vector<std::string> labels = report_labels(reports);
  const bool any_failed = std::any_of(rows.begin(), rows.end(),
                                      [](const Row& row) { return row.run != nullptr && row.run->run.status != "ok"; });

  if (options.format == CompareOptions::Format::json) {
    Json out = Json::array();
    for (const Row& row : rows) {
      Json item;
      item["file"] = reports[row.report].path;
      if (!by_point) {
        item["run_id"] = row.run->run_id;
        item["seed"] = row.run->run.seed;
        item["status"] = row.run->run.status;
      }
      Json parameters = Json::object();
      for (const std::string& key : axes)
        if (const auto it = row.parameters.find(key); it != row.parameters.end()) parameters[key] = it->second;
      item["parameters"] = parameters;
      if (by_point) {
        item["run_ids"] = row.point->run_ids;
        item["seeds"] = row.point->seeds;
      }
      Json values = Json::object();
      for (const std::string& metric : metrics) {
        const auto unit_it = units.find(metric);
        const std::string unit = unit_it == units.end() ? "" : unit_it->second;
        if (by_point) {
          const MetricStatistics* s = statistics_of(row, metric);
          Json entry;
          entry["unit"] = unit;
          entry["n"] = s ? s->n : 0;
          entry["mean"] = json_number(s ? s->mean : std::nan(""));
          entry["stddev"] = json_number(s ? s->stddev : std::nan(""));
          entry["ci_lower"] = json_number(s ? s->ci_lower : std::nan(""));
          entry["ci_upper"] = json_number(s ? s->ci_upper : std::nan(""));
          values[metric] = entry;
        } else {
          values[metric] = json_number(run_value(row, metric));
        }
      }
      item["metrics"] = values;
      out.push_back(std::move(item));
    }
    return out.dump(2) + "\n";
  }

  if (options.format == CompareOptions::Format::csv) {
    std::vector<std::string> header = {"file"};
    if (!by_point) header.insert(header.end(), {"run_id", "seed", "status"});
    header.insert(header.end(), axes.begin(), axes.end());
    for (const std::string& metric : metrics) {
      if (by_point)
        for (const char* part : {".mean", ".ci_lower", ".ci_upper", ".n"}) header.push_back(metric + part);
      else
        header.push_back(metric);
    }
    std::string text = csv_line(header);
    for (const Row& row : rows) {
      std::vector<std::string> fields = {labels[row.report]};
      if (!by_point)
        fields.insert(fields.end(), {std::to_string(row.run->run_id), std::to_string(row.run->run.seed), row.run->run.status});
      for (const std::string& key : axes) {
        const auto it = row.parameters.find(key);
        fields.push_back(it == row.parameters.end() ? "" : it->second);
      }
      for (const std::string& metric : metrics) {
        if (by_point) {
          const MetricStatistics* s = statistics_of(row, metric);
          fields.push_back(s ? exact(s->mean) : "");
          fields.push_back(s ? exact(s->ci_lower) : "");
          fields.push_back(s ? exact(s->ci_upper) : "");
          fields.push_back(std::to_string(s ? s->n : 0));
        } else {
          fields.push_back(exact(run_value(row, metric)));
        }
      }
      text += csv_line(fields);
    }
    return text;
  }

  // Aligned text.
  std::vector<std::string> header;
  if (reports.size() > 1) header.push_back("file");
  if (!by_point) {
    header.insert(header.end(), {"run", "seed"});
    if (any_failed) header.push_back("status");
  }
  header.insert(header.end(), axes.begin(), axes.end());
  const std::size_t first_metric_column = header.size();
  for (const std::string& metric : metrics) {
    const auto unit_it = units.find(metric);
    const bool show_unit = unit_it != units.end() && !unit_it->second.empty() && unit_it->second != "1";
    header.push_back(show_unit ? fmt::format("{} [{}]", metric, unit_it->second) : metric);
  }
  std::vector<std::vector<std::string>> cells;
  for (const Row& row : rows) {
    std::vector<std::string> line;
    if (reports.size() > 1) line.push_back(labels[row.report]);
    if (!by_point) {
      line.insert(line.end(), {std::to_string(row.run->run_id), std::to_string(row.run->run.seed)});
      if (any_failed) line.push_back(row.run->run.status);
    }
    for (const std::string& key : axes) line.push_back(parameter_cell(row, key));
    for (const std::string& metric : metrics)
      line.push_back(by_point ? point_cell(statistics_of(row, metric)) : significant(run_value(row, metric), 6));
    cells.push_back(std::move(line));
  }
  std::string text = aligned_table(header, cells, first_metric_column);
  if (by_point)
    text += fmt::format("mean ± half-width of the {:g} % Student-t interval across seeds (n = runs with a value)\n",
                        options.confidence * 100.0);
  return text;
}

std::string format_comparison(const std::vector<std::string>& report_paths, const CompareOptions& options) {
  if (report_paths.empty()) throw std::invalid_argument("compare: expected at least one report");
  std::vector<ReportOverview> reports;
  for (const std::string& path : report_paths) reports.push_back(read_report_overview(path));
  return format_comparison(reports, options);
}

}  // namespace leptonsim
