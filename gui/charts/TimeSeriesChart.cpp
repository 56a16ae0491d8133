#include "charts/TimeSeriesChart.hpp"

#include <QFileDialog>
#include <QFutureWatcher>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QMessageBox>
#include <QStandardItemModel>
#include <QToolTip>
#include <QtConcurrent/QtConcurrent>
#include <algorithm>
#include <cmath>
#include <limits>

#include "ReportDataset.hpp"
#include "charts/CsvExport.hpp"
#include "charts/EventKindLegendItem.hpp"
#include "charts/EventMarkerItem.hpp"

namespace leptonsim::gui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMostAntialiasedPoints = 2000;
const QColor kTextColor(60, 60, 60);
const QColor kGridColor(225, 225, 225);
const QColor kAxisColor(150, 150, 150);

QString humanKind(const QString& kind) {
  QString text = kind;
  text.replace(QLatin1Char('_'), QLatin1Char(' '));
  return text;
}

QString formatValue(double value) {
  if (std::isnan(value)) return QStringLiteral("no data");
  const double magnitude = std::abs(value);
  if (magnitude != 0.0 && (magnitude >= 1e6 || magnitude < 1e-3)) return QString::number(value, 'g', 4);
  const int decimals = magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : 3;
  QString text = QString::number(value, 'f', decimals);
  // "12.500" -> "12.5", "4.000" -> "4"
  if (text.contains(QLatin1Char('.'))) {
    while (text.endsWith(QLatin1Char('0'))) text.chop(1);
    if (text.endsWith(QLatin1Char('.'))) text.chop(1);
  }
  return text;
}

/// "from: 2, to: 4, reason: ..." from an event's JSON detail; the raw text if it is not JSON.
QString describeDetail(const std::string& detail) {
  const QByteArray bytes = QByteArray::fromStdString(detail);
  const QJsonDocument document = QJsonDocument::fromJson(bytes);
  if (!document.isObject()) return QString::fromStdString(detail);
  const QJsonObject object = document.object();
  QStringList parts;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it.key() == QLatin1String("reason")) continue;  // long free text: last
    const QJsonValue value = it.value();
    QString text;
    if (value.isDouble()) text = formatValue(value.toDouble());
    else if (value.isString()) text = value.toString();
    else if (value.isBool()) text = value.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    else text = QString::fromUtf8(QJsonDocument(value.isArray() ? QJsonDocument(value.toArray())
                                                                 : QJsonDocument(value.toObject()))
                                      .toJson(QJsonDocument::Compact));
    parts << QStringLiteral("%1: %2").arg(it.key(), text);
  }
  if (object.contains(QLatin1String("reason"))) parts << object.value(QLatin1String("reason")).toString();
  return parts.join(QStringLiteral(", "));
}

QPen curvePen(const CurveOptions& options) {
  QPen pen(options.color);
  pen.setWidthF(1.6);
  pen.setStyle(options.pen_style);
  pen.setCapStyle(Qt::FlatCap);
  pen.setJoinStyle(Qt::MiterJoin);
  return pen;
}

void styleAxis(QCPAxis* axis) {
  axis->setBasePen(QPen(kAxisColor));
  axis->setTickPen(QPen(kAxisColor));
  axis->setSubTickPen(QPen(kAxisColor));
  axis->setTickLabelColor(kTextColor);
  axis->setLabelColor(kTextColor);
  QFont font = axis->labelFont();
  font.setPointSizeF(9);
  axis->setLabelFont(font);
  axis->setTickLabelFont(font);
  axis->grid()->setPen(QPen(kGridColor, 1, Qt::SolidLine));
  axis->grid()->setSubGridVisible(false);
  axis->grid()->setZeroLinePen(Qt::NoPen);
  axis->setTickLengthIn(0);
  axis->setTickLengthOut(4);
  axis->setSubTicks(false);
}

struct ReloadResult {
  bool ok = false;
  leptonsim::TimeSeries series;
};

}  // namespace

