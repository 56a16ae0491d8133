// Homogeneous Poisson arrivals: exponential gaps with mean 1/rate, from t = 0.
#pragma once

#include "workload/ArrivalProcess.hpp"
#include "workload/RateFunction.hpp"

#include <memory>

namespace leptonsim {

class PoissonArrivals final : public ArrivalProcess {
public:
  explicit PoissonArrivals(double rate);

  std::optional<Arrival> next(RandomStream& stream) override;
  double mean_rate() const override { return rate_; }
  std::string describe() const override;

  // The same rate as a RateFunction (a base for SpikeArrivals).
  std::shared_ptr<const RateFunction> rate_function() const { return std::make_shared<ConstantRate>(rate_); }

private:
  double rate_;
  double time_ = 0.0;
};

}  // namespace leptonsim
