#include "sweep/SweepView.hpp"

#include "charts/SweepCharts.hpp"

#include <QComboBox>
#include <QCursor>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace leptonsim::gui {
namespace {

constexpr int kSortRole = Qt::UserRole + 1;
constexpr int kPointRole = Qt::UserRole + 2;
constexpr double kPickRadiusPixels = 12.0;

struct TableResult {
  std::shared_ptr<const leptonsim::SweepTable> table;
  QString error;
};

QString toQ(const std::string& text) { return QString::fromStdString(text); }

// "1 run", "3 runs".
QString counted(std::size_t count, const char* one, const char* many) {
  return QStringLiteral("%1 %2").arg(count).arg(QObject::tr(count == 1 ? one : many));
}

bool isFinite(double value) { return std::isfinite(value); }

QString compactNumber(double value) { return SweepCharts::compactNumber(value); }

std::vector<std::string> axisValues(const leptonsim::SweepTable& table, const std::string& axis) {
  return SweepCharts::axisValues(table, axis);
}

QComboBox* makeCombo(QWidget* parent, const QString& name) {
  auto* combo = new QComboBox(parent);
  combo->setObjectName(name);
  combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  return combo;
}

void selectData(QComboBox* combo, const QString& data) {
  const int index = combo->findData(data);
  if (index >= 0) combo->setCurrentIndex(index);
}

std::string currentKey(const QComboBox* combo) { return combo->currentData().toString().toStdString(); }

}  // namespace

SweepView::SweepView(QWidget* parent) : QWidget(parent) {
  refreshTimer_ = new QTimer(this);
  refreshTimer_->setSingleShot(true);
  refreshTimer_->setInterval(0);
  connect(refreshTimer_, &QTimer::timeout, this, &SweepView::refresh);

  tabs_ = new QTabWidget(this);
  buildHeatmapTab();
  buildBandTab();
  buildParetoTab();
  tabs_->addTab(heatmap_.page, tr("Heatmap"));
  tabs_->addTab(band_.page, tr("Metric vs parameter"));
  tabs_->addTab(pareto_.page, tr("Cost vs latency"));
  connect(tabs_, &QTabWidget::currentChanged, this, [this] { refreshPointsTable(); });

  auto* tableBox = new QWidget(this);
  auto* tableLayout = new QVBoxLayout(tableBox);
  tableLayout->setContentsMargins(0, 0, 0, 0);
  tableTitle_ = new QLabel(tableBox);
  pointsModel_ = new QStandardItemModel(this);
  pointsModel_->setSortRole(kSortRole);
  pointsTable_ = new QTableView(tableBox);
  pointsTable_->setObjectName(QStringLiteral("sweepPointsTable"));
  pointsTable_->setModel(pointsModel_);
  pointsTable_->setSortingEnabled(true);
  pointsTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
  pointsTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  pointsTable_->verticalHeader()->hide();
  pointsTable_->horizontalHeader()->setStretchLastSection(true);
  pointsTable_->setToolTip(tr("Double-click a row to open one of its runs"));
  connect(pointsTable_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
    const QVariant point = pointsModel_->index(index.row(), 0).data(kPointRole);
    if (point.isValid()) offerRuns({point.value<qulonglong>()}, QCursor::pos());
  });
  tableLayout->addWidget(tableTitle_);
  tableLayout->addWidget(pointsTable_);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(tabs_);
  splitter->addWidget(tableBox);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(splitter);

  refresh();
}

SweepView::~SweepView() = default;

namespace {

// The common frame of the three tabs: a row of controls, the chart (or a
// message in its place) and a caption explaining what is drawn.
QCustomPlot* makeChartFrame(QWidget* page, QStackedWidget*& stack, QLabel*& message, QLabel*& caption,
                            QVBoxLayout*& layout) {
  layout = new QVBoxLayout(page);
  stack = new QStackedWidget(page);
  auto* plot = new QCustomPlot(stack);
  plot->setMouseTracking(true);
  plot->setMinimumSize(320, 240);
  message = new QLabel(stack);
  message->setAlignment(Qt::AlignCenter);
  message->setWordWrap(true);
  message->setMargin(24);
  stack->addWidget(plot);
  stack->addWidget(message);
  caption = new QLabel(page);
  caption->setWordWrap(true);
  caption->setStyleSheet(QStringLiteral("color: #555;"));
  return plot;
}

}  // namespace

