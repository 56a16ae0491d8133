#include "core/RunListModel.hpp"

#include "core/RunManager.hpp"

#include <QBrush>
#include <QColor>
#include <QFileInfo>
#include <QTimer>

namespace leptonsim::gui {

namespace {

constexpr int kWallClockTickMs = 1000;
constexpr int kToolTipLines = 30;

QString statusText(const RunJob& job) {
  switch (job.status) {
    case RunJob::running:
      return job.cancelRequested ? RunListModel::tr("cancelling…") : RunListModel::tr("running");
    case RunJob::failed:
      if (job.exitCode == 2) return RunListModel::tr("failed: invalid scenario");
      if (job.exitCode >= 0) return RunListModel::tr("failed (exit code %1)").arg(job.exitCode);
      return RunListModel::tr("failed");
    default:
      return RunJob::statusName(job.status);
  }
}

QString lastLines(const QString& text, int count) {
  const QStringList lines = text.split(u'\n');
  return lines.mid(qMax<qsizetype>(0, lines.size() - count)).join(u'\n');
}

}  // namespace

RunListModel::RunListModel(RunManager* manager, QObject* parent) : QAbstractTableModel(parent), manager_(manager) {
  wallClockTimer_ = new QTimer(this);
  wallClockTimer_->setInterval(kWallClockTickMs);
  connect(wallClockTimer_, &QTimer::timeout, this, &RunListModel::refreshLiveWallTimes);
  if (!manager_) return;
  ids_ = manager_->jobIds();
  connect(manager_, &RunManager::runAdded, this, &RunListModel::addRun);
  connect(manager_, &RunManager::runChanged, this, &RunListModel::refreshRun);
  connect(manager_, &RunManager::runFinished, this, [this](int id, bool) { refreshRun(id); });
  connect(manager_, &QObject::destroyed, this, [this] {
    beginResetModel();
    ids_.clear();
    endResetModel();
  });
  if (manager_->runningCount() > 0) wallClockTimer_->start();
}

int RunListModel::runIdAt(int row) const { return row >= 0 && row < ids_.size() ? ids_.at(row) : 0; }

int RunListModel::rowOf(int runId) const { return static_cast<int>(ids_.indexOf(runId)); }

int RunListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(ids_.size());
}

int RunListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RunListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || !manager_) return {};
  const RunJob* job = manager_->job(runIdAt(index.row()));
  if (!job) return {};
  const int column = index.column();
  switch (role) {
    case Qt::DisplayRole: return displayValue(*job, column);
    case RawValueRole: return rawValue(*job, column);
    case RunIdRole: return job->id;
    case Qt::ToolTipRole: return toolTip(*job, column);
    case Qt::TextAlignmentRole:
      if (column == SeedColumn || column == WallTimeColumn || column == ProgressColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    case Qt::ForegroundRole:
      if (column == StatusColumn && job->status == RunJob::failed) return QBrush(QColor(0xb0, 0x1c, 0x1c));
      if (column == StatusColumn && job->status == RunJob::cancelled) return QBrush(QColor(0x70, 0x70, 0x70));
      if (column == StatusColumn && job->status == RunJob::finished) return QBrush(QColor(0x1b, 0x6e, 0x2a));
      return {};
    default: return {};
  }
}

QVariant RunListModel::displayValue(const RunJob& job, int column) const {
  switch (column) {
    case RunColumn: return job.label;
    case SeedColumn: return QString::number(job.seed);
    case StatusColumn: return statusText(job);
    case ProgressColumn: return static_cast<int>(job.fraction * 100.0 + 0.5);
    case WallTimeColumn:
      if (job.status == RunJob::queued || (job.status == RunJob::cancelled && job.wallSeconds == 0.0)) return {};
      return QString::number(job.currentWallSeconds(), 'f', 1);
    case ReportColumn:
      // Only a run that finished has a report worth pointing at.
      return job.status == RunJob::finished ? QFileInfo(job.reportPath).fileName() : QString();
    default: return {};
  }
}

QVariant RunListModel::rawValue(const RunJob& job, int column) const {
  switch (column) {
    case RunColumn: return job.label;
    case SeedColumn: return QVariant::fromValue<quint64>(job.seed);
    case StatusColumn: return static_cast<int>(job.status);
    case ProgressColumn: return job.fraction;
    case WallTimeColumn: return job.currentWallSeconds();
    case ReportColumn: return job.reportPath;
    default: return {};
  }
}

QString RunListModel::toolTip(const RunJob& job, int column) const {
  if (job.status == RunJob::failed) {
    const QString details = !job.issues.isEmpty() ? job.issues.join(u'\n') : job.stderrTail;
    return details.isEmpty() ? statusText(job) : lastLines(details, kToolTipLines);
  }
  if (column == ReportColumn || column == RunColumn) {
    QString tip = tr("Scenario: %1").arg(job.sourcePath.isEmpty() ? job.scenarioPath : job.sourcePath);
    if (!job.overrides.isEmpty()) tip += u'\n' + tr("Overrides: %1").arg(job.overrides.join(QStringLiteral(", ")));
    if (!job.reportPath.isEmpty()) tip += u'\n' + tr("Report: %1").arg(job.reportPath);
    return tip;
  }
  if (column == ProgressColumn && job.status == RunJob::running)
    return tr("%1 simulated seconds reached").arg(job.simTime, 0, 'f', 0);
  return {};
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case RunColumn: return tr("Run");
    case SeedColumn: return tr("Seed");
    case StatusColumn: return tr("Status");
    case ProgressColumn: return tr("Progress");
    case WallTimeColumn: return tr("Wall time (s)");
    case ReportColumn: return tr("Report");
    default: return {};
  }
}

void RunListModel::addRun(int id) {
  if (ids_.contains(id)) return;
  const int row = static_cast<int>(ids_.size());
  beginInsertRows({}, row, row);
  ids_.append(id);
  endInsertRows();
}

void RunListModel::refreshRun(int id) {
  const int row = rowOf(id);
  if (row < 0) return;
  Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
  const bool anyRunning = manager_ && manager_->runningCount() > 0;
  if (anyRunning && !wallClockTimer_->isActive()) wallClockTimer_->start();
  if (!anyRunning) wallClockTimer_->stop();
}

void RunListModel::refreshLiveWallTimes() {
  if (!manager_) return;
  bool anyRunning = false;
  for (int row = 0; row < ids_.size(); ++row) {
    const RunJob* job = manager_->job(ids_.at(row));
    if (!job || job->status != RunJob::running) continue;
    anyRunning = true;
    Q_EMIT dataChanged(index(row, WallTimeColumn), index(row, WallTimeColumn), {Qt::DisplayRole, RawValueRole});
  }
  if (!anyRunning) wallClockTimer_->stop();
}

}  // namespace leptonsim::gui
