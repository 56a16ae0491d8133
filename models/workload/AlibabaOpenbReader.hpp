// Readers for the Alibaba GPU cluster trace 2023 ("openb", alibaba/clusterdata
// cluster-trace-gpu-v2023, FGD paper, ATC'23): the pod list and the node list.
//
// Pod list header (columns found by name, any order, extra columns ignored):
//
//   name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time
//
// Required: name, cpu_milli, memory_mib, num_gpu, gpu_milli, pod_phase,
// creation_time, scheduled_time (the last may be empty in a row). Optional:
// gpu_spec (kept as text: "" = any model, "V100M16|V100M32" = one of these),
// qos (→ queue_class), deletion_time. Times are seconds (or YYYY-MM-DD
// HH:MM:SS). A pod becomes one JobRecord: gpus = num_gpu, gpu_milli = the
// share of each GPU (1..1000 when num_gpu > 0; CPU-only pods get 1000),
// submit_time = creation_time, duration = deletion_time − scheduled_time when
// both are present, queue_delay = scheduled_time − creation_time,
// final_state = pod_phase.
//
// Skipped and counted (well-formed pods that never ran):
//   "pod_phase <phase> (not Running/Succeeded)"   e.g. Pending, Failed
//   "no scheduled_time"                            Running/Succeeded but never scheduled
//
// Node list header: sn,cpu_milli,memory_mib,gpu,model (model may be empty for
// CPU-only nodes). Every row becomes an AlibabaNode.
#pragma once

#include "workload/JobRecord.hpp"
#include "workload/TraceRecord.hpp"

#include <filesystem>
#include <string_view>

namespace leptonsim {

struct AlibabaNode {
  std::string name;             // "sn"
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  std::int64_t gpus = 0;
  std::string gpu_model;        // "" for CPU-only nodes
  long source_line = 0;
};

// Throw TraceError "path:line: column 'x': expected ..., got '...'" on
// malformed rows (and on deletion_time before scheduled_time or scheduled_time
// before creation_time), a wrong field count or a header missing a column.
JobTraceImport read_alibaba_openb_pods(const std::filesystem::path& path);
JobTraceImport parse_alibaba_openb_pods(std::string_view text, std::string_view source_name);

std::vector<AlibabaNode> read_alibaba_openb_nodes(const std::filesystem::path& path);
std::vector<AlibabaNode> parse_alibaba_openb_nodes(std::string_view text, std::string_view source_name);

}  // namespace leptonsim
