#include "topology/TopologyView.hpp"

#include <QComboBox>
#include <QEvent>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QScrollArea>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

#include "topology/TopologyCanvas.hpp"

namespace leptonsim::gui {
namespace {

using leptonsim::GpuState;

constexpr std::array<GpuState, 4> kStates{GpuState::free, GpuState::starting, GpuState::serving, GpuState::failed};
using DiskState = TopologyModel::DiskState;
constexpr std::array<DiskState, 3> kDiskStates{DiskState::ok, DiskState::failed, DiskState::unreachable};

QString diskStateName(DiskState state) {
  switch (state) {
    case DiskState::ok: return QObject::tr("ok");
    case DiskState::failed: return QObject::tr("failed");
    case DiskState::unreachable: return QObject::tr("unreachable");
  }
  return {};
}
// Keeps the slider's integer range well inside int for very long runs.
constexpr double kMaxSliderSteps = 1e6;
const QColor kNoDataColor(236, 236, 236);

struct ModelResult {
  std::shared_ptr<const TopologyModel> model;
  QString error;
};

QString formatFraction(double value) {
  return std::isfinite(value) ? QString::number(value, 'f', 2) : QObject::tr("no data");
}

}  // namespace

TopologyView::TopologyView(QWidget* parent) : QWidget(parent) {
  modeCombo_ = new QComboBox(this);
  modeCombo_->setObjectName(QStringLiteral("topologyColorMode"));
  modeCombo_->addItem(tr("GPU state"));
  modeCombo_->addItem(tr("GPU utilisation"));
  previousButton_ = new QToolButton(this);
  previousButton_->setArrowType(Qt::LeftArrow);
  previousButton_->setToolTip(tr("Previous state change"));
  nextButton_ = new QToolButton(this);
  nextButton_->setArrowType(Qt::RightArrow);
  nextButton_->setToolTip(tr("Next state change"));
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setObjectName(QStringLiteral("topologyTimeSlider"));
  slider_->setToolTip(tr("Simulated time"));
  timeLabel_ = new QLabel(this);
  timeLabel_->setMinimumWidth(timeLabel_->fontMetrics().horizontalAdvance(QStringLiteral("t = 000:00:00.0 / 000:00:00")));

  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Colour by:"), this));
  controls->addWidget(modeCombo_);
  controls->addSpacing(12);
  controls->addWidget(previousButton_);
  controls->addWidget(slider_, 1);
  controls->addWidget(nextButton_);
  controls->addWidget(timeLabel_);

  message_ = new QLabel(this);
  message_->setObjectName(QStringLiteral("topologyMessage"));
  message_->setWordWrap(true);
  message_->setStyleSheet(QStringLiteral("background: #fff7d6; border: 1px solid #e0c870; padding: 4px;"));
  message_->hide();

  canvas_ = new TopologyCanvas;
  scroll_ = new QScrollArea(this);
  scroll_->setWidgetResizable(true);
  scroll_->setWidget(canvas_);
  scroll_->viewport()->installEventFilter(this);

  legend_ = new QWidget(this);
  auto* legendLayout = new QHBoxLayout(legend_);
  legendLayout->setContentsMargins(0, 0, 0, 0);
  legendLayout->setSpacing(3);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("topologyStatus"));
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addWidget(message_);
  layout->addWidget(scroll_, 1);
  layout->addWidget(legend_);
  layout->addWidget(status_);

  canvas_->setTooltipProvider([this](int gpu, int node) { return gpu >= 0 ? gpuDescription(gpu) : nodeDescription(node); });
  canvas_->setStorageTooltipProvider([this](int disk, int node) { return storageDescription(disk, node); });
  connect(modeCombo_, &QComboBox::currentIndexChanged, this, [this] {
    recolor();
    updateLegend();
    updateMessage();
  });
  connect(slider_, &QSlider::valueChanged, this, [this](int value) { setTime(value * sliderStep_); });
  connect(previousButton_, &QToolButton::clicked, this, &TopologyView::stepToPreviousChange);
  connect(nextButton_, &QToolButton::clicked, this, &TopologyView::stepToNextChange);

  showModel(nullptr, {});
}

TopologyView::~TopologyView() = default;

void TopologyView::setRun(std::shared_ptr<const leptonsim::RunDataset> run) {
  const std::uint64_t generation = ++generation_;
  run_ = std::move(run);
  if (!run_) {
    showModel(nullptr, {});
    return;
  }
  message_->setText(tr("Building the platform of %1…").arg(QString::fromStdString(run_->label())));
  message_->show();
  auto* watcher = new QFutureWatcher<ModelResult>(this);
  connect(watcher, &QFutureWatcher<ModelResult>::finished, this, [this, watcher, generation] {
    watcher->deleteLater();
    if (generation != generation_) return;  // a newer run was set meanwhile
    const ModelResult result = watcher->result();
    showModel(result.model, result.error);
  });
  watcher->setFuture(QtConcurrent::run([run = run_]() -> ModelResult {
    try {
      return {build_topology_model(*run), {}};
    } catch (const std::exception& error) {
      return {nullptr, QString::fromUtf8(error.what())};
    }
  }));
}

