// CapacityPlanner and PlanRequirement: parsing, verdicts on hand-computed
// intervals, and the search on synthetic monotone cases checked against a
// brute force over the full grid.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "CapacityPlanner.hpp"
#include "RunComparison.hpp"

using namespace leptonsim;

namespace {

using Metrics = std::map<std::string, MetricStatistics>;
using Index = std::vector<std::size_t>;

MetricStatistics statistics_of(const std::vector<double>& values) { return metric_statistics(values, 0.95); }

// The metrics of one seed of a point.
using SeedModel = std::function<std::map<std::string, double>(const Index&, std::size_t seed)>;

struct DriveLog {
  std::set<std::pair<Index, std::size_t>> requested;  // (point, seeds) pairs run
  std::map<Index, std::vector<std::size_t>> seeds_asked;
  std::size_t batches = 0;
  std::size_t largest_batch = 0;
  bool repeated_request = false;
};

// Runs the planner to the end like the sweep engine would: every request of a
// batch is "run" (seeds 0 .. seeds-1 through the model) and recorded.
DriveLog drive(CapacityPlanner& planner, const SeedModel& model) {
  DriveLog log;
  for (std::vector<PlanRequest> batch = planner.next_requests(); !batch.empty(); batch = planner.next_requests()) {
    REQUIRE(log.batches < 10000);
    ++log.batches;
    log.largest_batch = std::max(log.largest_batch, batch.size());
    for (const PlanRequest& request : batch) {
      if (!log.requested.insert({request.value_index, request.seeds}).second) log.repeated_request = true;
      log.seeds_asked[request.value_index].push_back(request.seeds);
      std::map<std::string, std::vector<double>> values;
      for (std::size_t seed = 0; seed < request.seeds; ++seed)
        for (const auto& [metric, value] : model(request.value_index, seed)) values[metric].push_back(value);
      Metrics metrics;
      for (const auto& [metric, list] : values) metrics[metric] = statistics_of(list);
      planner.record(request.value_index, request.seeds, metrics);
    }
  }
  CHECK(planner.finished());
  return log;
}

// --- The synthetic inference service of the issue -------------------------
// axes: replicas 1..64 (monotone), load balancer {round_robin,
// least_outstanding} (categorical), GPUs per node {4, 8} (monotone).
// capacity = replicas * gpus * efficiency (round robin 0.8),
// latency_p99 = 0.2 + 80 / capacity, availability = 1 - 0.0105 / replicas,
// cost = 2.5 * replicas * gpus (+1 for least_outstanding).

std::vector<PlanAxis> service_axes() {
  PlanAxis replicas{"services[0].replicas", {}, true};
  for (int r = 1; r <= 64; ++r) replicas.values.push_back(std::to_string(r));
  return {replicas,
          PlanAxis{"services[0].load_balancer.policy", {"round_robin", "least_outstanding"}, false},
          PlanAxis{"services[0].gpus_per_node", {"4", "8"}, true}};
}

struct ServiceValues {
  double latency_p99, availability, cost;
};

ServiceValues service_truth(const Index& index) {
  const double replicas = static_cast<double>(index[0] + 1);
  const bool is_least_outstanding = index[1] == 1;
  const double gpus = index[2] == 0 ? 4.0 : 8.0;
  const double capacity = replicas * gpus * (is_least_outstanding ? 1.0 : 0.8);
  return {0.2 + 80.0 / capacity, 1.0 - 0.0105 / replicas, 2.5 * replicas * gpus + (is_least_outstanding ? 1.0 : 0.0)};
}

std::map<std::string, double> as_metrics(const ServiceValues& values) {
  return {{"service.chat.latency_p99", values.latency_p99},
          {"service.chat.availability", values.availability},
          {"cost.total", values.cost},
          {"service.chat.goodput", 42.0}};
}

PlanOptions service_options() {
  PlanOptions options;
  options.minimize = "cost.total";
  options.requirements = {PlanRequirement::parse("service.chat.latency_p99<=2"),
                          PlanRequirement::parse("service.chat.availability>=0.999")};
  return options;
}

// Full-grid optimum by the true values: cheapest, then fewer capacity, then index.
std::optional<Index> brute_force_optimum(const std::vector<PlanAxis>& axes,
                                         const std::function<bool(const Index&)>& is_feasible,
                                         const std::function<double(const Index&)>& cost) {
  std::optional<Index> best;
  auto capacity = [&](const Index& index) {
    std::size_t total = 0;
    for (std::size_t a = 0; a < axes.size(); ++a)
      if (axes[a].monotone) total += index[a];
    return total;
  };
  Index index(axes.size(), 0);
  while (true) {
    if (is_feasible(index)) {
      const bool is_better = !best || cost(index) < cost(*best) ||
                             (cost(index) == cost(*best) &&
                              (capacity(index) < capacity(*best) || (capacity(index) == capacity(*best) && index < *best)));
      if (is_better) best = index;
    }
    std::size_t position = axes.size();
    while (position > 0 && ++index[position - 1] == axes[position - 1].values.size()) index[--position] = 0;
    if (position == 0) break;
  }
  return best;
}

// Noise in [-amplitude, +amplitude) from (point, seed): portable and repeatable.
double noise(const Index& index, std::size_t seed, std::uint32_t stream, double amplitude) {
  std::uint32_t key = stream * 2654435761u + static_cast<std::uint32_t>(seed) * 40503u;
  for (std::size_t i : index) key = key * 31u + static_cast<std::uint32_t>(i) + 7u;
  std::mt19937 generator(key);
  const double unit = static_cast<double>(generator()) / 4294967296.0;
  return amplitude * (2.0 * unit - 1.0);
}

}  // namespace

