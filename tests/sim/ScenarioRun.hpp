// Running a scenario written in a test through the CLI, and reading its summary.
#pragma once

#include "CliRunner.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

namespace leptonsim::testing {

// Writes the scenario (and the files it names) to a fresh directory, runs it
// and returns its report; the test fails with the CLI's stderr if it does not run.
inline RunResult run_with_files(const std::string& yaml, const std::map<std::string, std::string>& files = {}) {
  TempDir dir;
  write_file(dir / "s.yaml", yaml);
  for (const auto& [name, text] : files) write_file(dir / name, text);
  const CliResult ran = run_leptonsim({"run", (dir / "s.yaml").string(), "-o", (dir / "r.db").string(), "-q"}, dir);
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  return ReportReader((dir / "r.db").string()).load(1);
}

// A summary metric of the run; the test fails when the run has no such metric.
inline double metric(const RunResult& result, const std::string& name) {
  for (const SummaryMetric& m : result.summary)
    if (m.metric == name) return m.value;
  FAIL("no metric " << name);
  return 0.0;
}

}  // namespace leptonsim::testing
