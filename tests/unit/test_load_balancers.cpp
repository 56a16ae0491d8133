// Load balancers: each one's distribution property, eligibility and the
// balancer-queue mode, for all registered balancers.
#include <catch2/catch.hpp>

#include "RegisterAllPolicies.hpp"
#include "common/RandomStreams.hpp"
#include "load_balancing/LeastOutstandingBalancer.hpp"
#include "load_balancing/PowerOfTwoChoicesBalancer.hpp"
#include "load_balancing/RandomBalancer.hpp"
#include "load_balancing/RoundRobinBalancer.hpp"
#include "load_balancing/WeightedRoundRobinBalancer.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace leptonsim;

namespace {

const std::vector<std::string> kAllBalancers = {"least_outstanding", "power_of_two_choices", "random", "round_robin",
                                                "weighted_round_robin"};

// Upper 0.1 % points of the chi-square distribution (standard tables): a correct
// balancer exceeds them with probability 1/1000 for a random seed; the seeds
// below are fixed, so the tests are deterministic.
constexpr double kChiSquare999Df1 = 10.828;
constexpr double kChiSquare999Df6 = 22.458;
constexpr double kChiSquare999Df9 = 27.877;

std::vector<ReplicaLoad> idle_replicas(int count) { return std::vector<ReplicaLoad>(static_cast<std::size_t>(count)); }

std::vector<int> picks(LoadBalancer& balancer, const BalancerView& view, int count) {
  std::vector<int> out;
  for (int i = 0; i < count; ++i) out.push_back(balancer.choose(view));
  return out;
}

// Pearson's statistic of observed counts against expected counts.
double chi_square(const std::vector<int>& observed, const std::vector<double>& expected) {
  double statistic = 0.0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    const double difference = observed[i] - expected[i];
    statistic += difference * difference / expected[i];
  }
  return statistic;
}

// A random replica set: loads, slots, readiness, weights; sometimes in balancer-queue mode.
struct RandomView {
  std::vector<ReplicaLoad> replicas;
  bool needs_free_slot = false;
  BalancerView view() const { return {replicas, needs_free_slot}; }
};

// `count` replicas, or a random number from 1 to 12 when count is 0.
RandomView random_view(RandomStream& stream, int count) {
  RandomView out;
  if (count == 0) count = 1 + static_cast<int>(uniform_index(stream, 12));
  for (int i = 0; i < count; ++i) {
    ReplicaLoad r;
    r.concurrency = 1 + static_cast<int>(uniform_index(stream, 4));
    r.outstanding = static_cast<int>(uniform_index(stream, 12));
    r.in_service = std::min(r.outstanding, r.concurrency);
    r.is_ready = stream.uniform() < 0.8;
    r.weight = 1.0 + static_cast<double>(uniform_index(stream, 5));
    out.replicas.push_back(r);
  }
  out.needs_free_slot = stream.uniform() < 0.3;
  return out;
}

double load_per_slot(const ReplicaLoad& r) { return static_cast<double>(r.outstanding) / r.concurrency; }

}  // namespace

TEST_CASE("all five load balancers are registered with a description", "[load_balancer]") {
  const LoadBalancerRegistry& registry = policy_registries().load_balancers;
  std::vector<std::string> names;
  for (const PolicyInfo& info : registry.infos()) {
    names.push_back(info.name);
    CHECK(info.kind == "load_balancer");
    CHECK_FALSE(info.description.empty());
  }
  CHECK(names == kAllBalancers);
  for (const std::string& name : kAllBalancers) CHECK(registry.make(name, {}) != nullptr);
  // The randomised ones take a seed; the others take no parameters.
  CHECK(registry.info("random").parameters.at(0).name == "seed");
  CHECK(registry.info("power_of_two_choices").parameters.at(0).name == "seed");
  CHECK(registry.info("weighted_round_robin").parameters.empty());
  CHECK_THROWS_AS(registry.make("random", {{"seed", -1.0}}), PolicyError);
  CHECK_THROWS_AS(registry.make("weighted_round_robin", {{"seed", 1.0}}), PolicyError);
  try {
    registry.make("power_of_two_choice", {});
    FAIL("expected PolicyError");
  } catch (const PolicyError& error) {
    CHECK(std::string(error.what()).find("did you mean 'power_of_two_choices'") != std::string::npos);
  }
}

