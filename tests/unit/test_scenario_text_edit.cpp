// ScenarioTextEdit: edits change only the characters of one value, keep every
// comment and the layout, and the edited text loads with the new value.
#include "ScenarioLoader.hpp"
#include "ScenarioTextEdit.hpp"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace leptonsim;
using Catch::Matchers::Contains;

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::filesystem::path> example_scenarios() {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(LEPTONSIM_SOURCE_DIR) + "/scenarios"))
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  return paths;
}

// Every line of `text` that is a comment (or ends in one), in order.
std::vector<std::string> comments_of(const std::string& text) {
  std::vector<std::string> comments;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto hash = line.find(" #");
    if (line.rfind('#', 0) == 0) comments.push_back(line);
    else if (hash != std::string::npos) comments.push_back(line.substr(hash));
  }
  return comments;
}

const std::string commented = R"(# Header comment
name: demo   # the name
seed: 42

platform:
  sites:
    - name: us-east        # first site
      racks: 2
      nodes_per_rack: 4
      node: h100x8
      fabric: {topology: leaf_spine, link: 400Gbps}
    - name: edge
      kind: edge

services:
  - name: chat
    replicas: 8            # replicas at the start
    # a comment between keys
    gpus_per_replica: 2
    arrivals: {process: poisson, rate: 60/s}
    autoscaler: {policy: hpa, target: 0.7}
    slo:
      latency_p99: 3s
# trailing comment
)";

}  // namespace

// ---------------------------------------------------------------------------
// read_scalar

TEST_CASE("read_scalar finds values in block and flow maps", "[scenario-text-edit]") {
  CHECK(read_scalar(commented, "name") == "demo");
  CHECK(read_scalar(commented, "platform.sites[0].racks") == "2");
  CHECK(read_scalar(commented, "platform.sites[1].kind") == "edge");
  CHECK(read_scalar(commented, "platform.sites[0].fabric.link") == "400Gbps");
  CHECK(read_scalar(commented, "services[0].autoscaler.policy") == "hpa");
  CHECK(read_scalar(commented, "services[0].slo.latency_p99") == "3s");
}

TEST_CASE("read_scalar gives nothing for missing keys or maps or empty values", "[scenario-text-edit]") {
  CHECK_FALSE(read_scalar(commented, "duration"));
  CHECK_FALSE(read_scalar(commented, "services[0].cold_start.warmup"));
  CHECK_FALSE(read_scalar(commented, "platform.sites[0].fabric"));
  CHECK_FALSE(read_scalar("a:\nb: 1\n", "a"));
  CHECK(read_scalar("a: 'it''s'\nb: \"x\\ty\"\n", "a") == "it's");
  CHECK(read_scalar("a: 'it''s'\nb: \"x\\ty\"\n", "b") == "x\ty");
}

TEST_CASE("paths through a scalar or past the end of a list are errors naming the path", "[scenario-text-edit]") {
  CHECK_THROWS_WITH(read_scalar(commented, "name.first"), Contains("name.first") && Contains("not a map"));
  CHECK_THROWS_WITH(read_scalar(commented, "services[3].replicas"),
                    Contains("services[3].replicas") && Contains("out of range"));
  CHECK_THROWS_WITH(set_scalar(commented, "platform.sites[2].racks", "1"), Contains("out of range"));
  CHECK_THROWS_WITH(set_scalar(commented, "seed.value", "1"), Contains("seed.value") && Contains("scalar"));
  CHECK_THROWS_WITH(remove_key(commented, "services[0].replicas.x"), Contains("not a map"));
  CHECK_THROWS_WITH(set_scalar(commented, "services.name", "x"), Contains("not a map"));
  CHECK_THROWS_WITH(set_scalar(commented, "name[0]", "x"), Contains("not a list"));
  CHECK_THROWS_AS(set_scalar(commented, "platform", "x"), std::invalid_argument);  // a block map
  CHECK_THROWS_AS(read_scalar(commented, "a..b"), std::invalid_argument);
  CHECK_THROWS_AS(read_scalar(commented, "a[x]"), std::invalid_argument);
  CHECK_THROWS_AS(read_scalar(commented, ""), std::invalid_argument);
  CHECK_THROWS_AS(read_scalar(commented, "a."), std::invalid_argument);
  CHECK_THROWS_AS(read_scalar(commented, "[0]"), std::invalid_argument);
  CHECK_THROWS_AS(set_scalar(commented, "jobs[0].name", "x"), std::invalid_argument);  // list items are not created
}

