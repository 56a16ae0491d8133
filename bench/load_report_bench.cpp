// Times what the GUI does when it opens a report: read_report_overview, then
// load_run_dataset of the first run (curves downsampled while streaming).
//
//   leptonsim_load_report_bench big.sqlite [--repetitions 5] [--max-points 4000]
//
// Prints the median (and min/max) wall milliseconds over the repetitions, and
// the CPU time of both together (robust when others share the machine). The
// file is in the OS page cache after the first repetition, as it is when the
// GUI reopens a report the simulator has just written.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "ReportDataset.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double milliseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// CPU time of the process: unlike wall time it does not grow when other
// programs share the cores.
double cpu_milliseconds() { return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

struct Timings {
  std::vector<double> values;
  double median() const {
    std::vector<double> v = values;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  }
  double min() const { return *std::min_element(values.begin(), values.end()); }
  double max() const { return *std::max_element(values.begin(), values.end()); }
};

void print(const char* what, const Timings& t) {
  std::cout << fmt::format("  {:<28} median {:8.1f} ms   (min {:.1f}, max {:.1f})\n", what,
                           t.median(), t.min(), t.max());
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  int repetitions = 5;
  std::size_t max_points = 4000;
  bool also_full = false;
  CLI::App app{"Times read_report_overview + load_run_dataset on a report"};
  app.add_option("report", path, "report file")->required()->check(CLI::ExistingFile);
  app.add_option("-n,--repetitions", repetitions, "repetitions")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--max-points", max_points, "points per curve after downsampling (0 = all)")->capture_default_str();
  app.add_flag("--also-full", also_full, "also time loading every point (max_points 0)");
  CLI11_PARSE(app, argc, argv);

  try {
    Timings overview_ms, dataset_ms, total_ms, total_cpu_ms, full_ms;
    std::int64_t rows = 0;
    std::size_t curves = 0, kept = 0, events = 0;
    for (int i = 0; i < repetitions; ++i) {
      const auto start = Clock::now();
      const double cpu_start = cpu_milliseconds();
      const leptonsim::ReportOverview overview = leptonsim::read_report_overview(path);
      overview_ms.values.push_back(milliseconds_since(start));
      if (overview.runs.empty()) throw std::runtime_error("the report has no runs");
      const auto dataset_start = Clock::now();
      const leptonsim::RunDataset dataset =
          leptonsim::load_run_dataset(path, overview.runs.front().run_id, max_points);
      dataset_ms.values.push_back(milliseconds_since(dataset_start));
      total_ms.values.push_back(milliseconds_since(start));
      total_cpu_ms.values.push_back(cpu_milliseconds() - cpu_start);
      rows = 0;
      kept = 0;
      for (const auto& info : dataset.series_info) rows += info.points;
      for (const auto& ts : dataset.series) kept += ts.t.size();
      curves = dataset.series.size();
      events = dataset.events.size();
      if (also_full) {
        const auto full_start = Clock::now();
        const leptonsim::RunDataset full =
            leptonsim::load_run_dataset(path, overview.runs.front().run_id, 0);
        full_ms.values.push_back(milliseconds_since(full_start));
      }
    }
    std::cout << fmt::format("{}: {:.1f} MB, {} time-series rows in {} curves, {} events\n", path,
                             static_cast<double>(std::filesystem::file_size(path)) / 1e6, rows,
                             curves, events);
    std::cout << fmt::format("{} repetitions, max_points_per_series {} ({} points kept)\n",
                             repetitions, max_points, kept);
    print("read_report_overview", overview_ms);
    print("load_run_dataset", dataset_ms);
    print("overview + dataset", total_ms);
    print("overview + dataset, CPU time", total_cpu_ms);
    if (also_full) print("load_run_dataset, all points", full_ms);
  } catch (const std::exception& e) {
    std::cerr << "leptonsim_load_report_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
