#include "FailureSetup.hpp"

#include "DistributionFromSpec.hpp"
#include "workload/TraceRecord.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace leptonsim {

std::vector<std::string> node_names_of(const PlatformSpec& platform) {
  std::vector<std::string> names;
  for (const SiteSpec& site : platform.sites)
    for (int rack = 0; rack < site.racks; ++rack)
      for (int node = 0; node < site.nodes_per_rack; ++node) names.push_back(fmt::format("{}/r{}/n{}", site.name, rack, node));
  return names;
}

FailureModels build_failure_models(const ScenarioSpec& spec, const FailureDomains& domains) {
  FailureModels models;
  for (const FailureClassSpec& failure_class : spec.failures.classes)
    models.classes.push_back(FailureClassModel{
        failure_class.name, to_distribution(failure_class.time_to_failure), to_distribution(failure_class.repair),
        domains.components(parse_failure_component(failure_class.component), failure_class.site)});
  if (spec.failures.trace_path.empty()) return models;
  std::filesystem::path path = spec.failures.trace_path;
  if (!path.is_absolute() && !spec.source_path.empty()) path = std::filesystem::path(spec.source_path).parent_path() / path;
  models.trace = read_failure_trace(path);
  for (const TraceFailure& row : models.trace) {
    try {
      domains.effect(row.component);
    } catch (const std::out_of_range&) {
      throw TraceError(fmt::format("{}:{}: component '{}': the platform has no such component (expected a GPU "
                                   "`site/r0/n0/gpu0`, node `site/r0/n0`, `site/r0/n0/nic`, `site/r0/n0/link`, switch "
                                   "`site/leaf0`, rack `site/r0` or site `site`)",
                                   path.string(), row.line, row.component));
    } catch (const std::invalid_argument& error) {
      throw TraceError(fmt::format("{}:{}: component '{}': {}", path.string(), row.line, row.component, error.what()));
    }
  }
  return models;
}

}  // namespace leptonsim
