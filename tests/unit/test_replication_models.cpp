// Redundancy schemes, data placement policies, the chunk layout and the
// mean-time-to-data-loss formulas, checked against hand computations.
#include "RegisterAllPolicies.hpp"
#include "replication/ChunkLayout.hpp"
#include "replication/DataLossEstimates.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

using namespace leptonsim;

namespace {

// `racks` racks of `nodes_per_rack` nodes with `disks_per_node` empty disks each.
StorageView make_view(int racks, int nodes_per_rack, int disks_per_node, double capacity = 1e12) {
  StorageView view;
  view.racks = racks;
  view.nodes = racks * nodes_per_rack;
  for (int node = 0; node < view.nodes; ++node)
    for (int d = 0; d < disks_per_node; ++d) view.disks.push_back(StorageDiskView{node, node / nodes_per_rack, true, capacity});
  return view;
}

std::unique_ptr<DataPlacementPolicy> make_placement(const std::string& name, std::map<std::string, double> params = {}) {
  return policy_registries().data_placements.make(name, params);
}

}  // namespace

TEST_CASE("replication and Reed-Solomon schemes count pieces, bytes and repair reads", "[replication]") {
  const auto replication = policy_registries().redundancy.make("replication", {{"factor", 3}});
  CHECK(replication->pieces() == 3);
  CHECK(replication->pieces_needed() == 1);
  CHECK(replication->tolerated_losses() == 2);
  CHECK(replication->piece_bytes(256e6) == 256e6);
  CHECK(replication->repair_reads() == 1);
  CHECK(replication->storage_overhead() == 3.0);

  const auto rs = policy_registries().redundancy.make("erasure_coding", {{"data", 6}, {"parity", 3}});
  CHECK(rs->pieces() == 9);
  CHECK(rs->pieces_needed() == 6);
  CHECK(rs->tolerated_losses() == 3);
  CHECK(rs->piece_bytes(256e6) == Approx(256e6 / 6));
  CHECK(rs->repair_reads() == 6);
  CHECK(rs->storage_overhead() == 1.5);
  CHECK_THROWS_AS(policy_registries().redundancy.make("replication", {{"factor", 0}}), PolicyError);
}

TEST_CASE("rack-aware placement never puts two pieces of a chunk in one rack", "[replication]") {
  const StorageView view = make_view(6, 4, 3);
  const auto policy = make_placement("rack_aware");
  RandomStream random(7);
  std::map<int, int> per_rack;
  for (int chunk = 0; chunk < 20000; ++chunk) {
    const int pieces = 2 + chunk % 5;  // 2 .. 6 pieces: up to every rack
    const std::vector<int> disks = policy->choose(view, {}, pieces, 1.0, random);
    REQUIRE(static_cast<int>(disks.size()) == pieces);
    std::set<int> racks;
    for (int disk : disks) {
      racks.insert(view.disks[static_cast<std::size_t>(disk)].rack);
      ++per_rack[view.disks[static_cast<std::size_t>(disk)].rack];
    }
    REQUIRE(static_cast<int>(racks.size()) == pieces);
  }
  // Spread evenly: every rack within 5 % of its share.
  int total = 0;
  for (const auto& [rack, count] : per_rack) total += count;
  for (const auto& [rack, count] : per_rack) CHECK(count == Approx(total / 6.0).epsilon(0.05));
  // A seventh piece has no rack left.
  CHECK(policy->choose(view, {}, 7, 1.0, random).size() == 6);
}

TEST_CASE("placement for a repair avoids the nodes and racks that hold the chunk and full or down disks", "[replication]") {
  StorageView view = make_view(4, 2, 2, 10.0);
  RandomStream random(3);
  // Node 0's disks are full, node 1's down: rack 0 cannot take a piece.
  view.disks[0].free_bytes = view.disks[1].free_bytes = 5.0;
  view.disks[2].is_writable = view.disks[3].is_writable = false;
  const auto rack_aware = make_placement("rack_aware");
  const auto random_policy = make_placement("random");
  for (int i = 0; i < 2000; ++i) {
    // Holding disk 4 (node 2, rack 1).
    for (int disk : rack_aware->choose(view, {4}, 2, 6.0, random)) {
      REQUIRE(view.disks[static_cast<std::size_t>(disk)].rack >= 2);
    }
    for (int disk : random_policy->choose(view, {4}, 3, 6.0, random)) {
      REQUIRE(disk >= 6);  // nodes 3..7 minus node 2 itself: disks 6..15
    }
  }
  CHECK(rack_aware->choose(view, {4}, 3, 6.0, random).size() == 2);  // only racks 2 and 3 are left
}

