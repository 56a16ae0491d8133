// Jobs imported from GPU-cluster job traces (Tiresias/Philly, Alibaba openb,
// Helios), in one source-neutral form. The readers are in
// PhillyJobTraceReader, AlibabaOpenbReader and HeliosJobTraceReader; they throw
// TraceError ("file:line: column 'x': expected ..., got '...'") on malformed
// rows and skip, counting by reason, rows that are well formed but unusable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace leptonsim {

struct JobRecord {
  std::string id;                 // the trace's job or pod name
  double submit_time = 0.0;       // seconds since the earliest imported job's submission (which is at 0)
  std::int64_t gpus = 0;          // GPUs requested in total (0 = CPU-only)
  std::int32_t gpu_milli = 1000;  // share of each GPU, 1..1000 (Alibaba fractional pods); 1000 otherwise
  std::string gpu_type;           // required GPU model as in the trace ("" = any; may hold "A|B" alternatives)
  std::int64_t cpu_milli = 0;     // CPU in thousandths of a core (0 = unknown)
  std::int64_t memory_mib = 0;    // memory in MiB (0 = unknown)
  std::int64_t nodes = 0;         // nodes requested (0 = unknown)
  std::optional<double> duration_seconds;     // run time recorded by the trace
  std::optional<std::int64_t> iterations;     // training iterations (Philly)
  std::optional<double> queue_delay_seconds;  // waiting time recorded by the trace (Helios "queue")
  std::string model_name;                     // Philly model_name
  std::string user;
  std::string virtual_cluster;
  std::string queue_class;  // queue or QoS class (Alibaba qos: LS, BE, Burstable, Guaranteed)
  std::string final_state;  // as written in the trace (Running, Succeeded, COMPLETED, ...)
  long source_line = 0;     // 1-based line of the row in the trace file
};

// The result of one import. Invariant: jobs.size() + Σ skipped_by_reason == rows_read.
// Jobs are ordered by submit_time (ties keep the file order).
struct JobTraceImport {
  std::vector<JobRecord> jobs;
  std::map<std::string, std::size_t> skipped_by_reason;  // reason text → rows skipped for it
  std::size_t rows_read = 0;                             // data rows (blank lines not counted)

  std::size_t skipped_count() const {
    std::size_t total = 0;
    for (const auto& [reason, count] : skipped_by_reason) total += count;
    return total;
  }
};

}  // namespace leptonsim
