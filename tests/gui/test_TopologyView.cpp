// TopologyView: GPU counts per state over time, the time slider and step
// buttons, the colour drawn for a GPU, utilisation colouring (series and the
// busy-fraction fallback), and large platforms.
//
// The hand-written run: 1 site, 1 rack, 2 nodes x 8 GPUs. Replica 0 of "chat"
// is placed on n0/gpu0-1 at t = 0; replica 1 starts on n1/gpu4-5 at t = 100,
// is ready at t = 160 and stopped at t = 300. So (serving, starting, free) is
// (2, 0, 14) at t = 0, (2, 2, 12) at 120, (4, 0, 12) at 200, (2, 0, 14) at 400.
#include <QComboBox>
#include <QElapsedTimer>
#include <QProcess>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSlider>
#include <QtTest>

#include <cmath>

#include "ReportDataset.hpp"
#include "topology/TopologyCanvas.hpp"
#include "topology/TopologyView.hpp"

using leptonsim::GpuState;
using leptonsim::gui::TopologyView;

namespace {

QString scenarioText(int racks, int nodesPerRack) {
  return QStringLiteral(R"(name: tiny-topology
seed: 1
duration: 10min
sample_interval: 60s
platform:
  sites:
    - name: us-east
      racks: %1
      nodes_per_rack: %2
      node: h100x8
      fabric: {topology: leaf_spine, link: 400Gbps, latency: 1us, oversubscription: 1}
services:
  - name: chat
    replicas: 1
    gpus_per_replica: 2
    max_concurrency: 8
    arrivals: {process: poisson, rate: 1/s}
    service_time: {lognormal: {mean: 800ms, sigma: 0.6}}
    load_balancer: {policy: least_outstanding}
)")
      .arg(racks)
      .arg(nodesPerRack);
}

leptonsim::RunDataset tinyRun() {
  leptonsim::RunDataset run;
  run.report_path = "/tmp/none.db";
  run.overview.run_id = 1;
  run.overview.run.scenario_name = "tiny-topology";
  run.overview.run.scenario_text = scenarioText(1, 2).toStdString();
  run.overview.run.seed = 1;
  run.overview.run.simulated_seconds = 600;
  run.events = {
      {0, "run_start", "", R"({"nodes":2,"gpus":16,"services":1})"},
      {0, "replica_placed", "chat",
       R"({"replica":0,"node":"us-east/r0/n0","gpus":["us-east/r0/n0/gpu0","us-east/r0/n0/gpu1"]})"},
      // Names relative to the node, then full names: both must map to the same GPUs.
      {100, "replica_starting", "chat", R"({"replica":1,"node":"us-east/r0/n1","gpus":["gpu4","gpu5"]})"},
      {160, "replica_ready", "chat",
       R"({"replica":1,"node":"us-east/r0/n1","gpus":["us-east/r0/n1/gpu4","us-east/r0/n1/gpu5"],"cold_start_seconds":60})"},
      {300, "replica_stopped", "chat", R"({"replica":1,"node":"us-east/r0/n1"})"},
      {600, "run_end", "", "{}"},
  };
  run.replicas = {{"chat", 0, "us-east/r0/n0", "us-east/r0/n0/gpu0,us-east/r0/n0/gpu1", 1000, 0.5},
                  {"chat", 1, "us-east/r0/n1", "us-east/r0/n1/gpu4,us-east/r0/n1/gpu5", 200, 0.25}};
  return run;
}

void load(TopologyView& view, const leptonsim::RunDataset& run) {
  QSignalSpy loaded(&view, &TopologyView::loaded);
  view.setRun(std::make_shared<const leptonsim::RunDataset>(run));
  QVERIFY(loaded.wait(30000));
  QVERIFY(view.isLoaded());
}

int gpuIndex(const TopologyView& view, const std::string& name) {
  auto found = view.model()->gpu_index.find(name);
  return found == view.model()->gpu_index.end() ? -1 : found->second;
}

QColor colourDrawnAt(TopologyView& view, int gpu) {
  QCoreApplication::processEvents();
  const QImage image = view.canvas()->grab().toImage();
  const QRect rect = view.canvas()->gpuRect(gpu);
  return image.pixelColor(rect.center());
}

// Lays out pending changes (combo sizes, hidden notes) before taking a screenshot.
void saveShot(QWidget* widget, const QString& path) {
  QCoreApplication::processEvents();
  widget->grab().save(path);
}

}  // namespace

