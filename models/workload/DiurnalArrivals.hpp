// Diurnal arrivals: a Poisson process whose rate follows a sinusoid,
//   λ(t) = mean × (1 + a·sin(2π(t − phase)/period)),  a = (r − 1)/(r + 1),
// so that the peak rate over the trough rate is r. λ rises through the mean at
// t = phase, peaks at phase + period/4 and bottoms at phase + 3·period/4.
// Simulated exactly by thinning against the peak rate mean × (1 + a).
#pragma once

#include "workload/NonHomogeneousPoissonArrivals.hpp"

namespace leptonsim {

class DiurnalArrivals final : public NonHomogeneousPoissonArrivals {
public:
  DiurnalArrivals(double mean_rate, double peak_to_trough, double period = 86400.0, double phase = 0.0);

  std::string describe() const override;
  const SinusoidalRate& sinusoid() const { return *sinusoid_; }

private:
  explicit DiurnalArrivals(std::shared_ptr<const SinusoidalRate> sinusoid);
  std::shared_ptr<const SinusoidalRate> sinusoid_;
};

}  // namespace leptonsim
