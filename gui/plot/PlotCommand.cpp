#include "plot/PlotCommand.hpp"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QFontMetrics>
#include <QImage>
#include <QPageLayout>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QTextStream>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <set>

#include "ReportDataset.hpp"
#include "SweepTable.hpp"
#include "charts/DashboardView.hpp"
#include "charts/SweepCharts.hpp"

namespace leptonsim::gui {
namespace {

// Reports with at most this many runs get a dashboard per run by default.
constexpr int kDashboardAllRunsLimit = 4;
// Charts are laid out on a canvas this wide (in pixels at 96 dpi) and scaled
// to the requested size, so text keeps its proportion on large images.
constexpr double kLogicalWidth = 1000.0;

QString toQ(const std::string& text) { return QString::fromStdString(text); }

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The metrics drawn when none is asked for: the cost and each service's tail
// latency and SLO attainment.
std::vector<std::string> defaultMetrics(const leptonsim::SweepTable& table) {
  std::vector<std::string> chosen;
  for (const auto& metric : table.metrics)
    if (metric == "cost.total" ||
        (metric.rfind("service.", 0) == 0 && (endsWith(metric, ".latency_p99") || endsWith(metric, ".slo_attainment"))))
      chosen.push_back(metric);
  if (chosen.empty())  // some other kind of report: its first few metrics
    for (std::size_t i = 0; i < table.metrics.size() && i < 6; ++i) chosen.push_back(table.metrics[i]);
  return chosen;
}

std::size_t valueCount(const leptonsim::SweepTable& table, const std::string& axis) {
  return SweepCharts::axisValues(table, axis).size();
}

// Among `axes` (in table order) minus `excluded`, the one with the most (or
// fewest) values; the first on ties. Empty when none is left.
std::string pickAxis(const leptonsim::SweepTable& table, const std::vector<std::string>& excluded, bool most) {
  std::string best;
  std::size_t bestCount = 0;
  for (const auto& axis : table.axes) {
    if (std::find(excluded.begin(), excluded.end(), axis) != excluded.end()) continue;
    const std::size_t count = valueCount(table, axis);
    if (best.empty() || (most ? count > bestCount : count < bestCount)) best = axis, bestCount = count;
  }
  return best;
}

QString joinedList(const std::vector<std::string>& items, std::size_t limit = 12) {
  QStringList parts;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) parts << toQ(items[i]);
  if (items.size() > limit) parts << QStringLiteral("… (%1 in all)").arg(items.size());
  return parts.join(QStringLiteral(", "));
}

// Paints a chart with its title above and its caption below into `canvas`
// (logical pixels; the painter is already scaled).
void paintChart(QCPPainter& painter, QCustomPlot& plot, const QString& title, const QString& subtitle,
                const QString& caption, const QSizeF& canvas) {
  const int width = static_cast<int>(canvas.width());
  const int margin = 12;
  painter.fillRect(QRectF(QPointF(0, 0), canvas), Qt::white);

  QFont titleFont = plot.font();
  titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
  titleFont.setBold(true);
  QFont smallFont = plot.font();
  smallFont.setPointSizeF(smallFont.pointSizeF() * 0.95);
  const int textWidth = width - 2 * margin;

  int y = margin;
  painter.setPen(QColor(30, 30, 30));
  painter.setFont(titleFont);
  const QRect titleRect = QFontMetrics(titleFont, painter.device())
                              .boundingRect(QRect(margin, y, textWidth, 1000), Qt::TextWordWrap, title);
  painter.drawText(QRect(margin, y, textWidth, titleRect.height()), Qt::TextWordWrap, title);
  y += titleRect.height() + 2;
  if (!subtitle.isEmpty()) {
    painter.setFont(smallFont);
    painter.setPen(QColor(100, 100, 100));
    const QRect rect = QFontMetrics(smallFont, painter.device())
                           .boundingRect(QRect(margin, y, textWidth, 1000), Qt::TextWordWrap, subtitle);
    painter.drawText(QRect(margin, y, textWidth, rect.height()), Qt::TextWordWrap, subtitle);
    y += rect.height();
  }
  y += 6;

  int captionHeight = 0;
  if (!caption.isEmpty())
    captionHeight = QFontMetrics(smallFont, painter.device())
                        .boundingRect(QRect(0, 0, textWidth, 1000), Qt::TextWordWrap, caption)
                        .height();
  const int plotHeight = std::max(100, static_cast<int>(canvas.height()) - y - captionHeight - 2 * margin);
  painter.save();
  painter.translate(0, y);
  plot.toPainter(&painter, width, plotHeight);
  painter.restore();
  if (!caption.isEmpty()) {
    painter.setFont(smallFont);
    painter.setPen(QColor(85, 85, 85));
    painter.drawText(QRect(margin, y + plotHeight + margin / 2, textWidth, captionHeight), Qt::TextWordWrap, caption);
  }
}

struct ChartText {
  QString title;
  QString subtitle;
  QString caption;
};

class ChartWriter {
 public:
  ChartWriter(const PlotOptions& options, QTextStream& out, QTextStream& err)
      : options_(options), out_(out), err_(err), dir_(options.output_dir) {}

