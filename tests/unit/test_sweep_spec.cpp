// SweepSpec: parsing of spec files and --axis arguments, grid order, range
// values, seeds, Latin-hypercube strata, deterministic sampling, errors with
// positions and the identity hash.
#include <catch2/catch.hpp>

#include "TempDir.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "SweepSpec.hpp"

namespace fs = std::filesystem;
using namespace leptonsim;

namespace {

using leptonsim::testing::TempDir;

const char* kBaseScenario = "name: base\nseed: 42\nduration: 10min\n";

std::vector<std::string> values_of(const std::vector<SweepPointSpec>& points, std::size_t axis) {
  std::vector<std::string> out;
  for (const auto& point : points) out.push_back(point.assignments.at(axis).second);
  return out;
}

// The issues of the ScenarioError thrown by `load`, as "line:col key: message".
template <typename Load>
std::vector<ScenarioIssue> issues_of(Load load) {
  try {
    load();
  } catch (const ScenarioError& error) {
    return error.issues();
  }
  FAIL("expected a ScenarioError");
  return {};
}

const ScenarioIssue* find_issue(const std::vector<ScenarioIssue>& issues, const std::string& key_path) {
  for (const auto& issue : issues)
    if (issue.key_path == key_path) return &issue;
  return nullptr;
}

}  // namespace

TEST_CASE("sweep spec: grid is the cartesian product with the first axis slowest", "[sweep_spec]") {
  TempDir dir;
  dir.write("scenarios/base.yaml", kBaseScenario);
  const std::string spec_path = dir.write("sweeps/grid.yaml",
                                          "base: ../scenarios/base.yaml\n"
                                          "set:\n"
                                          "  duration: 20min\n"
                                          "axes:\n"
                                          "  - key: services[0].replicas\n"
                                          "    values: [4, 6, 8]\n"
                                          "    monotone: increasing\n"
                                          "  - key: services[0].arrivals.rate\n"
                                          "    range: {from: 20, to: 80, step: 20}\n"
                                          "    unit: /s\n"
                                          "  - key: services[0].load_balancer.policy\n"
                                          "    values: [round_robin, least_outstanding]\n");
  const SweepSpec spec = load_sweep_spec(spec_path);
  CHECK(spec.name == "grid");
  CHECK(spec.base_scenario == (fs::absolute(dir.write("scenarios/base.yaml", kBaseScenario)).lexically_normal()).string());
  CHECK(fs::path(spec.base_scenario).is_absolute());
  CHECK(spec.fixed_overrides == std::vector<std::string>{"duration=20min"});
  REQUIRE(spec.axes.size() == 3);
  CHECK(spec.axes[0].monotone == AxisMonotone::increasing);
  CHECK(spec.axes[1].values == std::vector<std::string>{"20/s", "40/s", "60/s", "80/s"});
  CHECK(spec.sampling == SweepSampling::grid);

  const auto points = expand_points(spec);
  REQUIRE(points.size() == 3 * 4 * 2);
  for (std::size_t i = 0; i < points.size(); ++i) CHECK(points[i].point_id == i);
  CHECK(points[0].label() ==
        "services[0].replicas=4, services[0].arrivals.rate=20/s, services[0].load_balancer.policy=round_robin");
  CHECK(points[1].overrides() == std::vector<std::string>{"services[0].replicas=4", "services[0].arrivals.rate=20/s",
                                                          "services[0].load_balancer.policy=least_outstanding"});
  CHECK(points[2].assignments[1].second == "40/s");
  CHECK(points[8].assignments[0].second == "6");  // 4 rates x 2 policies per replica count
  CHECK(points.back().label() ==
        "services[0].replicas=8, services[0].arrivals.rate=80/s, services[0].load_balancer.policy=least_outstanding");
  // Every combination exactly once.
  std::set<std::string> labels;
  for (const auto& point : points) labels.insert(point.label());
  CHECK(labels.size() == points.size());
}

