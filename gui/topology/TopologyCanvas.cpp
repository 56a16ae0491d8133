#include "topology/TopologyCanvas.hpp"

#include <QHelpEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace leptonsim::gui {
namespace {

constexpr int kMargin = 6;
constexpr int kSitePadding = 6;
constexpr int kSiteSpacing = 10;
constexpr int kGpusPerRow = 8;
constexpr int kDisksPerRow = 12;
const QColor kDefaultDiskColor(120, 144, 176);
// Largest first: the view takes the biggest cell whose layout fits without scrolling.
constexpr int kCellSizes[] = {28, 24, 20, 18, 16, 14, 12, 10, 8, 6, 5, 4, 3, 2};

QString lastSegment(const std::string& name) {
  const auto slash = name.rfind('/');
  return QString::fromStdString(slash == std::string::npos ? name : name.substr(slash + 1));
}

QString counted(std::size_t count, const QString& one, const QString& many) {
  return QStringLiteral("%1 %2").arg(count).arg(count == 1 ? one : many);
}

}  // namespace

TopologyCanvas::TopologyCanvas(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void TopologyCanvas::setModel(std::shared_ptr<const TopologyModel> model) {
  model_ = std::move(model);
  colors_.assign(model_ ? model_->gpus.size() : 0, QColor(220, 220, 220));
  diskColors_.assign(model_ ? model_->disks.size() : 0, kDefaultDiskColor);
  storageNodesDown_.assign(model_ ? model_->storage_nodes.size() : 0, false);
  relayout();
}

void TopologyCanvas::setGpuColors(std::vector<QColor> colors) {
  colors_ = std::move(colors);
  update();
}

void TopologyCanvas::setTooltipProvider(std::function<QString(int, int)> provider) { tooltip_ = std::move(provider); }

void TopologyCanvas::setStorageColors(std::vector<QColor> diskColors, std::vector<bool> nodesDown) {
  diskColors_ = std::move(diskColors);
  storageNodesDown_ = std::move(nodesDown);
  update();
}

void TopologyCanvas::setStorageTooltipProvider(std::function<QString(int, int)> provider) {
  storageTooltip_ = std::move(provider);
}

QString TopologyCanvas::rackLabel(int rack) const {
  if (!model_ || rack < 0 || rack >= static_cast<int>(model_->racks.size())) return {};
  const auto& entry = model_->racks[rack];
  const QString name = lastSegment(entry.name);
  if (!entry.storage) return name;
  // The counts only where there is room for them (labelled nodes).
  if (!layout_.nodeLabels && cell_ > 0) return tr("%1 storage").arg(name);
  std::size_t disks = 0;
  for (int n : entry.storage_nodes) disks += model_->storage_nodes[n].disks.size();
  return tr("%1 storage: %2, %3")
      .arg(name, counted(entry.storage_nodes.size(), tr("node"), tr("nodes")), counted(disks, tr("disk"), tr("disks")));
}

TopologyCanvas::Layout TopologyCanvas::computeLayout(int cell, int availableWidth, int availableHeight) const {
  Layout layout;
  layout.cell = cell;
  if (!model_) return layout;
  const QFontMetrics metrics(font());
  const int gap = cell >= 8 ? 2 : 1;
  const int pad = cell >= 8 ? 3 : 1;
  const int rackPad = cell >= 8 ? 4 : 2;
  std::size_t maxGpus = 1;
  for (const auto& node : model_->nodes) maxGpus = std::max(maxGpus, node.gpus.size());
  const int columns = static_cast<int>(std::min<std::size_t>(maxGpus, kGpusPerRow));
  const int rows = static_cast<int>((maxGpus + kGpusPerRow - 1) / kGpusPerRow);
  layout.nodeLabels = cell >= 12;
  layout.rackLabels = cell >= 6;
  const int labelWidth = layout.nodeLabels ? metrics.horizontalAdvance(QStringLiteral("n00")) + 6 : 0;
  const int nodeWidth = labelWidth + columns * cell + (columns - 1) * gap + 2 * pad;
  int nodeHeight = rows * cell + (rows - 1) * gap + 2 * pad;
  if (layout.nodeLabels) nodeHeight = std::max(nodeHeight, metrics.height() + 2);
  // Storage nodes: rows of disk cells smaller than GPU cells.
  std::size_t maxDisks = 1;
  for (const auto& node : model_->storage_nodes) maxDisks = std::max(maxDisks, node.disks.size());
  const int diskCell = std::max(2, cell * 3 / 5);
  const int diskColumns = static_cast<int>(std::min<std::size_t>(maxDisks, kDisksPerRow));
  const int diskRows = static_cast<int>((maxDisks + kDisksPerRow - 1) / kDisksPerRow);
  const int storageLabelWidth = layout.nodeLabels ? metrics.horizontalAdvance(QStringLiteral("s00")) + 6 : 0;
  const int storageNodeWidth = storageLabelWidth + diskColumns * diskCell + (diskColumns - 1) * gap + 2 * pad;
  int storageNodeHeight = diskRows * diskCell + (diskRows - 1) * gap + 2 * pad;
  if (layout.nodeLabels) storageNodeHeight = std::max(storageNodeHeight, metrics.height() + 2);
  const int rackTitle = layout.rackLabels ? metrics.height() + 2 : 0;
  const int siteTitle = metrics.height() + 8;
  const int rackSpacing = std::max(4, 2 * gap);
  // A rack taller than the view is folded into several node columns.
  const int usableHeight = availableHeight - 2 * kMargin - siteTitle - 2 * kSitePadding - rackTitle - 2 * rackPad;
  const int perColumnLimit = std::max(4, (usableHeight + gap) / (nodeHeight + gap));
  const int storagePerColumnLimit = std::max(4, (usableHeight + gap) / (storageNodeHeight + gap));

  layout.sites.resize(model_->sites.size());
  layout.racks.resize(model_->racks.size());
  layout.nodes.resize(model_->nodes.size());
  layout.gpus.resize(model_->gpus.size());
  layout.storageNodes.resize(model_->storage_nodes.size());
  layout.disks.resize(model_->disks.size());
  // rackLabel() reads the label mode of the layout being measured.
  const bool countsInRackLabels = layout.nodeLabels;
  auto rackLabelWidth = [&](int r) {
    const auto& rack = model_->racks[r];
    QString label = lastSegment(rack.name);
    if (rack.storage) {
      std::size_t disks = 0;
      for (int n : rack.storage_nodes) disks += model_->storage_nodes[n].disks.size();
      label = countsInRackLabels ? tr("%1 storage: %2, %3")
                                       .arg(label, counted(rack.storage_nodes.size(), tr("node"), tr("nodes")),
                                            counted(disks, tr("disk"), tr("disks")))
                                 : tr("%1 storage").arg(label);
    }
    return metrics.horizontalAdvance(label) + 2 * rackPad;
  };
  int y = kMargin;
  int widest = 0;
  for (std::size_t s = 0; s < model_->sites.size(); ++s) {
    const int left = kMargin + kSitePadding;
    const int right = availableWidth - kMargin - kSitePadding;
    int x = left;
    int rowTop = y + siteTitle;
    int rowHeight = 0;
    int siteRight = left;
    for (int r : model_->sites[s].racks) {
      const auto& rack = model_->racks[r];
      const bool storage = rack.storage;
      const int count = static_cast<int>(storage ? rack.storage_nodes.size() : rack.nodes.size());
      const int columnLimit = storage ? storagePerColumnLimit : perColumnLimit;
      const int boxWidth = storage ? storageNodeWidth : nodeWidth;
      const int boxHeight = storage ? storageNodeHeight : nodeHeight;
      const int nodeColumns = std::max(1, (count + columnLimit - 1) / columnLimit);
      const int perColumn = std::max(1, (count + nodeColumns - 1) / nodeColumns);
      int rackWidth = 2 * rackPad + nodeColumns * boxWidth + (nodeColumns - 1) * gap;
      if (layout.rackLabels) rackWidth = std::max(rackWidth, rackLabelWidth(r));
      const int rackHeight = rackTitle + 2 * rackPad + perColumn * boxHeight + (perColumn - 1) * gap;
      if (x > left && x + rackWidth > right) {
        x = left;
        rowTop += rowHeight + rackSpacing;
        rowHeight = 0;
      }
      layout.racks[r] = QRect(x, rowTop, rackWidth, rackHeight);
      for (int i = 0; storage && i < count; ++i) {
        const int n = rack.storage_nodes[i];
        const int nodeX = x + rackPad + (i / perColumn) * (boxWidth + gap);
        const int nodeY = rowTop + rackTitle + rackPad + (i % perColumn) * (boxHeight + gap);
        layout.storageNodes[n] = QRect(nodeX, nodeY, boxWidth, boxHeight);
        const auto& disks = model_->storage_nodes[n].disks;
        for (std::size_t k = 0; k < disks.size(); ++k)
          layout.disks[disks[k]] =
              QRect(nodeX + pad + storageLabelWidth + static_cast<int>(k % kDisksPerRow) * (diskCell + gap),
                    nodeY + pad + static_cast<int>(k / kDisksPerRow) * (diskCell + gap), diskCell, diskCell);
      }
      for (int i = 0; !storage && i < count; ++i) {
        const int n = rack.nodes[i];
        const int nodeX = x + rackPad + (i / perColumn) * (nodeWidth + gap);
        const int nodeY = rowTop + rackTitle + rackPad + (i % perColumn) * (nodeHeight + gap);
        layout.nodes[n] = QRect(nodeX, nodeY, nodeWidth, nodeHeight);
        const auto& gpus = model_->nodes[n].gpus;
        for (std::size_t k = 0; k < gpus.size(); ++k)
          layout.gpus[gpus[k]] = QRect(nodeX + pad + labelWidth + static_cast<int>(k % kGpusPerRow) * (cell + gap),
                                       nodeY + pad + static_cast<int>(k / kGpusPerRow) * (cell + gap), cell, cell);
      }
      x += rackWidth + rackSpacing;
      siteRight = std::max(siteRight, x - rackSpacing);
      rowHeight = std::max(rowHeight, rackHeight);
    }
    const QString title = QString::fromStdString(model_->sites[s].name);
    siteRight = std::max(siteRight, left + metrics.horizontalAdvance(title) + 8);
    const int siteWidth = std::max(siteRight + kSitePadding, availableWidth - kMargin) - kMargin;
    layout.sites[s] = QRect(kMargin, y, siteWidth, rowTop + rowHeight + kSitePadding - y);
    widest = std::max(widest, siteRight + kSitePadding + kMargin);
    y = layout.sites[s].bottom() + 1 + kSiteSpacing;
  }
  layout.width = widest;
  layout.height = y - kSiteSpacing + kMargin;
  return layout;
}

void TopologyCanvas::relayout() {
  const int availableWidth = std::max(width(), 100);
  const int availableHeight = std::max(parentWidget() ? parentWidget()->height() : height(), 100);
  Layout chosen;
  for (int cell : kCellSizes) {
    chosen = computeLayout(cell, availableWidth, availableHeight);
    if (chosen.height <= availableHeight && chosen.width <= availableWidth) break;
  }
  layout_ = std::move(chosen);
  cell_ = layout_.cell;
  setMinimumHeight(layout_.height);
  update();
}

QSize TopologyCanvas::sizeHint() const { return {800, 500}; }

void TopologyCanvas::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  relayout();
}

