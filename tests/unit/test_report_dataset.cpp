// ReportDataset: round trip through write_report into real temporary files,
// downsampled and full loading, range reloads, and errors that name the file.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "Downsampling.hpp"
#include "ReportDataset.hpp"
#include "SqliteReport.hpp"

namespace fs = std::filesystem;
using namespace leptonsim;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// A fresh directory under the system temp dir, removed with its contents.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "leptonsim-dataset-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

TimeSeries curve(const std::string& series, const std::string& entity, std::size_t points,
                 double dt, double (*value_at)(std::size_t)) {
  TimeSeries ts;
  ts.series = series;
  ts.entity = entity;
  for (std::size_t i = 0; i < points; ++i) {
    ts.t.push_back(dt * static_cast<double>(i + 1));
    ts.value.push_back(value_at(i));
  }
  return ts;
}

double sawtooth(std::size_t i) { return static_cast<double>(i % 37) - 0.25 * static_cast<double>(i % 5); }
double with_gaps(std::size_t i) { return i % 50 == 7 ? kNaN : 0.5 + 0.001 * static_cast<double>(i); }
double small_counts(std::size_t i) { return static_cast<double>(i); }

RunResult make_run(std::uint64_t seed, const std::string& replicas) {
  RunResult r;
  r.run.scenario_name = "quickstart";
  r.run.scenario_hash = "abc123";
  r.run.scenario_text = "name: quickstart\n";
  r.run.scenario_path = "scenarios/quickstart.yaml";
  r.run.seed = seed;
  r.run.version = "0.1.0";
  r.run.simulated_seconds = 1000.0;
  r.run.started_at = "2024-06-11T10:00:00Z";
  r.run.wall_seconds = 0.5;
  r.parameters = {{"seed", std::to_string(seed)}, {"services.chat.replicas", replicas}};
  r.summary = {{"service.chat.latency_p99", 0.25 + static_cast<double>(seed) * 0.01, "s"},
               {"service.chat.throughput", 40.0, "req/s"},
               {"service.search.latency_p99", kNaN, "s"}};
  // Written out of (series, entity) order on purpose: the dataset sorts.
  r.timeseries = {curve("service.queue_length", "search", 10, 1.0, small_counts),
                  curve("service.queue_length", "chat", 1000, 1.0, sawtooth),
                  curve("cluster.gpu_utilization", "", 500, 2.0, with_gaps)};
  // Events out of time order, with a tie at t = 5 in written order.
  r.events = {{0.0, "run_start", "", R"({"nodes":2})"},
              {5.0, "scale_decision", "chat", R"({"from":2,"to":3})"},
              {2.0, "replica_placed", "chat", R"({"replica":0,"node":"n0","gpus":["n0/gpu0"]})"},
              {5.0, "replica_starting", "chat", R"({"replica":2,"node":"n1","gpus":["n1/gpu0"]})"},
              {1000.0, "run_end", "", "{}"}};
  r.replicas = {{"chat", 0, "n0", "n0/gpu0", 1234, 0.5}, {"chat", 1, "n0", "n0/gpu1", 1200, 0.25}};
  return r;
}

std::string write_two_runs(const ScratchDir& dir) {
  const std::string path = dir.file("report.sqlite");
  RunResult second = make_run(43, "4");
  second.run.status = "failed";
  write_report(path, {make_run(42, "2"), second}, ReportInfo{"leptonsim sweep", {{"sweep_id", "s1"}}});
  return path;
}

bool same_values(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}

