#include "workload/JobTraceCsv.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace leptonsim::job_trace_csv {
namespace {

std::string shorten(std::string_view s, std::size_t limit = 40) {
  if (s.size() > limit) return std::string(s.substr(0, limit - 3)) + "...";
  return std::string(s);
}


}  // namespace

void split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields.push_back(trace_text::trim(line.substr(start)));
      return;
    }
    fields.push_back(trace_text::trim(line.substr(start, comma - start)));
    start = comma + 1;
  }
}

std::optional<double> parse_number(std::string_view s) {
  if (s.empty() || s.front() == '+') return std::nullopt;
  double value = 0.0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<double> parse_date_time_seconds(std::string_view s) {
  if (s.size() != 19) return std::nullopt;  // whole seconds only
  const auto ns = trace_text::parse_timestamp_ns(s);
  if (!ns) return std::nullopt;
  return static_cast<double>(*ns / 1'000'000'000);
}

CsvRows::CsvRows(std::string_view text, std::string_view source_name,
                 std::initializer_list<std::string_view> required)
    : source_name_(source_name), lines_(text) {
  std::string_view line;
  bool has_header = false;
  while (lines_.next(line)) {
    if (trace_text::trim(line).empty()) continue;
    has_header = true;
    break;
  }
  std::string expected_columns;
  for (std::string_view name : required) expected_columns += (expected_columns.empty() ? "" : ",") + std::string(name);
  if (!has_header)
    throw TraceError(fmt::format("{}: the trace is empty: expected a header naming the columns {} and rows",
                                 source_name_, expected_columns));
  split_fields(line, header_);
  for (std::string_view name : required)
    if (optional_column(name) == kAbsent)
      throw TraceError(fmt::format("{}:{}: expected a header with the columns {} (any order), missing column '{}' "
                                   "in '{}'",
                                   source_name_, lines_.number(), expected_columns, name, shorten(line, 80)));
  for (std::size_t i = 0; i < header_.size(); ++i)
    for (std::size_t j = i + 1; j < header_.size(); ++j)
      if (!header_[i].empty() && header_[i] == header_[j])
        throw TraceError(fmt::format("{}:{}: the header names column '{}' twice (fields {} and {})", source_name_,
                                     lines_.number(), header_[i], i + 1, j + 1));
}

Column CsvRows::optional_column(std::string_view name) const {
  const auto it = std::find(header_.begin(), header_.end(), name);
  return it == header_.end() ? kAbsent : static_cast<Column>(it - header_.begin());
}

Column CsvRows::column(std::string_view name) const {
  const Column c = optional_column(name);
  if (c == kAbsent) throw std::logic_error(fmt::format("column '{}' was not checked as required", name));
  return c;
}

bool CsvRows::next() {
  std::string_view line;
  while (lines_.next(line)) {
    if (trace_text::trim(line).empty()) continue;
    split_fields(line, fields_);
    if (fields_.size() != header_.size())
      throw TraceError(fmt::format("{}:{}: expected {} comma-separated fields as in the header, got {} in '{}'",
                                   source_name_, lines_.number(), header_.size(), fields_.size(), shorten(line, 80)));
    return true;
  }
  return false;
}

TraceError CsvRows::field_error(Column c, std::string_view expected) const {
  return TraceError(fmt::format("{}:{}: column '{}': expected {}, got '{}'", source_name_, lines_.number(),
                                c == kAbsent ? std::string_view("?") : header_[static_cast<std::size_t>(c)],
                                expected, shorten(text(c))));
}

std::string_view CsvRows::required_text(Column c) const {
  if (text(c).empty()) throw field_error(c, "a non-empty value");
  return text(c);
}

std::optional<std::int64_t> CsvRows::optional_non_negative_integer(Column c) const {
  const std::string_view s = text(c);
  if (s.empty()) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.front() == '+' || error != std::errc() || end != s.data() + s.size() || value < 0)
    throw field_error(c, "a non-negative integer");
  return value;
}

std::int64_t CsvRows::non_negative_integer(Column c) const {
  if (text(c).empty()) throw field_error(c, "a non-negative integer");
  return *optional_non_negative_integer(c);
}

std::optional<double> CsvRows::optional_non_negative_number(Column c) const {
  if (text(c).empty()) return std::nullopt;
  const std::optional<double> value = parse_number(text(c));
  if (!value || *value < 0.0) throw field_error(c, "a non-negative number");
  return value;
}

double CsvRows::non_negative_number(Column c) const {
  if (text(c).empty()) throw field_error(c, "a non-negative number");
  return *optional_non_negative_number(c);
}

std::optional<double> CsvRows::optional_time_seconds(Column c) const {
  if (text(c).empty()) return std::nullopt;
  if (std::optional<double> seconds = parse_number(text(c))) return seconds;
  if (std::optional<double> seconds = parse_date_time_seconds(text(c))) return seconds;
  throw field_error(c, "a time in seconds or as YYYY-MM-DD HH:MM:SS");
}

double CsvRows::time_seconds(Column c) const {
  if (text(c).empty()) throw field_error(c, "a time in seconds or as YYYY-MM-DD HH:MM:SS");
  return *optional_time_seconds(c);
}

void finish_import(JobTraceImport& import, std::string_view source_name) {
  if (import.rows_read == 0)
    throw TraceError(fmt::format("{}: the trace has a header but no rows: expected at least one row", source_name));
  std::stable_sort(import.jobs.begin(), import.jobs.end(),
                   [](const JobRecord& a, const JobRecord& b) { return a.submit_time < b.submit_time; });
  if (import.jobs.empty()) return;
  const double first = import.jobs.front().submit_time;
  for (JobRecord& job : import.jobs) job.submit_time -= first;
}

}  // namespace leptonsim::job_trace_csv
