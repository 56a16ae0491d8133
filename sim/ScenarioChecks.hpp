// Checks that need more than the scenario schema: policy names and parameters
// against the registries, and whether the fixed replicas can be placed.
#pragma once

#include "ScenarioLoader.hpp"

#include <vector>

namespace leptonsim {

std::vector<ScenarioIssue> check_scenario_semantics(const ScenarioSpec& spec);

// Throws ScenarioError when check_scenario_semantics finds anything.
void require_runnable(const ScenarioSpec& spec);

}  // namespace leptonsim
