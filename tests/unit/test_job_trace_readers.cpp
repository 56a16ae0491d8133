// Job-trace importers (Tiresias/Philly, Alibaba openb pods and nodes, Helios)
// on small fixtures in tests/fixtures/traces written for these tests, plus a
// sanity check on the real traces in ../shared/traces when they are present.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "workload/AlibabaOpenbReader.hpp"
#include "workload/HeliosJobTraceReader.hpp"
#include "workload/PhillyJobTraceReader.hpp"

using namespace leptonsim;
using Catch::Matchers::Contains;

namespace {

const std::string kFixtures = std::string(LEPTONSIM_SOURCE_DIR) + "/tests/fixtures/traces/";
const std::string kRealTraces = std::string(LEPTONSIM_SOURCE_DIR) + "/../shared/traces/";

const std::string kPodHeader =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";
const std::string kHeliosHeader =
    "job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue\n";

// The message of the TraceError that f throws ("" if none).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("Philly reader parses the fixture and rebases submit times", "[job_traces]") {
  // philly_small.csv has CRLF line ends, a trailing empty line, and j2
  // submitted before j1 in the file.
  const JobTraceImport import = read_philly_job_trace(kFixtures + "philly_small.csv");
  CHECK(import.rows_read == 4);
  CHECK(import.skipped_by_reason.empty());
  REQUIRE(import.jobs.size() == 4);

  const JobRecord& j0 = import.jobs[0];
  CHECK(j0.id == "j0");
  CHECK(j0.submit_time == 0.0);
  CHECK(j0.gpus == 1);
  CHECK(j0.gpu_milli == 1000);
  CHECK(j0.gpu_type.empty());
  CHECK(j0.iterations == 500);
  CHECK(j0.model_name == "resnet50");
  CHECK(j0.duration_seconds == 300.0);
  CHECK(j0.source_line == 2);

  const JobRecord& j2 = import.jobs[1];  // ordered by submit time: 130 - 100
  CHECK(j2.id == "j2");
  CHECK(j2.submit_time == 30.0);
  CHECK(j2.gpus == 0);
  CHECK(j2.source_line == 4);

  const JobRecord& j1 = import.jobs[2];
  CHECK(j1.id == "j1");
  CHECK(j1.submit_time == 60.0);
  CHECK(j1.gpus == 4);
  CHECK_FALSE(j1.iterations.has_value());  // empty field
  CHECK(j1.duration_seconds == 1200.5);
  CHECK(j1.model_name == "vgg16");
  CHECK(j1.source_line == 3);

  const JobRecord& j3 = import.jobs[3];
  CHECK(j3.id == "j3");
  CHECK(j3.submit_time == 300.0);
  CHECK(j3.gpus == 8);
  CHECK(j3.duration_seconds == 7200.0);
  CHECK(j3.source_line == 5);
}

TEST_CASE("Philly reader finds columns by name in any order and ignores extra columns", "[job_traces]") {
  const JobTraceImport import = parse_philly_job_trace(
      "note,duration,submit_time,num_gpu,job_id\n"
      "x,50,1000.5,2,a\n"
      "\n"
      "y,70,1000,1,b\n",
      "reordered.csv");
  CHECK(import.rows_read == 2);
  REQUIRE(import.jobs.size() == 2);
  CHECK(import.jobs[0].id == "b");
  CHECK(import.jobs[0].source_line == 4);
  CHECK(import.jobs[1].id == "a");
  CHECK(import.jobs[1].submit_time == 0.5);
  CHECK(import.jobs[1].gpus == 2);
  CHECK(import.jobs[1].duration_seconds == 50.0);
  CHECK_FALSE(import.jobs[1].iterations.has_value());
  CHECK(import.jobs[1].model_name.empty());
}

