// Queue policies on hand-built job books: one decision each, checked against
// what the policy's definition says by hand. (Completion-time timelines
// through the simulator are in tests/sim/test_job_scheduling.cpp.)
#include "RegisterAllPolicies.hpp"
#include "scheduling/QueuePolicy.hpp"

#include <catch2/catch.hpp>

using namespace leptonsim;

namespace {

ClusterState nodes_of_four(int nodes) {
  std::vector<ClusterNodeInfo> infos;
  for (int n = 0; n < nodes; ++n) infos.push_back({"n" + std::to_string(n), "a", 0, "H100", 4});
  return ClusterState(std::make_shared<const ClusterLayout>(infos));
}

Placement gpus_of(int node, int first, int count) {
  Placement p;
  for (int g = first; g < first + count; ++g) p.shares.push_back({node, g, kWholeGpuMilli});
  return p;
}

struct Bench {
  ClusterState cluster;
  JobBook book{};
  std::unique_ptr<PlacementPolicy> placement = policy_registries().job_placements.make("first_fit", {});

  void run(int id, Placement where, double start, double expected_end, int priority = 0, bool preemptible = true,
           double attained = 0.0) {
    RunningJob job;
    job.id = id;
    job.demand.gpus = static_cast<int>(where.shares.size());
    job.placement = where;
    job.start_time = start;
    job.expected_end = expected_end;
    job.priority = priority;
    job.is_preemptible = preemptible;
    job.attained_at_start = attained;
    cluster.allocate(where);
    book.add_running(std::move(job));
  }
  void wait(int id, int gpus, double submit, double estimate, int priority = 0, Locality locality = Locality::any) {
    WaitingJob job;
    job.id = id;
    job.demand.gpus = gpus;
    job.demand.locality = locality;
    job.submit_time = submit;
    job.estimated_runtime = estimate;
    job.priority = priority;
    job.is_preemptible = true;
    book.add_waiting(std::move(job));
  }
  SchedulingDecision decide(const std::string& policy, double now, std::map<std::string, double> params = {}) {
    return policy_registries().job_queues.make(policy, params)->decide(SchedulingView{now, cluster, *placement, book});
  }
};

std::vector<int> started(const SchedulingDecision& d) {
  std::vector<int> ids;
  for (const JobStart& s : d.start) ids.push_back(s.job);
  return ids;
}

}  // namespace

TEST_CASE("fifo stops at the head and skip_blocked starts what fits behind it", "[queue]") {
  Bench b{nodes_of_four(1)};
  b.run(1, gpus_of(0, 0, 2), 0, 100);
  b.wait(2, 4, 1, 50);
  b.wait(3, 2, 2, 50);
  CHECK(b.decide("fifo", 10).start.empty());
  CHECK(started(b.decide("fifo", 10, {{"skip_blocked", 1}})) == std::vector<int>{3});
}

TEST_CASE("easy backfill starts a short job that ends before the head's reservation", "[queue]") {
  Bench b{nodes_of_four(1)};
  b.run(1, gpus_of(0, 0, 2), 0, 100);
  b.wait(2, 4, 1, 50);   // head: needs all 4 GPUs, reserved at t = 100
  b.wait(3, 2, 2, 200);  // would run to 210 > 100 on the reserved GPUs: not started
  b.wait(4, 2, 3, 80);   // ends at 90 <= 100: backfilled
  CHECK(started(b.decide("easy_backfill", 10)) == std::vector<int>{4});
  // At t = 30 job 4 would end at 110 > 100: no backfill.
  CHECK(b.decide("easy_backfill", 30).start.empty());
}

TEST_CASE("easy backfill starts a long job on GPUs the head does not need", "[queue]") {
  Bench b{nodes_of_four(2)};
  b.run(1, gpus_of(0, 0, 4), 0, 100);   // node 0 frees at 100
  b.run(2, gpus_of(1, 0, 2), 0, 1000);  // node 1 keeps 2 GPUs until 1000
  b.wait(3, 4, 1, 50, 0, Locality::node);  // head: one whole node, reserved: node 0 at t = 100
  b.wait(4, 2, 2, 5000);                   // long, but node 1's free GPUs are not reserved
  const SchedulingDecision d = b.decide("easy_backfill", 10);
  REQUIRE(started(d) == std::vector<int>{4});
  for (const GpuShare& s : d.start[0].placement.shares) CHECK(s.node == 1);
}

