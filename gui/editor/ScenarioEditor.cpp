#include "editor/ScenarioEditor.hpp"

#include "editor/ScenarioForm.hpp"
#include "editor/YamlHighlighter.hpp"

#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QSplitter>
#include <QStyle>
#include <QTextBlock>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace leptonsim::gui {

namespace {

constexpr int defaultValidationDelayMs = 300;
constexpr int lineRole = Qt::UserRole;
constexpr int columnRole = Qt::UserRole + 1;

// Character index in `lineText` of a 1-based column counted in UTF-8 bytes (as yaml-cpp does).
int characterColumn(const QString& lineText, int byteColumn) {
  if (byteColumn <= 1) return 0;
  const QByteArray bytes = lineText.toUtf8();
  return int(QString::fromUtf8(bytes.left(byteColumn - 1)).size());
}

}  // namespace

ScenarioEditor::ScenarioEditor(QWidget* parent) : QWidget(parent) {
  form_ = new ScenarioForm;
  textEdit_ = new QPlainTextEdit;
  textEdit_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  textEdit_->setLineWrapMode(QPlainTextEdit::NoWrap);
  textEdit_->setPlaceholderText(tr("Scenario YAML: open a file or type here (see docs/scenario-reference.md)."));
  textEdit_->installEventFilter(this);
  textEdit_->viewport()->installEventFilter(this);
  highlighter_ = new YamlHighlighter(textEdit_->document());

  issueList_ = new QListWidget;
  issueList_->setAlternatingRowColors(true);
  issueList_->setWordWrap(true);
  issueList_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  issueList_->setIconSize(QSize(16, 16));
  issueList_->setToolTip(tr("Problems found in the scenario; click one to go there."));
  statusLabel_ = new QLabel;
  statusLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* top = new QSplitter(Qt::Horizontal);
  top->addWidget(form_);
  top->addWidget(textEdit_);
  top->setStretchFactor(0, 2);
  top->setStretchFactor(1, 3);
  top->setSizes({400, 600});
  top->setChildrenCollapsible(false);

  auto* issues = new QWidget;
  auto* issuesLayout = new QVBoxLayout(issues);
  issuesLayout->setContentsMargins(0, 0, 0, 0);
  issuesLayout->addWidget(statusLabel_);
  issuesLayout->addWidget(issueList_);

  splitter_ = new QSplitter(Qt::Vertical);
  splitter_->addWidget(top);
  splitter_->addWidget(issues);
  splitter_->setStretchFactor(0, 4);
  splitter_->setStretchFactor(1, 1);
  splitter_->setSizes({700, 100});
  splitter_->setChildrenCollapsible(false);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(splitter_);

  validationTimer_.setSingleShot(true);
  validationTimer_.setInterval(defaultValidationDelayMs);
  connect(&validationTimer_, &QTimer::timeout, this, &ScenarioEditor::validateNow);
  connect(textEdit_, &QPlainTextEdit::textChanged, this, &ScenarioEditor::onTextChanged);
  connect(textEdit_->document(), &QTextDocument::modificationChanged, this, [this](bool modified) {
    if (!isReplacingText_) Q_EMIT modificationChanged(modified);
  });
  connect(form_, &ScenarioForm::yamlEdited, this, &ScenarioEditor::applyFormEdit);
  connect(issueList_, &QListWidget::itemClicked, this,
          [this](QListWidgetItem* item) { goToIssue(issueList_->row(item)); });
  connect(issueList_, &QListWidget::itemActivated, this,
          [this](QListWidgetItem* item) { goToIssue(issueList_->row(item)); });
  validateNow();
}

ScenarioEditor::~ScenarioEditor() = default;

bool ScenarioEditor::openFile(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    lastError_ = tr("Cannot read %1: %2").arg(path, file.errorString());
    return false;
  }
  // Scenario files are a few kilobytes: reading one here does not block the UI noticeably.
  QString text = QString::fromUtf8(file.readAll());
  text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
  replaceText(text, false);
  setFilePath(QFileInfo(path).absoluteFilePath());
  validateNow();
  lastError_.clear();
  return true;
}

