#include "charts/DashboardPanels.hpp"

#include <QSet>
#include <algorithm>
#include <cmath>
#include <set>

namespace leptonsim::gui {

namespace {

const QColor kBlue(31, 119, 180);
const QColor kOrange(255, 127, 14);
const QColor kGreen(44, 160, 44);
const QColor kRed(214, 39, 40);
const QColor kPurple(148, 103, 189);
const QColor kDarkGray(70, 70, 70);
const QColor kGray(140, 140, 140);

PanelCurve curve(const char* series, EntityRule rule, CurveStyle style, const char* label, const char* unit,
                 QColor color, Qt::PenStyle penStyle = Qt::SolidLine, bool rightAxis = false, double scale = 1.0) {
  PanelCurve c;
  c.series = QString::fromLatin1(series);
  c.entity_rule = rule;
  c.style = style;
  c.label = QString::fromUtf8(label);
  c.unit = QString::fromUtf8(unit);
  c.color = color;
  c.pen_style = penStyle;
  c.use_right_axis = rightAxis;
  c.value_scale = scale;
  return c;
}

constexpr auto kCluster = EntityRule::ClusterWide;
constexpr auto kEach = EntityRule::EachEntity;
constexpr auto kLine = CurveStyle::Line;
constexpr auto kStep = CurveStyle::Step;

QList<PanelDefinition> buildStandardPanels() {
  QList<PanelDefinition> panels;

  PanelDefinition gpus;
  gpus.id = QStringLiteral("gpus");
  gpus.title = QStringLiteral("GPU allocation and utilisation");
  gpus.value_axis_label = QStringLiteral("GPUs");
  gpus.second_value_axis_label = QStringLiteral("busy (%)");
  gpus.second_value_axis_is_percent = true;
  // Busy GPUs as a count next to the GPUs held (fraction x GPUs in the cluster); the right axis is
  // only the replicas' busy percentage.
  PanelCurve busyGpus = curve("cluster.gpu_utilization", kCluster, kLine, "GPUs busy (cluster)", "GPUs", kOrange);
  busyGpus.scale_metric = QStringLiteral("cluster.gpus_total");
  gpus.curves = {curve("cluster.gpus_allocated", kCluster, kStep, "GPUs held (replicas and jobs)", "GPUs", kBlue), busyGpus,
                 curve("service.utilization", kEach, kLine, "replicas busy", "%", kGreen, Qt::SolidLine, true, 100.0)};
  gpus.reference_lines = {{QStringLiteral("cluster.gpus_total"), QStringLiteral("GPUs in the cluster"), kGray, false, 1.0}};
  gpus.event_kinds = {QStringLiteral("failure"), QStringLiteral("repair"), QStringLiteral("weights_evicted")};
  panels << gpus;

  PanelDefinition replicas;
  replicas.id = QStringLiteral("replicas");
  replicas.title = QStringLiteral("Replicas");
  replicas.value_axis_label = QStringLiteral("replicas");
  replicas.per_entity = true;
  // "desired" last: its dashes are drawn over "ready", which it usually equals.
  replicas.curves = {curve("service.replicas_ready", kEach, kStep, "ready", "", kGreen),
                     curve("service.replicas_starting", kEach, kStep, "starting", "", kOrange),
                     curve("service.replicas_unplaced", kEach, kStep, "unplaced (no free GPUs)", "", kRed),
                     curve("service.replicas_desired", kEach, kStep, "desired", "", kDarkGray, Qt::DashLine)};
  replicas.event_kinds = {QStringLiteral("scale_decision"), QStringLiteral("replica_starting"),
                          QStringLiteral("replica_ready"),  QStringLiteral("replica_stopped"),
                          QStringLiteral("replica_lost"),   QStringLiteral("replica_removed"),
                          QStringLiteral("replica_draining")};
  panels << replicas;

  PanelDefinition rates;
  rates.id = QStringLiteral("request_rates");
  rates.title = QStringLiteral("Request rates");
  rates.value_axis_label = QStringLiteral("requests/s");
  rates.per_entity = true;
  rates.curves = {curve("service.arrival_rate", kEach, kLine, "arrivals", "req/s", kBlue),
                  curve("service.completion_rate", kEach, kLine, "completions", "req/s", kGreen, Qt::DashLine),
                  curve("service.drop_rate", kEach, kLine, "drops", "req/s", kRed)};
  panels << rates;

  PanelDefinition queue;
  queue.id = QStringLiteral("queue");
  queue.title = QStringLiteral("Requests waiting and in service");
  queue.value_axis_label = QStringLiteral("requests (time average)");
  queue.per_entity = true;
  queue.curves = {curve("service.queue_length", kEach, kLine, "waiting", "", kOrange),
                  curve("service.in_service", kEach, kLine, "in service", "", kBlue)};
  panels << queue;

  PanelDefinition latency;
  latency.id = QStringLiteral("latency");
  latency.title = QStringLiteral("Latency");
  latency.value_axis_label = QStringLiteral("latency (s)");
  latency.per_entity = true;
  latency.curves = {curve("service.latency_mean", kEach, kLine, "mean", "s", kBlue),
                    curve("service.latency_p50", kEach, kLine, "p50", "s", kGreen),
                    curve("service.latency_p95", kEach, kLine, "p95", "s", kOrange),
                    curve("service.latency_p99", kEach, kLine, "p99", "s", kRed)};
  latency.reference_lines = {{QStringLiteral("service.{entity}.slo_latency_p99_target"),
                              QStringLiteral("SLO p99 target"), QColor(180, 20, 20), false, 1.0}};
  panels << latency;

  PanelDefinition attainment;
  attainment.id = QStringLiteral("slo_attainment");
  attainment.title = QStringLiteral("Requests within the latency SLO");
  attainment.value_axis_label = QStringLiteral("within SLO (%)");
  attainment.per_entity = true;
  attainment.curves = {curve("service.slo_attainment", kEach, kLine, "within SLO", "%", kPurple, Qt::SolidLine,
                             false, 100.0)};
  panels << attainment;

  PanelDefinition llm;
  llm.id = QStringLiteral("llm_tokens");
  llm.title = DashboardPanels::llmPanelTitle();
  llm.value_axis_label = QStringLiteral("time to first token (s)");
  llm.second_value_axis_label = QStringLiteral("time per output token (s)");
  llm.per_entity = true;
  llm.curves = {curve("service.ttft_mean", kEach, kLine, "TTFT mean", "s", kBlue),
                curve("service.ttft_p50", kEach, kLine, "TTFT p50", "s", kGreen),
                curve("service.ttft_p99", kEach, kLine, "TTFT p99", "s", kRed),
                curve("service.tpot_mean", kEach, kLine, "TPOT mean", "s", kBlue, Qt::DashLine, true),
                curve("service.tpot_p99", kEach, kLine, "TPOT p99", "s", kRed, Qt::DashLine, true)};
  panels << llm;

  PanelDefinition jobs;
  jobs.id = QStringLiteral("jobs");
  jobs.title = QStringLiteral("Jobs");
  jobs.value_axis_label = QStringLiteral("jobs");
  jobs.second_value_axis_label = QStringLiteral("completed per interval");
  jobs.curves = {curve("jobs.waiting", kCluster, kStep, "waiting", "", kOrange),
                 curve("jobs.running", kCluster, kStep, "running", "", kBlue),
                 curve("jobs.completed", kCluster, kLine, "completed per interval", "", kGreen, Qt::DashLine, true)};
  jobs.event_kinds = {QStringLiteral("job_preempted"), QStringLiteral("job_rejected"), QStringLiteral("dag_stage_done"),
                     QStringLiteral("job_interrupted"), QStringLiteral("job_failed")};
  panels << jobs;

  PanelDefinition jobGpus;
  jobGpus.id = QStringLiteral("job_gpus");
  jobGpus.title = QStringLiteral("Jobs' GPUs: held, computing, fragmented");
  jobGpus.value_axis_label = QStringLiteral("GPUs");
  jobGpus.curves = {curve("jobs.gpus_allocated", kCluster, kLine, "held by jobs", "GPUs", kBlue),
                    curve("jobs.gpus_busy", kCluster, kLine, "computing", "GPUs", kGreen),
                    curve("jobs.gpus_fragmented", kCluster, kStep, "free but unusable by waiting jobs", "GPUs", kRed)};
  jobGpus.reference_lines = {{QStringLiteral("cluster.gpus_total"), QStringLiteral("GPUs in the cluster"), kGray, false, 1.0}};
  jobGpus.event_kinds = {QStringLiteral("job_preempted"), QStringLiteral("job_interrupted")};
  panels << jobGpus;

  // The data layer (storage nodes, disks, chunks): redundancy lost to failures and
  // the rebuilds that restore it. Another series (cache., quorum., backup.) is one more
  // curve(...) line in a panel's list; a run without that series just has no such curve,
  // and a panel none of whose series a run has is not drawn.
  PanelDefinition data;
  data.id = QStringLiteral("data");
  data.title = QStringLiteral("Data redundancy and repair");
  data.value_axis_label = QStringLiteral("chunks / pieces");
  data.second_value_axis_label = QStringLiteral("repair throughput (GB/s)");
  // The throughput first, so the counts are drawn over it; the queue dashed over the chunks (with
  // one failure at a time the two are often equal).
  data.curves = {curve("data.repair_throughput", kCluster, kLine, "repair throughput", "GB/s", kGreen,
                       Qt::SolidLine, true, 1e-9),
                 curve("data.under_replicated_chunks", kCluster, kStep, "under-replicated chunks", "chunks", kOrange),
                 curve("data.repair_queue", kCluster, kStep, "pieces waiting for repair", "pieces", kBlue,
                       Qt::DashLine)};
  data.event_kinds = {QStringLiteral("rebuild_started"), QStringLiteral("redundancy_restored"),
                      QStringLiteral("data_loss"), QStringLiteral("backup_done")};
  panels << data;

  PanelDefinition dataLost;
  dataLost.id = QStringLiteral("data_lost");
  dataLost.title = QStringLiteral("Data lost");
  dataLost.value_axis_label = QStringLiteral("lost since the start (GB)");
  dataLost.curves = {curve("data.bytes_lost", kCluster, kStep, "bytes lost", "GB", kRed, Qt::SolidLine, false, 1e-9)};
  dataLost.event_kinds = {QStringLiteral("data_loss")};
  dataLost.events_that_show_panel = {QStringLiteral("data_loss")};
  dataLost.shown_only_when_nonzero = true;
  panels << dataLost;

  PanelDefinition quorum;
  quorum.id = QStringLiteral("quorum");
  quorum.title = QStringLiteral("Quorum reads and writes");
  quorum.value_axis_label = QStringLiteral("p99 latency (ms)");
  quorum.second_value_axis_label = QStringLiteral("stale reads per interval");
  quorum.curves = {curve("quorum.write_latency_p99", kCluster, kLine, "write p99", "ms", kBlue, Qt::SolidLine, false, 1e3),
                   curve("quorum.read_latency_p99", kCluster, kLine, "read p99", "ms", kGreen, Qt::SolidLine, false, 1e3),
                   curve("quorum.stale_reads", kCluster, kStep, "stale reads", "reads", kRed, Qt::DashLine, true)};
  quorum.event_kinds = {QStringLiteral("failure"), QStringLiteral("repair")};
  panels << quorum;

  PanelDefinition cost;
  cost.id = QStringLiteral("cost");
  cost.title = QStringLiteral("Cost");
  cost.value_axis_label = QStringLiteral("cost rate (USD/h)");
  cost.second_value_axis_label = QStringLiteral("cumulative cost (USD)");
  cost.curves = {curve("cost.rate", kCluster, kStep, "cost rate", "USD/h", kBlue),
                 curve("cost.cumulative", kCluster, kLine, "cumulative", "USD", kOrange, Qt::SolidLine, true)};
  panels << cost;

  PanelDefinition routing;
  routing.id = QStringLiteral("routing");
  routing.title = QStringLiteral("Requests routed between sites");
  routing.value_axis_label = QStringLiteral("requests/s");
  routing.second_value_axis_label = QStringLiteral("end-to-end p99 (s)");
  routing.curves = {curve("routing.rate", kEach, kLine, "to", "req/s", QColor()),
                    curve("routing.latency_p99", kEach, kLine, "p99", "s", kDarkGray, Qt::DashLine, true)};
  panels << routing;

  PanelDefinition pools;
  pools.id = QStringLiteral("node_pools");
  pools.title = QStringLiteral("Node pools");
  pools.value_axis_label = QStringLiteral("nodes");
  pools.second_value_axis_label = QStringLiteral("usable GPUs");
  pools.curves = {curve("pool.nodes", kEach, kStep, "nodes paid", "nodes", QColor()),
                  curve("pool.nodes_ready", kEach, kStep, "nodes ready", "nodes", QColor(), Qt::DashLine),
                  curve("cluster.gpus_usable", kCluster, kStep, "usable GPUs", "GPUs", kGray, Qt::DotLine, true)};
  pools.event_kinds = {QStringLiteral("node_provisioning"), QStringLiteral("node_ready"), QStringLiteral("node_removed")};
  panels << pools;

  PanelDefinition costCategories;
  costCategories.id = QStringLiteral("cost_by_category");
  costCategories.title = QStringLiteral("Cost by category");
  costCategories.value_axis_label = QStringLiteral("cumulative cost (USD)");
  costCategories.curves = {curve("cost.by_category", kEach, kLine, "", "USD", QColor())};
  panels << costCategories;

  PanelDefinition energy;
  energy.id = QStringLiteral("energy");
  energy.title = QStringLiteral("Energy");
  energy.value_axis_label = QStringLiteral("power (kW)");
  energy.second_value_axis_label = QStringLiteral("cumulative energy (kWh)");
  energy.curves = {curve("energy.power", kCluster, kLine, "facility power", "kW", kBlue),
                   curve("energy.cumulative", kCluster, kLine, "facility energy", "kWh", kOrange, Qt::SolidLine, true)};
  panels << energy;

  PanelDefinition events;
  events.id = QStringLiteral("events");
  events.title = QStringLiteral("Failures, repairs and scaling events");
  events.value_axis_label = QStringLiteral("GPUs");
  events.second_value_axis_label = QStringLiteral("failures under repair");
  events.curves = {curve("failures.gpus_unusable", kCluster, kLine, "GPUs stopped or cut off", "GPUs", kRed),
                   curve("cluster.gpus_out_of_service", kCluster, kStep, "GPUs out of service (detected)", "GPUs",
                         kOrange),
                   curve("failures.repair_backlog", kCluster, kStep, "under repair", "", kDarkGray, Qt::DashLine, true)};
  events.event_kinds = TimeSeriesChart::markerEventKinds();
  events.events_that_show_panel = TimeSeriesChart::markerEventKinds();
  events.events_that_show_panel.removeAll(QStringLiteral("measurement_start"));
  panels << events;

  return panels;
}

bool hasPoints(const std::vector<const leptonsim::TimeSeries*>& curves) {
  return std::any_of(curves.begin(), curves.end(), [](const leptonsim::TimeSeries* s) { return s && !s->t.empty(); });
}

bool hasNonzeroValue(const std::vector<const leptonsim::TimeSeries*>& curves) {
  return std::any_of(curves.begin(), curves.end(), [](const leptonsim::TimeSeries* s) {
    return s && std::any_of(s->value.begin(), s->value.end(), [](double v) { return std::isfinite(v) && v != 0.0; });
  });
}

}  // namespace

const QList<PanelDefinition>& DashboardPanels::standardPanels() {
  static const QList<PanelDefinition> panels = buildStandardPanels();
  return panels;
}

QStringList DashboardPanels::coveredSeries() {
  QStringList names;
  for (const PanelDefinition& panel : standardPanels())
    for (const PanelCurve& c : panel.curves)
      if (!names.contains(c.series)) names << c.series;
  return names;
}

QString DashboardPanels::referenceMetric(const PanelReferenceLine& line, const QString& entity) {
  QString metric = line.metric;
  metric.replace(QStringLiteral("{entity}"), entity);
  return metric;
}

std::vector<const leptonsim::TimeSeries*> DashboardPanels::matchingSeries(const leptonsim::RunDataset& run,
                                                                         const PanelCurve& curve,
                                                                         bool perEntityPanel, const QString& entity) {
  const std::string series = curve.series.toStdString();
  if (curve.entity_rule == EntityRule::ClusterWide) {
    const leptonsim::TimeSeries* found = run.find_series(series, "");
    return found ? std::vector<const leptonsim::TimeSeries*>{found} : std::vector<const leptonsim::TimeSeries*>{};
  }
  if (perEntityPanel) {
    const leptonsim::TimeSeries* found = run.find_series(series, entity.toStdString());
    return found ? std::vector<const leptonsim::TimeSeries*>{found} : std::vector<const leptonsim::TimeSeries*>{};
  }
  return run.series_named(series);
}

DashboardPlan DashboardPanels::plan(const RunList& runs) {
  DashboardPlan plan;
  for (const PanelDefinition& definition : standardPanels()) {
    bool shown = false;
    bool hasData = false;  // some curve has points (zero or not)
    if (definition.per_entity) {
      std::set<std::string> entities;
      for (const auto& run : runs)
        for (const PanelCurve& c : definition.curves)
          if (c.entity_rule == EntityRule::EachEntity)
            for (const leptonsim::TimeSeries* s : run->series_named(c.series.toStdString()))
              if (!s->t.empty()) entities.insert(s->entity);
      for (const std::string& entity : entities) {
        PanelInstance instance;
        instance.definition = definition;
        instance.entity = QString::fromStdString(entity);
        instance.title = entity.empty() ? definition.title : definition.title + QStringLiteral(" — ") + instance.entity;
        plan.panels << instance;
        shown = true;
      }
    } else {
      for (const auto& run : runs) {
        for (const PanelCurve& c : definition.curves) {
          const auto curves = matchingSeries(*run, c, false, {});
          hasData = hasData || hasPoints(curves);
          shown = shown || (definition.shown_only_when_nonzero ? hasNonzeroValue(curves) : hasPoints(curves));
        }
        for (const leptonsim::Event& event : run->events)
          shown = shown || definition.events_that_show_panel.contains(QString::fromStdString(event.kind));
      }
      if (shown) plan.panels << PanelInstance{definition, QString(), definition.title};
    }
    // A panel hidden because its data is all zero is not missing anything.
    if (!shown && !hasData) plan.missing_titles << definition.title;
  }
  const QStringList covered = coveredSeries();
  std::set<QString> others;
  for (const auto& run : runs)
    for (const leptonsim::SeriesInfo& info : run->series_info) {
      const QString name = QString::fromStdString(info.series);
      if (!covered.contains(name)) others.insert(name);
    }
  for (const QString& name : others) plan.other_series << name;
  return plan;
}

PanelDefinition DashboardPanels::panelForSeries(const QString& series) {
  PanelDefinition panel;
  panel.id = QStringLiteral("series:") + series;
  panel.title = series;
  panel.value_axis_label = series.section(QLatin1Char('.'), -1).replace(QLatin1Char('_'), QLatin1Char(' '));
  PanelCurve c;
  c.series = series;
  c.entity_rule = EntityRule::EachEntity;
  c.style = CurveStyle::Line;
  // No label: the curves are named by their entity (the title names the series).
  panel.curves = {c};
  return panel;
}

QString DashboardPanels::llmPanelTitle() { return QStringLiteral("LLM token latency"); }

}  // namespace leptonsim::gui
