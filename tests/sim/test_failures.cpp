// Failures through the whole simulator: a single failure at a chosen time with
// hand-computed consequences (lost work, detection, restart, replica
// replacement), and failure processes against their closed forms.
#include "ScenarioRun.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

using namespace leptonsim;
using namespace leptonsim::testing;

namespace {

std::vector<Event> events_of(const RunResult& result, const std::string& kind) {
  std::vector<Event> out;
  for (const Event& event : result.events)
    if (event.kind == kind) out.push_back(event);
  return out;
}

}  // namespace

TEST_CASE("a GPU failure under a training job costs the work since its checkpoint and a restart elsewhere",
          "[failures]") {
  // An 8-GPU job of 10 h on node 0, checkpointing every hour. GPU 3 of node 0
  // fails at 2.5 h for 4 h. Health checks every 10 s, 30 s to act:
  //  * 9000 s: the job stops; the 1800 s since the 7200 s checkpoint are lost;
  //  * 9030 s: detected; the gang held its GPUs 30 s for nothing; it is
  //    requeued and starts at once on node 1 (node 0 lacks a GPU);
  //  * 9630 s: after its 600 s restart overhead it resumes from 7200 s of work;
  //  * 9630 + 36000 - 7200 = 38430 s: it completes.
  //  * The GPU is repaired at 9000 + 14400 = 23400 s.
  const RunResult result = run_with_files(R"(
name: one-gpu-failure
duration: 12h
platform:
  sites: [{name: lab, racks: 1, nodes_per_rack: 2, node: h100x8}]
jobs:
  placement: {policy: first_fit}
  list:
    - {name: train, gpus: 8, locality: node, duration: 10h, restart_overhead: 10min, checkpoint: {interval: 1h}}
failures:
  detection: {period: 10s, delay: 30s}
  trace: {path: failures.csv}
)",
                                          {{"failures.csv", "time,component,duration,cause\n9000,lab/r0/n0/gpu3,14400,GPU HBM3\n"}});
  REQUIRE(result.jobs.size() == 1);
  const JobOutcome& job = result.jobs.front();
  CHECK(job.state == "completed");
  CHECK(job.end.value() == Approx(38430.0).margin(1e-6));
  CHECK(job.failures == 1);
  CHECK(job.lost_gpu_seconds == Approx(8 * (1800.0 + 30.0)).margin(1e-6));
  CHECK(job.placement == "lab/r0/n1");
  CHECK(metric(result, "jobs.interruptions") == 1);
  CHECK(metric(result, "jobs.interruptions.GPU_HBM3") == 1);
  CHECK(metric(result, "jobs.overhead_gpu_hours") == Approx(8 * 600.0 / 3600.0));
  CHECK(metric(result, "failures.count") == 1);
  CHECK(metric(result, "failures.gpu_hours_unusable") == Approx(14400.0 / 3600.0));

  const auto failure = events_of(result, "failure");
  const auto detected = events_of(result, "failure_detected");
  const auto repair = events_of(result, "repair");
  REQUIRE(failure.size() == 1);
  REQUIRE(detected.size() == 1);
  REQUIRE(repair.size() == 1);
  CHECK(failure[0].t == 9000.0);
  CHECK(failure[0].entity == "lab/r0/n0/gpu3");
  CHECK(nlohmann::json::parse(failure[0].detail).at("cause") == "GPU HBM3");
  CHECK(detected[0].t == Approx(9030.0));
  CHECK(repair[0].t == Approx(23400.0));
  const auto interrupted = events_of(result, "job_interrupted");
  REQUIRE(interrupted.size() == 1);
  CHECK(interrupted[0].t == 9000.0);
  CHECK(nlohmann::json::parse(interrupted[0].detail).at("lost_gpu_seconds").get<double>() == Approx(8 * 1800.0));
  const auto requeued = events_of(result, "job_requeued");
  REQUIRE(requeued.size() == 1);
  CHECK(requeued[0].t == Approx(9030.0));
}

