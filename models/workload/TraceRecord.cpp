#include "workload/TraceRecord.hpp"

#include "workload/AzureLlmTraceReader.hpp"
#include "workload/MooncakeTraceReader.hpp"

#include <fmt/format.h>
#include <fstream>

namespace leptonsim {

TraceSummary summarize_trace(const std::vector<TraceRecord>& records) {
  TraceSummary summary;
  summary.count = static_cast<std::int64_t>(records.size());
  for (const TraceRecord& r : records) {
    summary.total_input_tokens += r.input_tokens;
    summary.total_output_tokens += r.output_tokens;
  }
  if (!records.empty())
    summary.span_seconds = static_cast<double>(records.back().time_ns - records.front().time_ns) / 1e9;
  return summary;
}

TraceFormat parse_trace_format(std::string_view name) {
  if (name == "azure_llm_csv") return TraceFormat::azure_llm_csv;
  if (name == "mooncake_jsonl") return TraceFormat::mooncake_jsonl;
  throw std::invalid_argument(
      fmt::format("unknown trace format '{}': expected one of azure_llm_csv, mooncake_jsonl", name));
}

std::string_view trace_format_name(TraceFormat format) {
  switch (format) {
    case TraceFormat::azure_llm_csv: return "azure_llm_csv";
    case TraceFormat::mooncake_jsonl: return "mooncake_jsonl";
  }
  return "?";
}

std::vector<TraceRecord> read_request_trace(TraceFormat format, const std::filesystem::path& path) {
  switch (format) {
    case TraceFormat::azure_llm_csv: return read_azure_llm_trace(path);
    case TraceFormat::mooncake_jsonl: return read_mooncake_trace(path);
  }
  throw std::invalid_argument("unknown trace format");
}

std::string read_trace_file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(fmt::format("{}: cannot open the trace file", path.string()));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw TraceError(fmt::format("{}: cannot read the trace file", path.string()));
  std::string text(static_cast<std::size_t>(size), '\0');
  in.seekg(0, std::ios::beg);
  if (!in.read(text.data(), size)) throw TraceError(fmt::format("{}: cannot read the trace file", path.string()));
  return text;
}

}  // namespace leptonsim
