#include "charts/DashboardView.hpp"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPageLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QPushButton>
#include <QScrollArea>
#include <QTextDocument>
#include <QVBoxLayout>
#include <cmath>
#include <limits>
#include <set>

#include "charts/ChartGroup.hpp"
#include "charts/CsvExport.hpp"
#include "charts/DashboardHeadline.hpp"
#include "charts/TimeSeriesChart.hpp"

namespace leptonsim::gui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kChartHeight = 300;

Qt::PenStyle overlayPenStyle(int curveIndex) {
  static const Qt::PenStyle styles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine,
                                        Qt::DashDotDotLine};
  return styles[curveIndex % 5];
}

QString formatReferenceValue(double value, const std::string& unit) {
  QString text = QString::number(value, 'g', 4);
  if (!unit.empty() && unit != "1") text += QLatin1Char(' ') + QString::fromStdString(unit);
  return text;
}

}  // namespace

QColor DashboardView::paletteColor(int index) {
  static const QColor colors[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                  QColor(214, 39, 40),  QColor(148, 103, 189), QColor(140, 86, 75),
                                  QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34),
                                  QColor(23, 190, 207)};
  return colors[((index % 10) + 10) % 10];
}

DashboardView::DashboardView(QWidget* parent) : QWidget(parent), m_timeCursor(kNaN) {
  m_group = new ChartGroup(this);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(4);

  auto* header = new QHBoxLayout;
  header->setContentsMargins(8, 6, 8, 0);
  m_runsLabel = new QLabel(this);
  m_runsLabel->setTextFormat(Qt::RichText);
  m_runsLabel->setWordWrap(true);
  m_runsLabel->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  header->addWidget(m_runsLabel, 1);
  header->addWidget(new QLabel(tr("Other series:"), this));
  m_otherSeriesBox = new QComboBox(this);
  m_otherSeriesBox->setMinimumContentsLength(24);
  m_otherSeriesBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_otherSeriesBox->setToolTip(tr("Series of the report that no panel shows"));
  header->addWidget(m_otherSeriesBox);
  m_addSeriesButton = new QPushButton(tr("Add panel"), this);
  header->addWidget(m_addSeriesButton);
  auto* resetButton = new QPushButton(tr("Reset zoom"), this);
  resetButton->setToolTip(tr("Show the whole run (or double-click a chart)"));
  header->addWidget(resetButton);
  layout->addLayout(header);

  m_missingLabel = new QLabel(this);
  m_missingLabel->setContentsMargins(8, 0, 8, 0);
  m_missingLabel->setStyleSheet(QStringLiteral("color: #999; font-size: 8pt;"));
  m_missingLabel->setWordWrap(true);
  m_headline = new DashboardHeadline(this);
  layout->addWidget(m_headline);
  layout->addWidget(m_missingLabel);

  m_scrollArea = new QScrollArea(this);
  m_scrollArea->setWidgetResizable(true);
  m_scrollArea->setFrameShape(QFrame::NoFrame);
  auto* column = new QWidget;
  column->setAutoFillBackground(true);
  QPalette columnPalette = column->palette();
  columnPalette.setColor(QPalette::Window, Qt::white);
  column->setPalette(columnPalette);
  m_chartLayout = new QVBoxLayout(column);
  m_chartLayout->setContentsMargins(4, 4, 4, 4);
  m_chartLayout->setSpacing(10);
  m_emptyLabel = new QLabel(tr("No run loaded. Open a report or run a scenario."), column);
  m_emptyLabel->setAlignment(Qt::AlignCenter);
  m_emptyLabel->setStyleSheet(QStringLiteral("color: #888; padding: 40px;"));
  m_chartLayout->addWidget(m_emptyLabel);
  m_chartLayout->addStretch(1);
  m_scrollArea->setWidget(column);
  layout->addWidget(m_scrollArea, 1);

  connect(m_addSeriesButton, &QPushButton::clicked, this, [this]() {
    if (m_otherSeriesBox->currentIndex() >= 0) addSeriesPanel(m_otherSeriesBox->currentText());
  });
  connect(resetButton, &QPushButton::clicked, this, [this]() {
    if (!m_charts.isEmpty()) m_charts.front()->resetTimeRange();
  });
  updateHeader();
}

