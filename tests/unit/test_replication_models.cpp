// Redundancy schemes, data placement policies, the chunk layout and the
// mean-time-to-data-loss formulas and the weight cache, checked against hand computations.
#include "RegisterAllPolicies.hpp"
#include "replication/ChunkLayout.hpp"
#include "replication/DataLossEstimates.hpp"
#include "replication/BackupPlan.hpp"
#include "replication/QuorumRegister.hpp"
#include "replication/WeightCache.hpp"

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

TEST_CASE("weight cache: LRU and LFU evict the hand-picked victims", "[replication][cache]") {
  // Three 100 GB models fill a 300 GB cache (cached at t = 1, 2, 3); then
  // A is used at 4 and 5, B at 6, C at 7. Room for D at 8:
  //   LRU: last uses A 5, B 6, C 7          -> A goes;
  //   LFU: uses A 3, B 2, C 2 (B older use) -> B goes.
  const auto run = [](const std::string& policy) {
    WeightCache cache(300e9, policy_registries().cache_evictions.make(policy, {}));
    cache.insert("A", 100e9, 1);
    cache.insert("B", 100e9, 2);
    cache.insert("C", 100e9, 3);
    CHECK(cache.lookup("A", 4));
    CHECK(cache.lookup("A", 5));
    CHECK(cache.lookup("B", 6));
    CHECK(cache.lookup("C", 7));
    CHECK_FALSE(cache.lookup("D", 8));
    return cache.insert("D", 100e9, 8);
  };
  CHECK(run("lru") == std::vector<std::string>{"A"});
  CHECK(run("lfu") == std::vector<std::string>{"B"});
}

TEST_CASE("weight cache: room is made for big weights, too-big weights are not kept", "[replication][cache]") {
  WeightCache cache(300e9, policy_registries().cache_evictions.make("lru", {}));
  CHECK(cache.insert("small-1", 100e9, 1).empty());
  CHECK(cache.insert("small-2", 100e9, 2).empty());
  CHECK(cache.insert("small-3", 50e9, 3).empty());
  CHECK(cache.used_bytes() == Approx(250e9));
  // 250 GB needs two evictions, oldest first.
  CHECK(cache.insert("big", 250e9, 4) == std::vector<std::string>{"small-1", "small-2"});
  CHECK(cache.used_bytes() == Approx(300e9));
  CHECK(cache.contains("small-3"));
  // Larger than the cache: nothing evicted, nothing kept; a repeated insert is a no-op.
  CHECK(cache.insert("huge", 301e9, 5).empty());
  CHECK_FALSE(cache.contains("huge"));
  CHECK(cache.insert("big", 250e9, 6).empty());
  CHECK(cache.entries().size() == 2);
}

TEST_CASE("weight cache: hit ratio of a cyclic sweep, LRU against LFU", "[replication][cache]") {
  // Room for 2 of 3 equal models. A hot model H used every other cold start,
  // two cold ones X, Y alternating between: H X H Y H X H Y ...
  // LRU keeps H (always among the two most recent) and misses every X and Y:
  // hits = the H uses after the first = n/2 - 1. LFU keeps H too (most uses),
  // and the cold ones evict each other: the same count. With a plain cycle
  // X Y Z X Y Z ... both miss every time (the classic LRU worst case; LFU's
  // counts stay equal at 1, so its recency tie-break acts as LRU).
  for (const std::string policy : {"lru", "lfu"}) {
    WeightCache cache(200e9, policy_registries().cache_evictions.make(policy, {}));
    int hits = 0;
    const int n = 200;
    for (int i = 0; i < n; ++i) {
      const std::string model = i % 2 == 0 ? "H" : (i % 4 == 1 ? "X" : "Y");
      if (cache.lookup(model, i)) ++hits;
      else cache.insert(model, 100e9, i);
    }
    CHECK(hits == n / 2 - 1);
    WeightCache cyclic(200e9, policy_registries().cache_evictions.make(policy, {}));
    int cyclic_hits = 0;
    for (int i = 0; i < 60; ++i) {
      const std::string model(1, static_cast<char>('X' + i % 3));
      if (cyclic.lookup(model, i)) ++cyclic_hits;
      else cyclic.insert(model, 100e9, i);
    }
    INFO(policy);
    CHECK(cyclic_hits == 0);
  }
}

TEST_CASE("quorum: completion is the W-th earliest response, on a hand-built case", "[replication][quorum]") {
  const std::vector<double> responses = {0.005, 0.002, 0.009};
  CHECK(quorum_completion_time(responses, 1).value() == 0.002);
  CHECK(quorum_completion_time(responses, 2).value() == 0.005);
  CHECK(quorum_completion_time(responses, 3).value() == 0.009);
  CHECK_FALSE(quorum_completion_time(responses, 4).has_value());

  // The register reports the same instants as the replicas answer (in time order).
  QuorumRegister store(QuorumConfig{3, 2, 2}, 1);
  const int write = store.begin_write(0, 0.0);
  CHECK_FALSE(store.write_applied(write, 1, 0.002).is_complete);
  const QuorumRegister::Outcome acked = store.write_applied(write, 0, 0.005);
  CHECK(acked.is_complete);
  CHECK(acked.latency == 0.005);
  CHECK_FALSE(store.write_applied(write, 2, 0.009).is_complete);
  CHECK(store.acknowledged_version(0) == 1);
  CHECK(store.operations_in_flight() == 0);
}