// ---------------------------------------------------------------------------
// set_scalar: replacing

TEST_CASE("set_scalar replaces a block value and keeps its comment", "[scenario-text-edit]") {
  const std::string edited = set_scalar(commented, "services[0].replicas", "12");
  CHECK_THAT(edited, Contains("    replicas: 12            # replicas at the start\n"));
  CHECK(read_scalar(edited, "services[0].replicas") == "12");
  CHECK(comments_of(edited) == comments_of(commented));
  // Only that value changed.
  std::string expected = commented;
  expected.replace(expected.find("replicas: 8"), 11, "replicas: 12");
  CHECK(edited == expected);
}

TEST_CASE("set_scalar replaces a value inside a flow map", "[scenario-text-edit]") {
  const std::string edited = set_scalar(commented, "services[0].autoscaler.target", "0.85");
  CHECK_THAT(edited, Contains("    autoscaler: {policy: hpa, target: 0.85}\n"));
  const std::string rate = set_scalar(commented, "services[0].arrivals.rate", "2400/min");
  CHECK_THAT(rate, Contains("arrivals: {process: poisson, rate: 2400/min}"));
  const std::string first = set_scalar(commented, "platform.sites[0].fabric.topology", "fat_tree");
  CHECK_THAT(first, Contains("fabric: {topology: fat_tree, link: 400Gbps}"));
}

TEST_CASE("set_scalar keeps the quote style of a quoted value", "[scenario-text-edit]") {
  const std::string text = "a: \"x\"   # c\nb: 'y'\nc: {d: 'e', f: \"g\"}\n";
  CHECK(set_scalar(text, "a", "new") == "a: \"new\"   # c\nb: 'y'\nc: {d: 'e', f: \"g\"}\n");
  CHECK(set_scalar(text, "b", "it's") == "a: \"x\"   # c\nb: 'it''s'\nc: {d: 'e', f: \"g\"}\n");
  CHECK(set_scalar(text, "c.f", "h \"i\"") == "a: \"x\"   # c\nb: 'y'\nc: {d: 'e', f: \"h \\\"i\\\"\"}\n");
  CHECK(read_scalar(set_scalar(text, "c.f", "h \"i\""), "c.f") == "h \"i\"");
}

TEST_CASE("set_scalar quotes values that YAML would read differently", "[scenario-text-edit]") {
  const std::string text = "a: 1\nb: {c: 2}\n";
  for (const std::string value : {"x: y", "# not a comment", "", " padded ", "- dash", "[1, 2]", "{a: b}", "a #b",
                                  "line\nbreak", "tab\there", "null", "~", "*alias", "&anchor", "!tag", "|",
                                  "quote\"inside", "'single'", "back\\slash", "ends with colon:"}) {
    INFO("value: [" << value << "]");
    const std::string block = set_scalar(text, "a", value);
    CHECK(read_scalar(block, "a") == value);
    const std::string flow = set_scalar(text, "b.c", value);
    CHECK(read_scalar(flow, "b.c") == value);
  }
  for (const std::string value : {"a, b", "x]", "y}"}) {
    INFO("value: [" << value << "]");
    CHECK(read_scalar(set_scalar(text, "b.c", value), "b.c") == value);
    CHECK(set_scalar(text, "b.c", value) == "a: 1\nb: {c: \"" + value + "\"}\n");
    CHECK(set_scalar(text, "a", value) == "a: " + value + "\nb: {c: 2}\n");  // plain is fine in block style
  }
  // Ordinary scenario values stay plain.
  CHECK(yaml_scalar_text("$80/h", true) == "$80/h");
  CHECK(yaml_scalar_text("400Gbps", true) == "400Gbps");
  CHECK(yaml_scalar_text("us-east", true) == "us-east");
  CHECK(yaml_scalar_text("-5", false) == "-5");
  CHECK(yaml_scalar_text("12:00", false) == "12:00");
  CHECK(yaml_scalar_text("a b", true) == "a b");
}

