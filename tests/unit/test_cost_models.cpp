// Cost models: time-of-day tariffs, the node power model, splitting nodes by
// purchase type, node prices from the catalogue and the scenario, the price
// catalogue's file checks and the scenario's cost errors; all by hand.
#include "NodePricing.hpp"
#include "ScenarioLoader.hpp"
#include "cost/EnergyTariff.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

using namespace leptonsim;
using Catch::Matchers::Contains;

namespace {

std::vector<ScenarioIssue> issues_of(const std::string& text) {
  try {
    load_scenario_text(text, "test.yaml");
  } catch (const ScenarioError& error) {
    return error.issues();
  }
  FAIL("expected the scenario to fail to load:\n" << text);
  return {};
}

std::map<Purchase, int> count(const std::vector<Purchase>& purchases) {
  std::map<Purchase, int> counts;
  for (Purchase p : purchases) ++counts[p];
  return counts;
}

}  // namespace

TEST_CASE("a time-of-day tariff gives each period's price, wrapping past midnight", "[cost]") {
  // 0.10 USD/kWh by default, 0.30 from 17h to 21h, 0.05 from 23h to 6h.
  const EnergyTariff tariff(0.10, {{17 * 3600.0, 21 * 3600.0, 0.30}, {23 * 3600.0, 6 * 3600.0, 0.05}});
  CHECK(tariff.price_at(0.0) == 0.05);
  CHECK(tariff.price_at(6 * 3600.0 - 1) == 0.05);
  CHECK(tariff.price_at(6 * 3600.0) == 0.10);
  CHECK(tariff.price_at(17 * 3600.0) == 0.30);
  CHECK(tariff.price_at(21 * 3600.0) == 0.10);
  CHECK(tariff.price_at(23.5 * 3600.0) == 0.05);
  CHECK(tariff.price_at(86400.0 + 18 * 3600.0) == 0.30);  // the next day
  const std::vector<double> changes = tariff.changes_between(0.0, 86400.0);
  CHECK(changes == std::vector<double>{6 * 3600.0, 17 * 3600.0, 21 * 3600.0, 23 * 3600.0});
  CHECK(tariff.changes_between(6 * 3600.0, 17 * 3600.0).empty());  // ends excluded
  // 24 kWh drawn evenly over a day: 7 h at 0.05, 11 h at 0.10, 4 h at 0.30, 2 h at 0.10 (1 kWh per hour).
  CHECK(tariff.cost(24.0, 0.0, 86400.0) == Approx(7 * 0.05 + 13 * 0.10 + 4 * 0.30));
  const EnergyTariff flat(0.08, {});
  CHECK(flat.changes_between(0, 1e6).empty());
  CHECK(flat.cost(10.0, 0, 3600) == Approx(0.8));
}

TEST_CASE("node power is base plus each GPU linear in its load", "[cost]") {
  const NodePower power{8, 4600.0, 70.0, 700.0, 102.0};
  CHECK(power.watts(0) == Approx(4600 + 8 * 70));
  CHECK(power.watts(8) == Approx(10200));  // the DGX H100 datasheet maximum
  CHECK(power.watts(2.5) == Approx(4600 + 8 * 70 + 2.5 * 630));
  // One hour on with 3 GPU-hours of load, then one hour off.
  CHECK(power.energy(3600, 3 * 3600, 3600) == Approx((5160 + 3 * 630) * 3600.0 + 102 * 3600.0));
}