  bool failed() const { return failed_; }

  // Writes `base`.png / .pdf of a drawn plot as asked by --format.
  void writeChart(const QString& base, QCustomPlot& plot, const ChartText& text) {
    const QSize size = options_.size;
    const double scale = std::max(1.0, size.width() / kLogicalWidth);
    const QSizeF canvas(size.width() / scale, size.height() / scale);
    if (options_.png) {
      const QString path = dir_.filePath(base + QStringLiteral(".png"));
      QImage image(size, QImage::Format_ARGB32_Premultiplied);
      image.fill(Qt::white);
      {
        QCPPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        painter.scale(scale, scale);
        paintChart(painter, plot, text.title, text.subtitle, text.caption, canvas);
      }
      report(path, image.save(path, "PNG"));
    }
    if (options_.pdf) {
      const QString path = dir_.filePath(base + QStringLiteral(".pdf"));
      QPdfWriter writer(path);
      writer.setCreator(QStringLiteral("leptonsim plot"));
      writer.setTitle(text.title);
      writer.setResolution(96);
      // One page exactly the chart's size (96 px per inch, 72 points per inch).
      writer.setPageLayout(QPageLayout(QPageSize(QSizeF(size.width() * 0.75, size.height() * 0.75), QPageSize::Point),
                                       QPageLayout::Portrait, QMarginsF(0, 0, 0, 0), QPageLayout::Point));
      bool ok = false;
      {
        QCPPainter painter;
        if (painter.begin(&writer)) {
          painter.setMode(QCPPainter::pmVectorized);
          painter.setMode(QCPPainter::pmNoCaching);
          painter.scale(scale, scale);
          paintChart(painter, plot, text.title, text.subtitle, text.caption, canvas);
          ok = painter.end();
        }
      }
      report(path, ok && QFileInfo(path).size() > 0);
    }
  }

  void writeDashboard(const QString& base, DashboardView& view) {
    const int width = options_.size.width();
    const int chartHeight = std::max(200, options_.size.height() / 3);
    if (options_.png) {
      const QString path = dir_.filePath(base + QStringLiteral(".png"));
      report(path, view.renderImage(width, chartHeight).save(path, "PNG"));
    }
    if (options_.pdf) {
      const QString path = dir_.filePath(base + QStringLiteral(".pdf"));
      if (view.visiblePanelCount() == 0) {
        err_ << "leptonsim-plot: " << path << " not written: the run has no time series to chart\n";
        return;
      }
      QString error;
      const bool ok = view.exportPdf(path, 2, &error);
      if (!ok && !error.isEmpty()) err_ << "leptonsim-plot: " << error << '\n';
      report(path, ok);
    }
  }

  void note(const QString& text) { err_ << "leptonsim-plot: " << text << '\n'; }