TEST_CASE("a job whose retries run out ends as failed", "[failures]") {
  // One node only: the job waits for the repair, restarts, and the second
  // failure exceeds max_failure_retry: 1.
  const RunResult result = run_with_files(R"(
name: retries
duration: 10h
platform:
  sites: [{name: lab, racks: 1, nodes_per_rack: 1, node: h100x8}]
jobs:
  list:
    - {name: train, gpus: 8, duration: 8h, max_failure_retry: 1}
failures:
  detection: {period: 10s, delay: 0s}
  trace: {path: failures.csv}
)",
                                          {{"failures.csv", "time,component,duration\n1000,lab/r0/n0,500\n3000,lab/r0/n0/gpu0,100\n"}});
  // Failure at 1000, detected 1000, repaired 1500: restart at 1500; second
  // failure at 3000 (detected at once): failed at 3000.
  REQUIRE(result.jobs.size() == 1);
  CHECK(result.jobs[0].state == "failed");
  CHECK(result.jobs[0].end.value() == Approx(3000.0));
  CHECK(result.jobs[0].failures == 2);
  CHECK(metric(result, "jobs.failed") == 1);
  CHECK(events_of(result, "job_failed").size() == 1);
}

TEST_CASE("a failed replica loses requests until detection, then is replaced with a cold start", "[failures]") {
  // One replica of one GPU, a request every 2 s (Poisson), served in 0.1 s.
  // Its GPU fails at 1000 s; detection at 1000 + 30 = 1030 s; the replacement
  // cold-starts for 60 s on another GPU and is ready at 1090 s. Until 1030 s
  // the balancer sends every request to the dead replica; a lost request is
  // retried 5 s later, at most 3 times: one arriving before 1015 s is lost 4
  // times and fails, a later one waits at the balancer (no time limit here)
  // and is served from 1090 s.
  const RunResult result = run_with_files(R"(
name: replica-failure
duration: 2000s
platform:
  sites: [{name: lab, racks: 1, nodes_per_rack: 1, node: h100x8}]
services:
  - name: api
    replicas: 1
    gpus_per_replica: 1
    arrivals: {process: poisson, rate: 0.5/s}
    service_time: 100ms
    cold_start: {placement_delay: 0s, image_pull: 60s, warmup: 0s}
    retry: {attempts: 3, timeout: 5s}
    balancer_queue: {timeout: 0s}
    slo: {latency_p99: 1s}
failures:
  detection: {period: 10s, delay: 30s}
  trace: {path: failures.csv}
)",
                                          {{"failures.csv", "time,component,duration\n1000,lab/r0/n0/gpu0,3600\n"}});
  const auto lost = events_of(result, "replica_lost");
  const auto removed = events_of(result, "replica_removed");
  const auto ready = events_of(result, "replica_ready");
  REQUIRE(lost.size() == 1);
  REQUIRE(removed.size() == 1);
  REQUIRE(ready.size() == 1);
  CHECK(lost[0].t == 1000.0);
  CHECK(removed[0].t == Approx(1030.0));
  CHECK(ready[0].t == Approx(1090.0));
  // Every loss is followed by a retry or, after the last attempt, a failure.
  const double lost_requests = metric(result, "service.api.requests_lost");
  const double failed = metric(result, "service.api.requests_failed");
  CHECK(metric(result, "service.api.requests_retried") == lost_requests - failed);
  // About 7.5 arrivals in [1000, 1015) fail, each lost 4 times; about 7.5 in
  // [1015, 1030) are lost 1 to 3 times (the seed fixes the draw).
  CHECK(failed >= 1);
  CHECK(failed <= 20);
  CHECK(lost_requests >= 4 * failed + 1);
  CHECK(metric(result, "service.api.requests_dropped") == 0);
  CHECK(metric(result, "service.api.requests_unfinished") == 0);
  CHECK(metric(result, "service.api.replica_failures") == 1);
  // No ready replica on working hardware from 1000 s to 1090 s.
  CHECK(metric(result, "service.api.availability") == Approx(1.0 - 90.0 / 2000.0).margin(1e-9));
  // Of the 34 one-minute intervals, [1020, 1080) has arrivals and no completion
  // and [1080, 1140) completes the retried requests 60-90 s late: both miss
  // the 1 s SLO; [960, 1020) may too (p99 of its few completions).
  const double in_slo = metric(result, "service.api.slo_time_fraction");
  CHECK(in_slo <= 32.0 / 34.0 + 1e-9);
  CHECK(in_slo >= 31.0 / 34.0 - 1e-9);
}