TimeSeries slice(const TimeSeries& ts, double from, double to) {
  TimeSeries out;
  out.series = ts.series;
  out.entity = ts.entity;
  for (std::size_t i = 0; i < ts.t.size(); ++i)
    if (ts.t[i] >= from && ts.t[i] <= to) {
      out.t.push_back(ts.t[i]);
      out.value.push_back(ts.value[i]);
    }
  return out;
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("report overview lists every run without time series", "[report_dataset]") {
  ScratchDir dir;
  const std::string path = write_two_runs(dir);
  const ReportOverview report = read_report_overview(path);
  CHECK(report.path == path);
  CHECK(report.meta.at("schema_version") == "1");
  CHECK(report.meta.at("created_by") == "leptonsim sweep");
  CHECK(report.meta.at("sweep_id") == "s1");
  REQUIRE(report.runs.size() == 2);
  const RunOverview& first = report.runs[0];
  CHECK(first.run_id == 1);
  CHECK(first.run.scenario_name == "quickstart");
  CHECK(first.run.scenario_text == "name: quickstart\n");
  CHECK(first.run.seed == 42);
  CHECK(first.run.status == "ok");
  CHECK(first.parameters.at("seed") == "42");
  CHECK(first.parameters.at("services.chat.replicas") == "2");
  CHECK(first.summary.at("service.chat.latency_p99") == Approx(0.67));
  CHECK(std::isnan(first.summary.at("service.search.latency_p99")));
  CHECK(first.units.at("service.chat.throughput") == "req/s");
  CHECK(report.runs[1].run_id == 2);
  CHECK(report.runs[1].run.status == "failed");
  CHECK(report.runs[1].parameters.at("services.chat.replicas") == "4");
}

TEST_CASE("run dataset round trip keeps every point with no budget", "[report_dataset]") {
  ScratchDir dir;
  const std::string path = write_two_runs(dir);
  const RunResult written = make_run(42, "2");
  const RunDataset dataset = load_run_dataset(path, 1, 0);

  CHECK(dataset.report_path == path);
  CHECK(dataset.max_points_per_series == 0);
  CHECK(dataset.overview.run_id == 1);
  CHECK(dataset.overview.run.seed == 42);
  CHECK(dataset.label() == "quickstart (seed 42, run 1)");
  CHECK(dataset.summary_value("service.chat.throughput") == 40.0);
  CHECK(std::isnan(dataset.summary_value("service.search.latency_p99").value()));
  CHECK_FALSE(dataset.summary_value("cost.total").has_value());

  // Sorted by (series, entity); counts and spans of the file.
  REQUIRE(dataset.series_info.size() == 3);
  REQUIRE(dataset.series.size() == 3);
  CHECK(dataset.series_info[0].series == "cluster.gpu_utilization");
  CHECK(dataset.series_info[0].entity == "");
  CHECK(dataset.series_info[0].points == 500);
  CHECK(dataset.series_info[0].t_min == 2.0);
  CHECK(dataset.series_info[0].t_max == 1000.0);
  CHECK(dataset.series_info[1].entity == "chat");
  CHECK(dataset.series_info[1].points == 1000);
  CHECK(dataset.series_info[2].entity == "search");
  CHECK(dataset.series_info[2].points == 10);
  CHECK(dataset.series_info[2].t_max == 10.0);

  const TimeSeries* chat = dataset.find_series("service.queue_length", "chat");
  REQUIRE(chat != nullptr);
  CHECK(chat->t == written.timeseries[1].t);
  CHECK(chat->value == written.timeseries[1].value);
  const TimeSeries* cluster = dataset.find_series("cluster.gpu_utilization", "");
  REQUIRE(cluster != nullptr);
  CHECK(same_values(cluster->value, written.timeseries[2].value));
  CHECK(dataset.find_series("service.queue_length", "missing") == nullptr);
  CHECK(dataset.find_series("no.such.series", "") == nullptr);

  const auto queues = dataset.series_named("service.queue_length");
  REQUIRE(queues.size() == 2);
  CHECK(queues[0]->entity == "chat");
  CHECK(queues[1]->entity == "search");
  CHECK(dataset.series_named("service.latency_p99").empty());

  // Events in time order, ties in written order.
  REQUIRE(dataset.events.size() == 5);
  CHECK(dataset.events[0].kind == "run_start");
  CHECK(dataset.events[1].kind == "replica_placed");
  CHECK(dataset.events[2].kind == "scale_decision");
  CHECK(dataset.events[3].kind == "replica_starting");
  CHECK(dataset.events[4].kind == "run_end");
  CHECK(dataset.events[3].detail == R"({"replica":2,"node":"n1","gpus":["n1/gpu0"]})");

  REQUIRE(dataset.replicas.size() == 2);
  CHECK(dataset.replicas[1].gpus == "n0/gpu1");
  CHECK(dataset.replicas[1].requests_completed == 1200);
  CHECK(dataset.replicas[1].busy_fraction == 0.25);
}

TEST_CASE("run dataset downsamples each curve on load", "[report_dataset]") {
  ScratchDir dir;
  const std::string path = write_two_runs(dir);
  const RunResult written = make_run(42, "2");
  const RunDataset dataset = load_run_dataset(path, 1, 40);
  CHECK(dataset.max_points_per_series == 40);

  const TimeSeries* chat = dataset.find_series("service.queue_length", "chat");
  REQUIRE(chat != nullptr);
  CHECK(chat->t.size() <= 40);
  const TimeSeries expected_chat = downsample_min_max(written.timeseries[1], 40);
  CHECK(chat->t == expected_chat.t);
  CHECK(chat->value == expected_chat.value);

  const TimeSeries* cluster = dataset.find_series("cluster.gpu_utilization", "");
  REQUIRE(cluster != nullptr);
  const TimeSeries expected_cluster = downsample_min_max(written.timeseries[2], 40);
  CHECK(cluster->t == expected_cluster.t);
  CHECK(same_values(cluster->value, expected_cluster.value));

  // Small curves stay whole; series_info still counts the rows of the file.
  CHECK(dataset.find_series("service.queue_length", "search")->t.size() == 10);
  CHECK(dataset.series_info[1].points == 1000);
}

TEST_CASE("series ranges reload a zoomed window", "[report_dataset]") {
  ScratchDir dir;
  const std::string path = write_two_runs(dir);
  const RunResult written = make_run(42, "2");

  const TimeSeries full = load_series_range(path, 1, "service.queue_length", "chat", 100.0, 200.0, 0);
  CHECK(full.series == "service.queue_length");
  CHECK(full.entity == "chat");
  const TimeSeries expected = slice(written.timeseries[1], 100.0, 200.0);
  REQUIRE(full.t.size() == 101);  // t = 100 .. 200 inclusive
  CHECK(full.t == expected.t);
  CHECK(full.value == expected.value);

  const TimeSeries thin = load_series_range(path, 1, "service.queue_length", "chat", 100.0, 200.0, 12);
  const TimeSeries expected_thin = downsample_min_max(expected, 12);
  CHECK(thin.t == expected_thin.t);
  CHECK(thin.value == expected_thin.value);

  const TimeSeries gaps = load_series_range(path, 1, "cluster.gpu_utilization", "", -kInf, kInf, 0);
  CHECK(same_values(gaps.value, written.timeseries[2].value));

  CHECK(load_series_range(path, 1, "service.queue_length", "chat", 5000.0, 6000.0, 100).t.empty());
  CHECK(load_series_range(path, 1, "no.such.series", "chat", 0.0, 10.0, 100).t.empty());
  const std::string unknown_run =
      error_of([&] { load_series_range(path, 9, "service.queue_length", "chat", 0.0, 1.0, 100); });
  CHECK_THAT(unknown_run, Catch::Contains(path) && Catch::Contains("run_id 9"));
  CHECK_THROWS_AS(load_series_range(path, 1, "service.queue_length", "chat", 0.0, 1.0, 2),
                  std::invalid_argument);
}

TEST_CASE("report dataset errors name the file", "[report_dataset]") {
  ScratchDir dir;
  SECTION("missing file") {
    const std::string path = dir.file("missing.sqlite");
    CHECK_THAT(error_of([&] { read_report_overview(path); }), Catch::Contains(path));
    CHECK_THAT(error_of([&] { load_run_dataset(path, 1); }), Catch::Contains(path));
    CHECK_THROWS_AS(read_report_overview(path), std::runtime_error);
  }
  SECTION("a text file") {
    const std::string path = dir.file("notes.sqlite");
    std::ofstream(path) << "these are not the results you are looking for\n";
    CHECK_THAT(error_of([&] { read_report_overview(path); }), Catch::Contains(path));
    CHECK_THAT(error_of([&] { load_run_dataset(path, 1); }), Catch::Contains(path));
  }
  SECTION("an SQLite file that is not a report") {
    const std::string path = dir.file("other.sqlite");
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", nullptr, nullptr,
                         nullptr) == SQLITE_OK);
    sqlite3_close(db);
    const std::string message = error_of([&] { read_report_overview(path); });
    CHECK_THAT(message, Catch::Contains(path) && Catch::Contains("not a leptonsim report"));
  }
  SECTION("unknown run") {
    const std::string path = write_two_runs(dir);
    CHECK_THAT(error_of([&] { load_run_dataset(path, 7); }),
               Catch::Contains(path) && Catch::Contains("run_id 7"));
  }
}

