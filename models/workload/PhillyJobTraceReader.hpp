// Reader for the Tiresias/Philly job traces (SymbioticLab/Tiresias simulator
// input, derived from Microsoft Philly), a CSV with a header:
//
//   job_id,num_gpu,submit_time,iterations,model_name,duration,interval
//
// Columns are found by name (any order, extra columns ignored). Required:
// job_id, num_gpu (integer ≥ 0), submit_time (seconds, or YYYY-MM-DD HH:MM:SS),
// duration (seconds ≥ 0). Optional: iterations (integer ≥ 0, may be empty),
// model_name. "interval" (the gap to the previous submission) is not read.
// No row is skipped by design; every malformed row throws.
#pragma once

#include "workload/JobRecord.hpp"
#include "workload/TraceRecord.hpp"

#include <filesystem>
#include <string_view>

namespace leptonsim {

// Throws TraceError "path:line: column 'x': expected ..., got '...'" on a
// malformed row, "path:line: expected N comma-separated fields ..." on a wrong
// field count, and an error naming the missing column for a bad header.
JobTraceImport read_philly_job_trace(const std::filesystem::path& path);

// The same on text already in memory; source_name prefixes the messages.
JobTraceImport parse_philly_job_trace(std::string_view text, std::string_view source_name);

}  // namespace leptonsim
