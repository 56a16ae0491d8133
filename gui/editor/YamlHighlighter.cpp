#include "editor/YamlHighlighter.hpp"

#include <QColor>
#include <QRegularExpression>
#include <QVector>

namespace leptonsim::gui {

namespace {

struct Span {
  int start = 0;
  int length = 0;
};

bool isInside(const QVector<Span>& spans, int position) {
  for (const Span& span : spans)
    if (position >= span.start && position < span.start + span.length) return true;
  return false;
}

// Quoted strings of one line ('it''s' and "a \"b\"" included).
QVector<Span> quotedStrings(const QString& text) {
  static const QRegularExpression quoted(QStringLiteral(R"("(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?)"));
  static const QRegularExpression quoteStart(QStringLiteral(R"((^|[\s\[{,:-])["'])"));
  static const QRegularExpression commentStart(QStringLiteral(R"((^|\s)#)"));
  QVector<Span> spans;
  int from = 0;
  while (from < text.size()) {
    // A quote opens a string only where a value can start, not inside a plain word (it's).
    const int quote = text.indexOf(quoteStart, from);
    if (quote < 0) break;
    const int start = text[quote] == '"' || text[quote] == '\'' ? quote : quote + 1;
    // Stop at a comment that comes first.
    const int hash = text.indexOf(commentStart, from);
    if (hash >= 0 && hash < start) break;
    const QRegularExpressionMatch match = quoted.match(text, start, QRegularExpression::NormalMatch,
                                                       QRegularExpression::AnchorAtOffsetMatchOption);
    if (!match.hasMatch()) break;
    spans.push_back({start, int(match.capturedLength())});
    from = start + int(match.capturedLength());
  }
  return spans;
}

}  // namespace

YamlHighlighter::YamlHighlighter(QTextDocument* document) : QSyntaxHighlighter(document) {
  keyFormat_.setForeground(QColor(0x1f, 0x4e, 0x99));
  keyFormat_.setFontWeight(QFont::DemiBold);
  commentFormat_.setForeground(QColor(0x6a, 0x73, 0x7d));
  commentFormat_.setFontItalic(true);
  stringFormat_.setForeground(QColor(0x22, 0x86, 0x3a));
  numberFormat_.setForeground(QColor(0xb3, 0x59, 0x00));
  keywordFormat_.setForeground(QColor(0x6f, 0x42, 0xc1));
}

void YamlHighlighter::highlightBlock(const QString& text) {
  const QVector<Span> strings = quotedStrings(text);

  // The comment: the first '#' at the start or after a blank, outside strings.
  int commentStart = -1;
  for (int i = 0; i < text.size(); ++i) {
    if (text[i] == '#' && (i == 0 || text[i - 1].isSpace()) && !isInside(strings, i)) {
      commentStart = i;
      break;
    }
  }
  const int codeEnd = commentStart < 0 ? int(text.size()) : commentStart;
  const QString code = text.left(codeEnd);

  // Numbers, optionally with a unit or a money sign: 60/s, 400Gbps, 1.2s, $2.99/h, 70e9, 0.5.
  static const QRegularExpression number(QStringLiteral(
      R"((?<![\w.$/-])[-+]?\$?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?:\s?(?:[A-Za-zµ]+(?:/[A-Za-z]+)?|/[A-Za-z]+))?(?![\w.]))"));
  for (auto it = number.globalMatch(code); it.hasNext();) {
    const QRegularExpressionMatch match = it.next();
    if (!isInside(strings, int(match.capturedStart()))) setFormat(int(match.capturedStart()), int(match.capturedLength()), numberFormat_);
  }
  static const QRegularExpression keyword(QStringLiteral(R"((?<![\w.-])(true|false|null|~)(?![\w.-]))"));
  for (auto it = keyword.globalMatch(code); it.hasNext();) {
    const QRegularExpressionMatch match = it.next();
    if (!isInside(strings, int(match.capturedStart()))) setFormat(int(match.capturedStart()), int(match.capturedLength()), keywordFormat_);
  }
  // Keys: a word before ': ' at the start of the line (after '- ') or after '{' or ','.
  static const QRegularExpression key(
      QStringLiteral(R"((?:^|[{,]|^\s*-)\s*([A-Za-z_<][\w.<>-]*|"[^"]*"|'[^']*')\s*:(?=\s|$|[,}]))"));
  for (auto it = key.globalMatch(code); it.hasNext();) {
    const QRegularExpressionMatch match = it.next();
    const int start = int(match.capturedStart(1));
    if (match.capturedStart(0) == 0 || !isInside(strings, start)) setFormat(start, int(match.capturedLength(1)), keyFormat_);
  }
  for (const Span& span : strings)
    if (span.start < codeEnd) setFormat(span.start, std::min(span.length, codeEnd - span.start), stringFormat_);
  if (commentStart >= 0) setFormat(commentStart, int(text.size()) - commentStart, commentFormat_);
}

}  // namespace leptonsim::gui
