// LatencyHistogram against exact order statistics of sorted samples.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "LatencyHistogram.hpp"

using leptonsim::LatencyHistogram;

namespace {

// The documented definition: the k-th smallest sample, k = max(1, ceil(q n)).
double exact_quantile(const std::vector<double>& sorted, double q) {
  const double n = static_cast<double>(sorted.size());
  auto k = static_cast<std::size_t>(std::ceil(q * n));
  k = std::clamp<std::size_t>(k, 1, sorted.size());
  return sorted[k - 1];
}

const std::vector<double> kQuantiles = {0.0,  1e-4, 0.01, 0.1,  0.25,   0.5,
                                        0.75, 0.9,  0.95, 0.99, 0.9999, 1.0};

void check_against_exact(std::vector<double> samples, const std::string& name) {
  LatencyHistogram h;
  for (double v : samples) h.record(v);
  std::sort(samples.begin(), samples.end());

  INFO(name);
  REQUIRE(h.count() == samples.size());
  CHECK(h.min() == samples.front());
  CHECK(h.max() == samples.back());
  // Mean from the exact running sum, compared with a long-double sum.
  long double exact_sum = 0.0L;
  for (double v : samples) exact_sum += v;
  const double exact_mean = static_cast<double>(exact_sum / samples.size());
  CHECK(h.mean() == Approx(exact_mean).epsilon(1e-12).margin(1e-300));

  for (double q : kQuantiles) {
    const double exact = exact_quantile(samples, q);
    const double estimate = h.quantile(q);
    INFO("q = " << q << ", exact = " << exact << ", estimate = " << estimate);
    if (exact == 0.0) {
      CHECK(estimate == 0.0);
    } else {
      CHECK(std::abs(estimate - exact) <= LatencyHistogram::kRelativePrecision * exact);
    }
  }
  CHECK(h.quantile(0.0) == samples.front());
  CHECK(h.quantile(1.0) == samples.back());
}

}  // namespace

TEST_CASE("LatencyHistogram quantiles are within 1e-3 of the exact order statistics",
          "[histogram]") {
  std::mt19937_64 rng(20240611);
  constexpr int kSamples = 200000;

  SECTION("exponential, mean 50 ms") {
    std::exponential_distribution<double> d(1.0 / 0.05);
    std::vector<double> v(kSamples);
    for (double& x : v) x = d(rng);
    check_against_exact(v, "exponential");
  }
  SECTION("lognormal, heavy tail") {
    std::lognormal_distribution<double> d(-3.0, 1.5);
    std::vector<double> v(kSamples);
    for (double& x : v) x = d(rng);
    check_against_exact(v, "lognormal");
  }
  SECTION("constant") {
    check_against_exact(std::vector<double>(1000, 0.25), "constant 0.25");
    check_against_exact(std::vector<double>(7, 3.0e-7), "constant 3e-7");
  }
  SECTION("30% zeros, rest exponential") {
    std::exponential_distribution<double> d(2.0);
    std::bernoulli_distribution zero(0.3);
    std::vector<double> v(kSamples);
    for (double& x : v) x = zero(rng) ? 0.0 : d(rng);
    check_against_exact(v, "with zeros");
  }
  SECTION("only zeros") {
    check_against_exact(std::vector<double>(10, 0.0), "all zeros");
  }
  SECTION("log-uniform over the whole range [1e-9, 1e7]") {
    std::uniform_real_distribution<double> exponent(-9.0, 7.0);
    std::vector<double> v(kSamples);
    for (double& x : v) x = std::pow(10.0, exponent(rng));
    v.push_back(1e-9);
    v.push_back(1e7);
    check_against_exact(v, "log-uniform");
  }
  SECTION("tiny samples") {
    check_against_exact({0.5}, "one sample");
    check_against_exact({0.0, 1.0}, "two samples");
    check_against_exact({3.0, 1.0, 2.0}, "three samples");
  }
}

TEST_CASE("LatencyHistogram worst case: values on bucket edges and just below", "[histogram]") {
  // Every sub-bucket lower edge of one octave and the largest double below it:
  // the midpoint error is largest relative to the lower edge.
  std::vector<double> v;
  for (int s = 0; s < LatencyHistogram::kSubBuckets; ++s) {
    const double edge = std::ldexp(0.5 + s / (2.0 * LatencyHistogram::kSubBuckets), -3);
    v.push_back(edge);
    v.push_back(std::nextafter(edge, 0.0));
  }
  LatencyHistogram h;
  for (double x : v) h.record(x);
  std::sort(v.begin(), v.end());
  for (std::size_t k = 1; k <= v.size(); ++k) {
    const double q = static_cast<double>(k) / static_cast<double>(v.size());
    const double exact = exact_quantile(v, q);
    CHECK(std::abs(h.quantile(q) - exact) <= LatencyHistogram::kRelativePrecision * exact);
  }
}