TEST_CASE("PlanRequirement parses every operator with or without spaces", "[planner]") {
  const PlanRequirement p99 = PlanRequirement::parse("service.chat.latency_p99<=2");
  CHECK(p99.metric == "service.chat.latency_p99");
  CHECK(p99.op == PlanRequirement::Op::less_equal);
  CHECK(p99.limit == 2.0);

  const PlanRequirement less = PlanRequirement::parse("  queue.wait_p50 < 0.5 ");
  CHECK(less.metric == "queue.wait_p50");
  CHECK(less.op == PlanRequirement::Op::less);
  CHECK(less.limit == 0.5);

  const PlanRequirement availability = PlanRequirement::parse("service.chat.availability >= 0.999");
  CHECK(availability.op == PlanRequirement::Op::greater_equal);
  CHECK(availability.limit == 0.999);
  CHECK(availability.is_lower_bound());

  const PlanRequirement greater = PlanRequirement::parse("services[0].goodput>1e3");
  CHECK(greater.metric == "services[0].goodput");
  CHECK(greater.op == PlanRequirement::Op::greater);
  CHECK(greater.limit == 1000.0);

  CHECK(p99.to_string() == "service.chat.latency_p99<=2");
  CHECK(availability.to_string() == "service.chat.availability>=0.999");
  CHECK(PlanRequirement::parse(less.to_string()).to_string() == "queue.wait_p50<0.5");
}

TEST_CASE("PlanRequirement rejects malformed text with the text and the expected form", "[planner]") {
  for (const std::string bad : {"latency 2", "<=2", "latency<=", "latency<=fast", "latency<=2s", "latency==2",
                                "latency=<2", "latency<=inf", ""}) {
    INFO(bad);
    try {
      PlanRequirement::parse(bad);
      FAIL("no exception for '" << bad << "'");
    } catch (const std::invalid_argument& error) {
      const std::string message = error.what();
      CHECK(message.find("'" + bad + "'") != std::string::npos);
      CHECK(message.find("METRIC<=NUMBER") != std::string::npos);
    }
  }
}

