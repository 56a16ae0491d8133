#include "FailureSetup.hpp"

#include "DistributionFromSpec.hpp"
#include "NodePricing.hpp"
#include "workload/TraceRecord.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <fmt/format.h>

namespace leptonsim {

std::vector<std::string> node_names_of(const PlatformSpec& platform) {
  std::vector<std::string> names;
  for (const SiteSpec& site : platform.sites)
    for (int rack = 0; rack < site.gpu_racks(); ++rack)
      for (int node = 0; node < site.nodes_in_rack(rack); ++node) names.push_back(fmt::format("{}/r{}/n{}", site.name, rack, node));
  return names;
}

std::map<std::string, Purchase> node_purchases(const PlatformSpec& platform) {
  std::map<std::string, Purchase> purchases;
  for (const SiteSpec& site : platform.sites) {
    const std::vector<Purchase> by_node = site_node_purchases(site);
    std::size_t k = 0;
    for (int rack = 0; rack < site.gpu_racks(); ++rack)
      for (int node = 0; node < site.nodes_in_rack(rack); ++node)
        purchases[fmt::format("{}/r{}/n{}", site.name, rack, node)] = by_node[k++];
  }
  return purchases;
}

FailureModels build_failure_models(const ScenarioSpec& spec, const FailureDomains& domains) {
  FailureModels models;
  for (std::size_t c = 0; c < spec.failures.classes.size(); ++c) {
    const FailureClassSpec& failure_class = spec.failures.classes[c];
    const FailureComponent kind = parse_failure_component(failure_class.component);
    std::vector<std::string> components = domains.components(kind, failure_class.site);
    if (components.empty() && (kind == FailureComponent::storage_node || kind == FailureComponent::disk))
      throw std::invalid_argument(fmt::format("failure class `{}`: the platform has no {}s: give a site `storage: {{racks: ...}}`",
                                              failure_class.name, failure_class.component));
    if (!failure_class.components.empty()) {
      // Only the listed ones, each of the class's kind (and site).
      for (const std::string& name : failure_class.components)
        if (std::find(components.begin(), components.end(), name) == components.end())
          throw std::invalid_argument(fmt::format(
              "failure class `{}`: `{}` is not a {} of {} (e.g. `{}`)", failure_class.name, name, failure_class.component,
              failure_class.site.empty() ? std::string("the platform") : "site " + failure_class.site,
              components.empty() ? std::string("none") : components.front()));
      components = failure_class.components;
    }
    if (failure_class.purchase) {
      // Only components of nodes paid for that way: the node is the first three parts of the name.
      const std::map<std::string, Purchase> purchases = node_purchases(spec.platform);
      std::erase_if(components, [&](const std::string& component) {
        std::size_t end = 0;
        for (int parts = 0; parts < 3 && end != std::string::npos; ++parts) end = component.find('/', end + (parts > 0));
        const auto found = purchases.find(component.substr(0, end));
        return found == purchases.end() || found->second != *failure_class.purchase;
      });
      if (components.empty())
        throw std::invalid_argument(fmt::format("failure class `{}`: no {} of a node paid for as `{}`", failure_class.name,
                                                failure_class.component, purchase_name(*failure_class.purchase)));
    }
    models.classes.push_back(FailureClassModel{failure_class.name, to_distribution(failure_class.time_to_failure),
                                               to_distribution(failure_class.repair), std::move(components),
                                               failure_class.notice});
  }
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
                                   "`site/leaf0`, rack `site/r0`, site `site`, storage node `site/sr0/s0` or disk `site/sr0/s0/disk0`)",
                                   path.string(), row.line, row.component));
    } catch (const std::invalid_argument& error) {
      throw TraceError(fmt::format("{}:{}: component '{}': {}", path.string(), row.line, row.component, error.what()));
    }
  }
  return models;
}

}  // namespace leptonsim