TEST_CASE("Philly reader reports malformed rows with file, line and column", "[job_traces]") {
  SECTION("negative GPUs") {
    const std::string path = kFixtures + "philly_bad_gpus.csv";
    REQUIRE_THROWS_AS(read_philly_job_trace(path), TraceError);
    CHECK(error_of([&] { read_philly_job_trace(path); }) ==
          path + ":4: column 'num_gpu': expected a non-negative integer, got '-4'");
  }
  SECTION("missing header") {
    const std::string path = kFixtures + "philly_no_header.csv";
    const std::string message = error_of([&] { read_philly_job_trace(path); });
    CHECK_THAT(message, Contains(path + ":1: expected a header with the columns job_id,num_gpu,submit_time,duration"));
    CHECK_THAT(message, Contains("missing column 'job_id'"));
  }
  SECTION("non-numeric number") {
    CHECK(error_of([] {
            parse_philly_job_trace("job_id,num_gpu,submit_time,duration\n1,1,0,60\n2,1,soon,60\n", "t.csv");
          }) == "t.csv:3: column 'submit_time': expected a time in seconds or as YYYY-MM-DD HH:MM:SS, got 'soon'");
    CHECK(error_of([] { parse_philly_job_trace("job_id,num_gpu,submit_time,duration\n1,1.5,0,60\n", "t.csv"); }) ==
          "t.csv:2: column 'num_gpu': expected a non-negative integer, got '1.5'");
    CHECK(error_of([] { parse_philly_job_trace("job_id,num_gpu,submit_time,duration\n1,1,0,-3\n", "t.csv"); }) ==
          "t.csv:2: column 'duration': expected a non-negative number, got '-3'");
    CHECK(error_of([] {
            parse_philly_job_trace("job_id,num_gpu,submit_time,duration,iterations\n1,1,0,3,many\n", "t.csv");
          }) == "t.csv:2: column 'iterations': expected a non-negative integer, got 'many'");
  }
  SECTION("wrong column count") {
    CHECK(error_of([] { parse_philly_job_trace("job_id,num_gpu,submit_time,duration\n1,1,0,60\n2,1,0\n", "t.csv"); }) ==
          "t.csv:3: expected 4 comma-separated fields as in the header, got 3 in '2,1,0'");
  }
  SECTION("empty id, empty file, header without rows, duplicate column") {
    CHECK(error_of([] { parse_philly_job_trace("job_id,num_gpu,submit_time,duration\n,1,0,60\n", "t.csv"); }) ==
          "t.csv:2: column 'job_id': expected a non-empty value, got ''");
    CHECK_THAT(error_of([] { parse_philly_job_trace("\r\n\r\n", "t.csv"); }), Contains("t.csv: the trace is empty"));
    CHECK_THAT(error_of([] { parse_philly_job_trace("job_id,num_gpu,submit_time,duration\r\n", "t.csv"); }),
               Contains("t.csv: the trace has a header but no rows"));
    CHECK_THAT(error_of([] { parse_philly_job_trace("job_id,num_gpu,submit_time,duration,num_gpu\n", "t.csv"); }),
               Contains("t.csv:1: the header names column 'num_gpu' twice"));
  }
  CHECK_THAT(error_of([] { read_philly_job_trace(kFixtures + "no_such_jobs.csv"); }),
             Contains("cannot open the trace file"));
}

