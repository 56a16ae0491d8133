#include "workload/SpikeArrivals.hpp"

namespace leptonsim {

SpikeArrivals::SpikeArrivals(std::shared_ptr<const RateFunction> base, std::vector<RateSpike> spikes)
    : SpikeArrivals(std::make_shared<SpikeMultipliedRate>(std::move(base), std::move(spikes))) {}

SpikeArrivals::SpikeArrivals(double base_rate, std::vector<RateSpike> spikes)
    : SpikeArrivals(std::make_shared<ConstantRate>(base_rate), std::move(spikes)) {}

SpikeArrivals::SpikeArrivals(std::shared_ptr<const SpikeMultipliedRate> spiked)
    : NonHomogeneousPoissonArrivals(spiked), spiked_(std::move(spiked)) {}

std::string SpikeArrivals::describe() const { return "Poisson with spikes, base " + spiked_->describe(); }

}  // namespace leptonsim
