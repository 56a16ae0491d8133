// Failure models: the Weibull sampler, failure domains on the topology graph,
// the failure generator against renewal-process closed forms, and the trace reader.
#include "ScenarioLoader.hpp"
#include "common/Distribution.hpp"
#include "failures/FailureDomains.hpp"
#include "failures/FailureGenerator.hpp"
#include "failures/FailureTraceReader.hpp"
#include "workload/TraceRecord.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

using namespace leptonsim;

namespace {

PlatformSpec one_site(int racks, int nodes_per_rack, double oversubscription = 1.0) {
  SiteSpec site;
  site.name = "s";
  site.racks = racks;
  site.nodes_per_rack = nodes_per_rack;
  site.node = "h100x8";
  site.fabric.oversubscription = oversubscription;
  PlatformSpec platform;
  platform.sites.push_back(site);
  return platform;
}

std::vector<std::string> node_names(int racks, int nodes_per_rack) {
  std::vector<std::string> names;
  for (int r = 0; r < racks; ++r)
    for (int n = 0; n < nodes_per_rack; ++n) names.push_back("s/r" + std::to_string(r) + "/n" + std::to_string(n));
  return names;
}

}  // namespace

TEST_CASE("Weibull samples have the asked mean, second moment and survival function", "[failures]") {
  for (const double shape : {0.7, 1.0, 2.5}) {
    const Distribution weibull = Distribution::weibull(100.0, shape);
    RandomStream stream(42);
    const int n = 400000;
    double sum = 0.0, sum2 = 0.0;
    int above_mean = 0;
    for (int i = 0; i < n; ++i) {
      const double x = weibull.sample(stream);
      sum += x;
      sum2 += x * x;
      above_mean += x > 100.0 ? 1 : 0;
    }
    // Standard error of the mean is below 0.2 % of it for these shapes.
    CHECK(sum / n == Approx(100.0).epsilon(0.01));
    CHECK(sum2 / n == Approx(weibull.second_moment()).epsilon(0.04));
    CHECK(static_cast<double>(above_mean) / n == Approx(weibull.survival(100.0)).margin(0.005));
  }
  // Shape 1 is the exponential: S(x) = exp(-x / mean).
  CHECK(Distribution::weibull(50.0, 1.0).survival(50.0) == Approx(std::exp(-1.0)));
  CHECK_THROWS_AS(Distribution::weibull(1.0, 0.0), std::invalid_argument);
}

TEST_CASE("a leaf switch failure cuts off exactly the nodes of its rack", "[failures]") {
  const Topology topology(one_site(3, 4), HardwareCatalog::builtin());
  const FailureDomains domains(topology, node_names(3, 4));
  const FailureEffect leaf = domains.effect("s/leaf1");
  CHECK(leaf.nodes_cut_off == std::vector<int>{4, 5, 6, 7});
  CHECK(leaf.nodes_down.empty());
  CHECK(leaf.gpus_down.empty());
  CHECK(domains.kind_of("s/leaf1") == FailureComponent::leaf_switch);
  // Four spines (one uplink per node): losing one cuts off nothing.
  CHECK(domains.effect("s/spine2").is_empty());
  CHECK(domains.components(FailureComponent::spine_switch).size() == 4);
}

TEST_CASE("a single spine cuts off every node, a PDU stops its rack, a site everything", "[failures]") {
  // 4 nodes per rack at 4:1 oversubscription: one uplink per leaf, one spine.
  const Topology topology(one_site(2, 4, 4.0), HardwareCatalog::builtin());
  const FailureDomains domains(topology, node_names(2, 4));
  CHECK(domains.effect("s/spine0").nodes_cut_off == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7});
  const FailureEffect pdu = domains.effect("s/r1");
  CHECK(pdu.nodes_down == std::vector<int>{4, 5, 6, 7});
  CHECK(pdu.nodes_cut_off.empty());
  CHECK(domains.kind_of("s/r1") == FailureComponent::pdu);
  CHECK(domains.effect("s").nodes_down.size() == 8);
  CHECK(domains.components(FailureComponent::pdu) == std::vector<std::string>{"s/r0", "s/r1"});
}

