// Integral over time of a piecewise-constant quantity (queue length, busy
// slots), for time averages. Updated only when the quantity changes.
#pragma once

namespace leptonsim {

class TimeIntegral {
public:
  void set(double now, double value) {
    advance(now);
    value_ = value;
  }
  void add(double now, double delta) { set(now, value_ + delta); }
  void advance(double now) {
    area_ += value_ * (now - last_time_);
    last_time_ = now;
  }
  double value() const { return value_; }
  // Area from time 0 to the last update.
  double area() const { return area_; }

private:
  double value_ = 0.0;
  double last_time_ = 0.0;
  double area_ = 0.0;
};

}  // namespace leptonsim
