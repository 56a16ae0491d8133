// Jobs through the whole simulator: completion times computed by hand for each
// queue policy on a one-node platform, all-reduce times against
// 2(n-1)/n x B / bottleneck bandwidth, preemption and checkpoint accounting,
// services preempting jobs, trace replay and determinism.
#include "ScenarioRun.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

using namespace leptonsim;
using namespace leptonsim::testing;

namespace {

// One h100x8 node (8 GPUs) unless the scenario says otherwise.
const char* kOneNode = R"(platform:
  sites: [{name: lab, racks: 1, nodes_per_rack: 1, node: h100x8}]
)";

RunResult run_scenario(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  TempDir dir;
  write_file(dir / "s.yaml", yaml);
  std::vector<std::string> args{"run", (dir / "s.yaml").string(), "-o", (dir / "r.db").string(), "-q"};
  for (const std::string& set : sets) {
    args.push_back("--set");
    args.push_back(set);
  }
  const CliResult ran = run_leptonsim(args, dir);
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  return ReportReader((dir / "r.db").string()).load(1);
}

std::map<std::string, JobOutcome> by_name(const RunResult& result) {
  std::map<std::string, JobOutcome> jobs;
  for (const JobOutcome& job : result.jobs) jobs[job.job] = job;
  return jobs;
}

// (start, end) of every job, by name.
std::map<std::string, std::pair<double, double>> timeline(const RunResult& result) {
  std::map<std::string, std::pair<double, double>> out;
  for (const JobOutcome& job : result.jobs) out[job.job] = {job.first_start.value_or(-1), job.end.value_or(-1)};
  return out;
}

using Timeline = std::map<std::string, std::pair<double, double>>;

// a holds half the node until 1000 s; big needs the whole node; small would
// fit next to a and ends (by its estimate) before big's reservation at 1000 s;
// late would fit too but would outlive the reservation.
std::string backfill_scenario(const std::string& policy) {
  return fmt::format(R"(name: backfill
duration: 2h
{}jobs:
  queue: {{policy: {}}}
  list:
    - {{name: a, submit: 0s, gpus: 4, duration: 1000s}}
    - {{name: big, submit: 10s, gpus: 8, duration: 500s}}
    - {{name: small, submit: 20s, gpus: 4, duration: 900s}}
    - {{name: late, submit: 30s, gpus: 4, duration: 2000s}}
)",
                     kOneNode, policy);
}

}  // namespace

TEST_CASE("fifo: the blocked head holds everyone behind it", "[jobs]") {
  CHECK(timeline(run_scenario(backfill_scenario("fifo"))) ==
        Timeline{{"a", {0, 1000}}, {"big", {1000, 1500}}, {"small", {1500, 2400}}, {"late", {1500, 3500}}});
}

TEST_CASE("easy backfilling starts a small job early without delaying the head", "[jobs]") {
  // small runs 20..920 beside a; big still starts at 1000 as under fifo; late still waits for big.
  const RunResult result = run_scenario(backfill_scenario("easy_backfill"));
  CHECK(timeline(result) ==
        Timeline{{"a", {0, 1000}}, {"big", {1000, 1500}}, {"small", {20, 920}}, {"late", {1500, 3500}}});
  CHECK(metric(result, "jobs.jct_mean") == Approx((1000 + 1490 + 900 + 3470) / 4.0));
  CHECK(metric(result, "jobs.makespan") == Approx(3500));
}

TEST_CASE("sjf beats fifo on mean completion time when a short job queues behind a long one", "[jobs]") {
  const std::string yaml = fmt::format(R"(name: sjf
duration: 2h
{}jobs:
  list:
    - {{name: first, submit: 0s, gpus: 8, duration: 1000s}}
    - {{name: long, submit: 10s, gpus: 8, duration: 1000s}}
    - {{name: short, submit: 20s, gpus: 8, duration: 100s}}
)",
                                       kOneNode);
  const RunResult fifo = run_scenario(yaml, {"jobs.queue.policy=fifo"});
  const RunResult sjf = run_scenario(yaml, {"jobs.queue.policy=sjf"});
  CHECK(timeline(fifo) == Timeline{{"first", {0, 1000}}, {"long", {1000, 2000}}, {"short", {2000, 2100}}});
  CHECK(timeline(sjf) == Timeline{{"first", {0, 1000}}, {"long", {1100, 2100}}, {"short", {1000, 1100}}});
  CHECK(metric(fifo, "jobs.jct_mean") == Approx((1000 + 1990 + 2080) / 3.0));
  CHECK(metric(sjf, "jobs.jct_mean") == Approx((1000 + 2090 + 1080) / 3.0));
  CHECK(metric(sjf, "jobs.jct_mean") < metric(fifo, "jobs.jct_mean"));
}

