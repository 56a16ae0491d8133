// From a scenario's `failures` section to the plain failure models: the class
// models with their components (from the failure domains of the topology)
// and the failure trace, checked against the platform.
#pragma once

#include "ScenarioSpec.hpp"
#include "failures/FailureDomains.hpp"
#include "failures/FailureGenerator.hpp"

#include <map>
#include <string>
#include <vector>

namespace leptonsim {

// Node names in the simulator's order (site, rack, node), as the platform builder names them.
std::vector<std::string> node_names_of(const PlatformSpec& platform);

// How each GPU node is paid for, by node name (`failures.classes[].purchase`).
std::map<std::string, Purchase> node_purchases(const PlatformSpec& platform);

struct FailureModels {
  std::vector<FailureClassModel> classes;
  std::vector<TraceFailure> trace;
};

// Throws TraceError "path:line: component 'x': ..." for a trace row naming a
// component the platform does not have or that cannot fail.
FailureModels build_failure_models(const ScenarioSpec& spec, const FailureDomains& domains);
inline FailureModels build_failure_models(const ScenarioSpec& spec, const Topology& topology,
                                          const std::vector<std::string>& node_names) {
  return build_failure_models(spec, FailureDomains(topology, node_names));
}

}  // namespace leptonsim