TEST_CASE("LatencyHistogram exact count, sum, min, max and zeros are counted", "[histogram]") {
  LatencyHistogram h;
  CHECK(h.empty());
  CHECK(std::isnan(h.mean()));
  CHECK(std::isnan(h.min()));
  CHECK(std::isnan(h.quantile(0.5)));
  CHECK(std::isnan(h.fraction_at_or_below(1.0)));

  h.record(0.0);
  h.record(0.0);
  h.record(1.5);
  h.record(0.5);
  h.record_n(2.0, 4);
  CHECK(h.count() == 8);
  CHECK(h.zero_count() == 2);
  CHECK(h.sum() == 10.0);
  CHECK(h.mean() == 1.25);
  CHECK(h.min() == 0.0);
  CHECK(h.max() == 2.0);
  CHECK(h.quantile(0.25) == 0.0);  // k = 2: second zero
  CHECK(h.quantile(0.375) == Approx(0.5).epsilon(1e-3));
  CHECK(h.quantile(1.0) == 2.0);

  SECTION("compensated sum stays exact where naive summation drifts") {
    LatencyHistogram g;
    g.record(1e7);
    for (int i = 0; i < 1000000; ++i) g.record(1e-9);
    CHECK(g.sum() == Approx(1e7 + 1e-3).epsilon(1e-15));
  }
  SECTION("fraction_at_or_below for SLO attainment") {
    CHECK(h.fraction_at_or_below(-1.0) == 0.0);
    CHECK(h.fraction_at_or_below(0.0) == 0.25);
    CHECK(h.fraction_at_or_below(1.0) == 0.375);
    CHECK(h.fraction_at_or_below(1.9) == 0.5);
    CHECK(h.fraction_at_or_below(2.0) == 1.0);
  }
  SECTION("clear") {
    h.clear();
    CHECK(h.empty());
    CHECK(h.sum() == 0.0);
    h.record(3.0);
    CHECK(h.min() == 3.0);
    CHECK(h.quantile(0.5) == 3.0);
  }
}

TEST_CASE("LatencyHistogram rejects invalid input", "[histogram]") {
  LatencyHistogram h;
  CHECK_THROWS_AS(h.record(-1e-12), std::invalid_argument);
  CHECK_THROWS_AS(h.record(std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(h.record(INFINITY), std::invalid_argument);
  CHECK(h.empty());
  h.record(1.0);
  CHECK_THROWS_AS(h.quantile(-0.1), std::invalid_argument);
  CHECK_THROWS_AS(h.quantile(1.1), std::invalid_argument);
  CHECK_THROWS_AS(h.quantile(std::nan("")), std::invalid_argument);
}

TEST_CASE("LatencyHistogram values outside [1e-9, 1e7] keep exact count, sum, min, max",
          "[histogram]") {
  LatencyHistogram h;
  h.record(1e-12);
  h.record(1e9);
  CHECK(h.count() == 2);
  CHECK(h.min() == 1e-12);
  CHECK(h.max() == 1e9);
  CHECK(h.sum() == 1e9 + 1e-12);
  CHECK(h.quantile(0.0) == 1e-12);
  CHECK(h.quantile(1.0) == 1e9);
}

TEST_CASE("LatencyHistogram merge equals recording everything in one histogram",
          "[histogram]") {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> d(0.0, 2.0);
  LatencyHistogram all, a, b, empty;
  std::vector<double> v;
  for (int i = 0; i < 50000; ++i) {
    const double x = (i % 10 == 0) ? 0.0 : d(rng);
    v.push_back(x);
    all.record(x);
    (i % 3 == 0 ? a : b).record(x);
  }
  LatencyHistogram merged = a;
  merged.merge(b);
  merged.merge(empty);
  CHECK(merged.count() == all.count());
  CHECK(merged.zero_count() == all.zero_count());
  CHECK(merged.min() == all.min());
  CHECK(merged.max() == all.max());
  CHECK(merged.mean() == Approx(all.mean()).epsilon(1e-14));
  for (double q : kQuantiles) CHECK(merged.quantile(q) == all.quantile(q));

  // Merging into an empty histogram, and merging with itself.
  LatencyHistogram target;
  target.merge(a);
  CHECK(target.quantile(0.5) == a.quantile(0.5));
  CHECK(target.min() == a.min());
  LatencyHistogram twice = a;
  twice.merge(twice);
  CHECK(twice.count() == 2 * a.count());
  CHECK(twice.quantile(0.5) == a.quantile(0.5));

  // The copy is deep: changing the original leaves the copy alone.
  LatencyHistogram copy = a;
  a.record_n(1e6, 1000000);
  CHECK(copy.count() + 1000000 == a.count());
  CHECK(copy.quantile(0.99) < 1e6);

  // A moved-from histogram is empty and usable.
  LatencyHistogram moved = std::move(copy);
  CHECK(moved.count() + 1000000 == a.count());
  CHECK(copy.empty());  // NOLINT(bugprone-use-after-move): documented state
  copy.record(2.0);
  CHECK(copy.quantile(0.5) == 2.0);
  LatencyHistogram assigned;
  assigned = std::move(moved);
  CHECK(assigned.count() + 1000000 == a.count());
  CHECK(moved.empty());  // NOLINT(bugprone-use-after-move)

  std::sort(v.begin(), v.end());
  CHECK(std::abs(merged.quantile(0.99) - exact_quantile(v, 0.99)) <=
        1e-3 * exact_quantile(v, 0.99));
}