TEST_CASE("judge compares the confidence interval of the mean with the limit", "[planner]") {
  // {1.8, 2.0, 2.2}: mean 2, s = 0.2, t(0.975, 2) = 4.302653,
  // half width = 4.302653 * 0.2 / sqrt(3) = 0.496827 -> [1.503173, 2.496827].
  const MetricStatistics three = statistics_of({1.8, 2.0, 2.2});
  REQUIRE(three.ci_lower == Approx(1.503173).epsilon(1e-6));
  REQUIRE(three.ci_upper == Approx(2.496827).epsilon(1e-6));

  auto verdict = [&](const std::string& text, const MetricStatistics& statistics) {
    return judge(PlanRequirement::parse(text), statistics);
  };
  CHECK(verdict("m<=2.5", three) == Verdict::met);
  CHECK(verdict("m<=2.49", three) == Verdict::uncertain);
  CHECK(verdict("m<=2", three) == Verdict::uncertain);
  CHECK(verdict("m<=1.5", three) == Verdict::not_met);
  CHECK(verdict("m<1.503", three) == Verdict::not_met);
  CHECK(verdict("m>=1.5", three) == Verdict::met);
  CHECK(verdict("m>=1.51", three) == Verdict::uncertain);
  CHECK(verdict("m>2.49", three) == Verdict::uncertain);
  CHECK(verdict("m>2.5", three) == Verdict::not_met);
  CHECK(verdict("m>=2.6", three) == Verdict::not_met);

  // One seed: no interval, the mean decides.
  const MetricStatistics one = statistics_of({2.0});
  CHECK(verdict("m<=2", one) == Verdict::met);
  CHECK(verdict("m<2", one) == Verdict::not_met);
  CHECK(verdict("m>=2", one) == Verdict::met);
  CHECK(verdict("m>2", one) == Verdict::not_met);

  // No defined value at all (every run failed or the metric is NaN).
  const MetricStatistics none = statistics_of({std::nan("")});
  CHECK(verdict("m<=1e9", none) == Verdict::not_met);
  CHECK(verdict("m>=-1e9", none) == Verdict::not_met);

  // Identical seeds: a zero-width interval, met exactly at the limit.
  CHECK(verdict("m<=2", statistics_of({2.0, 2.0, 2.0})) == Verdict::met);
}

TEST_CASE("CapacityPlanner rejects incomplete plans and results without the metrics", "[planner]") {
  const PlanOptions options = service_options();
  CHECK_THROWS_AS(CapacityPlanner({}, options), std::invalid_argument);
  CHECK_THROWS_AS(CapacityPlanner({PlanAxis{"replicas", {}, true}}, options), std::invalid_argument);
  CHECK_THROWS_AS(CapacityPlanner({PlanAxis{"a", {"1"}, true}, PlanAxis{"a", {"2"}, false}}, options),
                  std::invalid_argument);
  PlanOptions no_minimize = options;
  no_minimize.minimize.clear();
  CHECK_THROWS_AS(CapacityPlanner(service_axes(), no_minimize), std::invalid_argument);
  PlanOptions no_requirements = options;
  no_requirements.requirements.clear();
  CHECK_THROWS_AS(CapacityPlanner(service_axes(), no_requirements), std::invalid_argument);
  PlanOptions bad_seeds = options;
  bad_seeds.initial_seeds = 4;
  bad_seeds.max_seeds = 2;
  CHECK_THROWS_AS(CapacityPlanner(service_axes(), bad_seeds), std::invalid_argument);

  CapacityPlanner planner(service_axes(), options);
  const PlanRequest first = planner.next_requests().at(0);
  Metrics partial{{"cost.total", statistics_of({1.0})}, {"service.chat.latency_p99", statistics_of({1.0})}};
  try {
    planner.record(first.value_index, 3, partial);
    FAIL("no exception for a missing metric");
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    CHECK(message.find("service.chat.availability") != std::string::npos);
    CHECK(message.find("cost.total, service.chat.latency_p99") != std::string::npos);
  }
  CHECK_THROWS_AS(planner.record({64, 0, 0}, 3, partial), std::invalid_argument);
  CHECK_THROWS_AS(planner.record({0, 0}, 3, partial), std::invalid_argument);
}

