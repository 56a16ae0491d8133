// DashboardPanels: the table of dashboard panels (what each chart shows) and
// the plan of which panels a set of runs fills. Plain data, no widgets, so the
// choice of panels is testable without drawing anything.
//
// A series name that a panel lists but that no loaded run contains hides the
// panel ("not in this report: ..."); series that no panel lists are offered as
// "other series", so new simulator output shows up without code changes.
#pragma once

#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>
#include <memory>

#include "ReportDataset.hpp"
#include "charts/TimeSeriesChart.hpp"

namespace leptonsim::gui {

enum class EntityRule {
  ClusterWide,  // the curve with entity "" only
  EachEntity,   // one curve per entity (or, in a per-entity panel, that entity's curve)
};

struct PanelCurve {
  QString series;                 // "service.latency_p99"
  EntityRule entity_rule = EntityRule::EachEntity;
  CurveStyle style = CurveStyle::Line;
  QString label;                  // legend text ("p99")
  QString unit;                   // unit of the plotted value ("s", "%")
  QColor color;                   // invalid: the palette colour for its position
  Qt::PenStyle pen_style = Qt::SolidLine;
  bool use_right_axis = false;
  double value_scale = 1.0;       // stored value x scale = plotted value
  /// Also multiplied by this summary metric of the run (a fraction of GPUs -> GPUs). Without
  /// the metric the curve falls back to percent on the right axis.
  QString scale_metric;
};

/// A horizontal line at a summary metric's value ("{entity}" is replaced by the panel's entity).
struct PanelReferenceLine {
  QString metric;                 // "service.{entity}.slo_latency_p99_target"
  QString label;                  // "SLO p99"
  QColor color;
  bool use_right_axis = false;
  double value_scale = 1.0;
};

struct PanelDefinition {
  QString id;                         // stable name ("latency")
  QString title;                      // "Latency"; per-entity panels add " — <entity>"
  QString value_axis_label;           // left axis, with unit
  QString second_value_axis_label;    // right axis (empty: none)
  bool second_value_axis_is_percent = false;  // right axis pinned to 0-100 %
  bool per_entity = false;            // one panel per entity of its EachEntity curves
  QList<PanelCurve> curves;
  QList<PanelReferenceLine> reference_lines;
  QStringList event_kinds;            // drawn as markers
  /// Shown even without any of its series when events of these kinds exist.
  QStringList events_that_show_panel;
  /// Shown only when some curve leaves 0 (a running total that stays 0, such as
  /// bytes lost, says no more than the headline). Such a panel is not "missing".
  bool shown_only_when_nonzero = false;
};

/// One chart to draw: a definition for one entity (or cluster-wide).
struct PanelInstance {
  PanelDefinition definition;
  QString entity;  // "" unless definition.per_entity
  QString title;
};

struct DashboardPlan {
  QList<PanelInstance> panels;  // in table order, per-entity panels by entity
  QStringList missing_titles;   // panels without data in any run
  QStringList other_series;     // series of the runs that no panel lists, sorted
};

using RunList = QList<std::shared_ptr<const leptonsim::RunDataset>>;

class DashboardPanels {
 public:
  /// The standard dashboard, top to bottom.
  static const QList<PanelDefinition>& standardPanels();
  /// Every series name some standard panel lists.
  static QStringList coveredSeries();
  /// Which standard panels have data in `runs`, and which series are left over.
  static DashboardPlan plan(const RunList& runs);
  /// A panel for a series no standard panel covers: one curve per entity.
  static PanelDefinition panelForSeries(const QString& series);
  /// The curves of `curve` in `run` for a panel of `entity` (per-entity panel) or all entities.
  static std::vector<const leptonsim::TimeSeries*> matchingSeries(const leptonsim::RunDataset& run,
                                                                 const PanelCurve& curve, bool perEntityPanel,
                                                                 const QString& entity);
  /// The reference line's metric name for an entity ("{entity}" replaced).
  static QString referenceMetric(const PanelReferenceLine& line, const QString& entity);
  /// Title of the LLM token latency panel (its data may be summary-only).
  static QString llmPanelTitle();
};

}  // namespace leptonsim::gui