TEST_CASE("nodes are split by purchase type with the largest remainder, committed types first", "[cost]") {
  auto split = split_by_purchase(10, {{Purchase::reserved_1y, 0.5}, {Purchase::on_demand, 0.3}, {Purchase::spot, 0.2}});
  CHECK(count(split) == std::map<Purchase, int>{{Purchase::reserved_1y, 5}, {Purchase::on_demand, 3}, {Purchase::spot, 2}});
  CHECK(split.front() == Purchase::reserved_1y);
  CHECK(split.back() == Purchase::spot);
  // 3 nodes half and half: the tie goes to the committed type.
  split = split_by_purchase(3, {{Purchase::on_demand, 0.5}, {Purchase::owned, 0.5}});
  CHECK(count(split) == std::map<Purchase, int>{{Purchase::owned, 2}, {Purchase::on_demand, 1}});
  // 7 nodes at 1/3 each: 2.33 each, one left goes to the first type.
  split = split_by_purchase(7, {{Purchase::reserved_3y, 1.0 / 3}, {Purchase::on_demand, 1.0 / 3}, {Purchase::spot, 1.0 / 3}});
  CHECK(count(split) == std::map<Purchase, int>{{Purchase::reserved_3y, 3}, {Purchase::on_demand, 2}, {Purchase::spot, 2}});
  // 5 nodes 0.9 / 0.1: 4.5 and 0.5, the tie again to the committed type.
  split = split_by_purchase(5, {{Purchase::reserved_1y, 0.9}, {Purchase::spot, 0.1}});
  CHECK(count(split) == std::map<Purchase, int>{{Purchase::reserved_1y, 5}});
  CHECK(split_by_purchase(0, {{Purchase::on_demand, 1.0}}).empty());
}

TEST_CASE("node prices come from the scenario, then the provider, then the node shape", "[cost]") {
  const ScenarioSpec spec = load_scenario_text(R"(
platform:
  sites:
    - {name: a, provider: gcp}
    - {name: b}
  wan: [{between: [a, b]}]
cost:
  prices:
    - {node: a100x8, spot: $11/h, purchase_price: $100000, lifetime: 4y}
)",
                                               "test.yaml");
  const SiteSpec& gcp = spec.platform.sites[0];
  const SiteSpec& catalog = spec.platform.sites[1];
  // data/prices.yaml: GCP a3-highgpu-8g.
  CHECK(*node_price_per_hour(spec, gcp, "h100x8", Purchase::on_demand) == 88.49);
  CHECK(*node_price_per_hour(spec, gcp, "h100x8", Purchase::reserved_1y) == 61.38);
  CHECK(*node_price_per_hour(spec, gcp, "h100x8", Purchase::reserved_3y) == 38.86);
  CHECK(*node_price_per_hour(spec, gcp, "h100x8", Purchase::spot) == 35.3957);
  CHECK_FALSE(node_price_per_hour(spec, gcp, "l40sx8", Purchase::on_demand));  // GCP has no L40S nodes
  CHECK_THAT(missing_price_reason(spec, gcp, "l40sx8", Purchase::on_demand), Contains("does not rent `l40sx8`"));
  CHECK_FALSE(node_price_per_hour(spec, gcp, "a100x8", Purchase::reserved_1y));
  // The scenario's price wins over the provider's.
  CHECK(*node_price_per_hour(spec, gcp, "a100x8", Purchase::spot) == 11.0);
  // The catalog provider: the node shape's on-demand price only.
  CHECK(*node_price_per_hour(spec, catalog, "h100x8", Purchase::on_demand) == 98.32);
  CHECK_FALSE(node_price_per_hour(spec, catalog, "h100x8", Purchase::reserved_1y));
  // Owned: purchase price over the lifetime in hours ($310,000 over 5 x 8,760 h in data/prices.yaml).
  CHECK(*node_price_per_hour(spec, catalog, "h100x8", Purchase::owned) == Approx(310000.0 / (5 * 8760)));
  CHECK(*node_price_per_hour(spec, catalog, "a100x8", Purchase::owned) == Approx(100000.0 / (4 * 8760)));
  CHECK_FALSE(node_price_per_hour(spec, catalog, "l40sx8", Purchase::owned));
  // Egress: the provider's inter-region price; none for the catalog.
  CHECK(egress_price_per_gb(spec, gcp) == 0.02);
  CHECK(egress_price_per_gb(spec, catalog) == 0.0);
}