TEST_CASE("set_scalar fills empty values", "[scenario-text-edit]") {
  CHECK(set_scalar("a:\nb: 1\n", "a", "x") == "a: x\nb: 1\n");
  CHECK(set_scalar("a:   # note\nb: 1\n", "a", "x") == "a: x    # note\nb: 1\n");
  CHECK(set_scalar("a: ~\n", "a", "x") == "a: x\n");
  CHECK(set_scalar("a: null # n\n", "a", "x") == "a: x # n\n");
  CHECK(set_scalar("a: {b: , c: 1}\n", "a.b", "x") == "a: {b: x, c: 1}\n");
  CHECK(set_scalar("a: [1, ~]\n", "a[1]", "2") == "a: [1, 2]\n");
}

TEST_CASE("set_scalar replaces a flow collection by a scalar", "[scenario-text-edit]") {
  const std::string text = "s:\n  service_time: {lognormal: {mean: 1s, sigma: 0.5}}   # c\n";
  CHECK(set_scalar(text, "s.service_time", "100ms") == "s:\n  service_time: 100ms   # c\n");
}

TEST_CASE("set_scalar edits list items", "[scenario-text-edit]") {
  const std::string text = "wan:\n  - {between: [a, b], latency: 8ms}\nlist:\n  - x\n  - y # why\n";
  CHECK(set_scalar(text, "wan[0].between[1]", "c") == "wan:\n  - {between: [a, c], latency: 8ms}\nlist:\n  - x\n  - y # why\n");
  CHECK(set_scalar(text, "list[1]", "z") == "wan:\n  - {between: [a, b], latency: 8ms}\nlist:\n  - x\n  - z # why\n");
}

// ---------------------------------------------------------------------------
// set_scalar: inserting

TEST_CASE("set_scalar adds a missing key after its block siblings", "[scenario-text-edit]") {
  const std::string edited = set_scalar(commented, "services[0].max_concurrency", "4");
  CHECK_THAT(edited, Contains("    slo:\n      latency_p99: 3s\n    max_concurrency: 4\n# trailing comment\n"));
  CHECK(comments_of(edited) == comments_of(commented));

  const std::string site = set_scalar(commented, "platform.sites[1].racks", "3");
  CHECK_THAT(site, Contains("    - name: edge\n      kind: edge\n      racks: 3\n\nservices:"));

  const std::string top = set_scalar(commented, "duration", "2h");
  CHECK_THAT(top, Contains("# trailing comment\nduration: 2h\n"));
  CHECK(read_scalar(top, "duration") == "2h");
}

TEST_CASE("set_scalar adds a missing key inside a flow map", "[scenario-text-edit]") {
  const std::string edited = set_scalar(commented, "services[0].autoscaler.max_replicas", "40");
  CHECK_THAT(edited, Contains("autoscaler: {policy: hpa, target: 0.7, max_replicas: 40}"));
  CHECK(set_scalar("a: {}\n", "a.b", "1") == "a: {b: 1}\n");
  CHECK(set_scalar("a: { }\n", "a.b", "1") == "a: {b: 1 }\n");
  CHECK(set_scalar("a: {x: 1 }\n", "a.b", "1") == "a: {x: 1, b: 1 }\n");
  CHECK(set_scalar("a: {x: 1}\n", "a.b.c", "1") == "a: {x: 1, b: {c: 1}}\n");
  CHECK(set_scalar("a: {x: 1}\n", "a.b", "p, q") == "a: {x: 1, b: \"p, q\"}\n");
}

