// TopologyView: the platform of a run drawn as sites -> racks -> nodes -> GPUs,
// coloured at a chosen simulated time by GPU state (free / starting / serving /
// failed, from the run's events) or by GPU utilisation (the node.gpu_utilization
// series, or each replica's lifetime busy fraction when the run has none).
// A slider and step buttons move through time; a status line counts GPUs per state.
// Storage racks show their disks: ok, failed, or unreachable (node, rack or site down).
//
// The platform is rebuilt from the run's scenario on a worker thread; loaded()
// fires when it is drawn.
#pragma once

#include <QColor>
#include <QString>
#include <QWidget>

#include <array>
#include <cstdint>
#include <memory>

#include "ClusterStateTimeline.hpp"
#include "ReportDataset.hpp"
#include "topology/TopologyModel.hpp"

class QComboBox;
class QLabel;
class QScrollArea;
class QSlider;
class QToolButton;

namespace leptonsim::gui {

class TopologyCanvas;

class TopologyView : public QWidget {
  Q_OBJECT

 public:
  enum class ColorMode { state = 0, utilization = 1 };

  explicit TopologyView(QWidget* parent = nullptr);
  ~TopologyView() override;

  /// Shows a run (nullptr clears); the platform is built off the UI thread (loaded()).
  void setRun(std::shared_ptr<const leptonsim::RunDataset> run);
  std::shared_ptr<const leptonsim::RunDataset> run() const { return run_; }
  /// Simulated time shown, clamped to [0, duration()].
  void setTime(double t);
  double time() const { return time_; }
  double duration() const;
  void setColorMode(ColorMode mode);
  ColorMode colorMode() const;
  /// Jump to the next / previous time at which some GPU changes state.
  void stepToNextChange();
  void stepToPreviousChange();

  bool isLoaded() const { return model_ != nullptr; }
  std::shared_ptr<const TopologyModel> model() const { return model_; }
  /// GPUs of the platform per state at time(), indexed by GpuState.
  std::array<int, 4> stateCounts() const { return counts_; }
  int count(leptonsim::GpuState state) const { return counts_[static_cast<int>(state)]; }
  /// Disks of the platform per state at time(), indexed by TopologyModel::DiskState.
  int diskCount(TopologyModel::DiskState state) const { return diskCounts_[static_cast<int>(state)]; }
  QString statusText() const;
  /// Notes shown above the drawing (fallbacks, load errors); "" when none.
  QString messageText() const;
  /// Tooltip text of a GPU at time().
  QString gpuDescription(int gpu) const;
  /// Tooltip text of a disk, or of a storage node when disk < 0, at time().
  QString storageDescription(int disk, int storageNode) const;

  TopologyCanvas* canvas() const { return canvas_; }
  QSlider* timeSlider() const { return slider_; }

  static QColor stateColor(leptonsim::GpuState state);
  static QColor diskStateColor(TopologyModel::DiskState state);
  /// Colour of a utilisation in [0, 1]; NaN gives the "no data" grey.
  static QColor utilizationColor(double fraction);
  /// "1:02:03" (and tenths when t is not a whole second).
  static QString formatTime(double seconds);

 Q_SIGNALS:
  void loaded();
  void timeChanged(double t);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void showModel(std::shared_ptr<const TopologyModel> model, const QString& error);
  void recolor();
  void updateLegend();
  void updateMessage();
  QString nodeDescription(int node) const;

  std::shared_ptr<const leptonsim::RunDataset> run_;
  std::shared_ptr<const TopologyModel> model_;
  std::uint64_t generation_ = 0;
  double time_ = 0.0;
  double sliderStep_ = 1.0;  // simulated seconds per slider step
  std::array<int, 4> counts_{};
  std::array<int, 3> diskCounts_{};
  QString loadError_;

  QComboBox* modeCombo_ = nullptr;
  QToolButton* previousButton_ = nullptr;
  QToolButton* nextButton_ = nullptr;
  QSlider* slider_ = nullptr;
  QLabel* timeLabel_ = nullptr;
  QLabel* message_ = nullptr;
  QWidget* legend_ = nullptr;
  QLabel* status_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  TopologyCanvas* canvas_ = nullptr;
};

}  // namespace leptonsim::gui