TEST_CASE("simulated failure counts match lambda T and class availability matches MTBF over MTBF plus MTTR",
          "[failures]") {
  // 64 GPUs, exponential MTBF 100 h, 1 h repairs, 2000 h: a renewal process per
  // GPU with mean cycle 101 h, so about 64 x 2000 / 101 = 1267 failures
  // (standard deviation about sqrt(1267) = 36), and each GPU is up 100/101 of the time.
  const RunResult result = run_with_files(R"(
name: failure-rates
duration: 2000h
sample_interval: 1h
platform:
  sites: [{name: lab, racks: 2, nodes_per_rack: 4, node: h100x8}]
failures:
  classes:
    - {name: gpu, component: gpu, mtbf: 100h, repair: 1h}
)");
  const double expected = 64 * 2000.0 / 101.0;
  CHECK(std::abs(metric(result, "failures.gpu.count") - expected) < 3 * std::sqrt(expected));
  CHECK(metric(result, "failures.gpu.availability") == Approx(100.0 / 101.0).epsilon(0.02));
  CHECK(metric(result, "failures.gpu.observed_mtbf") == Approx(100.0 * 3600).epsilon(0.1));
}

TEST_CASE("the best checkpoint interval found by sweeping lies near Young and Daly's sqrt(2 C M)", "[failures][checkpoint]") {
  // 64 GPUs (8 nodes) of 40 days of work; nodes fail with an exponential MTBF
  // of 80 h, so the gang fails every M = 10 h. Checkpoints (24 TB) go through
  // the storage host's 400 GB/s link: C = 60 s. Young/Daly: the interval that
  // wastes the least is about sqrt(2 C M) = sqrt(2 x 60 x 36,000) s = 34.6 min.
  // The same seeds give every interval the same failure times (common random
  // numbers), so two seeds separate intervals whose waste differs by ~1 %.
  const std::string yaml = R"(
name: young-daly
duration: 60d
sample_interval: 1h
platform:
  sites: [{name: lab, racks: 1, nodes_per_rack: 10, node: h100x8}]
jobs:
  list:
    - {name: train, gpus: 64, duration: 40d, restart_overhead: 60s, max_failure_retry: 100000,
       checkpoint: {interval: 35min, size: 24TB}}
failures:
  detection: {period: 10s, delay: 0s}
  classes:
    - {component: node, mtbf: 80h, repair: 1h}
)";
  const std::vector<double> minutes{10, 20, 35, 60, 90};
  std::vector<double> completion;
  for (const double interval : minutes) {
    double sum = 0.0;
    for (const int seed : {1, 2}) {
      TempDir dir;
      write_file(dir / "s.yaml", yaml);
      const CliResult ran = run_leptonsim({"run", (dir / "s.yaml").string(), "-o", (dir / "r.db").string(), "-q",
                                           "--set", "jobs.list[0].checkpoint.interval=" + std::to_string(interval) + "min",
                                           "--set", "seed=" + std::to_string(seed)},
                                          dir);
      REQUIRE(ran.exit_code == 0);
      const RunResult result = ReportReader((dir / "r.db").string()).load(1);
      REQUIRE(result.jobs.at(0).state == "completed");
      sum += *result.jobs.at(0).end;
    }
    completion.push_back(sum / 2);
  }
  const auto best = std::min_element(completion.begin(), completion.end()) - completion.begin();
  CHECK(minutes[static_cast<std::size_t>(best)] == 35);
  // The vertex of the parabola through the best point and its neighbours.
  const double x1 = minutes[1], x2 = minutes[2], x3 = minutes[3];
  const double y1 = completion[1], y2 = completion[2], y3 = completion[3];
  const double vertex = x2 - 0.5 * ((x2 - x1) * (x2 - x1) * (y2 - y3) - (x2 - x3) * (x2 - x3) * (y2 - y1)) /
                                 ((x2 - x1) * (y2 - y3) - (x2 - x3) * (y2 - y1));
  const double young_daly = std::sqrt(2 * 60.0 * 36000.0) / 60.0;
  CHECK(vertex == Approx(young_daly).epsilon(0.25));
}