TEST_CASE("sweep spec: range and log_range values are compact and exact at the ends", "[sweep_spec]") {
  TempDir dir;
  dir.write("base.yaml", kBaseScenario);
  const std::string spec_path = dir.write("ranges.yaml",
                                          "base: base.yaml\n"
                                          "axes:\n"
                                          "  - key: a\n"
                                          "    range: {from: 0, to: 0.3, step: 0.1}\n"
                                          "  - key: b\n"
                                          "    range: {from: 0, to: 1, count: 5}\n"
                                          "  - key: c\n"
                                          "    log_range: {from: 1, to: 64, count: 7}\n"
                                          "    integer: true\n"
                                          "  - key: d\n"
                                          "    log_range: {from: 1, to: 1000, count: 4}\n"
                                          "  - key: e\n"
                                          "    range: {from: 1, to: 2, count: 3}\n"
                                          "    integer: true\n"
                                          "  - key: f\n"
                                          "    range: {from: 20, to: 70, step: 20}\n"
                                          "  - key: g\n"
                                          "    values: [2.50, 1e3, x]\n");
  const SweepSpec spec = load_sweep_spec(spec_path);
  REQUIRE(spec.axes.size() == 7);
  CHECK(spec.axes[0].values == std::vector<std::string>{"0", "0.1", "0.2", "0.3"});
  CHECK(spec.axes[1].values == std::vector<std::string>{"0", "0.25", "0.5", "0.75", "1"});
  CHECK(spec.axes[2].values == std::vector<std::string>{"1", "2", "4", "8", "16", "32", "64"});
  CHECK(spec.axes[3].values == std::vector<std::string>{"1", "10", "100", "1000"});
  CHECK(spec.axes[3].log_scale);
  CHECK(spec.axes[4].values == std::vector<std::string>{"1", "2"});  // 1, 1.5 -> 2, 2: repeats listed once
  CHECK(spec.axes[5].values == std::vector<std::string>{"20", "40", "60"});  // `to` not on the step
  CHECK(*spec.axes[5].from == 20.0);
  CHECK(*spec.axes[5].to == 70.0);
  CHECK(spec.axes[6].values == std::vector<std::string>{"2.50", "1e3", "x"});  // given values stay as written
  CHECK(!spec.axes[6].is_continuous());

  CHECK(format_sweep_number(20.0) == "20");
  CHECK(format_sweep_number(0.1) == "0.1");
  CHECK(format_sweep_number(0.1 + 0.2) == "0.3");
  CHECK(format_sweep_number(-0.0) == "0");
  CHECK(format_sweep_number(1234567.5) == "1234567.5");
}

TEST_CASE("sweep spec: seeds come from the base scenario's seed", "[sweep_spec]") {
  TempDir dir;
  dir.write("base.yaml", kBaseScenario);
  dir.write("no-seed.yaml", "name: x\n");
  const auto seeds_of = [&](const std::string& body) {
    return load_sweep_spec(dir.write("spec.yaml", body + "axes: []\n"));
  };
  CHECK(seeds_of("base: base.yaml\nseeds: 3\n").seeds == std::vector<std::uint64_t>{42, 43, 44});
  CHECK(seeds_of("base: base.yaml\n").seeds == std::vector<std::uint64_t>{42});
  CHECK(seeds_of("base: no-seed.yaml\nseeds: 2\n").seeds == std::vector<std::uint64_t>{1, 2});
  CHECK(seeds_of("base: base.yaml\nseeds: [7, 1, 9]\n").seeds == std::vector<std::uint64_t>{7, 1, 9});
  CHECK(seeds_of("base: base.yaml\nset: {seed: 100}\nseeds: 2\n").seeds == std::vector<std::uint64_t>{100, 101});

  const SweepSpec spec = seeds_of("base: base.yaml\nseeds: 2\nmax_seeds: 5\n");
  CHECK(spec.max_seeds == 5);
  CHECK(seeds_of("base: base.yaml\nseeds: 2\n").max_seeds == 2);
  CHECK(sweep_seeds(spec, 1) == std::vector<std::uint64_t>{42});
  CHECK(sweep_seeds(spec, 4) == std::vector<std::uint64_t>{42, 43, 44, 45});
  CHECK(sweep_seeds(seeds_of("base: base.yaml\nseeds: [7, 1, 9]\n"), 5) ==
        std::vector<std::uint64_t>{7, 1, 9, 10, 11});

  // No axes: one point, the base scenario itself.
  const auto points = expand_points(spec);
  REQUIRE(points.size() == 1);
  CHECK(points[0].overrides().empty());
  CHECK(points[0].label().empty());
}