TEST_CASE("copysets keep every chunk inside few node groups", "[replication]") {
  const StorageView view = make_view(1, 12, 1);
  const auto policy = make_placement("copysets", {{"scatter_width", 2}});
  RandomStream random(11);
  std::set<std::set<int>> groups;
  for (int chunk = 0; chunk < 5000; ++chunk) {
    const std::vector<int> disks = policy->choose(view, {}, 3, 1.0, random);
    REQUIRE(disks.size() == 3);
    groups.insert(std::set<int>(disks.begin(), disks.end()));
  }
  // S = 2, R = 3: one permutation of 12 nodes -> 4 copysets, against 220 triples for random placement.
  CHECK(groups.size() == 4);
  // A repair of a chunk on two nodes of a copyset stays in that copyset.
  const std::set<int> group = *groups.begin();
  const std::vector<int> holding(group.begin(), std::next(group.begin(), 2));
  const std::vector<int> repair = policy->choose(view, holding, 1, 1.0, random);
  REQUIRE(repair.size() == 1);
  CHECK(repair[0] == *std::next(group.begin(), 2));
}

TEST_CASE("the chunk layout tracks pieces per disk and bytes", "[replication]") {
  ChunkLayout layout(4, 3);
  const int a = layout.add_chunk(0, 100.0);
  const int b = layout.add_chunk(0, 50.0);
  layout.place(a, 0, 0, 100.0);
  layout.place(a, 1, 1, 100.0);
  layout.place(a, 2, 2, 100.0);
  layout.place(b, 0, 0, 50.0);
  layout.place(b, 1, 3, 50.0);
  CHECK(layout.stored_pieces(a) == 3);
  CHECK(layout.stored_pieces(b) == 2);
  CHECK(layout.empty_slot(b) == 2);
  CHECK(layout.pieces_on(0).size() == 2);
  CHECK(layout.used_bytes(0) == 150.0);
  CHECK(layout.stored_bytes() == 400.0);
  layout.remove(a, 0, 100.0);
  CHECK(layout.pieces_on(0).size() == 1);
  CHECK(layout.pieces_on(0)[0] == static_cast<std::int64_t>(b) * 3);
  CHECK(layout.disks_of(a) == std::vector<int>{1, 2});
  CHECK(layout.used_bytes(0) == 50.0);
  CHECK(layout.stored_bytes() == 300.0);
  CHECK_THROWS(layout.place(a, 1, 3, 100.0));
}

TEST_CASE("Markov mean time to data loss matches the hand-solved chains", "[replication]") {
  const int n = 6;
  const double lambda = 1.0 / 1000.0, mu = 1.0 / 10.0;
  // R = 2: ((2N - 1) lambda + mu) / (N (N - 1) lambda^2).
  CHECK(markov_mean_time_to_data_loss(n, 1, lambda, mu) ==
        Approx(((2 * n - 1) * lambda + mu) / (n * (n - 1) * lambda * lambda)).epsilon(1e-12));
  // R = 3: the three first-step equations solved by substitution.
  //   T0 = 1/(N l) + T1
  //   T1 = (1 + (N-1) l T2 + mu T0) / ((N-1) l + mu)
  //   T2 = (1 + 2 mu T1) / ((N-2) l + 2 mu)
  // Writing T1 = T0 - a with a = 1/(N l) and T2 = c + d T1:
  const double a = 1.0 / (n * lambda);
  const double c = 1.0 / ((n - 2) * lambda + 2 * mu), d = 2 * mu / ((n - 2) * lambda + 2 * mu);
  // (T0 - a)((N-1) l + mu) = 1 + (N-1) l (c + d (T0 - a)) + mu T0
  const double l1 = (n - 1) * lambda;
  const double t0 = (1 + l1 * c - l1 * d * a + a * (l1 + mu)) / (l1 + mu - l1 * d - mu);
  CHECK(markov_mean_time_to_data_loss(n, 2, lambda, mu) == Approx(t0).epsilon(1e-9));
  // No repair: the time for R of N disks to fail, sum of 1/((N - i) lambda).
  CHECK(markov_mean_time_to_data_loss(4, 1, 1.0, 0.0) == Approx(1.0 / 4 + 1.0 / 3));
}

TEST_CASE("the Poisson mean-time estimate has the exact chi-square interval", "[replication]") {
  // 10 events in 1000 h: mean 100 h; 95 % bounds 2T / chi2(0.975, 22) and 2T / chi2(0.025, 20).
  const MeanTimeEstimate estimate = poisson_mean_time_estimate(1000.0, 10);
  CHECK(estimate.mean == 100.0);
  CHECK(estimate.low == Approx(2000.0 / 36.7807).epsilon(1e-4));
  CHECK(estimate.high == Approx(2000.0 / 9.59078).epsilon(1e-4));
  const MeanTimeEstimate none = poisson_mean_time_estimate(1000.0, 0);
  CHECK(std::isinf(none.mean));
  CHECK(none.low == Approx(2000.0 / 7.37776).epsilon(1e-4));  // chi2(0.975, 2) = -2 ln 0.025
}
