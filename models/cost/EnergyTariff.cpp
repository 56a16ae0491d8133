#include "cost/EnergyTariff.hpp"

#include <algorithm>
#include <cmath>

namespace leptonsim {

EnergyTariff::EnergyTariff(double base_price, std::vector<Period> periods)
    : base_price_(base_price), periods_(std::move(periods)) {}

double EnergyTariff::price_at(double t) const {
  const double clock = t - std::floor(t / kDay) * kDay;
  for (const Period& period : periods_) {
    const bool inside = period.from < period.to ? (clock >= period.from && clock < period.to)
                                                : (clock >= period.from || clock < period.to);
    if (inside) return period.price;
  }
  return base_price_;
}

std::vector<double> EnergyTariff::changes_between(double from, double to) const {
  std::vector<double> changes;
  if (periods_.empty() || to <= from) return changes;
  const double first_day = std::floor(from / kDay);
  for (double day = first_day; day * kDay < to; day += 1.0)
    for (const Period& period : periods_)
      for (double edge : {period.from, period.to}) {
        const double t = day * kDay + edge;
        if (t > from && t < to) changes.push_back(t);
      }
  std::sort(changes.begin(), changes.end());
  changes.erase(std::unique(changes.begin(), changes.end()), changes.end());
  return changes;
}

double EnergyTariff::cost(double kwh, double from, double to) const {
  if (to <= from) return kwh * price_at(from);
  const std::vector<double> changes = changes_between(from, to);
  double cost = 0.0, start = from;
  for (std::size_t i = 0; i <= changes.size(); ++i) {
    const double end = i < changes.size() ? changes[i] : to;
    cost += kwh * (end - start) / (to - from) * price_at(start);
    start = end;
  }
  return cost;
}

}  // namespace leptonsim
