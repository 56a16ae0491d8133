#include "app/RunsPanel.hpp"

#include "core/RunListModel.hpp"
#include "core/RunManager.hpp"

#include <QApplication>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStyleOptionProgressBar>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QThread>
#include <QVBoxLayout>

namespace leptonsim::gui {

namespace {

constexpr int kMaxParallelLimit = 64;

// Draws the Progress column as a progress bar with the percentage in it.
class ProgressBarDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;

  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    // A bar only where it tells something: not for queued runs, nor for runs
    // that failed before simulating anything; greyed where the run stopped early.
    const int percent = index.data(Qt::DisplayRole).toInt();
    const auto status = static_cast<RunJob::Status>(
        index.siblingAtColumn(RunListModel::StatusColumn).data(RunListModel::RawValueRole).toInt());
    if (status == RunJob::queued || (status != RunJob::running && status != RunJob::finished && percent == 0)) return;
    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(3, 3, -3, -3);
    bar.minimum = 0;
    bar.maximum = 100;
    bar.progress = percent;
    bar.text = QStringLiteral("%1 %").arg(percent);
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    bar.state = (option.state | QStyle::State_Horizontal) & ~QStyle::State_Selected;
    if (status == RunJob::failed || status == RunJob::cancelled) bar.state &= ~QStyle::State_Enabled;
    bar.palette = option.palette;
    bar.fontMetrics = option.fontMetrics;
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
  }

  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    return {qMax(size.width(), 120), size.height()};
  }
};

}  // namespace

RunsPanel::RunsPanel(RunManager* manager, QWidget* parent) : QWidget(parent), manager_(manager) { buildUi(); }

RunsPanel::RunsPanel(QWidget* parent)
    : QWidget(parent), manager_(new RunManager(RunManager::defaultSimulatorPath(), this)) {
  buildUi();
}

RunsPanel::~RunsPanel() {
  // An owned manager is destroyed before the view: stop listening to the view
  // so that nothing here looks at the manager while the children go.
  view_->selectionModel()->disconnect(this);
  manager_->disconnect(this);
}

void RunsPanel::buildUi() {
  model_ = new RunListModel(manager_, this);

  auto* parallelLabel = new QLabel(tr("Max parallel runs:"), this);
  maxParallel_ = new QSpinBox(this);
  maxParallel_->setRange(1, qMax(kMaxParallelLimit, QThread::idealThreadCount()));
  maxParallel_->setValue(manager_->maxParallel());
  maxParallel_->setToolTip(tr("How many simulations run at the same time; the others wait in the queue.\n"
                              "Each run uses one CPU core."));
  parallelLabel->setBuddy(maxParallel_);

  openReportButton_ = new QPushButton(tr("Open report"), this);
  openReportButton_->setToolTip(tr("Show the selected run's report (or double-click a finished run)"));
  cancelButton_ = new QPushButton(tr("Cancel"), this);
  cancelButton_->setToolTip(tr("Stop the selected run, or take it out of the queue"));
  cancelAllButton_ = new QPushButton(tr("Cancel all"), this);
  cancelAllButton_->setToolTip(tr("Stop every running and queued run"));

  auto* controls = new QHBoxLayout;
  controls->addWidget(parallelLabel);
  controls->addWidget(maxParallel_);
  controls->addStretch(1);
  controls->addWidget(openReportButton_);
  controls->addWidget(cancelButton_);
  controls->addWidget(cancelAllButton_);

  view_ = new QTableView(this);
  view_->setModel(model_);
  view_->setItemDelegateForColumn(RunListModel::ProgressColumn, new ProgressBarDelegate(view_));
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->setAlternatingRowColors(true);
  view_->verticalHeader()->hide();
  view_->setWordWrap(false);
  QHeaderView* header = view_->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::Interactive);
  header->setSectionResizeMode(RunListModel::ReportColumn, QHeaderView::Stretch);
  header->resizeSection(RunListModel::RunColumn, 160);
  header->resizeSection(RunListModel::SeedColumn, 60);
  header->resizeSection(RunListModel::StatusColumn, 160);
  header->resizeSection(RunListModel::ProgressColumn, 140);
  header->resizeSection(RunListModel::WallTimeColumn, 100);

  detailsTitle_ = new QLabel(this);
  details_ = new QPlainTextEdit(this);
  details_->setReadOnly(true);
  details_->setLineWrapMode(QPlainTextEdit::WidgetWidth);
  details_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  details_->setPlaceholderText(tr("Select a run to see its messages."));

  auto* detailsBox = new QWidget(this);
  auto* detailsLayout = new QVBoxLayout(detailsBox);
  detailsLayout->setContentsMargins(0, 0, 0, 0);
  detailsLayout->addWidget(detailsTitle_);
  detailsLayout->addWidget(details_);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(view_);
  splitter->addWidget(detailsBox);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 1);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addWidget(splitter, 1);

  connect(maxParallel_, &QSpinBox::valueChanged, manager_, &RunManager::setMaxParallel);
  connect(manager_, &RunManager::maxParallelChanged, maxParallel_, [this](int count) {
    if (maxParallel_->value() != count) maxParallel_->setValue(count);
  });
  connect(cancelButton_, &QPushButton::clicked, this, [this] {
    if (const int id = selectedRunId()) manager_->cancel(id);
  });
  connect(cancelAllButton_, &QPushButton::clicked, manager_, &RunManager::cancelAll);
  connect(openReportButton_, &QPushButton::clicked, this, &RunsPanel::openSelectedReport);
  connect(view_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
    const RunJob* job = manager_->job(model_->runIdAt(index.row()));
    if (job && job->status == RunJob::finished) Q_EMIT openReportRequested(job->reportPath);
  });
  connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
    updateControls();
    showDetails();
  });
  connect(manager_, &RunManager::runChanged, this, &RunsPanel::onRunChanged);
  connect(manager_, &RunManager::runAdded, this, &RunsPanel::updateControls);

  updateControls();
  showDetails();
}

