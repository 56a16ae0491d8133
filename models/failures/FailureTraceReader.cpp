#include "failures/FailureTraceReader.hpp"

#include "workload/JobTraceCsv.hpp"

#include <algorithm>

namespace leptonsim {

std::vector<TraceFailure> parse_failure_trace(std::string_view text, std::string_view source_name) {
  job_trace_csv::CsvRows rows(text, source_name, {"time", "component", "duration"});
  const auto time = rows.column("time");
  const auto component = rows.column("component");
  const auto duration = rows.column("duration");
  const auto cause = rows.optional_column("cause");
  const auto notice = rows.optional_column("notice");
  std::vector<TraceFailure> failures;
  bool has_dates = false;
  while (rows.next()) {
    TraceFailure failure;
    failure.time = rows.time_seconds(time);
    has_dates = has_dates || !job_trace_csv::parse_number(rows.text(time));
    failure.component = std::string(rows.required_text(component));
    failure.repair = rows.non_negative_number(duration);
    failure.cause = rows.text(cause).empty() ? std::string("trace") : std::string(rows.text(cause));
    failure.notice = rows.optional_non_negative_number(notice).value_or(0.0);
    failure.line = rows.line();
    failures.push_back(std::move(failure));
  }
  std::stable_sort(failures.begin(), failures.end(),
                   [](const TraceFailure& a, const TraceFailure& b) { return a.time < b.time; });
  if (has_dates && !failures.empty()) {
    const double first = failures.front().time;
    for (TraceFailure& failure : failures) failure.time -= first;
  }
  return failures;
}

std::vector<TraceFailure> read_failure_trace(const std::filesystem::path& path) {
  return parse_failure_trace(read_trace_file_text(path), path.string());
}

}  // namespace leptonsim
