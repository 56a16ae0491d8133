// ScenarioLoader: valid fixtures load into SI values; broken ones report every
// problem with its position, key path and a helpful message.
#include "ScenarioLoader.hpp"
#include "ScenarioSchema.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace leptonsim;
using Catch::Matchers::Contains;

namespace {

std::string fixture(const std::string& relative) {
  return std::string(LEPTONSIM_SOURCE_DIR) + "/tests/fixtures/" + relative;
}

// The issues of a scenario that must fail to load.
std::vector<ScenarioIssue> issues_of_file(const std::string& path, const std::vector<std::string>& sets = {}) {
  try {
    load_scenario_file(path, sets);
  } catch (const ScenarioError& error) {
    return error.issues();
  }
  FAIL("expected " << path << " to fail to load");
  return {};
}

std::vector<ScenarioIssue> issues_of_text(const std::string& text, const std::vector<std::string>& sets = {}) {
  try {
    load_scenario_text(text, "test.yaml", sets);
  } catch (const ScenarioError& error) {
    return error.issues();
  }
  FAIL("expected the scenario to fail to load:\n" << text);
  return {};
}

// Checks one issue: position, key path and a phrase of the message.
void check_issue(const ScenarioIssue& issue, const std::string& file, int line, int column,
                 const std::string& key_path, const std::string& phrase) {
  INFO(issue.to_string());
  CHECK(issue.file == file);
  CHECK(issue.line == line);
  CHECK(issue.column == column);
  CHECK(issue.key_path == key_path);
  CHECK_THAT(issue.message, Contains(phrase));
}

// The only issue of a broken fixture.
ScenarioIssue single_issue(const std::string& name) {
  const auto issues = issues_of_file(fixture("broken/" + name));
  INFO(name);
  for (const auto& issue : issues) UNSCOPED_INFO(issue.to_string());
  REQUIRE(issues.size() == 1);
  return issues.front();
}

const std::string two_sites_header = R"(name: t
platform:
  sites:
    - {name: a, racks: 1, nodes_per_rack: 2, node: h100x8}
    - {name: b, racks: 1, nodes_per_rack: 2, node: h100x8}
)";

}  // namespace

// ---------------------------------------------------------------------------
// Valid fixtures

TEST_CASE("minimal scenario gets every default", "[scenario-loader]") {
  const ScenarioSpec spec = load_scenario_file(fixture("valid/minimal.yaml"));
  CHECK(spec.name == "minimal");
  CHECK(spec.seed == 1);
  CHECK(spec.duration == Approx(3600.0));
  CHECK(spec.warmup == 0.0);
  CHECK(spec.sample_interval == Approx(60.0));
  CHECK(spec.node_series == NodeSeries::automatic);

  REQUIRE(spec.platform.sites.size() == 1);
  const SiteSpec& site = spec.platform.sites[0];
  CHECK(site.name == "dc1");
  CHECK(site.kind == "region");
  CHECK(site.racks == 1);
  CHECK(site.nodes_per_rack == 1);
  CHECK(site.node == "h100x8");
  CHECK(site.fabric.topology == FabricSpec::Topology::leaf_spine);
  CHECK(site.fabric.link_bandwidth == Approx(50e9));
  CHECK(site.fabric.link_latency == Approx(1e-6));
  CHECK(site.fabric.oversubscription == 1.0);
  CHECK(site.fabric.racks_per_pod == 0);
  CHECK(spec.platform.wan.empty());

  REQUIRE(spec.services.size() == 1);
  const ServiceSpec& service = spec.services[0];
  CHECK(service.name == "chat");
  CHECK(service.site == "dc1");          // resolved: the first site
  CHECK(service.gpu_type == "H100-SXM"); // resolved: the GPU of h100x8
  CHECK(service.replicas == 1);
  CHECK(service.gpus_per_replica == 1);
  CHECK(service.max_concurrency == 1);
  CHECK(service.queue == ServiceSpec::QueueLocation::replica);
  CHECK(service.arrivals.process == "poisson");
  CHECK(service.arrivals.rate == 1.0);
  REQUIRE(service.demand.service_time.has_value());
  CHECK_FALSE(service.demand.flops.has_value());
  CHECK(service.demand.service_time->kind == DistributionSpec::Kind::deterministic);
  CHECK(service.demand.service_time->mean == Approx(0.1));
  CHECK(service.load_balancer.policy == "round_robin");
  CHECK(service.load_balancer.params.empty());
  CHECK(service.slo.latency_p99 == 0.0);

  // The catalogue is the built-in one.
  CHECK(spec.catalog.gpu_names() == HardwareCatalog::builtin().gpu_names());
  REQUIRE(spec.catalog.find_node_shape("h100x8") != nullptr);
  CHECK(spec.catalog.find_node_shape("h100x8")->gpus == 8);

  // Provenance.
  CHECK(spec.source_path == fixture("valid/minimal.yaml"));
  CHECK_THAT(spec.source_text, Contains("name: minimal"));
  const std::map<std::string, std::string> expected_parameters = {
      {"name", "minimal"}, {"platform.sites[0].name", "dc1"}, {"services[0].name", "chat"}};
  CHECK(spec.parameters == expected_parameters);
}