TEST_CASE("GPU, node, NIC and link failures take down their own part", "[failures]") {
  const Topology topology(one_site(1, 2), HardwareCatalog::builtin());
  const FailureDomains domains(topology, node_names(1, 2));
  CHECK(domains.effect("s/r0/n1/gpu5").gpus_down == std::vector<std::pair<int, int>>{{1, 5}});
  CHECK(domains.effect("s/r0/n0").nodes_down == std::vector<int>{0});
  CHECK(domains.effect("s/r0/n1/nic").nodes_cut_off == std::vector<int>{1});
  CHECK(domains.effect("s/r0/n1/link").nodes_cut_off == std::vector<int>{1});
  CHECK(domains.kind_of("s/r0/n1/link") == FailureComponent::link);
  CHECK(domains.components(FailureComponent::gpu).size() == 16);
  CHECK(domains.components(FailureComponent::link).front() == "s/r0/n0/link");
  CHECK_THROWS_AS(domains.effect("s/r0/n7"), std::out_of_range);
  CHECK_THROWS_WITH(domains.effect("s/r0/n0/cpu"), Catch::Contains("cannot fail on its own"));
  CHECK_THROWS_AS(parse_failure_component("gpus"), std::invalid_argument);
}

TEST_CASE("failure counts over a long run match lambda T within three standard deviations", "[failures]") {
  // 200 components with exponential up times (MTBF 1000 h) and instant repair:
  // the merged failures are a Poisson process of rate 200 / 1000 h.
  const double hour = 3600.0;
  FailureClassModel model{"gpu", Distribution::exponential(1000 * hour), Distribution::deterministic(0.0), {}};
  for (int k = 0; k < 200; ++k) model.components.push_back("c" + std::to_string(k));
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    FailureGenerator generator({model}, {}, seed);
    const double horizon = 5000 * hour;
    int count = 0;
    while (auto failure = generator.next()) {
      if (failure->time >= horizon) break;
      ++count;
    }
    const double expected = 200 * horizon / (1000 * hour);  // 1000
    CHECK(std::abs(count - expected) < 3 * std::sqrt(expected));
  }
}

TEST_CASE("a two-state component is up MTBF / (MTBF + MTTR) of the time", "[failures]") {
  // Weibull up times (mean 100 h) and lognormal repairs (mean 25 h): A = 0.8.
  // 50 components over 20,000 h: about 8,000 cycles, so the estimate's
  // standard error is about 0.3 %; the tolerance is 2 %.
  const double hour = 3600.0;
  FailureClassModel model{"node", Distribution::weibull(100 * hour, 1.5), Distribution::lognormal(25 * hour, 0.8), {}};
  for (int k = 0; k < 50; ++k) model.components.push_back("n" + std::to_string(k));
  FailureGenerator generator({model}, {}, 7);
  const double horizon = 20000 * hour;
  std::map<std::string, double> down_time;
  while (auto failure = generator.next()) {
    if (failure->time >= horizon) break;
    down_time[failure->component] += std::min(failure->repair, horizon - failure->time);
  }
  double down = 0.0;
  for (const auto& [component, seconds] : down_time) down += seconds;
  const double availability = 1.0 - down / (50 * horizon);
  CHECK(availability == Approx(100.0 / 125.0).epsilon(0.02));
}