TEST_CASE("randomised balancers are reproducible from their seed", "[load_balancer]") {
  const LoadBalancerRegistry& registry = policy_registries().load_balancers;
  const std::vector<ReplicaLoad> replicas = idle_replicas(16);
  const BalancerView view{replicas};
  for (const std::string name : {"random", "power_of_two_choices"}) {
    INFO(name);
    auto first = registry.make(name, {{"seed", 42}});
    auto again = registry.make(name, {{"seed", 42}});
    auto other = registry.make(name, {{"seed", 43}});
    const std::vector<int> a = picks(*first, view, 200);
    CHECK(a == picks(*again, view, 200));
    CHECK(a != picks(*other, view, 200));
  }
}

TEST_CASE("round robin: exact rotation, skipping replicas that are not eligible", "[load_balancer]") {
  RoundRobinBalancer balancer;
  std::vector<ReplicaLoad> replicas = idle_replicas(3);
  CHECK(picks(balancer, {replicas}, 7) == std::vector<int>{0, 1, 2, 0, 1, 2, 0});
  replicas[2].is_ready = false;  // next would be 2: skipped
  CHECK(picks(balancer, {replicas}, 4) == std::vector<int>{1, 0, 1, 0});
  replicas[2].is_ready = true;
  replicas[0].concurrency = 2;
  replicas[0].in_service = 2;  // full: skipped in balancer-queue mode only
  CHECK(picks(balancer, {replicas, true}, 4) == std::vector<int>{1, 2, 1, 2});
  CHECK(picks(balancer, {replicas, false}, 3) == std::vector<int>{0, 1, 2});
}

TEST_CASE("weighted round robin: the smooth sequence and exact proportions", "[load_balancer]") {
  WeightedRoundRobinBalancer balancer;
  std::vector<ReplicaLoad> replicas = idle_replicas(3);
  replicas[0].weight = 5;
  replicas[1].weight = 1;
  replicas[2].weight = 1;
  // Scores after adding the weights, the pick, and the scores after subtracting 7:
  //   (5,1,1) a (-2,1,1) | (3,2,2) a (-4,2,2) | (1,3,3) b (1,-4,3) | (6,-3,4) a (-1,-3,4)
  //   (4,-2,5) c (4,-2,-2) | (9,-1,-1) a (2,-1,-1) | (7,0,0) a (0,0,0)  -> back to the start.
  const std::vector<int> cycle{0, 0, 1, 0, 2, 0, 0};
  CHECK(picks(balancer, {replicas}, 7) == cycle);
  CHECK(picks(balancer, {replicas}, 7) == cycle);
  // Over 7000 picks, exactly 5000 / 1000 / 1000; and so in every 7 consecutive picks.
  const std::vector<int> long_run = picks(balancer, {replicas}, 7000);
  std::vector<int> counts(3, 0);
  for (int pick : long_run) ++counts[static_cast<std::size_t>(pick)];
  CHECK(counts == std::vector<int>{5000, 1000, 1000});
  bool every_window_exact = true;
  for (std::size_t start = 0; start + 7 <= long_run.size(); ++start) {
    std::vector<int> window(3, 0);
    for (std::size_t k = start; k < start + 7; ++k) ++window[static_cast<std::size_t>(long_run[k])];
    every_window_exact = every_window_exact && window == std::vector<int>{5, 1, 1};
  }
  CHECK(every_window_exact);
  // Fractional capacities keep their proportions: 2.5 : 1 over 3500 picks.
  WeightedRoundRobinBalancer fractional;
  std::vector<ReplicaLoad> two = idle_replicas(2);
  two[0].weight = 2.5;
  std::vector<int> fractional_counts(2, 0);
  for (int pick : picks(fractional, {two}, 3500)) ++fractional_counts[static_cast<std::size_t>(pick)];
  CHECK(fractional_counts == std::vector<int>{2500, 1000});
}