TEST_CASE("full scenario loads every key in SI units", "[scenario-loader]") {
  const ScenarioSpec spec = load_scenario_file(fixture("valid/full.yaml"));
  CHECK(spec.name == "full-example");
  CHECK(spec.seed == 12345678901ULL);
  CHECK(spec.duration == Approx(7200.0));
  CHECK(spec.warmup == Approx(600.0));
  CHECK(spec.sample_interval == Approx(30.0));
  CHECK(spec.node_series == NodeSeries::on);

  REQUIRE(spec.platform.sites.size() == 2);
  const SiteSpec& east = spec.platform.sites[0];
  CHECK(east.name == "us-east");
  CHECK(east.kind == "region");
  CHECK(east.racks == 4);
  CHECK(east.nodes_per_rack == 2);
  CHECK(east.node == "h100x8");
  CHECK(east.fabric.topology == FabricSpec::Topology::fat_tree);
  CHECK(east.fabric.link_bandwidth == Approx(50e9));
  CHECK(east.fabric.link_latency == Approx(2e-6));
  CHECK(east.fabric.oversubscription == Approx(2.0));
  CHECK(east.fabric.racks_per_pod == 2);
  const SiteSpec& edge = spec.platform.sites[1];
  CHECK(edge.name == "edge-nyc");
  CHECK(edge.kind == "edge");
  CHECK(edge.node == "b200x8");
  CHECK(edge.fabric.topology == FabricSpec::Topology::leaf_spine);
  CHECK(edge.fabric.link_bandwidth == Approx(12.5e9));
  CHECK(edge.fabric.link_latency == Approx(500e-9));
  CHECK(edge.fabric.oversubscription == Approx(1.5));

  REQUIRE(spec.platform.wan.size() == 1);
  CHECK(spec.platform.wan[0].site_a == "us-east");
  CHECK(spec.platform.wan[0].site_b == "edge-nyc");
  CHECK(spec.platform.wan[0].bandwidth == Approx(200e9));
  CHECK(spec.platform.wan[0].latency == Approx(8e-3));

  REQUIRE(spec.services.size() == 3);
  const ServiceSpec& chat = spec.services[0];
  CHECK(chat.name == "chat");
  CHECK(chat.site == "us-east");
  CHECK(chat.replicas == 4);
  CHECK(chat.gpus_per_replica == 2);
  CHECK(chat.gpu_type == "H100-SXM");
  CHECK(chat.max_concurrency == 8);
  CHECK(chat.queue == ServiceSpec::QueueLocation::balancer);
  CHECK(chat.autoscaler.policy == "hpa");
  CHECK(chat.autoscaler.params == std::map<std::string, double>{{"max_replicas", 12}, {"min_replicas", 2}, {"target", 0.6}});
  CHECK(chat.cold_start.placement_delay == Approx(2.0));
  CHECK(chat.cold_start.image_pull == Approx(30.0));
  CHECK(chat.cold_start.weights_bytes == Approx(140e9));
  CHECK(chat.cold_start.warmup == Approx(15.0));
  CHECK(chat.placement == ServiceSpec::Placement::spread);
  CHECK(chat.priority == 5);
  CHECK(chat.balancer_queue.capacity == 500);
  CHECK(chat.balancer_queue.timeout == Approx(20.0));
  CHECK(spec.services[1].autoscaler.policy == "static");
  CHECK(spec.services[1].placement == ServiceSpec::Placement::pack);
  CHECK(chat.arrivals.process == "poisson");
  CHECK(chat.arrivals.rate == Approx(40.0));
  REQUIRE(chat.demand.service_time.has_value());
  CHECK(chat.demand.service_time->kind == DistributionSpec::Kind::lognormal);
  CHECK(chat.demand.service_time->mean == Approx(0.25));
  CHECK(chat.demand.service_time->sigma == Approx(0.5));
  CHECK_FALSE(chat.demand.flops.has_value());
  CHECK(chat.load_balancer.policy == "least_outstanding");
  const std::map<std::string, double> params = {{"alpha", 0.25}, {"window", 10.0}};
  CHECK(chat.load_balancer.params == params);
  CHECK(chat.slo.latency_p99 == Approx(2.0));

  const ServiceSpec& embed = spec.services[1];
  CHECK(embed.site == "edge-nyc");
  CHECK(embed.gpu_type == "B200");
  CHECK(embed.gpus_per_replica == 8);
  CHECK(embed.arrivals.rate == Approx(40.0));
  CHECK_FALSE(embed.demand.service_time.has_value());
  REQUIRE(embed.demand.flops.has_value());
  CHECK(embed.demand.flops->kind == DistributionSpec::Kind::exponential);
  CHECK(embed.demand.flops->mean == Approx(3e12));

  const ServiceSpec& rerank = spec.services[2];
  CHECK(rerank.site == "us-east");
  REQUIRE(rerank.demand.service_time.has_value());
  CHECK(rerank.demand.service_time->kind == DistributionSpec::Kind::deterministic);
  CHECK(rerank.demand.service_time->mean == Approx(0.05));

  // Catalogue: an override changes only the given fields; new entries are complete.
  const GpuType* h100 = spec.catalog.find_gpu("H100-SXM");
  const GpuType* builtin_h100 = HardwareCatalog::builtin().find_gpu("H100-SXM");
  REQUIRE(h100 != nullptr);
  REQUIRE(builtin_h100 != nullptr);
  CHECK(h100->max_power_watts == Approx(750.0));
  CHECK(h100->dense_bf16_flops == builtin_h100->dense_bf16_flops);
  CHECK(h100->memory_bytes == builtin_h100->memory_bytes);
  const GpuType* b200 = spec.catalog.find_gpu("B200");
  REQUIRE(b200 != nullptr);
  CHECK(b200->dense_bf16_flops == Approx(2.25e15));
  CHECK(b200->memory_bytes == Approx(192e9));
  CHECK(b200->memory_bandwidth == Approx(8e12));
  CHECK(b200->nvlink_bandwidth == Approx(900e9));
  CHECK(b200->idle_power_watts == Approx(100.0));
  CHECK(b200->max_power_watts == Approx(1000.0));
  const NodeShape* h100x8 = spec.catalog.find_node_shape("h100x8");
  REQUIRE(h100x8 != nullptr);
  CHECK(h100x8->price_per_hour == Approx(80.0));
  CHECK(h100x8->gpus == 8);
  CHECK(h100x8->gpu_type == "H100-SXM");
  const NodeShape* b200x8 = spec.catalog.find_node_shape("b200x8");
  REQUIRE(b200x8 != nullptr);
  CHECK(b200x8->gpu_type == "B200");
  CHECK(b200x8->gpus == 8);
  CHECK(b200x8->cpu_cores == 112);
  CHECK(b200x8->cpu_flops == Approx(8e12));
  CHECK(b200x8->nic_bandwidth == Approx(400e9));
  CHECK(b200x8->pcie_bandwidth == Approx(64e9));
  CHECK(b200x8->price_per_hour == Approx(90.0));
  // The built-in catalogue itself is untouched.
  CHECK(HardwareCatalog::builtin().find_gpu("B200") == nullptr);

  // Positions of every key path in the file (1-based line and column of the value).
  CHECK(spec.key_locations.at("services[0].replicas") == std::make_pair(36, 15));
  CHECK(spec.key_locations.at("services[0].load_balancer.alpha") == std::make_pair(43, 55));
  CHECK(spec.key_locations.at("platform.sites[1]") == std::make_pair(22, 7));
  CHECK(spec.key_locations.at("platform.wan[0].between[1]") == std::make_pair(29, 26));

  // Parameters: every scalar leaf by key path.
  CHECK(spec.parameters.at("services[0].load_balancer.alpha") == "0.25");
  CHECK(spec.parameters.at("platform.wan[0].between[1]") == "edge-nyc");
  CHECK(spec.parameters.at("catalog.node_shapes[1].price") == "$1.5/min");
  CHECK(spec.parameters.at("services[0].service_time.lognormal.sigma") == "0.5");
}

