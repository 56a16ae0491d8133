// ScenarioEditor: open, form edits with comments intact, validation as you type
// (debounced, off the UI thread, stale answers dropped), problems listed and
// underlined, save / save as.
#include "editor/ScenarioEditor.hpp"
#include "editor/ScenarioForm.hpp"
#include "editor/YamlHighlighter.hpp"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QtTest>

using namespace leptonsim::gui;

namespace {

const QString quickstartPath = QStringLiteral(LEPTONSIM_SOURCE_DIR "/scenarios/quickstart.yaml");

QString readFile(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return QString();
  return QString::fromUtf8(file.readAll());
}

QStringList commentLines(const QString& text) {
  QStringList comments;
  for (const QString& line : text.split('\n'))
    if (line.trimmed().startsWith('#')) comments << line;
  return comments;
}

// 1-based number of the first line of `text` that contains `needle`.
int lineOf(const QString& text, const QString& needle) {
  const QStringList lines = text.split('\n');
  for (int i = 0; i < lines.size(); ++i)
    if (lines[i].contains(needle)) return i + 1;
  return 0;
}

// Inserts `line` (with its newline) after the first line containing `after`, as typing would.
void insertLineAfter(QPlainTextEdit* edit, const QString& after, const QString& line) {
  const QTextBlock block = edit->document()->findBlockByNumber(lineOf(edit->toPlainText(), after) - 1);
  QTextCursor cursor(block);
  cursor.movePosition(QTextCursor::EndOfBlock);
  cursor.insertText("\n" + line);
}

// The colour the highlighter gave the character at `position` of `block` (invalid when none).
QColor colourAt(const QTextBlock& block, int position) {
  for (const QTextLayout::FormatRange& range : block.layout()->formats())
    if (position >= range.start && position < range.start + range.length) return range.format.foreground().color();
  return QColor();
}

}  // namespace

