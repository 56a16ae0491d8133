// ProgressLineParser: the stderr lines of `leptonsim run --progress=json`.
#include "core/ProgressLineParser.hpp"

#include <QtTest>

using leptonsim::gui::ProgressLineParser;
using Kind = ProgressLineParser::Line::Kind;

class TestProgressLineParser : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void progressLine() {
    const auto line = ProgressLineParser::parse(
        QByteArray(R"({"event":"progress","fraction":0.25,"sim_time":150.0,"wall_seconds":0.5})" "\n"));
    QCOMPARE(line.kind, Kind::progress);
    QCOMPARE(line.fraction, 0.25);
    QCOMPARE(line.simTime, 150.0);
    QCOMPARE(line.wallSeconds, 0.5);
  }

  void progressWithoutWallSecondsIsStillProgress() {
    const auto line = ProgressLineParser::parse(u"{\"event\":\"progress\",\"fraction\":1,\"sim_time\":3600}\r\n");
    QCOMPARE(line.kind, Kind::progress);
    QCOMPARE(line.fraction, 1.0);
    QCOMPARE(line.simTime, 3600.0);
  }

  void doneLine() {
    const auto line =
        ProgressLineParser::parse(QByteArray(R"({"event":"done","report":"/tmp/a b.db","wall_seconds":2.5})"));
    QCOMPARE(line.kind, Kind::done);
    QCOMPARE(line.reportPath, QStringLiteral("/tmp/a b.db"));
    QCOMPARE(line.wallSeconds, 2.5);
    QCOMPARE(line.fraction, 1.0);
  }

  void plainTextIsKeptVerbatim() {
    const auto line = ProgressLineParser::parse(QByteArray("leptonsim: error: disk full\n"));
    QCOMPARE(line.kind, Kind::text);
    QCOMPARE(line.text, QStringLiteral("leptonsim: error: disk full"));
  }

  void brokenOrUnknownJsonIsText_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("truncated") << QByteArray(R"({"event":"progress","fraction":0.)");
    QTest::newRow("unknown event") << QByteArray(R"({"event":"hello","fraction":0.5,"sim_time":1})");
    QTest::newRow("no event") << QByteArray(R"({"fraction":0.5,"sim_time":1})");
    QTest::newRow("fraction is a string") << QByteArray(R"({"event":"progress","fraction":"half","sim_time":1})");
    QTest::newRow("done without report") << QByteArray(R"({"event":"done","wall_seconds":1})");
    QTest::newRow("array") << QByteArray(R"([1,2,3])");
  }
  void brokenOrUnknownJsonIsText() {
    QFETCH(QByteArray, input);
    const auto line = ProgressLineParser::parse(input);
    QCOMPARE(line.kind, Kind::text);
    QCOMPARE(line.text, QString::fromUtf8(input));
  }

  void emptyLineIsEmptyText() {
    const auto line = ProgressLineParser::parse(QByteArray("\n"));
    QCOMPARE(line.kind, Kind::text);
    QVERIFY(line.text.isEmpty());
  }

  void validationIssues() {
    QVERIFY(ProgressLineParser::isValidationIssue(
        u"/tmp/s.yaml:2:1: duraton: unknown key `duraton`; did you mean `duration`?"));
    QVERIFY(ProgressLineParser::isValidationIssue(u"--set:1:10: services[0].replicas: expected an integer"));
    QVERIFY(ProgressLineParser::isValidationIssue(u"C:/x/s.yaml:12:7: seed: must be >= 0"));
    QVERIFY(!ProgressLineParser::isValidationIssue(u"2 errors in the scenario; nothing was run."));
    QVERIFY(!ProgressLineParser::isValidationIssue(u"leptonsim: error: cannot open x"));
    QVERIFY(!ProgressLineParser::isValidationIssue(u""));
  }
};

QTEST_GUILESS_MAIN(TestProgressLineParser)
#include "test_ProgressLineParser.moc"