TEST_CASE("priority preemption: the urgent job runs at once, the victim resumes from its checkpoint", "[jobs]") {
  // low checkpoints every 300 s of run time (no bytes: instant); high arrives at
  // 450 s and preempts it: 150 s x 8 GPUs since the checkpoint at 300 s are
  // lost. high runs 450..550; low restarts at 550, spends 20 s restarting and
  // runs its remaining 700 s from 570: ends at 1270.
  const std::string yaml = fmt::format(R"(name: priority
duration: 1h
{}jobs:
  queue: {{policy: priority}}
  list:
    - {{name: low, submit: 0s, gpus: 8, duration: 1000s, preemptible: true, restart_overhead: 20s,
       checkpoint: {{interval: 300s}}}}
    - {{name: high, submit: 450s, gpus: 8, duration: 100s, priority: 5}}
)",
                                       kOneNode);
  const RunResult result = run_scenario(yaml);
  const auto jobs = by_name(result);
  CHECK(jobs.at("high").first_start == Approx(450));
  CHECK(jobs.at("high").end == Approx(550));
  CHECK(jobs.at("low").end == Approx(1270));
  CHECK(jobs.at("low").preemptions == 1);
  CHECK(jobs.at("low").lost_gpu_seconds == Approx(150 * 8));
  CHECK(jobs.at("low").waited_seconds == Approx(100));
  CHECK(metric(result, "jobs.preemptions") == 1);
  CHECK(metric(result, "jobs.lost_gpu_hours") == Approx(1200 / 3600.0));
  CHECK(metric(result, "jobs.overhead_gpu_hours") == Approx(20 * 8 / 3600.0));
  // Held: low 450 + 720 s, high 100 s, all on 8 GPUs.
  CHECK(metric(result, "jobs.gpu_hours") == Approx((450 + 720 + 100) * 8 / 3600.0));
  CHECK(metric(result, "jobs.effective_training_ratio") == Approx(1.0 - (1200.0 + 160.0) / ((450 + 720 + 100) * 8)));
  bool found = false;
  for (const Event& event : result.events)
    if (event.kind == "job_preempted") {
      found = true;
      CHECK(event.t == Approx(450));
      CHECK(event.entity == "low");
      CHECK(nlohmann::json::parse(event.detail).at("lost_gpu_seconds").get<double>() == Approx(1200));
    }
  CHECK(found);
  // Without preemption high waits for low.
  const auto patient = by_name(run_scenario(yaml, {"jobs.queue.preempt=0"}));
  CHECK(patient.at("high").first_start == Approx(1000));
}

TEST_CASE("las: a job past the threshold yields to a new one, and gets the GPUs back in arrival order", "[jobs]") {
  // Threshold 800 GPU-s = 100 s on 8 GPUs. A (0 s) passes it at 100 s. B
  // arrives at 225 s in the first queue: A is preempted (last checkpoint at
  // 200 s: 25 s x 8 lost). B passes the threshold at 325 s and, both in the
  // second queue, the older A takes the GPUs back (B's last checkpoint at 305 s:
  // 20 s x 8 lost, 80 s kept). A needs 800 s more: 325..1125. B then needs
  // 220 s: 1125..1345.
  const std::string yaml = fmt::format(R"(name: las
duration: 1h
{}jobs:
  queue: {{policy: las, levels: 2, first_threshold: 800}}
  defaults: {{preemptible: true}}
  list:
    - {{name: A, submit: 0s, gpus: 8, duration: 1000s, checkpoint: {{interval: 50s}}}}
    - {{name: B, submit: 225s, gpus: 8, duration: 300s, checkpoint: {{interval: 40s}}}}
)",
                                       kOneNode);
  const RunResult result = run_scenario(yaml);
  const auto jobs = by_name(result);
  CHECK(jobs.at("A").end == Approx(1125));
  CHECK(jobs.at("B").first_start == Approx(225));
  CHECK(jobs.at("B").end == Approx(1345));
  CHECK(jobs.at("A").lost_gpu_seconds == Approx(200));
  CHECK(jobs.at("B").lost_gpu_seconds == Approx(160));
  CHECK(metric(result, "jobs.preemptions") == 2);
  // Under fifo nobody is preempted: A 0..1000, B 1000..1300.
  const auto fifo = by_name(run_scenario(yaml, {"jobs.queue={policy: fifo}"}));
  CHECK(fifo.at("A").end == Approx(1000));
  CHECK(fifo.at("B").end == Approx(1300));
}