class TestScenarioEditor : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void opensAValidScenario() {
    ScenarioEditor editor;
    QSignalSpy finished(&editor, &ScenarioEditor::validationFinished);
    QSignalSpy pathChanged(&editor, &ScenarioEditor::filePathChanged);
    QVERIFY(editor.openFile(quickstartPath));
    QCOMPARE(editor.text(), readFile(quickstartPath));
    QCOMPARE(editor.filePath(), QFileInfo(quickstartPath).absoluteFilePath());
    QCOMPARE(pathChanged.count(), 1);
    QVERIFY(!editor.isModified());
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.last().at(0).toInt(), 0);
    QVERIFY(editor.isValid());
    QVERIFY(editor.issues().isEmpty());
    QCOMPARE(editor.statusText(), QString("valid: 1 site, 64 GPUs, 1 service"));
    QVERIFY(!editor.openFile("/nonexistent/scenario.yaml"));
    QVERIFY(!editor.lastError().isEmpty());
  }

  void formEditKeepsCommentsCursorAndValidity() {
    ScenarioEditor editor;
    QSignalSpy finished(&editor, &ScenarioEditor::validationFinished);
    QSignalSpy modified(&editor, &ScenarioEditor::modificationChanged);
    QVERIFY(editor.openFile(quickstartPath));
    QVERIFY(finished.wait(5000));
    const QString original = editor.text();

    // The user's cursor sits in the load_balancer line, below the knob's line.
    QPlainTextEdit* text = editor.textEdit();
    QTextCursor cursor(text->document()->findBlockByNumber(lineOf(original, "load_balancer") - 1));
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor, 6);
    text->setTextCursor(cursor);

    auto* replicas = qobject_cast<QSpinBox*>(editor.form()->knobWidget("services[0].replicas"));
    QVERIFY(replicas);
    replicas->setValue(12);
    QString expected = original;
    expected.replace("    replicas: 8\n", "    replicas: 12\n");
    QCOMPARE(editor.text(), expected);
    QCOMPARE(commentLines(editor.text()), commentLines(original));
    QVERIFY(editor.isModified());
    QCOMPARE(modified.count(), 1);
    QCOMPARE(modified.last().at(0).toBool(), true);
    // The cursor is still on the same text.
    QCOMPARE(text->textCursor().block().text(), QString("    load_balancer: {policy: least_outstanding}"));
    QCOMPARE(text->textCursor().positionInBlock(), 6);
    // One undo step brings the old value back.
    text->undo();
    QCOMPARE(editor.text(), original);
    text->redo();
    QCOMPARE(editor.text(), expected);

    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.last().at(0).toInt(), 0);
    QVERIFY(editor.isValid());
  }

  void badKeyIsReportedAfterThePauseAndClearedWhenFixed() {
    ScenarioEditor editor;
    QSignalSpy finished(&editor, &ScenarioEditor::validationFinished);
    QVERIFY(editor.openFile(quickstartPath));
    QVERIFY(finished.wait(5000));
    finished.clear();

    QElapsedTimer sinceTyping;
    sinceTyping.start();
    insertLineAfter(editor.textEdit(), "replicas: 8", "    replicaz: 3");
    const int badLine = lineOf(editor.text(), "replicaz");
    QVERIFY(badLine > 0);
    // Nothing before the pause (300 ms) has passed.
    QTest::qWait(150);
    if (sinceTyping.elapsed() < 280) QCOMPARE(finished.count(), 0);
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.last().at(0).toInt(), 1);
    QVERIFY(!editor.isValid());
    QCOMPARE(editor.issues().size(), 1);
    const QString issue = editor.issues().first();
    QVERIFY2(issue.startsWith(QStringLiteral("%1:5 services[0].replicaz: ").arg(badLine)), qPrintable(issue));
    QVERIFY2(issue.contains("replicas"), qPrintable(issue));  // the suggestion
    QCOMPARE(editor.issueList()->count(), 1);
    QCOMPARE(editor.issueList()->item(0)->text(), issue);
    QCOMPARE(editor.statusText(), QString("1 problem"));

    // Underlined in the text, on that line.
    const QList<QTextEdit::ExtraSelection> selections = editor.textEdit()->extraSelections();
    QCOMPARE(selections.size(), 1);
    QCOMPARE(selections.first().cursor.blockNumber() + 1, badLine);
    QCOMPARE(selections.first().cursor.selectedText(), QString("replicaz: 3"));
    QCOMPARE(selections.first().format.underlineStyle(), QTextCharFormat::WaveUnderline);
    QVERIFY(selections.first().format.toolTip().contains("replicas"));

    // Clicking the problem moves the cursor there.
    editor.textEdit()->moveCursor(QTextCursor::Start);
    editor.goToIssue(0);
    QCOMPARE(editor.textEdit()->textCursor().blockNumber() + 1, badLine);
    QCOMPARE(editor.textEdit()->textCursor().positionInBlock(), 4);

    // Fix it (remove the line): the problem goes away.
    QTextCursor remove(editor.textEdit()->document()->findBlockByNumber(badLine - 1));
    remove.select(QTextCursor::BlockUnderCursor);
    remove.removeSelectedText();
    QCOMPARE(editor.text(), readFile(quickstartPath));
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.last().at(0).toInt(), 0);
    QVERIFY(editor.isValid());
    QCOMPARE(editor.issueList()->count(), 0);
    QVERIFY(editor.textEdit()->extraSelections().isEmpty());
  }

  void policyParametersAreCheckedAgainstTheRegistry() {
    // The loader leaves policy parameters to the start of a run; the editor checks them as you type.
    ScenarioEditor editor;
    QSignalSpy finished(&editor, &ScenarioEditor::validationFinished);
    const QString path = QStringLiteral(LEPTONSIM_SOURCE_DIR "/scenarios/diurnal-chat-hpa.yaml");
    QVERIFY(editor.openFile(path));
    QVERIFY(finished.wait(5000));
    QVERIFY(editor.isValid());
    QString text = editor.text();
    text.replace("max_replicas: 40}", "max_replicas: 40, warp_factor: 9}");
    text.replace("{policy: least_outstanding}", "{policy: least_outstandin}");
    editor.setText(text);
    QVERIFY(finished.wait(5000));
    const QString issues = editor.issues().join('\n');
    QCOMPARE(editor.issues().size(), 2);
    QVERIFY2(issues.contains(QStringLiteral("%1:").arg(lineOf(text, "warp_factor")) +
                             QString::number(text.split('\n')[lineOf(text, "warp_factor") - 1].indexOf("9") + 1) +
                             " services[0].autoscaler.warp_factor: "),
             qPrintable(issues));
    QVERIFY2(issues.contains("services[0].load_balancer.policy: "), qPrintable(issues));
    QVERIFY2(issues.contains("least_outstanding"), qPrintable(issues));  // the suggestion
  }

  void staleValidationResultsAreDropped() {
    const QString good = readFile(quickstartPath);
    QString bad = good;
    bad.replace("racks: 2", "racks: -2");
    ScenarioEditor editor;
    QSignalSpy finished(&editor, &ScenarioEditor::validationFinished);
    QVERIFY(finished.wait(5000));  // the empty text at start
    finished.clear();

    // An older (bad) check still running when a newer (good) one starts must not win.
    editor.setText(bad);
    editor.validateNow();
    editor.setText(good);
    editor.validateNow();
    QVERIFY(finished.wait(5000));
    QTest::qWait(400);  // would deliver the stale answer, had it not been dropped
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(0).toInt(), 0);
    QVERIFY(editor.isValid());

    // The other way round.
    finished.clear();
    editor.setText(good);
    editor.validateNow();
    editor.setText(bad);
    editor.validateNow();
    QVERIFY(finished.wait(5000));
    QTest::qWait(400);
    QCOMPARE(finished.count(), 1);
    QVERIFY(finished.first().at(0).toInt() > 0);
    QVERIFY(!editor.isValid());
    QVERIFY(editor.issues().join('\n').contains("platform.sites[0].racks"));

    // Typing fast: many changes, one check after the last.
    editor.setValidationDelay(1000);
    finished.clear();
    for (int i = 0; i < 5; ++i) {
      editor.textEdit()->moveCursor(QTextCursor::End);
      editor.textEdit()->insertPlainText("# typing\n");
      QTest::qWait(50);
    }
    QVERIFY(finished.wait(5000));
    QTest::qWait(400);
    QCOMPARE(finished.count(), 1);
  }

  void saveAndSaveAsRoundTrip() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ScenarioEditor editor;
    QVERIFY(!editor.save());  // no file yet
    QVERIFY(!editor.lastError().isEmpty());
    QVERIFY(editor.openFile(quickstartPath));
    QSignalSpy pathChanged(&editor, &ScenarioEditor::filePathChanged);
    QSignalSpy modified(&editor, &ScenarioEditor::modificationChanged);

    const QString copy = dir.filePath("copy.yaml");
    auto* replicas = qobject_cast<QSpinBox*>(editor.form()->knobWidget("services[0].replicas"));
    replicas->setValue(10);
    QVERIFY(editor.isModified());
    QVERIFY(editor.saveAs(copy));
    QCOMPARE(editor.filePath(), QFileInfo(copy).absoluteFilePath());
    QCOMPARE(pathChanged.count(), 1);
    QCOMPARE(pathChanged.last().at(0).toString(), editor.filePath());
    QVERIFY(!editor.isModified());
    QCOMPARE(modified.last().at(0).toBool(), false);
    QCOMPARE(readFile(copy), editor.text());
    QVERIFY(readFile(copy).contains("replicas: 10"));
    QCOMPARE(readFile(quickstartPath).contains("replicas: 10"), false);  // the original is untouched

    replicas->setValue(11);
    QVERIFY(editor.isModified());
    QVERIFY(editor.save());
    QVERIFY(!editor.isModified());
    QCOMPARE(readFile(copy), editor.text());
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"copy.yaml"});  // no temporary files left

    ScenarioEditor reopened;
    QVERIFY(reopened.openFile(copy));
    QCOMPARE(reopened.text(), editor.text());
    QCOMPARE(qobject_cast<QSpinBox*>(reopened.form()->knobWidget("services[0].replicas"))->value(), 11);

    QVERIFY(!editor.saveAs(dir.filePath("missing/folder/x.yaml")));
    QVERIFY(!editor.lastError().isEmpty());
    QCOMPARE(editor.filePath(), QFileInfo(copy).absoluteFilePath());
  }

  void textEditsReachTheForm() {
    ScenarioEditor editor;
    QVERIFY(editor.openFile(quickstartPath));
    auto* replicas = qobject_cast<QSpinBox*>(editor.form()->knobWidget("services[0].replicas"));
    const int line = lineOf(editor.text(), "replicas: 8");
    QTextCursor cursor(editor.textEdit()->document()->findBlockByNumber(line - 1));
    cursor.movePosition(QTextCursor::EndOfBlock);
    editor.textEdit()->setTextCursor(cursor);
    QTest::keyClick(editor.textEdit(), Qt::Key_Backspace);
    QTest::keyClicks(editor.textEdit(), "6");
    QTRY_COMPARE(replicas->value(), 6);
    // The form did not write back: the text is what was typed, the cursor where it was.
    QVERIFY(editor.text().contains("    replicas: 6\n"));
    QCOMPARE(editor.textEdit()->textCursor().blockNumber() + 1, line);
    QCOMPARE(editor.textEdit()->textCursor().positionInBlock(), int(QString("    replicas: 6").size()));
  }

  void highlighterColoursKeysCommentsStringsAndNumbers() {
    QTextDocument document;
    document.setPlainText(
        "name: \"chat # not a comment\"  # a comment\n"
        "  - fabric: {link: 400Gbps, latency: 1us}\n"
        "    price: $2.99/h\n"
        "    node: h100x8\n"
        "    loop: true\n");
    YamlHighlighter highlighter(&document);
    highlighter.rehighlight();
    const QColor key = highlighter.keyFormat().foreground().color();
    const QColor comment = highlighter.commentFormat().foreground().color();
    const QColor string = highlighter.stringFormat().foreground().color();
    const QColor number = highlighter.numberFormat().foreground().color();
    const QColor keyword = highlighter.keywordFormat().foreground().color();
    const QTextBlock first = document.findBlockByNumber(0);
    QCOMPARE(colourAt(first, 0), key);                                     // name
    QCOMPARE(colourAt(first, first.text().indexOf("chat")), string);       // inside the quotes
    QCOMPARE(colourAt(first, first.text().indexOf("not a")), string);      // '#' inside a string is no comment
    QCOMPARE(colourAt(first, first.text().lastIndexOf("a comment")), comment);
    const QTextBlock second = document.findBlockByNumber(1);
    QCOMPARE(colourAt(second, second.text().indexOf("fabric")), key);
    QCOMPARE(colourAt(second, second.text().indexOf("link")), key);
    QCOMPARE(colourAt(second, second.text().indexOf("latency")), key);
    QCOMPARE(colourAt(second, second.text().indexOf("400")), number);
    QCOMPARE(colourAt(second, second.text().indexOf("Gbps")), number);     // the unit with its number
    QCOMPARE(colourAt(second, second.text().indexOf("1us") + 1), number);
    const QTextBlock third = document.findBlockByNumber(2);
    QCOMPARE(colourAt(third, third.text().indexOf("$")), number);
    QCOMPARE(colourAt(third, third.text().indexOf("/h")), number);
    const QTextBlock fourth = document.findBlockByNumber(3);
    QVERIFY(!colourAt(fourth, fourth.text().indexOf("100")).isValid());   // part of a name, not a number
    const QTextBlock fifth = document.findBlockByNumber(4);
    QCOMPARE(colourAt(fifth, fifth.text().indexOf("true")), keyword);
  }

  void rendersForALook() {
    const QByteArray directory = qgetenv("LEPTONSIM_GUI_SCREENSHOTS");
    ScenarioEditor editor;
    QSignalSpy finished(&editor, &ScenarioEditor::validationFinished);
    QVERIFY(editor.openFile(QStringLiteral(LEPTONSIM_SOURCE_DIR "/scenarios/diurnal-chat-hpa.yaml")));
    editor.resize(1400, 900);
    editor.show();
    QVERIFY(finished.wait(5000));
    const QImage image = editor.grab().toImage();
    QVERIFY(!image.isNull());
    if (!directory.isEmpty()) {
      QVERIFY(image.save(QDir(QString::fromLocal8Bit(directory)).filePath("scenario-editor-hpa.png")));
      insertLineAfter(editor.textEdit(), "replicas: 6", "    replicaz: 3");
      QVERIFY(editor.openFile(quickstartPath));
      QVERIFY(finished.wait(5000));
      QVERIFY(editor.grab().save(QDir(QString::fromLocal8Bit(directory)).filePath("scenario-editor-quickstart.png")));
      insertLineAfter(editor.textEdit(), "replicas: 8", "    replicaz: 3");
      QVERIFY(finished.wait(5000));
      QVERIFY(editor.grab().save(QDir(QString::fromLocal8Bit(directory)).filePath("scenario-editor-problem.png")));
      QVERIFY(editor.openFile(QStringLiteral(LEPTONSIM_SOURCE_DIR "/scenarios/two-sites-flops.yaml")));
      QVERIFY(finished.wait(5000));
      QVERIFY(editor.grab().save(QDir(QString::fromLocal8Bit(directory)).filePath("scenario-editor-two-sites.png")));
    }
  }
};

QTEST_MAIN(TestScenarioEditor)
#include "test_ScenarioEditor.moc"
