#include "sweep/SweepView.hpp"

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
// Cell values are written into the heatmap only while they stay readable.
constexpr std::size_t kMaxLabelledCells = 150;
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

// A sequential colour scale that stays readable in grey print (viridis-like stops).
QCPColorGradient sequentialGradient() {
  QCPColorGradient gradient;
  gradient.clearColorStops();
  gradient.setColorStopAt(0.0, QColor(68, 1, 84));
  gradient.setColorStopAt(0.25, QColor(59, 82, 139));
  gradient.setColorStopAt(0.5, QColor(33, 145, 140));
  gradient.setColorStopAt(0.75, QColor(94, 201, 98));
  gradient.setColorStopAt(1.0, QColor(253, 231, 37));
  gradient.setNanHandling(QCPColorGradient::nhNanColor);
  gradient.setNanColor(QColor(238, 238, 238));
  return gradient;
}

const std::vector<QColor>& linePalette() {
  static const std::vector<QColor> palette{QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                           QColor(214, 39, 40),  QColor(148, 103, 189), QColor(140, 86, 75),
                                           QColor(227, 119, 194), QColor(127, 127, 127)};
  return palette;
}

// Values of one axis over the points, ordered like the table (numbers numerically).
std::vector<std::string> axisValues(const leptonsim::SweepTable& table, const std::string& axis) {
  std::set<std::string, decltype(&leptonsim::parameter_value_less)> values(&leptonsim::parameter_value_less);
  for (const auto& point : table.points) {
    auto found = point.axes.find(axis);
    if (found != point.axes.end()) values.insert(found->second);
  }
  return {values.begin(), values.end()};
}

bool isNumeric(const std::vector<std::string>& values) {
  for (const auto& value : values) {
    bool ok = false;
    QString::fromStdString(value).toDouble(&ok);
    if (!ok) return false;
  }
  return !values.empty();
}

