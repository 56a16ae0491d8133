// Two-state Markov-modulated Poisson process (MMPP-2): a hidden state flips
// between 0 and 1 after exponential sojourns (means sojourn0, sojourn1); in
// state k requests arrive as a Poisson process of rate λk. Bursty traffic:
// counts are over-dispersed (variance > mean) when λ0 != λ1.
//
// Simulated exactly: in state k the next event is the earlier of an arrival
// (exponential, rate λk) and the end of the sojourn; by memorylessness the
// losing arrival candidate is simply drawn again in the next state.
// The initial state is drawn from the stationary law (π0 = sojourn0 /
// (sojourn0 + sojourn1)) unless fixed, so counts are stationary from t = 0.
#pragma once

#include "workload/ArrivalProcess.hpp"

namespace leptonsim {

class MmppArrivals final : public ArrivalProcess {
public:
  // rate0, rate1 >= 0 (not both 0); mean sojourns > 0 (seconds);
  // initial_state: 0, 1, or -1 for a draw from the stationary law.
  MmppArrivals(double rate0, double rate1, double mean_sojourn0, double mean_sojourn1, int initial_state = -1);

  std::optional<Arrival> next(RandomStream& stream) override;
  // λ0·π0 + λ1·π1.
  double mean_rate() const override;
  std::string describe() const override;

  double stationary_probability(int state) const;
  // Index of dispersion Var N(t) / E N(t) of the count in a window of length t
  // in steady state:
  //   1 + 2·π0·π1·(λ0 − λ1)² / (λ̄·r) · (1 − (1 − e^(−r·t)) / (r·t)),  r = 1/s0 + 1/s1.
  double index_of_dispersion(double window) const;
  int state() const { return state_; }  // current hidden state (-1 before the first draw)

private:
  double rate_[2];
  double sojourn_[2];
  int state_;
  double time_ = 0.0;
  double next_switch_ = 0.0;
  bool has_started_ = false;
};

}  // namespace leptonsim