TimeSeriesChart::TimeSeriesChart(QWidget* parent) : QCustomPlot(parent) {
  setAttribute(Qt::WA_OpaquePaintEvent);
  setBackground(Qt::white);
  setNoAntialiasingOnDrag(true);
  setPlottingHint(QCP::phCacheLabels, true);
  setMinimumHeight(220);

  m_title = new QCPTextElement(this, QString(), QFont(font().family(), 10, QFont::DemiBold));
  m_title->setTextColor(QColor(30, 30, 30));
  m_title->setMargins(QMargins(0, 6, 0, 0));
  plotLayout()->insertRow(0);
  plotLayout()->addElement(0, 0, m_title);

  // Legend in its own row under the axis rect, laid out left to right.
  legend->setVisible(true);
  legend->setBorderPen(Qt::NoPen);
  legend->setBrush(Qt::NoBrush);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setWrap(5);
  legend->setIconSize(22, 10);
  QFont legendFont = font();
  legendFont.setPointSizeF(8.5);
  legend->setFont(legendFont);
  legend->setTextColor(kTextColor);
  legend->setRowSpacing(0);
  legend->setColumnSpacing(14);
  m_legendRow = new QCPLayoutGrid;
  plotLayout()->addElement(2, 0, m_legendRow);
  plotLayout()->setRowStretchFactor(2, 0.001);
  m_legendRow->setMargins(QMargins(50, 0, 10, 4));
  axisRect()->insetLayout()->take(legend);
  m_legendRow->addElement(0, 0, legend);
  // An empty stretching cell keeps the legend compact and left-aligned under the plot.
  m_legendRow->addElement(0, 1, new QCPLayoutElement(this));
  m_legendRow->setColumnStretchFactor(0, 0.001);
  m_legendRow->setColumnStretchFactor(1, 1.0);
  legend->setLayer(QStringLiteral("legend"));

  for (QCPAxis* axis : {xAxis, yAxis, xAxis2, yAxis2}) styleAxis(axis);
  xAxis2->setVisible(false);
  yAxis2->setVisible(false);

  QSharedPointer<QCPAxisTickerTime> timeTicker(new QCPAxisTickerTime);
  timeTicker->setTimeFormat(QStringLiteral("%h:%m:%s"));
  timeTicker->setFieldWidth(QCPAxisTickerTime::tuHours, 1);  // "0:30:00", not "00:30:00"
  timeTicker->setFieldWidth(QCPAxisTickerTime::tuDays, 1);
  xAxis->setTicker(timeTicker);
  xAxis->setLabel(QStringLiteral("simulated time (h:mm:ss)"));

  setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  axisRect()->setRangeDrag(Qt::Horizontal);
  axisRect()->setRangeZoom(Qt::Horizontal);
  axisRect()->setRangeZoomFactor(0.85);

  m_cursorLine = new QCPItemStraightLine(this);
  m_cursorLine->setPen(QPen(QColor(40, 40, 40, 160), 1, Qt::DashLine));
  m_cursorLine->setVisible(false);
  m_cursorLine->setSelectable(false);

  connect(xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, &TimeSeriesChart::onTimeRangeChanged);
  connect(this, &QCustomPlot::mouseMove, this, &TimeSeriesChart::showTooltip);
  connect(this, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
    m_pressed = event->button() == Qt::LeftButton;
    m_pressPosition = event->pos();
  });
  connect(this, &QCustomPlot::mouseRelease, this, [this](QMouseEvent* event) {
    const bool isClick = m_pressed && event->button() == Qt::LeftButton &&
                         (event->pos() - m_pressPosition).manhattanLength() <= 3 &&
                         axisRect()->rect().contains(event->pos());
    m_pressed = false;
    if (isClick) Q_EMIT timeClicked(xAxis->pixelToCoord(event->pos().x()));
  });
  connect(this, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) { resetTimeRange(); });

  // QCustomPlot also replots on its own (once after construction, queued): for a chart nobody can
  // see, draw only the frame then, and the curves when it is next painted.
  connect(this, &QCustomPlot::beforeReplot, this, [this]() {
    if (!visibleRegion().isEmpty()) return;
    m_curvesHiddenForReplot = true;
    layer(QStringLiteral("main"))->setVisible(false);
  });
  connect(this, &QCustomPlot::afterReplot, this, [this]() {
    if (!m_curvesHiddenForReplot) return;
    m_curvesHiddenForReplot = false;
    layer(QStringLiteral("main"))->setVisible(true);
    m_replotWhenPainted = true;
  });
  setContextMenuPolicy(Qt::CustomContextMenu);
  connect(this, &QWidget::customContextMenuRequested, this, &TimeSeriesChart::showContextMenu);

  // Zooming fires many range changes; reload once the user has stopped.
  m_reloadTimer.setSingleShot(true);
  m_reloadTimer.setInterval(200);
  connect(&m_reloadTimer, &QTimer::timeout, this, &TimeSeriesChart::reloadVisibleRangeInFull);
}

TimeSeriesChart::~TimeSeriesChart() = default;

void TimeSeriesChart::resizeEvent(QResizeEvent* event) {
  Q_UNUSED(event)
  // QCustomPlot redraws synchronously on every resize; a dashboard's column resizes each
  // chart several times while it is laid out, so draw once when the layout has settled.
  setViewport(rect());
  requestReplot();
}

void TimeSeriesChart::requestReplot() {
  // A dashboard of many services holds a hundred charts, most scrolled out of view or on a
  // hidden tab: those are drawn when they are next painted, not now.
  if (visibleRegion().isEmpty()) {
    m_replotWhenPainted = true;
    return;
  }
  replot(QCustomPlot::rpQueuedReplot);
}

void TimeSeriesChart::paintEvent(QPaintEvent* event) {
  if (m_replotWhenPainted) {
    m_replotWhenPainted = false;
    replot(QCustomPlot::rpQueuedRefresh);  // into the buffers, which are painted just below
  }
  QCustomPlot::paintEvent(event);
}

void TimeSeriesChart::setTitle(const QString& title) { m_title->setText(title); }
QString TimeSeriesChart::title() const { return m_title->text(); }
void TimeSeriesChart::setValueAxisLabel(const QString& label) { yAxis->setLabel(label); }
QString TimeSeriesChart::valueAxisLabel() const { return yAxis->label(); }
QString TimeSeriesChart::secondValueAxisLabel() const { return yAxis2->visible() ? yAxis2->label() : QString(); }

void TimeSeriesChart::setSecondValueAxisFixedRange(double lower, double upper) {
  m_secondAxisFixedRange = QCPRange(lower, upper);
  yAxis2->setRange(*m_secondAxisFixedRange);
}

void TimeSeriesChart::setSecondValueAxisLabel(const QString& label) {
  yAxis2->setLabel(label);
  yAxis2->setVisible(true);
  yAxis2->setTickLabels(true);
}

