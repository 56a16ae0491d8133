// Storage through the whole simulator: rebuild times against bytes over the
// bottleneck bandwidth, Reed-Solomon repair reads, a hand-computed data loss
// and its restore, and the mean time to data loss against the Markov chain.
#include "ScenarioRun.hpp"
#include "replication/DataLossEstimates.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

using namespace leptonsim;
using namespace leptonsim::testing;

namespace {

std::vector<nlohmann::json> details_of(const RunResult& result, const std::string& kind, std::vector<double>* times = nullptr) {
  std::vector<nlohmann::json> out;
  for (const Event& event : result.events)
    if (event.kind == kind) {
      out.push_back(nlohmann::json::parse(event.detail));
      if (times != nullptr) times->push_back(event.t);
    }
  return out;
}

constexpr double kNvmeWrite = 5300e6;  // data/disks.yaml: nvme-7680gb

}  // namespace

TEST_CASE("rebuilding a replaced disk takes its bytes over the disk's write bandwidth", "[storage]") {
  // Four storage nodes with one NVMe disk each, 400 Gbps NICs; 100 GB in two
  // copies. Disk 0 fails at 1000 s and is replaced at 3000 s; its pieces are
  // then read from the three other disks (6.8 GB/s each) and written to the
  // new disk: the new disk's 5.3 GB/s write is the bottleneck.
  const RunResult result = run_with_files(R"(
name: rebuild-replacement
duration: 2h
platform:
  sites:
    - {name: dc, racks: 1, nodes_per_rack: 4, storage: {racks: 1, nodes_per_rack: 4, nic: 400Gbps}}
data:
  objects: [{name: weights, size: 100GB, chunk: 256MB}]
  redundancy: {policy: replication, factor: 2}
  placement: {policy: random}
  repair: {target: replacement}
failures:
  trace: {path: f.csv}
)",
                                          {{"f.csv", "time,component,duration,cause\n1000,dc/sr0/s0/disk0,2000,media\n"}});
  std::vector<double> times;
  const auto restored = details_of(result, "redundancy_restored", &times);
  REQUIRE(restored.size() == 1);
  const double bytes = metric(result, "data.repair_bytes_written");
  CHECK(bytes > 40e9);  // about half of the 200 GB stored
  CHECK(metric(result, "data.repair_bytes_read") == bytes);
  const double rebuild = times[0] - 3000.0;
  CHECK(rebuild == Approx(bytes / kNvmeWrite).epsilon(0.05));
  CHECK(restored[0]["seconds"].get<double>() == Approx(times[0] - 1000.0));
  CHECK(metric(result, "data.chunks_lost") == 0);
  CHECK(metric(result, "data.bytes_stored") == Approx(200e9));
}

TEST_CASE("rebuilding a failed node on the survivors takes its bytes over the repair bandwidth", "[storage]") {
  // Two racks of three nodes with two disks each; 200 GB in two rack-aware
  // copies. Node sr0/s0 fails at 1000 s: after the 10 min delay its pieces are
  // rebuilt at the 2 GB/s repair budget, far below what disks and NICs allow.
  // Node sr1/s0 fails at 30000 s for 5 min only: back before the delay, it
  // keeps its data and nothing is rebuilt.
  const RunResult result = run_with_files(R"(
name: rebuild-survivors
duration: 12h
platform:
  sites:
    - {name: dc, racks: 1, nodes_per_rack: 3, storage: {racks: 2, nodes_per_rack: 3, disks_per_node: 2}}
data:
  objects: [{name: dataset, size: 200GB}]
  redundancy: {policy: replication, factor: 2}
  repair: {delay: 10min, bandwidth: 2GBps}
failures:
  trace: {path: f.csv}
)",
                                          {{"f.csv", "time,component,duration,cause\n1000,dc/sr0/s0,18000,psu\n"
                                                     "30000,dc/sr1/s0,300,reboot\n"}});
  std::vector<double> started_at, restored_at;
  const auto started = details_of(result, "rebuild_started", &started_at);
  const auto restored = details_of(result, "redundancy_restored", &restored_at);
  REQUIRE(started.size() == 1);
  REQUIRE(restored.size() == 1);
  CHECK(started_at[0] == Approx(1600.0));
  const double bytes = metric(result, "data.repair_bytes_written");
  CHECK(bytes == Approx(started[0]["pieces"].get<double>() * 256e6));
  CHECK(restored_at[0] - 1600.0 == Approx(bytes / 2e9).epsilon(0.05));
  CHECK(metric(result, "data.pieces_rebuilt") == started[0]["pieces"].get<double>());
  CHECK(metric(result, "data.chunks_lost") == 0);
  // The node that returned empty at 19000 s and the one back within the delay: all data in two copies.
  CHECK(metric(result, "data.bytes_stored") == Approx(400e9));
}

