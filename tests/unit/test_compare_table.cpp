// CompareTable: `leptonsim compare` text against hand-computed Student-t
// intervals, metric selection by name and glob, rows by point and by run,
// several reports, csv and json.
#include <catch2/catch.hpp>

#include "TempDir.hpp"

#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "CompareTable.hpp"
#include "SqliteReport.hpp"

namespace fs = std::filesystem;
using namespace leptonsim;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using leptonsim::testing::TempDir;

RunResult make_run(const std::string& replicas, std::uint64_t seed, double p99, double cost, double slo) {
  RunResult run;
  run.run.scenario_name = "compare-test";
  run.run.scenario_text = "name: compare-test\n";
  run.run.seed = seed;
  run.parameters = {{"services[0].replicas", replicas}, {"duration", "600"}, {"seed", std::to_string(seed)}};
  run.summary.push_back({"service.chat.latency_p99", p99, "s"});
  run.summary.push_back({"cost.total", cost, "USD"});
  if (!std::isnan(slo)) run.summary.push_back({"service.chat.slo_attainment", slo, "1"});
  run.summary.push_back({"cluster.gpus_total", 8.0, "1"});
  return run;
}

// Two points x three seeds:
//   replicas 2: p99 1, 2, 3 (mean 2, s 1); cost 5, 5, 5; slo 0.9, -, 0.95
//   replicas 4: p99 10, 20, 60 (mean 30, s sqrt(700)); cost 7, 8, 9; slo 0.99, -, -
std::string write_sweep(const TempDir& dir, const std::string& name) {
  const std::string path = dir.file(name);
  write_report(path, {make_run("2", 1, 1, 5, 0.9), make_run("2", 2, 2, 5, kNaN), make_run("2", 3, 3, 5, 0.95),
                      make_run("4", 1, 10, 7, 0.99), make_run("4", 2, 20, 8, kNaN), make_run("4", 3, 60, 9, kNaN)});
  return path;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::size_t code_points(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  for (char c : line) {
    if (c == ',') {
      fields.push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  fields.push_back(field);
  return fields;
}

}  // namespace

TEST_CASE("compare: glob patterns", "[compare_table]") {
  CHECK(metric_glob_match("service.*.latency_p99", "service.chat.latency_p99"));
  CHECK(metric_glob_match("service.*.latency_p99", "service.a.b.latency_p99"));
  CHECK_FALSE(metric_glob_match("service.*.latency_p99", "service.chat.latency_p999"));
  CHECK(metric_glob_match("*", "cost.total"));
  CHECK(metric_glob_match("cost.total", "cost.total"));
  CHECK_FALSE(metric_glob_match("cost.total", "cost.totals"));
  CHECK(metric_glob_match("*.p*9", "a.p99"));
  CHECK_FALSE(metric_glob_match("*.p*9", "a.p98"));

  const std::vector<std::string> available = {"service.chat.latency_p99", "cost.total", "service.web.latency_p99",
                                              "service.chat.throughput"};
  CHECK(select_metrics(available, {"cost.total", "service.*.latency_p99", "service.chat.*"}) ==
        std::vector<std::string>{"cost.total", "service.chat.latency_p99", "service.web.latency_p99",
                                 "service.chat.throughput"});
  try {
    select_metrics(available, {"service.chat.latency_p95", "nothing.*"});
    FAIL("expected std::invalid_argument");
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    CHECK_THAT(message, Catch::Contains("unknown metric `service.chat.latency_p95`"));
    CHECK_THAT(message, Catch::Contains("`service.chat.latency_p99`"));
    CHECK_THAT(message, Catch::Contains("unknown metric `nothing.*`"));
  }
  CHECK_THROWS_AS(parse_compare_by("points"), std::invalid_argument);
  CHECK(parse_compare_by("run") == CompareOptions::By::run);
  CHECK(parse_compare_format("csv") == CompareOptions::Format::csv);
  CHECK_THROWS_AS(parse_compare_format("xml"), std::invalid_argument);
}

TEST_CASE("compare: points as mean ± Student-t half width, checked by hand", "[compare_table]") {
  TempDir dir;
  const std::string path = write_sweep(dir, "sweep.db");
  const std::string text = format_comparison(std::vector<std::string>{path}, CompareOptions{});
  INFO(text);
  const auto lines = lines_of(text);
  REQUIRE(lines.size() == 5);  // header, rule, two points, the note

  // Default metrics: cost.total, then the latency and SLO of every service; not cluster.gpus_total.
  CHECK(lines[0].rfind("services[0].replicas", 0) == 0);
  CHECK(lines[0].find("cost.total [USD]") < lines[0].find("service.chat.latency_p99 [s]"));
  CHECK(lines[0].find("service.chat.latency_p99 [s]") < lines[0].find("service.chat.slo_attainment"));
  CHECK(lines[0].find("slo_attainment [") == std::string::npos);  // unit "1" is not shown
  CHECK(lines[0].find("gpus_total") == std::string::npos);
  CHECK(lines[0].find("duration") == std::string::npos);  // same for every point

  // replicas 2: p99 1,2,3 -> mean 2, s = 1, half width t(0.975, 2) / sqrt(3) = 4.302653 * 0.577350 = 2.484138.
  // cost 5,5,5 -> half width 0. slo 0.9, 0.95 -> mean 0.925, s = 0.0353553,
  // half width t(0.975, 1) * s / sqrt(2) = 12.706205 * 0.025 = 0.317655.
  CHECK(lines[2].rfind("2 ", 0) == 0);
  CHECK_THAT(lines[2], Catch::Contains("5 ± 0 (3)"));
  CHECK_THAT(lines[2], Catch::Contains("2 ± 2.484 (3)"));
  CHECK_THAT(lines[2], Catch::Contains("0.925 ± 0.3177 (2)"));
  // replicas 4: p99 10,20,60 -> mean 30, s = sqrt(700) = 26.457513,
  // half width 4.302653 * 26.457513 / sqrt(3) = 65.724105; cost 7,8,9 -> 8 ± 2.484; slo one value -> just the mean.
  CHECK(lines[3].rfind("4 ", 0) == 0);
  CHECK_THAT(lines[3], Catch::Contains("8 ± 2.484 (3)"));
  CHECK_THAT(lines[3], Catch::Contains("30 ± 65.72 (3)"));
  CHECK(lines[3].size() >= 4);
  CHECK(lines[3].substr(lines[3].size() - 4) == "0.99");

  // Aligned: every row is as wide as the rule (the last column is right-aligned).
  CHECK(code_points(lines[0]) == code_points(lines[1]));
  CHECK(code_points(lines[2]) == code_points(lines[1]));
  CHECK(code_points(lines[3]) == code_points(lines[1]));

  // Another confidence level changes the half width: t(0.95, 2) = 2.919986 -> 2.919986 / sqrt(3) = 1.685854.
  CompareOptions ninety;
  ninety.confidence = 0.90;
  ninety.metrics = {"service.chat.latency_p99"};
  CHECK_THAT(format_comparison(std::vector<std::string>{path}, ninety), Catch::Contains("2 ± 1.686 (3)"));
}

TEST_CASE("compare: csv carries mean, interval and n at full precision", "[compare_table]") {
  TempDir dir;
  const std::string path = write_sweep(dir, "sweep.db");
  CompareOptions options;
  options.format = CompareOptions::Format::csv;
  options.metrics = {"service.*.latency_p99", "service.chat.slo_attainment"};
  const auto lines = lines_of(format_comparison(std::vector<std::string>{path}, options));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] ==
        "file,services[0].replicas,service.chat.latency_p99.mean,service.chat.latency_p99.ci_lower,"
        "service.chat.latency_p99.ci_upper,service.chat.latency_p99.n,service.chat.slo_attainment.mean,"
        "service.chat.slo_attainment.ci_lower,service.chat.slo_attainment.ci_upper,service.chat.slo_attainment.n");
  const auto first = split_csv(lines[1]);
  REQUIRE(first.size() == 10);
  CHECK(first[0] == "sweep.db");
  CHECK(first[1] == "2");
  CHECK(std::stod(first[2]) == Approx(2.0));
  CHECK(std::stod(first[3]) == Approx(2.0 - 2.484138).epsilon(1e-6));
  CHECK(std::stod(first[4]) == Approx(2.0 + 2.484138).epsilon(1e-6));
  CHECK(first[5] == "3");
  CHECK(std::stod(first[6]) == Approx(0.925));
  CHECK(std::stod(first[7]) == Approx(0.925 - 0.317655).epsilon(1e-5));
  CHECK(first[9] == "2");
  const auto second = split_csv(lines[2]);
  REQUIRE(second.size() == 10);
  CHECK(std::stod(second[3]) == Approx(30.0 - 65.724105).epsilon(1e-6));
  CHECK(std::stod(second[6]) == Approx(0.99));
  CHECK(second[7].empty());  // one value: no interval
  CHECK(second[8].empty());
  CHECK(second[9] == "1");
}