namespace {

// 2 racks x 4 h100x8 nodes: NVLink 450 GB/s per direction inside a node; a
// GPU reaches the fabric through its own PCIe link (64 GB/s), the bottleneck
// of any path between nodes.
std::string allreduce_scenario(int gpus, const std::string& placement) {
  return fmt::format(R"(name: allreduce
duration: 1h
platform:
  sites: [{{name: lab, racks: 2, nodes_per_rack: 4, node: h100x8, fabric: {{link: 400Gbps, latency: 1us}}}}]
jobs:
  placement: {{policy: {}}}
  list:
    - {{name: ring, gpus: {}, work: {{iterations: 1, flops_per_iteration: 1FLOP, allreduce: 10GB, steps: 1}}}}
)",
                     placement, gpus);
}

double ring_seconds(int gpus, const std::string& placement) {
  const RunResult result = run_scenario(allreduce_scenario(gpus, placement));
  REQUIRE(result.jobs.size() == 1);
  REQUIRE(result.jobs[0].end);
  return *result.jobs[0].end - *result.jobs[0].first_start;
}

}  // namespace

TEST_CASE("ring all-reduce on an idle fabric takes 2(n-1)/n x B / bottleneck bandwidth", "[jobs][network]") {
  constexpr double bytes = 10e9;
  // 8 GPUs of one node: NVLink.
  CHECK(ring_seconds(8, "topology_pack") == Approx(2.0 * 7 / 8 * bytes / 450e9).epsilon(0.05));
  // 16 GPUs on two nodes: the two ring hops between nodes go through PCIe.
  CHECK(ring_seconds(16, "topology_pack") == Approx(2.0 * 15 / 16 * bytes / 64e9).epsilon(0.05));
}

TEST_CASE("packing a communication-heavy job in one node beats spreading it across racks", "[jobs][network]") {
  const double packed = ring_seconds(8, "topology_pack");
  const double spread = ring_seconds(8, "spread");
  CHECK(spread == Approx(2.0 * 7 / 8 * 10e9 / 64e9).epsilon(0.05));
  CHECK(packed * 5 < spread);
}

TEST_CASE("work jobs: compute time is FLOP / (GPUs x peak x efficiency), plus the all-reduce per step", "[jobs]") {
  // 8 GPUs of 989 TFLOP/s dense BF16 at efficiency 0.5; 1000 iterations of
  // 8 PFLOP and 1 GB all-reduced over NVLink, in 10 steps.
  const std::string yaml = fmt::format(R"(name: work
duration: 1h
{}jobs:
  list:
    - {{name: train, gpus: 8, compute_efficiency: 0.5,
       work: {{iterations: 1000, flops_per_iteration: 8PFLOP, allreduce: 1GB, steps: 10}}}}
)",
                                       kOneNode);
  const RunResult result = run_scenario(yaml);
  const double compute = 1000 * 8e15 / (8 * 989e12 * 0.5);
  const double ring = 1000 * 2.0 * 7 / 8 * 1e9 / 450e9;
  REQUIRE(result.jobs.size() == 1);
  CHECK(*result.jobs[0].end == Approx(compute + ring).epsilon(0.01));
  CHECK(result.jobs[0].ideal_seconds == Approx(compute + ring).epsilon(0.001));
  // Busy GPUs: the compute phases only.
  CHECK(metric(result, "jobs.busy_gpu_hours") == Approx(8 * compute / 3600).epsilon(0.01));
}