int RunsPanel::selectedRunId() const {
  const QModelIndexList rows = view_->selectionModel()->selectedRows();
  return rows.isEmpty() ? 0 : model_->runIdAt(rows.first().row());
}

void RunsPanel::selectRun(int runId) {
  const int row = model_->rowOf(runId);
  if (row < 0) return;
  view_->selectRow(row);
  view_->scrollTo(model_->index(row, 0));
}

void RunsPanel::onRunChanged(int runId) {
  updateControls();
  if (runId == selectedRunId()) showDetails();
}

void RunsPanel::updateControls() {
  const RunJob* selected = manager_->job(selectedRunId());
  cancelButton_->setEnabled(selected && selected->isActive() && !selected->cancelRequested);
  openReportButton_->setEnabled(selected && selected->status == RunJob::finished);
  cancelAllButton_->setEnabled(manager_->runningCount() + manager_->queuedCount() > 0);
}

void RunsPanel::showDetails() {
  const RunJob* job = manager_->job(selectedRunId());
  if (!job) {
    detailsTitle_->setText(tr("Messages"));
    details_->clear();
    return;
  }
  QString title = tr("Run %1 \u2014 %2 (seed %3): %4").arg(job->id).arg(job->label).arg(job->seed).arg(
      RunJob::statusName(job->status));
  if (job->status == RunJob::failed && job->exitCode >= 0) title += tr(", exit code %1").arg(job->exitCode);
  detailsTitle_->setText(title);

  QStringList lines;
  if (!job->issues.isEmpty()) {
    lines << tr("The scenario has %n problem(s):", nullptr, static_cast<int>(job->issues.size()));
    lines << job->issues;
  } else if (!job->stderrTail.isEmpty()) {
    lines << job->stderrTail;
  } else if (job->status == RunJob::finished) {
    lines << tr("Finished without messages.");
  }
  lines << QString() << tr("Scenario: %1").arg(job->sourcePath.isEmpty() ? job->scenarioPath : job->sourcePath);
  if (!job->overrides.isEmpty()) lines << tr("Overrides: %1").arg(job->overrides.join(QStringLiteral("  ")));
  if (job->status == RunJob::finished) lines << tr("Report: %1").arg(job->reportPath);
  const QString text = lines.join(u'\n');
  if (details_->toPlainText() != text) details_->setPlainText(text);
}

void RunsPanel::openSelectedReport() {
  const RunJob* job = manager_->job(selectedRunId());
  if (job && job->status == RunJob::finished) Q_EMIT openReportRequested(job->reportPath);
}

}  // namespace leptonsim::gui
