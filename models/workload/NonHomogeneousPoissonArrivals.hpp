// A Poisson process with a time-varying rate λ(t), simulated exactly by
// thinning (Lewis and Shedler, 1979): candidates come from a homogeneous
// process at a rate B >= λ, and a candidate at time s is kept with probability
// λ(s)/B. The bound is piecewise (RateFunction::bound_from): when a candidate
// falls past the end of the current piece, the process restarts at that end,
// which is exact because the exponential gap is memoryless.
#pragma once

#include "workload/ArrivalProcess.hpp"
#include "workload/RateFunction.hpp"

#include <memory>

namespace leptonsim {

class NonHomogeneousPoissonArrivals : public ArrivalProcess {
public:
  explicit NonHomogeneousPoissonArrivals(std::shared_ptr<const RateFunction> rate);

  std::optional<Arrival> next(RandomStream& stream) override;
  double mean_rate() const override { return rate_->mean_rate(); }
  std::string describe() const override;

  const std::shared_ptr<const RateFunction>& rate_function() const { return rate_; }
  double rate_at(double t) const { return rate_->rate_at(t); }

private:
  std::shared_ptr<const RateFunction> rate_;
  double time_ = 0.0;  // the last candidate's time (accepted or not)
};

}  // namespace leptonsim
