// Forecasts of a per-period demand series (the predictive autoscaler's request rate).
#pragma once

namespace leptonsim {

class DemandForecaster {
 public:
  virtual ~DemandForecaster() = default;
  // The next value of the series (one per period, oldest first).
  virtual void observe(double value) = 0;
  // The value expected `steps_ahead` >= 1 periods after the last observed one
  // (0 before any observation).
  virtual double forecast(int steps_ahead) const = 0;
};

}  // namespace leptonsim