bool ScenarioEditor::save() {
  if (filePath_.isEmpty()) {
    lastError_ = tr("The scenario has no file yet: use Save as.");
    return false;
  }
  return writeFile(filePath_);
}

bool ScenarioEditor::saveAs(const QString& path) {
  if (!writeFile(path)) return false;
  const QString absolute = QFileInfo(path).absoluteFilePath();
  if (absolute != filePath_) {
    setFilePath(absolute);
    validateNow();  // relative trace paths now resolve against the new folder
  }
  return true;
}

bool ScenarioEditor::writeFile(const QString& path) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) {
    lastError_ = tr("Cannot write %1: %2").arg(path, file.errorString());
    return false;
  }
  const QByteArray bytes = text().toUtf8();
  if (file.write(bytes) != bytes.size() || !file.commit()) {
    lastError_ = tr("Cannot write %1: %2").arg(path, file.errorString());
    return false;
  }
  textEdit_->document()->setModified(false);
  lastError_.clear();
  return true;
}

void ScenarioEditor::setFilePath(const QString& path) {
  if (path == filePath_) return;
  filePath_ = path;
  Q_EMIT filePathChanged(filePath_);
}

QString ScenarioEditor::text() const { return textEdit_->toPlainText(); }

void ScenarioEditor::setText(const QString& text) { replaceText(text, true); }

void ScenarioEditor::replaceText(const QString& text, bool isModified) {
  // setPlainText passes through "modified"; tell the outside only the end state.
  const bool wasModified = this->isModified();
  isReplacingText_ = true;
  textEdit_->setPlainText(text);
  textEdit_->document()->setModified(isModified);
  isReplacingText_ = false;
  if (wasModified != isModified) Q_EMIT modificationChanged(isModified);
  form_->setYaml(text);
  form_->refreshNow();
}

bool ScenarioEditor::isModified() const { return textEdit_->document()->isModified(); }

QStringList ScenarioEditor::issues() const {
  QStringList lines;
  for (const ScenarioValidation::Issue& issue : validation_.issues) lines << issue.text();
  return lines;
}

QString ScenarioEditor::statusText() const { return statusLabel_->text(); }

void ScenarioEditor::onTextChanged() {
  if (!isApplyingFormEdit_) form_->setYaml(text());
  validationTimer_.start();
}

void ScenarioEditor::applyFormEdit(const QString& yaml) {
  // Replace only the range that differs, with a cursor of our own: the user's
  // cursor, selection and scroll position stay, and the edit is one undo step.
  const QString old = text();
  if (old == yaml) return;
  int prefix = 0;
  const int shorter = int(std::min(old.size(), yaml.size()));
  while (prefix < shorter && old[prefix] == yaml[prefix]) ++prefix;
  int suffix = 0;
  while (suffix < shorter - prefix && old[old.size() - 1 - suffix] == yaml[yaml.size() - 1 - suffix]) ++suffix;

  QTextCursor cursor(textEdit_->document());
  cursor.setPosition(prefix);
  cursor.setPosition(int(old.size()) - suffix, QTextCursor::KeepAnchor);
  isApplyingFormEdit_ = true;
  cursor.beginEditBlock();
  cursor.insertText(yaml.mid(prefix, yaml.size() - prefix - suffix));
  cursor.endEditBlock();
  isApplyingFormEdit_ = false;
}

void ScenarioEditor::validateNow() {
  validationTimer_.stop();
  const quint64 generation = ++generation_;
  const std::string yaml = text().toStdString();
  const std::string fileName =
      filePath_.isEmpty() ? std::string("untitled.yaml") : QFileInfo(filePath_).absoluteFilePath().toStdString();
  statusLabel_->setText(tr("checking…"));
  auto* watcher = new QFutureWatcher<ScenarioValidation>(this);
  connect(watcher, &QFutureWatcher<ScenarioValidation>::finished, this, [this, watcher, generation] {
    watcher->deleteLater();
    if (generation != generation_) return;  // a newer text is being checked: drop this answer
    ScenarioValidation validation = watcher->result();
    validation.generation = generation;
    showValidation(validation);
  });
  watcher->setFuture(QtConcurrent::run([yaml, fileName] { return ScenarioValidation::check(yaml, fileName); }));
}