QCPGraph* TimeSeriesChart::addCurve(const leptonsim::TimeSeries& series, const CurveOptions& options) {
  if (options.use_right_axis && !yAxis2->visible()) yAxis2->setVisible(true);
  QCPGraph* graph = addGraph(xAxis, options.use_right_axis ? yAxis2 : yAxis);
  graph->setName(options.label);
  graph->setPen(curvePen(options));
  graph->setLineStyle(options.style == CurveStyle::Step ? QCPGraph::lsStepLeft : QCPGraph::lsLine);
  graph->setAdaptiveSampling(true);
  CurveRecord record;
  record.graph = graph;
  record.options = options;
  const std::size_t count = std::min(series.t.size(), series.value.size());
  if (options.break_at_gaps && count >= 2) {
    const bool isDownsampled = options.source && options.source->points_in_file > static_cast<std::int64_t>(count);
    if (isDownsampled) {
      // The file's own step, and the bucket width of the thinned curve (its points are that far apart anyway).
      const CurveSource& source = *options.source;
      record.sample_step = (source.t_max - source.t_min) / static_cast<double>(std::max<std::int64_t>(1, source.points_in_file - 1));
      const double bucket = (series.t[count - 1] - series.t[0]) / std::max(1.0, static_cast<double>(count) / 4.0);
      record.gap_threshold = std::max(1.5 * record.sample_step, 2.5 * bucket);
    } else {
      record.sample_step = typicalStep(series.t);
      record.gap_threshold = 1.5 * record.sample_step;
    }
  }
  graph->data()->set(graphPoints(series, options.value_scale, record.gap_threshold, &record.gap_keys), true);
  // Antialiased strokes of thousands of points cost most of the drawing time and show no difference.
  graph->setAntialiased(graph->data()->size() <= kMostAntialiasedPoints);
  // A sample alone between two gaps draws no line: small dots keep it visible on sparse curves.
  if (!record.gap_keys.empty() && count <= 400 && options.style == CurveStyle::Line)
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 3.0));
  record.loaded = QSharedPointer<QCPGraphDataContainer>::create(*graph->data());
  m_curves.push_back(std::move(record));
  return graph;
}

QCPGraph* TimeSeriesChart::curveGraph(int index) const { return m_curves.at(static_cast<std::size_t>(index)).graph; }
const CurveOptions& TimeSeriesChart::curveOptions(int index) const {
  return m_curves.at(static_cast<std::size_t>(index)).options;
}
int TimeSeriesChart::curvePointCount(int index) const { return curveGraph(index)->data()->size(); }

void TimeSeriesChart::addReferenceLine(double value, const QString& label, const QColor& color, bool useRightAxis) {
  QCPAxis* valueAxis = useRightAxis ? yAxis2 : yAxis;
  ReferenceLine reference;
  reference.value = value;
  reference.label = label;
  reference.use_right_axis = useRightAxis;
  reference.line = new QCPItemStraightLine(this);
  reference.line->setSelectable(false);
  reference.line->setPen(QPen(color, 1.4, Qt::DashLine));
  for (QCPItemPosition* point : {reference.line->point1, reference.line->point2}) point->setAxes(xAxis, valueAxis);
  reference.line->point1->setCoords(0.0, value);
  reference.line->point2->setCoords(1.0, value);
  reference.text = new QCPItemText(this);
  reference.text->setSelectable(false);
  reference.text->setClipToAxisRect(true);
  reference.text->position->setAxes(xAxis, valueAxis);
  reference.text->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
  reference.text->position->setTypeY(QCPItemPosition::ptPlotCoords);
  reference.text->position->setCoords(0.995, value);
  reference.text->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
  reference.text->setText(label);
  reference.text->setColor(color.darker(120));
  QFont labelFont = font();
  labelFont.setPointSizeF(8);
  reference.text->setFont(labelFont);
  reference.text->setPadding(QMargins(2, 0, 2, 1));
  m_referenceLines.push_back(reference);
}

double TimeSeriesChart::referenceLineValue(int index) const {
  return m_referenceLines.at(static_cast<std::size_t>(index)).value;
}
QString TimeSeriesChart::referenceLineLabel(int index) const {
  return m_referenceLines.at(static_cast<std::size_t>(index)).label;
}

QStringList TimeSeriesChart::markerEventKinds() {
  return {QStringLiteral("scale_decision"), QStringLiteral("replica_starting"), QStringLiteral("replica_ready"),
          QStringLiteral("replica_stopped"),  QStringLiteral("replica_lost"),  QStringLiteral("replica_removed"),
          QStringLiteral("failure"),        QStringLiteral("failure_detected"), QStringLiteral("repair"),
          QStringLiteral("job_interrupted"),  QStringLiteral("reclaim_notice"), QStringLiteral("spare_activated"),
          QStringLiteral("gpu_failure"),    QStringLiteral("node_failure"),
          QStringLiteral("preemption"),     QStringLiteral("job_start"),     QStringLiteral("job_end"),
          QStringLiteral("data_loss"),      QStringLiteral("measurement_start")};
}