TEST_CASE("easy backfill never takes the head's reserved GPUs for a long job", "[queue]") {
  Bench b{nodes_of_four(2)};
  b.run(1, gpus_of(0, 0, 2), 0, 100);   // node 0: 2 free now, all 4 at 100
  b.run(2, gpus_of(1, 0, 4), 0, 1000);  // node 1 busy until 1000
  b.wait(3, 4, 1, 50, 0, Locality::node);  // reserved: node 0 at t = 100
  b.wait(4, 2, 2, 5000);                   // only node 0's free GPUs exist now, and they are reserved
  CHECK(b.decide("easy_backfill", 10).start.empty());
  CHECK(b.decide("fifo", 10, {{"skip_blocked", 1}}).start.size() == 1);  // greedy would take them
}

TEST_CASE("sjf starts the shortest job first where fifo starts the oldest", "[queue]") {
  Bench b{nodes_of_four(1)};
  b.wait(1, 4, 0, 100);
  b.wait(2, 4, 1, 10);
  CHECK(started(b.decide("fifo", 1)) == std::vector<int>{1});
  CHECK(started(b.decide("sjf", 1)) == std::vector<int>{2});
}

TEST_CASE("priority preempts lower-priority preemptible jobs, and only those", "[queue]") {
  SECTION("preemptible low-priority job makes room") {
    Bench b{nodes_of_four(1)};
    b.run(1, gpus_of(0, 0, 2), 0, 100, 0, true);
    b.run(2, gpus_of(0, 2, 2), 5, 100, 0, true);
    b.wait(3, 2, 10, 50, 5);
    const SchedulingDecision d = b.decide("priority", 20);
    // The most recently started of equal priority goes first; one is enough.
    CHECK(d.preempt == std::vector<int>{2});
    CHECK(started(d) == std::vector<int>{3});
    CHECK(b.decide("priority", 20, {{"preempt", 0}}).start.empty());
  }
  SECTION("non-preemptible and equal-priority jobs are left alone") {
    Bench b{nodes_of_four(1)};
    b.run(1, gpus_of(0, 0, 2), 0, 100, 0, false);
    b.run(2, gpus_of(0, 2, 2), 0, 100, 5, true);
    b.wait(3, 2, 10, 50, 5);
    const SchedulingDecision d = b.decide("priority", 20);
    CHECK(d.preempt.empty());
    CHECK(d.start.empty());
  }
  SECTION("no preemption unless it actually makes the job fit") {
    Bench b{nodes_of_four(1)};
    b.run(1, gpus_of(0, 0, 2), 0, 100, 0, false);
    b.run(2, gpus_of(0, 2, 2), 0, 100, 0, true);
    b.wait(3, 4, 10, 50, 5);
    CHECK(b.decide("priority", 20).preempt.empty());
  }
}

TEST_CASE("las preempts a job past its threshold for a new one and reviews at the next crossing", "[queue]") {
  Bench b{nodes_of_four(1)};
  // Job 1 has 4 GPUs x 1500 s = 6000 GPU-s attained at t = 1500 (past 3600: level 1).
  b.run(1, gpus_of(0, 0, 4), 0, 1e9, 0, true, 0.0);
  b.wait(2, 4, 100, 1000);
  const SchedulingDecision d = b.decide("las", 1500, {{"first_threshold", 3600}, {"levels", 2}});
  CHECK(d.preempt == std::vector<int>{1});
  CHECK(started(d) == std::vector<int>{2});
  // Job 2 (4 GPUs, 0 attained) reaches 3600 GPU-s 900 s later.
  REQUIRE(d.review_at);
  CHECK(*d.review_at == Approx(2400));
  // Before job 1 crosses the threshold (t = 800: 3200 GPU-s) it keeps the GPUs (older submission).
  const SchedulingDecision early = b.decide("las", 800, {{"first_threshold", 3600}, {"levels", 2}});
  CHECK(early.preempt.empty());
  CHECK(early.start.empty());
  REQUIRE(early.review_at);
  CHECK(*early.review_at == Approx(900));
}
