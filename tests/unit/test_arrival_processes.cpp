// Arrival processes against their defining laws: counts against ∫λ(t)dt with
// tolerances of about 4 standard deviations, dispersion against the MMPP
// closed form, and determinism of the named streams.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "workload/DiurnalArrivals.hpp"
#include "workload/MmppArrivals.hpp"
#include "workload/PoissonArrivals.hpp"
#include "workload/SpikeArrivals.hpp"

using namespace leptonsim;

namespace {

// Arrival times in [0, horizon), checking that they increase strictly.
std::vector<double> times_until(ArrivalProcess& process, RandomStream& stream, double horizon) {
  std::vector<double> times;
  double previous = -1.0;
  bool is_increasing = true, has_tokens = false;
  for (;;) {
    const std::optional<Arrival> a = process.next(stream);
    if (!a || a->time >= horizon) break;
    is_increasing = is_increasing && a->time > previous;
    has_tokens = has_tokens || a->input_tokens != -1 || a->output_tokens != -1;
    previous = a->time;
    times.push_back(a->time);
  }
  CHECK(is_increasing);
  CHECK_FALSE(has_tokens);
  return times;
}

std::size_t count_in(const std::vector<double>& times, double t0, double t1) {
  std::size_t n = 0;
  for (double t : times) n += (t >= t0 && t < t1) ? 1 : 0;
  return n;
}

// Counts in consecutive windows of the given length over [0, horizon).
std::vector<double> window_counts(const std::vector<double>& times, double window, double horizon) {
  std::vector<double> counts(static_cast<std::size_t>(horizon / window), 0.0);
  for (double t : times) {
    const auto i = static_cast<std::size_t>(t / window);
    if (i < counts.size()) counts[i] += 1.0;
  }
  return counts;
}

double index_of_dispersion(const std::vector<double>& counts) {
  double mean = 0.0, m2 = 0.0;
  for (double c : counts) mean += c;
  mean /= static_cast<double>(counts.size());
  for (double c : counts) m2 += (c - mean) * (c - mean);
  return m2 / static_cast<double>(counts.size() - 1) / mean;
}

}  // namespace

TEST_CASE("Poisson: counts, mean gap and CV", "[arrivals]") {
  const double rate = 5.0, horizon = 20000.0;
  const double expected = rate * horizon, sd = std::sqrt(expected);
  for (std::uint64_t seed : {1u, 2u, 3u, 42u, 2024u}) {
    INFO("seed " << seed);
    PoissonArrivals poisson(rate);
    CHECK(poisson.mean_rate() == rate);
    RandomStream stream = make_stream(seed, "service/chat/arrivals");
    const std::vector<double> times = times_until(poisson, stream, horizon);
    CHECK(std::abs(static_cast<double>(times.size()) - expected) < 4 * sd);

    double sum = 0.0, sum_sq = 0.0;
    for (std::size_t i = 0; i < times.size(); ++i) {
      const double gap = times[i] - (i == 0 ? 0.0 : times[i - 1]);
      sum += gap;
      sum_sq += gap * gap;
    }
    const double n = static_cast<double>(times.size());
    const double mean = sum / n;
    const double cv = std::sqrt(sum_sq / n - mean * mean) / mean;
    // Standard errors at n = 1e5: mean 0.32 %, CV about 0.45 %.
    CHECK(mean == Approx(1.0 / rate).epsilon(0.013));
    CHECK(cv == Approx(1.0).margin(0.02));
  }
  CHECK_THROWS_AS(PoissonArrivals(0.0), std::invalid_argument);
  CHECK_THROWS_AS(PoissonArrivals(-1.0), std::invalid_argument);
  CHECK_THROWS_AS(PoissonArrivals(std::nan("")), std::invalid_argument);
}