TEST_CASE("checkpoints are written through the network and add their transfer time", "[jobs][network]") {
  // 1000 s of work with a checkpoint every 300 s: writes at 300, 600 and 900 s.
  // 80 GB from 8 GPUs (10 GB each over 64 GB/s PCIe, 512 GB/s in all) share
  // the node's 400 GB/s NIC: 0.2 s each.
  const std::string yaml = fmt::format(R"(name: checkpoints
duration: 1h
{}jobs:
  list:
    - {{name: train, gpus: 8, duration: 1000s, checkpoint: {{interval: 300s, size: 80GB}}}}
)",
                                       kOneNode);
  const RunResult result = run_scenario(yaml);
  REQUIRE(result.jobs.size() == 1);
  CHECK(*result.jobs[0].end - 1000 == Approx(3 * 80e9 / 400e9).epsilon(0.05));
  CHECK(metric(result, "jobs.overhead_gpu_hours") == Approx(8 * 3 * 0.2 / 3600).epsilon(0.05));
}

TEST_CASE("a service scaling up preempts a lower-priority preemptible job", "[jobs][mixed]") {
  // The node holds one 4-GPU replica; the job takes the other 4 GPUs. At the
  // autoscaler's first decision (60 s) the service wants 2 replicas.
  const std::string yaml = fmt::format(R"(name: mixed
duration: 600s
{}services:
  - name: chat
    replicas: 1
    gpus_per_replica: 4
    priority: 10
    arrivals: {{rate: 1/s}}
    service_time: 10ms
    autoscaler: {{policy: static, min_replicas: 2, max_replicas: 2}}
jobs:
  list:
    - {{name: batch, gpus: 4, duration: 1000s, preemptible: true}}
)",
                                       kOneNode);
  const RunResult result = run_scenario(yaml);
  const auto jobs = by_name(result);
  CHECK(jobs.at("batch").preemptions == 1);
  CHECK(jobs.at("batch").state == "waiting");
  bool preempted = false;
  for (const Event& event : result.events)
    if (event.kind == "job_preempted") {
      preempted = true;
      CHECK(event.t == Approx(60));
      CHECK(nlohmann::json::parse(event.detail).at("by").get<std::string>() == "service chat");
    }
  CHECK(preempted);
  // A job that is not preemptible keeps its GPUs.
  const auto kept = by_name(run_scenario(yaml, {"jobs.list[0].preemptible=false"}));
  CHECK(kept.at("batch").preemptions == 0);
}

TEST_CASE("trace replay: rows become jobs, CPU-only rows are counted skips", "[jobs][trace]") {
  const std::string yaml = fmt::format(R"(name: replay
duration: 4h
{}jobs:
  queue: {{policy: easy_backfill}}
  trace: {{format: philly_csv, path: {}/tests/fixtures/traces/philly_small.csv}}
)",
                                       kOneNode, LEPTONSIM_SOURCE_DIR);
  const RunResult result = run_scenario(yaml);
  // 4 rows: j2 asks for 0 GPUs. Submissions are rebased to the first (100 s).
  CHECK(metric(result, "jobs.submitted") == 3);
  CHECK(metric(result, "jobs.skipped") == 1);
  CHECK(metric(result, "jobs.completed") == 3);
  const auto jobs = by_name(result);
  CHECK(jobs.at("j0").submit == 0);
  CHECK(jobs.at("j0").end == Approx(300));
  CHECK(jobs.at("j1").end == Approx(60 + 1200.5));
  // j3 needs the whole node: after j1 ends at 1260.5.
  CHECK(jobs.at("j3").first_start == Approx(1260.5));
  CHECK(jobs.at("j3").source == "philly_small.csv:5");
  bool skip_event = false;
  for (const Event& event : result.events) skip_event |= event.kind == "jobs_skipped";
  CHECK(skip_event);
}

