#include "CostMeter.hpp"

#include "ClusterSeries.hpp"
#include "NodePricing.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace leptonsim {
namespace {

constexpr double kJoulesPerKwh = 3.6e6;

std::size_t purchase_index(Purchase purchase) { return static_cast<std::size_t>(purchase); }

}  // namespace

CostMeter::CostMeter(const ScenarioSpec& spec, const SimPlatform& platform)
    : spec_(spec), standby_price_fraction_(spec.failures.spares.standby_price) {
  for (const SiteSpec& site : spec.platform.sites) {
    std::vector<EnergyTariff::Period> periods;
    for (const TariffPeriodSpec& period : site.energy.tariff) periods.push_back({period.from, period.to, period.price});
    tariffs_.emplace_back(site.energy.price, std::move(periods));
    egress_prices_.push_back(egress_price_per_gb(spec, site));
  }
  for (const SimNode& node : platform.nodes) {
    NodeMeter meter;
    meter.power = NodePower{static_cast<int>(node.gpus.size()), node.shape->base_power_watts, node.gpu->idle_power_watts,
                            node.gpu->max_power_watts, node.shape->off_power_watts};
    meter.price_per_hour = node.price_per_hour;
    meter.purchase = node.purchase;
    meter.site = node.site_index;
    has_purchase_[purchase_index(node.purchase)] = true;
    nodes_.push_back(meter);
  }
}

std::vector<double> CostMeter::price_changes(double from, double to) const {
  std::vector<double> changes;
  for (const EnergyTariff& tariff : tariffs_) {
    const std::vector<double> site_changes = tariff.changes_between(from, to);
    changes.insert(changes.end(), site_changes.begin(), site_changes.end());
  }
  std::sort(changes.begin(), changes.end());
  changes.erase(std::unique(changes.begin(), changes.end()), changes.end());
  return changes;
}

void CostMeter::accumulate(NodeMeter& node, double now) {
  if (node.is_active) (node.is_standby ? node.standby_seconds : node.active_seconds) += now - node.since;
  node.since = now;
}

void CostMeter::set_active(int node, bool is_active, double now) {
  NodeMeter& meter = nodes_[static_cast<std::size_t>(node)];
  accumulate(meter, now);
  meter.is_active = is_active;
}

void CostMeter::set_standby(int node, bool is_standby, double now) {
  NodeMeter& meter = nodes_[static_cast<std::size_t>(node)];
  accumulate(meter, now);
  meter.is_standby = is_standby;
}

void CostMeter::add_egress(int from_site, double bytes) {
  egress_bytes_ += bytes;
  egress_cost_ += bytes / 1e9 * egress_prices_[static_cast<std::size_t>(from_site)];
}

void CostMeter::advance(double now, const std::vector<double>& busy_gpu_seconds) {
  const double from = last_advance_;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    NodeMeter& node = nodes_[i];
    accumulate(node, now);
    const double on_seconds = node.active_seconds + node.standby_seconds;
    const double off_seconds = std::max(0.0, (now - from) - on_seconds);
    const double busy = i < busy_gpu_seconds.size() ? busy_gpu_seconds[i] - node.busy_seen : 0.0;
    if (i < busy_gpu_seconds.size()) node.busy_seen = busy_gpu_seconds[i];

    compute_[purchase_index(node.purchase)] += node.active_seconds / 3600.0 * node.price_per_hour;
    spares_ += node.standby_seconds / 3600.0 * node.price_per_hour * standby_price_fraction_;
    billed_node_seconds_ += on_seconds;

    const EnergySpec& energy = spec_.platform.sites[static_cast<std::size_t>(node.site)].energy;
    const double joules = node.power.energy(on_seconds, busy, off_seconds);
    const double facility = joules * energy.pue;
    it_joules_ += joules;
    gpu_joules_ += node.power.gpu_energy(on_seconds, busy);
    facility_joules_ += facility;
    carbon_grams_ += facility / kJoulesPerKwh * energy.carbon_intensity;
    if (node.purchase == Purchase::owned)
      energy_cost_ += tariffs_[static_cast<std::size_t>(node.site)].cost(facility / kJoulesPerKwh, from, now);
    node.active_seconds = node.standby_seconds = 0.0;
  }
  last_advance_ = now;
}