void DashboardView::setRuns(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs) {
  setRuns(runs, {}, {});
}

void DashboardView::setRuns(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs,
                            const QList<int>& colorGroups, const QStringList& groupLabels) {
  m_runs.clear();
  m_colorGroupOfRun.clear();
  for (int i = 0; i < runs.size(); ++i) {
    if (!runs.at(i)) continue;
    m_runs << runs.at(i);
    m_colorGroupOfRun << (colorGroups.size() == runs.size() ? colorGroups.at(i) : static_cast<int>(m_runs.size()) - 1);
  }
  m_groupLabels = groupLabels;
  rebuild();
}

QList<int> DashboardView::colorGroups() const {
  QList<int> groups;
  for (int group : m_colorGroupOfRun)
    if (!groups.contains(group)) groups << group;
  return groups;
}

QString DashboardView::groupLabel(int group) const {
  if (group >= 0 && group < m_groupLabels.size() && !m_groupLabels.at(group).isEmpty()) return m_groupLabels.at(group);
  // Without group labels a group is named by its first run.
  return runLabel(static_cast<int>(m_colorGroupOfRun.indexOf(group)));
}

QColor DashboardView::runColor(int runIndex) const { return paletteColor(m_colorGroupOfRun.value(runIndex, runIndex)); }

TimeSeriesChart* DashboardView::chart(const QString& title) const {
  for (TimeSeriesChart* chart : m_charts)
    if (chart->title() == title) return chart;
  return nullptr;
}

void DashboardView::clearCharts() {
  m_group->clear();
  for (TimeSeriesChart* chart : m_charts) {
    m_chartLayout->removeWidget(chart);
    chart->hide();
    chart->deleteLater();  // a reload result may still be on its way to it
  }
  m_charts.clear();
}

void DashboardView::rebuild() {
  clearCharts();
  m_plan = DashboardPanels::plan(m_runs);
  for (const PanelInstance& panel : m_plan.panels) appendChart(buildChart(panel));
  const QStringList extras = m_extraSeries;
  for (const QString& series : extras)
    if (m_plan.other_series.contains(series)) {
      const PanelDefinition definition = DashboardPanels::panelForSeries(series);
      appendChart(buildChart(PanelInstance{definition, QString(), definition.title}));
    }
  // Every chart spans the same time: all data, all runs, from 0 to the longest run's end.
  QCPRange span(0.0, 0.0);
  for (const auto& run : m_runs) span.upper = std::max(span.upper, run->overview.run.simulated_seconds);
  for (TimeSeriesChart* chart : m_charts) span.expand(chart->fullTimeRange());
  if (span.size() <= 0.0) span.upper = span.lower + 1.0;
  for (TimeSeriesChart* chart : m_charts) chart->setFullTimeRange(span);
  alignPlotAreas();
  updateHeader();
}

TimeSeriesChart* DashboardView::addSeriesPanel(const QString& series) {
  bool isInRuns = false;
  for (const auto& run : m_runs) isInRuns = isInRuns || !run->series_named(series.toStdString()).empty();
  if (!isInRuns) return nullptr;
  const PanelDefinition definition = DashboardPanels::panelForSeries(series);
  if (TimeSeriesChart* existing = chart(definition.title)) return existing;
  if (!m_extraSeries.contains(series)) m_extraSeries << series;
  TimeSeriesChart* chart = buildChart(PanelInstance{definition, QString(), definition.title});
  if (!m_charts.isEmpty()) {
    chart->setFullTimeRange(m_charts.front()->fullTimeRange());
    chart->setTimeRange(m_charts.front()->timeRange());
  }
  appendChart(chart);
  alignPlotAreas();
  updateHeader();
  return chart;
}

void DashboardView::appendChart(TimeSeriesChart* chart) {
  // Charts sit above the stretch at the end of the column.
  m_chartLayout->insertWidget(m_chartLayout->count() - 1, chart);
  m_charts << chart;
  m_group->addChart(chart);
  connect(chart, &TimeSeriesChart::timeClicked, this, [this](double t) {
    setTimeCursor(t);
    Q_EMIT timeSelected(t);
  });
}