TEST_CASE("weighted round robin: ineligible replicas are skipped, zero weights last", "[load_balancer]") {
  WeightedRoundRobinBalancer balancer;
  std::vector<ReplicaLoad> replicas = idle_replicas(3);
  replicas[0].weight = 3;
  replicas[1].weight = 1;
  replicas[2].weight = 2;
  replicas[2].is_ready = false;
  std::vector<int> counts(3, 0);
  for (int pick : picks(balancer, {replicas}, 400)) ++counts[static_cast<std::size_t>(pick)];
  CHECK(counts == std::vector<int>{300, 100, 0});
  // Weight 0: no share while a weighted replica is eligible, turns when none is.
  WeightedRoundRobinBalancer zero;
  std::vector<ReplicaLoad> unweighted = idle_replicas(3);
  unweighted[0].weight = 0;
  unweighted[1].weight = 0;
  unweighted[2].weight = 1;
  CHECK(picks(zero, {unweighted}, 3) == std::vector<int>{2, 2, 2});
  unweighted[2].is_ready = false;
  const std::vector<int> turns = picks(zero, {unweighted}, 4);
  CHECK(std::count(turns.begin(), turns.end(), 0) == 2);
  CHECK(std::count(turns.begin(), turns.end(), 1) == 2);
}

TEST_CASE("least outstanding never picks a busier replica when an idler one is eligible", "[load_balancer]") {
  LeastOutstandingBalancer balancer;
  RandomStream stream = make_stream(7, "least-outstanding-property");
  for (int trial = 0; trial < 5000; ++trial) {
    const RandomView random = random_view(stream, 8);
    const BalancerView view = random.view();
    const int chosen = balancer.choose(view);
    if (chosen < 0) {
      for (std::size_t i = 0; i < random.replicas.size(); ++i) CHECK_FALSE(view.is_eligible(i));
      continue;
    }
    REQUIRE(view.is_eligible(static_cast<std::size_t>(chosen)));
    for (std::size_t i = 0; i < random.replicas.size(); ++i)
      if (view.is_eligible(i))
        REQUIRE(load_per_slot(random.replicas[static_cast<std::size_t>(chosen)]) <= load_per_slot(random.replicas[i]));
  }
  // Equal loads: the idle replicas take turns instead of the first one taking everything.
  LeastOutstandingBalancer fresh;
  const std::vector<ReplicaLoad> replicas = idle_replicas(3);
  CHECK(picks(fresh, {replicas}, 6) == std::vector<int>{0, 1, 2, 0, 1, 2});
}

TEST_CASE("power of two choices picks the less loaded of its two samples", "[load_balancer]") {
  // A twin stream with the same seed replays the balancer's two draws.
  RandomStream views = make_stream(11, "p2c-views");
  PowerOfTwoChoicesBalancer balancer(make_stream(5, "p2c"));
  RandomStream twin = make_stream(5, "p2c");
  int compared = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    const RandomView random = random_view(views, 0);
    const BalancerView view = random.view();
    std::vector<int> eligible;
    for (std::size_t i = 0; i < random.replicas.size(); ++i)
      if (view.is_eligible(i)) eligible.push_back(static_cast<int>(i));
    const int chosen = balancer.choose(view);
    if (eligible.empty()) {
      CHECK(chosen == -1);
      continue;
    }
    if (eligible.size() == 1) {
      CHECK(chosen == eligible[0]);
      continue;
    }
    const std::size_t first = uniform_index(twin, eligible.size());
    std::size_t second = uniform_index(twin, eligible.size() - 1);
    if (second >= first) ++second;
    const int a = eligible[first];
    const int b = eligible[second];
    REQUIRE(a != b);
    const double load_a = load_per_slot(random.replicas[static_cast<std::size_t>(a)]);
    const double load_b = load_per_slot(random.replicas[static_cast<std::size_t>(b)]);
    REQUIRE(chosen == (load_a <= load_b ? a : b));  // ties: the first sampled
    ++compared;
  }
  CHECK(compared > 2000);
}