TEST_CASE("every distribution form loads", "[scenario-loader]") {
  const ScenarioSpec spec = load_scenario_file(fixture("valid/distributions.yaml"));
  REQUIRE(spec.services.size() == 6);
  using Kind = DistributionSpec::Kind;
  CHECK(spec.services[0].demand.service_time->kind == Kind::deterministic);
  CHECK(spec.services[0].demand.service_time->mean == Approx(0.02));
  CHECK(spec.services[1].demand.service_time->kind == Kind::exponential);
  CHECK(spec.services[1].demand.service_time->mean == Approx(0.03));
  CHECK(spec.services[2].demand.flops->kind == Kind::deterministic);
  CHECK(spec.services[2].demand.flops->mean == Approx(5e12));
  CHECK(spec.services[3].demand.flops->kind == Kind::deterministic);
  CHECK(spec.services[3].demand.flops->mean == Approx(2e12));
  CHECK(spec.services[4].demand.flops->kind == Kind::lognormal);
  CHECK(spec.services[4].demand.flops->mean == Approx(1.2e15));
  CHECK(spec.services[4].demand.flops->sigma == Approx(1.0));
  CHECK(spec.services[5].demand.flops->kind == Kind::weibull);
  CHECK(spec.services[5].demand.flops->mean == Approx(1e15));
  CHECK(spec.services[5].demand.flops->shape == Approx(2.0));
  for (const auto& service : spec.services) CHECK(service.gpu_type == "A100-80GB");
  CHECK(spec.duration == Approx(86400.0));
}

TEST_CASE("the valid fixtures together use every key of the schema", "[scenario-loader]") {
  std::set<std::string> used;
  for (const char* name : {"valid/minimal.yaml", "valid/full.yaml", "valid/distributions.yaml", "valid/arrivals.yaml", "valid/llm.yaml", "valid/jobs.yaml", "valid/failures.yaml",
                           "valid/storage.yaml", "valid/storage-delays.yaml", "valid/storage-delays-weibull.yaml",
                           "valid/storage-delays-fixed.yaml", "valid/cost.yaml"}) {
    const ScenarioSpec spec = load_scenario_file(fixture(name));
    for (const auto& [path, value] : spec.parameters) {
      std::string pattern = key_path_pattern(path);
      // List items of names ("between[]") belong to the list key.
      if (pattern.size() > 2 && pattern.compare(pattern.size() - 2, 2, "[]") == 0) pattern.resize(pattern.size() - 2);
      // Every prefix of a leaf is used too (maps and lists).
      for (std::size_t end = 0; end != std::string::npos;) {
        end = pattern.find_first_of(".[", end + 1);
        used.insert(pattern.substr(0, end));
      }
    }
  }
  for (const auto& entry : scenario_schema()) {
    std::string pattern = entry.path;
    if (entry.is_wildcard()) continue;
    INFO("schema key not used by any valid fixture: " << pattern);
    CHECK(used.count(pattern) == 1);
  }
}

TEST_CASE("the resolved source text loads to the same scenario", "[scenario-loader]") {
  const ScenarioSpec first = load_scenario_file(fixture("valid/full.yaml"), {"services[0].replicas=3"});
  const ScenarioSpec second = load_scenario_text(first.source_text, "resolved.yaml");
  CHECK(second.source_text == first.source_text);
  CHECK(second.parameters == first.parameters);
  CHECK(second.services[0].replicas == 3);
}

TEST_CASE("schema defaults equal the ScenarioSpec defaults", "[scenario-loader][scenario-reference]") {
  const auto default_of = [](const std::string& path) {
    const SchemaEntry* entry = find_schema_entry(path);
    REQUIRE(entry != nullptr);
    return entry->default_text;
  };
  const auto quantity_default = [&](const std::string& path) {
    const SchemaEntry* entry = find_schema_entry(path);
    REQUIRE(entry != nullptr);
    return parse_quantity(entry->quantity, entry->default_text);
  };
  const ScenarioSpec scenario;
  CHECK(default_of("name") == scenario.name);
  CHECK(default_of("seed") == std::to_string(scenario.seed));
  CHECK(quantity_default("duration") == scenario.duration);
  CHECK(quantity_default("warmup") == scenario.warmup);
  CHECK(quantity_default("sample_interval") == scenario.sample_interval);
  const SiteSpec site;
  CHECK(default_of("platform.sites[].kind") == site.kind);
  CHECK(default_of("platform.sites[].racks") == std::to_string(site.racks));
  CHECK(default_of("platform.sites[].nodes_per_rack") == std::to_string(site.nodes_per_rack));
  CHECK(default_of("platform.sites[].node") == site.node);
  CHECK(default_of("platform.sites[].fabric.topology") == "leaf_spine");
  CHECK(site.fabric.topology == FabricSpec::Topology::leaf_spine);
  CHECK(quantity_default("platform.sites[].fabric.link") == Approx(site.fabric.link_bandwidth));
  CHECK(quantity_default("platform.sites[].fabric.latency") == Approx(site.fabric.link_latency));
  CHECK(quantity_default("platform.sites[].fabric.oversubscription") == site.fabric.oversubscription);
  CHECK(default_of("platform.sites[].fabric.racks_per_pod") == std::to_string(site.fabric.racks_per_pod));
  const WanLinkSpec wan;
  CHECK(quantity_default("platform.wan[].bandwidth") == Approx(wan.bandwidth));
  CHECK(quantity_default("platform.wan[].latency") == Approx(wan.latency));
  const ServiceSpec service;
  CHECK(default_of("services[].replicas") == std::to_string(service.replicas));
  CHECK(default_of("services[].gpus_per_replica") == std::to_string(service.gpus_per_replica));
  CHECK(default_of("services[].max_concurrency") == std::to_string(service.max_concurrency));
  CHECK(default_of("services[].queue") == "replica");
  CHECK(service.queue == ServiceSpec::QueueLocation::replica);
  CHECK(default_of("services[].arrivals.process") == service.arrivals.process);
  CHECK(quantity_default("services[].arrivals.rate") == service.arrivals.rate);
  CHECK(default_of("services[].load_balancer.policy") == service.load_balancer.policy);
  CHECK(quantity_default("services[].slo.latency_p99") == service.slo.latency_p99);
}

