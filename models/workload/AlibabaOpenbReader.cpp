#include "workload/AlibabaOpenbReader.hpp"

#include "workload/JobTraceCsv.hpp"

#include <fmt/format.h>

namespace leptonsim {

using job_trace_csv::Column;

JobTraceImport parse_alibaba_openb_pods(std::string_view text, std::string_view source_name) {
  job_trace_csv::CsvRows rows(text, source_name,
                              {"name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "pod_phase",
                               "creation_time", "scheduled_time"});
  const Column name = rows.column("name");
  const Column cpu = rows.column("cpu_milli");
  const Column memory = rows.column("memory_mib");
  const Column gpus = rows.column("num_gpu");
  const Column gpu_milli = rows.column("gpu_milli");
  const Column phase = rows.column("pod_phase");
  const Column creation = rows.column("creation_time");
  const Column scheduled = rows.column("scheduled_time");
  const Column gpu_spec = rows.optional_column("gpu_spec");
  const Column qos = rows.optional_column("qos");
  const Column deletion = rows.optional_column("deletion_time");

  JobTraceImport import;
  while (rows.next()) {
    ++import.rows_read;
    JobRecord job;
    job.id = std::string(rows.required_text(name));
    job.cpu_milli = rows.non_negative_integer(cpu);
    job.memory_mib = rows.non_negative_integer(memory);
    job.gpus = rows.non_negative_integer(gpus);
    const std::int64_t milli = rows.non_negative_integer(gpu_milli);
    if (job.gpus > 0 && (milli < 1 || milli > 1000))
      throw rows.field_error(gpu_milli, "a share of each GPU from 1 to 1000 (num_gpu > 0)");
    if (job.gpus == 0 && milli > 1000) throw rows.field_error(gpu_milli, "0..1000");
    job.gpu_milli = job.gpus > 0 ? static_cast<std::int32_t>(milli) : 1000;
    job.gpu_type = std::string(rows.text(gpu_spec));
    job.queue_class = std::string(rows.text(qos));
    job.final_state = std::string(rows.required_text(phase));
    job.submit_time = rows.time_seconds(creation);
    const std::optional<double> scheduled_at = rows.optional_time_seconds(scheduled);
    const std::optional<double> deleted_at = rows.optional_time_seconds(deletion);
    if (scheduled_at) {
      if (*scheduled_at < job.submit_time)
        throw rows.field_error(scheduled, fmt::format("a time not before creation_time {}", job.submit_time));
      job.queue_delay_seconds = *scheduled_at - job.submit_time;
      if (deleted_at) {
        if (*deleted_at < *scheduled_at)
          throw rows.field_error(deletion, fmt::format("a time not before scheduled_time {}", *scheduled_at));
        job.duration_seconds = *deleted_at - *scheduled_at;
      }
    }
    job.source_line = rows.line();

    if (job.final_state != "Running" && job.final_state != "Succeeded") {
      ++import.skipped_by_reason[fmt::format("pod_phase {} (not Running/Succeeded)", job.final_state)];
      continue;
    }
    if (!scheduled_at) {
      ++import.skipped_by_reason["no scheduled_time"];
      continue;
    }
    import.jobs.push_back(std::move(job));
  }
  job_trace_csv::finish_import(import, source_name);
  return import;
}

JobTraceImport read_alibaba_openb_pods(const std::filesystem::path& path) {
  const std::string text = read_trace_file_text(path);
  return parse_alibaba_openb_pods(text, path.string());
}

std::vector<AlibabaNode> parse_alibaba_openb_nodes(std::string_view text, std::string_view source_name) {
  job_trace_csv::CsvRows rows(text, source_name, {"sn", "cpu_milli", "memory_mib", "gpu"});
  const Column name = rows.column("sn");
  const Column cpu = rows.column("cpu_milli");
  const Column memory = rows.column("memory_mib");
  const Column gpus = rows.column("gpu");
  const Column model = rows.optional_column("model");

  std::vector<AlibabaNode> nodes;
  while (rows.next()) {
    AlibabaNode node;
    node.name = std::string(rows.required_text(name));
    node.cpu_milli = rows.non_negative_integer(cpu);
    node.memory_mib = rows.non_negative_integer(memory);
    node.gpus = rows.non_negative_integer(gpus);
    node.gpu_model = std::string(rows.text(model));
    node.source_line = rows.line();
    nodes.push_back(std::move(node));
  }
  if (nodes.empty())
    throw TraceError(fmt::format("{}: the node list has a header but no rows: expected at least one node", source_name));
  return nodes;
}

std::vector<AlibabaNode> read_alibaba_openb_nodes(const std::filesystem::path& path) {
  const std::string text = read_trace_file_text(path);
  return parse_alibaba_openb_nodes(text, path.string());
}

}  // namespace leptonsim