class TestTopologyView : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void countsPerStateOverTime() {
    TopologyView view;
    view.resize(900, 500);
    view.show();
    load(view, tinyRun());
    QCOMPARE(view.model()->gpus.size(), std::size_t(16));
    QCOMPARE(view.model()->nodes.size(), std::size_t(2));
    QCOMPARE(view.model()->gpus[0].name, std::string("us-east/r0/n0/gpu0"));
    QVERIFY(view.model()->unknown_gpus.empty());
    QCOMPARE(view.duration(), 600.0);

    struct Expected {
      double t;
      int free, starting, serving, failed;
    };
    for (const Expected& e : {Expected{0, 14, 0, 2, 0}, Expected{120, 12, 2, 2, 0}, Expected{200, 12, 0, 4, 0},
                              Expected{400, 14, 0, 2, 0}}) {
      view.setTime(e.t);
      QCOMPARE(view.time(), e.t);
      QCOMPARE(view.count(GpuState::free), e.free);
      QCOMPARE(view.count(GpuState::starting), e.starting);
      QCOMPARE(view.count(GpuState::serving), e.serving);
      QCOMPARE(view.count(GpuState::failed), e.failed);
    }
    view.setTime(120);
    QCoreApplication::processEvents();
    QVERIFY2(view.statusText().contains(QStringLiteral("free 12 · starting 2 · serving 2 · failed 0")),
             qPrintable(view.statusText()));
    QVERIFY(view.statusText().contains(QStringLiteral("0:02:00")));
    const QString tooltip = view.gpuDescription(gpuIndex(view, "us-east/r0/n1/gpu5"));
    QVERIFY2(tooltip.contains(QStringLiteral("us-east/r0/n1/gpu5")) && tooltip.contains(QStringLiteral("starting")) &&
                 tooltip.contains(QStringLiteral("replica 1 of service chat")) && tooltip.contains(QStringLiteral("0.25")),
             qPrintable(tooltip));
    saveShot(&view, QDir::temp().filePath(QStringLiteral("leptonsim-topology-tiny.png")));
  }

  void sliderAndStepButtonsMoveTime() {
    TopologyView view;
    view.resize(900, 500);
    view.show();
    load(view, tinyRun());
    QSlider* slider = view.timeSlider();
    QCOMPARE(slider->maximum(), 600);
    QSignalSpy changed(&view, &TopologyView::timeChanged);
    slider->setValue(250);
    QCOMPARE(view.time(), 250.0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(view.count(GpuState::serving), 4);
    view.setTime(10000);  // clamped to the run
    QCOMPARE(view.time(), 600.0);
    QCOMPARE(slider->value(), 600);

    view.setTime(0);
    QCOMPARE(view.model()->change_times, (std::vector<double>{0, 100, 160, 300}));
    view.stepToNextChange();
    QCOMPARE(view.time(), 100.0);
    view.stepToNextChange();
    QCOMPARE(view.time(), 160.0);
    view.stepToNextChange();
    QCOMPARE(view.time(), 300.0);
    view.stepToNextChange();  // no later change: stays
    QCOMPARE(view.time(), 300.0);
    view.stepToPreviousChange();
    QCOMPARE(view.time(), 160.0);
    view.setTime(130);
    view.stepToPreviousChange();
    QCOMPARE(view.time(), 100.0);
    QCOMPARE(TopologyView::formatTime(3723.5), QStringLiteral("1:02:03.5"));
  }

  void drawnColourIsTheStateColour() {
    TopologyView view;
    view.resize(900, 500);
    view.show();
    load(view, tinyRun());
    const int starting = gpuIndex(view, "us-east/r0/n1/gpu4");
    const int serving = gpuIndex(view, "us-east/r0/n0/gpu1");
    const int idle = gpuIndex(view, "us-east/r0/n1/gpu7");
    QVERIFY(view.canvas()->cellSize() >= 12);  // a tiny platform gets big cells
    QVERIFY(view.canvas()->gpuRect(starting).isValid());
    // The GPU under a point of its rectangle is found back.
    QCOMPARE(view.canvas()->gpuAt(view.canvas()->gpuRect(starting).center()), starting);
    view.setTime(120);
    QCOMPARE(colourDrawnAt(view, starting), TopologyView::stateColor(GpuState::starting));
    QCOMPARE(colourDrawnAt(view, serving), TopologyView::stateColor(GpuState::serving));
    QCOMPARE(colourDrawnAt(view, idle), TopologyView::stateColor(GpuState::free));
    view.setTime(200);
    QCOMPARE(colourDrawnAt(view, starting), TopologyView::stateColor(GpuState::serving));
    view.setTime(400);
    QCOMPARE(colourDrawnAt(view, starting), TopologyView::stateColor(GpuState::free));
  }

  void failuresShowAsFailed() {
    auto run = tinyRun();
    run.events.insert(run.events.end() - 1,
                      {{500, "node_failure", "us-east/r0/n1", "{}"},
                       {520, "gpu_failure", "us-east/r0/n0/gpu7", "{}"},
                       {550, "repair", "us-east/r0/n1", "{}"},
                       {580, "repair", "us-east/r0/n0/gpu7", "{}"}});
    TopologyView view;
    view.resize(900, 500);
    view.show();
    load(view, run);
    view.setTime(530);  // the whole of n1 (8 GPUs, none named by events but 4 and 5) and n0/gpu7
    QCOMPARE(view.count(GpuState::failed), 9);
    QCOMPARE(view.count(GpuState::serving), 2);
    QCOMPARE(view.count(GpuState::free), 5);
    QCOMPARE(colourDrawnAt(view, gpuIndex(view, "us-east/r0/n1/gpu0")), TopologyView::stateColor(GpuState::failed));
    view.stepToNextChange();
    QCOMPARE(view.time(), 550.0);
    QCOMPARE(view.count(GpuState::failed), 1);
    view.setTime(590);
    QCOMPARE(view.count(GpuState::failed), 0);
    QCOMPARE(view.count(GpuState::free), 14);
  }

  void utilisationWithoutSeriesFallsBack() {
    TopologyView view;
    view.resize(900, 500);
    view.show();
    load(view, tinyRun());
    QCOMPARE(view.messageText(), QString());
    view.setColorMode(TopologyView::ColorMode::utilization);
    QVERIFY2(view.messageText().contains(QStringLiteral("no node.gpu_utilization series")),
             qPrintable(view.messageText()));
    view.setTime(200);
    // Replica busy fractions from the replicas table: 0.5 and 0.25; free GPUs have no data.
    QCOMPARE(colourDrawnAt(view, gpuIndex(view, "us-east/r0/n0/gpu0")), TopologyView::utilizationColor(0.5));
    QCOMPARE(colourDrawnAt(view, gpuIndex(view, "us-east/r0/n1/gpu5")), TopologyView::utilizationColor(0.25));
    QCOMPARE(colourDrawnAt(view, gpuIndex(view, "us-east/r0/n0/gpu7")), TopologyView::utilizationColor(NAN));
    saveShot(&view, QDir::temp().filePath(QStringLiteral("leptonsim-topology-tiny-utilisation-fallback.png")));
    view.setColorMode(TopologyView::ColorMode::state);
    QCOMPARE(view.messageText(), QString());
  }

  void utilisationFromNodeSeries() {
    auto run = tinyRun();
    // Samples every 60 s; the sample at t_i describes (t_{i-1}, t_i].
    leptonsim::TimeSeries series{"node.gpu_utilization", "us-east/r0/n0", {60, 120, 180}, {0.1, 0.6, 0.9}};
    run.series_info = {{"node.gpu_utilization", "us-east/r0/n0", 3, 60, 180}};
    run.series = {series};
    TopologyView view;
    view.resize(900, 500);
    view.show();
    load(view, run);
    QVERIFY(view.model()->has_node_utilization);
    view.setColorMode(TopologyView::ColorMode::utilization);
    QCOMPARE(view.messageText(), QString());
    view.setTime(90);
    QCOMPARE(colourDrawnAt(view, gpuIndex(view, "us-east/r0/n0/gpu3")), TopologyView::utilizationColor(0.6));
    view.setTime(120);
    QCOMPARE(colourDrawnAt(view, gpuIndex(view, "us-east/r0/n0/gpu3")), TopologyView::utilizationColor(0.6));
    view.setTime(121);
    QCOMPARE(colourDrawnAt(view, gpuIndex(view, "us-east/r0/n0/gpu3")), TopologyView::utilizationColor(0.9));
    // Node n1 has no series: no data.
    QCOMPARE(colourDrawnAt(view, gpuIndex(view, "us-east/r0/n1/gpu3")), TopologyView::utilizationColor(NAN));
    QVERIFY(view.gpuDescription(gpuIndex(view, "us-east/r0/n0/gpu3")).contains(QStringLiteral("0.90")));
    saveShot(&view, QDir::temp().filePath(QStringLiteral("leptonsim-topology-tiny-utilisation.png")));
  }

  void unreadableScenarioFallsBackToEventNames() {
    auto run = tinyRun();
    run.overview.run.scenario_text = "not: [a scenario";
    TopologyView view;
    view.resize(900, 500);
    view.show();
    load(view, run);
    QVERIFY(view.messageText().contains(QStringLiteral("rebuilt from the GPU names")));
    // Only the GPUs named by events or replicas are known then.
    QCOMPARE(view.model()->gpus.size(), std::size_t(4));
    view.setTime(200);
    QCOMPARE(view.count(GpuState::serving), 4);
  }

  void sixtyFourNodesAreReadable() {
    auto run = tinyRun();
    run.overview.run.scenario_text = scenarioText(8, 8).toStdString();
    TopologyView view;
    view.resize(1400, 900);
    view.show();
    load(view, run);
    QCOMPARE(view.model()->gpus.size(), std::size_t(512));
    QVERIFY2(view.canvas()->cellSize() >= 10, qPrintable(QString::number(view.canvas()->cellSize())));
    view.setTime(200);
    saveShot(&view, QDir::temp().filePath(QStringLiteral("leptonsim-topology-64nodes.png")));
  }

  void twoThousandNodesStayResponsive() {
    auto run = tinyRun();
    run.overview.run.scenario_text = scenarioText(64, 32).toStdString();
    TopologyView view;
    view.resize(1400, 900);
    view.show();
    QElapsedTimer timer;
    timer.start();
    load(view, run);
    qInfo() << "2048-node platform built in" << timer.elapsed() << "ms";
    QCOMPARE(view.model()->nodes.size(), std::size_t(2048));
    QCOMPARE(view.count(GpuState::free), 2048 * 8 - 2);
    QVERIFY(view.canvas()->cellSize() >= 2);
    // Every GPU has a distinct, non-empty cell.
    QVERIFY(view.canvas()->gpuRect(2048 * 8 - 1).isValid());
    QVERIFY(!view.canvas()->gpuRect(0).intersects(view.canvas()->gpuRect(1)));
    timer.restart();
    for (int step = 0; step < 10; ++step) view.setTime(step * 50.0);
    const QImage image = view.grab().toImage();
    qInfo() << "10 time steps and a full paint took" << timer.elapsed() << "ms";
    QVERIFY(timer.elapsed() < 5000);
    image.save(QDir::temp().filePath(QStringLiteral("leptonsim-topology-2048nodes.png")));
  }

  void realRunFromTheCli() {
    // quickstart: 2 racks x 4 nodes x 8 H100, 8 replicas of 2 GPUs placed at t = 0.
    if (!QFileInfo::exists(QStringLiteral(LEPTONSIM_BINARY))) QSKIP("the leptonsim CLI is not built");
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("quickstart.db"));
    QProcess cli;
    cli.start(QStringLiteral(LEPTONSIM_BINARY),
              {QStringLiteral("run"), QStringLiteral(LEPTONSIM_SOURCE_DIR "/scenarios/quickstart.yaml"),
               QStringLiteral("-o"), out, QStringLiteral("--set"), QStringLiteral("duration=10min"),
               QStringLiteral("-q")});
    QVERIFY(cli.waitForFinished(60000));
    QCOMPARE(cli.exitCode(), 0);
    const auto run = leptonsim::load_run_dataset(out.toStdString(), 1);
    TopologyView view;
    view.resize(1000, 600);
    view.show();
    load(view, run);
    QCOMPARE(view.model()->gpus.size(), std::size_t(64));
    QVERIFY(view.model()->unknown_gpus.empty());
    QCOMPARE(view.count(GpuState::serving), 16);
    QCOMPARE(view.count(GpuState::free), 48);
    // Every GPU a replica holds is named in the replicas table, and vice versa.
    int held = 0;
    for (std::size_t g = 0; g < view.model()->gpus.size(); ++g) held += view.model()->holder(static_cast<int>(g), 0) ? 1 : 0;
    QCOMPARE(held, 16);
    if (view.model()->has_node_utilization) {
      view.setColorMode(TopologyView::ColorMode::utilization);
      QCOMPARE(view.messageText(), QString());
      view.setTime(300);
      // A node running replicas is busy at some level; its series value is drawn.
      const int gpu = gpuIndex(view, run.replicas.front().gpus.substr(0, run.replicas.front().gpus.find(',')));
      const double value = view.model()->node_utilization(view.model()->gpus[gpu].node, 300);
      QVERIFY(value > 0 && value <= 1);
      QCOMPARE(colourDrawnAt(view, gpu), TopologyView::utilizationColor(value));
      saveShot(&view, QDir::temp().filePath(QStringLiteral("leptonsim-topology-quickstart-utilisation.png")));
      view.setColorMode(TopologyView::ColorMode::state);
    }
    saveShot(&view, QDir::temp().filePath(QStringLiteral("leptonsim-topology-quickstart.png")));
  }

  void storageRacksShowTheirDisks() {
    // 1 GPU rack of 2 nodes, then 2 storage racks x 2 storage nodes x 4 disks. Disk sr0/s0/disk1
    // fails at 100 (repaired at 400, from the failure's detail); storage node sr1/s1 is down
    // from 200 to its repair event at 300 (its 4 disks unreachable).
    auto run = tinyRun();
    QString text = scenarioText(1, 2);
    text.replace(QStringLiteral("oversubscription: 1}\n"),
                 QStringLiteral("oversubscription: 1}\n"
                                "      storage: {racks: 2, nodes_per_rack: 2, disks_per_node: 4, disk: hdd-20tb, "
                                "nic: 100Gbps}\n"));
    QVERIFY(text.contains(QStringLiteral("storage:")));
    run.overview.run.scenario_text = text.toStdString();
    run.events.insert(run.events.end() - 1,
                      {{100, "failure", "us-east/sr0/s0/disk1", R"({"failure":1,"cause":"disk","repaired_at":400})"},
                       {200, "failure", "us-east/sr1/s1", R"({"failure":2,"cause":"storage_node"})"},
                       {300, "repair", "us-east/sr1/s1", R"({"failure":2,"cause":"storage_node"})"},
                       {400, "repair", "us-east/sr0/s0/disk1", R"({"failure":1,"cause":"disk"})"}});
    TopologyView view;
    view.resize(1000, 600);
    view.show();
    load(view, run);
    const auto& model = *view.model();
    QVERIFY2(view.messageText().isEmpty(), qPrintable(view.messageText()));
    // Storage racks are racks of storage nodes, not empty GPU racks.
    QCOMPARE(model.racks.size(), std::size_t(3));
    QCOMPARE(model.storage_rack_count(), 2);
    QCOMPARE(model.nodes.size(), std::size_t(2));
    QCOMPARE(model.gpus.size(), std::size_t(16));
    QCOMPARE(model.storage_nodes.size(), std::size_t(4));
    QCOMPARE(model.disks.size(), std::size_t(16));
    QVERIFY(model.racks[1].storage && model.racks[1].nodes.empty());
    QCOMPARE(model.racks[1].storage_nodes.size(), std::size_t(2));
    QCOMPARE(view.canvas()->rackLabel(0), QStringLiteral("r0"));
    QCOMPARE(view.canvas()->rackLabel(1), QStringLiteral("sr0 storage: 2 nodes, 8 disks"));
    using DiskState = leptonsim::gui::TopologyModel::DiskState;
    auto diskIndex = [&model](const std::string& name) {
      for (std::size_t d = 0; d < model.disks.size(); ++d)
        if (model.disks[d].name == name) return static_cast<int>(d);
      return -1;
    };
    const int failedDisk = diskIndex("us-east/sr0/s0/disk1");
    const int cutOffDisk = diskIndex("us-east/sr1/s1/disk2");
    QVERIFY(failedDisk >= 0 && cutOffDisk >= 0);
    QVERIFY(view.canvas()->diskRect(failedDisk).isValid());
    QVERIFY(view.canvas()->rackRect(1).contains(view.canvas()->diskRect(failedDisk)));

    view.setTime(50);
    QCOMPARE(view.diskCount(DiskState::ok), 16);
    view.setTime(250);
    QCOMPARE(view.diskCount(DiskState::failed), 1);
    QCOMPARE(view.diskCount(DiskState::unreachable), 4);
    QCOMPARE(view.diskCount(DiskState::ok), 11);
    QVERIFY(model.storage_node_down(3, 250));
    QVERIFY(view.statusText().contains(QStringLiteral("16 disks in 4 storage nodes")));
    QVERIFY(view.storageDescription(failedDisk, -1).contains(QStringLiteral("failed")));
    QVERIFY(view.storageDescription(-1, 3).contains(QStringLiteral("down")));
    QCoreApplication::processEvents();
    const QImage image = view.canvas()->grab().toImage();
    QCOMPARE(image.pixelColor(view.canvas()->diskRect(failedDisk).center()), TopologyView::diskStateColor(DiskState::failed));
    QCOMPARE(image.pixelColor(view.canvas()->diskRect(cutOffDisk).center()),
             TopologyView::diskStateColor(DiskState::unreachable));
    // GPU failures are not disk failures: the GPUs are untouched.
    QCOMPARE(view.count(GpuState::failed), 0);
    view.setTime(350);
    QCOMPARE(view.diskCount(DiskState::unreachable), 0);
    QCOMPARE(view.diskCount(DiskState::failed), 1);
    view.setTime(450);
    QCOMPARE(view.diskCount(DiskState::ok), 16);
    // The step buttons stop at disk changes too.
    for (double t : {100.0, 200.0, 300.0, 400.0})
      QVERIFY2(std::find(model.change_times.begin(), model.change_times.end(), t) != model.change_times.end(),
               qPrintable(QString::number(t)));
    view.setTime(250);
    saveShot(&view, QDir::temp().filePath(QStringLiteral("leptonsim-topology-storage.png")));
  }

  void clearingTheRun() {
    TopologyView view;
    load(view, tinyRun());
    view.setRun(nullptr);
    QVERIFY(!view.isLoaded());
    QCOMPARE(view.count(GpuState::serving), 0);
  }
};

QTEST_MAIN(TestTopologyView)
#include "test_TopologyView.moc"
