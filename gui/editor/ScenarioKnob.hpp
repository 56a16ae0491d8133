// ScenarioKnob: one row of the scenario form, described by the schema key path
// pattern it edits. The form shows the knobs of scenarioKnobTable() whose
// pattern is in the scenario schema, so knobs of later features appear by
// adding a row here once their keys exist in ScenarioSchema.cpp.
#pragma once

#include <QString>
#include <vector>

namespace leptonsim::gui {

struct ScenarioKnob {
  enum class Scope {
    scenario,  // a top-level key ("duration")
    site,      // a key under platform.sites[] (one row per site)
    service,   // a key under services[] (one row per service)
  };
  enum class Widget {
    automatic,             // from the schema type: integer -> spin box, choice -> combo box, else a line edit
    nodeShape,             // combo box of the catalogue's node shapes ("h100x8 — 8 × H100-SXM")
    siteCapacity,          // read-only: racks × nodes per rack × GPUs per node = GPUs
    nodePrice,             // price per node-hour of the site's node shape (catalogue or catalog.node_shapes override)
    loadBalancerPolicy,    // combo box of the registered load balancers, then their parameters
    autoscalerPolicy,      // combo box of the registered autoscalers (and "none"), then their parameters
  };

  Scope scope = Scope::scenario;
  QString pattern;         // schema key path pattern, e.g. "services[].replicas"
  QString label;           // row label shown to the user
  Widget widget = Widget::automatic;
  // The knob is hidden while the key `hiddenWhenKey` (relative to the site or
  // service, e.g. "arrivals.process") has the value `hiddenWhenValue`.
  QString hiddenWhenKey;
  QString hiddenWhenValue;

  /// The schema entry the knob edits exists (exact pattern, not a `<param>` wildcard).
  bool isInSchema() const;
  /// The pattern relative to its scope: "arrivals.rate" for "services[].arrivals.rate".
  QString relativeKey() const;
};

/// Every knob the form knows, in display order (including ones whose keys are
/// not in the schema yet).
const std::vector<ScenarioKnob>& scenarioKnobTable();
/// The knobs of scenarioKnobTable() that are in the schema.
std::vector<ScenarioKnob> availableScenarioKnobs();

}  // namespace leptonsim::gui
