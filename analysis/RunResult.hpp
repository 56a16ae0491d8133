// RunResult: everything one simulation run reports, independent of SQLite.
//
// The simulator fills it; SqliteReport writes it. Metric names are dotted
// paths (service.chat.latency_p99); units are short strings ("s", "USD", "1").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace leptonsim {

struct SummaryMetric {
  std::string metric;  // dotted path
  double value = 0.0;
  std::string unit;    // "s", "1" (fraction or count), "USD", "req/s", ...
};

// One time series (series name + entity) sampled at times t.
struct TimeSeries {
  std::string series;          // e.g. "service.queue_length"
  std::string entity;          // e.g. "chat" or "us-east/r0/n3"; "" for cluster-wide
  std::vector<double> t;       // simulated seconds
  std::vector<double> value;   // same length as t
};

struct Event {
  double t = 0.0;          // simulated seconds
  std::string kind;        // e.g. "replica_ready", "run_end"
  std::string entity;      // what it happened to
  std::string detail;      // JSON object text with details
};

// Per-replica statistics (the `replicas` table).
struct ReplicaRecord {
  std::string service;
  int replica = 0;               // index within the service
  std::string node;              // node name the replica runs on
  std::string gpus;              // comma-separated GPU host names
  std::int64_t requests_completed = 0;
  double busy_fraction = 0.0;    // time-average of busy slots / slots
};

// Per-job outcome (the `jobs` table).
struct JobOutcome {
  std::string job;                   // name from the scenario or the trace
  std::string source;                // list | synthetic | trace file:line
  int gpus = 0;
  int gpu_milli = 1000;
  int priority = 0;
  bool is_preemptible = false;
  double submit = 0.0;
  std::optional<double> first_start; // first time it got GPUs
  std::optional<double> end;         // completion time
  std::string state;                 // completed | running | waiting | failed
  double ideal_seconds = 0.0;        // run time alone, packed, without checkpoints
  double waited_seconds = 0.0;       // total time in the queue (all waits, after preemptions too)
  int preemptions = 0;
  int failures = 0;                  // runs ended by a hardware failure
  double gpu_seconds = 0.0;          // GPU-seconds held (GPUs x share x time)
  double lost_gpu_seconds = 0.0;     // GPU-seconds of work thrown away by preemptions and failures
  double progress = 0.0;             // fraction of the work done (1 when completed)
  int nodes = 0;                     // nodes of the last placement
  int racks = 0;                     // racks of the last placement
  std::string placement;             // node names of the last placement, comma-separated
};

struct RunRecord {
  std::string scenario_name;
  std::string scenario_hash;     // hex SHA-256 or FNV of scenario_text
  std::string scenario_text;     // resolved YAML (after --set)
  std::string scenario_path;
  std::uint64_t seed = 0;
  std::string version;           // leptonsim version
  std::string status = "ok";     // ok | failed
  double simulated_seconds = 0.0;
  // Wall-clock fields: excluded from determinism checks.
  std::string started_at;        // ISO-8601 UTC
  double wall_seconds = 0.0;
};

struct RunResult {
  RunRecord run;
  std::map<std::string, std::string> parameters;  // key path -> value
  std::vector<SummaryMetric> summary;
  std::vector<TimeSeries> timeseries;
  std::vector<Event> events;
  std::vector<ReplicaRecord> replicas;
  std::vector<JobOutcome> jobs;
};

}  // namespace leptonsim