// ---------------------------------------------------------------------------
// Broken fixtures: one problem each, at an exact position.

TEST_CASE("broken: YAML syntax error", "[scenario-loader]") {
  const auto issue = single_issue("syntax_error.yaml");
  check_issue(issue, fixture("broken/syntax_error.yaml"), 6, 9, "", "YAML syntax error");
  CHECK_THAT(issue.message, Contains("end of sequence flow not found"));
}

TEST_CASE("broken: unknown key suggests the nearest valid key", "[scenario-loader]") {
  const auto issue = single_issue("unknown_key.yaml");
  check_issue(issue, fixture("broken/unknown_key.yaml"), 7, 5, "services[0].replicsa", "unknown key `replicsa`");
  CHECK_THAT(issue.message, Contains("did you mean `replicas`?"));
}

TEST_CASE("broken: wrong type", "[scenario-loader]") {
  const auto issue = single_issue("wrong_type.yaml");
  check_issue(issue, fixture("broken/wrong_type.yaml"), 7, 15, "services[0].replicas", "expected an integer, got `many`");
}

TEST_CASE("broken: negative count", "[scenario-loader]") {
  const auto issue = single_issue("negative_count.yaml");
  check_issue(issue, fixture("broken/negative_count.yaml"), 5, 14, "platform.sites[0].racks",
              "expected an integer >= 0, got `-2`");
}

TEST_CASE("broken: unknown GPU type lists the valid ones", "[scenario-loader]") {
  const auto issue = single_issue("unknown_gpu_type.yaml");
  check_issue(issue, fixture("broken/unknown_gpu_type.yaml"), 8, 15, "services[0].gpu_type",
              "unknown GPU type `H100-SXMM`");
  CHECK_THAT(issue.message, Contains("did you mean `H100-SXM`?"));
  for (const auto& name : HardwareCatalog::builtin().gpu_names()) CHECK_THAT(issue.message, Contains(name));
}

TEST_CASE("broken: replica larger than a node", "[scenario-loader]") {
  const auto issue = single_issue("replica_too_big.yaml");
  check_issue(issue, fixture("broken/replica_too_big.yaml"), 9, 23, "services[0].gpus_per_replica",
              "replica needs 16 GPUs but node shape h100x8 has 8");
}

TEST_CASE("broken: unit typo names the accepted units", "[scenario-loader]") {
  const auto issue = single_issue("unit_typo.yaml");
  check_issue(issue, fixture("broken/unit_typo.yaml"), 2, 11, "duration", "unknown duration unit `sec` in `30sec`");
  CHECK_THAT(issue.message, Contains("ns, us, µs, ms, s, min, h, d"));
}

TEST_CASE("broken: GPU type of another node shape", "[scenario-loader]") {
  const auto issue = single_issue("gpu_type_mismatch.yaml");
  check_issue(issue, fixture("broken/gpu_type_mismatch.yaml"), 8, 15, "services[0].gpu_type",
              "gpu_type `A100-80GB` does not match site `dc1`, whose node shape `h100x8` has `H100-SXM` GPUs");
}

TEST_CASE("broken: services need more GPUs than the site has", "[scenario-loader]") {
  const auto issue = single_issue("capacity.yaml");
  check_issue(issue, fixture("broken/capacity.yaml"), 13, 15, "services[1].replicas",
              "services on site `dc1` need 18 GPUs (`chat` 5 x 2, `embed` 4 x 2) but the site has 16");
}

TEST_CASE("broken: a new catalogue entry must give every field", "[scenario-loader]") {
  // Only the root cause: the node shape using the incomplete GPU and the site using
  // that node shape are not reported again.
  const auto issue = single_issue("catalog_incomplete.yaml");
  check_issue(issue, fixture("broken/catalog_incomplete.yaml"), 8, 7, "catalog.gpus[0]",
              "new GPU type `B200` must give every field; missing `memory_bandwidth`, `nvlink`, `idle_power`, `max_power`");
}

TEST_CASE("broken: every error of a file is reported at once", "[scenario-loader]") {
  const std::string file = fixture("broken/multi_error.yaml");
  const auto issues = issues_of_file(file);
  for (const auto& issue : issues) UNSCOPED_INFO(issue.to_string());
  REQUIRE(issues.size() == 12);
  check_issue(issues[0], file, 3, 9, "warmup", "warmup (7200 s) must be shorter than duration (3600 s)");
  check_issue(issues[1], file, 4, 1, "sampel_interval", "did you mean `sample_interval`?");
  check_issue(issues[2], file, 9, 42, "platform.sites[0].fabric.link", "did you mean `Gbps`?");
  check_issue(issues[3], file, 9, 65, "platform.sites[0].fabric.racks_per_pod",
              "a fat_tree with 2 racks cannot be split into pods of 3 racks");
  check_issue(issues[4], file, 11, 13, "platform.sites[1].node", "unknown node shape `h100x9`; did you mean `h100x8`?");
  check_issue(issues[5], file, 12, 3, "platform.wan", "`edge` cannot be reached from `us-east`");
  check_issue(issues[6], file, 15, 11, "services[0].site", "unknown site `us-west`; did you mean `us-east`?");
  check_issue(issues[7], file, 16, 15, "services[0].replicas", "expected an integer >= 0, got `-3`");
  check_issue(issues[8], file, 17, 11, "services[1].name", "duplicate service name `chat` (first defined on line 14)");
  check_issue(issues[9], file, 19, 5, "services[1].flops", "give either `service_time` or `flops`, not both");
  check_issue(issues[10], file, 20, 5, "services[2].name", "missing required key `name`");
  check_issue(issues[11], file, 21, 12, "services[2].queue", "expected one of `replica`, `balancer`, got `lifo`");
}