TEST_CASE("CapacityPlanner finds the full-grid optimum of a monotone service in far fewer runs", "[planner]") {
  const std::vector<PlanAxis> axes = service_axes();
  const PlanOptions options = service_options();
  CapacityPlanner planner(axes, options);

  // The first batch: the largest configuration of each load balancer, in parallel.
  const std::vector<PlanRequest> first = planner.next_requests();
  REQUIRE(first.size() == 2);
  CHECK(first[0].value_index == Index{63, 0, 1});
  CHECK(first[1].value_index == Index{63, 1, 1});
  CHECK(first[0].seeds == 3);

  const DriveLog log = drive(planner, [](const Index& index, std::size_t) { return as_metrics(service_truth(index)); });
  const PlanResult result = planner.result();

  const std::optional<Index> optimum = brute_force_optimum(
      axes,
      [&](const Index& index) {
        const ServiceValues values = service_truth(index);
        return values.latency_p99 <= 2.0 && values.availability >= 0.999;
      },
      [](const Index& index) { return service_truth(index).cost; });
  // By hand: least_outstanding on 4-GPU nodes needs 12 replicas (48 GPUs:
  // p99 = 0.2 + 80/48 = 1.867 s; 11 give 2.018 s), cost 2.5 * 48 + 1 = 121.
  REQUIRE(optimum == Index{11, 1, 0});
  REQUIRE(result.chosen);
  CHECK(result.chosen->value_index == *optimum);
  CHECK(result.chosen->metrics.at("cost.total").mean == Approx(121.0));
  CHECK(result.chosen->feasible);
  CHECK(result.chosen->verdicts == std::vector<Verdict>{Verdict::met, Verdict::met});

  // Runners-up: round robin's best first (14 replicas x 4 GPUs = 140), then
  // the next cheapest evaluated feasible points.
  REQUIRE(result.runners_up.size() == 3);
  CHECK(result.runners_up[0].value_index == Index{13, 0, 0});
  CHECK(result.runners_up[0].metrics.at("cost.total").mean == Approx(140.0));
  for (const PlanEvaluation& runner_up : result.runners_up) CHECK(runner_up.feasible);
  CHECK(result.runners_up[1].metrics.at("cost.total").mean <= result.runners_up[2].metrics.at("cost.total").mean);

  CHECK_FALSE(log.repeated_request);
  CHECK(log.largest_batch == 2);
  CHECK(result.grid_runs == 64 * 2 * 2 * 3);
  // Per load balancer: the largest point (64 x 8), bisection over 64 replicas
  // on 8-GPU nodes (32, 16, 8, 12, 10, 11: frontier 11), then galloping on
  // 4-GPU nodes from that frontier: least_outstanding 11, 13 | 12 (3 points),
  // round_robin 11, 13, 17 | 15, 14 (5 points). 10 + 12 points x 3 seeds.
  CHECK(result.evaluated.size() == 22);
  CHECK(result.runs_spent == 66);
  CHECK(result.runs_spent * 4 < result.grid_runs);  // below 25 % of the grid

  // Pareto front: ascending cost, descending p99, the chosen point on it.
  REQUIRE(result.pareto_front.size() >= 2);
  for (std::size_t i = 1; i < result.pareto_front.size(); ++i) {
    CHECK(result.pareto_front[i].metrics.at("cost.total").mean >
          result.pareto_front[i - 1].metrics.at("cost.total").mean);
    CHECK(result.pareto_front[i].metrics.at("service.chat.latency_p99").mean <
          result.pareto_front[i - 1].metrics.at("service.chat.latency_p99").mean);
  }
  bool chosen_on_front = false;
  for (const PlanEvaluation& evaluation : result.pareto_front)
    chosen_on_front = chosen_on_front || evaluation.value_index == result.chosen->value_index;
  CHECK(chosen_on_front);

  const std::string report = format_plan_report(result, axes, options);
  CHECK(report.find("Chosen configuration (3 seeds)") != std::string::npos);
  CHECK(report.find("services[0].replicas = 12") != std::string::npos);
  CHECK(report.find("services[0].load_balancer.policy = least_outstanding") != std::string::npos);
  CHECK(report.find("services[0].gpus_per_node = 4") != std::string::npos);
  CHECK(report.find("(required <= 2: met)") != std::string::npos);
  CHECK(report.find("(required >= 0.999: met)") != std::string::npos);
  CHECK(report.find("Runners-up:") != std::string::npos);
  CHECK(report.find("Pareto front of cost.total against service.chat.latency_p99") != std::string::npos);
  CHECK(report.find("Runs: 66 spent on 22 points; the full grid would take 768 (8.6 %)") != std::string::npos);
}

