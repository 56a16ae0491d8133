#include "workload/DiurnalArrivals.hpp"

#include <fmt/format.h>

namespace leptonsim {

DiurnalArrivals::DiurnalArrivals(double mean_rate, double peak_to_trough, double period, double phase)
    : DiurnalArrivals(std::make_shared<SinusoidalRate>(mean_rate, peak_to_trough, period, phase)) {}

DiurnalArrivals::DiurnalArrivals(std::shared_ptr<const SinusoidalRate> sinusoid)
    : NonHomogeneousPoissonArrivals(sinusoid), sinusoid_(std::move(sinusoid)) {}

std::string DiurnalArrivals::describe() const { return "diurnal Poisson, " + sinusoid_->describe(); }

}  // namespace leptonsim
