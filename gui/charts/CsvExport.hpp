// CsvExport: writes any item model as RFC 4180 CSV (header row from the
// horizontal headerData, CRLF line ends, fields with quotes, commas or line
// breaks quoted), atomically through QSaveFile so a failed write never leaves
// half a file under the final name.
#pragma once

#include <QString>

class QAbstractItemModel;

namespace leptonsim::gui {

class CsvExport {
 public:
  /// One field, quoted when it contains a comma, a double quote, CR or LF.
  static QString escapeField(const QString& field);

  /// Header row plus one row per top-level model row, `role` data as text.
  static QString toCsv(const QAbstractItemModel& model, int role = Qt::DisplayRole);

  /// Writes toCsv(model) to `path` as UTF-8. On failure returns false and, if
  /// given, fills `error` with a message naming the file.
  static bool writeFile(const QAbstractItemModel& model, const QString& path, QString* error = nullptr,
                        int role = Qt::DisplayRole);

  /// Why writing `path` failed, for writers that only say yes or no (images, PDF):
  /// "cannot write <path>: the folder ... does not exist" or the file system's reason.
  static QString writeFailureMessage(const QString& path);
};

}  // namespace leptonsim::gui