TEST_CASE("same scenario and seed give identical job results", "[jobs][determinism]") {
  const std::string yaml = R"(name: synthetic
duration: 12h
platform:
  sites: [{name: lab, racks: 2, nodes_per_rack: 2, node: h100x8}]
jobs:
  queue: {policy: las}
  placement: {policy: best_fit}
  defaults: {preemptible: true, checkpoint: {interval: 10min}}
  synthetic:
    count: 300
    rate: 30/h
    gpus: [{gpus: 1, weight: 5}, {gpus: 4, weight: 2}, {gpus: 8, weight: 1}, {gpus: 16, weight: 1}]
    duration: {lognormal: {mean: 1h, sigma: 1.2}}
)";
  const RunResult a = run_scenario(yaml);
  const RunResult b = run_scenario(yaml);
  REQUIRE(a.jobs.size() == b.jobs.size());
  REQUIRE(a.jobs.size() > 100);
  for (std::size_t i = 0; i < a.jobs.size(); ++i) {
    CHECK(a.jobs[i].job == b.jobs[i].job);
    CHECK(a.jobs[i].end == b.jobs[i].end);
    CHECK(a.jobs[i].placement == b.jobs[i].placement);
  }
  REQUIRE(a.summary.size() == b.summary.size());
  for (std::size_t i = 0; i < a.summary.size(); ++i) {
    INFO(a.summary[i].metric);
    CHECK((a.summary[i].value == b.summary[i].value || (std::isnan(a.summary[i].value) && std::isnan(b.summary[i].value))));
  }
  CHECK(metric(a, "jobs.preemptions") > 0);
  const RunResult c = run_scenario(yaml, {"seed=2"});
  CHECK(metric(c, "jobs.jct_mean") != metric(a, "jobs.jct_mean"));
}

TEST_CASE("fractional GPU shares pack up to a whole GPU and Alibaba openb pods replay as shares", "[jobs][trace]") {
  // A node shape with a single GPU: four 250-milli jobs share it, the fifth waits for one of them.
  const std::string yaml = R"(name: fractional
duration: 1h
catalog:
  node_shapes: [{name: one-gpu, gpu: L40S, gpus: 1, cpu_cores: 16, cpu: 1TFLOPS, nic: 100Gbps, pcie: 32GBps, price: $2/h}]
platform:
  sites: [{name: lab, racks: 1, nodes_per_rack: 1, node: one-gpu}]
jobs:
  placement: {policy: best_fit}
  list:
    - {name: quarter, count: 5, gpus: 1, gpu_milli: 250, duration: 100s}
    - {name: whole, submit: 1s, gpus: 1, duration: 50s}
)";
  const RunResult result = run_scenario(yaml);
  const auto jobs = by_name(result);
  for (int k = 0; k < 4; ++k) CHECK(jobs.at(fmt::format("quarter-{}", k)).end == Approx(100));
  CHECK(jobs.at("quarter-4").first_start == Approx(100));
  CHECK(jobs.at("whole").first_start == Approx(200));  // fifo: behind quarter-4, then the GPU must be whole
  CHECK(jobs.at("quarter-0").gpu_milli == 250);

  const std::string openb = fmt::format(R"(name: openb
duration: 4h
{}jobs:
  trace: {{format: alibaba_openb, path: {}/tests/fixtures/traces/openb_pods_small.csv}}
)",
                                        kOneNode, LEPTONSIM_SOURCE_DIR);
  const RunResult replay = run_scenario(openb);
  // pod-a (a whole GPU, 8980 s) and pod-b (250 milli, 1000 s) run; pod-c is CPU-only,
  // pod-d/e never ran, pod-f was never scheduled, pod-g has no deletion time.
  const auto pods = by_name(replay);
  REQUIRE(pods.size() == 2);
  CHECK(pods.at("pod-b").gpu_milli == 250);
  CHECK(pods.at("pod-b").end == Approx(200 + 1000));
  CHECK(metric(replay, "jobs.skipped") == 5);
}

namespace {

// Four one-GPU nodes in one rack; each node's NIC (100 Gb/s = 12.5 GB/s per
// direction) is the narrowest link between two GPUs.
const char* kFourOneGpuNodes = R"(catalog:
  node_shapes: [{name: one-gpu, gpu: L40S, gpus: 1, cpu_cores: 16, cpu: 1TFLOPS, nic: 100Gbps, pcie: 32GBps, price: $2/h}]
platform:
  sites: [{name: lab, racks: 1, nodes_per_rack: 4, node: one-gpu, fabric: {link: 400Gbps, latency: 1us}}]
)";

std::vector<std::pair<std::string, double>> stage_done_events(const RunResult& result) {
  std::vector<std::pair<std::string, double>> out;
  for (const Event& event : result.events)
    if (event.kind == "dag_stage_done")
      out.emplace_back(event.entity + "/" + nlohmann::json::parse(event.detail).at("stage").get<std::string>(), event.t);
  return out;
}

}  // namespace

