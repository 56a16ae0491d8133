#include "charts/EventKindLegendItem.hpp"

namespace leptonsim::gui {

EventKindLegendItem::EventKindLegendItem(QCPLegend* legend, const QString& kind, const QString& text, const QPen& pen)
    : QCPAbstractLegendItem(legend), m_kind(kind), m_text(text), m_pen(pen) {
  setSelectable(false);
}

void EventKindLegendItem::draw(QCPPainter* painter) {
  const QSize icon = mParentLegend->iconSize();
  painter->setFont(mFont);
  // Text placed like the curves' legend entries: top-left, in a box as high as the text or icon.
  const QRect textBox = painter->fontMetrics().boundingRect(0, 0, 0, icon.height(), Qt::TextDontClip, m_text);
  const int height = std::max(textBox.height(), icon.height());
  // Icon: a vertical tick in the middle of the icon box, like the markers in the plot.
  QPen pen = m_pen;
  pen.setWidthF(2.0);
  pen.setStyle(Qt::SolidLine);
  painter->setPen(pen);
  const double x = mRect.x() + icon.width() / 2.0;
  painter->drawLine(QLineF(x, mRect.y() + 1, x, mRect.y() + height - 1));
  painter->setPen(QPen(mTextColor));
  painter->drawText(mRect.x() + icon.width() + mParentLegend->iconTextPadding(), mRect.y(), textBox.width(), height,
                    Qt::TextDontClip, m_text);
}

QSize EventKindLegendItem::minimumOuterSizeHint() const {
  const QSize icon = mParentLegend->iconSize();
  const QRect textBox = QFontMetrics(mFont).boundingRect(0, 0, 0, icon.height(), Qt::TextDontClip, m_text);
  QSize size(icon.width() + mParentLegend->iconTextPadding() + textBox.width(), std::max(textBox.height(), icon.height()));
  size.rwidth() += mMargins.left() + mMargins.right();
  size.rheight() += mMargins.top() + mMargins.bottom();
  return size;
}

}  // namespace leptonsim::gui
