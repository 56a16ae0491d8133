#include "editor/CompactDoubleSpinBox.hpp"

#include <QLocale>
#include <QWheelEvent>

namespace leptonsim::gui {

CompactDoubleSpinBox::CompactDoubleSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
  setLocale(QLocale::c());  // YAML numbers use '.', whatever the desktop's locale
  setDecimals(6);
  setKeyboardTracking(false);
  setFocusPolicy(Qt::StrongFocus);
}

QString CompactDoubleSpinBox::compactText(double value) {
  QString text = QString::number(value, 'f', 6);
  if (text.contains('.')) {
    while (text.endsWith('0')) text.chop(1);
    if (text.endsWith('.')) text.chop(1);
  }
  return text == "-0" ? QStringLiteral("0") : text;
}

QString CompactDoubleSpinBox::textFromValue(double value) const { return compactText(value); }

void CompactDoubleSpinBox::wheelEvent(QWheelEvent* event) {
  if (hasFocus())
    QDoubleSpinBox::wheelEvent(event);
  else
    event->ignore();
}

}  // namespace leptonsim::gui