TEST_CASE("ScenarioError lists every issue, one per line", "[scenario-loader]") {
  try {
    load_scenario_file(fixture("broken/multi_error.yaml"));
    FAIL("no exception");
  } catch (const ScenarioError& error) {
    const std::string what = error.what();
    CHECK(std::count(what.begin(), what.end(), '\n') == 11);
    CHECK_THAT(what, Contains(fixture("broken/multi_error.yaml") + ":16:15: services[0].replicas: expected an integer"));
  }
}

TEST_CASE("ScenarioIssue::to_string leaves out missing parts", "[scenario-loader]") {
  CHECK(ScenarioIssue{"a.yaml", 3, 7, "services[0].replicas", "bad"}.to_string() == "a.yaml:3:7: services[0].replicas: bad");
  CHECK(ScenarioIssue{"a.yaml", 3, 7, "", "bad"}.to_string() == "a.yaml:3:7: bad");
  CHECK(ScenarioIssue{"a.yaml", 0, 0, "", "cannot read"}.to_string() == "a.yaml: cannot read");
}

TEST_CASE("a missing file is an issue without a position", "[scenario-loader]") {
  const auto issues = issues_of_file(fixture("does/not/exist.yaml"));
  REQUIRE(issues.size() == 1);
  check_issue(issues[0], fixture("does/not/exist.yaml"), 0, 0, "", "cannot read the scenario file");
}

// ---------------------------------------------------------------------------
// Structural and semantic rules on inline scenarios

TEST_CASE("empty and non-map documents", "[scenario-loader]") {
  auto issues = issues_of_text("");
  REQUIRE(issues.size() == 1);
  check_issue(issues[0], "test.yaml", 1, 1, "platform", "missing required key `platform`");

  issues = issues_of_text("- just\n- a list\n");
  REQUIRE(issues.size() == 1);
  check_issue(issues[0], "test.yaml", 1, 1, "", "expected a map of scenario keys");

  issues = issues_of_text("name: x\nplatform: {sites: []}\n");
  REQUIRE(issues.size() == 1);
  check_issue(issues[0], "test.yaml", 2, 19, "platform.sites", "at least 1 item, got 0 items");
}

TEST_CASE("duplicate keys, wrong shapes and missing required keys", "[scenario-loader]") {
  const auto issues = issues_of_text(R"(name: x
name: y
platform:
  sites:
    - name: a
      fabric: fast
    - racks: 2
    - just-a-name
services: {name: chat}
)");
  for (const auto& issue : issues) UNSCOPED_INFO(issue.to_string());
  REQUIRE(issues.size() == 5);
  check_issue(issues[0], "test.yaml", 2, 1, "name", "duplicate key `name` (first given on line 1)");
  check_issue(issues[1], "test.yaml", 6, 15, "platform.sites[0].fabric", "expected a map with keys `topology`");
  check_issue(issues[2], "test.yaml", 7, 7, "platform.sites[1].name", "missing required key `name`");
  check_issue(issues[3], "test.yaml", 8, 7, "platform.sites[2]", "expected a map with keys `name`, `kind`");
  check_issue(issues[4], "test.yaml", 9, 11, "services", "expected a list of maps, got a map");
}

TEST_CASE("choices, distributions and policy parameters are checked", "[scenario-loader]") {
  const auto issues = issues_of_text(R"(platform:
  sites: [{name: a, kind: cloud, fabric: {topology: fattree, oversubscription: 0.5}}]
services:
  - name: s1
    service_time: {exponential: {mean: 1s}, lognormal: {mean: 1s, sigma: 1}}
  - name: s2
    flops: {lognormal: {mean: 1TFLOP}}
  - name: s3
    service_time: {uniform: 1s}
  - name: s4
    service_time: -1s
    load_balancer: {policy: least_outstanding, alpha: high}
)");
  for (const auto& issue : issues) UNSCOPED_INFO(issue.to_string());
  REQUIRE(issues.size() == 8);
  check_issue(issues[0], "test.yaml", 2, 27, "platform.sites[0].kind", "expected one of `region`, `edge`, got `cloud`");
  check_issue(issues[1], "test.yaml", 2, 53, "platform.sites[0].fabric.topology", "did you mean `fat_tree`?");
  check_issue(issues[2], "test.yaml", 2, 80, "platform.sites[0].fabric.oversubscription",
              "expected a number >= 1, got `0.5`");
  check_issue(issues[3], "test.yaml", 5, 45, "services[0].service_time",
              "a distribution takes exactly one of `deterministic`, `exponential`, `lognormal`");
  check_issue(issues[4], "test.yaml", 7, 24, "services[1].flops.lognormal.sigma", "missing required key `sigma`");
  check_issue(issues[5], "test.yaml", 9, 20, "services[2].service_time.uniform", "unknown key `uniform`");
  check_issue(issues[6], "test.yaml", 11, 19, "services[3].service_time", "expected a duration > 0, got `-1s`");
  check_issue(issues[7], "test.yaml", 12, 55, "services[3].load_balancer.alpha", "expected a plain number");
}

TEST_CASE("site and service names and WAN links are checked", "[scenario-loader]") {
  const auto issues = issues_of_text(R"(platform:
  sites:
    - {name: a}
    - {name: b}
    - {name: a}
    - {name: c}
  wan:
    - {between: [a, b]}
    - {between: [b, a]}
    - {between: [a, a]}
    - {between: [a, d]}
    - {between: [a]}
services:
  - {name: s, site: e}
)");
  for (const auto& issue : issues) UNSCOPED_INFO(issue.to_string());
  REQUIRE(issues.size() == 7);
  check_issue(issues[0], "test.yaml", 5, 14, "platform.sites[2].name", "duplicate site name `a` (first defined on line 3)");
  check_issue(issues[1], "test.yaml", 7, 3, "platform.wan", "`c` cannot be reached from `a`");
  check_issue(issues[2], "test.yaml", 9, 17, "platform.wan[1].between", "duplicate WAN link between `a` and `b`");
  check_issue(issues[3], "test.yaml", 10, 21, "platform.wan[2].between", "must join two different sites");
  check_issue(issues[4], "test.yaml", 11, 21, "platform.wan[3].between[1]", "unknown site `d`");
  check_issue(issues[5], "test.yaml", 12, 17, "platform.wan[4].between", "exactly 2 items, got 1 item");
  check_issue(issues[6], "test.yaml", 14, 21, "services[0].site", "unknown site `e`; valid sites: `a`, `b`, `c`");
}

