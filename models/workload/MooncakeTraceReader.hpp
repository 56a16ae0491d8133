// Reader for the Mooncake request traces (kvcache-ai/Mooncake, FAST'25),
// one JSON object per line:
//
//   {"timestamp": 27482, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47]}
//
// "timestamp" is in milliseconds (an integer or a decimal number), converted
// to nanoseconds since the first row; "input_length" and "output_length" are
// non-negative integers; other keys are ignored. Rows must be in
// non-decreasing time order. Blank lines are skipped.
#pragma once

#include "workload/TraceRecord.hpp"

namespace leptonsim {

// Throws TraceError "path:line: expected ..., got ..." on malformed input, an
// unsorted row, or a trace without rows.
std::vector<TraceRecord> read_mooncake_trace(const std::filesystem::path& path);

// The same on text already in memory; source_name prefixes the messages.
std::vector<TraceRecord> parse_mooncake_trace(std::string_view text, std::string_view source_name);

}  // namespace leptonsim