 private:
  void report(const QString& path, bool ok) {
    if (ok) {
      out_ << path << '\n';
    } else {
      err_ << "leptonsim-plot: could not write " << path << '\n';
      failed_ = true;
    }
    out_.flush();
    err_.flush();
  }

  const PlotOptions& options_;
  QTextStream& out_;
  QTextStream& err_;
  QDir dir_;
  bool failed_ = false;
};

// A plot that is never shown, sized like the canvas the charts are laid out on.
std::unique_ptr<QCustomPlot> makePlot(const PlotOptions& options) {
  auto plot = std::make_unique<QCustomPlot>();
  const double scale = std::max(1.0, options.size.width() / kLogicalWidth);
  plot->resize(static_cast<int>(options.size.width() / scale), static_cast<int>(options.size.height() / scale));
  return plot;
}

}  // namespace

QString PlotCommand::usage() {
  return QStringLiteral(
      "usage: leptonsim-plot REPORT -o DIR [--run ID]... [--metric M]... [--x AXIS] [--y AXIS]\n"
      "                      [--format png|pdf|both] [--size WxH]\n"
      "  Renders the dashboard of runs and, for a sweep, each metric against the swept\n"
      "  parameters with 95 % confidence bands, heatmaps and the cost/latency Pareto front.\n"
      "  --run ID        dashboard of this run (repeatable; default: every run of a report\n"
      "                  with at most 4 runs, else the first)\n"
      "  --metric M      summary metric to chart (repeatable; default: cost.total and every\n"
      "                  service.*.latency_p99 and service.*.slo_attainment)\n"
      "  --x AXIS        the parameter on x (default: every swept parameter; heatmap: the one\n"
      "                  with most values)\n"
      "  --y AXIS        one line per value of AXIS in metric charts; heatmap y\n"
      "  --format F      png, pdf or both (default both)\n"
      "  --size WxH      image size in pixels (default 1600x1000)\n");
}

QString PlotCommand::sanitizeFileName(const QString& name) {
  QString safe;
  for (const QChar c : name) {
    if (c == QLatin1Char('[')) {
      safe += QLatin1Char('_');
    } else if (c == QLatin1Char(']')) {
      continue;
    } else if (c.isLetterOrNumber() && c.unicode() < 128) {
      safe += c;
    } else if (c == QLatin1Char('.') || c == QLatin1Char('_') || c == QLatin1Char('=') || c == QLatin1Char('-')) {
      safe += c;
    } else {
      safe += QLatin1Char('_');
    }
  }
  safe.replace(QRegularExpression(QStringLiteral("_{2,}")), QStringLiteral("_"));
  return safe;
}