TEST_CASE("sweep spec: Latin hypercube puts exactly one point in each stratum of each axis", "[sweep_spec]") {
  TempDir dir;
  dir.write("base.yaml", kBaseScenario);
  const std::string spec_path = dir.write("lhs.yaml",
                                          "base: base.yaml\n"
                                          "sampling: latin_hypercube\n"
                                          "samples: 12\n"
                                          "sampling_seed: 7\n"
                                          "axes:\n"
                                          "  - key: rate\n"
                                          "    range: {from: 10, to: 70}\n"
                                          "    unit: /s\n"
                                          "  - key: size\n"
                                          "    log_range: {from: 1, to: 1000}\n"
                                          "  - key: policy\n"
                                          "    values: [a, b, c, d]\n");
  const SweepSpec spec = load_sweep_spec(spec_path);
  const auto points = expand_points(spec);
  REQUIRE(points.size() == 12);

  std::set<int> rate_strata, size_strata;
  std::map<std::string, int> policy_counts;
  for (const auto& point : points) {
    const std::string rate_text = point.assignments[0].second;
    REQUIRE(rate_text.size() > 2);
    CHECK(rate_text.substr(rate_text.size() - 2) == "/s");
    const double rate = std::stod(rate_text.substr(0, rate_text.size() - 2));
    CHECK(rate >= 10.0);
    CHECK(rate <= 70.0);
    rate_strata.insert(static_cast<int>(std::floor((rate - 10.0) / 60.0 * 12.0)));
    const double size = std::stod(point.assignments[1].second);
    CHECK(size >= 1.0);
    CHECK(size <= 1000.0);
    size_strata.insert(static_cast<int>(std::floor(std::log10(size) / 3.0 * 12.0)));
    ++policy_counts[point.assignments[2].second];
  }
  CHECK(rate_strata.size() == 12);  // 12 distinct strata of 12: each exactly once
  CHECK(*rate_strata.begin() == 0);
  CHECK(*rate_strata.rbegin() == 11);
  CHECK(size_strata.size() == 12);
  CHECK(policy_counts == std::map<std::string, int>{{"a", 3}, {"b", 3}, {"c", 3}, {"d", 3}});
}

TEST_CASE("sweep spec: random sampling is deterministic in the sampling seed", "[sweep_spec]") {
  TempDir dir;
  dir.write("base.yaml", kBaseScenario);
  const auto spec_with_seed = [&](int seed) {
    return load_sweep_spec(dir.write("random.yaml",
                                     "base: base.yaml\n"
                                     "sampling: random\n"
                                     "samples: 20\n"
                                     "sampling_seed: " + std::to_string(seed) + "\n"
                                     "axes:\n"
                                     "  - key: replicas\n"
                                     "    range: {from: 1, to: 16}\n"
                                     "    integer: true\n"
                                     "  - key: threshold\n"
                                     "    range: {from: 0.5, to: 0.9, step: 0.1}\n"));
  };
  const auto first = expand_points(spec_with_seed(3));
  const auto again = expand_points(spec_with_seed(3));
  const auto other = expand_points(spec_with_seed(4));
  REQUIRE(first.size() == 20);  // continuous thresholds: no repeats
  std::vector<std::string> first_labels, again_labels, other_labels;
  for (const auto& p : first) first_labels.push_back(p.label());
  for (const auto& p : again) again_labels.push_back(p.label());
  for (const auto& p : other) other_labels.push_back(p.label());
  CHECK(first_labels == again_labels);
  CHECK(first_labels != other_labels);
  for (const std::string& text : values_of(first, 0)) {
    CHECK(text.find('.') == std::string::npos);  // integer axis: whole numbers
    CHECK(std::stoi(text) >= 1);
    CHECK(std::stoi(text) <= 16);
  }
  for (const std::string& text : values_of(first, 1)) {
    CHECK(std::stod(text) >= 0.5);
    CHECK(std::stod(text) <= 0.9);
  }
}

