// ScenarioEditor: open, edit, check and save one scenario file.
//
// A splitter with the knob form (ScenarioForm) and the YAML text
// (QPlainTextEdit with YamlHighlighter); below, the list of problems and a
// status line ("valid: 1 site, 64 GPUs, 1 service" or "3 problems").
//
// Validation runs as you type: 300 ms after the last change the text is loaded
// with load_scenario_text on the thread pool; each run gets a generation number
// and only the answer of the latest run is shown. Every problem is listed as
// `line:col key.path: message` and underlined (wavy, red) on its line in the
// text, with the message as tooltip; clicking a problem moves the cursor there.
//
// Knob changes in the form edit the text in place (the smallest changed range
// is replaced, so the undo history, the comments and the user's cursor stay);
// text changes update the form after a short pause.
#pragma once

#include "editor/ScenarioValidation.hpp"

#include <QString>
#include <QStringList>
#include <QTimer>
#include <QWidget>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QSplitter;

namespace leptonsim::gui {

class ScenarioForm;
class YamlHighlighter;

class ScenarioEditor : public QWidget {
  Q_OBJECT

 public:
  explicit ScenarioEditor(QWidget* parent = nullptr);
  ~ScenarioEditor() override;

  /// Reads `path` (UTF-8) into the editor, unmodified, and validates it at once. False if it cannot be read.
  bool openFile(const QString& path);
  /// Writes the text to filePath() atomically (QSaveFile). False without a path or on a write error.
  bool save();
  /// Writes the text to `path` atomically; on success the editor's file becomes `path`.
  bool saveAs(const QString& path);

  QString text() const;
  /// Replaces the whole text (the undo history too); the editor counts as modified.
  void setText(const QString& text);
  /// Absolute path of the file, or empty for a new scenario.
  QString filePath() const { return filePath_; }
  bool isModified() const;
  /// The latest validation found no problem.
  bool isValid() const { return validation_.isValid() && hasValidation_; }
  /// The latest validation's problems as `line:col key.path: message`.
  QStringList issues() const;
  /// "valid: 1 site, 64 GPUs, 1 service", "3 problems", or "checking…".
  QString statusText() const;
  /// Why the last openFile/save/saveAs failed.
  QString lastError() const { return lastError_; }

  /// Pause between the last change and the validation (300 ms by default).
  void setValidationDelay(int milliseconds) { validationTimer_.setInterval(milliseconds); }

  ScenarioForm* form() const { return form_; }
  QPlainTextEdit* textEdit() const { return textEdit_; }
  QListWidget* issueList() const { return issueList_; }

 public Q_SLOTS:
  /// Starts a validation of the current text now (skipping the pause).
  void validateNow();
  /// Moves the text cursor to the problem in row `row` of the list.
  void goToIssue(int row);

 Q_SIGNALS:
  /// A validation of the newest text finished (0 = valid).
  void validationFinished(int issueCount);
  void modificationChanged(bool modified);
  void filePathChanged(const QString& path);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void onTextChanged();
  void applyFormEdit(const QString& yaml);
  void replaceText(const QString& text, bool isModified);
  void showValidation(const ScenarioValidation& validation);
  void underlineIssues();
  bool writeFile(const QString& path);
  void setFilePath(const QString& path);
  QStringList issueMessagesAtLine(int line) const;

  ScenarioForm* form_ = nullptr;
  QPlainTextEdit* textEdit_ = nullptr;
  YamlHighlighter* highlighter_ = nullptr;
  QListWidget* issueList_ = nullptr;
  QLabel* statusLabel_ = nullptr;
  QSplitter* splitter_ = nullptr;

  QString filePath_;
  QString lastError_;
  QTimer validationTimer_;
  quint64 generation_ = 0;        // of the latest validation started
  ScenarioValidation validation_;  // the latest one shown
  bool hasValidation_ = false;
  bool isApplyingFormEdit_ = false;
  bool isReplacingText_ = false;  // inside replaceText: the document's modified flag passes through states
};

}  // namespace leptonsim::gui