TEST_CASE("a Reed-Solomon rebuild reads exactly k fragments for each fragment it writes", "[storage]") {
  // RS(4, 2) on seven nodes: every chunk of 256 MB has six 64 MB fragments on
  // six of the seven disks. Disk 2 fails; each lost fragment is rebuilt on the
  // seventh node from four surviving fragments.
  const RunResult result = run_with_files(R"(
name: rs-rebuild
duration: 1h
platform:
  sites:
    - {name: dc, racks: 1, nodes_per_rack: 7, storage: {racks: 1, nodes_per_rack: 7}}
data:
  objects: [{name: dataset, size: 25.6GB, chunk: 256MB}]
  redundancy: {policy: erasure_coding, data: 4, parity: 2}
  placement: {policy: random}
  repair: {delay: 0s}
failures:
  trace: {path: f.csv}
)",
                                          {{"f.csv", "time,component,duration,cause\n600,dc/sr0/s2/disk0,7200,media\n"}});
  const auto started = details_of(result, "rebuild_started");
  REQUIRE(started.size() == 1);
  const double fragments = started[0]["pieces"].get<double>();
  CHECK(fragments > 50);  // about 6/7 of 100 chunks
  CHECK(metric(result, "data.pieces_rebuilt") == fragments);
  CHECK(metric(result, "data.repair_bytes_written") == Approx(fragments * 64e6));
  CHECK(metric(result, "data.repair_bytes_read") == Approx(4 * fragments * 64e6));
  CHECK(metric(result, "data.bytes_stored") == Approx(100 * 6 * 64e6));
  CHECK(metric(result, "data.chunks_lost") == 0);
}

TEST_CASE("two failed disks holding both copies lose every chunk and the origin restores them", "[storage]") {
  // Two nodes, one disk each, ten 256 MB chunks in two copies: every chunk is
  // on both disks. Disk A fails at 1000 s (1 h), disk B at 1100 s (2 h): at
  // 1100 s all ten chunks are lost (one loss event). Nothing can be rebuilt or
  // restored until both disks are back: B returns at 8300 s, and the ten
  // chunks are written again from the site's storage gateway.
  const RunResult result = run_with_files(R"(
name: double-failure
duration: 4h
platform:
  sites:
    - {name: dc, racks: 1, nodes_per_rack: 2, storage: {racks: 1, nodes_per_rack: 2}}
data:
  objects: [{name: ckpt, size: 2.56GB, chunk: 256MB}]
  redundancy: {policy: replication, factor: 2}
  placement: {policy: random}
failures:
  trace: {path: f.csv}
)",
                                          {{"f.csv", "time,component,duration,cause\n1000,dc/sr0/s0/disk0,3600,media\n"
                                                     "1100,dc/sr0/s1/disk0,7200,media\n"}});
  std::vector<double> lost_at;
  const auto losses = details_of(result, "data_loss", &lost_at);
  REQUIRE(losses.size() == 1);
  CHECK(lost_at[0] == Approx(1100.0));
  CHECK(losses[0]["chunks"] == 10);
  CHECK(losses[0]["objects"]["ckpt"] == 10);
  CHECK(metric(result, "data.loss_events") == 1);
  CHECK(metric(result, "data.chunks_lost") == 10);
  CHECK(metric(result, "data.bytes_lost") == Approx(2.56e9));
  CHECK(metric(result, "data.chunks_restored") == 10);
  CHECK(metric(result, "data.restore_bytes") == Approx(2 * 2.56e9));
  CHECK(metric(result, "data.restore_time_mean") == Approx(7200.0).margin(5.0));
  CHECK(metric(result, "data.bytes_stored") == Approx(2 * 2.56e9));
  // At risk from the start to the loss and from the restore (~8300 s) to the end.
  const double at_risk = metric(result, "data.at_risk_hours");
  CHECK(at_risk == Approx((1100.0 + 14400.0 - 8300.0) / 3600.0).margin(0.01));
  CHECK(metric(result, "data.mttdl") == Approx(at_risk));
  // Under-replicated: 10 chunks from 1000 s until restored at about 8300 s.
  CHECK(metric(result, "data.under_replicated_chunk_hours") == Approx(10 * 7300.0 / 3600.0).epsilon(0.01));
}