TEST_CASE("set_scalar creates missing parent maps with the indentation of the document", "[scenario-text-edit]") {
  const std::string edited = set_scalar(commented, "services[0].cold_start.image_pull", "30s");
  CHECK_THAT(edited, Contains("      latency_p99: 3s\n    cold_start:\n      image_pull: 30s\n# trailing comment"));

  const std::string four = "a:\n    b: 1\nc: 2\n";
  CHECK(set_scalar(four, "d.e.f", "x") == "a:\n    b: 1\nc: 2\nd:\n    e:\n        f: x\n");
  CHECK(set_scalar(four, "a.g.h", "y") == "a:\n    b: 1\n    g:\n        h: y\nc: 2\n");

  // Under a key with an empty value.
  CHECK(set_scalar("a:\nb: 1\n", "a.c", "x") == "a:\n  c: x\nb: 1\n");
  CHECK(set_scalar("a:  # note\nb: 1\n", "a.c.d", "x") == "a:  # note\n  c:\n    d: x\nb: 1\n");
  CHECK(set_scalar("a: ~\n", "a.c", "x") == "a: {c: x}\n");
  CHECK(set_scalar("a: {b: }\n", "a.b.c", "x") == "a: {b: {c: x} }\n");

  // An empty or comment-only document.
  CHECK(set_scalar("", "a.b", "x") == "a:\n  b: x\n");
  CHECK(set_scalar("# only a comment", "a", "x") == "# only a comment\na: x\n");
}

TEST_CASE("set_scalar inserts before blank lines and after indented comments", "[scenario-text-edit]") {
  const std::string text = "a:\n  b: 1\n    # more about b\n\n# about c\nc: 2\n";
  CHECK(set_scalar(text, "a.d", "3") == "a:\n  b: 1\n    # more about b\n  d: 3\n\n# about c\nc: 2\n");
}

TEST_CASE("set_scalar handles a list written at the column of its key", "[scenario-text-edit]") {
  const std::string text = "sites:\n- name: a\n  racks: 1\n- name: b\nother: 1\n";
  CHECK(set_scalar(text, "sites[0].node", "x") == "sites:\n- name: a\n  racks: 1\n  node: x\n- name: b\nother: 1\n");
  CHECK(set_scalar(text, "sites[1].node", "y") == "sites:\n- name: a\n  racks: 1\n- name: b\n  node: y\nother: 1\n");
}

TEST_CASE("set_scalar keeps CRLF line ends and a byte order mark", "[scenario-text-edit]") {
  const std::string crlf = "a: 1\r\nb:\r\n  c: 2\r\n";
  CHECK(set_scalar(crlf, "b.c", "3") == "a: 1\r\nb:\r\n  c: 3\r\n");
  CHECK(set_scalar(crlf, "b.d", "4") == "a: 1\r\nb:\r\n  c: 2\r\n  d: 4\r\n");
  const std::string bom = "\xEF\xBB\xBF" "a: 1\nb: 2\n";
  CHECK(set_scalar(bom, "b", "3") == "\xEF\xBB\xBF" "a: 1\nb: 3\n");
  CHECK(set_scalar(bom, "c", "4") == "\xEF\xBB\xBF" "a: 1\nb: 2\nc: 4\n");
  // Multi-byte characters before the value.
  CHECK(set_scalar("# µs and é\na: 5µs\nb: x\n", "b", "y") == "# µs and é\na: 5µs\nb: y\n");
}

TEST_CASE("set_scalar adds a newline when the text does not end with one", "[scenario-text-edit]") {
  CHECK(set_scalar("a: 1", "b", "2") == "a: 1\nb: 2\n");
  CHECK(set_scalar("a: 1", "a", "2") == "a: 2");
}

// ---------------------------------------------------------------------------
// remove_key

TEST_CASE("remove_key removes a block entry with its indented lines", "[scenario-text-edit]") {
  const std::string no_slo = remove_key(commented, "services[0].slo");
  CHECK_THAT(no_slo, Contains("    autoscaler: {policy: hpa, target: 0.7}\n# trailing comment\n"));
  CHECK_FALSE(read_scalar(no_slo, "services[0].slo.latency_p99"));

  const std::string no_replicas = remove_key(commented, "services[0].replicas");
  CHECK_THAT(no_replicas, Contains("  - name: chat\n    # a comment between keys\n    gpus_per_replica: 2\n"));

  const std::string no_platform = remove_key("a: 1\nplatform:\n  x: 1\n  # c\n  y:\n    - 1\nb: 2\n", "platform");
  CHECK(no_platform == "a: 1\nb: 2\n");
}