int TopologyCanvas::nodeAt(const QPoint& point) const {
  for (std::size_t n = 0; n < layout_.nodes.size(); ++n)
    if (layout_.nodes[n].contains(point)) return static_cast<int>(n);
  return -1;
}

int TopologyCanvas::storageNodeAt(const QPoint& point) const {
  for (std::size_t n = 0; n < layout_.storageNodes.size(); ++n)
    if (layout_.storageNodes[n].contains(point)) return static_cast<int>(n);
  return -1;
}

int TopologyCanvas::diskAt(const QPoint& point) const {
  const int node = storageNodeAt(point);
  if (node < 0) return -1;
  for (int disk : model_->storage_nodes[node].disks)
    if (layout_.disks[disk].contains(point)) return disk;
  return -1;
}

QRect TopologyCanvas::storageNodeRect(int node) const {
  return node >= 0 && node < static_cast<int>(layout_.storageNodes.size()) ? layout_.storageNodes[node] : QRect();
}

QRect TopologyCanvas::diskRect(int disk) const {
  return disk >= 0 && disk < static_cast<int>(layout_.disks.size()) ? layout_.disks[disk] : QRect();
}

QRect TopologyCanvas::rackRect(int rack) const {
  return rack >= 0 && rack < static_cast<int>(layout_.racks.size()) ? layout_.racks[rack] : QRect();
}