TEST_CASE("CapacityPlanner asks noisy borderline points for more seeds and stays right", "[planner]") {
  const std::vector<PlanAxis> axes = service_axes();
  PlanOptions options = service_options();
  options.initial_seeds = 3;
  options.max_seeds = 10;
  CapacityPlanner planner(axes, options);

  // +-8 % on the p99 and +-0.0003 on availability, different for every seed.
  const DriveLog log = drive(planner, [](const Index& index, std::size_t seed) {
    ServiceValues values = service_truth(index);
    values.latency_p99 *= 1.0 + noise(index, seed, 1, 0.08);
    values.availability = std::min(1.0, values.availability + noise(index, seed, 2, 0.0003));
    return as_metrics(values);
  });
  const PlanResult result = planner.result();

  CHECK_FALSE(log.repeated_request);
  bool asked_for_more = false;
  for (const auto& [index, asked] : log.seeds_asked) {
    CHECK(asked.front() == 3);
    for (std::size_t i = 1; i < asked.size(); ++i) CHECK(asked[i] > asked[i - 1]);
    CHECK(asked.back() <= 10);
    asked_for_more = asked_for_more || asked.size() > 1;
  }
  CHECK(asked_for_more);

  // Conservative but close: the chosen point truly meets both requirements and
  // costs at most 20 % more than the noise-free optimum (121).
  REQUIRE(result.chosen);
  const ServiceValues truth = service_truth(result.chosen->value_index);
  CHECK(truth.latency_p99 <= 2.0);
  CHECK(truth.availability >= 0.999);
  CHECK(truth.cost <= 1.2 * 121.0);
  CHECK(result.runs_spent * 4 < result.grid_runs);
  INFO("noisy plan: runs " << result.runs_spent << " of " << result.grid_runs);
  CHECK(result.runs_spent > 60);
}

TEST_CASE("CapacityPlanner doubles the seeds of an uncertain point up to max_seeds, then counts it as not met",
          "[planner]") {
  // replicas 1..8, p99 mean = 10 - index with a fixed interval of +-0.5:
  // index 5 (mean 5) straddles the limit 5 whatever the seeds.
  const std::vector<PlanAxis> axes{PlanAxis{"replicas", {"1", "2", "3", "4", "5", "6", "7", "8"}, true}};
  PlanOptions options;
  options.minimize = "cost";
  options.requirements = {PlanRequirement::parse("p99<=5")};
  options.initial_seeds = 3;
  options.max_seeds = 10;
  CapacityPlanner planner(axes, options);

  std::vector<PlanRequest> all_requests;
  for (std::vector<PlanRequest> batch = planner.next_requests(); !batch.empty(); batch = planner.next_requests()) {
    REQUIRE(batch.size() == 1);
    const PlanRequest& request = batch.front();
    all_requests.push_back(request);
    const double mean = 10.0 - static_cast<double>(request.value_index[0]);
    MetricStatistics p99;
    p99.n = request.seeds;
    p99.mean = mean;
    p99.ci_lower = mean - 0.5;
    p99.ci_upper = mean + 0.5;
    planner.record(request.value_index, request.seeds,
                   {{"p99", p99}, {"cost", statistics_of({static_cast<double>(request.value_index[0] + 1)})}});
  }
  // Largest (7), bisection 3, 5 (3 -> 6 -> 10 seeds), 6.
  std::vector<std::pair<std::size_t, std::size_t>> trace;
  for (const PlanRequest& request : all_requests) trace.emplace_back(request.value_index[0], request.seeds);
  CHECK(trace == std::vector<std::pair<std::size_t, std::size_t>>{{7, 3}, {3, 3}, {5, 3}, {5, 6}, {5, 10}, {6, 3}});

  const PlanResult result = planner.result();
  REQUIRE(result.chosen);
  CHECK(result.chosen->value_index == Index{6});
  CHECK(result.runs_spent == 3 + 3 + 10 + 3);
  const PlanEvaluation* borderline = nullptr;
  for (const PlanEvaluation& evaluation : result.evaluated)
    if (evaluation.value_index == Index{5}) borderline = &evaluation;
  REQUIRE(borderline);
  CHECK(borderline->seeds == 10);
  CHECK_FALSE(borderline->feasible);
  CHECK(borderline->verdicts == std::vector<Verdict>{Verdict::uncertain});

  // With max_seeds == initial_seeds it is counted as not met at once.
  options.max_seeds = 3;
  CapacityPlanner single_round(axes, options);
  std::size_t requests = 0;
  for (std::vector<PlanRequest> batch = single_round.next_requests(); !batch.empty();
       batch = single_round.next_requests()) {
    const PlanRequest& request = batch.front();
    ++requests;
    const double mean = 10.0 - static_cast<double>(request.value_index[0]);
    MetricStatistics p99{request.seeds, 0, mean, 0.3, mean - 0.5, mean + 0.5, mean, mean};
    single_round.record(request.value_index, request.seeds,
                        {{"p99", p99}, {"cost", statistics_of({static_cast<double>(request.value_index[0] + 1)})}});
  }
  CHECK(requests == 4);
  REQUIRE(single_round.result().chosen);
  CHECK(single_round.result().chosen->value_index == Index{6});
}

