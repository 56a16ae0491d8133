#include "charts/CsvExport.hpp"

#include <QAbstractItemModel>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStringList>

namespace leptonsim::gui {

namespace {

const QString kLineEnd = QStringLiteral("\r\n");

QString cellText(const QVariant& value) {
  if (!value.isValid()) return {};
  // Doubles keep full precision so the CSV can be read back exactly.
  if (value.typeId() == QMetaType::Double) return QString::number(value.toDouble(), 'g', 17);
  if (value.typeId() == QMetaType::Float) return QString::number(value.toFloat(), 'g', 9);
  return value.toString();
}

}  // namespace

QString CsvExport::escapeField(const QString& field) {
  const bool needsQuotes = field.contains(QLatin1Char(',')) || field.contains(QLatin1Char('"')) ||
                           field.contains(QLatin1Char('\n')) || field.contains(QLatin1Char('\r'));
  if (!needsQuotes) return field;
  QString quoted = field;
  quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
  return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString CsvExport::toCsv(const QAbstractItemModel& model, int role) {
  QString csv;
  const int columns = model.columnCount();
  QStringList fields;
  fields.reserve(columns);
  for (int column = 0; column < columns; ++column)
    fields << escapeField(cellText(model.headerData(column, Qt::Horizontal, Qt::DisplayRole)));
  csv += fields.join(QLatin1Char(',')) + kLineEnd;
  const int rows = model.rowCount();
  for (int row = 0; row < rows; ++row) {
    fields.clear();
    for (int column = 0; column < columns; ++column)
      fields << escapeField(cellText(model.data(model.index(row, column), role)));
    csv += fields.join(QLatin1Char(',')) + kLineEnd;
  }
  return csv;
}

bool CsvExport::writeFile(const QAbstractItemModel& model, const QString& path, QString* error, int role) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) {
    if (error) *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return false;
  }
  const QByteArray bytes = toCsv(model, role).toUtf8();
  if (file.write(bytes) != bytes.size() || !file.commit()) {
    if (error) *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    file.cancelWriting();
    return false;
  }
  return true;
}

QString CsvExport::writeFailureMessage(const QString& path) {
  const QFileInfo info(path);
  QString reason;
  if (!info.absoluteDir().exists()) {
    reason = QStringLiteral("the folder %1 does not exist").arg(info.absolutePath());
  } else if (info.isDir()) {
    reason = QStringLiteral("it is a folder");
  } else {
    // Append mode neither truncates an existing file nor keeps one we created.
    const bool existed = info.exists();
    QFile probe(path);
    if (!probe.open(QIODevice::Append)) {
      reason = probe.errorString();
    } else {
      probe.close();
      if (!existed) QFile::remove(path);
      reason = QStringLiteral("the file could not be written (unsupported type or disk full?)");
    }
  }
  return QStringLiteral("cannot write %1: %2").arg(path, reason);
}

}  // namespace leptonsim::gui