std::optional<PlotOptions> PlotCommand::parseArguments(const QStringList& arguments, QString* error,
                                                       bool* helpRequested) {
  auto fail = [error](const QString& text) -> std::optional<PlotOptions> {
    if (error) *error = text;
    return std::nullopt;
  };
  if (helpRequested) *helpRequested = false;
  QCommandLineParser parser;
  parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
  const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QString(), QStringLiteral("DIR"));
  const QCommandLineOption run(QStringLiteral("run"), QString(), QStringLiteral("ID"));
  const QCommandLineOption metric(QStringLiteral("metric"), QString(), QStringLiteral("M"));
  const QCommandLineOption axisX(QStringLiteral("x"), QString(), QStringLiteral("AXIS"));
  const QCommandLineOption axisY(QStringLiteral("y"), QString(), QStringLiteral("AXIS"));
  const QCommandLineOption format(QStringLiteral("format"), QString(), QStringLiteral("F"));
  const QCommandLineOption size(QStringLiteral("size"), QString(), QStringLiteral("WxH"));
  const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")});
  parser.addOptions({output, run, metric, axisX, axisY, format, size, help});
  parser.addPositionalArgument(QStringLiteral("REPORT"), QString());
  if (!parser.parse(QStringList{QStringLiteral("leptonsim-plot")} + arguments)) return fail(parser.errorText());
  if (parser.isSet(help)) {
    if (helpRequested) *helpRequested = true;
    return fail(QString());
  }

  PlotOptions options;
  const QStringList positional = parser.positionalArguments();
  if (positional.size() != 1)
    return fail(positional.isEmpty() ? QStringLiteral("missing REPORT")
                                     : QStringLiteral("one REPORT expected, got %1").arg(positional.join(' ')));
  options.report_path = positional.front();
  if (!parser.isSet(output) || parser.value(output).isEmpty()) return fail(QStringLiteral("missing -o DIR"));
  options.output_dir = parser.value(output);
  for (const QString& text : parser.values(run)) {
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok) return fail(QStringLiteral("--run expects a run id (a number), got '%1'").arg(text));
    if (!options.run_ids.contains(id)) options.run_ids << id;
  }
  for (const QString& name : parser.values(metric))
    if (!options.metrics.contains(name)) options.metrics << name;
  options.axis_x = parser.value(axisX);
  options.axis_y = parser.value(axisY);
  if (parser.isSet(format)) {
    const QString value = parser.value(format).toLower();
    if (value == QStringLiteral("png")) {
      options.pdf = false;
    } else if (value == QStringLiteral("pdf")) {
      options.png = false;
    } else if (value != QStringLiteral("both")) {
      return fail(QStringLiteral("--format must be png, pdf or both, got '%1'").arg(parser.value(format)));
    }
  }
  if (parser.isSet(size)) {
    const auto match = QRegularExpression(QStringLiteral("^(\\d{1,5})[xX](\\d{1,5})$")).match(parser.value(size));
    const int width = match.hasMatch() ? match.captured(1).toInt() : 0;
    const int height = match.hasMatch() ? match.captured(2).toInt() : 0;
    if (width < 320 || height < 240 || width > 10000 || height > 10000)
      return fail(QStringLiteral("--size expects WxH between 320x240 and 10000x10000, got '%1'").arg(parser.value(size)));
    options.size = QSize(width, height);
  }
  return options;
}

int PlotCommand::main(const QStringList& arguments, QTextStream& out, QTextStream& err) {
  QString error;
  bool help = false;
  const std::optional<PlotOptions> options = parseArguments(arguments, &error, &help);
  if (help) {
    out << usage();
    return kExitOk;
  }
  if (!options) {
    err << "leptonsim-plot: " << error << '\n' << usage();
    return kExitUsage;
  }
  return run(*options, out, err);
}

