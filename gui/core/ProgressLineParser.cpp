#include "core/ProgressLineParser.hpp"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QRegularExpression>

namespace leptonsim::gui {

namespace {

using Line = ProgressLineParser::Line;

Line textLine(QStringView line) {
  Line result;
  result.kind = Line::Kind::text;
  result.text = line.toString();
  return result;
}

bool readNumber(const QJsonObject& object, const char* key, double& out) {
  const QJsonValue value = object.value(QLatin1String(key));
  if (!value.isDouble()) return false;
  out = value.toDouble();
  return true;
}

}  // namespace

ProgressLineParser::Line ProgressLineParser::parse(QStringView line) {
  while (!line.isEmpty() && (line.back() == u'\n' || line.back() == u'\r')) line.chop(1);
  const QStringView trimmed = line.trimmed();
  if (!trimmed.startsWith(u'{')) return textLine(line);

  QJsonParseError error{};
  const QJsonDocument document = QJsonDocument::fromJson(trimmed.toUtf8(), &error);
  if (error.error != QJsonParseError::NoError || !document.isObject()) return textLine(line);
  const QJsonObject object = document.object();
  const QString event = object.value(QLatin1String("event")).toString();

  Line result;
  if (event == QLatin1String("progress")) {
    if (!readNumber(object, "fraction", result.fraction) || !readNumber(object, "sim_time", result.simTime))
      return textLine(line);
    readNumber(object, "wall_seconds", result.wallSeconds);
    result.kind = Line::Kind::progress;
    return result;
  }
  if (event == QLatin1String("done")) {
    const QJsonValue report = object.value(QLatin1String("report"));
    if (!report.isString()) return textLine(line);
    result.kind = Line::Kind::done;
    result.reportPath = report.toString();
    result.fraction = 1.0;
    readNumber(object, "wall_seconds", result.wallSeconds);
    return result;
  }
  return textLine(line);
}

ProgressLineParser::Line ProgressLineParser::parse(const QByteArray& utf8Line) {
  return parse(QString::fromUtf8(utf8Line));
}

bool ProgressLineParser::isValidationIssue(QStringView textLine) {
  // The file name may itself contain ':' (Windows drive letters), so anchor on
  // the last ":line:col: " group.
  static const QRegularExpression pattern(QStringLiteral("^.+:\\d+:\\d+: \\S.*$"));
  return pattern.match(textLine.toString()).hasMatch();
}

}  // namespace leptonsim::gui
