// The cluster autoscaler's rules on hand-built views: the binpacking estimate
// of pending work, pools in preference order within their maximum, and
// scale-down after exactly the unneeded time, with its delays and limits.
#include "RegisterAllPolicies.hpp"
#include "autoscaling/ClusterAutoscaler.hpp"

#include <catch2/catch.hpp>

using namespace leptonsim;

namespace {

NodePoolView pool(const std::string& name, int max_nodes, int active = 0, int upcoming = 0, int min_nodes = 0) {
  NodePoolView p;
  p.name = name;
  p.gpus_per_node = 8;
  p.min_nodes = min_nodes;
  p.max_nodes = max_nodes;
  p.active_nodes = active;
  p.upcoming_nodes = upcoming;
  p.free_slots = max_nodes - active - upcoming;
  return p;
}

PoolNodeView node(int index, int pool_index, int free_gpus, std::vector<int> replicas = {}) {
  PoolNodeView n;
  n.node = index;
  n.pool = pool_index;
  n.gpus = 8;
  n.free_gpus = free_gpus;
  n.replica_gpus = std::move(replicas);
  return n;
}

std::unique_ptr<NodePoolAutoscaler> make(std::map<std::string, double> params = {}) {
  return policy_registries().node_autoscalers.make("cluster_autoscaler", params);
}

}  // namespace

TEST_CASE("scale-up packs pending work onto free, upcoming and then new nodes", "[node-autoscaler]") {
  auto ca = make();
  NodeAutoscalerView view;
  view.pools = {pool("od", 10)};
  // Three 4-GPU replicas: two fit on one new node, the third needs a second.
  view.pending = {PendingWork{0, 4, 3, true}};
  CHECK(ca->decide(view).add == std::vector<int>{2});
  // A node already being provisioned takes two of them.
  view.pools = {pool("od", 10, 0, 1)};
  CHECK(make()->decide(view).add == std::vector<int>{1});
  // Free GPUs on a ready node (4) and on a fixed node (4) take two more: nothing to add.
  view.nodes = {node(0, 0, 4)};
  view.fixed_nodes = {FixedNodeView{0, 4}};
  CHECK(make()->decide(view).add == std::vector<int>{0});
  // A 16-GPU job that may span nodes needs two new nodes; one needing a single node fits no pool.
  NodeAutoscalerView jobs;
  jobs.pools = {pool("od", 10)};
  jobs.pending = {PendingWork{0, 16, 1, false}, PendingWork{0, 16, 1, true}};
  const NodeScalingDecision decision = make()->decide(jobs);
  CHECK(decision.add == std::vector<int>{2});
  CHECK_THAT(decision.reason, Catch::Contains("1 waiting unit(s) fit no pool"));
  // Work of another site does not grow this site's pools.
  jobs.pending = {PendingWork{1, 8, 1, true}};
  CHECK(make()->decide(jobs).add == std::vector<int>{0});
}

TEST_CASE("pools grow in preference order within their maximum and free slots", "[node-autoscaler]") {
  NodeAutoscalerView view;
  view.pools = {pool("on-demand", 1), pool("spot", 5)};
  view.pending = {PendingWork{0, 8, 4, true}};
  CHECK(make()->decide(view).add == std::vector<int>{1, 3});
  // The first pool full: all to the second.
  view.pools = {pool("on-demand", 1, 1), pool("spot", 5)};
  CHECK(make()->decide(view).add == std::vector<int>{0, 4});
  // Failed slots of the spot pool cannot be provisioned: only two left.
  view.pools[1].free_slots = 2;
  CHECK(make()->decide(view).add == std::vector<int>{0, 2});
}

TEST_CASE("an unneeded node is removed after exactly the unneeded time", "[node-autoscaler]") {
  auto ca = make({{"scan_interval", 10}, {"scale_down_unneeded_time", 600}});
  NodeAutoscalerView view;
  view.pools = {pool("od", 4, 2)};
  // Node 7 holds 2 of 8 GPUs (25 % < 50 %), node 8 holds 6 (75 %).
  view.nodes = {node(7, 0, 6, {2}), node(8, 0, 2, {6})};
  for (double t = 0; t < 600; t += 10) {
    view.now = t;
    CHECK(ca->decide(view).remove.empty());
  }
  view.now = 600;  // unneeded since t = 0; its replica fits on node 8 (2 free GPUs)
  const NodeScalingDecision decision = ca->decide(view);
  CHECK(decision.remove == std::vector<int>{7});
  CHECK_THAT(decision.reason, Catch::Contains("scale down"));
}

TEST_CASE("scale-down waits after a scale-up, keeps the minimum and never strands work", "[node-autoscaler]") {
  NodeAutoscalerView view;
  view.pools = {pool("od", 4, 2)};
  view.nodes = {node(1, 0, 8), node(2, 0, 8)};  // both empty
  // A scale-up at t = 0 delays scale-down for 10 minutes.
  auto ca = make();
  view.now = 0;
  view.pending = {PendingWork{0, 8, 3, true}};  // two fit on the empty nodes, one needs a new node
  CHECK(ca->decide(view).add == std::vector<int>{1});
  view.pending.clear();
  view.now = 600 - 10;
  CHECK(ca->decide(view).remove.empty());
  view.now = 600;
  CHECK(ca->decide(view).remove == std::vector<int>{1, 2});  // empty nodes go in bulk
  // The pool's minimum is kept.
  auto with_minimum = make();
  view.pools = {pool("od", 4, 2, 0, 1)};
  view.now = 0;
  with_minimum->decide(view);
  view.now = 600;
  CHECK(with_minimum->decide(view).remove.size() == 1);
  // A node with a job is never unneeded; one whose replica fits nowhere else stays.
  auto stuck = make();
  view.pools = {pool("od", 4, 2)};
  view.nodes = {node(1, 0, 1), node(2, 0, 5, {3})};  // a job holds 7 GPUs of node 1
  view.nodes[0].has_unmovable_work = true;
  view.now = 0;
  stuck->decide(view);
  view.now = 10000;
  CHECK(stuck->decide(view).remove.empty());
  // With room on a fixed node the replica can move: the node goes.
  view.fixed_nodes = {FixedNodeView{0, 4}};
  CHECK(stuck->decide(view).remove == std::vector<int>{2});
  // Scale-down disabled: never.
  auto no_down = make({{"scale_down_enabled", 0}});
  view.now = 0;
  no_down->decide(view);
  view.now = 10000;
  CHECK(no_down->decide(view).remove.empty());
}

TEST_CASE("cluster autoscaler parameters are checked", "[node-autoscaler]") {
  CHECK_THROWS_WITH(make({{"max_empty_bulk_delete", 2.5}}), Catch::Contains("whole number"));
  CHECK_THROWS_WITH(make({{"scale_down_enabled", 0.5}}), Catch::Contains("0 or 1"));
  CHECK_THROWS_WITH(make({{"scan_intervall", 5}}), Catch::Contains("did you mean 'scan_interval'"));
  CHECK(make({{"scan_interval", 30}})->scan_interval() == 30);
}