TEST_CASE("Diurnal: counts per phase bin follow the integral of the rate", "[arrivals]") {
  const double mean = 10.0, ratio = 3.0, period = 3600.0;
  const int periods = 20, bins = 24;
  for (double phase : {0.0, 900.0}) {
    INFO("phase " << phase);
    DiurnalArrivals diurnal(mean, ratio, period, phase);
    const SinusoidalRate& sinusoid = diurnal.sinusoid();
    CHECK(sinusoid.amplitude() == Approx(0.5));
    CHECK(sinusoid.peak_rate() / sinusoid.trough_rate() == Approx(ratio));
    CHECK(diurnal.mean_rate() == mean);
    CHECK(diurnal.rate_at(phase + period / 4) == Approx(15.0));
    CHECK(diurnal.rate_at(phase + 3 * period / 4) == Approx(5.0));

    RandomStream stream = make_stream(7, "diurnal");
    const std::vector<double> times = times_until(diurnal, stream, periods * period);

    // Chi-square of the phase-folded counts against the exact expectations.
    std::vector<double> observed(bins, 0.0);
    for (double t : times) observed[static_cast<std::size_t>(std::fmod(t, period) / (period / bins))] += 1.0;
    double chi_square = 0.0;
    for (int b = 0; b < bins; ++b) {
      const double expected = periods * sinusoid.integral(b * period / bins, (b + 1) * period / bins);
      chi_square += (observed[b] - expected) * (observed[b] - expected) / expected;
    }
    // 24 bins, no fitted parameter: P(chi2(24) > 60) ≈ 6e-5.
    CHECK(chi_square < 60.0);

    // Fit mean × (1 + A sin(ω(t − φ))) by its first Fourier coefficients.
    const double omega = 2 * std::numbers::pi / period;
    double s = 0.0, c = 0.0;
    for (double t : times) {
      s += std::sin(omega * t);
      c += std::cos(omega * t);
    }
    const double n = static_cast<double>(times.size());
    const double amplitude = 2.0 * std::hypot(s, c) / n;  // standard error ≈ sqrt(2/n) ≈ 0.0017
    const double fitted_ratio = (1 + amplitude) / (1 - amplitude);
    CHECK(fitted_ratio == Approx(ratio).margin(0.07));
    // sin(ω(t − φ)) = cos(ωφ)·sin(ωt) − sin(ωφ)·cos(ωt)
    const double fitted_phase = std::fmod(std::atan2(-c, s) / omega + period, period);
    const double phase_error = std::fmod(fitted_phase - phase + 1.5 * period, period) - 0.5 * period;
    CHECK(std::abs(phase_error) < 10.0);  // standard error ≈ 2 s
    CHECK(n == Approx(mean * periods * period).margin(4 * std::sqrt(mean * periods * period)));
  }
}