TEST_CASE("compare: one row per run", "[compare_table]") {
  TempDir dir;
  const std::string path = write_sweep(dir, "sweep.db");
  CompareOptions options;
  options.by = CompareOptions::By::run;
  options.metrics = {"service.chat.latency_p99", "service.chat.slo_attainment"};
  const std::string text = format_comparison(std::vector<std::string>{path}, options);
  INFO(text);
  const auto lines = lines_of(text);
  REQUIRE(lines.size() == 8);  // header, rule, six runs
  CHECK(lines[0].rfind("run  seed  services[0].replicas", 0) == 0);
  CHECK(lines[0].find("status") == std::string::npos);  // every run ok
  CHECK(lines[3].rfind("2    2     2 ", 0) == 0);
  CHECK_THAT(lines[3], Catch::EndsWith("—"));  // no slo in run 2
  CHECK_THAT(lines[7], Catch::Contains("60"));
  CHECK(lines[7].rfind("6    3     4 ", 0) == 0);

  options.format = CompareOptions::Format::json;
  const auto json = nlohmann::json::parse(format_comparison(std::vector<std::string>{path}, options));
  REQUIRE(json.is_array());
  REQUIRE(json.size() == 6);
  CHECK(json[5]["run_id"] == 6);
  CHECK(json[5]["seed"] == 3);
  CHECK(json[5]["parameters"]["services[0].replicas"] == "4");
  CHECK(json[5]["metrics"]["service.chat.latency_p99"] == 60.0);
  CHECK(json[5]["metrics"]["service.chat.slo_attainment"].is_null());
}

