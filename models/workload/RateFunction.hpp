// Arrival rates that vary with time, λ(t) in requests per second.
//
// A rate function feeds NonHomogeneousPoissonArrivals, which simulates the
// process exactly by thinning. Besides λ(t) a rate function gives an upper
// bound of λ over a stretch of time starting now (piecewise bounds keep
// thinning cheap when a short spike multiplies the rate), and the integral of
// λ, which is the expected number of arrivals in an interval.
#pragma once

#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace leptonsim {

class RateFunction {
public:
  // λ(s) <= rate for every s in [t, valid_until); when is_exact, λ(s) == rate there.
  struct Bound {
    double rate = 0.0;
    double valid_until = std::numeric_limits<double>::infinity();
    bool is_exact = false;
  };

  virtual ~RateFunction() = default;
  virtual double rate_at(double t) const = 0;
  // A bound that holds from t on; valid_until must be > t.
  virtual Bound bound_from(double t) const = 0;
  // ∫ λ(s) ds over [t0, t1]: the expected number of arrivals (t0 <= t1).
  virtual double integral(double t0, double t1) const = 0;
  // Long-run average of λ.
  virtual double mean_rate() const = 0;
  virtual std::string describe() const = 0;
};

// λ(t) = rate.
class ConstantRate final : public RateFunction {
public:
  explicit ConstantRate(double rate);
  double rate_at(double) const override { return rate_; }
  Bound bound_from(double) const override { return {rate_, std::numeric_limits<double>::infinity(), true}; }
  double integral(double t0, double t1) const override { return rate_ * (t1 - t0); }
  double mean_rate() const override { return rate_; }
  std::string describe() const override;

private:
  double rate_;
};

// λ(t) = mean × (1 + a·sin(2π(t − phase)/period)), a = (r − 1)/(r + 1), so that
// max/min = r (the peak-to-trough ratio). λ rises through the mean at t = phase,
// peaks at phase + period/4 and is lowest at phase + 3·period/4.
class SinusoidalRate final : public RateFunction {
public:
  SinusoidalRate(double mean_rate, double peak_to_trough, double period, double phase);
  double rate_at(double t) const override;
  // The global maximum mean × (1 + a), valid for ever.
  Bound bound_from(double t) const override;
  double integral(double t0, double t1) const override;
  double mean_rate() const override { return mean_; }
  std::string describe() const override;

  double amplitude() const { return amplitude_; }  // a
  double peak_rate() const { return mean_ * (1.0 + amplitude_); }
  double trough_rate() const { return mean_ * (1.0 - amplitude_); }
  double period() const { return period_; }
  double phase() const { return phase_; }

private:
  double mean_;
  double peak_to_trough_;
  double period_;
  double phase_;
  double amplitude_;
};

// A scheduled change of the rate: from start for duration seconds the base
// rate is multiplied by multiplier (> 1 a spike, < 1 a dip, 0 an outage).
// duration may be infinite (a lasting change from start on).
struct RateSpike {
  double start = 0.0;
  double duration = 0.0;
  double multiplier = 1.0;
};

// λ(t) = base(t) × m(t), where m is the product of the multipliers of the
// spikes active at t (1 outside all spikes; overlapping spikes multiply).
// Spike windows are half open: [start, start + duration).
class SpikeMultipliedRate final : public RateFunction {
public:
  SpikeMultipliedRate(std::shared_ptr<const RateFunction> base, std::vector<RateSpike> spikes);
  double rate_at(double t) const override;
  Bound bound_from(double t) const override;
  double integral(double t0, double t1) const override;
  // Spikes are finite, so the long-run average is the base's.
  double mean_rate() const override { return base_->mean_rate(); }
  std::string describe() const override;

  double multiplier_at(double t) const;
  const RateFunction& base() const { return *base_; }
  const std::vector<RateSpike>& spikes() const { return spikes_; }

private:
  // Maximal stretches with one constant multiplier != 1, sorted and disjoint.
  struct Segment {
    double start;
    double end;
    double multiplier;
  };
  // Index of the first segment whose end is > t.
  std::size_t first_segment_ending_after(double t) const;

  std::shared_ptr<const RateFunction> base_;
  std::vector<RateSpike> spikes_;
  std::vector<Segment> segments_;
};

}  // namespace leptonsim
