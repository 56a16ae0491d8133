// TopologyCanvas: paints a TopologyModel as nested boxes (sites -> racks ->
// nodes -> GPU cells) with one colour per GPU. The cell size adapts to the
// space: 64 nodes x 8 GPUs get labelled cells, 2,048 nodes small plain ones
// (painted straight from a rectangle list, so large platforms stay fast).
// Meant to live in a QScrollArea (widgetResizable), whose viewport height it fits.
// Storage racks are drawn in another shade, with their storage nodes as rows of
// smaller disk cells (one colour per disk; a down node is outlined in red).
#pragma once

#include <QColor>
#include <QRect>
#include <QWidget>

#include <functional>
#include <memory>
#include <vector>

#include "topology/TopologyModel.hpp"

namespace leptonsim::gui {

class TopologyCanvas : public QWidget {
  Q_OBJECT

 public:
  explicit TopologyCanvas(QWidget* parent = nullptr);

  void setModel(std::shared_ptr<const TopologyModel> model);
  /// One colour per model GPU (same order as model->gpus).
  void setGpuColors(std::vector<QColor> colors);
  /// Text for the tooltip over a GPU (gpu >= 0) or over a node outside its GPUs (gpu < 0).
  void setTooltipProvider(std::function<QString(int gpu, int node)> provider);
  /// One colour per model disk; `nodesDown[i]` outlines storage node i as down.
  void setStorageColors(std::vector<QColor> diskColors, std::vector<bool> nodesDown);
  /// Text for the tooltip over a disk (disk >= 0) or over a storage node outside its disks.
  void setStorageTooltipProvider(std::function<QString(int disk, int storageNode)> provider);
  /// Recomputes the layout for the current width and the height of the scroll viewport.
  void relayout();

  /// The GPU or node under a point, or -1.
  int gpuAt(const QPoint& point) const;
  int nodeAt(const QPoint& point) const;
  QRect gpuRect(int gpu) const;
  QRect nodeRect(int node) const;
  int storageNodeAt(const QPoint& point) const;
  int diskAt(const QPoint& point) const;
  QRect storageNodeRect(int node) const;
  QRect diskRect(int disk) const;
  QRect rackRect(int rack) const;
  /// The label drawn on a rack ("r0"; storage racks "sr0 storage: 6 nodes, 72 disks").
  QString rackLabel(int rack) const;
  /// Edge of a GPU cell in pixels in the current layout.
  int cellSize() const { return cell_; }

  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  bool event(QEvent* event) override;

 private:
  struct Layout {
    int cell = 0;
    int width = 0;
    int height = 0;
    std::vector<QRect> sites, racks, nodes, gpus, storageNodes, disks;
    bool nodeLabels = false;
    bool rackLabels = false;
  };
  Layout computeLayout(int cell, int availableWidth, int availableHeight) const;

  std::shared_ptr<const TopologyModel> model_;
  std::vector<QColor> colors_;
  std::vector<QColor> diskColors_;
  std::vector<bool> storageNodesDown_;
  std::function<QString(int, int)> tooltip_;
  std::function<QString(int, int)> storageTooltip_;
  Layout layout_;
  int cell_ = 0;
};

}  // namespace leptonsim::gui
