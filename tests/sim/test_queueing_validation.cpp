// Validation of the serving model against closed forms (DESIGN.md, "How we
// know it is right"): M/M/c mean waiting time against Erlang C, M/D/1 against
// Pollaczek-Khinchine, and Little's law. Each case runs independent seeds as
// separate processes; the 99 % Student-t interval across seeds must contain the
// closed-form value and be no wider than +-3 % of it.
#include "CliRunner.hpp"
#include "QueueingFormulas.hpp"
#include "Statistics.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <iostream>
#include <fmt/format.h>

using namespace leptonsim;
using namespace leptonsim::testing;

namespace {

struct QueueCase {
  int servers;
  double utilization;
  const char* service;      // "exponential" or "deterministic"
  double requests_per_seed; // sized from the estimator's variance (see the closing note of the issue)
  int seeds;
};

std::string queue_scenario(const QueueCase& c, double duration, double warmup) {
  const int nodes = (c.servers + 7) / 8;
  const std::string service_time =
      std::string(c.service) == "exponential" ? "{exponential: {mean: 1s}}" : "{deterministic: 1s}";
  return fmt::format(R"(name: validation-c{servers}-rho{rho}
seed: 1
duration: {duration}s
warmup: {warmup}s
sample_interval: {duration}s
platform:
  sites:
    - name: lab
      racks: 1
      nodes_per_rack: {nodes}
      node: h100x8
services:
  - name: q
    replicas: {servers}
    gpus_per_replica: 1
    max_concurrency: 1
    queue: balancer
    arrivals: {{process: poisson, rate: {rate}/s}}
    service_time: {service_time}
    load_balancer: {{policy: least_outstanding}}
)",
                     fmt::arg("servers", c.servers), fmt::arg("rho", c.utilization), fmt::arg("duration", duration),
                     fmt::arg("warmup", warmup), fmt::arg("nodes", nodes),
                     fmt::arg("rate", c.utilization * c.servers), fmt::arg("service_time", service_time));
}

struct SeedResults {
  std::vector<double> wait_mean, in_system_mean, little_l, utilization;
};

SeedResults run_seeds(const QueueCase& c, const TempDir& dir) {
  const double rate = c.utilization * c.servers;
  const double scale = test_scale();
  const double duration_measured = c.requests_per_seed * scale / rate;
  const double warmup = std::max(1000.0, 0.02 * duration_measured);
  const auto scenario = dir / "scenario.yaml";
  write_file(scenario, queue_scenario(c, warmup + duration_measured, warmup));
  std::vector<std::vector<std::string>> commands;
  for (int seed = 1; seed <= c.seeds; ++seed)
    commands.push_back({"run", scenario.string(), "-o", (dir / fmt::format("seed{}.db", seed)).string(), "--seed",
                        std::to_string(seed), "--progress", "none", "-q"});
  const std::vector<int> codes = run_many(commands, dir, parallel_jobs());
  SeedResults results;
  for (int seed = 1; seed <= c.seeds; ++seed) {
    REQUIRE(codes[seed - 1] == 0);
    ReportReader report((dir / fmt::format("seed{}.db", seed)).string());
    const auto summary = report.summary(report.run_ids().front());
    results.wait_mean.push_back(summary.at("service.q.wait_mean"));
    results.in_system_mean.push_back(summary.at("service.q.in_system_mean"));
    results.little_l.push_back(summary.at("service.q.arrival_rate") * summary.at("service.q.latency_mean"));
    results.utilization.push_back(summary.at("service.q.utilization"));
  }
  return results;
}

void check_against(const QueueCase& c, double expected_wait) {
  TempDir dir;
  const SeedResults results = run_seeds(c, dir);
  const ConfidenceInterval ci = mean_ci(results.wait_mean, 0.99);
  const double tolerance = 0.03 / std::sqrt(std::min(1.0, test_scale()));
  const std::string summary = fmt::format(
      "c={} rho={} {}: simulated Wq = {:.5f} +- {:.5f} (99 %, {} seeds), closed form {:.5f}, half-width {:.2f} % of it",
      c.servers, c.utilization, c.service, ci.mean, ci.half_width, c.seeds, expected_wait,
      100 * ci.half_width / expected_wait);
  std::cout << summary << std::endl;
  INFO(summary);
  CHECK(ci.lower <= expected_wait);
  CHECK(ci.upper >= expected_wait);
  CHECK(ci.half_width <= tolerance * expected_wait);
  // Little's law, run by run: time-average number in system = arrival rate x mean response time.
  for (std::size_t i = 0; i < results.in_system_mean.size(); ++i)
    CHECK(results.in_system_mean[i] == Approx(results.little_l[i]).epsilon(0.02));
  // Busy servers: the time-average utilisation of M/M/c and M/D/1 is rho.
  CHECK(mean_ci(results.utilization, 0.99).mean == Approx(c.utilization).epsilon(0.01));
}

}  // namespace

// Requests per seed are sized from the measured spread of each case so that
// the 99 % interval over 16 seeds is about +-1.6 %: the test asks +-3 %, and
// the width estimated from 16 seeds varies by about 18 %, so a correct
// simulator fails the width check with negligible probability.
void check_erlang_c(int servers, double utilization, double requests_per_seed) {
  const QueueCase c{servers, utilization, "exponential", requests_per_seed, 16};
  check_against(c, mmc_mean_wait(utilization * servers, 1.0, servers));
}

