// Queueing closed forms against values computed by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "QueueingFormulas.hpp"

using namespace leptonsim;

TEST_CASE("Erlang B and C for small systems", "[queueing]") {
  // M/M/1: B(1, a) = a / (1 + a); C(1, a) = rho = a.
  CHECK(erlang_b_blocking(1, 0.5) == Approx(1.0 / 3.0));
  CHECK(erlang_c_probability_wait(1, 0.5) == Approx(0.5));
  CHECK(erlang_c_probability_wait(1, 0.9) == Approx(0.9));
  // M/M/2 with a = 1: B(1) = 1/2, B(2) = (1/2) / (2 + 1/2) = 0.2;
  // C = 2 * 0.2 / (2 - 1 * 0.8) = 1/3.
  CHECK(erlang_b_blocking(2, 1.0) == Approx(0.2));
  CHECK(erlang_c_probability_wait(2, 1.0) == Approx(1.0 / 3.0));
  // No load, no waiting; overload, everybody waits.
  CHECK(erlang_c_probability_wait(4, 0.0) == 0.0);
  CHECK(erlang_c_probability_wait(4, 4.0) == 1.0);
  CHECK(erlang_c_probability_wait(4, 7.5) == 1.0);
}

TEST_CASE("Erlang C for c = 16 computed by hand", "[queueing]") {
  // c = 16, a = lambda/mu = 12 (lambda = 12/s, mu = 1/s, rho = 0.75).
  //   sum_{k=0}^{15} 12^k / k!            = 137432.693385
  //   12^16 / 16! = 8836.501245; * c/(c-a) = 8836.501245 * 16/4 = 35346.004980
  //   C = 35346.004980 / (137432.693385 + 35346.004980) = 0.2045738584
  //   Wq = C / (c mu - lambda) = 0.2045738584 / 4 = 0.0511434646 s
  CHECK(erlang_c_probability_wait(16, 12.0) == Approx(0.2045738584).epsilon(1e-9));
  CHECK(mmc_mean_wait(12.0, 1.0, 16) == Approx(0.0511434646).epsilon(1e-9));
  CHECK(mmc_mean_response(12.0, 1.0, 16) == Approx(1.0511434646).epsilon(1e-9));
  // The same system with time scaled by 10 (mu = 10/s): the wait scales by 1/10.
  CHECK(mmc_mean_wait(120.0, 10.0, 16) == Approx(0.00511434646).epsilon(1e-9));
}

TEST_CASE("Erlang C is stable for large c", "[queueing]") {
  // Reference values from the textbook formula with exact rational arithmetic
  // (sum of a^k/k! for k < c plus a^c/c! * c/(c-a), no floating point).
  CHECK(erlang_c_probability_wait(100, 80.0) == Approx(0.01964642663435951).epsilon(1e-10));
  CHECK(erlang_c_probability_wait(1000, 950.0) == Approx(0.06825341537714143).epsilon(1e-10));
  CHECK(erlang_c_probability_wait(1000, 990.0) == Approx(0.6590804218808545).epsilon(1e-10));
  // Far beyond where a^c / c! overflows a double (c = 5000).
  const double c5000 = erlang_c_probability_wait(5000, 4900.0);
  CHECK(std::isfinite(c5000));
  CHECK(c5000 > 0.0);
  CHECK(c5000 < 1.0);
}

TEST_CASE("M/M/1 and M/M/c waits", "[queueing]") {
  // M/M/1, rho = 0.5: Wq = rho / (mu - lambda).
  CHECK(mmc_mean_wait(0.5, 1.0, 1) == Approx(0.5 / 0.5));
  CHECK(mmc_mean_wait(2.0, 4.0, 1) == Approx(0.5 / 2.0));
  // W = 1 / (mu - lambda).
  CHECK(mmc_mean_response(2.0, 4.0, 1) == Approx(0.5));
  // Lq = rho^2 / (1 - rho) = 0.5 at rho = 0.5.
  CHECK(mmc_mean_queue_length(0.5, 1.0, 1) == Approx(0.5));
  // M/M/2, lambda = 1, mu = 1: C = 1/3, Wq = C / (2 - 1) = 1/3.
  CHECK(mmc_mean_wait(1.0, 1.0, 2) == Approx(1.0 / 3.0));
  CHECK(mmc_mean_response(1.0, 1.0, 2) == Approx(4.0 / 3.0));
  // Unstable and idle systems.
  CHECK(std::isinf(mmc_mean_wait(2.0, 1.0, 2)));
  CHECK(std::isinf(mmc_mean_wait(3.0, 1.0, 2)));
  CHECK(mmc_mean_wait(0.0, 1.0, 3) == 0.0);
}

TEST_CASE("Pollaczek-Khinchine: M/D/1 and M/G/1", "[queueing]") {
  // M/D/1, rho = 0.8, s = 1: Wq = rho s / (2 (1 - rho)) = 0.8 / 0.4 = 2.0.
  CHECK(md1_mean_wait(0.8, 1.0) == Approx(2.0));
  // Same in milliseconds-scale time: s = 0.01 s, lambda = 80/s: Wq = 0.02 s.
  CHECK(md1_mean_wait(80.0, 0.01) == Approx(0.02));
  // M/G/1 with exponential service (E[S^2] = 2 E[S]^2) is M/M/1.
  CHECK(mg1_mean_wait(0.5, 1.0, 2.0) == Approx(mmc_mean_wait(0.5, 1.0, 1)));
  CHECK(mg1_mean_wait(3.0, 0.25, 2 * 0.25 * 0.25) == Approx(mmc_mean_wait(3.0, 4.0, 1)));
  // Uniform service on [0, 2]: E[S] = 1, E[S^2] = 4/3; lambda = 0.5:
  // Wq = 0.5 * (4/3) / (2 * 0.5) = 2/3.
  CHECK(mg1_mean_wait(0.5, 1.0, 4.0 / 3.0) == Approx(2.0 / 3.0));
  CHECK(std::isinf(md1_mean_wait(1.0, 1.0)));
  CHECK(mg1_mean_wait(0.0, 1.0, 1.0) == 0.0);
}

TEST_CASE("Little's law", "[queueing]") {
  CHECK(littles_law_l(10.0, 0.25) == Approx(2.5));
  CHECK(littles_law_l(0.0, 5.0) == 0.0);
  // L = lambda W holds for the M/M/c formulas: Lq = lambda Wq.
  CHECK(mmc_mean_queue_length(12.0, 1.0, 16) == Approx(12.0 * 0.0511434646).epsilon(1e-9));
}

TEST_CASE("Queueing formulas reject invalid arguments", "[queueing]") {
  CHECK_THROWS_AS(erlang_b_blocking(0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(erlang_c_probability_wait(2, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(erlang_c_probability_wait(2, std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(mmc_mean_wait(1.0, 0.0, 2), std::invalid_argument);
  CHECK_THROWS_AS(mmc_mean_wait(-1.0, 1.0, 2), std::invalid_argument);
  CHECK_THROWS_AS(mg1_mean_wait(0.5, 1.0, 0.5), std::invalid_argument);  // E[S^2] < E[S]^2
  CHECK_THROWS_AS(md1_mean_wait(0.5, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(littles_law_l(-1.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(littles_law_l(1.0, -1.0), std::invalid_argument);
}
