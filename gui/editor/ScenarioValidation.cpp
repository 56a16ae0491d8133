// Before any Qt header: the policy headers use `slots` as a field name, which Qt defines as a macro.
#include "RegisterAllPolicies.hpp"
#include "ScenarioLoader.hpp"

#include "editor/ScenarioValidation.hpp"

#include <set>


namespace leptonsim::gui {

namespace {

QString plural(int count, const char* singular, const char* pluralForm) {
  return QStringLiteral("%1 %2").arg(count).arg(QString::fromLatin1(count == 1 ? singular : pluralForm));
}

// Where the loader found `keyPath` (its value), falling back to its parents.
std::pair<int, int> locate(const ScenarioSpec& spec, std::string keyPath) {
  while (!keyPath.empty()) {
    if (auto it = spec.key_locations.find(keyPath); it != spec.key_locations.end()) return it->second;
    const auto cut = keyPath.find_last_of(".[");
    keyPath = cut == std::string::npos ? std::string() : keyPath.substr(0, cut);
  }
  return {0, 0};
}

template <class Registry>
void checkPolicy(const Registry& registry, const ScenarioSpec& spec, const std::string& sectionPath,
                 const std::string& policy, const std::map<std::string, double>& params,
                 QList<ScenarioValidation::Issue>& issues) {
  auto report = [&](const std::string& keyPath, const std::string& message) {
    const auto [line, column] = locate(spec, keyPath);
    issues.push_back({line, column, QString::fromStdString(keyPath), QString::fromStdString(message)});
  };
  try {
    registry.check(policy, {});
  } catch (const std::exception& error) {
    report(sectionPath + ".policy", error.what());
    return;
  }
  for (const auto& [name, value] : params) {
    try {
      registry.check(policy, {{name, value}});
    } catch (const std::exception& error) {
      report(sectionPath + "." + name, error.what());
    }
  }
}

}  // namespace

QString ScenarioValidation::Issue::text() const {
  QString out;
  if (line > 0) out += column > 0 ? QStringLiteral("%1:%2 ").arg(line).arg(column) : QStringLiteral("%1 ").arg(line);
  if (!keyPath.isEmpty()) out += keyPath + QStringLiteral(": ");
  return out + message;
}

QString ScenarioValidation::summary() const {
  if (!isValid()) return plural(int(issues.size()), "problem", "problems");
  return QStringLiteral("valid: %1, %2, %3")
      .arg(plural(siteCount, "site", "sites"), plural(gpuCount, "GPU", "GPUs"),
           plural(serviceCount, "service", "services"));
}

ScenarioValidation ScenarioValidation::check(const std::string& yaml, const std::string& fileName) {
  ScenarioValidation result;
  try {
    const ScenarioSpec spec = load_scenario_text(yaml, fileName);
    const PolicyRegistries& registries = policy_registries();
    std::set<std::string> checked;
    for (std::size_t i = 0; i < spec.services.size(); ++i) {
      const ServiceSpec& service = spec.services[i];
      // A deployment of a service (services[i].deployments[k]) has its policies at services[i].
      const std::string path = service.key_path.empty() ? "services[" + std::to_string(i) + "]"
                                                        : service.key_path.substr(0, service.key_path.find(']') + 1);
      if (!checked.insert(path).second) continue;  // the deployments of one service share its policies
      checkPolicy(registries.load_balancers, spec, path + ".load_balancer", service.load_balancer.policy,
                  service.load_balancer.params, result.issues);
      checkPolicy(registries.autoscalers, spec, path + ".autoscaler", service.autoscaler.policy,
                  service.autoscaler.params, result.issues);
    }
    result.siteCount = int(spec.platform.sites.size());
    // A service deployed at several sites counts once.
    result.serviceCount = int(spec.routed_services.size());
    for (const ServiceSpec& service : spec.services) result.serviceCount += service.routed_service < 0 ? 1 : 0;
    for (const SiteSpec& site : spec.platform.sites)
      if (const NodeShape* shape = spec.catalog.find_node_shape(site.node))
        result.gpuCount += site.gpu_nodes() * shape->gpus;
  } catch (const ScenarioError& error) {
    for (const ScenarioIssue& issue : error.issues())
      result.issues.push_back({issue.line, issue.column, QString::fromStdString(issue.key_path),
                               QString::fromStdString(issue.message)});
  } catch (const std::exception& error) {
    result.issues.push_back({0, 0, QString(), QString::fromStdString(error.what())});
  }
  return result;
}

}  // namespace leptonsim::gui