TEST_CASE("compare: json by point", "[compare_table]") {
  TempDir dir;
  const std::string path = write_sweep(dir, "sweep.db");
  CompareOptions options;
  options.format = CompareOptions::Format::json;
  const auto json = nlohmann::json::parse(format_comparison(std::vector<std::string>{path}, options));
  REQUIRE(json.size() == 2);
  const auto& p99 = json[0]["metrics"]["service.chat.latency_p99"];
  CHECK(p99["unit"] == "s");
  CHECK(p99["n"] == 3);
  CHECK(p99["mean"].get<double>() == Approx(2.0));
  CHECK(p99["stddev"].get<double>() == Approx(1.0));
  CHECK(p99["ci_upper"].get<double>() == Approx(4.484138).epsilon(1e-6));
  CHECK(json[0]["seeds"] == nlohmann::json::array({1, 2, 3}));
  CHECK(json[1]["metrics"]["service.chat.slo_attainment"]["ci_lower"].is_null());
}

TEST_CASE("compare: several reports are listed one after another", "[compare_table]") {
  TempDir dir;
  const std::string a = write_sweep(dir, "a.db");
  const std::string b = write_sweep(dir, "b.db");
  CompareOptions options;
  options.metrics = {"cost.total"};
  const std::string text = format_comparison(std::vector<std::string>{a, b}, options);
  INFO(text);
  const auto lines = lines_of(text);
  REQUIRE(lines.size() == 7);
  CHECK(lines[0].rfind("file  services[0].replicas", 0) == 0);
  CHECK(lines[2].rfind("a.db  2 ", 0) == 0);
  CHECK(lines[3].rfind("a.db  4 ", 0) == 0);
  CHECK(lines[4].rfind("b.db  2 ", 0) == 0);
  CHECK(lines[5].rfind("b.db  4 ", 0) == 0);

  // Same file names in two folders: the paths tell them apart.
  fs::create_directories(dir.path() / "x");
  fs::create_directories(dir.path() / "y");
  const std::string c = write_sweep(dir, "x/sweep.db");
  const std::string d = write_sweep(dir, "y/sweep.db");
  const std::string both = format_comparison(std::vector<std::string>{c, d}, options);
  CHECK_THAT(both, Catch::Contains(c));
  CHECK_THAT(both, Catch::Contains(d));

  CHECK_THROWS_AS(format_comparison(std::vector<std::string>{a}, CompareOptions{{"cost.totl"}}), std::invalid_argument);
  CHECK_THROWS_AS(format_comparison(std::vector<std::string>{dir.file("missing.db")}, options), std::runtime_error);
}