TEST_CASE("remove_key of the first key of a list item moves the next key up", "[scenario-text-edit]") {
  const std::string edited = remove_key(commented, "platform.sites[1].name");
  CHECK_THAT(edited, Contains("    - kind: edge\n\nservices:"));
  CHECK(read_scalar(edited, "platform.sites[1].kind") == "edge");
}

TEST_CASE("remove_key of the only key leaves an empty map", "[scenario-text-edit]") {
  CHECK(remove_key("a:\n  b: 1  # c\nd: 2\n", "a.b") == "a:\n  {}\nd: 2\n");
  CHECK(YAML::Load(remove_key("a:\n  b: 1  # c\nd: 2\n", "a.b"))["a"].IsMap());
  CHECK(remove_key("l:\n  - k: v\n", "l[0].k") == "l:\n  - {}\n");
}

TEST_CASE("remove_key removes flow entries with their comma", "[scenario-text-edit]") {
  CHECK(remove_key("a: {x: 1, y: 2, z: 3}\n", "a.y") == "a: {x: 1, z: 3}\n");
  CHECK(remove_key("a: {x: 1, y: 2, z: 3}\n", "a.x") == "a: {y: 2, z: 3}\n");
  CHECK(remove_key("a: {x: 1, y: 2, z: 3}\n", "a.z") == "a: {x: 1, y: 2}\n");
  CHECK(remove_key("a: {x: 1}\n", "a.x") == "a: {}\n");
  CHECK(remove_key("a: {x: {p: 1, q: [1, 2]}, y: 2}\n", "a.x") == "a: {y: 2}\n");
  CHECK(remove_key("a: {x: , y: 2}\n", "a.x") == "a: {y: 2}\n");
  CHECK(remove_key("a: {x: 'q, r', y: 2}\n", "a.x") == "a: {y: 2}\n");
}

TEST_CASE("remove_key of a missing key changes nothing", "[scenario-text-edit]") {
  CHECK(remove_key(commented, "services[0].cold_start") == commented);
  CHECK(remove_key(commented, "services[0].cold_start.warmup") == commented);
  CHECK_THROWS_AS(remove_key(commented, "services[0]"), std::invalid_argument);
}

// ---------------------------------------------------------------------------
// append_list_item

TEST_CASE("append_list_item appends in the style of the list or creates it", "[scenario-text-edit]") {
  const std::string block = append_list_item(commented, "platform.sites", "{name: third, racks: 1}");
  CHECK_THAT(block, Contains("      kind: edge\n    - {name: third, racks: 1}\n\nservices:"));
  CHECK(read_scalar(block, "platform.sites[2].name") == "third");

  CHECK(append_list_item("a: [1, 2]\n", "a", "3") == "a: [1, 2, 3]\n");
  CHECK(append_list_item("a: []\n", "a", "3") == "a: [3]\n");
  CHECK(append_list_item("a:\n", "a", "3") == "a:\n  - 3\n");
  CHECK(append_list_item("a: {b: 1}\n", "a.c", "3") == "a: {b: 1, c: [3]}\n");

  const std::string catalog = append_list_item(commented, "catalog.node_shapes", "{name: h100x8, price: $80/h}");
  CHECK_THAT(catalog, Contains("# trailing comment\ncatalog:\n  node_shapes:\n    - {name: h100x8, price: $80/h}\n"));
  CHECK(read_scalar(catalog, "catalog.node_shapes[0].price") == "$80/h");
  CHECK_THROWS_AS(append_list_item(commented, "name", "x"), std::invalid_argument);
}

// ---------------------------------------------------------------------------
// The example scenarios