QColor TimeSeriesChart::eventKindColor(const QString& kind) {
  if (kind == QLatin1String("scale_decision")) return QColor(148, 103, 189);
  if (kind == QLatin1String("replica_starting")) return QColor(255, 160, 60);
  if (kind == QLatin1String("replica_ready")) return QColor(44, 160, 44);
  if (kind == QLatin1String("replica_stopped")) return QColor(127, 127, 127);
  if (kind == QLatin1String("failure")) return QColor(214, 39, 40);
  if (kind == QLatin1String("failure_detected")) return QColor(188, 189, 34);
  if (kind == QLatin1String("reclaim_notice")) return QColor(227, 119, 194);
  if (kind == QLatin1String("spare_activated")) return QColor(23, 190, 207);
  if (kind == QLatin1String("replica_draining")) return QColor(127, 127, 127);
  if (kind == QLatin1String("replica_lost")) return QColor(214, 39, 40);
  if (kind == QLatin1String("replica_removed")) return QColor(140, 86, 75);
  if (kind == QLatin1String("job_interrupted")) return QColor(214, 39, 40);
  if (kind == QLatin1String("job_failed")) return QColor(0, 0, 0);
  if (kind == QLatin1String("gpu_failure")) return QColor(214, 39, 40);
  if (kind == QLatin1String("node_failure")) return QColor(140, 20, 20);
  if (kind == QLatin1String("repair")) return QColor(23, 190, 207);
  if (kind == QLatin1String("preemption")) return QColor(255, 127, 14);
  if (kind == QLatin1String("job_start")) return QColor(31, 119, 180);
  if (kind == QLatin1String("job_end")) return QColor(120, 170, 220);
  if (kind == QLatin1String("job_preempted")) return QColor(255, 127, 14);
  if (kind == QLatin1String("job_rejected")) return QColor(214, 39, 40);
  if (kind == QLatin1String("dag_stage_done")) return QColor(44, 160, 44);
  // Data layer: rebuilds start (violet), redundancy is back (teal), data is lost (a strong magenta,
  // drawn wider and opaque: the one event of the panel nobody should miss).
  if (kind == QLatin1String("rebuild_started")) return QColor(148, 103, 189);
  if (kind == QLatin1String("redundancy_restored")) return QColor(0, 150, 136);
  if (kind == QLatin1String("data_loss")) return QColor(204, 0, 102);
  if (kind == QLatin1String("backup_done")) return QColor(70, 110, 160);
  if (kind == QLatin1String("weights_evicted")) return QColor(188, 143, 60);
  if (kind == QLatin1String("measurement_start")) return QColor(90, 90, 90);
  // Node pools: a node ordered (light green), ready (green), draining (grey), removed (brown).
  if (kind == QLatin1String("node_provisioning")) return QColor(152, 223, 138);
  if (kind == QLatin1String("node_ready")) return QColor(44, 160, 44);
  if (kind == QLatin1String("node_draining")) return QColor(127, 127, 127);
  if (kind == QLatin1String("node_removed")) return QColor(140, 86, 75);
  // Other kinds: a stable colour from the name.
  return QColor::fromHsv(static_cast<int>(qHash(kind) % 360), 140, 170);
}

EventMarkerItem* TimeSeriesChart::markerItemFor(const QString& kind) {
  for (EventMarkerItem* item : m_markerItems)
    if (item->kind() == kind) return item;
  QColor color = eventKindColor(kind);
  const bool isAlarm = kind == QLatin1String("data_loss");
  color.setAlpha(isAlarm ? 255 : 170);
  QPen pen(color, isAlarm ? 2.2 : 1.2, kind == QLatin1String("measurement_start") ? Qt::DashDotLine : Qt::SolidLine);
  auto* item = new EventMarkerItem(this, kind, pen);
  item->setLayer(QStringLiteral("grid"));  // behind the curves
  m_markerItems.push_back(item);
  return item;
}

void TimeSeriesChart::addLegendEntryForKind(const QString& kind, const QPen& pen) {
  for (int i = 0; i < legend->itemCount(); ++i)
    if (auto* entry = qobject_cast<EventKindLegendItem*>(legend->item(i)); entry && entry->kind() == kind) return;
  legend->addItem(new EventKindLegendItem(legend, kind, humanKind(kind), pen));
}

void TimeSeriesChart::addLegendKey(const QString& label, const QPen& pen) {
  QCPGraph* entry = addGraph();
  entry->setProperty("legendKey", true);
  entry->setPen(pen);
  entry->setName(label);
  entry->setSelectable(QCP::stNone);
}

void TimeSeriesChart::setCurvesInLegend(bool shown) {
  for (const CurveRecord& curve : m_curves) {
    if (shown) curve.graph->addToLegend();
    else curve.graph->removeFromLegend();
  }
}

QMargins TimeSeriesChart::automaticPlotAreaMargins() {
  axisRect()->setAutoMargins(QCP::msAll);
  // Layout only (ticks, labels, margins): drawing every curve just to measure axes froze big reports.
  updateLayout();
  return axisRect()->margins();
}

void TimeSeriesChart::setPlotAreaMargins(int left, int right) {
  axisRect()->setAutoMargins(QCP::msTop | QCP::msBottom);
  QMargins margins = axisRect()->margins();
  margins.setLeft(left);
  margins.setRight(right);
  axisRect()->setMargins(margins);
  m_legendRow->setMargins(QMargins(left, 0, 10, 4));
  requestReplot();
}

void TimeSeriesChart::addEventMarkers(const std::vector<leptonsim::Event>& events, const QStringList& kinds,
                                      const QString& runLabel) {
  const QStringList wanted = kinds.isEmpty() ? markerEventKinds() : kinds;
  for (const leptonsim::Event& event : events) {
    const QString kind = QString::fromStdString(event.kind);
    if (!wanted.contains(kind)) continue;
    QString description = QStringLiteral("<b>%1</b> at %2").arg(humanKind(kind), formatSimulatedTime(event.t));
    if (!event.entity.empty()) description += QStringLiteral(" — %1").arg(QString::fromStdString(event.entity).toHtmlEscaped());
    if (!runLabel.isEmpty()) description += QStringLiteral(" [%1]").arg(runLabel.toHtmlEscaped());
    const QString detail = describeDetail(event.detail);
    if (!detail.isEmpty()) description += QStringLiteral("<br>&nbsp;&nbsp;") + detail.toHtmlEscaped();
    EventMarkerItem* item = markerItemFor(kind);
    item->addMarker(event.t, description);
  }
  for (EventMarkerItem* item : m_markerItems) addLegendEntryForKind(item->kind(), item->pen());
}