void SweepView::buildHeatmapTab() {
  auto& tab = heatmap_;
  tab.page = new QWidget(this);
  QVBoxLayout* layout = nullptr;
  tab.plot = makeChartFrame(tab.page, tab.stack, tab.message, tab.caption, layout);
  tab.plot->setObjectName(QStringLiteral("sweepHeatmapPlot"));

  tab.metric = makeCombo(tab.page, QStringLiteral("heatmapMetric"));
  tab.axisX = makeCombo(tab.page, QStringLiteral("heatmapAxisX"));
  tab.axisY = makeCombo(tab.page, QStringLiteral("heatmapAxisY"));
  tab.fixedRow = new QHBoxLayout;
  layOutTab(tab.page, layout, {{tr("Metric:"), tab.metric}, {tr("x:"), tab.axisX}, {tr("y:"), tab.axisY}},
            tab.fixedRow, tab.stack, tab.caption);

  tab.map = SweepCharts::setUpHeatmap(tab.plot);

  auto onAxesChanged = [this] {
    if (updatingCombos_ || !table_) return;
    rebuildFixedCombos(heatmap_.fixed, heatmap_.fixedRow, {currentKey(heatmap_.axisX), currentKey(heatmap_.axisY)},
                       true);
    scheduleRefresh();
  };
  connect(tab.axisX, &QComboBox::currentIndexChanged, this, onAxesChanged);
  connect(tab.axisY, &QComboBox::currentIndexChanged, this, onAxesChanged);
  connect(tab.metric, &QComboBox::currentIndexChanged, this, [this] {
    if (!updatingCombos_) scheduleRefresh();
  });
  connectPlotMouse(tab.plot, Mode::heatmap);
}

// A tab's page: a row of labelled choices, the row of fixed axis values (if
// any), the chart (or its message) and the caption.
void SweepView::layOutTab(QWidget* page, QVBoxLayout* layout,
                          std::initializer_list<std::pair<QString, QComboBox*>> choices, QHBoxLayout* fixedRow,
                          QWidget* chart, QWidget* caption) {
  auto* controls = new QHBoxLayout;
  for (const auto& [label, combo] : choices) {
    controls->addWidget(new QLabel(label, page));
    controls->addWidget(combo);
  }
  controls->addStretch(1);
  layout->addLayout(controls);
  if (fixedRow) layout->addLayout(fixedRow);
  layout->addWidget(chart, 1);
  layout->addWidget(caption);
}

// Hover shows a tooltip; a click (press and release in one place) opens a run.
void SweepView::connectPlotMouse(QCustomPlot* plot, Mode mode) {
  connect(plot, &QCustomPlot::mouseMove, this, [this, mode](QMouseEvent* event) { onPlotMouseMove(mode, event); });
  connect(plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) { pressPos_ = event->pos(); });
  connect(plot, &QCustomPlot::mouseRelease, this,
          [this, mode](QMouseEvent* event) { onPlotMouseRelease(mode, event); });
}

void SweepView::buildBandTab() {
  auto& tab = band_;
  tab.page = new QWidget(this);
  QVBoxLayout* layout = nullptr;
  tab.plot = makeChartFrame(tab.page, tab.stack, tab.message, tab.caption, layout);
  tab.plot->setObjectName(QStringLiteral("sweepBandPlot"));

  tab.metric = makeCombo(tab.page, QStringLiteral("bandMetric"));
  tab.axis = makeCombo(tab.page, QStringLiteral("bandAxis"));
  tab.lineAxis = makeCombo(tab.page, QStringLiteral("bandLineAxis"));
  tab.fixedRow = new QHBoxLayout;
  layOutTab(tab.page, layout,
            {{tr("Metric:"), tab.metric}, {tr("against:"), tab.axis}, {tr("one line per:"), tab.lineAxis}},
            tab.fixedRow, tab.stack, tab.caption);

  SweepCharts::placeLegendBelow(tab.plot, 4);

  auto onAxesChanged = [this] {
    if (updatingCombos_ || !table_) return;
    rebuildFixedCombos(band_.fixed, band_.fixedRow, {currentKey(band_.axis), currentKey(band_.lineAxis)}, false);
    scheduleRefresh();
  };
  connect(tab.axis, &QComboBox::currentIndexChanged, this, onAxesChanged);
  connect(tab.lineAxis, &QComboBox::currentIndexChanged, this, onAxesChanged);
  connect(tab.metric, &QComboBox::currentIndexChanged, this, [this] {
    if (!updatingCombos_) scheduleRefresh();
  });
  connectPlotMouse(tab.plot, Mode::band);
}