namespace {

// Six disks, chunks in R copies placed at random and rebuilt on the replaced
// disk (a fixed layout): the Markov chain of MTTDL exactly, as long as every
// set of R disks shares a chunk (120 chunks: all 15 pairs and 20 triples).
std::string markov_scenario(int copies, double mtbf_hours, double hours) {
  return fmt::format(R"(
name: mttdl-r{0}
duration: {2}h
sample_interval: 1000h
seed: 5
platform:
  sites:
    - {{name: lab, racks: 1, nodes_per_rack: 6, storage: {{racks: 1, nodes_per_rack: 6, nic: 400Gbps}}}}
data:
  objects: [{{name: blocks, size: 120MB, chunk: 1MB}}]
  redundancy: {{policy: replication, factor: {0}}}
  placement: {{policy: random}}
  repair: {{target: replacement}}
failures:
  detection: {{period: 1s, delay: 0s}}
  classes:
    - {{component: disk, mtbf: {1}h, repair: {{exponential: {{mean: 10h}}}}}}
)",
                     copies, mtbf_hours, hours);
}

}  // namespace

TEST_CASE("simulated mean time to data loss matches the Markov chain for two and three copies", "[storage][statistical]") {
  // Accelerated failures (MTBF 100 h or 50 h, replacement 10 h exponential) so
  // a run sees about a thousand losses; each loss ends one time at full
  // redundancy, and those times are what the chain's MTTDL is the mean of.
  // The 1 MB rebuilds take milliseconds, negligible against hours. With n
  // losses the estimate's relative standard error is about 1/sqrt(n) (3 %):
  // the 10 % tolerance is three of them.
  const double scale = test_scale();
  for (const auto& [copies, mtbf] : {std::pair{2, 100.0}, std::pair{3, 50.0}}) {
    const double markov = markov_mean_time_to_data_loss(6, copies - 1, 1.0 / mtbf, 1.0 / 10.0);
    const RunResult result = run_with_files(markov_scenario(copies, mtbf, std::round(1300 * markov * scale)));
    const double losses = metric(result, "data.at_risk_hours") / metric(result, "data.mttdl");
    INFO("R = " << copies << ": Markov " << markov << " h, simulated " << metric(result, "data.mttdl") << " h over "
                << losses << " losses");
    CHECK(losses > 700 * scale);
    CHECK(metric(result, "data.mttdl") == Approx(markov).epsilon(0.10 / std::sqrt(std::min(1.0, scale))));
    CHECK(metric(result, "data.mttdl_ci_low") < markov * 1.1);
    CHECK(metric(result, "data.mttdl_ci_high") > markov * 0.9);
  }
}

