// Mean time to data loss: the Markov-chain closed form and the estimate from
// a run's observed losses.
#pragma once

#include <cstdint>

namespace leptonsim {

// Expected time until data loss of the birth-death chain used for replicated
// and erasure-coded storage (e.g. Greenan et al., "Mean time to meaningless",
// HotStorage 2010): `disks` disks fail independently at `failure_rate` each;
// state i (disks whose data is not rebuilt yet) moves to i + 1 at
// (disks - i) x failure_rate and back to i - 1 at i x repair_rate (each failed
// disk is rebuilt independently); data is lost on entering state
// tolerated_losses + 1, i.e. when any tolerated_losses + 1 disks are down at
// once (true when every such set of disks shares a chunk). Rates per second
// (or any unit: the result is in its inverse). Uses the first-passage
// recurrence u_i = (1 + mu_i u_{i-1}) / lambda_i, MTTDL = sum of u_i; for
// tolerated_losses = 1 this is ((2N - 1) lambda + mu) / (N (N - 1) lambda^2).
double markov_mean_time_to_data_loss(int disks, int tolerated_losses, double failure_rate, double repair_rate);

// Mean time between Poisson events observed `events` times over `exposure`,
// with an exact two-sided confidence interval from the chi-square quantiles
// (Garwood). With no events the mean and upper bound are +infinity.
struct MeanTimeEstimate {
  double mean = 0.0;
  double low = 0.0;
  double high = 0.0;
};
MeanTimeEstimate poisson_mean_time_estimate(double exposure, std::int64_t events, double confidence = 0.95);

}  // namespace leptonsim