TEST_CASE("sweep spec: every problem is reported at once with its position", "[sweep_spec]") {
  TempDir dir;
  dir.write("base.yaml", kBaseScenario);
  const std::string spec_path = dir.write("bad.yaml",
                                          "base: base.yaml\n"                                   // 1
                                          "seeds: 0\n"                                          // 2
                                          "sampels: 3\n"                                        // 3
                                          "axes:\n"                                             // 4
                                          "  - key: a\n"                                        // 5
                                          "    values: []\n"                                    // 6
                                          "  - key: b\n"                                        // 7
                                          "    range: {from: 5, to: 1, step: 0}\n"              // 8
                                          "  - key: c\n"                                        // 9
                                          "    log_range: {from: 0, to: 8, count: 3}\n"         // 10
                                          "  - key: a\n"                                        // 11
                                          "    valuse: [1]\n"                                   // 12
                                          "  - key: p\n"                                        // 13
                                          "    values: [x, y]\n"                                // 14
                                          "    monotone: increasing\n"                          // 15
                                          "  - key: r\n"                                        // 16
                                          "    range: {from: 1, to: 2}\n"                       // 17
                                          "  - key: n\n"                                        // 18
                                          "    range: {from: 1, to: 9, count: 0}\n"             // 19
                                          "  - key: i\n"                                        // 20
                                          "    values: [1, 2]\n"                                // 21
                                          "    integer: maybe\n");                              // 22
  const auto issues = issues_of([&] { load_sweep_spec(spec_path); });
  std::string all;
  for (const auto& issue : issues) all += issue.to_string() + "\n";
  INFO(all);

  const auto check = [&](const std::string& key_path, int line, const std::string& text) {
    const ScenarioIssue* issue = find_issue(issues, key_path);
    REQUIRE(issue != nullptr);
    CHECK(issue->file == spec_path);
    CHECK(issue->line == line);
    CHECK(issue->column > 0);
    CHECK_THAT(issue->message, Catch::Contains(text));
  };
  check("seeds", 2, "whole number >= 1");
  check("sampels", 3, "did you mean `samples`?");
  check("axes[0].values", 6, "at least one value");
  check("axes[1].range.to", 8, "to >= from");
  check("axes[1].range.step", 8, "step > 0");
  check("axes[2].log_range.from", 10, "from > 0");
  check("axes[3].key", 11, "already an axis (axes[0])");
  check("axes[3].valuse", 12, "did you mean `values`?");
  check("axes[4].monotone", 15, "numeric axis");
  check("axes[5].range", 17, "needs `step` or `count`");
  check("axes[6].range.count", 19, "count >= 1");
  check("axes[7].integer", 22, "true or false");
  // Sorted by position.
  for (std::size_t i = 1; i < issues.size(); ++i) CHECK(issues[i - 1].line <= issues[i].line);
}