QString DashboardView::runLabel(int index) const {
  const auto& run = m_runs.at(index);
  QString label = QString::fromStdString(run->label());
  // Runs of different files may share a label: add the file name.
  for (int other = 0; other < m_runs.size(); ++other)
    if (other != index && QString::fromStdString(m_runs.at(other)->label()) == label) {
      label += QStringLiteral(" · ") + QFileInfo(QString::fromStdString(run->report_path)).fileName();
      break;
    }
  return label;
}

TimeSeriesChart* DashboardView::buildChart(const PanelInstance& panel) {
  const PanelDefinition& definition = panel.definition;
  auto* chart = new TimeSeriesChart;
  chart->setMinimumHeight(kChartHeight);
  chart->setTitle(panel.title);
  chart->setValueAxisLabel(definition.value_axis_label);
  if (!definition.second_value_axis_label.isEmpty()) chart->setSecondValueAxisLabel(definition.second_value_axis_label);
  // 0-100 % with a little room so a curve at 100 % is not hidden under the frame.
  if (definition.second_value_axis_is_percent) chart->setSecondValueAxisFixedRange(0.0, 104.0);
  const bool isOverlay = m_runs.size() > 1;

  // Overlays: colour = run, line style = curve; the style counts only curves present.
  QList<int> presentDefinitions;
  for (int d = 0; d < definition.curves.size(); ++d)
    for (const auto& run : m_runs)
      for (const leptonsim::TimeSeries* series :
           DashboardPanels::matchingSeries(*run, definition.curves.at(d), definition.per_entity, panel.entity))
        if (!series->t.empty() && !presentDefinitions.contains(d)) presentDefinitions << d;

  int curveNumber = 0;
  for (int runIndex = 0; runIndex < m_runs.size(); ++runIndex) {
    const leptonsim::RunDataset& run = *m_runs.at(runIndex);
    const QString label = runLabel(runIndex);
    if (run.max_points_per_series > 0) chart->setFullResolutionBudget(run.max_points_per_series);
    for (int definitionIndex = 0; definitionIndex < definition.curves.size(); ++definitionIndex) {
      const PanelCurve& curveDefinition = definition.curves.at(definitionIndex);
      int entityIndex = 0;
      for (const leptonsim::TimeSeries* series :
           DashboardPanels::matchingSeries(run, curveDefinition, definition.per_entity, panel.entity)) {
        if (series->t.empty()) continue;
        CurveOptions options;
        options.label = curveDefinition.label;
        const QString entity = QString::fromStdString(series->entity);
        if (options.label.isEmpty())
          options.label = entity.isEmpty() ? QString::fromStdString(series->series) : entity;
        else if (!definition.per_entity && curveDefinition.entity_rule == EntityRule::EachEntity && !entity.isEmpty())
          options.label += QStringLiteral(" · ") + entity;
        if (isOverlay) {
          options.label += QStringLiteral(" — ") + label;
          options.color = runColor(runIndex);
          options.pen_style = overlayPenStyle(static_cast<int>(presentDefinitions.indexOf(definitionIndex)));
        } else {
          options.color = curveDefinition.color.isValid() && entityIndex == 0 ? curveDefinition.color
                                                                              : paletteColor(curveNumber);
          options.pen_style = curveDefinition.pen_style;
        }
        options.style = curveDefinition.style;
        options.use_right_axis = curveDefinition.use_right_axis;
        options.value_scale = curveDefinition.value_scale;
        options.unit = curveDefinition.unit;
        if (!curveDefinition.scale_metric.isEmpty()) {
          const std::optional<double> factor = run.summary_value(curveDefinition.scale_metric.toStdString());
          if (factor && std::isfinite(*factor) && *factor > 0.0) {
            options.value_scale *= *factor;
          } else if (!definition.second_value_axis_label.isEmpty()) {
            // Without the factor the fraction can only be shown as a percentage.
            options.use_right_axis = true;
            options.value_scale = 100.0;
            options.unit = QStringLiteral("%");
          }
        }
        options.run_label = label;
        options.series = QString::fromStdString(series->series);
        options.entity = entity;
        // Curves thinned on load can be re-read in full when the user zooms in.
        const leptonsim::SeriesInfo* info = nullptr;
        for (const leptonsim::SeriesInfo& candidate : run.series_info)
          if (candidate.series == series->series && candidate.entity == series->entity) info = &candidate;
        if (info && !run.report_path.empty() && info->points > static_cast<std::int64_t>(series->t.size())) {
          CurveSource source;
          source.report_path = run.report_path;
          source.run_id = run.overview.run_id;
          source.series = info->series;
          source.entity = info->entity;
          source.points_in_file = info->points;
          source.t_min = info->t_min;
          source.t_max = info->t_max;
          options.source = source;
        }
        chart->addCurve(*series, options);
        ++curveNumber;
        ++entityIndex;
      }
    }

  }

  // Reference lines from summary metrics: once when all runs agree, else one per run.
  for (const PanelReferenceLine& reference : definition.reference_lines) {
    const QString metric = DashboardPanels::referenceMetric(reference, panel.entity);
    QList<std::pair<int, double>> values;  // run index, value
    for (int runIndex = 0; runIndex < m_runs.size(); ++runIndex) {
      const std::optional<double> value = m_runs.at(runIndex)->summary_value(metric.toStdString());
      if (value && std::isfinite(*value)) values.append({runIndex, *value});
    }
    bool allEqual = true;
    for (const auto& [runIndex, value] : values) allEqual = allEqual && value == values.front().second;
    for (const auto& [runIndex, value] : values) {
      const auto& units = m_runs.at(runIndex)->overview.units;
      const auto unit = units.find(metric.toStdString());
      QString text = QStringLiteral("%1: %2").arg(
          reference.label, formatReferenceValue(value, unit == units.end() ? std::string() : unit->second));
      if (!allEqual) text += QStringLiteral(" (%1)").arg(runLabel(runIndex));
      chart->addReferenceLine(value * reference.value_scale, text,
                              reference.color.isValid() ? reference.color : QColor(120, 120, 120),
                              reference.use_right_axis);
      if (allEqual) break;
    }
  }

  if (isOverlay && chart->curveCount() > 0) {
    // One key per curve kind (line style) and one per run (colour) instead of runs x curves
    // entries: kinds on the first legend row, runs on the next.
    chart->setCurvesInLegend(false);
    if (presentDefinitions.size() > 1 || !definition.per_entity) {
      for (int d : presentDefinitions) {
        QPen pen(QColor(70, 70, 70), 1.6, overlayPenStyle(static_cast<int>(presentDefinitions.indexOf(d))));
        const QString& keyLabel = definition.curves.at(d).label;
        chart->addLegendKey(keyLabel.isEmpty() ? definition.curves.at(d).series : keyLabel, pen);
      }
      if (presentDefinitions.size() >= 2) chart->legend->setWrap(static_cast<int>(presentDefinitions.size()));
    }
    for (int group : colorGroups()) chart->addLegendKey(groupLabel(group), QPen(paletteColor(group), 3.0));
  }

  if (!definition.event_kinds.isEmpty()) {
    for (int runIndex = 0; runIndex < m_runs.size(); ++runIndex) {
      std::vector<leptonsim::Event> events;
      for (const leptonsim::Event& event : m_runs.at(runIndex)->events) {
        if (!definition.event_kinds.contains(QString::fromStdString(event.kind))) continue;
        // A service's panel shows that service's events (replica events name the service).
        if (definition.per_entity && !panel.entity.isEmpty() && event.entity != panel.entity.toStdString()) continue;
        events.push_back(event);
      }
      chart->addEventMarkers(events, definition.event_kinds, isOverlay ? runLabel(runIndex) : QString());
    }
  }

  if (!m_runs.isEmpty()) {
    for (const leptonsim::Event& event : m_runs.front()->events)
      if (event.kind == "measurement_start") chart->setWarmupEnd(event.t);
  }
  if (chart->curveCount() == 0) {
    // Markers only: the value axis means nothing, and the chart can be lower.
    chart->setMinimumHeight(kChartHeight * 3 / 5);
    chart->setValueAxisLabel(QString());
    chart->yAxis->setTickLabels(false);
    chart->yAxis->setTicks(false);
    chart->yAxis->grid()->setVisible(false);
  }
  chart->finishSetup();
  if (std::isfinite(m_timeCursor)) chart->setTimeCursor(m_timeCursor);
  return chart;
}