TEST_CASE("quorum: stale reads only when W + R <= N", "[replication][quorum]") {
  // Version 1 is applied at replica 0 at t = 1 and replica 1 at t = 2; replica 2
  // is slow (t = 10). A read starts at t = 3.
  auto scenario = [](int w, int r, const std::vector<int>& answer_order) {
    QuorumRegister store(QuorumConfig{3, w, r}, 1);
    const int write = store.begin_write(0, 0.0);
    store.write_applied(write, 0, 1.0);
    store.write_applied(write, 1, 2.0);
    const int read = store.begin_read(0, 3.0);
    QuorumRegister::Outcome outcome;
    double t = 3.5;
    for (const int replica : answer_order) {
      const QuorumRegister::Outcome o = store.read_answered(read, replica, store.version_at(0, replica), t);
      if (o.is_complete) outcome = o;
      t += 0.5;
    }
    store.write_applied(write, 2, 10.0);
    return outcome;
  };
  // W = 1, R = 1: acknowledged at t = 1; the slow replica 2 answers first with version 0: stale.
  const QuorumRegister::Outcome eventual = scenario(1, 1, {2, 0, 1});
  CHECK(eventual.is_complete);
  CHECK(eventual.is_stale);
  CHECK(eventual.latency == 0.5);
  // Answered by an up-to-date replica: not stale.
  CHECK_FALSE(scenario(1, 1, {0, 2, 1}).is_stale);
  // W = 2, R = 2: any two answers include replica 0 or 1.
  CHECK_FALSE(scenario(2, 2, {2, 0, 1}).is_stale);
  CHECK(scenario(2, 2, {2, 0, 1}).latency == 1.0);
  // A read before the write is acknowledged (W = 3 needs replica 2, at t = 10) is not stale.
  CHECK_FALSE(scenario(3, 1, {2, 0, 1}).is_stale);
}

TEST_CASE("quorum: an operation fails when too few replicas can answer", "[replication][quorum]") {
  QuorumRegister store(QuorumConfig{3, 2, 2}, 4);
  const int write = store.begin_write(3, 0.0);
  CHECK_FALSE(store.replica_unavailable(write));
  CHECK(store.replica_unavailable(write));  // one replica left, two needed
  CHECK_FALSE(store.write_applied(write, 0, 1.0).is_complete);
  CHECK(store.acknowledged_version(3) == 0);
  CHECK(store.version_at(3, 0) == 1);  // applied there, never acknowledged
  CHECK(store.operations_in_flight() == 0);
  CHECK_THROWS_AS(QuorumRegister(QuorumConfig{3, 4, 1}, 1), std::invalid_argument);
}

TEST_CASE("backups: weekly full and daily incremental schedule, bytes and recovery point", "[replication][backup]") {
  const BackupPolicy policy{7 * 86400.0, 86400.0, 0.05};
  const std::vector<PlannedBackup> plan = plan_backups(policy, 15 * 86400.0);
  REQUIRE(plan.size() == 15);  // days 0 to 14
  for (std::size_t d = 0; d < plan.size(); ++d) {
    CHECK(plan[d].time == Approx(static_cast<double>(d) * 86400.0));
    CHECK(plan[d].is_full == (d % 7 == 0));
  }
  // Full: everything; incremental after a day: 5 % of 10 TB; capped at the data.
  CHECK(backup_bytes(policy, true, 10e12, 86400.0) == 10e12);
  CHECK(backup_bytes(policy, false, 10e12, 86400.0) == Approx(0.5e12));
  CHECK(backup_bytes(policy, false, 10e12, 40 * 86400.0) == 10e12);
  // A loss 6 h after the latest backup began loses 5 %/day x 0.25 day of the chunk.
  CHECK(changed_since(policy, 6 * 3600.0) == Approx(0.0125));
  CHECK(changed_since(policy, 100 * 86400.0) == 1.0);
  // Fulls only, every 2 days, and a full grid not aligned with the incrementals.
  CHECK(plan_backups(BackupPolicy{2 * 86400.0, 0.0, 0.0}, 5 * 86400.0).size() == 3);
  const std::vector<PlannedBackup> odd = plan_backups(BackupPolicy{10.0, 4.0, 0.0}, 21.0);
  std::vector<std::pair<double, bool>> got;
  for (const PlannedBackup& backup : odd) got.emplace_back(backup.time, backup.is_full);
  CHECK(got == std::vector<std::pair<double, bool>>{{0, true}, {4, false}, {8, false}, {10, true}, {12, false},
                                                    {16, false}, {20, true}});
}