void SweepView::buildParetoTab() {
  auto& tab = pareto_;
  tab.page = new QWidget(this);
  QVBoxLayout* layout = nullptr;
  tab.plot = makeChartFrame(tab.page, tab.stack, tab.message, tab.caption, layout);
  tab.plot->setObjectName(QStringLiteral("sweepParetoPlot"));

  tab.xMetric = makeCombo(tab.page, QStringLiteral("paretoXMetric"));
  tab.yMetric = makeCombo(tab.page, QStringLiteral("paretoYMetric"));
  layOutTab(tab.page, layout, {{tr("x:"), tab.xMetric}, {tr("y:"), tab.yMetric}}, nullptr, tab.stack, tab.caption);

  SweepCharts::placeLegendBelow(tab.plot, 0);

  for (QComboBox* combo : {tab.xMetric, tab.yMetric})
    connect(combo, &QComboBox::currentIndexChanged, this, [this] {
      if (!updatingCombos_) scheduleRefresh();
    });
  connectPlotMouse(tab.plot, Mode::pareto);
}

void SweepView::setReport(std::shared_ptr<const leptonsim::ReportOverview> report) {
  const std::uint64_t generation = ++generation_;
  report_ = std::move(report);
  // The old points must not be offered with the new report's path meanwhile.
  table_.reset();
  loadError_.clear();
  fillCombos();
  refresh();
  if (!report_) {
    Q_EMIT tableReady();
    return;
  }
  auto* watcher = new QFutureWatcher<TableResult>(this);
  connect(watcher, &QFutureWatcher<TableResult>::finished, this, [this, watcher, generation] {
    watcher->deleteLater();
    if (generation != generation_) return;  // a newer report was set meanwhile
    const TableResult result = watcher->result();
    showTable(result.table, result.error);
  });
  watcher->setFuture(QtConcurrent::run([report = report_]() -> TableResult {
    try {
      return {std::make_shared<const leptonsim::SweepTable>(leptonsim::build_sweep_table(*report)), {}};
    } catch (const std::exception& error) {
      return {nullptr, QString::fromUtf8(error.what())};
    }
  }));
}

void SweepView::showTable(std::shared_ptr<const leptonsim::SweepTable> table, const QString& error) {
  table_ = std::move(table);
  loadError_ = error.isEmpty() ? QString() : tr("Could not group the runs of this report: %1").arg(error);
  fillCombos();
  refresh();
  Q_EMIT tableReady();
}

void SweepView::fillCombos() {
  updatingCombos_ = true;
  auto refill = [](QComboBox* combo, const std::vector<std::pair<QString, QString>>& items, const QString& fallback) {
    const QString previous = combo->currentData().toString();
    combo->clear();
    for (const auto& [text, data] : items) combo->addItem(text, data);
    if (combo->findData(previous) >= 0 && !previous.isEmpty())
      selectData(combo, previous);
    else
      selectData(combo, fallback);
  };
  std::vector<std::pair<QString, QString>> metrics, axes;
  QString latencyP99, cost, firstMetric, secondMetric;
  if (table_) {
    for (const auto& metric : table_->metrics) {
      metrics.emplace_back(metricTitle(metric), toQ(metric));
      if (latencyP99.isEmpty() && QString::fromStdString(metric).endsWith(QStringLiteral(".latency_p99")))
        latencyP99 = toQ(metric);
      if (metric == "cost.total") cost = toQ(metric);
    }
    for (const auto& axis : table_->axes) axes.emplace_back(toQ(axis), toQ(axis));
    if (!table_->metrics.empty()) firstMetric = toQ(table_->metrics.front());
    if (table_->metrics.size() > 1) secondMetric = toQ(table_->metrics[1]);
  }
  const QString preferred = !latencyP99.isEmpty() ? latencyP99 : !cost.isEmpty() ? cost : firstMetric;
  const QString axis0 = axes.empty() ? QString() : axes[0].second;
  const QString axis1 = axes.size() > 1 ? axes[1].second : axis0;

  refill(heatmap_.metric, metrics, preferred);
  refill(heatmap_.axisX, axes, axis0);
  refill(heatmap_.axisY, axes, axis1);
  refill(band_.metric, metrics, preferred);
  refill(band_.axis, axes, axis0);
  auto lineAxes = axes;
  lineAxes.insert(lineAxes.begin(), {tr("(single line)"), QString()});
  refill(band_.lineAxis, lineAxes, axes.size() == 2 ? axis1 : QString());
  refill(pareto_.xMetric, metrics, !cost.isEmpty() ? cost : firstMetric);
  refill(pareto_.yMetric, metrics, !latencyP99.isEmpty() ? latencyP99 : secondMetric);
  for (QComboBox* combo : {heatmap_.metric, heatmap_.axisX, heatmap_.axisY, band_.metric, band_.axis, band_.lineAxis,
                           pareto_.xMetric, pareto_.yMetric})
    combo->setEnabled(combo->count() > (combo == band_.lineAxis ? 1 : 0));
  if (heatmap_.axisX->currentData() == heatmap_.axisY->currentData() && axes.size() > 1)
    selectData(heatmap_.axisY, heatmap_.axisX->currentData() == axis0 ? axis1 : axis0);
  updatingCombos_ = false;

  rebuildFixedCombos(heatmap_.fixed, heatmap_.fixedRow, {currentKey(heatmap_.axisX), currentKey(heatmap_.axisY)}, true);
  rebuildFixedCombos(band_.fixed, band_.fixedRow, {currentKey(band_.axis), currentKey(band_.lineAxis)}, false);
}