void DashboardView::alignPlotAreas() {
  // Stacked charts share the time axis: line their plot areas up (room for the widest axis labels).
  constexpr int kSlack = 10;
  int left = 0;
  int right = 0;
  for (TimeSeriesChart* chart : m_charts) {
    const QMargins margins = chart->automaticPlotAreaMargins();
    left = std::max(left, margins.left());
    right = std::max(right, margins.right());
  }
  for (TimeSeriesChart* chart : m_charts) chart->setPlotAreaMargins(left + kSlack, right + kSlack);
}

void DashboardView::setTimeCursor(double t) {
  m_timeCursor = t;
  for (TimeSeriesChart* chart : m_charts) chart->setTimeCursor(t);
}

QString DashboardView::headerHtml() const {
  if (m_runs.isEmpty()) return tr("<i>No run loaded</i>");
  // Labels wrap between each other, not inside one.
  auto unbreakable = [](const QString& text) {
    return text.toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;"));
  };
  if (m_runs.size() == 1) {
    const auto& run = *m_runs.front();
    QString html = QStringLiteral("<b>%1</b>").arg(unbreakable(runLabel(0)));
    html += QStringLiteral(" &nbsp;·&nbsp; %1 simulated").arg(
        TimeSeriesChart::formatSimulatedTime(run.overview.run.simulated_seconds));
    if (run.overview.run.status != "ok")
      html += QStringLiteral(" &nbsp;·&nbsp; <span style='color:#c00'>status: %1</span>")
                  .arg(QString::fromStdString(run.overview.run.status).toHtmlEscaped());
    if (!run.report_path.empty())
      html += QStringLiteral(" &nbsp;·&nbsp; %1")
                  .arg(QFileInfo(QString::fromStdString(run.report_path)).fileName().toHtmlEscaped());
    return html;
  }
  QStringList parts;
  for (int group : colorGroups()) {
    const int runs = static_cast<int>(m_colorGroupOfRun.count(group));
    QString part = QStringLiteral("<span style='color:%1'>&#9632;</span>&nbsp;<b>%2</b>")
                       .arg(paletteColor(group).name(), unbreakable(groupLabel(group)));
    if (runs > 1 && groupLabel(group) == runLabel(static_cast<int>(m_colorGroupOfRun.indexOf(group))))
      part += QStringLiteral("&nbsp;+%1&nbsp;more").arg(runs - 1);
    parts << part;
  }
  return parts.join(QStringLiteral(" &nbsp;&nbsp; "));
}

