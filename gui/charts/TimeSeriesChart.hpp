// TimeSeriesChart: one dashboard panel. Simulated time on x (h:mm:ss), curves
// from leptonsim::TimeSeries (NaN = gap), step lines for counts, SLO-style
// reference lines, event markers, a legend, time-only zoom/pan (wheel, drag;
// double-click resets), a tooltip with each curve's value at the mouse time,
// and a right-click menu to export the chart (PNG, PDF, CSV of the curves).
//
// Curves that were downsampled on load carry their source (report, run, series,
// entity): when the user zooms in far enough that the file holds more points in
// view than were loaded, the visible range is re-read at full resolution on a
// worker thread and swapped in (stale results dropped by a generation counter).
#pragma once

#include <QColor>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QVector>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <qcustomplot.h>

#include "RunResult.hpp"

namespace leptonsim::gui {

class EventMarkerItem;

enum class CurveStyle {
  Line,  // rates, latencies: straight segments between samples
  Step,  // counts: the value holds until the next sample
};

/// Where a curve was read from, so a zoomed-in range can be re-read in full.
struct CurveSource {
  std::string report_path;
  std::int64_t run_id = 0;
  std::string series;
  std::string entity;
  std::int64_t points_in_file = 0;
  double t_min = 0.0;
  double t_max = 0.0;
};

struct CurveOptions {
  QString label;                        // legend text
  QColor color = QColor(31, 119, 180);
  CurveStyle style = CurveStyle::Line;
  Qt::PenStyle pen_style = Qt::SolidLine;
  bool use_right_axis = false;          // the second value axis (another unit)
  double value_scale = 1.0;             // plotted value = stored value x scale (fraction -> %)
  QString unit;                         // unit of the plotted value, for tooltips and CSV
  QString run_label;                    // for CSV export
  QString series;                       // for CSV export
  QString entity;                       // for CSV export
  std::optional<CurveSource> source;    // set when the curve may be reloaded at full resolution
  bool break_at_gaps = true;            // no line across missing samples (steps > 1.5 x the usual step)
};

/// One curve's value at a time, as shown in the tooltip.
struct CurveValue {
  QString label;
  QString unit;
  QColor color;
  double t = 0.0;      // time of the nearest sample
  double value = 0.0;  // NaN for a gap
};

class TimeSeriesChart : public QCustomPlot {
  Q_OBJECT
 public:
  explicit TimeSeriesChart(QWidget* parent = nullptr);
  ~TimeSeriesChart() override;

  void setTitle(const QString& title);
  QString title() const;
  /// Left value axis label, with the unit ("latency (s)").
  void setValueAxisLabel(const QString& label);
  /// Right value axis label; shows the right axis.
  void setSecondValueAxisLabel(const QString& label);
  QString valueAxisLabel() const;
  /// Pins the right value axis to [lower, upper] (percentages: 0-100) instead of fitting the curves.
  void setSecondValueAxisFixedRange(double lower, double upper);
  std::optional<QCPRange> secondValueAxisFixedRange() const { return m_secondAxisFixedRange; }
  QString secondValueAxisLabel() const;

  /// Adds a curve (its points after the value scale); returns its graph.
  QCPGraph* addCurve(const leptonsim::TimeSeries& series, const CurveOptions& options);
  int curveCount() const { return static_cast<int>(m_curves.size()); }
  QCPGraph* curveGraph(int index) const;
  const CurveOptions& curveOptions(int index) const;
  /// Points currently drawn for a curve (grows when a range is reloaded in full).
  int curvePointCount(int index) const;

  /// A legend entry drawn with `pen` that stands for no curve (overlay keys: line style, run colour).
  void addLegendKey(const QString& label, const QPen& pen);
  /// Hides (or shows again) the curves' own legend entries.
  void setCurvesInLegend(bool shown);

  /// The left/right margins the axes need at the current ranges.
  QMargins automaticPlotAreaMargins();
  /// Fixes the left and right margins so plot areas of stacked charts line up.
  void setPlotAreaMargins(int left, int right);

  /// A horizontal line at `value` (already scaled like the axis) with a label.
  void addReferenceLine(double value, const QString& label, const QColor& color, bool useRightAxis = false);
  int referenceLineCount() const { return static_cast<int>(m_referenceLines.size()); }
  double referenceLineValue(int index) const;
  QString referenceLineLabel(int index) const;

  /// Vertical markers for the events whose kind is in `kinds` (all kinds when
  /// empty, except bookkeeping kinds such as run_start). `runLabel` is added to
  /// the tooltip when not empty (overlays of several runs).
  void addEventMarkers(const std::vector<leptonsim::Event>& events, const QStringList& kinds,
                       const QString& runLabel = {});
  int eventMarkerCount() const;
  int eventMarkerCount(const QString& kind) const;
  static QColor eventKindColor(const QString& kind);
  /// Kinds drawn as markers when a panel asks for "all events".
  static QStringList markerEventKinds();

  /// Shades [0, t] as the warm-up (statistics start at t); NaN or <= 0 removes it.
  void setWarmupEnd(double t);
  double warmupEnd() const { return m_warmupEnd; }

  /// Call after adding curves: fits the time axis to the data and draws.
  void finishSetup();