void TimeSeriesChart::setWarmupEnd(double t) {
  const bool visible = std::isfinite(t) && t > 0.0;
  m_warmupEnd = visible ? t : 0.0;
  if (!m_warmupRect) {
    m_warmupRect = new QCPItemRect(this);
    m_warmupRect->setSelectable(false);
    m_warmupRect->setLayer(QStringLiteral("grid"));
    m_warmupRect->setPen(Qt::NoPen);
    m_warmupRect->setBrush(QColor(0, 0, 0, 14));
    m_warmupRect->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_warmupRect->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_warmupText = new QCPItemText(this);
    m_warmupText->setSelectable(false);
    m_warmupText->setLayer(QStringLiteral("grid"));
    m_warmupText->setClipToAxisRect(true);
    m_warmupText->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_warmupText->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_warmupText->setText(tr("warm-up"));
    m_warmupText->setColor(QColor(120, 120, 120));
    QFont labelFont = font();
    labelFont.setPointSizeF(7.5);
    m_warmupText->setFont(labelFont);
  }
  m_warmupRect->topLeft->setCoords(0.0, 0.0);
  m_warmupRect->bottomRight->setCoords(m_warmupEnd, 1.0);
  m_warmupText->position->setCoords(0.0, 0.0);
  m_warmupRect->setVisible(visible);
  m_warmupText->setVisible(visible);
}

int TimeSeriesChart::eventMarkerCount() const {
  int count = 0;
  for (const EventMarkerItem* item : m_markerItems) count += item->markerCount();
  return count;
}

int TimeSeriesChart::eventMarkerCount(const QString& kind) const {
  for (const EventMarkerItem* item : m_markerItems)
    if (item->kind() == kind) return item->markerCount();
  return 0;
}

void TimeSeriesChart::finishSetup() {
  bool found = false;
  QCPRange range;
  for (const CurveRecord& curve : m_curves) {
    bool curveFound = false;
    const QCPRange keys = curve.graph->getKeyRange(curveFound);
    if (!curveFound) continue;
    range = found ? QCPRange(std::min(range.lower, keys.lower), std::max(range.upper, keys.upper)) : keys;
    found = true;
  }
  for (const EventMarkerItem* item : m_markerItems) {
    for (int i = 0; i < item->markerCount(); ++i) {
      const double t = item->markerTime(i);
      range = found ? QCPRange(std::min(range.lower, t), std::max(range.upper, t)) : QCPRange(t, t);
      found = true;
    }
  }
  // Simulations start at 0: show the run from its start even if the first sample comes later.
  if (found && range.lower > 0.0) range.lower = 0.0;
  if (!found || range.size() <= 0.0) range = QCPRange(0.0, found ? range.upper + 1.0 : 1.0);
  legend->setVisible(legend->itemCount() > 0);
  // Room under each entry: the descenders of the last legend row would be clipped otherwise.
  for (int i = 0; i < legend->itemCount(); ++i)
    if (QCPAbstractLegendItem* item = legend->item(i)) item->setMargins(QMargins(0, 0, 0, 2));
  // A value axis without curves or lines (a panel whose other series are absent) shows no scale.
  if (!m_curves.empty()) {
    for (QCPAxis* axis : {yAxis, yAxis2}) {
      bool isUsed = false;
      for (const CurveRecord& curve : m_curves) isUsed = isUsed || curve.graph->valueAxis() == axis;
      for (const ReferenceLine& reference : m_referenceLines)
        isUsed = isUsed || (reference.use_right_axis ? yAxis2 : yAxis) == axis;
      if (axis == yAxis2) {
        axis->setVisible(isUsed);
      } else if (!isUsed) {
        axis->setTickLabels(false);
        axis->setLabel(QString());
      }
    }
    // The grid follows the left axis, or the right one when only it has curves.
    const bool leftHasScale = yAxis->tickLabels();
    yAxis->grid()->setVisible(leftHasScale);
    yAxis2->grid()->setVisible(!leftHasScale && yAxis2->visible());
  }
  setFullTimeRange(range);
}

void TimeSeriesChart::setFullTimeRange(const QCPRange& range) {
  m_fullTimeRange = range;
  updateTimeAxisFormat();
  resetTimeRange();
}

void TimeSeriesChart::updateTimeAxisFormat() {
  auto ticker = qSharedPointerDynamicCast<QCPAxisTickerTime>(xAxis->ticker());
  if (!ticker) return;
  const double span = m_fullTimeRange.size();
  if (span >= 2 * 86400.0) {
    ticker->setTimeFormat(QStringLiteral("%d d %h:%m"));
    xAxis->setLabel(QStringLiteral("simulated time (days, h:mm)"));
  } else if (span >= 3600.0) {
    ticker->setTimeFormat(QStringLiteral("%h:%m:%s"));
    xAxis->setLabel(QStringLiteral("simulated time (h:mm:ss)"));
  } else {
    ticker->setTimeFormat(QStringLiteral("%m:%s"));
    xAxis->setLabel(QStringLiteral("simulated time (min:ss)"));
  }
}