TEST_CASE("report reader streams curves through the index", "[report_dataset]") {
  ScratchDir dir;
  const std::string path = write_two_runs(dir);
  const ReportReader reader(path);
  const auto keys = reader.series_keys(2);
  REQUIRE(keys.size() == 3);
  CHECK(keys[0] == std::make_pair(std::string("cluster.gpu_utilization"), std::string()));
  CHECK(keys[2] == std::make_pair(std::string("service.queue_length"), std::string("search")));

  const auto span = reader.time_span(1, "service.queue_length", "chat", 10.5, 20.5);
  REQUIRE(span.has_value());
  CHECK(span->first == 11.0);
  CHECK(span->second == 20.0);
  CHECK_FALSE(reader.time_span(1, "service.queue_length", "nobody").has_value());

  std::vector<double> times;
  const auto count = reader.for_each_point(1, "service.queue_length", "search", 3.0, 5.0,
                                           [&](double t, double) { times.push_back(t); });
  CHECK(count == 3);
  CHECK(times == std::vector<double>{3.0, 4.0, 5.0});

  const auto runs = reader.runs();
  REQUIRE(runs.size() == 2);
  CHECK(runs.at(2).status == "failed");
  CHECK(reader.parameters_of_all_runs().at(1).at("services.chat.replicas") == "2");
  CHECK(reader.summaries_of_all_runs().at(2).size() == 3);
  CHECK_THROWS_AS(reader.series_keys(5), std::runtime_error);
}

