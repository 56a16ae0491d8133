#include "editor/ScenarioKnob.hpp"

#include "ScenarioSchema.hpp"

namespace leptonsim::gui {

namespace {

const QString sitePrefix = QStringLiteral("platform.sites[].");
const QString servicePrefix = QStringLiteral("services[].");

}  // namespace

bool ScenarioKnob::isInSchema() const {
  const std::string path = pattern.toStdString();
  const SchemaEntry* entry = find_schema_entry(path);
  return entry != nullptr && entry->path == path;
}

QString ScenarioKnob::relativeKey() const {
  switch (scope) {
    case Scope::site:
      return pattern.startsWith(sitePrefix) ? pattern.mid(sitePrefix.size()) : pattern;
    case Scope::service:
      return pattern.startsWith(servicePrefix) ? pattern.mid(servicePrefix.size()) : pattern;
    case Scope::scenario:
      break;
  }
  return pattern;
}

const std::vector<ScenarioKnob>& scenarioKnobTable() {
  using Scope = ScenarioKnob::Scope;
  using Widget = ScenarioKnob::Widget;
  static const std::vector<ScenarioKnob> table = {
      {Scope::scenario, "duration", "Duration", Widget::automatic, {}, {}},
      {Scope::scenario, "seed", "Seed", Widget::automatic, {}, {}},
      {Scope::scenario, "cost.provider", "Price list", Widget::automatic, {}, {}},
      {Scope::scenario, "cost.energy.price", "Electricity price", Widget::automatic, {}, {}},
      {Scope::scenario, "cost.energy.pue", "PUE", Widget::automatic, {}, {}},
      {Scope::scenario, "cost.energy.carbon_intensity", "Carbon intensity", Widget::automatic, {}, {}},

      {Scope::site, "platform.sites[].node", "Node shape", Widget::nodeShape, {}, {}},
      {Scope::site, "platform.sites[].racks", "Racks", Widget::automatic, {}, {}},
      {Scope::site, "platform.sites[].nodes_per_rack", "Nodes per rack", Widget::automatic, {}, {}},
      {Scope::site, "platform.sites[].node", "Capacity", Widget::siteCapacity, {}, {}},
      {Scope::site, "catalog.node_shapes[].price", "Price per node-hour", Widget::nodePrice, {}, {}},
      {Scope::site, "platform.sites[].provider", "Price list", Widget::automatic, {}, {}},
      // Later issues add their site knobs here once the schema has the keys (e.g. platform.sites[].failures.gpu_mtbf).

      {Scope::service, "services[].replicas", "Replicas", Widget::automatic, {}, {}},
      {Scope::service, "services[].gpus_per_replica", "GPUs per replica", Widget::automatic, {}, {}},
      {Scope::service, "services[].max_concurrency", "Max concurrency", Widget::automatic, {}, {}},
      {Scope::service, "services[].arrivals.process", "Arrival process", Widget::automatic, {}, {}},
      {Scope::service, "services[].arrivals.rate", "Arrival rate", Widget::automatic, "arrivals.process", "trace"},
      {Scope::service, "services[].slo.latency_p99", "SLO p99 latency", Widget::automatic, {}, {}},
      {Scope::service, "services[].load_balancer.policy", "Load balancer", Widget::loadBalancerPolicy, {}, {}},
      {Scope::service, "services[].autoscaler.policy", "Autoscaler", Widget::autoscalerPolicy, {}, {}},
      {Scope::service, "services[].routing.policy", "Routing between sites", Widget::automatic, {}, {}},
      // Later issues add their service and scenario-wide knobs here once the schema has the keys (e.g. storage.redundancy).
  };
  return table;
}

std::vector<ScenarioKnob> availableScenarioKnobs() {
  std::vector<ScenarioKnob> knobs;
  for (const ScenarioKnob& knob : scenarioKnobTable())
    if (knob.isInSchema()) knobs.push_back(knob);
  return knobs;
}

}  // namespace leptonsim::gui