TEST_CASE("CapacityPlanner reports clearly when no configuration is feasible", "[planner]") {
  const std::vector<PlanAxis> axes = service_axes();
  PlanOptions options = service_options();
  options.requirements.front() = PlanRequirement::parse("service.chat.latency_p99<=0.1");  // p99 >= 0.2 always
  CapacityPlanner planner(axes, options);
  drive(planner, [](const Index& index, std::size_t) { return as_metrics(service_truth(index)); });
  const PlanResult result = planner.result();

  CHECK_FALSE(result.chosen);
  CHECK(result.runners_up.empty());
  CHECK(result.evaluated.size() == 2);  // only the largest configuration of each load balancer
  CHECK(result.runs_spent == 6);
  for (const PlanEvaluation& evaluation : result.evaluated)
    CHECK(evaluation.verdicts == std::vector<Verdict>{Verdict::not_met, Verdict::met});

  const std::string report = format_plan_report(result, axes, options);
  CHECK(report.find("No configuration meets every requirement") != std::string::npos);
  CHECK(report.find("Even the largest configurations fall short") != std::string::npos);
  CHECK(report.find("services[0].replicas=64, services[0].load_balancer.policy=round_robin, "
                    "services[0].gpus_per_node=8") != std::string::npos);
  CHECK(report.find("(required <= 0.1: not met)") != std::string::npos);
  CHECK(report.find("Chosen configuration") == std::string::npos);
}

TEST_CASE("CapacityPlanner Pareto front and runners-up on a hand case", "[planner]") {
  // Four points recorded up front (e.g. from an earlier sweep), one seed each.
  const std::vector<PlanAxis> axes{PlanAxis{"replicas", {"1", "2", "3", "4"}, true}};
  const std::vector<double> cost{10, 20, 30, 40}, p99{5, 3, 3.5, 1}, availability{0.9, 0.99, 0.995, 0.98};

  auto plan = [&](const std::string& main_requirement) {
    PlanOptions options;
    options.minimize = "cost";
    options.requirements = {PlanRequirement::parse(main_requirement)};
    options.initial_seeds = 1;
    options.max_seeds = 1;
    CapacityPlanner planner(axes, options);
    for (std::size_t i = 0; i < 4; ++i)
      planner.record({i}, 1,
                     {{"cost", statistics_of({cost[i]})},
                      {"p99", statistics_of({p99[i]})},
                      {"availability", statistics_of({availability[i]})}});
    CHECK(planner.finished());
    CHECK(planner.next_requests().empty());
    return planner.result();
  };
  auto indices = [](const std::vector<PlanEvaluation>& evaluations) {
    std::vector<std::size_t> list;
    for (const PlanEvaluation& evaluation : evaluations) list.push_back(evaluation.value_index[0]);
    return list;
  };

  // p99 is minimised: (30, 3.5) is beaten by (20, 3).
  const PlanResult by_p99 = plan("p99<=3.2");
  CHECK(indices(by_p99.pareto_front) == std::vector<std::size_t>{0, 1, 3});
  REQUIRE(by_p99.chosen);
  CHECK(by_p99.chosen->value_index == Index{1});
  CHECK(indices(by_p99.runners_up) == std::vector<std::size_t>{3});
  CHECK(by_p99.runs_spent == 4);
  CHECK(by_p99.grid_runs == 4);

  // availability is maximised: (40, 0.98) is beaten by (20, 0.99) and (30, 0.995).
  const PlanResult by_availability = plan("availability>=0.99");
  CHECK(indices(by_availability.pareto_front) == std::vector<std::size_t>{0, 1, 2});
  REQUIRE(by_availability.chosen);
  CHECK(by_availability.chosen->value_index == Index{1});
  CHECK(indices(by_availability.runners_up) == std::vector<std::size_t>{2});
}