void TopologyView::showModel(std::shared_ptr<const TopologyModel> model, const QString& error) {
  model_ = std::move(model);
  loadError_ = error.isEmpty() ? QString() : tr("Cannot draw the platform of this run: %1").arg(error);
  canvas_->setModel(model_);
  const double length = duration();
  sliderStep_ = std::max(1.0, length / kMaxSliderSteps);
  {
    const QSignalBlocker blocker(slider_);
    slider_->setRange(0, static_cast<int>(std::ceil(length / sliderStep_)));
    slider_->setPageStep(std::max(1, slider_->maximum() / 20));
  }
  slider_->setEnabled(model_ != nullptr);
  modeCombo_->setEnabled(model_ != nullptr);
  updateLegend();
  updateMessage();
  setTime(std::min(time_, length));
  if (model_ || !error.isEmpty()) Q_EMIT loaded();
}

double TopologyView::duration() const { return model_ ? model_->duration : 0.0; }

void TopologyView::setTime(double t) {
  time_ = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, std::max(0.0, duration()));
  {
    const QSignalBlocker blocker(slider_);
    slider_->setValue(static_cast<int>(std::lround(time_ / sliderStep_)));
  }
  timeLabel_->setText(tr("t = %1 / %2").arg(formatTime(time_), formatTime(duration())));
  if (model_) {
    const auto& changes = model_->change_times;
    previousButton_->setEnabled(std::any_of(changes.begin(), changes.end(), [this](double c) { return c < time_ - 1e-9; }));
    nextButton_->setEnabled(std::any_of(changes.begin(), changes.end(), [this](double c) { return c > time_ + 1e-9; }));
  } else {
    previousButton_->setEnabled(false);
    nextButton_->setEnabled(false);
  }
  recolor();
  Q_EMIT timeChanged(time_);
}

void TopologyView::stepToNextChange() {
  if (!model_) return;
  const auto& changes = model_->change_times;
  auto next = std::upper_bound(changes.begin(), changes.end(), time_ + 1e-9);
  if (next != changes.end()) setTime(*next);
}

void TopologyView::stepToPreviousChange() {
  if (!model_) return;
  const auto& changes = model_->change_times;
  auto previous = std::lower_bound(changes.begin(), changes.end(), time_ - 1e-9);
  if (previous != changes.begin()) setTime(*std::prev(previous));
}

void TopologyView::setColorMode(ColorMode mode) { modeCombo_->setCurrentIndex(static_cast<int>(mode)); }

TopologyView::ColorMode TopologyView::colorMode() const { return static_cast<ColorMode>(modeCombo_->currentIndex()); }

void TopologyView::recolor() {
  counts_ = {};
  diskCounts_ = {};
  if (!model_) {
    status_->setText(loadError_.isEmpty() ? tr("No run shown.") : QString());
    return;
  }
  const bool byState = colorMode() == ColorMode::state;
  std::vector<QColor> colours(model_->gpus.size());
  for (std::size_t g = 0; g < model_->gpus.size(); ++g) {
    const int gpu = static_cast<int>(g);
    const GpuState state = model_->state(gpu, time_);
    ++counts_[static_cast<int>(state)];
    if (byState) {
      colours[g] = stateColor(state);
    } else if (model_->has_node_utilization) {
      colours[g] = utilizationColor(model_->node_utilization(model_->gpus[g].node, time_));
    } else {
      colours[g] = utilizationColor(model_->replica_busy_fraction(gpu, time_));
    }
  }
  canvas_->setGpuColors(std::move(colours));
  // Disks by state in both modes (they have no utilisation).
  diskCounts_ = {};
  std::vector<QColor> diskColours(model_->disks.size());
  for (std::size_t d = 0; d < model_->disks.size(); ++d) {
    const DiskState state = model_->disk_state(static_cast<int>(d), time_);
    ++diskCounts_[static_cast<int>(state)];
    diskColours[d] = diskStateColor(state);
  }
  std::vector<bool> nodesDown(model_->storage_nodes.size());
  for (std::size_t n = 0; n < nodesDown.size(); ++n) nodesDown[n] = model_->storage_node_down(static_cast<int>(n), time_);
  canvas_->setStorageColors(std::move(diskColours), std::move(nodesDown));
  status_->setText(statusText());
}