TEST_CASE("Alibaba openb pod reader keeps pods that ran and counts the others by reason", "[job_traces]") {
  const JobTraceImport import = read_alibaba_openb_pods(kFixtures + "openb_pods_small.csv");
  CHECK(import.rows_read == 7);
  REQUIRE(import.jobs.size() == 4);
  CHECK(import.skipped_by_reason.size() == 3);
  CHECK(import.skipped_by_reason.at("pod_phase Pending (not Running/Succeeded)") == 1);
  CHECK(import.skipped_by_reason.at("pod_phase Failed (not Running/Succeeded)") == 1);
  CHECK(import.skipped_by_reason.at("no scheduled_time") == 1);
  CHECK(import.jobs.size() + import.skipped_count() == import.rows_read);

  const JobRecord& a = import.jobs[0];
  CHECK(a.id == "pod-a");
  CHECK(a.submit_time == 0.0);  // creation_time 500 is the earliest among kept pods
  CHECK(a.cpu_milli == 8000);
  CHECK(a.memory_mib == 16384);
  CHECK(a.gpus == 1);
  CHECK(a.gpu_milli == 1000);
  CHECK(a.gpu_type.empty());
  CHECK(a.queue_class == "LS");
  CHECK(a.final_state == "Running");
  CHECK(a.queue_delay_seconds == 20.0);
  CHECK(a.duration_seconds == 8980.0);  // 9500 - 520
  CHECK(a.nodes == 0);
  CHECK(a.source_line == 2);

  const JobRecord& b = import.jobs[1];
  CHECK(b.id == "pod-b");
  CHECK(b.submit_time == 200.0);
  CHECK(b.gpu_milli == 250);
  CHECK(b.gpu_type == "V100M16|V100M32");
  CHECK(b.queue_class == "BE");
  CHECK(b.final_state == "Succeeded");
  CHECK(b.queue_delay_seconds == 0.0);
  CHECK(b.duration_seconds == 1000.0);

  const JobRecord& c = import.jobs[2];  // CPU-only pod: kept, gpus 0, gpu_milli normalised to 1000
  CHECK(c.id == "pod-c");
  CHECK(c.submit_time == 300.0);
  CHECK(c.gpus == 0);
  CHECK(c.gpu_milli == 1000);
  CHECK(c.duration_seconds == 4190.0);

  const JobRecord& g = import.jobs[3];  // no deletion_time: no duration
  CHECK(g.id == "pod-g");
  CHECK(g.submit_time == 700.0);
  CHECK(g.gpus == 2);
  CHECK(g.gpu_type == "G2");
  CHECK(g.queue_delay_seconds == 100.0);
  CHECK_FALSE(g.duration_seconds.has_value());
  CHECK(g.source_line == 8);
}

TEST_CASE("Alibaba openb pod reader reports malformed rows", "[job_traces]") {
  const std::string path = kFixtures + "openb_pods_bad_columns.csv";
  CHECK(error_of([&] { read_alibaba_openb_pods(path); }) ==
        path + ":3: expected 11 comma-separated fields as in the header, got 10 in "
               "'pod-1,8000,16384,1,1000,LS,Running,10,100,10'");
  CHECK(error_of([&] { parse_alibaba_openb_pods(kPodHeader + "p,8000,16384,1,0,,LS,Running,0,100,0\n", "p.csv"); }) ==
        "p.csv:2: column 'gpu_milli': expected a share of each GPU from 1 to 1000 (num_gpu > 0), got '0'");
  CHECK(error_of([&] { parse_alibaba_openb_pods(kPodHeader + "p,8000,16384,one,1000,,LS,Running,0,100,0\n", "p.csv"); }) ==
        "p.csv:2: column 'num_gpu': expected a non-negative integer, got 'one'");
  CHECK(error_of([&] { parse_alibaba_openb_pods(kPodHeader + "p,8000,16384,1,1000,,LS,Running,0,100,200\n", "p.csv"); }) ==
        "p.csv:2: column 'deletion_time': expected a time not before scheduled_time 200, got '100'");
  CHECK(error_of([&] { parse_alibaba_openb_pods(kPodHeader + "p,8000,16384,1,1000,,LS,Running,50,100,40\n", "p.csv"); }) ==
        "p.csv:2: column 'scheduled_time': expected a time not before creation_time 50, got '40'");
  // A malformed row throws even when it would have been skipped.
  CHECK(error_of([&] { parse_alibaba_openb_pods(kPodHeader + "p,lots,16384,1,1000,,BE,Failed,0,100,0\n", "p.csv"); }) ==
        "p.csv:2: column 'cpu_milli': expected a non-negative integer, got 'lots'");
  CHECK_THAT(error_of([] { parse_alibaba_openb_pods("name,cpu_milli,memory_mib,num_gpu\np,1,1,1\n", "p.csv"); }),
             Contains("p.csv:1: expected a header with the columns") && Contains("missing column 'gpu_milli'"));
}