TEST_CASE("run dataset with many curves matches what was written", "[report_dataset]") {
  // Enough curves that load_run_dataset reads them on several connections
  // when the machine has more than one core.
  ScratchDir dir;
  const std::string path = dir.file("nodes.sqlite");
  RunResult run = make_run(7, "2");
  run.timeseries.clear();
  for (int n = 0; n < 40; ++n) {
    TimeSeries ts = curve("node.gpu_utilization", "us-east/r0/n" + std::to_string(n),
                          static_cast<std::size_t>(50 + 13 * n), 1.0, sawtooth);
    for (double& v : ts.value) v += n;  // each curve distinct
    run.timeseries.push_back(std::move(ts));
  }
  write_report(path, {run});
  for (std::size_t budget : {std::size_t{0}, std::size_t{64}}) {
    const RunDataset dataset = load_run_dataset(path, 1, budget);
    REQUIRE(dataset.series.size() == 40);
    for (const TimeSeries& written : run.timeseries) {
      const TimeSeries* loaded = dataset.find_series(written.series, written.entity);
      REQUIRE(loaded != nullptr);
      const TimeSeries expected = downsample_min_max(written, budget);
      CHECK(loaded->t == expected.t);
      CHECK(loaded->value == expected.value);
    }
    std::map<std::string, std::size_t> written_points;
    for (const TimeSeries& written : run.timeseries) written_points[written.entity] = written.t.size();
    for (std::size_t i = 0; i < dataset.series.size(); ++i) {
      CHECK(dataset.series[i].entity == dataset.series_info[i].entity);
      CHECK(dataset.series_info[i].points ==
            static_cast<std::int64_t>(written_points.at(dataset.series_info[i].entity)));
    }
  }
}