QString compactNumber(double value) {
  if (!isFinite(value)) return QStringLiteral("n/a");
  const double magnitude = std::abs(value);
  if (magnitude >= 1e4 && magnitude < 1e9) return QString::number(value, 'f', 0);
  return QString::number(value, 'g', 4);
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

  tab.map = new QCPColorMap(tab.plot->xAxis, tab.plot->yAxis);
  tab.map->setInterpolate(false);
  tab.map->setTightBoundary(false);  // cells extend half a step beyond the first and last value
  tab.scale = new QCPColorScale(tab.plot);
  tab.plot->plotLayout()->addElement(0, 1, tab.scale);
  tab.scale->setType(QCPAxis::atRight);
  tab.map->setColorScale(tab.scale);
  tab.map->setGradient(sequentialGradient());
  auto* margins = new QCPMarginGroup(tab.plot);
  tab.plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  tab.scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  tab.plot->xAxis->grid()->setVisible(false);
  tab.plot->yAxis->grid()->setVisible(false);

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

  // The legend goes under the axis rect so long parameter values never cover data.
  tab.plot->plotLayout()->addElement(1, 0, tab.plot->legend);
  tab.plot->plotLayout()->setRowStretchFactor(1, 0.001);
  tab.plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
  tab.plot->legend->setWrap(4);

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

  tab.plot->plotLayout()->addElement(1, 0, tab.plot->legend);
  tab.plot->plotLayout()->setRowStretchFactor(1, 0.001);
  tab.plot->legend->setFillOrder(QCPLegend::foColumnsFirst);

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
  tab.plot->clearItems();
  tab.map->data()->clear();
  if (QString problem = sweepWideProblem(report_.get(), table_.get(), loadError_); !problem.isEmpty()) {
    setChartMessage(tab, problem);
    return;
  }
  if (table_->axes.size() < 2) {
    setChartMessage(tab, tr("A heatmap needs two swept parameters; this sweep varies only %1. "
                            "See \"Metric vs parameter\" for this sweep.")
                             .arg(toQ(table_->axes.empty() ? std::string("the seed") : table_->axes.front())));
    return;
  }
  const std::string metric = currentKey(tab.metric);
  const std::string axisX = currentKey(tab.axisX);
  const std::string axisY = currentKey(tab.axisY);
  if (axisX == axisY) {
    setChartMessage(tab, tr("Choose two different parameters for x and y."));
    return;
  }
  const auto fixed = fixedValues(tab.fixed);
  try {
    tab.grid = leptonsim::build_heatmap(*table_, axisX, axisY, metric, fixed);
  } catch (const std::exception& error) {
    setChartMessage(tab, tr("Cannot build the heatmap: %1").arg(QString::fromUtf8(error.what())));
    return;
  }
  const auto& grid = tab.grid;
  const int nx = static_cast<int>(grid.x_values.size());
  const int ny = static_cast<int>(grid.y_values.size());
  double low = INFINITY, high = -INFINITY;
  for (double cell : grid.cells)
    if (isFinite(cell)) low = std::min(low, cell), high = std::max(high, cell);
  if (nx == 0 || ny == 0 || !isFinite(low)) {
    setChartMessage(tab, tr("No run has a value of %1 at these settings.").arg(toQ(metric)));
    tab.grid = {};
    return;
  }

  // Cell (ix, iy) is centred on the coordinates (ix, iy); the axes carry the values as text.
  tab.map->data()->setSize(nx, ny);
  tab.map->data()->setRange(nx > 1 ? QCPRange(0, nx - 1) : QCPRange(-0.5, 0.5),
                            ny > 1 ? QCPRange(0, ny - 1) : QCPRange(-0.5, 0.5));
  for (int iy = 0; iy < ny; ++iy)
    for (int ix = 0; ix < nx; ++ix) tab.map->data()->setCell(ix, iy, grid.cells[iy * nx + ix]);
  QCPRange dataRange(low, high);
  if (low == high) dataRange = QCPRange(low - std::max(0.5, std::abs(low) * 0.05), high + std::max(0.5, std::abs(high) * 0.05));
  tab.map->setDataRange(dataRange);
  tab.scale->axis()->setLabel(metricTitle(metric));

  auto tickerX = QSharedPointer<QCPAxisTickerText>::create();
  for (int ix = 0; ix < nx; ++ix) tickerX->addTick(ix, toQ(grid.x_values[ix]));
  auto tickerY = QSharedPointer<QCPAxisTickerText>::create();
  for (int iy = 0; iy < ny; ++iy) tickerY->addTick(iy, toQ(grid.y_values[iy]));
  tab.plot->xAxis->setTicker(tickerX);
  tab.plot->xAxis->setTickLabelRotation(nx > 8 ? 45 : 0);  // many values: slanted so they do not overlap
  tab.plot->yAxis->setTicker(tickerY);
  tab.plot->xAxis->setRange(-0.5, nx - 0.5);
  tab.plot->yAxis->setRange(-0.5, ny - 0.5);
  tab.plot->xAxis->setLabel(toQ(axisX));
  tab.plot->yAxis->setLabel(toQ(axisY));

  if (static_cast<std::size_t>(nx * ny) <= kMaxLabelledCells) {
    QCPColorGradient gradient = tab.map->gradient();
    for (int iy = 0; iy < ny; ++iy)
      for (int ix = 0; ix < nx; ++ix) {
        const double value = grid.cells[iy * nx + ix];
        auto* label = new QCPItemText(tab.plot);
        label->position->setCoords(ix, iy);
        label->setPositionAlignment(Qt::AlignCenter);
        label->setClipToAxisRect(true);
        if (isFinite(value)) {
          const QColor background = QColor::fromRgb(gradient.color(value, dataRange));
          label->setColor(qGray(background.rgb()) < 140 ? Qt::white : Qt::black);
          label->setText(compactNumber(value));
        } else {
          label->setColor(QColor(150, 150, 150));
          label->setText(tr("no runs"));
        }
      }
  }

  QStringList averaged;
  for (const auto& axis : table_->axes)
    if (axis != axisX && axis != axisY && !fixed.count(axis)) averaged << toQ(axis);
  QString caption = tr("Each cell: mean of %1 over the seeds of its point").arg(metricTitle(metric));
  if (!averaged.isEmpty()) caption += tr(", averaged over %1").arg(averaged.join(QStringLiteral(", ")));
  caption += tr(". Light grey cells: no run with these values. Hover for the confidence interval; click a cell to "
                "open one of its runs.");
  setChartMessage(tab, {});
  tab.caption->setText(caption);
  tab.plot->replot(QCustomPlot::rpQueuedReplot);
}

