// YamlHighlighter: colours scenario YAML: keys, comments, quoted strings,
// numbers with their units ("400Gbps", "$2.99/h", "70e9") and true/false/null.
// Line by line; a quoted string spanning lines is not followed.
#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace leptonsim::gui {

class YamlHighlighter : public QSyntaxHighlighter {
  Q_OBJECT

 public:
  explicit YamlHighlighter(QTextDocument* document);

  const QTextCharFormat& keyFormat() const { return keyFormat_; }
  const QTextCharFormat& commentFormat() const { return commentFormat_; }
  const QTextCharFormat& stringFormat() const { return stringFormat_; }
  const QTextCharFormat& numberFormat() const { return numberFormat_; }
  const QTextCharFormat& keywordFormat() const { return keywordFormat_; }

 protected:
  void highlightBlock(const QString& text) override;

 private:
  QTextCharFormat keyFormat_;
  QTextCharFormat commentFormat_;
  QTextCharFormat stringFormat_;
  QTextCharFormat numberFormat_;
  QTextCharFormat keywordFormat_;
};

}  // namespace leptonsim::gui
