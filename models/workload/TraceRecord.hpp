// Request traces: one record per request (arrival time and token counts), read
// once into a compact vector and replayed by TraceArrivals.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace leptonsim {

struct TraceRecord {
  std::int64_t time_ns = 0;        // since the trace's first row, in nanoseconds (exact)
  std::int32_t input_tokens = 0;   // prompt / context tokens (prefill)
  std::int32_t output_tokens = 0;  // generated tokens (decode)

  // Seconds since the first row: the double nearest to time_ns / 1e9.
  double time_seconds() const { return static_cast<double>(time_ns) / 1e9; }
};
static_assert(sizeof(TraceRecord) == 16, "one trace row should stay 16 bytes");

// Malformed or unusable trace input. The message starts with "file:line: "
// (or "file: " for whole-file problems) and says what was expected.
class TraceError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct TraceSummary {
  std::int64_t count = 0;
  std::int64_t total_input_tokens = 0;
  std::int64_t total_output_tokens = 0;
  double span_seconds = 0.0;  // last time − first time
};

TraceSummary summarize_trace(const std::vector<TraceRecord>& records);

enum class TraceFormat {
  azure_llm_csv,   // Azure LLM inference 2023: TIMESTAMP,ContextTokens,GeneratedTokens
  mooncake_jsonl,  // Mooncake: {"timestamp": ms, "input_length": N, "output_length": M, ...}
};

// "azure_llm_csv" / "mooncake_jsonl" ↔ the enum; unknown names throw
// std::invalid_argument listing the valid ones.
TraceFormat parse_trace_format(std::string_view name);
std::string_view trace_format_name(TraceFormat format);

// Reads a whole trace file in the given format (throws TraceError).
std::vector<TraceRecord> read_request_trace(TraceFormat format, const std::filesystem::path& path);

// The whole content of a file (throws TraceError when it cannot be read).
std::string read_trace_file_text(const std::filesystem::path& path);

}  // namespace leptonsim