TEST_CASE("a run with disk failures, losses and restores is deterministic", "[storage]") {
  // The Markov scenario with an off-site backup and quorum operations besides.
  std::string yaml = markov_scenario(2, 100.0, 3000.0);
  const auto replace = [&yaml](const std::string& from, const std::string& to) {
    REQUIRE(yaml.find(from) != std::string::npos);
    yaml.replace(yaml.find(from), from.size(), to);
  };
  replace("  repair: {target: replacement}",
          "  repair: {target: replacement}\n"
          "  backup: {full_every: 500h, incremental_every: 50h, change_rate: 0.1, destination: dr}\n"
          "  quorum: {replicas: 3, write_quorum: 1, read_quorum: 1, keys: 20, write_rate: 0.01/s, read_rate: 0.01/s}");
  replace("nic: 400Gbps}}", "nic: 400Gbps}}\n    - {name: dr, racks: 1, nodes_per_rack: 1}\n"
                            "  wan: [{between: [lab, dr], bandwidth: 10Gbps}]");
  const RunResult first = run_with_files(yaml);
  const RunResult second = run_with_files(yaml);
  CHECK(metric(first, "backup.full_count") == 6);
  CHECK(metric(first, "quorum.reads") > 50000);
  REQUIRE(first.summary.size() == second.summary.size());
  for (std::size_t i = 0; i < first.summary.size(); ++i) {
    INFO(first.summary[i].metric);
    CHECK(first.summary[i].metric == second.summary[i].metric);
    if (!std::isnan(first.summary[i].value)) CHECK(first.summary[i].value == second.summary[i].value);
  }
  REQUIRE(first.events.size() == second.events.size());
  for (std::size_t i = 0; i < first.events.size(); ++i) {
    CHECK(first.events[i].t == second.events[i].t);
    CHECK(first.events[i].detail == second.events[i].detail);
  }
  CHECK(metric(first, "data.loss_events") > 10);
}

TEST_CASE("a cold start whose weights are in the node's cache reads them locally", "[storage][cache]") {
  // One node; the replica (4 GPUs) starts at t = 0 with its 140 GB of weights
  // on the node (warm cache). GPU 0 fails at 100 s (detected at once); the
  // replacement goes on GPUs 1-4 of the same node. Cache hit: image pull 30 s
  // + 140 GB / 20 GB/s + warm-up 20 s = 57 s. Without the cache (or with one
  // too small for the weights) they come over the node's 100 Gb/s NIC instead.
  const std::string base = R"(
name: weight-cache
duration: 1000s
platform:
  sites:
    - name: lab
      racks: 1
      nodes_per_rack: 1
      node: h100x8
CACHE
catalog:
  node_shapes:
    - {name: h100x8, nic: 100Gbps}
services:
  - name: api
    replicas: 1
    gpus_per_replica: 4
    arrivals: {process: poisson, rate: 0.1/s}
    service_time: 100ms
    cold_start: {image_pull: 30s, weights: 140GB, warmup: 20s}
failures:
  detection: {period: 10s, delay: 0s}
  trace: {path: failures.csv}
)";
  const std::map<std::string, std::string> trace = {{"failures.csv", "time,component,duration\n100,lab/r0/n0/gpu0,5000\n"}};
  auto with_cache = [&](const std::string& cache) {
    std::string yaml = base;
    yaml.replace(yaml.find("CACHE"), 5, cache);
    return run_with_files(yaml, trace);
  };
  auto ready = [](const RunResult& result) {
    std::vector<double> times;
    const auto details = details_of(result, "replica_ready", &times);
    REQUIRE(details.size() == 1);
    return std::make_pair(times[0], details[0].at("weights_from").get<std::string>());
  };
  const RunResult hit = with_cache("      weight_cache: {capacity: 200GB, bandwidth: 20GBps}");
  CHECK(ready(hit).first == Approx(100.0 + 57.0).epsilon(1e-9));
  CHECK(ready(hit).second == "cache");
  CHECK(metric(hit, "cache.hits") == 1);
  CHECK(metric(hit, "cache.misses") == 0);
  CHECK(metric(hit, "cache.bytes_read") == Approx(140e9));
  CHECK(metric(hit, "service.api.cold_start_cache_hits") == 1);

  const RunResult none = with_cache("");
  const RunResult too_small = with_cache("      weight_cache: {capacity: 100GB, bandwidth: 20GBps, eviction: {policy: lfu}}");
  CHECK(ready(none).second == "storage");
  CHECK(ready(too_small).second == "storage");
  // The network path: at most 100 Gb/s into the node, so at least 140 GB / 12.5 GB/s = 11.2 s.
  CHECK(ready(none).first - 100.0 >= 30.0 + 11.2 + 20.0 - 1e-6);
  CHECK(ready(too_small).first == Approx(ready(none).first).epsilon(1e-9));
  CHECK(metric(too_small, "cache.misses") == 1);
  CHECK(metric(too_small, "cache.bytes_written") == 0);
  CHECK(std::none_of(none.summary.begin(), none.summary.end(),
                     [](const SummaryMetric& m) { return m.metric.rfind("cache.", 0) == 0; }));
}