void SweepView::rebuildFixedCombos(std::map<std::string, QComboBox*>& fixed, QHBoxLayout* row,
                                   const std::vector<std::string>& excluded, bool allowAverage) {
  std::map<std::string, QString> previous;
  for (const auto& [axis, combo] : fixed) previous[axis] = combo->currentData().toString();
  fixed.clear();
  while (QLayoutItem* item = row->takeAt(0)) {
    if (QWidget* widget = item->widget()) widget->deleteLater();
    delete item;
  }
  if (!table_) return;
  QWidget* owner = row == heatmap_.fixedRow ? heatmap_.page : band_.page;
  bool any = false;
  for (const auto& axis : table_->axes) {
    if (std::find(excluded.begin(), excluded.end(), axis) != excluded.end()) continue;
    if (!any) row->addWidget(new QLabel(allowAverage ? tr("Other parameters:") : tr("Fixed at:"), owner));
    any = true;
    auto* combo = makeCombo(owner, QStringLiteral("fixed:") + toQ(axis));
    if (allowAverage) combo->addItem(tr("(average over all)"), QString());
    for (const auto& value : axisValues(*table_, axis)) combo->addItem(toQ(value), toQ(value));
    auto found = previous.find(axis);
    if (found != previous.end()) selectData(combo, found->second);
    connect(combo, &QComboBox::currentIndexChanged, this, [this] {
      if (!updatingCombos_) scheduleRefresh();
    });
    row->addWidget(new QLabel(toQ(axis) + QStringLiteral(" ="), owner));
    row->addWidget(combo);
    fixed[axis] = combo;
  }
  if (any) row->addStretch(1);
}

void SweepView::setMode(Mode mode) { tabs_->setCurrentIndex(static_cast<int>(mode)); }

SweepView::Mode SweepView::mode() const { return static_cast<Mode>(tabs_->currentIndex()); }

void SweepView::setHeatmapSelection(const QString& metric, const QString& axisX, const QString& axisY) {
  updatingCombos_ = true;
  if (!metric.isEmpty()) selectData(heatmap_.metric, metric);
  if (!axisX.isEmpty()) selectData(heatmap_.axisX, axisX);
  if (!axisY.isEmpty()) selectData(heatmap_.axisY, axisY);
  updatingCombos_ = false;
  rebuildFixedCombos(heatmap_.fixed, heatmap_.fixedRow, {currentKey(heatmap_.axisX), currentKey(heatmap_.axisY)}, true);
  refresh();
}

void SweepView::setHeatmapFixedValue(const QString& axis, const QString& value) {
  auto found = heatmap_.fixed.find(axis.toStdString());
  if (found == heatmap_.fixed.end()) return;
  updatingCombos_ = true;
  selectData(found->second, value);
  updatingCombos_ = false;
  refresh();
}

void SweepView::setBandSelection(const QString& metric, const QString& axis, const QString& lineAxis) {
  updatingCombos_ = true;
  if (!metric.isEmpty()) selectData(band_.metric, metric);
  if (!axis.isEmpty()) selectData(band_.axis, axis);
  selectData(band_.lineAxis, lineAxis);
  updatingCombos_ = false;
  rebuildFixedCombos(band_.fixed, band_.fixedRow, {currentKey(band_.axis), currentKey(band_.lineAxis)}, false);
  refresh();
}