TEST_CASE("Diurnal: a ratio of 1 is a plain Poisson process, and invalid parameters", "[arrivals]") {
  DiurnalArrivals flat(4.0, 1.0, 600.0);
  RandomStream stream = make_stream(3, "flat");
  const std::vector<double> times = times_until(flat, stream, 50000.0);
  CHECK(static_cast<double>(times.size()) == Approx(200000.0).margin(4 * std::sqrt(200000.0)));
  CHECK_THROWS_AS(DiurnalArrivals(10.0, 0.5, 3600.0), std::invalid_argument);
  CHECK_THROWS_AS(DiurnalArrivals(10.0, 2.0, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(DiurnalArrivals(0.0, 2.0, 3600.0), std::invalid_argument);
}

TEST_CASE("Sinusoidal rate integral matches numerical integration", "[arrivals]") {
  const SinusoidalRate rate(7.0, 4.0, 1000.0, 123.0);
  const double t0 = 37.0, t1 = 2345.0;
  const int steps = 200000;
  double sum = 0.0;
  for (int i = 0; i < steps; ++i) sum += rate.rate_at(t0 + (i + 0.5) * (t1 - t0) / steps);
  CHECK(rate.integral(t0, t1) == Approx(sum * (t1 - t0) / steps).epsilon(1e-9));
}

TEST_CASE("Spikes: counts inside spike windows follow multiplier x base x duration", "[arrivals]") {
  const double base = 20.0, horizon = 4000.0;
  const std::vector<RateSpike> spikes = {{1000.0, 100.0, 5.0}, {2000.0, 200.0, 0.0}, {3000.0, 400.0, 0.5}};
  double in_spike = 0.0, in_dip = 0.0, outside = 0.0;
  const int seeds = 6;
  for (int seed = 1; seed <= seeds; ++seed) {
    SpikeArrivals process(base, spikes);
    RandomStream stream = make_stream(static_cast<std::uint64_t>(seed), "spikes");
    const std::vector<double> times = times_until(process, stream, horizon);
    in_spike += static_cast<double>(count_in(times, 1000.0, 1100.0));
    CHECK(count_in(times, 2000.0, 2200.0) == 0);  // the outage
    in_dip += static_cast<double>(count_in(times, 3000.0, 3400.0));
    outside += static_cast<double>(times.size() - count_in(times, 1000.0, 1100.0) -
                                   count_in(times, 3000.0, 3400.0));
  }
  const auto within_4_sd = [](double observed, double expected) {
    return std::abs(observed - expected) < 4 * std::sqrt(expected);
  };
  CHECK(within_4_sd(in_spike, seeds * 5.0 * base * 100.0));
  CHECK(within_4_sd(in_dip, seeds * 0.5 * base * 400.0));
  CHECK(within_4_sd(outside, seeds * base * (horizon - 100.0 - 200.0 - 400.0)));

  SpikeArrivals process(base, spikes);
  CHECK(process.mean_rate() == base);
  CHECK(process.expected_count(0.0, horizon) == Approx(base * (horizon - 100 - 200 - 400) + 5 * base * 100 +
                                                         0.5 * base * 400));
}

TEST_CASE("Spikes on a diurnal base, overlapping spikes multiply", "[arrivals]") {
  auto diurnal = std::make_shared<SinusoidalRate>(10.0, 3.0, 3600.0, 0.0);
  // Spike around the diurnal peak (t = 900 s) and a second one overlapping it.
  SpikeArrivals process(diurnal, {{800.0, 200.0, 4.0}, {950.0, 100.0, 2.0}});
  const SpikeMultipliedRate& rate = process.spiked_rate();
  CHECK(rate.multiplier_at(799.0) == 1.0);
  CHECK(rate.multiplier_at(800.0) == 4.0);
  CHECK(rate.multiplier_at(960.0) == 8.0);
  CHECK(rate.multiplier_at(999.0) == 8.0);
  CHECK(rate.multiplier_at(1000.0) == 2.0);
  CHECK(rate.multiplier_at(1049.0) == 2.0);
  CHECK(rate.multiplier_at(1050.0) == 1.0);
  CHECK(rate.rate_at(900.0) == Approx(4.0 * 15.0));

  // Integral against numerical integration of rate_at.
  const int steps = 400000;
  double sum = 0.0;
  for (int i = 0; i < steps; ++i) sum += rate.rate_at((i + 0.5) * 3600.0 / steps);
  CHECK(rate.integral(0.0, 3600.0) == Approx(sum * 3600.0 / steps).epsilon(1e-4));

  const int runs = 8;
  double in_window = 0.0, in_overlap = 0.0;
  for (int seed = 1; seed <= runs; ++seed) {
    SpikeArrivals run(diurnal, {{800.0, 200.0, 4.0}, {950.0, 100.0, 2.0}});
    RandomStream stream = make_stream(static_cast<std::uint64_t>(seed), "spiky-diurnal");
    const std::vector<double> times = times_until(run, stream, 3600.0);
    in_window += static_cast<double>(count_in(times, 800.0, 1000.0));
    in_overlap += static_cast<double>(count_in(times, 950.0, 1000.0));
  }
  const double expected_window = runs * rate.integral(800.0, 1000.0);
  const double expected_overlap = runs * rate.integral(950.0, 1000.0);
  CHECK(std::abs(in_window - expected_window) < 4 * std::sqrt(expected_window));
  CHECK(std::abs(in_overlap - expected_overlap) < 4 * std::sqrt(expected_overlap));

  CHECK_THROWS_AS(SpikeArrivals(10.0, {{0.0, 0.0, 2.0}}), std::invalid_argument);
  CHECK_THROWS_AS(SpikeArrivals(10.0, {{0.0, 10.0, -1.0}}), std::invalid_argument);
}

TEST_CASE("Spikes: an outage to the end of time ends the process", "[arrivals]") {
  SpikeArrivals process(100.0, {{10.0, std::numeric_limits<double>::infinity(), 0.0}});
  RandomStream stream = make_stream(5, "outage");
  std::size_t n = 0;
  while (const std::optional<Arrival> a = process.next(stream)) {
    CHECK(a->time < 10.0);
    ++n;
  }
  CHECK(n == Approx(1000).margin(4 * std::sqrt(1000.0)));
}

TEST_CASE("MMPP: long-run rate is the stationary mix and counts are over-dispersed", "[arrivals]") {
  const double rate0 = 2.0, rate1 = 20.0, sojourn0 = 30.0, sojourn1 = 10.0;
  const double pi0 = 0.75, pi1 = 0.25, mix = rate0 * pi0 + rate1 * pi1;  // 6.5/s
  MmppArrivals reference(rate0, rate1, sojourn0, sojourn1);
  CHECK(reference.stationary_probability(0) == Approx(pi0));
  CHECK(reference.mean_rate() == Approx(mix));

  const double horizon = 200000.0, window = 60.0;
  const int seeds = 8;
  // Var N(T) = mix·T·IDC(T): the tolerance on the pooled count follows from it.
  const double sd_total = std::sqrt(seeds * mix * horizon * reference.index_of_dispersion(horizon));
  double total = 0.0;
  std::vector<double> dispersions;
  for (int seed = 1; seed <= seeds; ++seed) {
    MmppArrivals mmpp(rate0, rate1, sojourn0, sojourn1);
    RandomStream stream = make_stream(static_cast<std::uint64_t>(seed), "mmpp");
    const std::vector<double> times = times_until(mmpp, stream, horizon);
    total += static_cast<double>(times.size());
    dispersions.push_back(index_of_dispersion(window_counts(times, window, horizon)));
  }
  CHECK(std::abs(total - seeds * mix * horizon) < 4 * sd_total);

  // IDC(60 s) = 1 + 2·π0·π1·Δλ²/(λ̄·r)·(1 − (1 − e^(−r·60))/(r·60)) ≈ 123.7.
  const double expected_idc = reference.index_of_dispersion(window);
  CHECK(expected_idc == Approx(1.0 + 2 * pi0 * pi1 * 18.0 * 18.0 / (mix * (1 / 30.0 + 1 / 10.0)) *
                                         (1 - (1 - std::exp(-8.0)) / 8.0)));
  double mean_idc = 0.0;
  for (double d : dispersions) {
    CHECK(d > 10.0);
    mean_idc += d / seeds;
  }
  // Each estimate comes from 3333 windows (relative error about 5 %); the mean of 8 about 2 %.
  CHECK(mean_idc == Approx(expected_idc).epsilon(0.08));
}

TEST_CASE("MMPP: equal rates give a Poisson process, an off state, validation", "[arrivals]") {
  MmppArrivals same(5.0, 5.0, 10.0, 20.0);
  CHECK(same.index_of_dispersion(60.0) == Approx(1.0));
  RandomStream stream = make_stream(11, "mmpp-same");
  const std::vector<double> times = times_until(same, stream, 100000.0);
  CHECK(index_of_dispersion(window_counts(times, 10.0, 100000.0)) == Approx(1.0).margin(0.1));

  // Interrupted Poisson: arrivals only in state 1; starts in state 0 when asked.
  MmppArrivals on_off(0.0, 50.0, 100.0, 100.0, 0);
  CHECK(on_off.mean_rate() == Approx(25.0));
  RandomStream stream2 = make_stream(12, "mmpp-on-off");
  const std::optional<Arrival> first = on_off.next(stream2);
  REQUIRE(first);
  CHECK(on_off.state() == 1);

  CHECK_THROWS_AS(MmppArrivals(0.0, 0.0, 1.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(MmppArrivals(1.0, 2.0, 0.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(MmppArrivals(-1.0, 2.0, 1.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(MmppArrivals(1.0, 2.0, 1.0, 1.0, 2), std::invalid_argument);
}

TEST_CASE("Arrival processes are deterministic per seed and stream name", "[arrivals]") {
  const auto make_all = []() {
    std::vector<std::unique_ptr<ArrivalProcess>> all;
    all.push_back(std::make_unique<PoissonArrivals>(3.0));
    all.push_back(std::make_unique<DiurnalArrivals>(3.0, 4.0, 100.0, 10.0));
    all.push_back(std::make_unique<SpikeArrivals>(3.0, std::vector<RateSpike>{{5.0, 5.0, 10.0}}));
    all.push_back(std::make_unique<MmppArrivals>(1.0, 9.0, 3.0, 1.0));
    return all;
  };
  const auto sequence = [](ArrivalProcess& p, std::uint64_t seed, const char* name) {
    RandomStream stream = make_stream(seed, name);
    std::vector<double> times;
    for (int i = 0; i < 500; ++i) times.push_back(p.next(stream)->time);
    return times;
  };
  auto first = make_all(), second = make_all(), third = make_all(), fourth = make_all();
  for (std::size_t i = 0; i < first.size(); ++i) {
    INFO(first[i]->describe());
    const std::vector<double> a = sequence(*first[i], 42, "service/chat/arrivals");
    CHECK(a == sequence(*second[i], 42, "service/chat/arrivals"));
    CHECK(a != sequence(*third[i], 42, "service/code/arrivals"));
    CHECK(a != sequence(*fourth[i], 43, "service/chat/arrivals"));
  }
}

TEST_CASE("Arrival processes describe themselves", "[arrivals]") {
  CHECK(PoissonArrivals(2.5).describe() == "Poisson 2.5/s");
  CHECK(DiurnalArrivals(40.0, 3.0, 86400.0).describe() ==
        "diurnal Poisson, sinusoidal mean 40/s, peak/trough 3, period 86400 s, phase 0 s");
  CHECK(SpikeArrivals(10.0, {{60.0, 30.0, 4.0}}).describe() ==
        "Poisson with spikes, base constant 10/s, x4 for 30 s from 60 s");
  CHECK(MmppArrivals(1.0, 9.0, 3.0, 1.0).describe() == "MMPP-2: 1/s for mean 3 s, 9/s for mean 1 s (mean 3/s)");
}