int PlotCommand::run(const PlotOptions& options, QTextStream& out, QTextStream& err) {
  auto usageError = [&err](const QString& text) {
    err << "leptonsim-plot: " << text << '\n';
    err.flush();
    return kExitUsage;
  };
  const QFileInfo reportFile(options.report_path);
  if (!reportFile.exists()) return usageError(QStringLiteral("report %1 does not exist").arg(options.report_path));
  if (!reportFile.isFile() || !reportFile.isReadable())
    return usageError(QStringLiteral("report %1 is not a readable file").arg(options.report_path));

  leptonsim::ReportOverview report;
  leptonsim::SweepTable table;
  try {
    report = leptonsim::read_report_overview(options.report_path.toStdString());
    table = leptonsim::build_sweep_table(report);
  } catch (const std::exception& failure) {
    return usageError(QStringLiteral("cannot read report %1: %2").arg(options.report_path, QString::fromUtf8(failure.what())));
  }

  // Check every choice before writing anything.
  std::vector<std::int64_t> runIds;
  std::vector<std::string> allRunIds;
  for (const auto& run : report.runs) allRunIds.push_back(std::to_string(run.run_id));
  for (qint64 id : options.run_ids) {
    if (std::none_of(report.runs.begin(), report.runs.end(), [id](const auto& run) { return run.run_id == id; }))
      return usageError(QStringLiteral("unknown run %1 in %2 (its runs: %3)")
                            .arg(id)
                            .arg(options.report_path, allRunIds.empty() ? QStringLiteral("none") : joinedList(allRunIds)));
    runIds.push_back(id);
  }
  if (options.run_ids.isEmpty() && !report.runs.empty()) {
    if (report.runs.size() <= kDashboardAllRunsLimit)
      for (const auto& run : report.runs) runIds.push_back(run.run_id);
    else
      runIds.push_back(report.runs.front().run_id);
  }
  std::vector<std::string> metrics;
  for (const QString& name : options.metrics) {
    const std::string metric = name.toStdString();
    if (std::find(table.metrics.begin(), table.metrics.end(), metric) == table.metrics.end())
      return usageError(QStringLiteral("unknown metric %1 (the report has: %2)")
                            .arg(name, table.metrics.empty() ? QStringLiteral("no summary metrics")
                                                             : joinedList(table.metrics, 40)));
    metrics.push_back(metric);
  }
  if (metrics.empty()) metrics = defaultMetrics(table);
  for (const QString& axis : {options.axis_x, options.axis_y}) {
    if (axis.isEmpty()) continue;
    if (std::find(table.axes.begin(), table.axes.end(), axis.toStdString()) == table.axes.end())
      return usageError(QStringLiteral("unknown axis %1 (%2)")
                            .arg(axis, table.axes.empty() ? QStringLiteral("the report has no swept parameters")
                                                          : QStringLiteral("swept parameters: ") + joinedList(table.axes)));
  }

  if (!QDir().mkpath(options.output_dir)) {
    err << "leptonsim-plot: cannot create the output directory " << options.output_dir << '\n';
    return kExitWriteFailed;
  }
  ChartWriter writer(options, out, err);
  if (report.runs.empty()) writer.note(QStringLiteral("%1 holds no runs: nothing to plot").arg(options.report_path));

  for (std::int64_t id : runIds) {
    std::shared_ptr<const leptonsim::RunDataset> dataset;
    try {
      dataset = std::make_shared<const leptonsim::RunDataset>(
          leptonsim::load_run_dataset(options.report_path.toStdString(), id));
    } catch (const std::exception& failure) {
      writer.note(QStringLiteral("cannot load run %1: %2").arg(id).arg(QString::fromUtf8(failure.what())));
      return kExitUsage;
    }
    DashboardView view;  // never shown
    view.resize(options.size);
    view.setRuns({dataset});
    writer.writeDashboard(QStringLiteral("run-%1-dashboard").arg(id), view);
  }

  // Sweep charts need at least two points to compare.
  if (table.points.size() < 2 || table.axes.empty()) {
    if (!options.metrics.isEmpty() || !options.axis_x.isEmpty())
      writer.note(QStringLiteral("%1 holds a single configuration: no sweep charts").arg(options.report_path));
    return writer.failed() ? kExitWriteFailed : kExitOk;
  }
  const QString reportName = reportFile.fileName();
  const QString sweepText = QStringLiteral("%1 — %2 points, %3 runs")
                                .arg(reportName)
                                .arg(table.points.size())
                                .arg(report.runs.size());
  const std::string chosenX = options.axis_x.toStdString();
  const std::string chosenY = options.axis_y.toStdString();

  // Metric against each axis (or the chosen one), one line per value of the
  // chosen --y or else of the other axis with the fewest values; axes beyond
  // those two stay at their first value.
  std::vector<std::string> xAxes = chosenX.empty() ? table.axes : std::vector<std::string>{chosenX};
  for (const auto& metric : metrics) {
    for (const auto& axis : xAxes) {
      MetricVsAxisChart chart{metric, axis, {}, {}};
      chart.line_axis = !chosenY.empty() && chosenY != axis ? chosenY : pickAxis(table, {axis}, false);
      for (const auto& other : table.axes)
        if (other != axis && other != chart.line_axis) chart.fixed[other] = SweepCharts::axisValues(table, other).front();
      auto plot = makePlot(options);
      SweepCharts::placeLegendBelow(plot.get(), 4);
      const SweepChartResult result = SweepCharts::drawMetricVsAxis(plot.get(), table, chart);
      if (!result.drawn()) {
        writer.note(QStringLiteral("no chart of %1 against %2: %3").arg(toQ(metric), toQ(axis), result.message));
        continue;
      }
      writer.writeChart(sanitizeFileName(QStringLiteral("metric-%1-vs-%2").arg(toQ(metric), toQ(axis))), *plot,
                        {QStringLiteral("%1 vs %2").arg(SweepCharts::metricTitle(table, metric), toQ(axis)), sweepText,
                         result.caption});
    }
  }

  // Heatmaps over the two axes with the most values (or the chosen ones); the rest averaged.
  if (table.axes.size() >= 2) {
    const std::string heatX = !chosenX.empty() ? chosenX : pickAxis(table, {chosenY}, true);
    const std::string heatY = !chosenY.empty() && chosenY != heatX ? chosenY : pickAxis(table, {heatX}, true);
    for (const auto& metric : metrics) {
      auto plot = makePlot(options);
      const SweepChartResult result = SweepCharts::drawHeatmap(plot.get(), table, {metric, heatX, heatY, {}});
      if (!result.drawn()) {
        writer.note(QStringLiteral("no heatmap of %1: %2").arg(toQ(metric), result.message));
        continue;
      }
      writer.writeChart(
          sanitizeFileName(QStringLiteral("heatmap-%1-%2-%3").arg(toQ(metric), toQ(heatX), toQ(heatY))), *plot,
          {QStringLiteral("%1 over %2 × %3").arg(SweepCharts::metricTitle(table, metric), toQ(heatX), toQ(heatY)),
           sweepText, result.caption});
    }
  }

  // Pareto front of the cost against each chosen tail latency (or the first one of the report).
  // A fixed cluster costs the same at every point; then the service's own cost
  // (its GPU-hours) is what the sweep trades against latency.
  const auto hasMetric = [&](const std::string& metric) {
    return std::find(table.metrics.begin(), table.metrics.end(), metric) != table.metrics.end();
  };
  const auto varies = [&](const std::string& metric) {
    std::optional<double> first;
    for (const auto& point : table.points) {
      const auto found = point.metrics.find(metric);
      if (found == point.metrics.end() || found->second.n == 0) continue;
      if (!first) first = found->second.mean;
      else if (found->second.mean != *first) return true;
    }
    return false;
  };
  const auto costFor = [&](const std::string& latency) {
    const std::string service_cost = latency.substr(0, latency.size() - std::string("latency_p99").size()) + "cost";
    if (hasMetric("cost.total") && !varies("cost.total") && latency.rfind("service.", 0) == 0 &&
        hasMetric(service_cost) && varies(service_cost))
      return service_cost;
    return std::string("cost.total");
  };
  std::vector<std::string> latencies;
  for (const auto& metric : metrics)
    if (endsWith(metric, ".latency_p99")) latencies.push_back(metric);
  if (latencies.empty())
    for (const auto& metric : table.metrics)
      if (endsWith(metric, ".latency_p99")) {
        latencies.push_back(metric);
        break;
      }
  if (!hasMetric("cost.total") || latencies.empty()) {
    writer.note(QStringLiteral("no Pareto front: it needs cost.total and a *.latency_p99 metric"));
  } else {
    for (const auto& latency : latencies) {
      const std::string cost = costFor(latency);
      auto plot = makePlot(options);
      SweepCharts::placeLegendBelow(plot.get(), 0);
      const SweepChartResult result = SweepCharts::drawParetoFront(plot.get(), table, {cost, latency, true});
      if (!result.drawn()) {
        writer.note(QStringLiteral("no Pareto front of %1: %2").arg(toQ(latency), result.message));
        continue;
      }
      writer.writeChart(sanitizeFileName(QStringLiteral("pareto-%1-vs-%2").arg(toQ(cost), toQ(latency))), *plot,
                        {QStringLiteral("Pareto front: %1 vs %2")
                             .arg(SweepCharts::metricTitle(table, cost), SweepCharts::metricTitle(table, latency)),
                         sweepText, result.caption});
    }
  }
  return writer.failed() ? kExitWriteFailed : kExitOk;
}

}  // namespace leptonsim::gui