QCPRange TimeSeriesChart::timeRange() const { return xAxis->range(); }
void TimeSeriesChart::setTimeRange(const QCPRange& range) { xAxis->setRange(range); }

void TimeSeriesChart::resetTimeRange() {
  xAxis->setRange(m_fullTimeRange);
  onTimeRangeChanged(m_fullTimeRange);  // setRange does not signal when the range is unchanged
}

void TimeSeriesChart::onTimeRangeChanged(const QCPRange& range) {
  Q_UNUSED(range)
  rescaleValueAxes();
  if (m_cursorLine->visible()) {
    m_cursorLine->point1->setCoords(m_timeCursor, 0.0);
    m_cursorLine->point2->setCoords(m_timeCursor, 1.0);
  }
  requestReplot();
  m_reloadTimer.start();
}

void TimeSeriesChart::rescaleValueAxes() {
  const QCPRange visible = xAxis->range();
  for (QCPAxis* axis : {yAxis, yAxis2}) {
    if (axis == yAxis2 && m_secondAxisFixedRange) {
      axis->setRange(*m_secondAxisFixedRange);
      continue;
    }
    bool found = false;
    QCPRange range;
    auto include = [&](const QCPRange& part) {
      range = found ? QCPRange(std::min(range.lower, part.lower), std::max(range.upper, part.upper)) : part;
      found = true;
    };
    for (const CurveRecord& curve : m_curves) {
      if (curve.graph->valueAxis() != axis || !curve.graph->visible()) continue;
      bool curveFound = false;
      const QCPRange values = curve.graph->getValueRange(curveFound, QCP::sdBoth, visible);
      if (curveFound) include(values);
    }
    for (const ReferenceLine& reference : m_referenceLines)
      if ((reference.use_right_axis ? yAxis2 : yAxis) == axis && std::isfinite(reference.value))
        include(QCPRange(reference.value, reference.value));
    if (!found) {
      axis->setRange(0.0, 1.0);
      continue;
    }
    // Counts, rates and latencies are >= 0: keep zero on the axis so curves compare by height.
    double lower = std::min(0.0, range.lower);
    double upper = range.upper;
    if (upper - lower <= 0.0) upper = lower + (lower == 0.0 ? 1.0 : std::abs(lower) * 0.1);
    upper += (upper - lower) * 0.08;
    if (range.lower < 0.0) lower -= (upper - lower) * 0.04;
    axis->setRange(lower, upper);
  }
}

double TimeSeriesChart::typicalStep(const std::vector<double>& times) {
  std::vector<double> steps;
  steps.reserve(times.size());
  for (std::size_t i = 1; i < times.size(); ++i)
    if (times[i] > times[i - 1]) steps.push_back(times[i] - times[i - 1]);
  if (steps.empty()) return std::numeric_limits<double>::infinity();
  // The lower quartile: missing samples lengthen some steps, a stray extra sample shortens one.
  const auto quartile = steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 4);
  std::nth_element(steps.begin(), quartile, steps.end());
  return *quartile;
}

QVector<QCPGraphData> TimeSeriesChart::graphPoints(const leptonsim::TimeSeries& series, double scale,
                                                   double gapThreshold, std::set<double>* gapKeys) {
  QVector<QCPGraphData> points;
  const std::size_t count = std::min(series.t.size(), series.value.size());
  points.reserve(static_cast<int>(count));
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0 && series.t[i] - series.t[i - 1] > gapThreshold) {
      // Samples are missing here (e.g. no request completed): a NaN point stops the line.
      const double key = (series.t[i] + series.t[i - 1]) / 2.0;
      points.append(QCPGraphData(key, kNaN));
      if (gapKeys) gapKeys->insert(key);
    }
    points.append(QCPGraphData(series.t[i], series.value[i] * scale));
  }
  return points;
}

int TimeSeriesChart::nearestPointIndex(const QCPGraphDataContainer& data, double t) {
  if (data.isEmpty()) return -1;
  auto begin = data.constBegin();
  auto end = data.constEnd();
  auto after = std::lower_bound(begin, end, t, [](const QCPGraphData& point, double key) { return point.key < key; });
  if (after == end) return data.size() - 1;
  if (after == begin) return 0;
  auto before = after - 1;
  return static_cast<int>((t - before->key <= after->key - t ? before : after) - begin);
}

QString TimeSeriesChart::formatSimulatedTime(double seconds) {
  if (!std::isfinite(seconds)) return QStringLiteral("–");
  const QString sign = seconds < 0 ? QStringLiteral("-") : QString();
  double remaining = std::abs(seconds);
  const auto days = static_cast<long long>(remaining / 86400.0);
  remaining -= static_cast<double>(days) * 86400.0;
  const auto hours = static_cast<long long>(remaining / 3600.0);
  remaining -= static_cast<double>(hours) * 3600.0;
  const auto minutes = static_cast<long long>(remaining / 60.0);
  remaining -= static_cast<double>(minutes) * 60.0;
  // Whole seconds unless the time has a fraction worth showing.
  const bool hasFraction = std::abs(remaining - std::round(remaining)) >= 0.05;
  QString secondsText = hasFraction ? QString::number(remaining, 'f', 1).rightJustified(4, QLatin1Char('0'))
                                    : QString::number(static_cast<long long>(std::round(remaining)))
                                          .rightJustified(2, QLatin1Char('0'));
  QString text = QStringLiteral("%1:%2:%3")
                     .arg(hours, days > 0 ? 2 : 1, 10, QLatin1Char('0'))
                     .arg(minutes, 2, 10, QLatin1Char('0'))
                     .arg(secondsText);
  if (days > 0) text = QStringLiteral("%1 d %2").arg(days).arg(text);
  return sign + text;
}

