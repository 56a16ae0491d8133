#include "ScenarioChecks.hpp"

#include "RegisterAllPolicies.hpp"
#include "scheduling/StaticReplicaPlacement.hpp"
#include "topology/Topology.hpp"

#include <fmt/format.h>

namespace leptonsim {

std::vector<ScenarioIssue> check_scenario_semantics(const ScenarioSpec& spec) {
  std::vector<ScenarioIssue> issues;
  auto issue = [&](const std::string& key_path, const std::string& message) {
    ScenarioIssue found;
    found.file = spec.source_path;
    found.key_path = key_path;
    found.message = message;
    if (auto it = spec.key_locations.find(key_path); it != spec.key_locations.end()) {
      found.line = it->second.first;
      found.column = it->second.second;
    }
    issues.push_back(std::move(found));
  };
  for (std::size_t s = 0; s < spec.services.size(); ++s) {
    const ServiceSpec& service = spec.services[s];
    try {
      policy_registries().load_balancers.check(service.load_balancer.policy, service.load_balancer.params);
    } catch (const PolicyError& error) {
      issue(fmt::format("services[{}].load_balancer.policy", s), error.what());
    }
  }
  if (!issues.empty() || spec.platform.sites.empty()) return issues;

  // Every GPU, CPU and NIC must reach every other one over the network.
  if (!Topology(spec.platform, spec.catalog).is_connected())
    issue("platform", "the platform's network is not connected: add WAN links so every site reaches every other");

  // The same first-fit placement the simulator uses, on the catalogue's node shapes.
  std::vector<NodeCapacity> nodes;
  for (const SiteSpec& site : spec.platform.sites) {
    const NodeShape* shape = spec.catalog.find_node_shape(site.node);
    if (shape == nullptr) return issues;
    for (int n = 0; n < site.racks * site.nodes_per_rack; ++n) nodes.push_back({site.name, shape->gpu_type, shape->gpus});
  }
  std::vector<ReplicaRequest> requests;
  std::vector<std::size_t> owner;
  for (std::size_t s = 0; s < spec.services.size(); ++s) {
    const ServiceSpec& service = spec.services[s];
    const std::string site = service.site.empty() ? spec.platform.sites.front().name : service.site;
    std::string gpu_type = service.gpu_type;
    for (const SiteSpec& candidate : spec.platform.sites)
      if (candidate.name == site && gpu_type.empty()) gpu_type = spec.catalog.find_node_shape(candidate.node)->gpu_type;
    for (int r = 0; r < service.replicas; ++r) {
      requests.push_back({service.name, site, gpu_type, service.gpus_per_replica});
      owner.push_back(s);
    }
  }
  const PlacementResult placement = place_replicas_first_fit(nodes, requests);
  for (std::size_t i = 0; i < placement.assignments.size(); ++i)
    if (placement.assignments[i].node < 0) {
      issue(fmt::format("services[{}].replicas", owner[i]), placement.error);
      break;
    }
  return issues;
}

void require_runnable(const ScenarioSpec& spec) {
  auto issues = check_scenario_semantics(spec);
  if (!issues.empty()) throw ScenarioError(std::move(issues));
}

}  // namespace leptonsim
