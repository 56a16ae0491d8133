// Confidence intervals and streaming statistics against hand-computed values
// and a coverage experiment.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "Statistics.hpp"

using namespace leptonsim;

TEST_CASE("Student-t quantiles match tables", "[statistics]") {
  // Values from standard t tables (two-sided 95% and 99%).
  CHECK(student_t_quantile(0.975, 4) == Approx(2.776445).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 1) == Approx(12.706205).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 9) == Approx(2.262157).epsilon(1e-6));
  CHECK(student_t_quantile(0.995, 9) == Approx(3.249836).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 1e6) == Approx(1.959966).epsilon(1e-5));
  CHECK(student_t_quantile(0.5, 3) == Approx(0.0).margin(1e-12));
  CHECK_THROWS_AS(student_t_quantile(1.0, 4), std::invalid_argument);
  CHECK_THROWS_AS(student_t_quantile(0.975, 0), std::invalid_argument);
}

TEST_CASE("mean_ci on hand-computed data sets", "[statistics]") {
  SECTION("1, 2, 3, 4, 5") {
    // mean 3; s^2 = (4+1+0+1+4)/4 = 2.5; s/sqrt(5) = sqrt(0.5) = 0.70710678;
    // half width = t(0.975, 4) * 0.70710678 = 2.776445 * 0.70710678 = 1.963243.
    const ConfidenceInterval ci = mean_ci({1, 2, 3, 4, 5}, 0.95);
    CHECK(ci.n == 5);
    CHECK(ci.mean == Approx(3.0));
    CHECK(ci.half_width == Approx(1.963243).epsilon(1e-6));
    CHECK(ci.lower == Approx(3.0 - 1.963243).epsilon(1e-6));
    CHECK(ci.upper == Approx(3.0 + 1.963243).epsilon(1e-6));
  }
  SECTION("2, 4, 4, 4, 5, 5, 7, 9 at 99%") {
    // mean 5; sum of squared deviations 32; s^2 = 32/7; s/sqrt(8) = sqrt(4/7) = 0.75592895;
    // t(0.995, 7) = 3.499483; half width = 2.645350.
    const ConfidenceInterval ci = mean_ci({2, 4, 4, 4, 5, 5, 7, 9}, 0.99);
    CHECK(ci.mean == Approx(5.0));
    CHECK(ci.half_width == Approx(3.499483 * 0.75592895).epsilon(1e-6));
  }
  SECTION("constant data has zero width") {
    const ConfidenceInterval ci = mean_ci({4.5, 4.5, 4.5}, 0.95);
    CHECK(ci.mean == 4.5);
    CHECK(ci.half_width == 0.0);
  }
  SECTION("one value: infinite width") {
    const ConfidenceInterval ci = mean_ci({7.0}, 0.95);
    CHECK(ci.mean == 7.0);
    CHECK(std::isinf(ci.half_width));
    CHECK(ci.n == 1);
  }
  SECTION("invalid input") {
    CHECK_THROWS_AS(mean_ci({}, 0.95), std::invalid_argument);
    CHECK_THROWS_AS(mean_ci({1, 2}, 0.0), std::invalid_argument);
    CHECK_THROWS_AS(mean_ci({1, 2}, 1.0), std::invalid_argument);
    CHECK_THROWS_AS(mean_ci({1, 2}, 95.0), std::invalid_argument);
  }
}

TEST_CASE("mean_ci covers the true mean 95% of the time", "[statistics]") {
  // 2000 repetitions of 10 normal samples: the coverage estimate has a
  // standard error of sqrt(0.95 * 0.05 / 2000) = 0.49%, so +-1.5% is ~3 sigma.
  std::mt19937_64 rng(12345);
  const double true_mean = 3.0;
  std::normal_distribution<double> normal(true_mean, 2.0);
  int covered = 0;
  constexpr int kRepetitions = 2000;
  for (int r = 0; r < kRepetitions; ++r) {
    std::vector<double> v(10);
    for (double& x : v) x = normal(rng);
    const ConfidenceInterval ci = mean_ci(v, 0.95);
    if (ci.lower <= true_mean && true_mean <= ci.upper) ++covered;
  }
  const double coverage = static_cast<double>(covered) / kRepetitions;
  INFO("coverage = " << coverage);
  CHECK(coverage >= 0.935);
  CHECK(coverage <= 0.965);
}