QVector<CurveValue> TimeSeriesChart::valuesAt(double t) const {
  QVector<CurveValue> values;
  for (const CurveRecord& curve : m_curves) {
    CurveValue value;
    value.label = curve.options.label;
    value.unit = curve.options.unit;
    value.color = curve.options.color;
    const int index = nearestPointIndex(*curve.graph->data(), t);
    if (index < 0) {
      value.t = t;
      value.value = kNaN;
    } else {
      const QCPGraphData& point = *(curve.graph->data()->constBegin() + index);
      value.t = point.key;
      value.value = point.value;
    }
    values.append(value);
  }
  return values;
}

QString TimeSeriesChart::tooltipTextAt(double t, double pixelTolerance) const {
  QString html = QStringLiteral("<b>%1</b>").arg(formatSimulatedTime(t));
  const QVector<CurveValue> values = valuesAt(t);
  if (!values.isEmpty()) {
    html += QStringLiteral("<table cellspacing=0 cellpadding=1>");
    for (const CurveValue& value : values) {
      const QString unit = value.unit.isEmpty() || std::isnan(value.value) ? QString() : QStringLiteral(" ") + value.unit;
      html += QStringLiteral("<tr><td><span style='color:%1'>&#9632;</span> %2</td><td align=right>&nbsp;&nbsp;%3%4</td></tr>")
                  .arg(value.color.name(), value.label.toHtmlEscaped(), formatValue(value.value), unit.toHtmlEscaped());
    }
    html += QStringLiteral("</table>");
  }
  // Pixels to seconds; a chart that was never laid out counts as 1000 pixels wide.
  const int width = axisRect()->width() > 50 ? axisRect()->width() : 1000;
  const double timeTolerance = pixelTolerance * xAxis->range().size() / width;
  QStringList events;
  for (const EventMarkerItem* item : m_markerItems) events << item->descriptionsNear(t, timeTolerance);
  constexpr int kMostEventsShown = 8;
  if (!events.isEmpty()) {
    html += QStringLiteral("<hr>") + events.mid(0, kMostEventsShown).join(QStringLiteral("<br>"));
    if (events.size() > kMostEventsShown)
      html += QStringLiteral("<br>… and %1 more events here").arg(events.size() - kMostEventsShown);
  }
  return html;
}

void TimeSeriesChart::showTooltip(QMouseEvent* event) {
  if (!axisRect()->rect().contains(event->pos()) || (event->buttons() & Qt::LeftButton)) {
    QToolTip::hideText();
    return;
  }
  const double t = xAxis->pixelToCoord(event->pos().x());
  QToolTip::showText(event->globalPosition().toPoint(), tooltipTextAt(t), this, QRect(event->pos(), QSize(1, 1)));
}

void TimeSeriesChart::setTimeCursor(double t) {
  m_timeCursor = t;
  const bool visible = std::isfinite(t);
  m_cursorLine->setVisible(visible);
  if (visible) {
    m_cursorLine->point1->setCoords(t, 0.0);
    m_cursorLine->point2->setCoords(t, 1.0);
  }
  requestReplot();
}

void TimeSeriesChart::showContextMenu(const QPoint& position) {
  QMenu menu(this);
  QAction* resetAction = menu.addAction(tr("Reset zoom"));
  menu.addSeparator();
  QAction* pngAction = menu.addAction(tr("Export chart as PNG…"));
  QAction* pdfAction = menu.addAction(tr("Export chart as PDF…"));
  QAction* csvAction = menu.addAction(tr("Export curves as CSV…"));
  QAction* chosen = menu.exec(mapToGlobal(position));
  if (!chosen) return;
  if (chosen == resetAction) {
    resetTimeRange();
    return;
  }
  QString baseName = title().isEmpty() ? QStringLiteral("chart") : title();
  baseName.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]+")), QStringLiteral("-"));
  if (chosen == pngAction) {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export chart"), baseName + QStringLiteral(".png"),
                                                      tr("PNG image (*.png)"));
    if (!path.isEmpty()) exportShowingErrors(ExportFormat::Png, path);
  } else if (chosen == pdfAction) {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export chart"), baseName + QStringLiteral(".pdf"),
                                                      tr("PDF document (*.pdf)"));
    if (!path.isEmpty()) exportShowingErrors(ExportFormat::Pdf, path);
  } else if (chosen == csvAction) {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export curves"), baseName + QStringLiteral(".csv"),
                                                      tr("CSV file (*.csv)"));
    if (!path.isEmpty()) exportShowingErrors(ExportFormat::Csv, path);
  }
}

bool TimeSeriesChart::exportShowingErrors(ExportFormat format, const QString& path) {
  QString error;
  const bool ok = format == ExportFormat::Png   ? exportPng(path, 0, 0, &error)
                  : format == ExportFormat::Pdf ? exportPdf(path, 0, 0, &error)
                                                : exportCsv(path, &error);
  if (!ok) QMessageBox::warning(this, tr("Export failed"), error);
  return ok;
}

bool TimeSeriesChart::exportPng(const QString& path, int width, int height, QString* error) {
  const int w = width > 0 ? width : std::max(this->width(), 900);
  const int h = height > 0 ? height : std::max(this->height(), 320);
  const bool ok = savePng(path, w, h, 2.0);
  if (!ok && error) *error = CsvExport::writeFailureMessage(path);
  return ok;
}

