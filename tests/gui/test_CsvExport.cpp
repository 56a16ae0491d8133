// CsvExport: RFC 4180 escaping, header from headerData, atomic file writes.
#include <QFile>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QtTest>

#include "charts/CsvExport.hpp"

using leptonsim::gui::CsvExport;

class CsvExportTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void escapesOnlyFieldsThatNeedIt();
  void writesHeaderAndRowsWithCrLf();
  void keepsFullDoublePrecision();
  void writesFileAndReplacesOldContent();
  void failsWithMessageForUnwritablePath();
};

void CsvExportTest::escapesOnlyFieldsThatNeedIt() {
  QCOMPARE(CsvExport::escapeField(QStringLiteral("plain text")), QStringLiteral("plain text"));
  QCOMPARE(CsvExport::escapeField(QString()), QString());
  QCOMPARE(CsvExport::escapeField(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
  QCOMPARE(CsvExport::escapeField(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
  QCOMPARE(CsvExport::escapeField(QStringLiteral("two\nlines")), QStringLiteral("\"two\nlines\""));
  QCOMPARE(CsvExport::escapeField(QStringLiteral("cr\rhere")), QStringLiteral("\"cr\rhere\""));
  QCOMPARE(CsvExport::escapeField(QStringLiteral("\"")), QStringLiteral("\"\"\"\""));
  QCOMPARE(CsvExport::escapeField(QStringLiteral("p99 ± 0.1 (n=3)")), QStringLiteral("p99 ± 0.1 (n=3)"));
}

void CsvExportTest::writesHeaderAndRowsWithCrLf() {
  QStandardItemModel model(2, 3);
  model.setHorizontalHeaderLabels({QStringLiteral("metric"), QStringLiteral("a, b"), QStringLiteral("note")});
  model.setItem(0, 0, new QStandardItem(QStringLiteral("latency")));
  model.setItem(0, 1, new QStandardItem(QStringLiteral("1.5")));
  model.setItem(0, 2, new QStandardItem(QStringLiteral("he said \"fast\"")));
  model.setItem(1, 0, new QStandardItem(QStringLiteral("cost")));
  model.setItem(1, 2, new QStandardItem(QStringLiteral("line 1\nline 2")));
  const QString csv = CsvExport::toCsv(model);
  QCOMPARE(csv, QStringLiteral("metric,\"a, b\",note\r\n"
                               "latency,1.5,\"he said \"\"fast\"\"\"\r\n"
                               "cost,,\"line 1\nline 2\"\r\n"));
}

void CsvExportTest::keepsFullDoublePrecision() {
  QStandardItemModel model(1, 1);
  model.setHorizontalHeaderLabels({QStringLiteral("value")});
  auto* item = new QStandardItem;
  item->setData(0.1 + 0.2, Qt::DisplayRole);
  model.setItem(0, 0, item);
  const QString csv = CsvExport::toCsv(model);
  const QString field = csv.split(QStringLiteral("\r\n")).at(1);
  QCOMPARE(field.toDouble(), 0.1 + 0.2);
}

void CsvExportTest::writesFileAndReplacesOldContent() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const QString path = dir.filePath(QStringLiteral("table.csv"));
  {
    QFile old(path);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("old content that is longer than the new one\r\n\r\n\r\n");
  }
  QStandardItemModel model(1, 2);
  model.setHorizontalHeaderLabels({QStringLiteral("x"), QStringLiteral("y")});
  model.setItem(0, 0, new QStandardItem(QStringLiteral("é")));
  model.setItem(0, 1, new QStandardItem(QStringLiteral("2")));
  QString error;
  QVERIFY2(CsvExport::writeFile(model, path, &error), qPrintable(error));
  QFile file(path);
  QVERIFY(file.open(QIODevice::ReadOnly));
  QCOMPARE(QString::fromUtf8(file.readAll()), QStringLiteral("x,y\r\né,2\r\n"));
  // No temporary file is left next to it.
  QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("table.csv")});
}

void CsvExportTest::failsWithMessageForUnwritablePath() {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("no/such/folder/table.csv"));
  QStandardItemModel model(0, 1);
  QString error;
  QVERIFY(!CsvExport::writeFile(model, path, &error));
  QVERIFY2(error.contains(path), qPrintable(error));
  QVERIFY(!QFile::exists(path));
}

QTEST_MAIN(CsvExportTest)
#include "test_CsvExport.moc"
