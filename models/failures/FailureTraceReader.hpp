// Reader for failure traces: a CSV file with a header naming the columns
//
//   time,component,duration,cause
//
// (any order, extra columns ignored): the failure time in seconds from the
// start of the run (or a date, "YYYY-MM-DD HH:MM:SS", rebased so that the
// earliest row is at 0), the failed component by its topology name, the time
// to repair in seconds, and a free-text cause (the failure class in events and
// metrics; empty: "trace"); an optional `notice` column (seconds, empty = 0)
// makes a row a reclaim announced that long before. Rows come back in time
// order (stable).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace leptonsim {

struct TraceFailure {
  double time = 0.0;      // seconds
  std::string component;  // topology name
  double repair = 0.0;    // seconds until repaired
  std::string cause;
  double notice = 0.0;    // > 0: a reclaim announced this many seconds before
  long line = 0;          // line in the file, for messages
};

// Throws TraceError "path:line: column 'x': expected ..., got '...'" on a
// malformed row and an error naming the missing column for a bad header.
std::vector<TraceFailure> read_failure_trace(const std::filesystem::path& path);
std::vector<TraceFailure> parse_failure_trace(std::string_view text, std::string_view source_name);

}  // namespace leptonsim