TEST_CASE("power of two choices: exact pick probabilities for unequal loads", "[load_balancer]") {
  // Loads 0, 5, 10 on three replicas: the idle one wins whenever drawn (pairs
  // {0,1} and {0,2}: probability 2/3), the middle one only in the pair {1,2}
  // (1/3), the busiest never.
  PowerOfTwoChoicesBalancer balancer(make_stream(3, "p2c-unequal"));
  std::vector<ReplicaLoad> replicas = idle_replicas(3);
  replicas[1].outstanding = 5;
  replicas[2].outstanding = 10;
  const int n = 30000;
  std::vector<int> counts(3, 0);
  for (int pick : picks(balancer, {replicas}, n)) ++counts[static_cast<std::size_t>(pick)];
  CHECK(counts[2] == 0);
  const double statistic = chi_square({counts[0], counts[1]}, {n * 2.0 / 3.0, n / 3.0});
  INFO("counts " << counts[0] << " " << counts[1] << ", chi-square " << statistic);
  CHECK(statistic < kChiSquare999Df1);
  // Two eligible replicas: always the less loaded, in either order of the draw.
  replicas[0].is_ready = false;
  const std::vector<int> two = picks(balancer, {replicas}, 100);
  CHECK(std::all_of(two.begin(), two.end(), [](int pick) { return pick == 1; }));
}

TEST_CASE("power of two choices is uniform over replicas with equal loads", "[load_balancer]") {
  // With equal loads the first sample always wins, so each replica gets 1/10.
  // (Breaking ties towards the lower index would fail this badly.)
  PowerOfTwoChoicesBalancer balancer(make_stream(1, "p2c-uniform"));
  std::vector<ReplicaLoad> replicas = idle_replicas(10);
  for (ReplicaLoad& r : replicas) r.outstanding = 3;
  const int n = 100000;
  std::vector<int> counts(10, 0);
  for (int pick : picks(balancer, {replicas}, n)) ++counts[static_cast<std::size_t>(pick)];
  const double statistic = chi_square(counts, std::vector<double>(10, n / 10.0));
  INFO("chi-square " << statistic);
  CHECK(statistic < kChiSquare999Df9);
}

TEST_CASE("random is uniform over the eligible replicas", "[load_balancer]") {
  RandomBalancer balancer(make_stream(9, "random-uniform"));
  std::vector<ReplicaLoad> replicas = idle_replicas(10);
  replicas[2].is_ready = false;
  replicas[5].is_ready = false;
  replicas[7].is_ready = false;
  const int n = 70000;
  std::vector<int> counts(10, 0);
  for (int pick : picks(balancer, {replicas}, n)) ++counts[static_cast<std::size_t>(pick)];
  CHECK(counts[2] == 0);
  CHECK(counts[5] == 0);
  CHECK(counts[7] == 0);
  std::vector<int> eligible_counts;
  for (int i : {0, 1, 3, 4, 6, 8, 9}) eligible_counts.push_back(counts[static_cast<std::size_t>(i)]);
  const double statistic = chi_square(eligible_counts, std::vector<double>(7, n / 7.0));
  INFO("chi-square " << statistic);
  CHECK(statistic < kChiSquare999Df6);
}