bool TimeSeriesChart::exportPdf(const QString& path, int width, int height, QString* error) {
  const int w = width > 0 ? width : std::max(this->width(), 900);
  const int h = height > 0 ? height : std::max(this->height(), 320);
  const bool ok = savePdf(path, w, h, QCP::epNoCosmetic, QStringLiteral("leptonsim"), title());
  if (!ok && error) *error = CsvExport::writeFailureMessage(path);
  return ok;
}

bool TimeSeriesChart::exportCsv(const QString& path, QString* error) {
  QStandardItemModel model;
  model.setHorizontalHeaderLabels({QStringLiteral("run"), QStringLiteral("series"), QStringLiteral("entity"),
                                   QStringLiteral("curve"), QStringLiteral("unit"), QStringLiteral("time_s"),
                                   QStringLiteral("value")});
  for (const CurveRecord& curve : m_curves) {
    for (auto it = curve.graph->data()->constBegin(); it != curve.graph->data()->constEnd(); ++it) {
      if (std::isnan(it->value) && curve.gap_keys.count(it->key)) continue;  // drawn gaps are not data
      QList<QStandardItem*> row;
      row << new QStandardItem(curve.options.run_label) << new QStandardItem(curve.options.series)
          << new QStandardItem(curve.options.entity) << new QStandardItem(curve.options.label)
          << new QStandardItem(curve.options.unit);
      auto* time = new QStandardItem;
      time->setData(it->key, Qt::DisplayRole);
      auto* value = new QStandardItem;
      if (!std::isnan(it->value)) value->setData(it->value, Qt::DisplayRole);
      row << time << value;
      model.appendRow(row);
    }
  }
  return CsvExport::writeFile(model, path, error);
}

void TimeSeriesChart::reloadVisibleRangeInFull() {
  const quint64 generation = ++m_reloadGeneration;
  const QCPRange visible = xAxis->range();
  for (int index = 0; index < curveCount(); ++index) {
    const CurveRecord& curve = m_curves[static_cast<std::size_t>(index)];
    if (!curve.options.source) continue;
    const CurveSource source = *curve.options.source;
    const double span = source.t_max - source.t_min;
    if (span <= 0.0 || source.points_in_file <= curve.loaded->size()) continue;
    const double from = std::max(visible.lower, source.t_min);
    const double to = std::min(visible.upper, source.t_max);
    if (to <= from) continue;
    // Rows the file holds in view (assuming even sampling) against rows loaded there.
    const double rowsInView = static_cast<double>(source.points_in_file) * (to - from) / span;
    const auto loadedBegin = curve.loaded->findBegin(from, false);
    const auto loadedEnd = curve.loaded->findEnd(to, false);
    const double loadedInView = static_cast<double>(loadedEnd - loadedBegin);
    const double wanted = std::min(rowsInView, static_cast<double>(m_fullResolutionBudget));
    if (wanted <= loadedInView * 1.5) {
      // Zoomed out again: the downsampled curve is detailed enough.
      if (curve.graph->data()->size() != curve.loaded->size()) {
        curve.graph->data()->set(*curve.loaded);
        curve.graph->setAntialiased(curve.loaded->size() <= kMostAntialiasedPoints);
        requestReplot();
      }
      continue;
    }
    const std::size_t budget = m_fullResolutionBudget;
    auto* watcher = new QFutureWatcher<ReloadResult>(this);
    connect(watcher, &QFutureWatcher<ReloadResult>::finished, this, [this, watcher, generation, index, from, to]() {
      const ReloadResult result = watcher->result();
      watcher->deleteLater();
      if (generation != m_reloadGeneration || !result.ok) return;  // the user zoomed elsewhere meanwhile
      applyReloadedRange(index, from, to, result.series);
    });
    watcher->setFuture(QtConcurrent::run([source, from, to, budget]() {
      ReloadResult result;
      try {
        result.series = leptonsim::load_series_range(source.report_path, source.run_id, source.series, source.entity,
                                                     from, to, budget);
        result.ok = true;
      } catch (const std::exception&) {
        result.ok = false;  // the report moved or changed: keep the downsampled curve
      }
      return result;
    }));
  }
}

void TimeSeriesChart::applyReloadedRange(int curveIndex, double from, double to,
                                         const leptonsim::TimeSeries& series) {
  CurveRecord& curve = m_curves.at(static_cast<std::size_t>(curveIndex));
  const double scale = curve.options.value_scale;
  QVector<QCPGraphData> points;
  points.reserve(curve.loaded->size() + static_cast<int>(series.t.size()));
  for (auto it = curve.loaded->constBegin(); it != curve.loaded->constEnd(); ++it)
    if (it->key < from || it->key > to) points.append(*it);
  double threshold = std::numeric_limits<double>::infinity();
  const std::size_t count = std::min(series.t.size(), series.value.size());
  if (curve.options.break_at_gaps && count >= 2) {
    // Read in full: the file's step; still thinned: also the bucket width.
    threshold = 1.5 * curve.sample_step;
    if (count >= m_fullResolutionBudget)
      threshold = std::max(threshold, 2.5 * (series.t[count - 1] - series.t[0]) / (static_cast<double>(count) / 4.0));
  }
  points.append(graphPoints(series, scale, threshold, &curve.gap_keys));
  curve.graph->data()->set(points, false);
  curve.graph->setAntialiased(curve.graph->data()->size() <= kMostAntialiasedPoints);
  rescaleValueAxes();
  requestReplot();
  Q_EMIT fullResolutionLoaded();
}

}  // namespace leptonsim::gui
