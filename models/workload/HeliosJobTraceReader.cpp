#include "workload/HeliosJobTraceReader.hpp"

#include "workload/JobTraceCsv.hpp"

#include <limits>

namespace leptonsim {

using job_trace_csv::Column;

JobTraceImport parse_helios_job_trace(std::string_view text, std::string_view source_name) {
  job_trace_csv::CsvRows rows(text, source_name, {"job_id", "gpu_num", "submit_time"});
  const Column id = rows.column("job_id");
  const Column gpus = rows.column("gpu_num");
  const Column submit = rows.column("submit_time");
  const Column user = rows.optional_column("user");
  const Column vc = rows.optional_column("vc");
  const Column cpus = rows.optional_column("cpu_num");
  const Column nodes = rows.optional_column("node_num");
  const Column state = rows.optional_column("state");
  const Column start = rows.optional_column("start_time");
  const Column end = rows.optional_column("end_time");
  const Column duration = rows.optional_column("duration");
  const Column queue = rows.optional_column("queue");

  JobTraceImport import;
  while (rows.next()) {
    ++import.rows_read;
    JobRecord job;
    job.id = std::string(rows.required_text(id));
    job.gpus = rows.non_negative_integer(gpus);
    job.submit_time = rows.time_seconds(submit);
    job.user = std::string(rows.text(user));
    job.virtual_cluster = std::string(rows.text(vc));
    const std::int64_t cpu_count = rows.optional_non_negative_integer(cpus).value_or(0);
    if (cpu_count > std::numeric_limits<std::int64_t>::max() / 1000) throw rows.field_error(cpus, "a CPU count");
    job.cpu_milli = cpu_count * 1000;
    job.nodes = rows.optional_non_negative_integer(nodes).value_or(0);
    job.final_state = std::string(rows.text(state));
    const std::optional<double> started_at = rows.optional_time_seconds(start);
    const std::optional<double> ended_at = rows.optional_time_seconds(end);
    if (started_at && ended_at && *ended_at < *started_at)
      throw rows.field_error(end, "a time not before start_time");
    job.duration_seconds = rows.optional_non_negative_number(duration);
    if (!job.duration_seconds && started_at && ended_at) job.duration_seconds = *ended_at - *started_at;
    if (const std::string_view queue_text = rows.text(queue); !queue_text.empty()) {
      if (const std::optional<double> delay = job_trace_csv::parse_number(queue_text)) {
        if (*delay < 0.0) throw rows.field_error(queue, "a non-negative queueing delay in seconds or a queue name");
        job.queue_delay_seconds = *delay;
      } else {
        job.queue_class = std::string(queue_text);
      }
    }
    job.source_line = rows.line();

    if (job.gpus == 0) {
      ++import.skipped_by_reason["cpu-only job (gpu_num 0)"];
      continue;
    }
    if (start != job_trace_csv::kAbsent && !started_at) {
      ++import.skipped_by_reason["never started (no start_time)"];
      continue;
    }
    import.jobs.push_back(std::move(job));
  }
  job_trace_csv::finish_import(import, source_name);
  return import;
}

JobTraceImport read_helios_job_trace(const std::filesystem::path& path) {
  const std::string text = read_trace_file_text(path);
  return parse_helios_job_trace(text, path.string());
}

}  // namespace leptonsim