TEST_CASE("MapReduce: maps run in waves, then reducers fetch their partitions through the NICs", "[jobs][dag][network]") {
  // 6 maps on 4 GPUs: maps 0-3 on nodes 0-3 from 10 s to 110 s, maps 4-5 on
  // nodes 0-1 until 210 s. Then reducers 0 and 1 start on nodes 0 and 1. Each
  // reads 10 GB / 2 = 5 GB from every map: 4 maps wrote on other nodes (20 GB
  // through the NIC) and 2 on its own node (a local read). 4 flows share each
  // reducer's NIC: 20 GB / 12.5 GB/s = 1.6 s. Reducers end at 210 + 1.6 + 50.
  const std::string yaml = fmt::format(R"(name: mapreduce
duration: 1h
{}jobs:
  list:
    - name: wc
      submit: 10s
      stages:
        - {{name: map, tasks: 6, duration: 100s, output: 10GB}}
        - {{name: reduce, tasks: 2, duration: 50s, after: [map]}}
)",
                                       kFourOneGpuNodes);
  const RunResult result = run_scenario(yaml);
  const auto jobs = by_name(result);
  for (int m = 0; m < 4; ++m) CHECK(jobs.at(fmt::format("wc/map/{}", m)).end == Approx(110));
  for (int m = 4; m < 6; ++m) CHECK(jobs.at(fmt::format("wc/map/{}", m)).first_start == Approx(110));
  const double shuffle = 20e9 / 12.5e9;
  for (int r = 0; r < 2; ++r) {
    const JobOutcome& reducer = jobs.at(fmt::format("wc/reduce/{}", r));
    CHECK(reducer.first_start == Approx(210));
    CHECK(*reducer.end == Approx(210 + shuffle + 50).epsilon(1e-4));
    CHECK(reducer.source == "dag_task");
  }
  const JobOutcome& wc = jobs.at("wc");
  CHECK(wc.source == "list");
  CHECK(wc.state == "completed");
  CHECK(*wc.end - wc.submit == Approx(200 + shuffle + 50).epsilon(1e-4));
  CHECK(wc.ideal_seconds == 150);  // critical path: map then reduce, free shuffle
  CHECK(wc.gpu_seconds == Approx(6 * 100 + 2 * (shuffle + 50)).epsilon(1e-4));
  CHECK(wc.progress == 1.0);
  // The job counts once; its tasks are counted apart.
  CHECK(metric(result, "jobs.submitted") == 1);
  CHECK(metric(result, "jobs.completed") == 1);
  CHECK(metric(result, "jobs.dag_tasks_completed") == 8);
  CHECK(metric(result, "jobs.jct_mean") == Approx(200 + shuffle + 50).epsilon(1e-4));
  // 100 s of waiting: maps 4-5 from 10 s to 110 s.
  CHECK(metric(result, "jobs.wait_mean") == Approx(100));
  CHECK(metric(result, "jobs.shuffle_bytes") == Approx(2 * 4 * 5e9));
  CHECK(metric(result, "jobs.shuffle_local_bytes") == Approx(2 * 2 * 5e9));
  const auto stages = stage_done_events(result);
  REQUIRE(stages.size() == 2);
  CHECK(stages[0].first == "wc/map");
  CHECK(stages[0].second == Approx(210));
  CHECK(stages[1].first == "wc/reduce");
  CHECK(stages[1].second == Approx(210 + shuffle + 50).epsilon(1e-4));
}

TEST_CASE("a DAG's stages follow their dependencies through the queue, and a shuffle inside one node is local", "[jobs][dag]") {
  // One 8-GPU node, fifo. extract (2 x 1 GPU) 0-100 s. Then left (3 tasks x 4
  // GPUs) and right (1 GPU): left/0 and left/1 fill the node until 150 s,
  // left/2 and right wait (fifo: right queues behind left/2); left/2 runs
  // 150-200, right 150-350; join needs both: 350-360.
  const std::string yaml = fmt::format(R"(name: diamond
duration: 1h
{}jobs:
  list:
    - name: d
      stages:
        - {{name: extract, tasks: 2, duration: 100s, output: 1GB}}
        - {{name: left, tasks: 3, gpus: 4, duration: 50s, after: [extract], output: 1GB}}
        - {{name: right, duration: 200s, after: [extract], output: 1GB}}
        - {{name: join, duration: 10s, after: [left, right]}}
)",
                                       kOneNode);
  const RunResult result = run_scenario(yaml);
  CHECK(timeline(result) == Timeline{{"d", {0, 360}},
                                     {"d/extract/0", {0, 100}},
                                     {"d/extract/1", {0, 100}},
                                     {"d/left/0", {100, 150}},
                                     {"d/left/1", {100, 150}},
                                     {"d/left/2", {150, 200}},
                                     {"d/right/0", {150, 350}},
                                     {"d/join/0", {350, 360}}});
  CHECK(stage_done_events(result) == std::vector<std::pair<std::string, double>>{
                                         {"d/extract", 100}, {"d/left", 200}, {"d/right", 350}, {"d/join", 360}});
  CHECK(by_name(result).at("d").ideal_seconds == 310);  // extract, right, join
  CHECK(metric(result, "jobs.shuffle_bytes") == 0);
  // Every stage reads all of its upstream stages' output, split over its tasks:
  // left (all three tasks) and right each 2 x 1 GB, join 3 x 1 GB + 1 GB.
  CHECK(metric(result, "jobs.shuffle_local_bytes") == Approx(2e9 + 2e9 + 4e9));
}

