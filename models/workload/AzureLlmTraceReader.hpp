// Reader for the Azure LLM inference trace 2023 (Azure/AzurePublicDataset,
// "AzureLLMInferenceTrace_{code,conv}.csv"):
//
//   TIMESTAMP,ContextTokens,GeneratedTokens
//   2023-11-16 18:17:03.9799600,4808,10
//
// The header line is required. TIMESTAMP is "YYYY-MM-DD HH:MM:SS" with an
// optional fraction of up to 9 digits (the trace has 7, i.e. 100 ns); it is
// converted exactly to integer nanoseconds since the first row, across
// midnight, month and year boundaries. Rows must be in non-decreasing time
// order (equal times are allowed). CRLF line endings, a UTF-8 byte order mark,
// spaces around fields and blank lines are accepted.
#pragma once

#include "workload/TraceRecord.hpp"

namespace leptonsim {

// Throws TraceError "path:line: expected ..., got ..." on malformed input, an
// unsorted row, or a trace without rows.
std::vector<TraceRecord> read_azure_llm_trace(const std::filesystem::path& path);

// The same on text already in memory; source_name prefixes the messages.
std::vector<TraceRecord> parse_azure_llm_trace(std::string_view text, std::string_view source_name);

}  // namespace leptonsim