void SweepView::refreshBand() {
  auto& tab = band_;
  bandPoints_.clear();
  tab.plot->clearGraphs();
  tab.plot->clearItems();
  if (QString problem = sweepWideProblem(report_.get(), table_.get(), loadError_); !problem.isEmpty()) {
    setChartMessage(tab, problem);
    return;
  }
  const std::string metric = currentKey(tab.metric);
  const std::string axis = currentKey(tab.axis);
  std::string lineAxis = currentKey(tab.lineAxis);
  if (lineAxis == axis) lineAxis.clear();
  const auto fixed = fixedValues(tab.fixed);
  const std::vector<std::string> xValues = axisValues(*table_, axis);
  const bool numeric = isNumeric(xValues);
  const std::vector<std::string> lineValues =
      lineAxis.empty() ? std::vector<std::string>{std::string()} : axisValues(*table_, lineAxis);
  auto keyOf = [&](const std::string& value) {
    if (numeric) return QString::fromStdString(value).toDouble();
    return static_cast<double>(std::find(xValues.begin(), xValues.end(), value) - xValues.begin());
  };

  bool anyBand = false;
  const auto& palette = linePalette();
  for (std::size_t line = 0; line < lineValues.size(); ++line) {
    QVector<double> keys, means, lowers, uppers;
    std::vector<std::size_t> indices;
    for (std::size_t i = 0; i < table_->points.size(); ++i) {
      const auto& point = table_->points[i];
      auto x = point.axes.find(axis);
      if (x == point.axes.end()) continue;
      if (!lineAxis.empty()) {
        auto lineValue = point.axes.find(lineAxis);
        if (lineValue == point.axes.end() || lineValue->second != lineValues[line]) continue;
      }
      bool matches = true;
      for (const auto& [fixedAxis, value] : fixed) {
        auto found = point.axes.find(fixedAxis);
        if (found != point.axes.end() && found->second != value) matches = false;
      }
      auto stats = point.metrics.find(metric);
      if (!matches || stats == point.metrics.end() || !isFinite(stats->second.mean)) continue;
      indices.push_back(i);
    }
    std::stable_sort(indices.begin(), indices.end(), [&](std::size_t a, std::size_t b) {
      return leptonsim::parameter_value_less(table_->points[a].axes.at(axis), table_->points[b].axes.at(axis));
    });
    if (indices.empty()) continue;
    for (std::size_t i : indices) {
      const auto& stats = table_->points[i].metrics.at(metric);
      const bool hasInterval = isFinite(stats.ci_lower) && isFinite(stats.ci_upper);
      anyBand = anyBand || hasInterval;
      keys << keyOf(table_->points[i].axes.at(axis));
      means << stats.mean;
      lowers << (hasInterval ? stats.ci_lower : stats.mean);
      uppers << (hasInterval ? stats.ci_upper : stats.mean);
      bandPoints_.push_back({keys.back(), stats.mean, i});
    }
    const QColor colour = palette[line % palette.size()];
    const QString name = lineAxis.empty() ? metricTitle(metric)
                                          : QStringLiteral("%1 = %2").arg(toQ(lineAxis), toQ(lineValues[line]));
    QCPGraph* lower = tab.plot->addGraph();
    lower->setName(name + tr(" (CI lower)"));
    lower->setPen(Qt::NoPen);
    lower->setData(keys, lowers, true);
    lower->removeFromLegend();
    QCPGraph* upper = tab.plot->addGraph();
    upper->setName(name + tr(" (CI upper)"));
    upper->setPen(Qt::NoPen);
    QColor fill = colour;
    fill.setAlpha(60);
    upper->setBrush(fill);
    upper->setChannelFillGraph(lower);
    upper->setData(keys, uppers, true);
    upper->removeFromLegend();
    QCPGraph* mean = tab.plot->addGraph();
    mean->setName(name);
    mean->setPen(QPen(colour, 2));
    mean->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, 7));
    mean->setData(keys, means, true);
  }
  if (bandPoints_.empty()) {
    setChartMessage(tab, tr("No run has a value of %1 at these settings.").arg(toQ(metric)));
    return;
  }

  if (numeric) {
    tab.plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  } else {
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (std::size_t i = 0; i < xValues.size(); ++i) ticker->addTick(static_cast<double>(i), toQ(xValues[i]));
    tab.plot->xAxis->setTicker(ticker);
  }
  tab.plot->xAxis->setTickLabelRotation(!numeric && xValues.size() > 8 ? 45 : 0);
  tab.plot->xAxis->setLabel(toQ(axis));
  tab.plot->yAxis->setLabel(metricTitle(metric));
  tab.plot->rescaleAxes();
  QCPRange xRange = tab.plot->xAxis->range();
  const double xPad = std::max(xRange.size() * 0.05, 0.5);
  tab.plot->xAxis->setRange(xRange.lower - xPad, xRange.upper + xPad);
  QCPRange yRange = tab.plot->yAxis->range();
  const double yPad = yRange.size() > 0 ? yRange.size() * 0.08 : std::max(1.0, std::abs(yRange.lower) * 0.1);
  tab.plot->yAxis->setRange(yRange.lower - yPad, yRange.upper + yPad);
  tab.plot->legend->setVisible(!lineAxis.empty());

  QString caption = tr("Line: mean over seeds. Band: %1 confidence interval of the mean (Student t)")
                        .arg(QString::number(table_->confidence * 100, 'g', 3) + QStringLiteral(" %"));
  if (!anyBand) caption += tr(" — not drawn: every point has fewer than two seeds");
  QStringList fixedText;
  for (const auto& [fixedAxis, value] : fixed) fixedText << QStringLiteral("%1 = %2").arg(toQ(fixedAxis), toQ(value));
  if (!fixedText.isEmpty()) caption += tr(". Fixed: %1").arg(fixedText.join(QStringLiteral(", ")));
  caption += tr(". Click a point to open one of its runs.");
  setChartMessage(tab, {});
  tab.caption->setText(caption);
  tab.plot->replot(QCustomPlot::rpQueuedReplot);
}