TEST_CASE("sites connected through other sites are fine", "[scenario-loader]") {
  const ScenarioSpec spec = load_scenario_text(R"(platform:
  sites: [{name: a}, {name: b}, {name: c}]
  wan: [{between: [a, b]}, {between: [c, b], bandwidth: 10Gbps, latency: 20ms}]
services: [{name: s, site: c}]
)",
                                               "chain.yaml");
  REQUIRE(spec.platform.wan.size() == 2);
  CHECK(spec.platform.wan[1].bandwidth == Approx(1.25e9));
  CHECK(spec.platform.wan[1].latency == Approx(0.02));
  CHECK(spec.platform.wan[0].bandwidth == Approx(12.5e9));  // default 100Gbps
  CHECK(spec.services[0].site == "c");
}

TEST_CASE("warmup must be shorter than duration", "[scenario-loader]") {
  const auto issues = issues_of_text("duration: 10min\nwarmup: 600s\nplatform: {sites: [{name: a}]}\n");
  REQUIRE(issues.size() == 1);
  check_issue(issues[0], "test.yaml", 2, 9, "warmup", "must be shorter than duration");
  CHECK(issues_of_text("duration: 0s\nplatform: {sites: [{name: a}]}\n").at(0).message ==
        "expected a duration > 0, got `0s`");
}

TEST_CASE("fat_tree pods must divide the racks", "[scenario-loader]") {
  const ScenarioSpec spec = load_scenario_text(
      "platform: {sites: [{name: a, racks: 6, fabric: {topology: fat_tree, racks_per_pod: 3}}]}\n", "pods.yaml");
  CHECK(spec.platform.sites[0].fabric.racks_per_pod == 3);
  const auto issues = issues_of_text(
      "platform: {sites: [{name: a, racks: 6, fabric: {topology: fat_tree, racks_per_pod: 4}}]}\n");
  REQUIRE(issues.size() == 1);
  check_issue(issues[0], "test.yaml", 1, 84, "platform.sites[0].fabric.racks_per_pod",
              "a fat_tree with 6 racks cannot be split into pods of 4 racks");
}

TEST_CASE("replicas must fit on whole nodes", "[scenario-loader]") {
  // 5 replicas of 3 GPUs = 15 GPUs <= 16, but only 2 fit on each 8-GPU node.
  const auto issues = issues_of_text(two_sites_header + R"(  wan: [{between: [a, b]}]
services:
  - {name: s, site: a, replicas: 5, gpus_per_replica: 3}
  - {name: t, site: b, replicas: 4, gpus_per_replica: 3}
)");
  REQUIRE(issues.size() == 1);
  check_issue(issues[0], "test.yaml", 8, 34, "services[0].replicas",
              "5 replicas of 3 GPUs do not fit on site `a`: at most 2 per node of 8 GPUs, 2 nodes");
}

TEST_CASE("catalogue overrides are checked", "[scenario-loader]") {
  const auto issues = issues_of_text(R"(platform: {sites: [{name: a, node: tiny}]}
catalog:
  gpus:
    - {name: H100-SXM, idle_power: 800W}
    - {name: H100-SXM, memory: 1GB}
  node_shapes:
    - {name: tiny, gpu: H300, gpus: 1, cpu_cores: 8, cpu: 1TFLOPS, nic: 100Gbps, pcie: 32GBps, price: $1/h}
    - {name: small, gpus: 2}
    - {name: h100x8, gpus: 0}
)");
  for (const auto& issue : issues) UNSCOPED_INFO(issue.to_string());
  REQUIRE(issues.size() == 5);
  check_issue(issues[0], "test.yaml", 4, 36, "catalog.gpus[0].idle_power", "max_power (700 W) is less than idle_power (800 W)");
  check_issue(issues[1], "test.yaml", 5, 14, "catalog.gpus[1].name", "duplicate GPU type name `H100-SXM`");
  check_issue(issues[2], "test.yaml", 7, 25, "catalog.node_shapes[0].gpu", "unknown GPU type `H300`; did you mean `H200`?");
  check_issue(issues[3], "test.yaml", 8, 8, "catalog.node_shapes[1]", "new node shape `small` must give every field");
  check_issue(issues[4], "test.yaml", 9, 28, "catalog.node_shapes[2].gpus", "expected an integer >= 1, got `0`");
}

// ---------------------------------------------------------------------------
// --set overrides

TEST_CASE("Overrides with --set: overrides values, creating missing keys", "[scenario-loader][set]") {
  const ScenarioSpec spec = load_scenario_file(
      fixture("valid/minimal.yaml"),
      {"services[0].replicas=8", "platform.sites[0].fabric.link=100Gbps", "duration=2h", "duration=3h",
       "services[0].load_balancer.alpha=0.5", "platform.sites[0].racks=2",
       "services[0].service_time={lognormal: {mean: 20ms, sigma: 0.3}}"});
  CHECK(spec.services[0].replicas == 8);
  CHECK(spec.platform.sites[0].fabric.link_bandwidth == Approx(12.5e9));
  CHECK(spec.duration == Approx(3 * 3600.0));  // the later override wins
  CHECK(spec.services[0].load_balancer.params.at("alpha") == 0.5);
  CHECK(spec.platform.sites[0].racks == 2);
  REQUIRE(spec.services[0].demand.service_time.has_value());
  CHECK(spec.services[0].demand.service_time->kind == DistributionSpec::Kind::lognormal);
  CHECK(spec.services[0].demand.service_time->mean == Approx(0.02));
  CHECK(spec.parameters.at("services[0].replicas") == "8");
  CHECK(spec.parameters.at("duration") == "3h");
  CHECK(spec.parameters.at("platform.sites[0].fabric.link") == "100Gbps");
  // Values from --set have no position in the file; the others keep theirs.
  CHECK(spec.key_locations.count("services[0].replicas") == 0);
  CHECK(spec.key_locations.count("services[0].service_time.lognormal.mean") == 0);
  CHECK(spec.key_locations.at("services[0].name") == std::make_pair(7, 11));
  CHECK_THAT(spec.source_text, Contains("replicas: 8"));
  CHECK_THAT(spec.source_text, Contains("link: 100Gbps"));
}