  QCPRange timeRange() const;
  void setTimeRange(const QCPRange& range);
  /// The range covering all curves and markers (what double-click returns to).
  QCPRange fullTimeRange() const { return m_fullTimeRange; }
  /// Overrides the range of finishSetup (a dashboard gives all charts the run's span) and shows it.
  void setFullTimeRange(const QCPRange& range);
  void resetTimeRange();

  /// Each curve's nearest sample to `t` (in curve order).
  QVector<CurveValue> valuesAt(double t) const;
  /// The mouse-over text (HTML) at time `t`, with events within `pixelTolerance` of it.
  QString tooltipTextAt(double t, double pixelTolerance = 4.0) const;
  /// Index of the point whose key is nearest to `t`; -1 when `data` is empty.
  static int nearestPointIndex(const QCPGraphDataContainer& data, double t);
  /// The usual sampling step of `times` (lower quartile of the steps); +inf with fewer than 2 times.
  static double typicalStep(const std::vector<double>& times);
  /// Plot points of `series` x `scale`, with a NaN point (a gap in the line) between neighbours
  /// more than `gapThreshold` apart; the keys of those NaN points go to `gapKeys`.
  static QVector<QCPGraphData> graphPoints(const leptonsim::TimeSeries& series, double scale, double gapThreshold,
                                           std::set<double>* gapKeys = nullptr);
  /// "1:02:03" (or "2 d 01:02:03"), negative times with a sign.
  static QString formatSimulatedTime(double seconds);

  /// Redraws soon when the chart can be seen, else when it is next painted (scrolled into view).
  void requestReplot();

  /// A thin vertical line at `t` (the time selected anywhere in the app); NaN hides it.
  void setTimeCursor(double t);
  double timeCursor() const { return m_timeCursor; }

  /// Full-resolution reload: budget per curve and per zoomed range.
  void setFullResolutionBudget(std::size_t points) { m_fullResolutionBudget = points; }
  std::size_t fullResolutionBudget() const { return m_fullResolutionBudget; }

  /// Exports; on failure false and, if given, `error` naming the file and the cause.
  bool exportPng(const QString& path, int width = 0, int height = 0, QString* error = nullptr);
  bool exportPdf(const QString& path, int width = 0, int height = 0, QString* error = nullptr);
  /// One row per point: run, series, entity, curve, unit, time_s, value.
  bool exportCsv(const QString& path, QString* error = nullptr);
  enum class ExportFormat { Png, Pdf, Csv };
  /// What the right-click menu does after the file dialog: exports, and shows a
  /// warning with the path and the cause when that fails.
  bool exportShowingErrors(ExportFormat format, const QString& path);

 Q_SIGNALS:
  /// The user clicked (pressed and released without dragging) at time `t`.
  void timeClicked(double t);
  /// A zoomed range was re-read at full resolution and swapped in.
  void fullResolutionLoaded();

 protected:
  void resizeEvent(QResizeEvent* event) override;
  void paintEvent(QPaintEvent* event) override;

 private:
  struct CurveRecord {
    QCPGraph* graph = nullptr;
    CurveOptions options;
    QSharedPointer<QCPGraphDataContainer> loaded;  // as loaded (downsampled), to return to
    double sample_step = std::numeric_limits<double>::infinity();    // the file's sampling step
    double gap_threshold = std::numeric_limits<double>::infinity();  // longer steps are drawn as gaps
    std::set<double> gap_keys;  // times of the NaN points inserted for gaps (not exported)
  };
  struct ReferenceLine {
    QCPItemStraightLine* line = nullptr;
    QCPItemText* text = nullptr;
    double value = 0.0;
    QString label;
    bool use_right_axis = false;
  };

  void onTimeRangeChanged(const QCPRange& range);
  void rescaleValueAxes();
  void updateTimeAxisFormat();
  void showTooltip(QMouseEvent* event);
  void showContextMenu(const QPoint& position);
  void reloadVisibleRangeInFull();
  void applyReloadedRange(int curveIndex, double from, double to, const leptonsim::TimeSeries& series);
  EventMarkerItem* markerItemFor(const QString& kind);
  void addLegendEntryForKind(const QString& kind, const QPen& pen);

  QCPTextElement* m_title = nullptr;
  QCPLayoutGrid* m_legendRow = nullptr;
  std::vector<CurveRecord> m_curves;
  std::vector<ReferenceLine> m_referenceLines;
  std::vector<EventMarkerItem*> m_markerItems;
  QCPItemStraightLine* m_cursorLine = nullptr;
  QCPItemRect* m_warmupRect = nullptr;
  QCPItemText* m_warmupText = nullptr;
  double m_warmupEnd = 0.0;
  double m_timeCursor = 0.0;
  QCPRange m_fullTimeRange{0.0, 1.0};
  std::optional<QCPRange> m_secondAxisFixedRange;
  bool m_replotWhenPainted = false;
  bool m_curvesHiddenForReplot = false;
  QPoint m_pressPosition;
  bool m_pressed = false;
  QTimer m_reloadTimer;
  quint64 m_reloadGeneration = 0;
  std::size_t m_fullResolutionBudget = 4000;
};

}  // namespace leptonsim::gui