TEST_CASE("Alibaba openb node reader", "[job_traces]") {
  const std::vector<AlibabaNode> nodes = read_alibaba_openb_nodes(kFixtures + "openb_nodes_small.csv");
  REQUIRE(nodes.size() == 3);
  CHECK(nodes[0].name == "node-0");
  CHECK(nodes[0].cpu_milli == 32000);
  CHECK(nodes[0].memory_mib == 262144);
  CHECK(nodes[0].gpus == 0);
  CHECK(nodes[0].gpu_model.empty());
  CHECK(nodes[0].source_line == 2);
  CHECK(nodes[1].gpus == 2);
  CHECK(nodes[1].gpu_model == "P100");
  CHECK(nodes[2].name == "node-2");
  CHECK(nodes[2].cpu_milli == 96000);
  CHECK(nodes[2].memory_mib == 786432);
  CHECK(nodes[2].gpus == 8);
  CHECK(nodes[2].gpu_model == "V100M32");
  CHECK(nodes[2].source_line == 4);

  CHECK(error_of([] { parse_alibaba_openb_nodes("sn,cpu_milli,memory_mib,gpu,model\nn,1,1,-8,G2\n", "n.csv"); }) ==
        "n.csv:2: column 'gpu': expected a non-negative integer, got '-8'");
  CHECK_THAT(error_of([] { parse_alibaba_openb_nodes("sn,cpu_milli,gpu,model\nn,1,8,G2\n", "n.csv"); }),
             Contains("missing column 'memory_mib'"));
  CHECK_THAT(error_of([] { parse_alibaba_openb_nodes("sn,cpu_milli,memory_mib,gpu\n", "n.csv"); }),
             Contains("n.csv: the node list has a header but no rows"));
}

TEST_CASE("Helios reader parses date-time rows, skips CPU-only and never-started jobs", "[job_traces]") {
  const JobTraceImport import = read_helios_job_trace(kFixtures + "helios_small.csv");
  CHECK(import.rows_read == 5);
  REQUIRE(import.jobs.size() == 3);
  CHECK(import.skipped_by_reason.size() == 2);
  CHECK(import.skipped_by_reason.at("cpu-only job (gpu_num 0)") == 1);
  CHECK(import.skipped_by_reason.at("never started (no start_time)") == 1);
  CHECK(import.jobs.size() + import.skipped_count() == import.rows_read);

  const JobRecord& h1 = import.jobs[0];
  CHECK(h1.id == "h1");
  CHECK(h1.submit_time == 0.0);  // 00:00:10, the earliest GPU job (h2 at 00:00:00 is CPU-only)
  CHECK(h1.user == "u01");
  CHECK(h1.virtual_cluster == "vcA");
  CHECK(h1.gpus == 8);
  CHECK(h1.gpu_milli == 1000);
  CHECK(h1.cpu_milli == 48000);
  CHECK(h1.nodes == 1);
  CHECK(h1.final_state == "COMPLETED");
  CHECK(h1.duration_seconds == 7200.0);
  CHECK(h1.queue_delay_seconds == 60.0);
  CHECK(h1.queue_class.empty());
  CHECK(h1.source_line == 2);

  const JobRecord& h3 = import.jobs[1];
  CHECK(h3.id == "h3");
  CHECK(h3.submit_time == 290.0);
  CHECK(h3.gpus == 16);
  CHECK(h3.nodes == 2);
  CHECK(h3.final_state == "FAILED");
  CHECK(h3.duration_seconds == 1830.0);  // no duration field: end_time - start_time
  CHECK(h3.queue_delay_seconds == 3600.0);

  const JobRecord& h5 = import.jobs[2];  // across midnight
  CHECK(h5.id == "h5");
  CHECK(h5.submit_time == 86380.0);
  CHECK(h5.duration_seconds == 600.0);
  CHECK(h5.source_line == 6);
}

TEST_CASE("Helios reader accepts plain seconds, a named queue and minimal columns", "[job_traces]") {
  const JobTraceImport import = parse_helios_job_trace(
      "submit_time,gpu_num,job_id,queue,start_time,end_time\r\n"
      "1000,2,a,normal,1010,1070\r\n"
      "990.5,1,b,,995,1000\r\n"
      "\r\n",
      "h.csv");
  CHECK(import.rows_read == 2);
  REQUIRE(import.jobs.size() == 2);
  CHECK(import.jobs[0].id == "b");
  CHECK(import.jobs[0].duration_seconds == 5.0);
  CHECK(import.jobs[1].id == "a");
  CHECK(import.jobs[1].submit_time == 9.5);
  CHECK(import.jobs[1].queue_class == "normal");
  CHECK_FALSE(import.jobs[1].queue_delay_seconds.has_value());
  CHECK(import.jobs[1].duration_seconds == 60.0);
  CHECK(import.jobs[1].user.empty());
  CHECK(import.jobs[1].nodes == 0);
}