void SweepView::setBandFixedValue(const QString& axis, const QString& value) {
  auto found = band_.fixed.find(axis.toStdString());
  if (found == band_.fixed.end()) return;
  updatingCombos_ = true;
  selectData(found->second, value);
  updatingCombos_ = false;
  refresh();
}

void SweepView::setParetoMetrics(const QString& xMetric, const QString& yMetric) {
  updatingCombos_ = true;
  if (!xMetric.isEmpty()) selectData(pareto_.xMetric, xMetric);
  if (!yMetric.isEmpty()) selectData(pareto_.yMetric, yMetric);
  updatingCombos_ = false;
  refresh();
}

QString SweepView::message(Mode mode) const {
  switch (mode) {
    case Mode::heatmap: return heatmap_.messageText;
    case Mode::band: return band_.messageText;
    case Mode::pareto: return pareto_.messageText;
  }
  return {};
}

void SweepView::scheduleRefresh() { refreshTimer_->start(); }

void SweepView::refresh() {
  refreshTimer_->stop();
  refreshHeatmap();
  refreshBand();
  refreshPareto();
  refreshPointsTable();
}

void SweepView::setChartMessage(ChartTab& tab, const QString& text) {
  tab.messageText = text;
  tab.message->setText(text);
  tab.stack->setCurrentIndex(text.isEmpty() ? 0 : 1);
  if (!text.isEmpty()) tab.caption->clear();
}

namespace {

// Why no sweep chart can be drawn at all, or "" when one can.
QString sweepWideProblem(const leptonsim::ReportOverview* report, const leptonsim::SweepTable* table,
                         const QString& loadError) {
  if (!loadError.isEmpty()) return loadError;
  if (!report) return QObject::tr("No report loaded.");
  if (!table) return QObject::tr("Grouping the runs into sweep points…");
  if (table->points.empty()) return QObject::tr("This report holds no runs.");
  if (table->points.size() == 1)
    return QObject::tr("This report holds a single configuration (%1 with different seeds), so there is "
                       "nothing to compare across parameters. Its statistics are in the table below.")
        .arg(counted(table->points.front().run_ids.size(), "run", "runs"));
  if (table->metrics.empty()) return QObject::tr("The runs of this report have no summary metrics.");
  return {};
}

}  // namespace

void SweepView::refreshHeatmap() {
  auto& tab = heatmap_;
  tab.grid = {};
  if (QString problem = sweepWideProblem(report_.get(), table_.get(), loadError_); !problem.isEmpty()) {
    tab.plot->clearItems();
    tab.map->data()->clear();
    setChartMessage(tab, problem);
    return;
  }
  if (table_->axes.size() < 2) {
    tab.plot->clearItems();
    tab.map->data()->clear();
    setChartMessage(tab, tr("A heatmap needs two swept parameters; this sweep varies only %1. "
                            "See \"Metric vs parameter\" for this sweep.")
                             .arg(toQ(table_->axes.empty() ? std::string("the seed") : table_->axes.front())));
    return;
  }
  SweepChartResult result = SweepCharts::drawHeatmap(
      tab.plot, *table_, {currentKey(tab.metric), currentKey(tab.axisX), currentKey(tab.axisY), fixedValues(tab.fixed)});
  setChartMessage(tab, result.message);
  if (!result.drawn()) return;
  tab.grid = std::move(result.grid);
  tab.caption->setText(result.caption +
                       tr(" Hover for the confidence interval; click a cell to open one of its runs."));
  tab.plot->replot(QCustomPlot::rpQueuedReplot);
}

void SweepView::refreshBand() {
  auto& tab = band_;
  bandPoints_.clear();
  if (QString problem = sweepWideProblem(report_.get(), table_.get(), loadError_); !problem.isEmpty()) {
    tab.plot->clearPlottables();
    tab.plot->clearItems();
    setChartMessage(tab, problem);
    return;
  }
  SweepChartResult result = SweepCharts::drawMetricVsAxis(
      tab.plot, *table_, {currentKey(tab.metric), currentKey(tab.axis), currentKey(tab.lineAxis), fixedValues(tab.fixed)});
  setChartMessage(tab, result.message);
  if (!result.drawn()) return;
  bandPoints_ = std::move(result.points);
  tab.caption->setText(result.caption + tr(" Click a point to open one of its runs."));
  tab.plot->replot(QCustomPlot::rpQueuedReplot);
}

