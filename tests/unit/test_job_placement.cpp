// Placement policies on hand-built cluster states: what each picks, and that
// every policy honours site, GPU type, locality and fractional shares.
#include "RegisterAllPolicies.hpp"
#include "scheduling/ClusterState.hpp"
#include "scheduling/PlacementPolicy.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace leptonsim;

namespace {

// Site "a": 2 racks x 2 nodes x 4 H100 (nodes 0..3, racks 0 0 1 1); site "b": 1 node of 4 L40S (node 4).
ClusterState small_cluster() {
  std::vector<ClusterNodeInfo> nodes;
  for (int r = 0; r < 2; ++r)
    for (int n = 0; n < 2; ++n) nodes.push_back({"a/r" + std::to_string(r) + "/n" + std::to_string(n), "a", r, "H100", 4});
  nodes.push_back({"b/r0/n0", "b", 0, "L40S", 4});
  return ClusterState(std::make_shared<const ClusterLayout>(nodes));
}

// Takes `gpus` whole GPUs of a node (lowest index first) to shape the free map.
void occupy(ClusterState& state, int node, int gpus) {
  Placement p;
  for (int g = 0; g < state.layout().node(node).gpus && gpus > 0; ++g)
    if (state.free_milli(node, g) == kWholeGpuMilli) {
      p.shares.push_back({node, g, kWholeGpuMilli});
      --gpus;
    }
  state.allocate(p);
}

std::unique_ptr<PlacementPolicy> policy(const std::string& name) {
  return policy_registries().job_placements.make(name, {});
}

JobDemand demand(int gpus, Locality locality = Locality::any) {
  JobDemand d;
  d.gpus = gpus;
  d.locality = locality;
  return d;
}

std::vector<int> gpus_per_node(const Placement& p, int nodes) {
  std::vector<int> count(static_cast<std::size_t>(nodes), 0);
  for (const GpuShare& s : p.shares) ++count[static_cast<std::size_t>(s.node)];
  return count;
}

}  // namespace

TEST_CASE("cluster state keeps its counters in step with allocations", "[placement]") {
  ClusterState state = small_cluster();
  CHECK(state.total_gpus() == 20);
  CHECK(state.total_free_gpus() == 20);
  occupy(state, 0, 3);
  CHECK(state.free_gpus(0) == 1);
  CHECK(state.total_free_gpus() == 17);
  JobDemand h100 = demand(4, Locality::node);
  h100.gpu_type = state.layout().gpu_type_index("H100");
  CHECK(state.free_gpus_for(h100) == 13);
  CHECK(state.has_node_with_free(h100, 4));
  occupy(state, 1, 1);
  occupy(state, 2, 1);
  occupy(state, 3, 1);
  CHECK_FALSE(state.may_fit(h100));  // no H100 node has 4 free
  CHECK(state.may_fit(demand(4, Locality::node)));  // the L40S node has
  // A fractional share makes a GPU not whole, and two shares fit on one GPU.
  state.allocate(Placement{{{4, 0, 600}}});
  CHECK(state.free_gpus(4) == 3);
  CHECK(state.can_allocate(Placement{{{4, 0, 400}}}));
  CHECK_FALSE(state.can_allocate(Placement{{{4, 0, 401}}}));
  CHECK_FALSE(state.can_allocate(Placement{{{4, 1, 600}, {4, 1, 600}}}));  // the same GPU twice
  CHECK_THROWS_AS(state.allocate(Placement{{{4, 0, 500}}}), std::logic_error);
  state.release(Placement{{{4, 0, 600}}});
  CHECK(state.free_gpus(4) == 4);
  CHECK_THROWS_AS(state.release(Placement{{{4, 0, 1}}}), std::logic_error);
}

TEST_CASE("first fit takes the lowest-numbered nodes", "[placement]") {
  ClusterState state = small_cluster();
  occupy(state, 0, 2);
  const auto p = policy("first_fit")->place(demand(2), state);
  REQUIRE(p);
  CHECK(gpus_per_node(*p, 5) == std::vector<int>{2, 0, 0, 0, 0});
  const auto wide = policy("first_fit")->place(demand(7), state);
  REQUIRE(wide);
  CHECK(gpus_per_node(*wide, 5) == std::vector<int>{2, 4, 1, 0, 0});
  // Node locality skips node 0 (2 free) for a 3-GPU job.
  CHECK(gpus_per_node(*policy("first_fit")->place(demand(3, Locality::node), state), 5) ==
        std::vector<int>{0, 3, 0, 0, 0});
}

TEST_CASE("best fit picks the fullest node that fits and multi-node jobs take whole nodes first", "[placement]") {
  ClusterState state = small_cluster();
  occupy(state, 0, 2);  // free: 2 4 4 4 | 4
  occupy(state, 2, 1);  // free: 2 4 3 4 | 4
  CHECK(gpus_per_node(*policy("best_fit")->place(demand(2), state), 5) == std::vector<int>{2, 0, 0, 0, 0});
  CHECK(gpus_per_node(*policy("best_fit")->place(demand(3), state), 5) == std::vector<int>{0, 0, 3, 0, 0});
  // 6 GPUs: an empty node (4) then the rest (2) on the fullest node that holds 2.
  CHECK(gpus_per_node(*policy("best_fit")->place(demand(6), state), 5) == std::vector<int>{2, 4, 0, 0, 0});
}