void ScenarioEditor::showValidation(const ScenarioValidation& validation) {
  validation_ = validation;
  hasValidation_ = true;

  issueList_->clear();
  const QIcon icon = style()->standardIcon(QStyle::SP_MessageBoxWarning);
  for (const ScenarioValidation::Issue& issue : validation.issues) {
    auto* item = new QListWidgetItem(icon, issue.text(), issueList_);
    item->setData(lineRole, issue.line);
    item->setData(columnRole, issue.column);
    item->setToolTip(issue.message);
  }
  statusLabel_->setText(validation.summary());
  statusLabel_->setStyleSheet(validation.isValid() ? QStringLiteral("QLabel { color: #1a7f37; font-weight: bold; }")
                                                   : QStringLiteral("QLabel { color: #cf222e; font-weight: bold; }"));
  underlineIssues();
  Q_EMIT validationFinished(int(validation.issues.size()));
}

void ScenarioEditor::underlineIssues() {
  QList<QTextEdit::ExtraSelection> selections;
  QTextDocument* document = textEdit_->document();
  for (const ScenarioValidation::Issue& issue : validation_.issues) {
    if (issue.line < 1 || issue.line > document->blockCount()) continue;
    const QTextBlock block = document->findBlockByNumber(issue.line - 1);
    const QString lineText = block.text();
    int start = characterColumn(lineText, issue.column);
    if (start >= lineText.size()) {  // at the end of the line: underline what the line has
      start = 0;
      while (start < lineText.size() && lineText[start].isSpace()) ++start;
    }
    const int end = int(lineText.size());
    if (start >= end) continue;  // an empty line: the list shows the problem
    QTextEdit::ExtraSelection selection;
    selection.cursor = QTextCursor(block);
    selection.cursor.setPosition(block.position() + start);
    selection.cursor.setPosition(block.position() + end, QTextCursor::KeepAnchor);
    selection.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    selection.format.setUnderlineColor(QColor(0xcf, 0x22, 0x2e));
    selection.format.setBackground(QColor(0xff, 0xeb, 0xe9));
    selection.format.setToolTip(issue.message);
    selections << selection;
  }
  textEdit_->setExtraSelections(selections);
}

QStringList ScenarioEditor::issueMessagesAtLine(int line) const {
  QStringList messages;
  for (const ScenarioValidation::Issue& issue : validation_.issues)
    if (issue.line == line) messages << (issue.keyPath.isEmpty() ? issue.message : issue.keyPath + ": " + issue.message);
  return messages;
}

void ScenarioEditor::goToIssue(int row) {
  QListWidgetItem* item = issueList_->item(row);
  if (item == nullptr) return;
  const int line = item->data(lineRole).toInt();
  if (line < 1 || line > textEdit_->document()->blockCount()) return;
  const QTextBlock block = textEdit_->document()->findBlockByNumber(line - 1);
  QTextCursor cursor(block);
  cursor.setPosition(block.position() + std::min(characterColumn(block.text(), item->data(columnRole).toInt()),
                                                 int(block.text().size())));
  textEdit_->setTextCursor(cursor);
  textEdit_->centerCursor();
  textEdit_->setFocus();
}

bool ScenarioEditor::eventFilter(QObject* watched, QEvent* event) {
  if (watched == textEdit_->viewport() && event->type() == QEvent::ToolTip) {
    // The underlines' messages: extra selections have no tooltips of their own.
    auto* help = static_cast<QHelpEvent*>(event);
    const QTextCursor cursor = textEdit_->cursorForPosition(help->pos());
    const QStringList messages = issueMessagesAtLine(cursor.blockNumber() + 1);
    if (messages.isEmpty())
      QToolTip::hideText();
    else
      QToolTip::showText(help->globalPos(), messages.join('\n'), textEdit_->viewport());
    return true;
  }
  if (watched == textEdit_ && event->type() == QEvent::KeyPress) {
    // YAML forbids tabs in indentation: Tab inserts two spaces.
    auto* key = static_cast<QKeyEvent*>(event);
    if (key->key() == Qt::Key_Tab && key->modifiers() == Qt::NoModifier) {
      textEdit_->insertPlainText(QStringLiteral("  "));
      return true;
    }
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace leptonsim::gui
