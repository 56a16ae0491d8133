#include "QueueingFormulas.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace leptonsim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void require(bool ok, const char* function, const std::string& what) {
  if (!ok) throw std::invalid_argument(std::string(function) + ": " + what);
}

void check_servers(int c, const char* function) {
  require(c >= 1, function, "number of servers must be >= 1, got " + std::to_string(c));
}

void check_rate(double value, const char* function, const char* name, bool allow_zero) {
  const bool ok = std::isfinite(value) && (allow_zero ? value >= 0.0 : value > 0.0);
  require(ok, function,
          std::string(name) + (allow_zero ? " must be finite and >= 0" : " must be finite and > 0") +
              ", got " + std::to_string(value));
}

}  // namespace

double erlang_b_blocking(int c, double a) {
  check_servers(c, "erlang_b_blocking");
  check_rate(a, "erlang_b_blocking", "offered load a", true);
  double b = 1.0;
  for (int k = 1; k <= c; ++k) b = a * b / (static_cast<double>(k) + a * b);
  return b;
}

double erlang_c_probability_wait(int c, double a) {
  check_servers(c, "erlang_c_probability_wait");
  check_rate(a, "erlang_c_probability_wait", "offered load a", true);
  if (a >= static_cast<double>(c)) return 1.0;
  const double b = erlang_b_blocking(c, a);
  return static_cast<double>(c) * b / (static_cast<double>(c) - a * (1.0 - b));
}

double mmc_mean_wait(double lambda, double mu, int c) {
  check_rate(lambda, "mmc_mean_wait", "lambda", true);
  check_rate(mu, "mmc_mean_wait", "mu", false);
  check_servers(c, "mmc_mean_wait");
  const double capacity = static_cast<double>(c) * mu;
  if (lambda >= capacity) return kInf;
  return erlang_c_probability_wait(c, lambda / mu) / (capacity - lambda);
}

double mmc_mean_response(double lambda, double mu, int c) {
  return mmc_mean_wait(lambda, mu, c) + 1.0 / mu;
}

double mmc_mean_queue_length(double lambda, double mu, int c) {
  return littles_law_l(lambda, mmc_mean_wait(lambda, mu, c));
}

double mg1_mean_wait(double lambda, double mean_s, double second_moment_s) {
  check_rate(lambda, "mg1_mean_wait", "lambda", true);
  check_rate(mean_s, "mg1_mean_wait", "mean service time", false);
  check_rate(second_moment_s, "mg1_mean_wait", "second moment of service time", false);
  require(second_moment_s >= mean_s * mean_s * (1.0 - 1e-12), "mg1_mean_wait",
          "second moment E[S^2] must be >= E[S]^2");
  const double rho = lambda * mean_s;
  if (rho >= 1.0) return kInf;
  return lambda * second_moment_s / (2.0 * (1.0 - rho));
}

double md1_mean_wait(double lambda, double service_time) {
  return mg1_mean_wait(lambda, service_time, service_time * service_time);
}

double littles_law_l(double lambda, double w) {
  require(std::isfinite(lambda) && lambda >= 0.0, "littles_law_l",
          "lambda must be finite and >= 0, got " + std::to_string(lambda));
  require(!std::isnan(w) && w >= 0.0, "littles_law_l",
          "w must be >= 0, got " + std::to_string(w));
  if (lambda == 0.0) return 0.0;
  return lambda * w;
}

}  // namespace leptonsim