TEST_CASE("every balancer returns -1 when nothing is eligible", "[load_balancer]") {
  for (const std::string& name : kAllBalancers) {
    INFO(name);
    auto balancer = policy_registries().load_balancers.make(name, {});
    CHECK(balancer->choose(BalancerView{}) == -1);  // no replicas at all
    std::vector<ReplicaLoad> replicas = idle_replicas(4);
    for (ReplicaLoad& r : replicas) r.is_ready = false;
    CHECK(balancer->choose({replicas}) == -1);
    for (ReplicaLoad& r : replicas) {
      r.is_ready = true;
      r.concurrency = 2;
      r.in_service = 2;
      r.outstanding = 5;
    }
    CHECK(balancer->choose({replicas, true}) == -1);  // all full, balancer-queue mode
    CHECK(balancer->choose({replicas, false}) >= 0);  // replica queues accept them
  }
}

namespace {

// Random views, `count` replicas each (0: a random count per view); checks
// that every choice is eligible and that -1 comes exactly when nothing is.
void check_eligibility(const std::string& name, int count) {
  auto balancer = policy_registries().load_balancers.make(name, {});
  RandomStream stream = make_stream(13, "eligibility-" + name);
  int chosen_count = 0, queue_mode_count = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    const RandomView random = random_view(stream, count);
    const BalancerView view = random.view();
    const int chosen = balancer->choose(view);
    bool any_eligible = false;
    for (std::size_t i = 0; i < random.replicas.size(); ++i) any_eligible = any_eligible || view.is_eligible(i);
    if (!any_eligible) {
      REQUIRE(chosen == -1);
      continue;
    }
    REQUIRE(chosen >= 0);
    REQUIRE(static_cast<std::size_t>(chosen) < random.replicas.size());
    const ReplicaLoad& r = random.replicas[static_cast<std::size_t>(chosen)];
    REQUIRE(r.is_ready);
    if (view.needs_free_slot) {
      REQUIRE(r.in_service < r.concurrency);
      ++queue_mode_count;
    }
    ++chosen_count;
  }
  CHECK(chosen_count > 3000);
  CHECK(queue_mode_count > 500);
}

}  // namespace

TEST_CASE("no balancer ever returns an ineligible replica, in either queue mode", "[load_balancer]") {
  for (const std::string& name : kAllBalancers) {
    INFO(name);
    check_eligibility(name, 8);
  }
}

TEST_CASE("balancers cope with the replica list growing and shrinking", "[load_balancer]") {
  // Autoscaling changes the number of replicas between requests.
  for (const std::string& name : kAllBalancers) {
    INFO(name);
    check_eligibility(name, 0);
  }
}

TEST_CASE("balancer-queue mode: only replicas with a free slot, loads still compared", "[load_balancer]") {
  // Replica 0 is idle per slot but full; 1 is busy with a free slot; 2 is lightly loaded with a free slot.
  std::vector<ReplicaLoad> replicas(3);
  replicas[0] = {.outstanding = 1, .in_service = 1, .concurrency = 1, .weight = 1.0, .is_ready = true};
  replicas[1] = {.outstanding = 3, .in_service = 3, .concurrency = 4, .weight = 1.0, .is_ready = true};
  replicas[2] = {.outstanding = 1, .in_service = 1, .concurrency = 4, .weight = 1.0, .is_ready = true};
  const BalancerView queue_mode{replicas, true};
  LeastOutstandingBalancer least;
  CHECK(least.choose(queue_mode) == 2);
  PowerOfTwoChoicesBalancer p2c(make_stream(4, "p2c-queue"));
  for (int pick : picks(p2c, queue_mode, 50)) CHECK(pick == 2);  // the pair {1,2} is the only one
  for (const std::string& name : kAllBalancers) {
    INFO(name);
    auto balancer = policy_registries().load_balancers.make(name, {});
    for (int pick : picks(*balancer, queue_mode, 30)) CHECK(pick != 0);
  }
}