TEST_CASE("batch_means_ci", "[statistics]") {
  SECTION("hand-computed: 1..12 in 3 batches") {
    // Batch means 2.5, 6.5, 10.5; mean 6.5; s^2 = (16 + 0 + 16)/2 = 16;
    // s/sqrt(3) = 2.3094011; t(0.975, 2) = 4.3026527; half width = 9.9365508.
    std::vector<double> series;
    for (int i = 1; i <= 12; ++i) series.push_back(i);
    const ConfidenceInterval ci = batch_means_ci(series, 3, 0.95);
    CHECK(ci.n == 3);
    CHECK(ci.mean == Approx(6.5));
    CHECK(ci.half_width == Approx(9.9365508).epsilon(1e-6));
  }
  SECTION("leftover values at the start are dropped") {
    // 100, 200 are dropped; the rest is 1..12 as above.
    std::vector<double> series = {100, 200};
    for (int i = 1; i <= 12; ++i) series.push_back(i);
    const ConfidenceInterval ci = batch_means_ci(series, 3, 0.95);
    CHECK(ci.mean == Approx(6.5));
    CHECK(ci.half_width == Approx(9.9365508).epsilon(1e-6));
  }
  SECTION("invalid input") {
    CHECK_THROWS_AS(batch_means_ci({1, 2, 3}, 1, 0.95), std::invalid_argument);
    CHECK_THROWS_AS(batch_means_ci({1, 2, 3}, 4, 0.95), std::invalid_argument);
  }
  SECTION("AR(1) series: batch means cover, the naive interval does not") {
    // x_i = phi x_{i-1} + e_i with phi = 0.9 has mean 0 and a variance of the
    // mean inflated by (1 + phi)/(1 - phi) = 19 over the i.i.d. formula, so the
    // naive interval covers only ~P(|Z| < 1.96/sqrt(19)) = 35%. Batches of
    // 1000 values are ~50 correlation times long, so batch means are nearly
    // independent. 400 repetitions: standard error of the coverage ~1.1%.
    std::mt19937_64 rng(99);
    std::normal_distribution<double> noise(0.0, 1.0);
    constexpr int kRepetitions = 400;
    int batch_covered = 0;
    int naive_covered = 0;
    std::vector<double> series(20000);
    for (int r = 0; r < kRepetitions; ++r) {
      double x = noise(rng) / std::sqrt(1.0 - 0.81);  // stationary start
      for (double& v : series) {
        x = 0.9 * x + noise(rng);
        v = x;
      }
      const ConfidenceInterval batch = batch_means_ci(series, 20, 0.95);
      const ConfidenceInterval naive = mean_ci(series, 0.95);
      if (batch.lower <= 0.0 && 0.0 <= batch.upper) ++batch_covered;
      if (naive.lower <= 0.0 && 0.0 <= naive.upper) ++naive_covered;
    }
    const double batch_coverage = static_cast<double>(batch_covered) / kRepetitions;
    const double naive_coverage = static_cast<double>(naive_covered) / kRepetitions;
    INFO("batch coverage " << batch_coverage << ", naive coverage " << naive_coverage);
    CHECK(batch_coverage >= 0.91);
    CHECK(batch_coverage <= 0.99);
    CHECK(naive_coverage < 0.5);
  }
}

TEST_CASE("RunningStats (Welford)", "[statistics]") {
  RunningStats s;
  CHECK(s.count() == 0);
  CHECK(std::isnan(s.mean()));
  CHECK(std::isnan(s.variance()));
  CHECK(std::isnan(s.min()));
  CHECK_THROWS_AS(s.mean_ci(0.95), std::invalid_argument);

  for (double x : {2, 4, 4, 4, 5, 5, 7, 9}) s.add(x);
  CHECK(s.count() == 8);
  CHECK(s.mean() == Approx(5.0));
  CHECK(s.variance() == Approx(32.0 / 7.0));
  CHECK(s.population_variance() == Approx(4.0));
  CHECK(s.stddev() == Approx(std::sqrt(32.0 / 7.0)));
  CHECK(s.min() == 2.0);
  CHECK(s.max() == 9.0);
  CHECK(s.mean_ci(0.99).half_width == Approx(mean_ci({2, 4, 4, 4, 5, 5, 7, 9}, 0.99).half_width));

  SECTION("one value") {
    RunningStats one;
    one.add(-3.0);
    CHECK(one.mean() == -3.0);
    CHECK(std::isnan(one.variance()));
    CHECK(one.population_variance() == 0.0);
    CHECK(std::isinf(one.mean_ci(0.95).half_width));
  }
  SECTION("numerically stable with a large offset") {
    // 1e9 + {4, 7, 13, 16}: mean 1e9 + 10, deviations -6, -3, 3, 6, s^2 = 90/3 = 30.
    RunningStats big;
    for (double x : {4.0, 7.0, 13.0, 16.0}) big.add(1e9 + x);
    CHECK(big.mean() == Approx(1e9 + 10.0).epsilon(1e-15));
    CHECK(big.variance() == Approx(30.0).epsilon(1e-9));
  }
  SECTION("merge equals adding everything to one accumulator") {
    std::mt19937_64 rng(3);
    std::exponential_distribution<double> d(0.5);
    RunningStats all, a, b, empty;
    for (int i = 0; i < 10001; ++i) {
      const double x = d(rng);
      all.add(x);
      (i < 3000 ? a : b).add(x);
    }
    RunningStats merged = a;
    merged.merge(b);
    merged.merge(empty);
    CHECK(merged.count() == all.count());
    CHECK(merged.mean() == Approx(all.mean()).epsilon(1e-12));
    CHECK(merged.variance() == Approx(all.variance()).epsilon(1e-12));
    CHECK(merged.min() == all.min());
    CHECK(merged.max() == all.max());
    RunningStats into_empty;
    into_empty.merge(a);
    CHECK(into_empty.mean() == a.mean());
    CHECK(into_empty.variance() == a.variance());
  }
  SECTION("clear") {
    s.clear();
    CHECK(s.count() == 0);
    s.add(1.0);
    CHECK(s.min() == 1.0);
    CHECK(s.max() == 1.0);
  }
}
