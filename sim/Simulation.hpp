// One simulation run: scenario in, RunResult out. One per process (SimGrid
// allows a single engine per process).
#pragma once

#include "RunResult.hpp"
#include "ScenarioSpec.hpp"

#include <functional>
#include <string>

namespace leptonsim {

enum class ProgressMode { none, text, json };

struct RunOptions {
  ProgressMode progress = ProgressMode::none;
  std::string version = "0";
  // Cross-check: also integrate the nodes' power with SimGrid's host energy
  // plugin (energy.simgrid_plugin_it_kwh). The plugin sees only work modelled
  // as executions on the GPU hosts (time and FLOP demand, `work` jobs), not
  // timer-driven work (LLM decoding, `duration` jobs).
  bool simgrid_energy = false;
};

// Runs the scenario to its end and returns everything the report holds.
// Throws std::runtime_error when the scenario cannot be set up (e.g. replicas do not fit).
RunResult run_simulation(const ScenarioSpec& spec, const RunOptions& options);

// FNV-1a 64-bit hash of a text, as 16 hex digits (scenario identity in reports).
std::string text_hash(const std::string& text);

}  // namespace leptonsim
