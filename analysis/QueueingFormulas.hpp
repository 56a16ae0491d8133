// Closed-form queueing results used to validate the simulator (see DESIGN.md,
// "How we know it is right"). Times are in seconds, rates in 1/s.
//
// Conventions: lambda = arrival rate, mu = service rate of one server,
// c = number of servers, a = lambda / mu = offered load in Erlangs,
// rho = a / c = utilisation. Invalid arguments (negative rates, c < 1, NaN)
// throw std::invalid_argument. An unstable queue (rho >= 1) has an infinite
// mean wait: the wait functions then return +infinity and
// erlang_c_probability_wait returns 1.
#pragma once

namespace leptonsim {

/// Erlang B: blocking probability of an M/M/c/c loss system with offered load
/// a, by the recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), which is
/// numerically stable for any c (no factorials or powers).
double erlang_b_blocking(int c, double a);

/// Erlang C: probability that an arriving customer waits in an M/M/c queue,
/// C = c B / (c - a (1 - B)) with B = erlang_b_blocking(c, a). Stable for c up
/// to 1000 and beyond. Returns 1 when a >= c.
double erlang_c_probability_wait(int c, double a);

/// M/M/c mean waiting time in queue: Wq = C(c, a) / (c mu - lambda).
double mmc_mean_wait(double lambda, double mu, int c);

/// M/M/c mean response (sojourn) time: W = Wq + 1 / mu.
double mmc_mean_response(double lambda, double mu, int c);

/// M/M/c mean number waiting in queue: Lq = lambda Wq (Little's law).
double mmc_mean_queue_length(double lambda, double mu, int c);

/// Pollaczek-Khinchine mean wait of an M/G/1 queue:
/// Wq = lambda E[S^2] / (2 (1 - rho)), rho = lambda E[S].
/// `second_moment_s` is E[S^2] (= variance + mean^2), not the variance.
double mg1_mean_wait(double lambda, double mean_s, double second_moment_s);

/// M/D/1 mean wait (deterministic service time s): Wq = rho s / (2 (1 - rho)).
double md1_mean_wait(double lambda, double service_time);

/// Little's law: mean number in a system L = lambda W.
double littles_law_l(double lambda, double w);

}  // namespace leptonsim