void SweepView::refreshPareto() {
  auto& tab = pareto_;
  paretoPoints_.clear();
  tab.front.clear();
  if (QString problem = sweepWideProblem(report_.get(), table_.get(), loadError_); !problem.isEmpty()) {
    tab.plot->clearPlottables();
    tab.plot->clearItems();
    setChartMessage(tab, problem);
    return;
  }
  SweepChartResult result =
      SweepCharts::drawParetoFront(tab.plot, *table_, {currentKey(tab.xMetric), currentKey(tab.yMetric), false});
  setChartMessage(tab, result.message);
  if (!result.drawn()) return;
  paretoPoints_ = std::move(result.points);
  tab.front = std::move(result.front);
  tab.caption->setText(result.caption + tr(" Click a point to open one of its runs."));
  tab.plot->replot(QCustomPlot::rpQueuedReplot);
}

std::string SweepView::tableMetric() const {
  switch (mode()) {
    case Mode::heatmap: return currentKey(heatmap_.metric);
    case Mode::band: return currentKey(band_.metric);
    case Mode::pareto: return currentKey(pareto_.yMetric);
  }
  return {};
}

void SweepView::refreshPointsTable() {
  pointsModel_->clear();
  if (!table_ || table_->points.empty()) {
    tableTitle_->setText(tr("Points: none"));
    return;
  }
  const std::string metric = tableMetric();
  const QString confidence = QString::number(table_->confidence * 100, 'g', 3) + QStringLiteral(" %");
  QStringList headers;
  for (const auto& axis : table_->axes) headers << toQ(axis);
  headers << tr("seeds") << tr("mean") << tr("± half-width") << tr("%1 CI").arg(confidence) << tr("runs");
  pointsModel_->setHorizontalHeaderLabels(headers);
  tableTitle_->setText(tr("%1; values of %2")
                           .arg(counted(table_->points.size(), "point", "points"),
                                metric.empty() ? tr("(no metric)") : metricTitle(metric)));
  const bool markFront = mode() == Mode::pareto;
  for (std::size_t i = 0; i < table_->points.size(); ++i) {
    const auto& point = table_->points[i];
    QList<QStandardItem*> row;
    auto addText = [&row](const QString& text, const QVariant& sortKey) {
      auto* item = new QStandardItem(text);
      item->setData(sortKey, kSortRole);
      row << item;
    };
    for (const auto& axis : table_->axes) {
      auto value = point.axes.find(axis);
      const QString text = value == point.axes.end() ? QString() : toQ(value->second);
      bool numeric = false;
      const double number = text.toDouble(&numeric);
      addText(text, numeric ? QVariant(number) : QVariant(text));
    }
    auto stats = point.metrics.find(metric);
    const leptonsim::MetricStatistics empty{0, 0, NAN, NAN, NAN, NAN, NAN, NAN};
    const auto& s = stats == point.metrics.end() ? empty : stats->second;
    addText(QString::number(s.n) + (s.undefined ? tr(" (+%1 undefined)").arg(s.undefined) : QString()),
            static_cast<qulonglong>(s.n));
    addText(formatValue(s.mean, metric), isFinite(s.mean) ? s.mean : -INFINITY);
    const double halfWidth = (s.ci_upper - s.ci_lower) / 2;
    addText(isFinite(halfWidth) ? compactNumber(halfWidth) : tr("n/a (1 seed)"), isFinite(halfWidth) ? halfWidth : -INFINITY);
    addText(isFinite(s.ci_lower) ? QStringLiteral("[%1, %2]").arg(compactNumber(s.ci_lower), compactNumber(s.ci_upper))
                                 : QString(),
            isFinite(s.ci_lower) ? s.ci_lower : -INFINITY);
    QStringList runs;
    for (auto id : point.run_ids) runs << QString::number(id);
    addText(runs.join(QStringLiteral(", ")), point.run_ids.empty() ? qlonglong(0) : qlonglong(point.run_ids.front()));
    row.front()->setData(static_cast<qulonglong>(i), kPointRole);
    if (markFront && std::find(pareto_.front.begin(), pareto_.front.end(), i) != pareto_.front.end()) {
      QFont bold = pointsTable_->font();
      bold.setBold(true);
      for (auto* item : row) {
        item->setFont(bold);
        item->setToolTip(tr("On the Pareto front"));
      }
    }
    pointsModel_->appendRow(row);
  }
  pointsTable_->resizeColumnsToContents();
}

