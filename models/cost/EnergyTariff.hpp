// EnergyTariff: the electricity price over simulated time, a flat price with
// daily time-of-day periods on top. The run starts at midnight.
#pragma once

#include <vector>

namespace leptonsim {

class EnergyTariff {
public:
  struct Period {
    double from = 0.0;   // seconds after midnight
    double to = 0.0;     // seconds after midnight, exclusive; to < from wraps past midnight
    double price = 0.0;  // USD per kWh
  };
  static constexpr double kDay = 86400.0;

  // `periods` must not overlap (the scenario loader checks it).
  EnergyTariff(double base_price, std::vector<Period> periods);

  // USD per kWh at simulated time t.
  double price_at(double t) const;
  // Simulated times strictly inside (from, to) at which the price may change, ascending.
  std::vector<double> changes_between(double from, double to) const;
  // USD for `kwh` drawn evenly over [from, to): exact when no change lies inside.
  double cost(double kwh, double from, double to) const;

private:
  double base_price_;
  std::vector<Period> periods_;
};

// Power of one GPU node: everything but the GPUs (base), and each GPU's power
// linear in its load between idle and maximum, the model of SimGrid's host
// energy plugin (P = idle + load x (max - idle)).
struct NodePower {
  int gpus = 0;
  double base_watts = 0.0;      // host while on
  double gpu_idle_watts = 0.0;  // each GPU at load 0
  double gpu_max_watts = 0.0;   // each GPU at load 1
  double off_watts = 0.0;       // whole node while off

  // W with `busy_gpus` GPUs' worth of load (0..gpus).
  double watts(double busy_gpus) const { return base_watts + gpus * gpu_idle_watts + (gpu_max_watts - gpu_idle_watts) * busy_gpus; }
  // Joules of the GPUs alone over `on_seconds`, loaded for `busy_gpu_seconds` GPU-seconds.
  double gpu_energy(double on_seconds, double busy_gpu_seconds) const {
    return gpus * gpu_idle_watts * on_seconds + (gpu_max_watts - gpu_idle_watts) * busy_gpu_seconds;
  }
  // Joules of a node on for `on_seconds`, its GPUs loaded for `busy_gpu_seconds` GPU-seconds, and off for `off_seconds`.
  double energy(double on_seconds, double busy_gpu_seconds, double off_seconds) const {
    return base_watts * on_seconds + gpu_energy(on_seconds, busy_gpu_seconds) + off_watts * off_seconds;
  }
};

}  // namespace leptonsim
