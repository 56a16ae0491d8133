// CompactDoubleSpinBox: a QDoubleSpinBox that shows numbers as they are written
// in scenario files ("0.7", "150", "0.000001": no trailing zeros), always with a
// '.' decimal point, and that leaves mouse-wheel events to the scroll area
// unless it has the keyboard focus (so scrolling the form changes no value).
#pragma once

#include <QDoubleSpinBox>

namespace leptonsim::gui {

class CompactDoubleSpinBox : public QDoubleSpinBox {
  Q_OBJECT

 public:
  explicit CompactDoubleSpinBox(QWidget* parent = nullptr);

  /// `value` with up to six decimals and no trailing zeros ("0.7", "40").
  static QString compactText(double value);

  QString textFromValue(double value) const override;

 protected:
  void wheelEvent(QWheelEvent* event) override;
};

}  // namespace leptonsim::gui