TEST_CASE("a DAG whose stage cannot fit is rejected as a whole, and an unfinished one is reported as running", "[jobs][dag]") {
  const std::string yaml = fmt::format(R"(name: dag-limits
duration: 120s
{}jobs:
  list:
    - name: too-wide
      stages: [{{name: a, duration: 10s}}, {{name: b, gpus: 16, duration: 10s, after: [a]}}]
    - name: slow
      stages: [{{name: a, tasks: 2, duration: 100s}}, {{name: b, duration: 100s, after: [a]}}]
)",
                                       kOneNode);
  const RunResult result = run_scenario(yaml);
  CHECK(metric(result, "jobs.rejected") == 1);
  CHECK(metric(result, "jobs.unfinished") == 1);
  const auto jobs = by_name(result);
  CHECK(jobs.count("too-wide") == 0);
  CHECK(jobs.count("too-wide/a/0") == 0);  // its tasks never ran
  CHECK(jobs.at("slow").state == "running");
  CHECK(jobs.at("slow").progress == Approx(2.0 / 3.0));
  CHECK(jobs.at("slow/b/0").state == "running");
  bool rejected = false;
  for (const Event& event : result.events)
    if (event.kind == "job_rejected" && event.entity == "too-wide") {
      rejected = true;
      CHECK(event.detail.find("stage b: each task needs 16 GPUs") != std::string::npos);
    }
  CHECK(rejected);
}

TEST_CASE("a preempted DAG task loses its run and fetches its input again", "[jobs][dag][network]") {
  // 4 maps on 4 one-GPU nodes, 0-100 s, 10 GB each. The reducer reads 3 x
  // 10 GB from other nodes (30 GB / 12.5 GB/s = 2.4 s), computes from 102.4 s;
  // at 150 s a higher-priority 4-GPU job preempts it for 20 s. Without a
  // checkpoint the reducer starts over at 170 s: 2.4 s of fetching, 100 s of work.
  const std::string yaml = fmt::format(R"(name: dag-preempted
duration: 1h
{}jobs:
  queue: {{policy: priority}}
  defaults: {{preemptible: true}}
  list:
    - name: wc
      stages:
        - {{name: map, tasks: 4, duration: 100s, output: 10GB}}
        - {{name: reduce, duration: 100s, after: [map]}}
    - {{name: urgent, submit: 150s, gpus: 4, duration: 20s, priority: 5}}
)",
                                       kFourOneGpuNodes);
  const RunResult result = run_scenario(yaml);
  const auto jobs = by_name(result);
  const double fetch = 30e9 / 12.5e9;
  CHECK(timeline(result).at("urgent") == std::pair<double, double>{150, 170});
  const JobOutcome& reducer = jobs.at("wc/reduce/0");
  CHECK(reducer.preemptions == 1);
  CHECK(reducer.lost_gpu_seconds == Approx(50));
  CHECK(*reducer.end == Approx(170 + fetch + 100).epsilon(1e-4));
  CHECK(jobs.at("wc").preemptions == 1);
  CHECK(jobs.at("wc").lost_gpu_seconds == Approx(50));
  CHECK(*jobs.at("wc").end == Approx(170 + fetch + 100).epsilon(1e-4));
  CHECK(metric(result, "jobs.preemptions") == 1);
  CHECK(metric(result, "jobs.shuffle_bytes") == Approx(2 * 30e9));
}