bool DashboardView::summaryHasTokenLatency() const {
  for (const auto& run : m_runs)
    for (const auto& [metric, value] : run->overview.summary)
      if (metric.rfind("service.", 0) == 0 && metric.find(".ttft_") != std::string::npos) return true;
  return false;
}

QStringList DashboardView::missingPanelTitles() const {
  QStringList titles = m_plan.missing_titles;
  if (summaryHasTokenLatency()) titles.removeAll(DashboardPanels::llmPanelTitle());
  return titles;
}

QString DashboardView::missingPanelsText() const {
  const int count = static_cast<int>(missingPanelTitles().size());
  if (count == 0 || m_runs.isEmpty()) return {};
  return count == 1 ? tr("1 more panel appears when a run has its data")
                    : tr("%1 more panels appear when a run has their data").arg(count);
}

QString DashboardView::missingPanelsToolTip() const {
  if (missingPanelsText().isEmpty()) return {};
  QString text = tr("Panels without data in this report: %1.").arg(missingPanelTitles().join(QStringLiteral(", ")));
  if (summaryHasTokenLatency() && m_plan.missing_titles.contains(DashboardPanels::llmPanelTitle()))
    text += tr("\nTTFT and TPOT are summary-only in this report (see the numbers above the charts).");
  return text;
}

