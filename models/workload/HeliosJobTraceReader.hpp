// Reader for the Helios GPU cluster job logs (S-Lab SenseTime, SC'21),
// cluster_log.csv:
//
//   job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue
//
// Columns are found by name (any order, extra columns such as jobname
// ignored). Required: job_id, gpu_num, submit_time. Optional: user, vc
// (→ virtual_cluster), cpu_num (cores → cpu_milli = 1000 × cpu_num), node_num,
// state (→ final_state), start_time, end_time, duration, queue. Times are
// "YYYY-MM-DD HH:MM:SS" (read as UTC) or plain seconds. duration comes from the
// duration column, else end_time − start_time. "queue" is the queueing delay
// in seconds when numeric (→ queue_delay_seconds), otherwise a queue name
// (→ queue_class).
//
// Skipped and counted (well formed, out of scope by design):
//   "cpu-only job (gpu_num 0)"   the GPU scheduler models only GPU jobs
//   "never started (no start_time)"   when the start_time column exists and is empty
#pragma once

#include "workload/JobRecord.hpp"
#include "workload/TraceRecord.hpp"

#include <filesystem>
#include <string_view>

namespace leptonsim {

// Throws TraceError "path:line: column 'x': expected ..., got '...'" on a
// malformed row (including end_time before start_time), a wrong field count
// or a header missing a required column.
JobTraceImport read_helios_job_trace(const std::filesystem::path& path);
JobTraceImport parse_helios_job_trace(std::string_view text, std::string_view source_name);

}  // namespace leptonsim
