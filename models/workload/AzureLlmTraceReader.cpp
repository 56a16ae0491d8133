#include "workload/AzureLlmTraceReader.hpp"

#include "workload/TraceTextLines.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>

namespace leptonsim {
namespace {

constexpr std::string_view kHeader = "TIMESTAMP,ContextTokens,GeneratedTokens";

}  // namespace

std::vector<TraceRecord> parse_azure_llm_trace(std::string_view text, std::string_view source_name) {
  trace_text::LineCursor lines(text);
  std::string_view line;
  const auto fail = [&](std::string_view what) {
    return TraceError(fmt::format("{}:{}: {}", source_name, lines.number(), what));
  };

  // The header: the first line that is not blank.
  bool has_header = false;
  while (lines.next(line)) {
    if (trace_text::trim(line).empty()) continue;
    if (trace_text::trim(line) != kHeader)
      throw fail(fmt::format("expected the header {}, got '{}'", kHeader, line));
    has_header = true;
    break;
  }
  if (!has_header)
    throw TraceError(fmt::format("{}: the trace is empty: expected the header {} and at least one row",
                                 source_name, kHeader));

  std::vector<TraceRecord> records;
  records.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  std::int64_t first_ns = 0, previous_ns = 0;
  std::string_view previous_text;
  long previous_line = 0;
  while (lines.next(line)) {
    if (trace_text::trim(line).empty()) continue;
    std::string_view fields[3];
    std::size_t field_count = 0, start = 0;
    for (;;) {
      const std::size_t comma = line.find(',', start);
      const std::string_view field = line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
      if (field_count < 3) fields[field_count] = trace_text::trim(field);
      ++field_count;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (field_count != 3)
      throw fail(fmt::format("expected 3 comma-separated fields {}, got {}", kHeader, field_count));
    const std::optional<std::int64_t> time_ns = trace_text::parse_timestamp_ns(fields[0]);
    if (!time_ns) throw fail(fmt::format("expected TIMESTAMP as YYYY-MM-DD HH:MM:SS[.fraction], got '{}'", fields[0]));
    const std::optional<std::int32_t> input = trace_text::parse_token_count(fields[1]);
    if (!input) throw fail(fmt::format("expected ContextTokens as a non-negative integer, got '{}'", fields[1]));
    const std::optional<std::int32_t> output = trace_text::parse_token_count(fields[2]);
    if (!output) throw fail(fmt::format("expected GeneratedTokens as a non-negative integer, got '{}'", fields[2]));
    if (records.empty()) {
      first_ns = *time_ns;
    } else if (*time_ns < previous_ns) {
      throw fail(fmt::format("expected timestamps in non-decreasing order, got {} after {} on line {}", fields[0],
                             previous_text, previous_line));
    }
    previous_ns = *time_ns;
    previous_text = fields[0];
    previous_line = lines.number();
    records.push_back({*time_ns - first_ns, *input, *output});
  }
  if (records.empty())
    throw TraceError(fmt::format("{}: the trace is empty: expected at least one row after the header {}",
                                 source_name, kHeader));
  return records;
}

std::vector<TraceRecord> read_azure_llm_trace(const std::filesystem::path& path) {
  const std::string text = read_trace_file_text(path);
  return parse_azure_llm_trace(text, path.string());
}

}  // namespace leptonsim