QString TopologyView::statusText() const {
  if (!model_) return {};
  QStringList parts;
  for (GpuState state : kStates)
    parts << QStringLiteral("%1 %2").arg(QString::fromLatin1(leptonsim::to_string(state))).arg(count(state));
  QString text = tr("t = %1 · %2 GPUs in %3 nodes: %4")
                     .arg(formatTime(time_))
                     .arg(model_->gpus.size())
                     .arg(model_->nodes.size())
                     .arg(parts.join(QStringLiteral(" · ")));
  if (!model_->disks.empty()) {
    QStringList diskParts;
    for (DiskState state : kDiskStates) diskParts << QStringLiteral("%1 %2").arg(diskStateName(state)).arg(diskCount(state));
    text += tr("  |  %1 disks in %2 storage nodes: %3")
                .arg(model_->disks.size())
                .arg(model_->storage_nodes.size())
                .arg(diskParts.join(QStringLiteral(" · ")));
  }
  return text;
}

void TopologyView::updateLegend() {
  auto* layout = static_cast<QHBoxLayout*>(legend_->layout());
  while (QLayoutItem* item = layout->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  if (!model_) return;
  auto addSwatch = [this, layout](const QColor& colour, const QString& text) {
    QPixmap pixmap(14, 14);
    pixmap.fill(colour);
    QPainter painter(&pixmap);
    painter.setPen(colour.darker(150));
    painter.drawRect(0, 0, 13, 13);
    auto* icon = new QLabel(legend_);
    icon->setPixmap(pixmap);
    layout->addWidget(icon);
    if (!text.isEmpty()) layout->addWidget(new QLabel(text, legend_));
    layout->addSpacing(text.isEmpty() ? 0 : 10);
  };
  if (colorMode() == ColorMode::state) {
    for (GpuState state : kStates) addSwatch(stateColor(state), QString::fromLatin1(leptonsim::to_string(state)));
  } else {
    layout->addWidget(new QLabel(tr("utilisation 0"), legend_));
    for (int step = 0; step <= 10; ++step) addSwatch(utilizationColor(step / 10.0), QString());
    layout->addWidget(new QLabel(tr("1"), legend_));
    layout->addSpacing(16);
    addSwatch(kNoDataColor, model_->has_node_utilization ? tr("no sample covers t") : tr("not held by a replica"));
  }
  if (!model_->disks.empty()) {
    layout->addSpacing(16);
    for (DiskState state : kDiskStates) addSwatch(diskStateColor(state), tr("disk %1").arg(diskStateName(state)));
  }
  layout->addStretch(1);
}

void TopologyView::updateMessage() {
  QStringList notes;
  if (!loadError_.isEmpty()) notes << loadError_;
  if (model_) {
    if (!model_->platform_note.empty()) notes << QString::fromStdString(model_->platform_note);
    if (!model_->unknown_gpus.empty())
      notes << tr("%1 GPU names in the events are not part of the platform (e.g. %2) and are not drawn.")
                   .arg(model_->unknown_gpus.size())
                   .arg(QString::fromStdString(model_->unknown_gpus.front()));
    if (colorMode() == ColorMode::utilization && !model_->has_node_utilization)
      notes << tr("This run has no node.gpu_utilization series (the simulator records it only for small platforms). "
                  "Each GPU is coloured by the lifetime busy fraction of the replica holding it at this time "
                  "(replicas table).");
  }
  message_->setText(notes.join(QStringLiteral("\n")));
  message_->setVisible(!notes.isEmpty());
}

QString TopologyView::messageText() const { return message_->isHidden() ? QString() : message_->text(); }

QString TopologyView::gpuDescription(int gpu) const {
  if (!model_ || gpu < 0 || gpu >= static_cast<int>(model_->gpus.size())) return {};
  const auto& entry = model_->gpus[gpu];
  QString text = QStringLiteral("<b>%1</b><br>").arg(QString::fromStdString(entry.name).toHtmlEscaped());
  text += tr("state at %1: %2").arg(formatTime(time_), QString::fromLatin1(leptonsim::to_string(model_->state(gpu, time_))));
  if (const auto* holder = model_->holder(gpu, time_))
    text += tr("<br>held by replica %1 of service %2")
                .arg(holder->replica)
                .arg(QString::fromStdString(holder->service).toHtmlEscaped());
  else
    text += tr("<br>not held by a replica");
  if (model_->has_node_utilization)
    text += tr("<br>node GPU utilisation (sample covering t): %1")
                .arg(formatFraction(model_->node_utilization(entry.node, time_)));
  else
    text += tr("<br>replica busy fraction (lifetime): %1").arg(formatFraction(model_->replica_busy_fraction(gpu, time_)));
  return text;
}

QString TopologyView::nodeDescription(int node) const {
  if (!model_ || node < 0 || node >= static_cast<int>(model_->nodes.size())) return {};
  const auto& entry = model_->nodes[node];
  std::array<int, 4> counts{};
  for (int gpu : entry.gpus) ++counts[static_cast<int>(model_->state(gpu, time_))];
  QStringList parts;
  for (GpuState state : kStates)
    if (counts[static_cast<int>(state)] > 0)
      parts << QStringLiteral("%1 %2").arg(counts[static_cast<int>(state)]).arg(QString::fromLatin1(leptonsim::to_string(state)));
  QString text = QStringLiteral("<b>%1</b><br>").arg(QString::fromStdString(entry.name).toHtmlEscaped());
  text += tr("%1 GPUs: %2").arg(entry.gpus.size()).arg(parts.join(QStringLiteral(", ")));
  if (model_->has_node_utilization)
    text += tr("<br>GPU utilisation (sample covering t): %1").arg(formatFraction(model_->node_utilization(node, time_)));
  return text;
}

QString TopologyView::storageDescription(int disk, int storageNode) const {
  if (!model_) return {};
  if (disk >= 0 && disk < static_cast<int>(model_->disks.size())) {
    return QStringLiteral("<b>%1</b><br>%2")
        .arg(QString::fromStdString(model_->disks[disk].name).toHtmlEscaped(),
             tr("disk at %1: %2").arg(formatTime(time_), diskStateName(model_->disk_state(disk, time_))));
  }
  if (storageNode < 0 || storageNode >= static_cast<int>(model_->storage_nodes.size())) return {};
  const auto& entry = model_->storage_nodes[storageNode];
  std::array<int, 3> counts{};
  for (int d : entry.disks) ++counts[static_cast<int>(model_->disk_state(d, time_))];
  QStringList parts;
  for (DiskState state : kDiskStates)
    if (counts[static_cast<int>(state)] > 0) parts << QStringLiteral("%1 %2").arg(counts[static_cast<int>(state)]).arg(diskStateName(state));
  QString text = QStringLiteral("<b>%1</b><br>").arg(QString::fromStdString(entry.name).toHtmlEscaped());
  text += tr("storage node, %1 disks: %2").arg(entry.disks.size()).arg(parts.join(QStringLiteral(", ")));
  if (model_->storage_node_down(storageNode, time_)) text += tr("<br>down at %1").arg(formatTime(time_));
  return text;
}

QColor TopologyView::diskStateColor(DiskState state) {
  switch (state) {
    case DiskState::ok: return QColor(120, 144, 176);
    case DiskState::failed: return stateColor(GpuState::failed);
    case DiskState::unreachable: return QColor(240, 160, 160);
  }
  return Qt::black;
}

QColor TopologyView::stateColor(GpuState state) {
  switch (state) {
    case GpuState::free: return QColor(208, 214, 222);
    case GpuState::starting: return QColor(242, 169, 0);
    case GpuState::serving: return QColor(46, 139, 87);
    case GpuState::failed: return QColor(214, 39, 40);
  }
  return Qt::black;
}

QColor TopologyView::utilizationColor(double fraction) {
  if (!std::isfinite(fraction)) return kNoDataColor;
  // Viridis-like stops: dark (idle) to bright (busy), readable in grey print.
  static const std::array<QColor, 5> stops{QColor(68, 1, 84), QColor(59, 82, 139), QColor(33, 145, 140),
                                           QColor(94, 201, 98), QColor(253, 231, 37)};
  const double position = std::clamp(fraction, 0.0, 1.0) * (stops.size() - 1);
  const auto lower = std::min<std::size_t>(static_cast<std::size_t>(position), stops.size() - 2);
  const double blend = position - lower;
  const QColor& a = stops[lower];
  const QColor& b = stops[lower + 1];
  // Whole 8-bit channels, so the colour drawn is exactly the colour returned.
  auto mix = [blend](int from, int to) { return static_cast<int>(std::lround(from + (to - from) * blend)); };
  return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

QString TopologyView::formatTime(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
  const auto tenths = static_cast<long long>(std::llround(seconds * 10));
  const long long whole = tenths / 10;
  QString text = QStringLiteral("%1:%2:%3")
                     .arg(whole / 3600)
                     .arg((whole / 60) % 60, 2, 10, QLatin1Char('0'))
                     .arg(whole % 60, 2, 10, QLatin1Char('0'));
  if (tenths % 10 != 0) text += QStringLiteral(".%1").arg(tenths % 10);
  return text;
}

bool TopologyView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == scroll_->viewport() && event->type() == QEvent::Resize) canvas_->relayout();
  return QWidget::eventFilter(watched, event);
}

}  // namespace leptonsim::gui