void DashboardView::updateHeader() {
  m_runsLabel->setText(headerHtml());
  m_missingLabel->setText(missingPanelsText());
  m_missingLabel->setToolTip(missingPanelsToolTip());
  m_missingLabel->setVisible(!m_missingLabel->text().isEmpty());
  // Headline numbers for one run; overlays (the Compare tab) have them in their table instead.
  if (m_runs.size() == 1) m_headline->setRuns(m_runs, {runLabel(0)}, {runColor(0)});
  else m_headline->setRuns({}, {}, {});
  m_otherSeriesBox->clear();
  for (const QString& series : m_plan.other_series)
    if (!chart(series)) m_otherSeriesBox->addItem(series);
  m_otherSeriesBox->setEnabled(m_otherSeriesBox->count() > 0);
  m_addSeriesButton->setEnabled(m_otherSeriesBox->count() > 0);
  m_otherSeriesBox->setPlaceholderText(m_plan.other_series.isEmpty() ? tr("(none)") : QString());
  m_emptyLabel->setVisible(m_charts.isEmpty());
  if (m_charts.isEmpty() && !m_runs.isEmpty()) m_emptyLabel->setText(tr("The loaded runs have no time series."));
}

QImage DashboardView::renderImage(int width, int chartHeight) const {
  width = std::max(width, 300);
  chartHeight = std::max(chartHeight, 150);
  QTextDocument header;
  header.setDefaultFont(font());
  QString html = QStringLiteral("<div style='font-size:11pt'>%1</div>").arg(headerHtml());
  if (!m_headline->html().isEmpty()) html += m_headline->html();
  if (!missingPanelsText().isEmpty())
    html += QStringLiteral("<div style='color:#999; font-size:8pt'>%1</div>").arg(missingPanelsText().toHtmlEscaped());
  header.setHtml(html);
  header.setTextWidth(width - 20);
  const int headerHeight = static_cast<int>(std::ceil(header.size().height())) + 12;
  const int spacing = 12;
  // Marker-only charts need less height.
  auto heightOf = [chartHeight](const TimeSeriesChart* chart) {
    return chart->curveCount() == 0 ? chartHeight * 3 / 5 : chartHeight;
  };
  int height = headerHeight;
  for (const TimeSeriesChart* chart : m_charts) height += heightOf(chart) + spacing;
  QImage image(width, height, QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::white);
  QPainter painter(&image);
  painter.translate(10, 6);
  header.drawContents(&painter);
  painter.resetTransform();
  int y = headerHeight;
  for (TimeSeriesChart* chart : m_charts) {
    painter.drawPixmap(0, y, chart->toPixmap(width, heightOf(chart), 1.0));
    y += heightOf(chart);
    painter.setPen(QColor(230, 230, 230));
    painter.drawLine(20, y + spacing / 2, width - 20, y + spacing / 2);
    y += spacing;
  }
  painter.end();
  return image;
}

bool DashboardView::exportPng(const QString& path, int width, QString* error) {
  const bool ok = renderImage(width).save(path, "PNG");
  if (!ok && error) *error = CsvExport::writeFailureMessage(path);
  return ok;
}

bool DashboardView::exportPdf(const QString& path, int chartsPerPage, QString* error) {
  if (m_charts.isEmpty()) {
    if (error) *error = tr("nothing to export to %1: no charts").arg(path);
    return false;
  }
  chartsPerPage = std::max(1, chartsPerPage);
  QPdfWriter writer(path);
  writer.setCreator(QStringLiteral("leptonsim"));
  writer.setTitle(m_runs.isEmpty() ? QStringLiteral("leptonsim dashboard") : runLabel(0));
  writer.setResolution(96);
  writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape, QMarginsF(10, 10, 10, 10),
                                   QPageLayout::Millimeter));
  QCPPainter painter;
  if (!painter.begin(&writer)) {
    if (error) *error = CsvExport::writeFailureMessage(path);
    return false;
  }
  painter.setMode(QCPPainter::pmVectorized);
  painter.setMode(QCPPainter::pmNoCaching);
  const QRect page = writer.pageLayout().paintRectPixels(writer.resolution());
  const int chartHeight = page.height() / chartsPerPage;
  for (int i = 0; i < m_charts.size(); ++i) {
    if (i > 0 && i % chartsPerPage == 0) writer.newPage();
    painter.save();
    painter.translate(0, (i % chartsPerPage) * chartHeight);
    m_charts.at(i)->toPainter(&painter, page.width(), chartHeight);
    painter.restore();
  }
  painter.end();
  const bool ok = QFileInfo(path).size() > 0;
  if (!ok && error) *error = CsvExport::writeFailureMessage(path);
  return ok;
}

}  // namespace leptonsim::gui
