#include "replication/DataLossEstimates.hpp"

#include <boost/math/distributions/chi_squared.hpp>
#include <limits>
#include <stdexcept>

namespace leptonsim {

double markov_mean_time_to_data_loss(int disks, int tolerated_losses, double failure_rate, double repair_rate) {
  if (disks <= tolerated_losses || tolerated_losses < 0 || !(failure_rate > 0) || !(repair_rate >= 0))
    throw std::invalid_argument("markov_mean_time_to_data_loss: needs disks > tolerated losses >= 0 and rates > 0");
  double total = 0.0;
  double previous = 0.0;  // u_{i-1}
  for (int i = 0; i <= tolerated_losses; ++i) {
    const double up = (disks - i) * failure_rate;
    const double down = i * repair_rate;
    const double u = (1.0 + down * previous) / up;
    total += u;
    previous = u;
  }
  return total;
}

MeanTimeEstimate poisson_mean_time_estimate(double exposure, std::int64_t events, double confidence) {
  const double alpha = 1.0 - confidence;
  const double infinity = std::numeric_limits<double>::infinity();
  MeanTimeEstimate estimate;
  const auto n = static_cast<double>(events);
  boost::math::chi_squared upper_events(2.0 * n + 2.0);
  estimate.low = 2.0 * exposure / boost::math::quantile(upper_events, 1.0 - alpha / 2.0);
  if (events == 0) {
    estimate.mean = infinity;
    estimate.high = infinity;
    return estimate;
  }
  estimate.mean = exposure / n;
  boost::math::chi_squared lower_events(2.0 * n);
  estimate.high = 2.0 * exposure / boost::math::quantile(lower_events, alpha / 2.0);
  return estimate;
}

}  // namespace leptonsim