TEST_CASE("Overrides with --set: values are YAML: lists and maps work", "[scenario-loader][set]") {
  const ScenarioSpec spec = load_scenario_text(two_sites_header + "  wan: [{between: [a, b]}]\n", "two.yaml",
                                               {"platform.wan[0].between=[b, a]",
                                                "platform.sites=[{name: x}, {name: y}, {name: z}]",
                                                "platform.wan=[{between: [x, y]}, {between: [y, z]}]"});
  REQUIRE(spec.platform.sites.size() == 3);
  CHECK(spec.platform.sites[2].name == "z");
  REQUIRE(spec.platform.wan.size() == 2);
  CHECK(spec.platform.wan[1].site_a == "y");
  CHECK(spec.parameters.at("platform.wan[1].between[1]") == "z");
}

TEST_CASE("Overrides with --set: can fill an empty scenario", "[scenario-loader][set]") {
  const ScenarioSpec spec = load_scenario_text("", "empty.yaml", {"platform={sites: [{name: a}]}", "name=from-cli"});
  CHECK(spec.name == "from-cli");
  CHECK(spec.platform.sites.at(0).name == "a");
}

TEST_CASE("Overrides with --set: path errors name the override and suggest keys", "[scenario-loader][set]") {
  const auto issues = issues_of_file(fixture("valid/minimal.yaml"),
                                     {"services[0].replicsa=8", "services[3].replicas=1", "services.replicas=1",
                                      "nokey", "platform.sites[0].name.x=1", "services[a].name=x", "=3",
                                      "services[0].replicas=[1,"});
  for (const auto& issue : issues) UNSCOPED_INFO(issue.to_string());
  REQUIRE(issues.size() == 8);
  check_issue(issues[0], "--set", 1, 13, "services[0].replicsa", "unknown key `replicsa`; did you mean `replicas`?");
  check_issue(issues[1], "--set", 2, 9, "services[3]", "index 3 is out of range: `services` has 1 item");
  check_issue(issues[2], "--set", 3, 10, "services", "`services` is a list: give an index, e.g. `services[0].replicas`");
  check_issue(issues[3], "--set", 4, 1, "", "expected `key.path=value`, got `nokey`");
  check_issue(issues[4], "--set", 5, 24, "platform.sites[0].name", "is a string, which has no keys");
  check_issue(issues[5], "--set", 6, 9, "", "expected `[N]` with N a list index");
  check_issue(issues[6], "--set", 7, 1, "", "missing key path before `=`");
  check_issue(issues[7], "--set", 8, 22, "services[0].replicas", "the value is not valid YAML");
}

TEST_CASE("problems in --set values are reported on the command line", "[scenario-loader][set]") {
  const auto issues = issues_of_file(fixture("valid/minimal.yaml"),
                                     {"duration=30sec", "services[0].replicas=many", "services[0].gpus_per_replica=16"});
  for (const auto& issue : issues) UNSCOPED_INFO(issue.to_string());
  REQUIRE(issues.size() == 3);
  check_issue(issues[0], "--set", 1, 10, "duration", "unknown duration unit `sec`");
  check_issue(issues[1], "--set", 2, 22, "services[0].replicas", "expected an integer, got `many`");
  check_issue(issues[2], "--set", 3, 30, "services[0].gpus_per_replica", "replica needs 16 GPUs but node shape h100x8 has 8");
}

TEST_CASE("file errors and --set errors are reported together", "[scenario-loader][set]") {
  const std::string file = fixture("broken/wrong_type.yaml");
  const auto issues = issues_of_file(file, {"duration=-1h"});
  REQUIRE(issues.size() == 2);
  check_issue(issues[0], file, 7, 15, "services[0].replicas", "expected an integer");
  check_issue(issues[1], "--set", 1, 10, "duration", "> 0, got `-1h`");
  // An override can also repair a file.
  const ScenarioSpec spec = load_scenario_file(file, {"services[0].replicas=2"});
  CHECK(spec.services[0].replicas == 2);
}

TEST_CASE("parameters are deterministic and sorted", "[scenario-loader][set]") {
  const ScenarioSpec a = load_scenario_file(fixture("valid/full.yaml"), {"seed=7"});
  const ScenarioSpec b = load_scenario_file(fixture("valid/full.yaml"), {"seed=7"});
  CHECK(a.parameters == b.parameters);
  CHECK(a.source_text == b.source_text);
  CHECK(a.parameters.at("seed") == "7");
  CHECK(a.seed == 7);
  CHECK(std::is_sorted(a.parameters.begin(), a.parameters.end()));
}

TEST_CASE("site and service names are identifiers (they become metric paths and host names)", "[scenario-loader]") {
  const auto issues = issues_of_text(R"(platform: {sites: [{name: us/east}]}
services: [{name: chat.v2, site: us/east}]
)");
  REQUIRE(issues.size() >= 2);
  CHECK(issues[0].key_path == "platform.sites[0].name");
  CHECK(issues[0].message.find("letters, digits") != std::string::npos);
  CHECK(issues[1].key_path == "services[0].name");
  CHECK(issues[1].line == 2);
  CHECK_NOTHROW(load_scenario_text("platform: {sites: [{name: us-east_1}]}\nservices: [{name: chat-v2}]\n", "ok.yaml"));
}

TEST_CASE("zero replicas need an autoscaler", "[scenario-loader]") {
  const auto issues = issues_of_text("platform: {sites: [{name: a}]}\nservices: [{name: s, replicas: 0}]\n");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].key_path == "services[0].replicas");
  CHECK(issues[0].message.find("autoscaler") != std::string::npos);
  CHECK_NOTHROW(load_scenario_text(
      "platform: {sites: [{name: a}]}\nservices: [{name: s, replicas: 0, autoscaler: {policy: lepton}}]\n", "ok.yaml"));
}