namespace {

// Three storage racks of one node each; quorum operations on 3 replicas.
std::string quorum_scenario(const std::string& quorum, const std::string& extra = "") {
  return fmt::format(R"(
name: quorum
duration: 2000s
platform:
  sites:
    - name: dc
      racks: 1
      nodes_per_rack: 2
      storage: {{racks: 3, nodes_per_rack: 1, disks_per_node: 1}}
data:
  objects: [{{name: meta, size: 1GB}}]
  quorum: {}
{}
)",
                     quorum, extra);
}

}  // namespace

TEST_CASE("quorum latency is the W-th (R-th) replica response: order statistics of exponential service times",
          "[storage][quorum]") {
  // Every replica is as far from the gateway (one transfer time c); each adds an
  // exponential service time of mean m. The k-th of 3 exponentials has mean
  // m (1/3), m (1/3 + 1/2), m (1/3 + 1/2 + 1): latency = c + that. c comes from
  // a run with a fixed 1 ms service time. 20,000 operations: standard error of
  // the mean under 0.5 %, tolerance 3 %.
  const RunResult fixed = run_with_files(quorum_scenario(
      "{replicas: 3, write_quorum: 1, read_quorum: 1, value_size: 1MB, write_rate: 10/s, read_rate: 10/s, "
      "service_time: 1ms}"));
  const double c_write = metric(fixed, "quorum.write_latency_mean") - 1e-3;
  const double c_read = metric(fixed, "quorum.read_latency_mean") - 1e-3;
  CHECK(c_write > 0);
  CHECK(c_read == Approx(c_write).epsilon(0.01));
  const double m = 0.010;
  const std::vector<double> order_means = {m / 3, m * (1.0 / 3 + 1.0 / 2), m * (1.0 / 3 + 1.0 / 2 + 1.0)};
  for (int k = 1; k <= 3; ++k) {
    const RunResult run = run_with_files(quorum_scenario(fmt::format(
        "{{replicas: 3, write_quorum: {0}, read_quorum: {0}, value_size: 1MB, write_rate: 10/s, read_rate: 10/s, "
        "service_time: {{exponential: {{mean: 10ms}}}}}}",
        k)));
    INFO("W = R = " << k);
    CHECK(metric(run, "quorum.writes") > 19000);
    CHECK(metric(run, "quorum.write_latency_mean") == Approx(c_write + order_means[static_cast<std::size_t>(k - 1)]).epsilon(0.03));
    CHECK(metric(run, "quorum.read_latency_mean") == Approx(c_read + order_means[static_cast<std::size_t>(k - 1)]).epsilon(0.03));
    CHECK(metric(run, "quorum.strong") == (2 * k > 3 ? 1 : 0));
  }
}

TEST_CASE("strong quorums never read stale values, eventual ones do, and operations fail without a quorum",
          "[storage][quorum]") {
  // Two of the three storage nodes are down from 500 s to 600 s. 200 writes/s
  // and reads/s on 10 keys with slow, variable replicas make reads race writes.
  const std::string failures = R"(failures:
  detection: {period: 1s, delay: 0s}
  trace: {path: failures.csv}
)";
  const std::map<std::string, std::string> trace = {
      {"failures.csv", "time,component,duration\n500,dc/sr0/s0,100\n500,dc/sr1/s0,100\n"}};
  auto run = [&](int w, int r) {
    return run_with_files(
        quorum_scenario(fmt::format("{{replicas: 3, write_quorum: {}, read_quorum: {}, keys: 10, value_size: 64KB, "
                                    "write_rate: 200/s, read_rate: 200/s, service_time: {{exponential: {{mean: 5ms}}}}}}",
                                    w, r),
                        failures),
        trace);
  };
  const RunResult strong = run(2, 2);
  CHECK(metric(strong, "quorum.stale_reads") == 0);
  CHECK(metric(strong, "quorum.reads") > 300000);
  // With one replica left, every W = 2 write and R = 2 read in the 100 s fails: about 200/s x 100 s each
  // (Poisson: 20,000 +- 141), give or take operations in flight at the edges.
  CHECK(metric(strong, "quorum.write_failures") == Approx(20000).epsilon(0.03));
  CHECK(metric(strong, "quorum.read_failures") == Approx(20000).epsilon(0.03));
  const RunResult read_all = run(1, 3);  // W + R > N with W = 1
  CHECK(metric(read_all, "quorum.stale_reads") == 0);
  CHECK(metric(read_all, "quorum.write_failures") == 0);
  const RunResult eventual = run(1, 1);
  CHECK(metric(eventual, "quorum.strong") == 0);
  CHECK(metric(eventual, "quorum.stale_reads") > 100);
  CHECK(metric(eventual, "quorum.write_failures") == 0);
  CHECK(metric(eventual, "quorum.read_failures") == 0);
  CHECK(metric(eventual, "quorum.write_latency_mean") < metric(strong, "quorum.write_latency_mean"));
}

