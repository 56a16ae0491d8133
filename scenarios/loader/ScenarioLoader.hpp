// ScenarioLoader: YAML scenario file -> validated ScenarioSpec.
//
// Loading applies `--set key.path=value` overrides to the YAML tree, checks the
// tree against the schema (ScenarioSchema.hpp: unknown keys, types, units,
// ranges) and then the cross-field rules (names, capacities, connectivity), and
// throws one ScenarioError listing every problem found, each with its position.
//
// Positions are 1-based. A problem in a value given by `--set` is reported with
// file "--set", line = the number of the override (1 for the first --set) and
// column = the character of that override string where the problem starts.
#pragma once

#include "ScenarioSpec.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace leptonsim {

struct ScenarioIssue {
  std::string file;      // scenario file name, or "--set"
  int line = 0;          // 1-based; 0 = no position (e.g. the file cannot be read)
  int column = 0;        // 1-based; 0 = no position
  std::string key_path;  // e.g. "services[0].replicas"; "" for syntax errors
  std::string message;   // what is wrong and what was expected
  // "file:line:col: key.path: message" (parts without a value are left out).
  std::string to_string() const;
};

class ScenarioError : public std::runtime_error {
public:
  explicit ScenarioError(std::vector<ScenarioIssue> issues);
  const std::vector<ScenarioIssue>& issues() const { return issues_; }

private:
  std::vector<ScenarioIssue> issues_;
};

// Reads, overrides and validates a scenario file. Throws ScenarioError.
ScenarioSpec load_scenario_file(const std::string& path, const std::vector<std::string>& set_overrides = {});
// The same for YAML text; `file_name` is used in messages and as source_path.
ScenarioSpec load_scenario_text(const std::string& yaml_text, const std::string& file_name,
                                const std::vector<std::string>& set_overrides = {});

// The full text of docs/scenario-reference.md, generated from the schema table
// the validator uses.
std::string scenario_reference_markdown();

}  // namespace leptonsim