void SweepView::refreshPareto() {
  auto& tab = pareto_;
  paretoPoints_.clear();
  tab.front.clear();
  tab.plot->clearPlottables();
  tab.plot->clearItems();
  if (QString problem = sweepWideProblem(report_.get(), table_.get(), loadError_); !problem.isEmpty()) {
    setChartMessage(tab, problem);
    return;
  }
  const std::string xMetric = currentKey(tab.xMetric);
  const std::string yMetric = currentKey(tab.yMetric);
  std::vector<double> xs, ys;
  std::vector<std::size_t> indices;
  QVector<double> keys, values, xMinus, xPlus, yMinus, yPlus;
  auto errors = [](const leptonsim::MetricStatistics& stats, QVector<double>& minus, QVector<double>& plus) {
    const bool hasInterval = isFinite(stats.ci_lower) && isFinite(stats.ci_upper);
    minus << (hasInterval ? stats.mean - stats.ci_lower : 0.0);
    plus << (hasInterval ? stats.ci_upper - stats.mean : 0.0);
  };
  for (std::size_t i = 0; i < table_->points.size(); ++i) {
    const auto& metrics = table_->points[i].metrics;
    auto x = metrics.find(xMetric);
    auto y = metrics.find(yMetric);
    if (x == metrics.end() || y == metrics.end() || !isFinite(x->second.mean) || !isFinite(y->second.mean)) continue;
    xs.push_back(x->second.mean);
    ys.push_back(y->second.mean);
    indices.push_back(i);
    keys << x->second.mean;
    values << y->second.mean;
    errors(x->second, xMinus, xPlus);
    errors(y->second, yMinus, yPlus);
    paretoPoints_.push_back({x->second.mean, y->second.mean, i});
  }
  if (indices.size() < 2) {
    paretoPoints_.clear();
    setChartMessage(tab, tr("This chart needs at least two points with values of both %1 and %2 (found %3).")
                             .arg(toQ(xMetric), toQ(yMetric))
                             .arg(indices.size()));
    return;
  }

  // Not sorted, so the error bars stay aligned with the data points.
  QCPGraph* points = tab.plot->addGraph();
  points->setName(tr("sweep points (mean, %1 CI bars)")
                      .arg(QString::number(table_->confidence * 100, 'g', 3) + QStringLiteral(" %")));
  points->setLineStyle(QCPGraph::lsNone);
  points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(31, 119, 180), QColor(31, 119, 180, 60), 8));
  points->setData(keys, values, true);
  auto* keyErrors = new QCPErrorBars(tab.plot->xAxis, tab.plot->yAxis);
  keyErrors->removeFromLegend();
  keyErrors->setErrorType(QCPErrorBars::etKeyError);
  keyErrors->setDataPlottable(points);
  keyErrors->setData(xMinus, xPlus);
  keyErrors->setPen(QPen(QColor(31, 119, 180, 140)));
  auto* valueErrors = new QCPErrorBars(tab.plot->xAxis, tab.plot->yAxis);
  valueErrors->removeFromLegend();
  valueErrors->setErrorType(QCPErrorBars::etValueError);
  valueErrors->setDataPlottable(points);
  valueErrors->setData(yMinus, yPlus);
  valueErrors->setPen(QPen(QColor(31, 119, 180, 140)));

  QVector<double> frontKeys, frontValues;
  for (std::size_t f : leptonsim::pareto_front_min_min(xs, ys)) {
    tab.front.push_back(indices[f]);
    frontKeys << xs[f];
    frontValues << ys[f];
  }
  QCPGraph* front = tab.plot->addGraph();
  front->setName(tr("Pareto front (%1 of %2 points; lower is better on both axes)")
                     .arg(tab.front.size())
                     .arg(indices.size()));
  front->setLineStyle(QCPGraph::lsStepLeft);
  front->setPen(QPen(QColor(230, 85, 13), 2));
  front->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(230, 85, 13), QColor(230, 85, 13), 10));
  front->setData(frontKeys, frontValues, true);

  tab.plot->xAxis->setLabel(metricTitle(xMetric));
  tab.plot->yAxis->setLabel(metricTitle(yMetric));
  tab.plot->rescaleAxes();
  for (QCPAxis* axis : {tab.plot->xAxis, tab.plot->yAxis}) {
    const QCPRange range = axis->range();
    const double pad = range.size() > 0 ? range.size() * 0.08 : std::max(1.0, std::abs(range.lower) * 0.1);
    axis->setRange(range.lower - pad, range.upper + pad);
  }
  tab.plot->legend->setVisible(true);
  setChartMessage(tab, {});
  tab.caption->setText(tr("Each marker is one sweep point (mean over its seeds) with %1 confidence intervals on both "
                          "metrics. The orange step line joins the points no other point beats on both. Click a "
                          "point to open one of its runs.")
                           .arg(QString::number(table_->confidence * 100, 'g', 3) + QStringLiteral(" %")));
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
  if (!table_) return toQ(metric);
  auto unit = table_->units.find(metric);
  if (unit == table_->units.end() || unit->second.empty() || unit->second == "1") return toQ(metric);
  return QStringLiteral("%1 (%2)").arg(toQ(metric), toQ(unit->second));
}

QString SweepView::formatValue(double value, const std::string& metric) const {
  if (!isFinite(value)) return tr("n/a");
  QString text = compactNumber(value);
  if (table_) {
    auto unit = table_->units.find(metric);
    if (unit != table_->units.end() && !unit->second.empty() && unit->second != "1") text += QLatin1Char(' ') + toQ(unit->second);
  }
  return text;
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