TEST_CASE("sweep spec: more problems — base file, sampling, types", "[sweep_spec]") {
  TempDir dir;
  dir.write("base.yaml", kBaseScenario);

  auto issues = issues_of([&] { load_sweep_spec(dir.write("a.yaml", "base: missing.yaml\naxes: []\n")); });
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].key_path == "base");
  CHECK(issues[0].line == 1);
  CHECK(issues[0].column == 7);
  CHECK_THAT(issues[0].message, Catch::Contains("cannot read the base scenario"));

  issues = issues_of([&] {
    load_sweep_spec(dir.write("b.yaml", "base: base.yaml\nsampling: random\nsamples: 0\naxes:\n  - key: x\n    values: a\n"));
  });
  REQUIRE(find_issue(issues, "samples") != nullptr);
  CHECK(find_issue(issues, "samples")->line == 3);
  REQUIRE(find_issue(issues, "axes[0].values") != nullptr);
  CHECK_THAT(find_issue(issues, "axes[0].values")->message, Catch::Contains("expected a list of values"));

  issues = issues_of([&] { load_sweep_spec(dir.write("c.yaml", "base: base.yaml\nsampling: latin\naxes: []\n")); });
  REQUIRE(find_issue(issues, "sampling") != nullptr);
  CHECK_THAT(find_issue(issues, "sampling")->message, Catch::Contains("latin_hypercube"));

  issues = issues_of([&] { load_sweep_spec(dir.write("d.yaml", "base: base.yaml\nsampling: random\naxes: []\n")); });
  REQUIRE(find_issue(issues, "samples") != nullptr);
  CHECK_THAT(find_issue(issues, "samples")->message, Catch::Contains("missing"));

  issues = issues_of([&] { load_sweep_spec(dir.write("e.yaml", "axes:\n  - {key: seed, values: [1, 2]}\n")); });
  CHECK(find_issue(issues, "base") != nullptr);
  REQUIRE(find_issue(issues, "axes[0].key") != nullptr);
  CHECK_THAT(find_issue(issues, "axes[0].key")->message, Catch::Contains("seeds"));

  issues = issues_of([&] { load_sweep_spec(dir.write("f.yaml", "base: base.yaml\naxes: [\n")); });
  REQUIRE(issues.size() == 1);
  CHECK_THAT(issues[0].message, Catch::Contains("YAML syntax error"));

  issues = issues_of([&] { load_sweep_spec(dir.write("g.yaml", "base: base.yaml\nset: {x: 1}\naxes: [{key: x, values: [1]}]\n")); });
  REQUIRE(find_issue(issues, "axes[0].key") != nullptr);
  CHECK_THAT(find_issue(issues, "axes[0].key")->message, Catch::Contains("also fixed"));

  issues = issues_of([&] { load_sweep_spec(dir.write("h.yaml", "base: base.yaml\nsamples: 4\naxes: []\n")); });
  REQUIRE(find_issue(issues, "samples") != nullptr);

  issues = issues_of([&] { load_sweep_spec((fs::path(dir.write("x", "")).parent_path() / "nope.yaml").string()); });
  REQUIRE(issues.size() == 1);
  CHECK_THAT(issues[0].message, Catch::Contains("cannot read the sweep spec"));
}