TEST_CASE("Helios reader reports malformed rows", "[job_traces]") {
  const std::string path = kFixtures + "helios_bad_time.csv";
  CHECK(error_of([&] { read_helios_job_trace(path); }) ==
        path + ":3: column 'submit_time': expected a time in seconds or as YYYY-MM-DD HH:MM:SS, got "
               "'2020-05-01 25:00:00'");
  CHECK(error_of([&] { parse_helios_job_trace(kHeliosHeader + "1,u,v,-1,6,1,COMPLETED,0,1,2,1,1\n", "h.csv"); }) ==
        "h.csv:2: column 'gpu_num': expected a non-negative integer, got '-1'");
  CHECK(error_of([&] { parse_helios_job_trace(kHeliosHeader + "1,u,v,1,6,1,COMPLETED,0,10,5,,1\n", "h.csv"); }) ==
        "h.csv:2: column 'end_time': expected a time not before start_time, got '5'");
  CHECK(error_of([&] { parse_helios_job_trace(kHeliosHeader + "1,u,v,1,6,1,COMPLETED,0,1,2,1,1,extra\n", "h.csv"); }) ==
        "h.csv:2: expected 12 comma-separated fields as in the header, got 13 in '1,u,v,1,6,1,COMPLETED,0,1,2,1,1,extra'");
  CHECK_THAT(error_of([] { parse_helios_job_trace("job_id,user,vc,cpu_num\n1,u,v,6\n", "h.csv"); }),
             Contains("missing column 'gpu_num'"));
}

TEST_CASE("Job-trace readers on the real Philly and openb traces", "[job_traces][real]") {
  const std::filesystem::path philly = kRealTraces + "tiresias-philly/60_job.csv";
  const std::filesystem::path pods = kRealTraces + "alibaba-openb-2023/openb_pod_list_default.csv";
  const std::filesystem::path gpu_nodes = kRealTraces + "alibaba-openb-2023/openb_node_list_gpu_node.csv";
  if (!std::filesystem::exists(philly) || !std::filesystem::exists(pods) || !std::filesystem::exists(gpu_nodes)) {
    WARN("real traces not found under " << kRealTraces << ": skipped");
    return;
  }
  const JobTraceImport philly_jobs = read_philly_job_trace(philly);
  CHECK(philly_jobs.rows_read == 60);
  CHECK(philly_jobs.jobs.size() == 60);
  CHECK(philly_jobs.skipped_by_reason.empty());
  CHECK(philly_jobs.jobs.front().submit_time == 0.0);
  for (const JobRecord& job : philly_jobs.jobs) {
    CHECK(job.gpus >= 1);
    CHECK(job.duration_seconds.value_or(-1.0) > 0.0);
  }

  const JobTraceImport pod_jobs = read_alibaba_openb_pods(pods);
  CHECK(pod_jobs.rows_read > 8000);
  CHECK(pod_jobs.jobs.size() + pod_jobs.skipped_count() == pod_jobs.rows_read);
  CHECK(pod_jobs.jobs.size() > pod_jobs.rows_read / 2);
  CHECK(pod_jobs.jobs.front().submit_time == 0.0);
  for (const auto& [reason, count] : pod_jobs.skipped_by_reason) INFO(reason << ": " << count);
  for (const JobRecord& job : pod_jobs.jobs) {
    CHECK((job.final_state == "Running" || job.final_state == "Succeeded"));
    CHECK(job.gpu_milli >= 1);
    CHECK(job.gpu_milli <= 1000);
  }

  const std::vector<AlibabaNode> nodes = read_alibaba_openb_nodes(gpu_nodes);
  CHECK(nodes.size() > 1000);
  std::int64_t gpus = 0;
  for (const AlibabaNode& node : nodes) gpus += node.gpus;
  CHECK(gpus > 6000);
}