TEST_CASE("a k-of-n replicated service is available as often as the binomial closed form says", "[failures]") {
  // 4 nodes, one 8-GPU replica each (a replacement fits only on a repaired
  // node, with no cold start), nodes up A = 40 / (40 + 10) = 0.8 of the time.
  // With k = 2 of n = 4: P(X >= 2) = 1 - 0.2^4 - 4 x 0.8 x 0.2^3 = 0.9728.
  // 20,000 h is about 400 failures per node.
  const RunResult result = run_with_files(R"(
name: k-of-n
seed: 5
duration: 20000h
sample_interval: 24h
platform:
  sites: [{name: lab, racks: 1, nodes_per_rack: 4, node: h100x8}]
services:
  - name: kv
    replicas: 4
    gpus_per_replica: 8
    min_ready_replicas: 2
    arrivals: {process: poisson, rate: 0.001/s}
    service_time: 10ms
failures:
  detection: {period: 1s, delay: 0s}
  classes:
    - {component: node, mtbf: 40h, repair: {exponential: {mean: 10h}}}
)");
  const double a = 0.8;
  const double expected = 1 - std::pow(1 - a, 4) - 4 * a * std::pow(1 - a, 3);
  CHECK(metric(result, "service.kv.availability") == Approx(expected).epsilon(0.02));
  CHECK(metric(result, "failures.node.availability") == Approx(a).epsilon(0.02));
}

TEST_CASE("a spare node takes over a failed node's capacity and the repaired node stands by", "[failures]") {
  // 3 nodes; n2 stands by. A 16-GPU job on n0 and n1 checkpoints hourly;
  // n0 fails at 9000 s for 10 h. Detected at 9030 s: the spare n2 is committed
  // and joins the pool 5 min later, at 9330 s, when the requeued job restarts
  // on n1 and n2 from its 7200 s checkpoint: it ends at 9330 + 28800 = 38130 s.
  // n0 is repaired at 45000 s and becomes the spare. Standby time: n2 for
  // 9030 s, n0 for 50400 - 45000 = 5400 s, paid at half price.
  const RunResult result = run_with_files(R"(
name: spares
duration: 14h
platform:
  sites: [{name: lab, racks: 1, nodes_per_rack: 3, node: h100x8}]
jobs:
  list:
    - {name: train, gpus: 16, duration: 10h, checkpoint: {interval: 1h}}
failures:
  detection: {period: 10s, delay: 30s}
  spares: {nodes: 1, activation: 5min, standby_price: 0.5}
  trace: {path: failures.csv}
)",
                                          {{"failures.csv", "time,component,duration\n9000,lab/r0/n0,36000\n"}});
  REQUIRE(result.jobs.size() == 1);
  CHECK(result.jobs[0].first_start.value() == 0.0);
  CHECK(result.jobs[0].end.value() == Approx(38130.0).margin(1e-6));
  CHECK(result.jobs[0].placement == "lab/r0/n1,lab/r0/n2");
  const auto activated = events_of(result, "spare_activated");
  REQUIRE(activated.size() == 1);
  CHECK(activated[0].t == Approx(9030.0));
  CHECK(activated[0].entity == "lab/r0/n2");
  const auto standby = events_of(result, "node_to_standby");
  REQUIRE(standby.size() == 1);
  CHECK(standby[0].t == Approx(45000.0));
  CHECK(standby[0].entity == "lab/r0/n0");
  CHECK(metric(result, "failures.spare_activations") == 1);
  const double node_price = 98.32;  // USD per h100x8 node-hour (data/node_shapes.yaml, on demand)
  const double standby_hours = (9030.0 + 5400.0) / 3600.0;
  CHECK(metric(result, "cost.spares") == Approx(0.5 * standby_hours * node_price));
  CHECK(metric(result, "cost.compute") == Approx((3 * 14.0 - standby_hours) * node_price));
  CHECK(metric(result, "cost.total") == Approx((3 * 14.0 - 0.5 * standby_hours) * node_price));
}

