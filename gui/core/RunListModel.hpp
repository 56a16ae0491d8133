// RunListModel: the runs of a RunManager as a table (one row per run, in start
// order), kept up to date from the manager's signals.
#pragma once

#include "core/RunJob.hpp"

#include <QAbstractTableModel>
#include <QList>
#include <QPointer>

class QTimer;

namespace leptonsim::gui {

class RunManager;

class RunListModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { RunColumn, SeedColumn, StatusColumn, ProgressColumn, WallTimeColumn, ReportColumn, ColumnCount };
  enum Role {
    /// Raw values: Progress = fraction 0..1, Seed = quint64, Status = RunJob::Status,
    /// Wall time = seconds (double), Report = full path, Run = label.
    RawValueRole = Qt::UserRole,
    RunIdRole,  // the run id, any column
  };

  explicit RunListModel(RunManager* manager, QObject* parent = nullptr);

  RunManager* manager() const { return manager_; }
  /// The run shown in `row`, or 0.
  int runIdAt(int row) const;
  /// The row of a run, or -1.
  int rowOf(int runId) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  void addRun(int id);
  void refreshRun(int id);
  void refreshLiveWallTimes();
  QVariant displayValue(const RunJob& job, int column) const;
  QVariant rawValue(const RunJob& job, int column) const;
  QString toolTip(const RunJob& job, int column) const;

  QPointer<RunManager> manager_;
  QList<int> ids_;
  QTimer* wallClockTimer_ = nullptr;  // ticks the wall time of running rows between progress lines
};

}  // namespace leptonsim::gui