TEST_CASE("topology pack keeps a job in one node, else one rack", "[placement]") {
  ClusterState state = small_cluster();
  JobDemand h100 = demand(6);
  h100.gpu_type = state.layout().gpu_type_index("H100");
  occupy(state, 1, 1);  // free: 4 3 | 4 4
  // Rack 0 has 7 free, rack 1 has 8: both hold 6; the fuller rack 0 is chosen.
  const auto p = policy("topology_pack")->place(h100, state);
  REQUIRE(p);
  CHECK(p->rack_count(state.layout()) == 1);
  CHECK(gpus_per_node(*p, 5) == std::vector<int>{4, 2, 0, 0, 0});
  // 10 GPUs span two racks: the emptiest rack (8) fully, then 2 more.
  h100.gpus = 10;
  const auto wide = policy("topology_pack")->place(h100, state);
  REQUIRE(wide);
  CHECK(wide->rack_count(state.layout()) == 2);
  CHECK(wide->node_count() == 3);
  CHECK(gpus_per_node(*wide, 5) == std::vector<int>{2, 0, 4, 4, 0});
  // Rack locality refuses what no single rack holds.
  h100.locality = Locality::rack;
  CHECK_FALSE(policy("topology_pack")->place(h100, state));
}

TEST_CASE("spread puts one GPU per node, alternating racks", "[placement]") {
  ClusterState state = small_cluster();
  JobDemand h100 = demand(4);
  h100.gpu_type = state.layout().gpu_type_index("H100");
  const auto p = policy("spread")->place(h100, state);
  REQUIRE(p);
  CHECK(gpus_per_node(*p, 5) == std::vector<int>{1, 1, 1, 1, 0});
  CHECK(p->rack_count(state.layout()) == 2);
  // Two GPUs go to two racks, not to two nodes of one rack.
  h100.gpus = 2;
  CHECK(policy("spread")->place(h100, state)->rack_count(state.layout()) == 2);
}

TEST_CASE("every policy honours site, type, locality and never double-books", "[placement]") {
  for (const std::string name : {"first_fit", "best_fit", "topology_pack", "spread"}) {
    INFO(name);
    ClusterState state = small_cluster();
    const auto placer = policy(name);
    JobDemand on_b = demand(3);
    on_b.site = state.layout().site_index("b");
    const auto p = placer->place(on_b, state);
    REQUIRE(p);
    for (const GpuShare& s : p->shares) CHECK(s.node == 4);
    // Fill the cluster with random-sized jobs until nothing fits: placements stay valid.
    int placed_gpus = 0;
    for (int gpus : {3, 1, 4, 2, 5, 1, 2, 6, 1, 1, 3, 2}) {
      const auto next = placer->place(demand(gpus), state);
      if (!next) {
        CHECK(state.total_free_gpus() < gpus);
        continue;
      }
      CHECK(static_cast<int>(next->shares.size()) == gpus);
      std::set<std::pair<int, int>> distinct;
      for (const GpuShare& s : next->shares) distinct.insert({s.node, s.gpu});
      CHECK(distinct.size() == next->shares.size());
      REQUIRE(state.can_allocate(*next));
      state.allocate(*next);
      placed_gpus += gpus;
    }
    CHECK(state.total_free_gpus() == 20 - placed_gpus);
    // Node locality: all on one node or nothing.
    const auto local = placer->place(demand(4, Locality::node), state);
    if (local) CHECK(local->node_count() == 1);
  }
}

TEST_CASE("fractional demands share GPUs up to their size", "[placement]") {
  ClusterState state = small_cluster();
  JobDemand pod;
  pod.gpus = 1;
  pod.gpu_milli = 300;
  pod.site = state.layout().site_index("b");
  const auto best = policy("best_fit");
  // Best fit keeps packing the same GPU until it is full (3 x 300 = 900 of 1000).
  for (int i = 0; i < 3; ++i) {
    const auto p = best->place(pod, state);
    REQUIRE(p);
    CHECK(p->shares.front().gpu == 0);
    state.allocate(*p);
  }
  CHECK(state.free_milli(4, 0) == 100);
  const auto fourth = best->place(pod, state);
  REQUIRE(fourth);
  CHECK(fourth->shares.front().gpu == 1);
  // Spread picks the emptiest GPU instead.
  CHECK(policy("spread")->place(pod, state)->shares.front().gpu == 1);
  // A 2-GPU fractional pod needs two distinct GPUs of one node.
  pod.gpus = 2;
  pod.gpu_milli = 950;
  const auto pair = best->place(pod, state);
  REQUIRE(pair);
  CHECK(pair->shares.size() == 2);
  CHECK(pair->shares[0].gpu != pair->shares[1].gpu);
}