TEST_CASE("every example scenario round-trips an edit through the loader", "[scenario-text-edit]") {
  const auto paths = example_scenarios();
  REQUIRE(paths.size() >= 5);
  for (const auto& path : paths) {
    INFO(path.filename().string());
    const std::string text = read_text(path);
    const ScenarioSpec original = load_scenario_text(text, path.string());

    // Replace values in block and flow style; add keys in both; remove one.
    const bool has_service = !original.services.empty();
    std::string edited = set_scalar(text, "platform.sites[0].racks", "7");
    if (has_service) {
      edited = set_scalar(edited, "services[0].replicas", "5");
      edited = set_scalar(edited, "services[0].slo.latency_p99", "9s");
      edited = set_scalar(edited, "services[0].load_balancer.policy", "round_robin");
      edited = set_scalar(edited, "services[0].autoscaler.policy", "hpa");
      edited = set_scalar(edited, "services[0].autoscaler.max_replicas", "33");
      edited = set_scalar(edited, "services[0].cold_start.warmup", "7s");
    } else {
      edited = set_scalar(edited, "jobs.queue.policy", "sjf");
    }
    edited = set_scalar(edited, "platform.sites[0].fabric.latency", "3us");
    edited = set_scalar(edited, "duration", "45min");
    edited = remove_key(edited, "seed");
    edited = append_list_item(edited, "catalog.node_shapes", "{name: h100x8, price: $80/h}");
    CHECK(comments_of(edited) == comments_of(text));

    const ScenarioSpec spec = load_scenario_text(edited, path.string());
    CHECK(spec.platform.sites[0].racks == 7);
    CHECK(spec.platform.sites[0].fabric.link_latency == Approx(3e-6));
    CHECK(spec.duration == Approx(2700.0));
    CHECK(spec.seed == 1);
    CHECK(spec.catalog.find_node_shape("h100x8")->price_per_hour == Approx(80.0));
    // Everything else is unchanged.
    CHECK(spec.name == original.name);
    CHECK(spec.platform.sites.size() == original.platform.sites.size());
    CHECK(spec.services.size() == original.services.size());
    CHECK(spec.platform.sites[0].nodes_per_rack == original.platform.sites[0].nodes_per_rack);
    if (has_service) {
      // A deployed service's first deployment keeps the replicas and bounds it gives itself.
      const bool is_deployed = !original.routed_services.empty() && original.services[0].routed_service >= 0;
      CHECK(spec.services[0].replicas == (is_deployed ? original.services[0].replicas : 5));
      CHECK(spec.services[0].slo.latency_p99 == Approx(9.0));
      CHECK(spec.services[0].load_balancer.policy == "round_robin");
      CHECK(spec.services[0].autoscaler.policy == "hpa");
      CHECK(spec.services[0].autoscaler.params.at("max_replicas") ==
            Approx(is_deployed ? original.services[0].autoscaler.params.at("max_replicas") : 33.0));
      CHECK(spec.services[0].cold_start.warmup == Approx(7.0));
      CHECK(spec.services[0].gpus_per_replica == original.services[0].gpus_per_replica);
      CHECK(spec.services[0].arrivals.process == original.services[0].arrivals.process);
      CHECK(spec.services[0].arrivals.rate == Approx(original.services[0].arrivals.rate));
    } else {
      REQUIRE(spec.jobs.is_enabled);
      CHECK(spec.jobs.queue_policy == "sjf");
      CHECK(spec.jobs.trace.has_value() == original.jobs.trace.has_value());
    }
  }
}

TEST_CASE("every value of every example scenario can be set to itself without a change", "[scenario-text-edit]") {
  for (const auto& path : example_scenarios()) {
    INFO(path.filename().string());
    const std::string text = read_text(path);
    const ScenarioSpec spec = load_scenario_text(text, path.string());
    int checked = 0;
    for (const auto& [key_path, location] : spec.key_locations) {
      const auto value = read_scalar(text, key_path);
      if (!value) continue;  // a map or list
      INFO(key_path);
      CHECK(set_scalar(text, key_path, *value) == text);
      ++checked;
    }
    CHECK(checked > 10);
  }
}