TEST_CASE("M/M/1 waiting time matches Erlang C", "[validation]") {
  SECTION("rho 0.5") { check_erlang_c(1, 0.5, 100e3); }
  SECTION("rho 0.8") { check_erlang_c(1, 0.8, 500e3); }
  SECTION("rho 0.9") { check_erlang_c(1, 0.9, 1.2e6); }
}

TEST_CASE("M/M/4 waiting time matches Erlang C", "[validation]") {
  SECTION("rho 0.5") { check_erlang_c(4, 0.5, 300e3); }
  SECTION("rho 0.8") { check_erlang_c(4, 0.8, 850e3); }
  SECTION("rho 0.9") { check_erlang_c(4, 0.9, 1.4e6); }
}

TEST_CASE("M/M/16 waiting time matches Erlang C", "[validation]") {
  SECTION("rho 0.5") { check_erlang_c(16, 0.5, 6.6e6); }
  SECTION("rho 0.8") { check_erlang_c(16, 0.8, 1.3e6); }
  SECTION("rho 0.9") { check_erlang_c(16, 0.9, 2.0e6); }
}

TEST_CASE("M/D/1 waiting time matches Pollaczek-Khinchine", "[validation]") {
  const QueueCase c{1, 0.8, "deterministic", 300e3, 16};
  check_against(c, md1_mean_wait(0.8, 1.0));
}

namespace {

// Runs `yaml` with seeds 1..16 (in parallel processes) and returns `metric` of each run.
std::vector<double> metric_over_seeds(const std::string& yaml, const std::string& metric) {
  TempDir dir;
  const auto scenario = dir / "scenario.yaml";
  write_file(scenario, yaml);
  std::vector<std::vector<std::string>> commands;
  for (int seed = 1; seed <= 16; ++seed)
    commands.push_back({"run", scenario.string(), "-o", (dir / fmt::format("s{}.db", seed)).string(), "--seed",
                        std::to_string(seed), "--progress", "none", "-q"});
  const auto codes = run_many(commands, dir, parallel_jobs());
  std::vector<double> values;
  for (int seed = 1; seed <= 16; ++seed) {
    REQUIRE(codes[seed - 1] == 0);
    values.push_back(ReportReader((dir / fmt::format("s{}.db", seed)).string()).summary(1).at(metric));
  }
  return values;
}

// The 99 % interval over the seeds contains `expected` and is within +-3 % of it.
void check_interval(const std::string& label, const std::vector<double>& values, double expected) {
  const ConfidenceInterval ci = mean_ci(values, 0.99);
  const std::string summary = fmt::format("{}: {:.6g} +- {:.6g} (99 %, {} seeds), closed form {:.6g}", label, ci.mean,
                                          ci.half_width, values.size(), expected);
  std::cout << summary << std::endl;
  INFO(summary);
  CHECK(ci.lower <= expected);
  CHECK(ci.upper >= expected);
  CHECK(ci.half_width <= 0.03 / std::sqrt(std::min(1.0, test_scale())) * expected);
}

}  // namespace

TEST_CASE("one replica with 4 slots behaves as M/M/4", "[validation]") {
  // Time demand: each slot serves independently, so 4 slots of one replica are 4 servers.
  const double rate = 3.2, requests = 1.0e6 * test_scale();
  const double warmup = 1000, duration = warmup + requests / rate;
  const std::string yaml = fmt::format(R"(name: slots
duration: {}s
warmup: {}s
sample_interval: {}s
platform: {{sites: [{{name: lab, racks: 1, nodes_per_rack: 1, node: h100x8}}]}}
services:
  - {{name: q, replicas: 1, max_concurrency: 4, queue: replica, arrivals: {{rate: {}/s}}, service_time: {{exponential: {{mean: 1s}}}}}}
)",
                                       duration, warmup, duration, rate);
  check_interval("1 replica x 4 slots, Wq vs Erlang C M/M/4", metric_over_seeds(yaml, "service.q.wait_mean"),
                 mmc_mean_wait(rate, 1.0, 4));
}

TEST_CASE("FLOP demand with unlimited concurrency is M/M/1 processor sharing", "[validation]") {
  // A replica of 2 H100 GPUs (2 x 989 TFLOP/s) shares them among all its
  // requests: mean response time of M/M/1-PS is 1 / (mu - lambda).
  const double flops_per_s = 2 * 989e12, mean_flops = 1e12;  // mu = 1978 requests/s
  const double mu = flops_per_s / mean_flops, rate = 0.7 * mu, requests = 400e3 * test_scale();
  const double warmup = 10, duration = warmup + requests / rate;
  const std::string yaml = fmt::format(R"(name: ps
duration: {}s
warmup: {}s
sample_interval: {}s
platform: {{sites: [{{name: lab, racks: 1, nodes_per_rack: 1, node: h100x8}}]}}
services:
  - {{name: q, replicas: 1, gpus_per_replica: 2, max_concurrency: 100000, arrivals: {{rate: {}/s}}, flops: {{exponential: {{mean: 1TFLOP}}}}}}
)",
                                       duration, warmup, duration, rate);
  check_interval("FLOP demand, T vs M/M/1-PS", metric_over_seeds(yaml, "service.q.latency_mean"), 1.0 / (mu - rate));
}
