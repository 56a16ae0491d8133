// PlotCommand: the headless `leptonsim plot` (program leptonsim-plot).
//
//   leptonsim-plot REPORT -o DIR [--run ID]... [--metric M]... [--x AXIS] [--y AXIS]
//                  [--format png|pdf|both] [--size WxH]
//
// Renders the standard charts of a report to PNG and/or PDF with the GUI's own
// chart code (DashboardView, SweepCharts) on widgets that are never shown:
//  * run-<id>-dashboard: the dashboard of a run (every run of a report with at
//    most 4 runs, else the first; --run chooses);
//  * for a sweep (two or more points), per metric: metric-<m>-vs-<axis> (mean
//    over seeds with its confidence band), heatmap-<m>-<x>-<y> (two or more
//    axes), and pareto-cost.total-vs-<latency metric>.
// Each written file is printed on its own line. Exit codes: 0 done, 1 a file
// could not be written, 2 bad arguments or an unreadable report.
#pragma once

#include <QList>
#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

class QTextStream;

namespace leptonsim::gui {

struct PlotOptions {
  QString report_path;
  QString output_dir;
  QList<qint64> run_ids;  // empty: the default choice
  QStringList metrics;    // empty: cost.total, service.*.latency_p99, service.*.slo_attainment
  QString axis_x;         // empty: every axis (metric charts) / the axis with most values (heatmap)
  QString axis_y;         // line axis of metric charts, y of the heatmap
  bool png = true;
  bool pdf = true;
  QSize size{1600, 1000};
};

class PlotCommand {
 public:
  static constexpr int kExitOk = 0;
  static constexpr int kExitWriteFailed = 1;
  static constexpr int kExitUsage = 2;

  /// Parses the arguments after the program name. nullopt with `error` set on
  /// a bad command line; `helpRequested` is set for -h/--help.
  static std::optional<PlotOptions> parseArguments(const QStringList& arguments, QString* error,
                                                   bool* helpRequested = nullptr);
  /// Writes the charts; needs a QApplication. Returns the exit code.
  static int run(const PlotOptions& options, QTextStream& out, QTextStream& err);
  /// parseArguments + run, with usage on errors: what leptonsim-plot's main calls.
  static int main(const QStringList& arguments, QTextStream& out, QTextStream& err);
  static QString usage();

  /// A chart name made safe as a file name: brackets dropped or turned into
  /// '_', anything but letters, digits and . _ = - replaced by '_'.
  static QString sanitizeFileName(const QString& name);
};

}  // namespace leptonsim::gui
