// Scheduled spikes (or dips, or outages) on top of a base Poisson or diurnal
// rate: λ(t) = base(t) × the product of the multipliers of the spikes active
// at t; each spike covers [start, start + duration). Simulated exactly by
// thinning with a bound per stretch of constant multiplier, so a short ×20
// spike does not slow the rest of the day down.
#pragma once

#include "workload/NonHomogeneousPoissonArrivals.hpp"

#include <vector>

namespace leptonsim {

class SpikeArrivals final : public NonHomogeneousPoissonArrivals {
public:
  // Spikes on any base rate (e.g. PoissonArrivals::rate_function() or
  // DiurnalArrivals::rate_function()).
  SpikeArrivals(std::shared_ptr<const RateFunction> base, std::vector<RateSpike> spikes);
  // Spikes on a constant base rate.
  SpikeArrivals(double base_rate, std::vector<RateSpike> spikes);

  // Long-run mean: the base's (spikes are finite). For a horizon T use
  // expected_count(0, T) / T.
  double mean_rate() const override { return spiked_->mean_rate(); }
  double expected_count(double t0, double t1) const { return spiked_->integral(t0, t1); }
  std::string describe() const override;
  const SpikeMultipliedRate& spiked_rate() const { return *spiked_; }

private:
  explicit SpikeArrivals(std::shared_ptr<const SpikeMultipliedRate> spiked);
  std::shared_ptr<const SpikeMultipliedRate> spiked_;
};

}  // namespace leptonsim