TEST_CASE("the built-in price catalogue parses, and its checks name the file and line", "[cost]") {
  const HardwareCatalog& builtin = HardwareCatalog::builtin();
  CHECK(builtin.prices_date() == "2026-12-06");
  for (const char* provider : {"aws", "gcp", "azure", "lambda", "coreweave"})
    CHECK(builtin.find_provider(provider) != nullptr);
  HardwareCatalog catalog = builtin;
  try {
    catalog.parse_prices(R"(date: 2026-01-01
providers:
  - name: x
    egress: $0.1/GB
    storage: 0.02
    nodes:
      - {node: h100x9, on_demand: $1/h}
      - {node: h100x8, reserved_2y: $1/h}
owned: []
)",
                         "prices.yaml");
    FAIL("expected errors");
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    CHECK_THAT(message, Contains("prices.yaml:5:14: providers[0].storage: expected a price per GB-month"));
    CHECK_THAT(message, Contains("prices.yaml:7:16: providers[0].nodes[0].node: unknown node shape 'h100x9'"));
    CHECK_THAT(message, Contains("prices.yaml:8:24: providers[0].nodes[1]: unknown key 'reserved_2y'"));
  }
}

TEST_CASE("cost errors in a scenario name the key and what is expected", "[cost]") {
  auto issues = issues_of(R"(
platform: {sites: [{name: a}]}
cost:
  provider: awz
)");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].key_path == "cost.provider");
  CHECK_THAT(issues[0].message, Contains("did you mean `aws`"));

  issues = issues_of(R"(
platform: {sites: [{name: a}]}
cost:
  purchase: {on_demand: 0.5, spot: 0.3}
)");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].key_path == "cost.purchase");
  CHECK_THAT(issues[0].message, Contains("add up to 0.8"));

  // The catalog provider has no reserved prices.
  issues = issues_of(R"(
platform: {sites: [{name: a}]}
cost:
  purchase: {reserved_1y: 1}
)");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].key_path == "cost.purchase.reserved_1y");
  CHECK(issues[0].line == 4);
  CHECK_THAT(issues[0].message, Contains("only on-demand prices"));

  // A site's own mix: AWS lists no reserved price for its p5 nodes.
  issues = issues_of(R"(
platform: {sites: [{name: a, provider: aws, purchase: {reserved_3y: 1}}]}
)");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].key_path == "platform.sites[0].purchase.reserved_3y");
  CHECK_THAT(issues[0].message, Contains("lists no `reserved_3y` price"));

  issues = issues_of(R"(
platform: {sites: [{name: a}]}
cost:
  energy:
    tariff:
      - {from: 17h, to: 21h, price: $0.3/kWh}
      - {from: 20h, to: 6h, price: $0.05/kWh}
)");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].key_path == "cost.energy.tariff[1]");
  CHECK_THAT(issues[0].message, Contains("overlaps"));

  issues = issues_of(R"(
platform: {sites: [{name: a}]}
cost:
  energy: {price: 0.1kWh, pue: 0.9}
)");
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].key_path == "cost.energy.price");
  CHECK_THAT(issues[0].message, Contains("$N/kWh"));
  CHECK(issues[1].key_path == "cost.energy.pue");
}

TEST_CASE("site energy settings fall back to cost.energy key by key", "[cost]") {
  const ScenarioSpec spec = load_scenario_text(R"(
platform:
  sites:
    - {name: a}
    - {name: b, energy: {carbon_intensity: 0.056kg/kWh}}
  wan: [{between: [a, b]}]
cost:
  energy: {price: $80/MWh, pue: 1.3, carbon_intensity: 400g/kWh, tariff: [{from: 17h, to: 21h, price: $0.25/kWh}]}
)",
                                               "test.yaml");
  const EnergySpec& a = spec.platform.sites[0].energy;
  const EnergySpec& b = spec.platform.sites[1].energy;
  CHECK(a.price == Approx(0.08));
  CHECK(a.pue == 1.3);
  CHECK(a.carbon_intensity == 400);
  REQUIRE(a.tariff.size() == 1);
  CHECK(a.tariff[0].from == 17 * 3600.0);
  CHECK(b.carbon_intensity == Approx(56));
  CHECK(b.pue == 1.3);
  CHECK(b.tariff.size() == 1);
}