TEST_CASE("CapacityPlanner matches the brute force on random monotone spaces of three capacity axes",
          "[planner]") {
  std::mt19937 generator(20240607u);
  auto draw = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(generator); };
  std::size_t total_runs = 0, total_grid = 0;
  for (int instance = 0; instance < 200; ++instance) {
    // Axes in a shuffled order: three monotone, one categorical.
    std::vector<PlanAxis> axes;
    for (int a = 0; a < 3; ++a) {
      PlanAxis axis{"capacity" + std::to_string(a), {}, true};
      const int size = draw(1, 12);
      for (int v = 0; v < size; ++v) axis.values.push_back(std::to_string(v));
      axes.push_back(axis);
    }
    PlanAxis policy{"policy", {}, false};
    for (int v = 0, size = draw(1, 3); v < size; ++v) policy.values.push_back("p" + std::to_string(v));
    axes.insert(axes.begin() + draw(0, 3), policy);

    std::vector<double> weight, cost_weight, policy_bonus, policy_price;
    for (int a = 0; a < 3; ++a) {
      weight.push_back(draw(0, 5));
      cost_weight.push_back(draw(1, 4));
    }
    for (std::size_t v = 0; v < policy.values.size(); ++v) {
      policy_bonus.push_back(draw(0, 10));
      policy_price.push_back(draw(0, 6));
    }
    const double product_weight = draw(0, 2);
    const double threshold = draw(0, 60);
    auto score = [&](const Index& index) {
      double total = 0.0, product = 1.0;
      std::size_t monotone = 0;
      for (std::size_t a = 0; a < axes.size(); ++a) {
        if (!axes[a].monotone) {
          total += policy_bonus[index[a]];
          continue;
        }
        total += weight[monotone] * static_cast<double>(index[a]);
        if (monotone < 2) product *= static_cast<double>(index[a]);
        ++monotone;
      }
      return total + product_weight * product;
    };
    auto cost = [&](const Index& index) {
      double total = 0.0;
      std::size_t monotone = 0;
      for (std::size_t a = 0; a < axes.size(); ++a)
        total += axes[a].monotone ? cost_weight[monotone++] * static_cast<double>(index[a]) : policy_price[index[a]];
      return total;
    };

    PlanOptions options;
    options.minimize = "cost";
    options.requirements = {PlanRequirement::parse("score>=" + std::to_string(threshold))};
    options.initial_seeds = 1;
    options.max_seeds = 1;
    CapacityPlanner planner(axes, options);
    const DriveLog log = drive(planner, [&](const Index& index, std::size_t) {
      return std::map<std::string, double>{{"score", score(index)}, {"cost", cost(index)}};
    });
    const PlanResult result = planner.result();
    const std::optional<Index> optimum =
        brute_force_optimum(axes, [&](const Index& index) { return score(index) >= threshold; }, cost);

    INFO("instance " << instance);
    CHECK_FALSE(log.repeated_request);
    CHECK(result.chosen.has_value() == optimum.has_value());
    if (result.chosen && optimum) CHECK(result.chosen->value_index == *optimum);
    CHECK(result.runs_spent <= result.grid_runs);
    total_runs += result.runs_spent;
    total_grid += result.grid_runs;
  }
  INFO("random spaces: " << total_runs << " runs of " << total_grid);
  CHECK(total_runs * 2 < total_grid);
}