int TopologyCanvas::gpuAt(const QPoint& point) const {
  const int node = nodeAt(point);
  if (node < 0) return -1;
  for (int gpu : model_->nodes[node].gpus)
    if (layout_.gpus[gpu].contains(point)) return gpu;
  return -1;
}

QRect TopologyCanvas::gpuRect(int gpu) const {
  return gpu >= 0 && gpu < static_cast<int>(layout_.gpus.size()) ? layout_.gpus[gpu] : QRect();
}

QRect TopologyCanvas::nodeRect(int node) const {
  return node >= 0 && node < static_cast<int>(layout_.nodes.size()) ? layout_.nodes[node] : QRect();
}

void TopologyCanvas::paintEvent(QPaintEvent* event) {
  QPainter painter(this);
  painter.fillRect(event->rect(), Qt::white);
  if (!model_) return;
  const QRect dirty = event->rect();
  QFont bold = font();
  bold.setBold(true);

  for (std::size_t s = 0; s < layout_.sites.size(); ++s) {
    const QRect& rect = layout_.sites[s];
    if (!rect.intersects(dirty)) continue;
    painter.setPen(QColor(150, 160, 170));
    painter.setBrush(QColor(244, 246, 248));
    painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 4, 4);
    const auto& site = model_->sites[s];
    std::size_t racks = 0, nodes = 0, gpus = 0, storageRacks = 0, storageNodes = 0, disks = 0;
    for (int r : site.racks) {
      const auto& rack = model_->racks[r];
      if (rack.storage) {
        ++storageRacks;
        storageNodes += rack.storage_nodes.size();
        for (int n : rack.storage_nodes) disks += model_->storage_nodes[n].disks.size();
        continue;
      }
      ++racks;
      nodes += rack.nodes.size();
      for (int n : rack.nodes) gpus += model_->nodes[n].gpus.size();
    }
    QString title = QStringLiteral("%1 — %2, %3, %4")
                        .arg(QString::fromStdString(site.name), counted(racks, tr("rack"), tr("racks")),
                             counted(nodes, tr("node"), tr("nodes")), counted(gpus, tr("GPU"), tr("GPUs")));
    if (storageRacks > 0)
      title += tr(" · storage: %1, %2, %3")
                   .arg(counted(storageRacks, tr("rack"), tr("racks")), counted(storageNodes, tr("node"), tr("nodes")),
                        counted(disks, tr("disk"), tr("disks")));
    painter.setFont(bold);
    painter.setPen(QColor(40, 40, 40));
    painter.drawText(rect.adjusted(kSitePadding, 3, -kSitePadding, 0), Qt::AlignLeft | Qt::AlignTop, title);
    painter.setFont(font());
  }
  for (std::size_t r = 0; r < layout_.racks.size(); ++r) {
    const QRect& rect = layout_.racks[r];
    if (!rect.intersects(dirty)) continue;
    const bool storage = model_->racks[r].storage;
    painter.setPen(storage ? QColor(200, 188, 164) : QColor(190, 198, 206));
    painter.setBrush(storage ? QColor(239, 233, 220) : QColor(230, 234, 238));
    painter.drawRect(rect.adjusted(0, 0, -1, -1));
    if (layout_.rackLabels) {
      painter.setPen(QColor(80, 80, 80));
      painter.drawText(rect.adjusted(3, 1, -2, 0), Qt::AlignLeft | Qt::AlignTop, rackLabel(static_cast<int>(r)));
    }
  }
  for (std::size_t n = 0; n < layout_.storageNodes.size(); ++n) {
    const QRect& rect = layout_.storageNodes[n];
    if (!rect.intersects(dirty)) continue;
    const bool down = n < storageNodesDown_.size() && storageNodesDown_[n];
    painter.setPen(down ? QPen(QColor(214, 39, 40), 2) : QPen(QColor(196, 202, 208)));
    painter.setBrush(Qt::white);
    painter.drawRect(down ? rect.adjusted(1, 1, -1, -1) : rect.adjusted(0, 0, -1, -1));
    if (layout_.nodeLabels) {
      painter.setPen(QColor(80, 80, 80));
      painter.drawText(rect.adjusted(4, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                       lastSegment(model_->storage_nodes[n].name));
    }
    for (int disk : model_->storage_nodes[n].disks) {
      const QRect& cell = layout_.disks[disk];
      const QColor colour = disk < static_cast<int>(diskColors_.size()) ? diskColors_[disk] : kDefaultDiskColor;
      painter.fillRect(cell, colour);
      if (cell.width() >= 6) {
        painter.setPen(colour.darker(135));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(cell.adjusted(0, 0, -1, -1));
      }
    }
  }
  const bool outlineGpus = layout_.cell >= 8;
  for (std::size_t n = 0; n < layout_.nodes.size(); ++n) {
    const QRect& rect = layout_.nodes[n];
    if (!rect.intersects(dirty)) continue;
    painter.setPen(QColor(196, 202, 208));
    painter.setBrush(Qt::white);
    painter.drawRect(rect.adjusted(0, 0, -1, -1));
    if (layout_.nodeLabels) {
      painter.setPen(QColor(80, 80, 80));
      painter.drawText(rect.adjusted(4, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, lastSegment(model_->nodes[n].name));
    }
    for (int gpu : model_->nodes[n].gpus) {
      const QRect& cell = layout_.gpus[gpu];
      const QColor colour = gpu < static_cast<int>(colors_.size()) ? colors_[gpu] : QColor(220, 220, 220);
      painter.fillRect(cell, colour);
      if (outlineGpus) {
        painter.setPen(colour.darker(135));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(cell.adjusted(0, 0, -1, -1));
      }
    }
  }
}

bool TopologyCanvas::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    if (const int storageNode = model_ ? storageNodeAt(help->pos()) : -1; storageNode >= 0 && storageTooltip_) {
      const int disk = diskAt(help->pos());
      QToolTip::showText(help->globalPos(), storageTooltip_(disk, storageNode), this,
                         disk >= 0 ? diskRect(disk) : storageNodeRect(storageNode));
      return true;
    }
    const int gpu = gpuAt(help->pos());
    const int node = gpu >= 0 ? model_->gpus[gpu].node : nodeAt(help->pos());
    if (tooltip_ && node >= 0) {
      QToolTip::showText(help->globalPos(), tooltip_(gpu, node), this, gpu >= 0 ? gpuRect(gpu) : nodeRect(node));
    } else {
      QToolTip::hideText();
      event->ignore();
    }
    return true;
  }
  return QWidget::event(event);
}

}  // namespace leptonsim::gui