TEST_CASE("deployments, users and pools are checked with located messages", "[cost]") {
  // A population without a latency to one of the sites, and one to a site the service is not at.
  auto issues = issues_of(R"(
platform:
  sites: [{name: edge}, {name: region}, {name: other}]
  wan: [{between: [edge, region]}, {between: [region, other]}]
services:
  - name: chat
    deployments: [{site: edge}, {site: region}]
    users:
      - {name: city, latency: {edge: 2ms}}
      - {name: town, latency: {edge: 2ms, region: 9ms, other: 3ms}}
)");
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].key_path == "services[0].users[0].latency");
  CHECK_THAT(issues[0].message, Contains("give the latency from `city` to site `region`"));
  CHECK(issues[1].key_path == "services[0].users[1].latency.other");
  CHECK_THAT(issues[1].message, Contains("not a site of the service's deployments (edge, region)"));
  // Deployments without users; a site twice; an unknown site.
  issues = issues_of(R"(
platform:
  sites: [{name: edge}, {name: region}]
  wan: [{between: [edge, region]}]
services:
  - name: chat
    deployments: [{site: edge}, {site: edge}, {site: regoin}]
)");
  REQUIRE(issues.size() == 3);
  CHECK_THAT(issues[0].message, Contains("needs `users`"));
  CHECK(issues[1].key_path == "services[0].deployments[1].site");
  CHECK_THAT(issues[1].message, Contains("deployed at site `edge` twice"));
  CHECK(issues[2].key_path == "services[0].deployments[2].site");
  CHECK_THAT(issues[2].message, Contains("did you mean `region`"));
  // No racks and no pools; an initial size outside the pool's bounds.
  issues = issues_of(R"(
platform:
  sites:
    - {name: a, racks: 0}
    - {name: b, pools: [{name: p, min_nodes: 1, max_nodes: 3, initial_nodes: 5}]}
  wan: [{between: [a, b]}]
)");
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].key_path == "platform.sites[0].racks");
  CHECK_THAT(issues[0].message, Contains("needs `pools`"));
  CHECK(issues[1].key_path == "platform.sites[1].pools[0].initial_nodes");
  CHECK_THAT(issues[1].message, Contains("between min_nodes (1) and max_nodes (3)"));
}

TEST_CASE("a deployed service becomes one service per site with the deployment's overrides", "[cost]") {
  const ScenarioSpec spec = load_scenario_text(R"(
platform:
  sites: [{name: edge, node: l40sx8}, {name: region}]
  wan: [{between: [edge, region]}]
services:
  - name: chat
    replicas: 3
    autoscaler: {policy: hpa, min_replicas: 1, max_replicas: 10}
    deployments: [{site: edge, replicas: 1, max_replicas: 2}, {site: region}]
    routing: {policy: spill_over, queue_threshold: 2}
    users: [{name: city, arrivals: {rate: 5/s}, latency: {edge: 2ms, region: 15ms}}]
)",
                                               "test.yaml");
  REQUIRE(spec.services.size() == 2);
  CHECK(spec.services[0].name == "chat@edge");
  CHECK(spec.services[0].site == "edge");
  CHECK(spec.services[0].gpu_type == "L40S");
  CHECK(spec.services[0].replicas == 1);
  CHECK(spec.services[0].autoscaler.params.at("max_replicas") == 2);
  CHECK(spec.services[0].autoscaler.params.at("min_replicas") == 1);
  CHECK(spec.services[1].name == "chat@region");
  CHECK(spec.services[1].gpu_type == "H100-SXM");
  CHECK(spec.services[1].replicas == 3);
  CHECK(spec.services[1].autoscaler.params.at("max_replicas") == 10);
  REQUIRE(spec.routed_services.size() == 1);
  const RoutedServiceSpec& routed = spec.routed_services[0];
  CHECK(routed.deployments == std::vector<int>{0, 1});
  CHECK(routed.sites == std::vector<std::string>{"edge", "region"});
  CHECK(routed.routing.policy == "spill_over");
  CHECK(routed.routing.params.at("queue_threshold") == 2);
  REQUIRE(routed.users.size() == 1);
  CHECK(routed.users[0].arrivals.rate == 5);
  CHECK(routed.users[0].latency.at("region") == Approx(0.015));
}