TEST_CASE("a spot reclaim notice lets a job save its progress and a replica drain before the capacity goes", "[failures]") {
  // The replica takes n0, the job (10 h, hourly checkpoints) n1. n1 is
  // reclaimed at 9000 s with a 120 s notice: at 8880 s the job saves its
  // progress, goes back to the queue and restarts at once on n2: it loses
  // nothing and ends at 36000 s. n0 is reclaimed at 20000 s with a 300 s
  // notice: at 19700 s the replica drains and its replacement starts on n1
  // (back since 16200 s), so no request is lost.
  const RunResult result = run_with_files(R"(
name: spot
duration: 12h
platform:
  sites: [{name: lab, racks: 1, nodes_per_rack: 3, node: h100x8}]
services:
  - {name: api, replicas: 1, gpus_per_replica: 8, arrivals: {rate: 2/s}, service_time: 10ms}
jobs:
  list:
    - {name: train, gpus: 8, duration: 10h, checkpoint: {interval: 1h}}
failures:
  trace: {path: spot.csv}
)",
                                          {{"spot.csv", "time,component,duration,cause,notice\n"
                                                        "9000,lab/r0/n1,7200,spot,120\n"
                                                        "20000,lab/r0/n0,3600,spot,300\n"}});
  REQUIRE(result.jobs.size() == 1);
  const JobOutcome& job = result.jobs[0];
  CHECK(job.end.value() == Approx(36000.0).margin(1e-6));
  CHECK(job.preemptions == 1);
  CHECK(job.failures == 0);
  CHECK(job.lost_gpu_seconds == 0.0);
  CHECK(job.placement == "lab/r0/n2");
  const auto notices = events_of(result, "reclaim_notice");
  REQUIRE(notices.size() == 2);
  CHECK(notices[0].t == Approx(8880.0));
  CHECK(notices[1].t == Approx(19700.0));
  const auto draining = events_of(result, "replica_draining");
  REQUIRE(draining.size() == 1);
  CHECK(draining[0].t == Approx(19700.0));
  const auto starting = events_of(result, "replica_starting");
  REQUIRE(starting.size() == 1);
  CHECK(starting[0].t == Approx(19700.0));
  CHECK(nlohmann::json::parse(starting[0].detail).at("node") == "lab/r0/n1");
  CHECK(events_of(result, "replica_lost").empty());
  CHECK(metric(result, "service.api.requests_lost") == 0);
  CHECK(metric(result, "service.api.availability") == 1.0);
  // A reclaim needs no detection: detected when it happens.
  for (const Event& detected : events_of(result, "failure_detected"))
    CHECK(nlohmann::json::parse(detected.detail).at("after_seconds").get<double>() == 0.0);
}

TEST_CASE("runs with failures, spares and spot reclaims are deterministic", "[failures][determinism]") {
  // The same scenario and seed give the same report; another seed other failures.
  auto run = [](const std::string& seed) {
    TempDir dir;
    const CliResult ran = run_leptonsim({"run", (std::filesystem::path(LEPTONSIM_SOURCE_DIR) / "scenarios/spot-and-spares.yaml").string(),
                                         "-o", (dir / "r.db").string(), "-q", "--set", "duration=1d", "--seed", seed},
                                        dir);
    REQUIRE(ran.exit_code == 0);
    return ReportReader((dir / "r.db").string()).load(1);
  };
  const RunResult a = run("3"), b = run("3"), c = run("4");
  auto text = [](const RunResult& r) {
    std::string out;
    for (const SummaryMetric& m : r.summary) out += fmt::format("{}={}\n", m.metric, m.value);
    for (const Event& e : r.events) out += fmt::format("{} {} {} {}\n", e.t, e.kind, e.entity, e.detail);
    for (const JobOutcome& j : r.jobs) out += fmt::format("{} {} {} {}\n", j.job, j.end.value_or(-1), j.failures, j.lost_gpu_seconds);
    return out;
  };
  CHECK(text(a) == text(b));
  CHECK(events_of(a, "failure").size() > 0);
  auto failures = [](const RunResult& r) {
    std::string out;
    for (const Event& e : events_of(r, "failure")) out += fmt::format("{} {}\n", e.t, e.entity);
    return out;
  };
  CHECK(failures(a) != failures(c));
}