TEST_CASE("off-site backups take their bytes over the WAN, and a loss keeps only what the last backup held",
          "[storage][backup]") {
  // 2.56 GB in two copies at `dc`; backups to site `dr` over a 10 Gb/s, 20 ms
  // WAN link: a full one at 0 and 2 d (2.56 GB / 1.25 GB/s + 20 ms = 2.068 s),
  // incrementals every 12 h of 10 %/day x 0.5 day x 2.56 GB = 128 MB (0.1224 s).
  // Both disks fail by 50,100 s: every chunk is lost 6,900 s after the latest
  // backup began (43,200 s), so 10 %/day x 6,900 s of the 2.56 GB cannot come back.
  const RunResult result = run_with_files(R"(
name: backup
duration: 3d
platform:
  sites:
    - {name: dc, racks: 1, nodes_per_rack: 2, storage: {racks: 1, nodes_per_rack: 2}}
    - {name: dr, racks: 1, nodes_per_rack: 1}
  wan:
    - {between: [dc, dr], bandwidth: 10Gbps, latency: 20ms}
data:
  objects: [{name: ckpt, size: 2.56GB, chunk: 256MB}]
  redundancy: {policy: replication, factor: 2}
  placement: {policy: random}
  backup: {full_every: 2d, incremental_every: 12h, change_rate: 0.1, destination: dr}
failures:
  trace: {path: f.csv}
cost: {egress: $0.02/GB}
)",
                                          {{"f.csv", "time,component,duration,cause\n50000,dc/sr0/s0/disk0,3600,media\n"
                                                     "50100,dc/sr0/s1/disk0,7200,media\n"}});
  std::vector<double> times;
  const auto backups = details_of(result, "backup_done", &times);
  REQUIRE(backups.size() == 6);  // full at 0 and 172,800 s, incrementals every 43,200 s in between
  for (std::size_t i = 0; i < backups.size(); ++i) {
    const bool is_full = i == 0 || i == 4;
    INFO("backup " << i);
    CHECK(backups[i]["kind"] == (is_full ? "full" : "incremental"));
    CHECK(backups[i]["bytes"].get<double>() == Approx(is_full ? 2.56e9 : 0.128e9));
    CHECK(backups[i]["seconds"].get<double>() == Approx(is_full ? 2.048 + 0.020 : 0.1024 + 0.020).epsilon(0.01));
    CHECK(times[i] - backups[i]["seconds"].get<double>() == Approx(static_cast<double>(i) * 43200.0).margin(1e-6));
  }
  CHECK(metric(result, "backup.full_count") == 2);
  CHECK(metric(result, "backup.incremental_count") == 4);
  CHECK(metric(result, "backup.bytes") == Approx(2 * 2.56e9 + 4 * 0.128e9));
  CHECK(metric(result, "backup.recovery_point_age_mean") == Approx(6900.0));
  CHECK(metric(result, "data.bytes_unrecoverable") == Approx(2.56e9 * 0.1 * 6900.0 / 86400.0));
  CHECK(metric(result, "data.chunks_restored") == 10);
  // Egress: the backups leave `dc`, the restores leave `dr`.
  const double crossing = metric(result, "backup.bytes") + metric(result, "data.restore_bytes");
  CHECK(metric(result, "data.restore_bytes") == Approx(2 * 2.56e9));  // both copies of every chunk, from `dr`
  CHECK(metric(result, "egress.bytes") == Approx(crossing));
  CHECK(metric(result, "cost.egress") == Approx(crossing / 1e9 * 0.02));
}