std::map<std::string, std::string> SweepView::fixedValues(const std::map<std::string, QComboBox*>& fixed) const {
  std::map<std::string, std::string> values;
  for (const auto& [axis, combo] : fixed) {
    const QString value = combo->currentData().toString();
    if (!value.isEmpty()) values[axis] = value.toStdString();
  }
  return values;
}

QString SweepView::metricTitle(const std::string& metric) const {
  return table_ ? SweepCharts::metricTitle(*table_, metric) : toQ(metric);
}

QString SweepView::formatValue(double value, const std::string& metric) const {
  if (!table_) return SweepCharts::compactNumber(value);
  return SweepCharts::formatValue(*table_, value, metric);
}

QString SweepView::describePoint(std::size_t pointIndex, const std::string& metric) const {
  const auto& point = table_->points[pointIndex];
  QString text = QStringLiteral("<b>%1</b>").arg(toQ(point.label(table_->axes)).toHtmlEscaped());
  auto stats = point.metrics.find(metric);
  if (stats == point.metrics.end() || !isFinite(stats->second.mean)) {
    text += tr("<br>%1: no value").arg(toQ(metric));
  } else {
    const auto& s = stats->second;
    text += QStringLiteral("<br>%1: %2").arg(toQ(metric), formatValue(s.mean, metric));
    if (isFinite(s.ci_lower))
      text += tr(" ± %1 (%2 CI [%3, %4])")
                  .arg(compactNumber((s.ci_upper - s.ci_lower) / 2),
                       QString::number(table_->confidence * 100, 'g', 3) + QStringLiteral(" %"),
                       compactNumber(s.ci_lower), compactNumber(s.ci_upper));
    else
      text += tr(" (no interval: fewer than two seeds)");
    text += QStringLiteral("<br>") + counted(s.n, "seed", "seeds");
  }
  return text;
}

QPoint SweepView::pixelOfPoint(Mode mode, std::size_t pointIndex) const {
  auto pixel = [](const QCustomPlot* plot, double key, double value) {
    return QPoint(qRound(plot->xAxis->coordToPixel(key)), qRound(plot->yAxis->coordToPixel(value)));
  };
  if (mode == Mode::heatmap) {
    const auto& grid = heatmap_.grid;
    for (std::size_t cell = 0; cell < grid.cell_points.size(); ++cell)
      for (std::size_t p : grid.cell_points[cell])
        if (p == pointIndex) {
          const std::size_t nx = grid.x_values.size();
          return pixel(heatmap_.plot, static_cast<double>(cell % nx), static_cast<double>(cell / nx));
        }
    return {-1, -1};
  }
  const auto& drawn = mode == Mode::band ? bandPoints_ : paretoPoints_;
  const QCustomPlot* plot = mode == Mode::band ? band_.plot : pareto_.plot;
  for (const auto& point : drawn)
    if (point.point == pointIndex) return pixel(plot, point.key, point.value);
  return {-1, -1};
}

std::vector<std::size_t> SweepView::pointsAt(Mode mode, const QPointF& pixel) const {
  if (!table_) return {};
  if (mode == Mode::heatmap) {
    const auto& grid = heatmap_.grid;
    if (grid.cells.empty() || !heatmap_.plot->axisRect()->rect().contains(pixel.toPoint())) return {};
    const long ix = std::lround(heatmap_.plot->xAxis->pixelToCoord(pixel.x()));
    const long iy = std::lround(heatmap_.plot->yAxis->pixelToCoord(pixel.y()));
    const long nx = static_cast<long>(grid.x_values.size());
    const long ny = static_cast<long>(grid.y_values.size());
    if (ix < 0 || iy < 0 || ix >= nx || iy >= ny) return {};
    return grid.cell_points[iy * nx + ix];
  }
  const auto& drawn = mode == Mode::band ? bandPoints_ : paretoPoints_;
  const QCustomPlot* plot = mode == Mode::band ? band_.plot : pareto_.plot;
  double best = kPickRadiusPixels;
  std::vector<std::size_t> found;
  for (const auto& point : drawn) {
    const double dx = plot->xAxis->coordToPixel(point.key) - pixel.x();
    const double dy = plot->yAxis->coordToPixel(point.value) - pixel.y();
    const double distance = std::hypot(dx, dy);
    if (distance <= best) {
      best = distance;
      found = {point.point};
    }
  }
  return found;
}