TEST_CASE("sweep spec: axes from the command line", "[sweep_spec]") {
  TempDir dir;
  const std::string base = dir.write("quick.yaml", kBaseScenario);
  const SweepSpec spec = sweep_spec_from_command_line(
      base, {"services[0].replicas=4,6,8", "rate=range:20:80:20:/s", "mc=log:1:64:7:int", "policy=[rr, lo]"}, 3,
      {"duration=20min"});
  CHECK(spec.name == "quick");
  CHECK(spec.spec_path == "--axis");
  CHECK(spec.base_scenario == fs::absolute(base).lexically_normal().string());
  CHECK(spec.seeds == std::vector<std::uint64_t>{42, 43, 44});
  CHECK(spec.fixed_overrides == std::vector<std::string>{"duration=20min"});
  REQUIRE(spec.axes.size() == 4);
  CHECK(spec.axes[0].values == std::vector<std::string>{"4", "6", "8"});
  CHECK(spec.axes[1].values == std::vector<std::string>{"20/s", "40/s", "60/s", "80/s"});
  CHECK(spec.axes[2].values == std::vector<std::string>{"1", "2", "4", "8", "16", "32", "64"});
  CHECK(spec.axes[3].values == std::vector<std::string>{"rr", "lo"});
  CHECK(expand_points(spec).size() == 3 * 4 * 7 * 2);
  CHECK_THAT(spec.spec_text, Catch::Contains("rate=range:20:80:20:/s"));

  auto issues = issues_of([&] {
    sweep_spec_from_command_line(base, {"a=1,2", "b=range:1:x:1", "a=3", "c=1,,2", "novalue", "d=log:0:8:3"}, 0, {});
  });
  std::string all;
  for (const auto& issue : issues) all += issue.to_string() + "\n";
  INFO(all);
  const auto has = [&](const std::string& file, int line, int column, const std::string& text) {
    return std::any_of(issues.begin(), issues.end(), [&](const ScenarioIssue& issue) {
      return issue.file == file && issue.line == line && (column == 0 || issue.column == column) &&
             issue.message.find(text) != std::string::npos;
    });
  };
  CHECK(has("--axis", 2, 11, "expected a number for TO"));  // b=range:1:x:1, `x` is character 11
  CHECK(has("--axis", 3, 1, "already an axis"));
  CHECK(has("--axis", 4, 5, "between the commas"));
  CHECK(has("--axis", 5, 1, "expected `key=v1,v2,...`"));
  CHECK(has("--axis", 6, 7, "from > 0"));
  CHECK(has("--seeds", 0, 0, "at least 1 seed"));

  issues = issues_of([&] { sweep_spec_from_command_line(dir.write("sub/none.yaml", "x: 1\n") + ".missing", {}, 1, {}); });
  REQUIRE(issues.size() == 1);
  CHECK_THAT(issues[0].message, Catch::Contains("cannot read the base scenario"));
}

TEST_CASE("sweep spec: spec files are told apart from scenarios", "[sweep_spec]") {
  TempDir dir;
  const std::string base = dir.write("base.yaml", kBaseScenario);
  CHECK(is_sweep_spec_file(dir.write("spec.yaml", "base: base.yaml\naxes: []\n")));
  CHECK_FALSE(is_sweep_spec_file(base));
  CHECK_FALSE(is_sweep_spec_file(dir.write("broken.yaml", "base: [\n")));
  CHECK_FALSE(is_sweep_spec_file(base + ".missing"));
}

TEST_CASE("sweep spec: the identity hash follows what would be run", "[sweep_spec]") {
  TempDir dir;
  dir.write("base.yaml", kBaseScenario);
  const std::string body =
      "base: base.yaml\nseeds: 2\naxes:\n  - key: replicas\n    values: [2, 4]\n";
  const auto hash_of = [&](const std::string& text) {
    const SweepSpec spec = load_sweep_spec(dir.write("spec.yaml", text));
    return sweep_identity_hash(spec, expand_points(spec));
  };
  const std::string reference = hash_of(body);
  CHECK(reference.size() == 16);
  CHECK(hash_of(body) == reference);
  CHECK(hash_of("name: renamed\n" + body) == reference);           // the name runs nothing different
  CHECK(hash_of("# a comment\n" + body) == reference);
  CHECK(hash_of("base: base.yaml\nseeds: 3\naxes:\n  - key: replicas\n    values: [2, 4]\n") != reference);
  CHECK(hash_of("base: base.yaml\nseeds: 2\naxes:\n  - key: replicas\n    values: [2, 5]\n") != reference);
  CHECK(hash_of("base: base.yaml\nseeds: 2\nset: {duration: 1h}\naxes:\n  - key: replicas\n    values: [2, 4]\n") !=
        reference);
  dir.write("base.yaml", std::string(kBaseScenario) + "# edited\n");
  CHECK(hash_of(body) != reference);
}