double CostMeter::total_cost() const {
  double total = spares_ + energy_cost_ + egress_cost_;
  for (double compute : compute_) total += compute;
  return total;
}

void CostMeter::sample(double now, double storage_cost, std::vector<TimeSeries>& series) {
  const double interval = now - last_sample_;
  const double total = total_cost() + storage_cost;
  append_cluster_point(series, "cost.rate", now, interval > 0 ? (total - cost_at_sample_) / (interval / 3600.0) : 0.0);
  append_cluster_point(series, "cost.cumulative", now, total);
  append_cluster_point(series, "energy.power", now,
                       interval > 0 ? (facility_joules_ - facility_joules_at_sample_) / interval / 1e3 : 0.0);
  append_cluster_point(series, "energy.cumulative", now, facility_joules_ / kJoulesPerKwh);
  append_cluster_point(series, "carbon.cumulative", now, carbon_grams_ / 1e3);
  // Cumulative cost by category: one series per category (entity = category).
  const auto put_category = [&](const std::string& category, double value) {
    append_entity_point(series, "cost.by_category", category, now, value);
  };
  // Only the categories the scenario can spend on.
  for (Purchase purchase : all_purchases())
    if (has_purchase_[purchase_index(purchase)])
      put_category("compute." + purchase_name(purchase), compute_[purchase_index(purchase)]);
  if (spec_.failures.spares.nodes > 0) put_category("spares", spares_);
  if (has_purchase_[purchase_index(Purchase::owned)]) put_category("energy", energy_cost_);
  if (spec_.data.is_enabled) put_category("storage", storage_cost);
  if (spec_.platform.sites.size() > 1) put_category("egress", egress_cost_);
  cost_at_sample_ = total;
  facility_joules_at_sample_ = facility_joules_;
  last_sample_ = now;
}

void CostMeter::report(RunResult& result, const Outputs& outputs) const {
  auto put = [&](const std::string& metric, double value, const char* unit) {
    result.summary.push_back(SummaryMetric{metric, value, unit});
  };
  const double nan = std::nan("");
  double compute = 0.0;
  for (Purchase purchase : all_purchases()) {
    put("cost.compute." + purchase_name(purchase), compute_[purchase_index(purchase)], "USD");
    compute += compute_[purchase_index(purchase)];
  }
  const double total = total_cost() + outputs.storage_cost;
  const double hours = spec_.duration / 3600.0;
  put("cost.compute", compute, "USD");
  put("cost.spares", spares_, "USD");
  put("cost.energy", energy_cost_, "USD");
  put("cost.storage", outputs.storage_cost, "USD");
  put("cost.egress", egress_cost_, "USD");
  put("cost.total", total, "USD");
  put("cost.per_hour", total / hours, "USD/h");
  put("cost.node_hours", billed_node_seconds_ / 3600.0, "h");
  put("cost.per_million_output_tokens", outputs.output_tokens > 0 ? total / outputs.output_tokens * 1e6 : nan, "USD");
  put("cost.per_request", outputs.requests_completed > 0 ? total / outputs.requests_completed : nan, "USD");
  put("cost.per_busy_gpu_hour", outputs.busy_gpu_hours > 0 ? total / outputs.busy_gpu_hours : nan, "USD");
  put("egress.bytes", egress_bytes_, "B");
  put("energy.it_kwh", it_joules_ / kJoulesPerKwh, "kWh");
  put("energy.gpu_kwh", gpu_joules_ / kJoulesPerKwh, "kWh");
  put("energy.facility_kwh", facility_joules_ / kJoulesPerKwh, "kWh");
  put("energy.mean_power_kw", facility_joules_ / spec_.duration / 1e3, "kW");
  put("carbon.kg", carbon_grams_ / 1e3, "kg");
}

}  // namespace leptonsim