TEST_CASE("arrival processes load with every key in SI units", "[scenario-loader]") {
  const ScenarioSpec spec = load_scenario_file(fixture("valid/arrivals.yaml"));
  REQUIRE(spec.services.size() == 3);
  const ArrivalSpec& diurnal = spec.services[0].arrivals;
  CHECK(diurnal.process == "diurnal");
  CHECK(diurnal.rate == Approx(30));
  CHECK(diurnal.peak_to_trough == Approx(3));
  CHECK(diurnal.period == Approx(43200));
  CHECK(diurnal.phase == Approx(7200));
  REQUIRE(diurnal.spikes.size() == 2);
  CHECK(diurnal.spikes[0].start == Approx(3600));
  CHECK(diurnal.spikes[0].duration == Approx(600));
  CHECK(diurnal.spikes[0].multiplier == Approx(4));
  CHECK(diurnal.spikes[1].multiplier == 0);
  const ArrivalSpec& mmpp = spec.services[1].arrivals;
  CHECK(mmpp.burst_rate == Approx(40));
  CHECK(mmpp.calm_duration == Approx(300));
  CHECK(mmpp.burst_duration == Approx(30));
  const TraceSpec& trace = spec.services[2].arrivals.trace;
  CHECK(trace.format == "mooncake_jsonl");
  CHECK(trace.path == "../traces/mooncake_small.jsonl");
  CHECK(trace.time_scale == Approx(0.5));
  CHECK(trace.rate_scale == Approx(2));
  CHECK(trace.start_offset == Approx(1));
  CHECK(trace.loop);
  CHECK(trace.max_requests == 1000);

  const auto issues = issues_of_text(R"(platform: {sites: [{name: a}]}
services:
  - {name: t, arrivals: {process: trace}}
  - {name: m, arrivals: {process: mmpp}}
  - {name: s, arrivals: {process: mmpp, burst_rate: 1/s, spikes: [{start: 0s, duration: 1s, multiplier: 2}]}}
)");
  REQUIRE(issues.size() == 3);
  CHECK(issues[0].message.find("needs `trace") != std::string::npos);
  CHECK(issues[1].message.find("burst_rate") != std::string::npos);
  CHECK(issues[2].key_path == "services[2].arrivals.spikes");
}

TEST_CASE("the LLM service model loads with every key in SI units", "[scenario-loader]") {
  const ScenarioSpec spec = load_scenario_file(fixture("valid/llm.yaml"));
  const LlmSpec& llm = spec.services[0].llm;
  CHECK(llm.is_enabled);
  CHECK(llm.parameters == Approx(70e9));
  CHECK(llm.layers == 80);
  CHECK(llm.kv_heads == 8);
  CHECK(llm.max_batch == 48);
  CHECK(llm.compute_efficiency == Approx(0.45));
  CHECK(llm.memory_reserved_fraction == Approx(0.12));
  CHECK(llm.decode == LlmSpec::Decode::iteration);
  CHECK(spec.services[0].tokens.input.kind == DistributionSpec::Kind::lognormal);
  CHECK(spec.services[0].tokens.output.mean == Approx(200));
  CHECK(spec.services[1].llm.kv_bytes_per_token == Approx(131072));
  CHECK_FALSE(spec.services[1].llm.decode == LlmSpec::Decode::iteration);

  const auto issues = issues_of_text(R"(platform: {sites: [{name: a}]}
services:
  - {name: both, service_time: 1s, llm: {parameters: 7e9, kv_bytes_per_token: 1000}}
  - {name: shapeless, llm: {parameters: 7e9}}
)");
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].message.find("remove `service_time`") != std::string::npos);
  CHECK(issues[1].message.find("kv_bytes_per_token") != std::string::npos);
}

TEST_CASE("failure classes, detection, retries and retry limits load in SI units", "[scenario-loader]") {
  const ScenarioSpec spec = load_scenario_file(fixture("valid/failures.yaml"));
  using Kind = DistributionSpec::Kind;
  const FailuresSpec& failures = spec.failures;
  REQUIRE(failures.is_enabled);
  CHECK(failures.check_period == Approx(5.0));
  CHECK(failures.detection_delay == Approx(20.0));
  REQUIRE(failures.classes.size() == 9);
  CHECK(failures.classes[6].notice == Approx(120.0));
  CHECK(failures.classes[0].name == "hdd");  // from the profile
  CHECK(failures.classes[1].name == "gpu-hbm");
  CHECK(failures.classes[1].time_to_failure.kind == Kind::exponential);
  CHECK(failures.classes[1].time_to_failure.mean == Approx(2e6 * 3600));
  CHECK(failures.classes[1].repair.kind == Kind::lognormal);
  CHECK(failures.classes[2].time_to_failure.mean == Approx(1e6 * 3600));  // 1 / rate
  CHECK(failures.classes[2].repair.mean == Approx(4 * 3600.0));
  CHECK(failures.classes[3].name == "node");  // the component by default
  CHECK(failures.classes[3].site == "dc1");
  CHECK(failures.classes[3].time_to_failure.kind == Kind::weibull);
  CHECK(failures.classes[3].time_to_failure.shape == Approx(0.8));
  CHECK(failures.classes[5].repair.mean == Approx(4 * 3600.0));  // default repair
  CHECK(failures.trace_path == "../traces/failures_small.csv");
  CHECK(spec.services[0].retry.attempts == 2);
  CHECK(spec.services[0].retry.timeout == Approx(10.0));
  CHECK(spec.jobs.defaults.max_failure_retry == 3);
  CHECK(spec.jobs.list[0].properties.max_failure_retry == 10);
  CHECK(spec.jobs.synthetic->duration.kind == Kind::weibull);
  CHECK(spec.jobs.synthetic->duration.shape == Approx(0.9));
}

TEST_CASE("default quorums larger than the given replicas are located at replicas", "[scenario]") {
  const auto issues = issues_of_text(R"(name: q
platform:
  sites:
    - {name: dc, racks: 1, nodes_per_rack: 2, storage: {racks: 1, nodes_per_rack: 2}}
data:
  objects: [{name: m, size: 1GB}]
  redundancy: {policy: replication, factor: 1}
  quorum: {replicas: 1, read_quorum: 1, write_rate: 1/s}
)");
  REQUIRE(issues.size() == 1);
  check_issue(issues[0], "test.yaml", 8, 22, "data.quorum.replicas",
              "a write quorum of 2 (the default `write_quorum`) is more than the 1 replicas");
}
