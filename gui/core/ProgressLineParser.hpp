// ProgressLineParser: understands one line that `leptonsim run --progress=json`
// writes on stderr. Progress and completion arrive as JSON objects; everything
// else (validation issues, runtime errors) is plain text kept for the error log.
#pragma once

#include <QString>
#include <QStringView>

namespace leptonsim::gui {

class ProgressLineParser {
 public:
  struct Line {
    enum class Kind {
      progress,  // {"event":"progress","sim_time":..,"fraction":..,"wall_seconds":..}
      done,      // {"event":"done","report":"...","wall_seconds":..}
      text,      // anything else, kept verbatim (without the line ending)
    };
    Kind kind = Kind::text;
    double simTime = 0.0;      // simulated seconds (progress)
    double fraction = 0.0;     // 0..1 (progress; 1 for done)
    double wallSeconds = 0.0;  // seconds since the simulator started
    QString reportPath;        // done only
    QString text;              // text only
  };

  /// Parses one line (a trailing "\n" or "\r\n" is ignored). A JSON object with
  /// an unknown event or missing fields is returned as text, so nothing is lost.
  static Line parse(QStringView line);
  static Line parse(const QByteArray& utf8Line);

  /// True for a scenario validation message "file:line:col: key.path: message"
  /// (file may be "--set" for an override).
  static bool isValidationIssue(QStringView textLine);
};

}  // namespace leptonsim::gui