void SweepView::onPlotMouseMove(Mode mode, QMouseEvent* event) {
  auto* plot = mode == Mode::heatmap ? heatmap_.plot : mode == Mode::band ? band_.plot : pareto_.plot;
  const std::vector<std::size_t> points = pointsAt(mode, event->position());
  if (points.empty()) {
    QToolTip::hideText();
    return;
  }
  QStringList parts;
  if (mode == Mode::heatmap) {
    const std::string metric = currentKey(heatmap_.metric);
    if (points.size() > 1) {
      // The cell shows the mean over several points (axes averaged over).
      double sum = 0.0;
      int defined = 0;
      for (std::size_t p : points) {
        auto stats = table_->points[p].metrics.find(metric);
        if (stats != table_->points[p].metrics.end() && isFinite(stats->second.mean)) sum += stats->second.mean, ++defined;
      }
      parts << tr("Cell: mean over %1 = %2")
                   .arg(counted(points.size(), "point", "points"), formatValue(defined ? sum / defined : NAN, metric));
    }
    for (std::size_t p : points) parts << describePoint(p, metric);
  } else if (mode == Mode::band) {
    parts << describePoint(points.front(), currentKey(band_.metric));
  } else {
    const auto& point = table_->points[points.front()];
    parts << describePoint(points.front(), currentKey(pareto_.xMetric));
    const std::string yMetric = currentKey(pareto_.yMetric);
    auto stats = point.metrics.find(yMetric);
    if (stats != point.metrics.end()) {
      QString y = describePoint(points.front(), yMetric);
      parts << y.mid(y.indexOf(QStringLiteral("<br>")) + 4);  // without the repeated label
    }
    if (std::find(pareto_.front.begin(), pareto_.front.end(), points.front()) != pareto_.front.end())
      parts << tr("<i>on the Pareto front</i>");
  }
  parts << tr("<i>click to open a run</i>");
  QToolTip::showText(event->globalPosition().toPoint(), parts.join(QStringLiteral("<br>")), plot);
}

void SweepView::onPlotMouseRelease(Mode mode, QMouseEvent* event) {
  if (event->button() != Qt::LeftButton || (event->pos() - pressPos_).manhattanLength() > 4) return;
  const std::vector<std::size_t> points = pointsAt(mode, event->position());
  if (!points.empty()) offerRuns(points, event->globalPosition().toPoint());
}

void SweepView::offerRuns(const std::vector<std::size_t>& points, const QPoint& globalPos) {
  if (!table_ || !report_) return;
  const QString path = toQ(report_->path);
  std::size_t runCount = 0;
  for (std::size_t p : points) runCount += table_->points[p].run_ids.size();
  if (runCount == 0) return;
  if (runCount == 1) {
    for (std::size_t p : points)
      if (!table_->points[p].run_ids.empty()) Q_EMIT runRequested(path, table_->points[p].run_ids.front());
    return;
  }
  if (runMenu_) runMenu_->close();
  runMenu_ = new QMenu(this);
  runMenu_->setObjectName(QStringLiteral("sweepRunMenu"));
  runMenu_->setAttribute(Qt::WA_DeleteOnClose);
  const std::string metric = tableMetric();
  for (std::size_t p : points) {
    const auto& point = table_->points[p];
    runMenu_->addSection(toQ(point.label(table_->axes)));
    for (std::size_t r = 0; r < point.run_ids.size(); ++r) {
      const qint64 runId = point.run_ids[r];
      QString text = tr("Open run %1 (seed %2)").arg(runId).arg(r < point.seeds.size() ? point.seeds[r] : 0);
      auto run = std::find_if(report_->runs.begin(), report_->runs.end(),
                              [runId](const leptonsim::RunOverview& overview) { return overview.run_id == runId; });
      if (run != report_->runs.end()) {
        if (run->run.status != "ok") text += tr(" — %1").arg(toQ(run->run.status));
        auto value = run->summary.find(metric);
        if (value != run->summary.end()) text += QStringLiteral(": %1").arg(formatValue(value->second, metric));
      }
      QAction* action = runMenu_->addAction(text);
      action->setData(runId);
      connect(action, &QAction::triggered, this, [this, path, runId] { Q_EMIT runRequested(path, runId); });
    }
  }
  runMenu_->popup(globalPos);
}

}  // namespace leptonsim::gui