TEST_CASE("trace failures merge with drawn ones in time order", "[failures]") {
  FailureClassModel model{"gpu", Distribution::deterministic(100.0), Distribution::deterministic(10.0), {"a", "b"}};
  std::vector<TraceFailure> trace{{50.0, "x", 5.0, "power", 2}, {100.0, "y", 1.0, "trace", 3}};
  FailureGenerator generator({model}, trace, 1);
  std::vector<std::pair<double, std::string>> seen;
  while (auto failure = generator.next()) {
    if (failure->time > 250.0) break;
    seen.emplace_back(failure->time, failure->component);
  }
  // a and b fail at 100 (after the trace row at the same time), are repaired
  // at 110 and fail again at 210.
  const std::vector<std::pair<double, std::string>> expected{
      {50.0, "x"}, {100.0, "y"}, {100.0, "a"}, {100.0, "b"}, {210.0, "a"}, {210.0, "b"}};
  CHECK(seen == expected);
}

TEST_CASE("failure traces are read in time order and bad rows name their line", "[failures]") {
  const auto failures = parse_failure_trace(
      "time,component,duration,cause\n7200,dc1/r0/n1/gpu3,14400,GPU HBM3\n\n60,dc1/leaf0,600,\n", "f.csv");
  REQUIRE(failures.size() == 2);
  CHECK(failures[0].time == 60.0);
  CHECK(failures[0].component == "dc1/leaf0");
  CHECK(failures[0].cause == "trace");
  CHECK(failures[0].line == 4);
  CHECK(failures[1].repair == 14400.0);
  CHECK(failures[1].cause == "GPU HBM3");
  CHECK_THROWS_WITH(parse_failure_trace("time,component,duration\n10,a,5\n20,b,soon\n", "f.csv"),
                    Catch::Contains("f.csv:3") && Catch::Contains("duration"));
  CHECK_THROWS_WITH(parse_failure_trace("time,duration\n10,5\n", "f.csv"), Catch::Contains("component"));
}

TEST_CASE("the llama3-405b profile reproduces the 419 interruptions of 54 days on 16,384 GPUs", "[failures]") {
  // Expected failures of a class: components x duration / mtbf (a repair is
  // short next to the mtbf). Summed over the classes on the Llama 3 fleet:
  // 2,048 nodes of 8 H100s, 54 days.
  const ScenarioSpec spec = load_scenario_text(R"(
platform:
  sites: [{name: meta, racks: 256, nodes_per_rack: 8, node: h100x8}]
failures: {profile: llama3-405b}
)",
                                               "llama3.yaml");
  const Topology topology(spec.platform, spec.catalog);
  std::vector<std::string> nodes;
  for (int r = 0; r < 256; ++r)
    for (int n = 0; n < 8; ++n) nodes.push_back("meta/r" + std::to_string(r) + "/n" + std::to_string(n));
  const FailureDomains domains(topology, nodes);
  REQUIRE(spec.failures.classes.size() == 18);
  const double hours = 54 * 24;
  double expected = 0.0;
  for (const FailureClassSpec& c : spec.failures.classes) {
    REQUIRE(c.time_to_failure.kind == DistributionSpec::Kind::exponential);
    const double components =
        static_cast<double>(domains.components(parse_failure_component(c.component)).size());
    expected += components * hours * 3600 / c.time_to_failure.mean;
  }
  CHECK(expected == Approx(419.0).epsilon(0.001));
}

TEST_CASE("scenario classes replace profile classes of the same name and add to the others", "[failures]") {
  const ScenarioSpec spec = load_scenario_text(R"(
platform:
  sites: [{name: s}]
failures:
  profile: llama3-405b
  classes:
    - {name: software-bug, component: node, mtbf: 1000h, repair: 1min}
    - {name: rack-power, component: pdu, mtbf: 100000h}
)",
                                               "profile.yaml");
  REQUIRE(spec.failures.classes.size() == 19);
  CHECK(spec.failures.classes[6].name == "software-bug");
  CHECK(spec.failures.classes[6].time_to_failure.mean == Approx(1000 * 3600.0));
  CHECK(spec.failures.classes[6].repair.mean == Approx(60.0));
  CHECK(spec.failures.classes.back().name == "rack-power");
  CHECK_THROWS_AS(load_scenario_text("platform: {sites: [{name: s}]}\nfailures: {profile: llama4}\n", "bad.yaml"),
                  ScenarioError);
}
