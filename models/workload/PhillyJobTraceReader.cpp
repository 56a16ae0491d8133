#include "workload/PhillyJobTraceReader.hpp"

#include "workload/JobTraceCsv.hpp"

namespace leptonsim {

JobTraceImport parse_philly_job_trace(std::string_view text, std::string_view source_name) {
  job_trace_csv::CsvRows rows(text, source_name, {"job_id", "num_gpu", "submit_time", "duration"});
  const job_trace_csv::Column id = rows.column("job_id");
  const job_trace_csv::Column gpus = rows.column("num_gpu");
  const job_trace_csv::Column submit = rows.column("submit_time");
  const job_trace_csv::Column duration = rows.column("duration");
  const job_trace_csv::Column iterations = rows.optional_column("iterations");
  const job_trace_csv::Column model = rows.optional_column("model_name");

  JobTraceImport import;
  while (rows.next()) {
    ++import.rows_read;
    JobRecord job;
    job.id = std::string(rows.required_text(id));
    job.gpus = rows.non_negative_integer(gpus);
    job.submit_time = rows.time_seconds(submit);
    job.duration_seconds = rows.non_negative_number(duration);
    job.iterations = rows.optional_non_negative_integer(iterations);
    job.model_name = std::string(rows.text(model));
    job.source_line = rows.line();
    import.jobs.push_back(std::move(job));
  }
  job_trace_csv::finish_import(import, source_name);
  return import;
}

JobTraceImport read_philly_job_trace(const std::filesystem::path& path) {
  const std::string text = read_trace_file_text(path);
  return parse_philly_job_trace(text, path.string());
}

}  // namespace leptonsim
