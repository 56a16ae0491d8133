#include "FailureInjector.hpp"

#include "ClusterSeries.hpp"
#include "CompletionDispatch.hpp"
#include "MetricName.hpp"
#include "ServingCluster.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

namespace sg4 = simgrid::s4u;

namespace leptonsim {

HardwareHealth::HardwareHealth(const SimPlatform& platform) {
  int first = 0;
  for (const SimNode& node : platform.nodes) {
    first_gpu_.push_back(first);
    first += static_cast<int>(node.gpus.size());
  }
  gpu_down_.assign(static_cast<std::size_t>(first), 0);
  node_cut_off_.assign(platform.nodes.size(), 0);
}

FailureInjector::FailureInjector(const ScenarioSpec& spec, const SimPlatform& platform, ServingCluster& cluster,
                                 std::vector<Event>& events)
    : spec_(spec),
      platform_(platform),
      cluster_(cluster),
      events_(events),
      topology_(spec.platform, spec.catalog),
      domains_(topology_, node_names_of(spec.platform)),
      health_(platform) {
  FailureModels models = build_failure_models(spec, domains_);
  for (const FailureClassModel& model : models.classes)
    by_cause_[model.name].components += static_cast<std::int64_t>(model.components.size());
  generator_ = std::make_unique<FailureGenerator>(std::move(models.classes), std::move(models.trace), spec.seed);
  // The site's last fixed nodes stand by, out of the pool, before anything is placed.
  const SparesSpec& spares = spec.failures.spares;
  std::vector<int> site_nodes;
  for (int n = 0; n < static_cast<int>(platform.nodes.size()); ++n)
    if (platform.nodes[static_cast<std::size_t>(n)].site == spares.site && platform.nodes[static_cast<std::size_t>(n)].pool < 0)
      site_nodes.push_back(n);
  for (int k = 0; k < spares.nodes && k < static_cast<int>(site_nodes.size()); ++k)
    set_standby(site_nodes[site_nodes.size() - 1 - static_cast<std::size_t>(k)], true, 0.0);
  for (const SimNode& node : platform.nodes) {
    // The node's NIC link is split-duplex: one link per direction.
    for (const char* direction : {"_UP", "_DOWN"})
      nic_links_.push_back(sg4::Link::by_name(node.name + "/nic" + direction));
    for (sg4::Host* gpu : node.gpus) gpu_hosts_.push_back(gpu);
  }
}

FailureInjector::~FailureInjector() = default;

void FailureInjector::start() { schedule_next(); }

void FailureInjector::schedule_next() {
  pending_ = generator_->next();
  if (!pending_ || pending_->time >= spec_.duration) return;
  // A reclaim's notice comes before it (at once when the notice is longer than the wait).
  if (pending_->notice > 0) {
    const double notice_at = std::max(sg4::Engine::get_clock(), pending_->time - pending_->notice);
    schedule_at(notice_at, [this, occurrence = *pending_] {
      if (!is_stopped_) on_notice(occurrence);
    });
  }
  schedule_at(pending_->time, [this] {
    if (is_stopped_) return;
    const FailureOccurrence failure = *pending_;
    on_failure(failure);
    schedule_next();
  });
}

void FailureInjector::put_event(double t, const char* kind, int id, nlohmann::json detail) const {
  const Active& active = active_.at(id);
  detail["failure"] = id;
  detail["cause"] = active.failure.cause;
  events_.push_back(Event{t, kind, active.failure.component, detail.dump()});
}

std::vector<GpuRef> FailureInjector::gpus_of(const FailureEffect& effect) const {
  std::set<GpuRef> gpus(effect.gpus_down.begin(), effect.gpus_down.end());
  for (const std::vector<int>* nodes : {&effect.nodes_down, &effect.nodes_cut_off})
    for (const int node : *nodes)
      for (int g = 0; g < static_cast<int>(platform_.nodes[static_cast<std::size_t>(node)].gpus.size()); ++g)
        gpus.insert({node, g});
  return {gpus.begin(), gpus.end()};
}

void FailureInjector::on_notice(const FailureOccurrence& failure) {
  const double now = sg4::Engine::get_clock();
  std::vector<GpuRef> gpus = gpus_of(domains_.effect(failure.component));
  for (const GpuRef& gpu : gpus) cluster_.take_out_of_service(gpu.first, gpu.second);
  for (const Listener& listener : listeners_)
    if (listener.on_notice) listener.on_notice(gpus, now, failure.time);
  events_.push_back(Event{now, "reclaim_notice", failure.component,
                          nlohmann::json{{"cause", failure.cause}, {"reclaim_at", failure.time}, {"gpus", gpus.size()}}
                              .dump()});
  cordoned_ = std::move(gpus);
}

void FailureInjector::on_failure(const FailureOccurrence& failure) {
  const double now = sg4::Engine::get_clock();
  const FailureEffect effect = domains_.effect(failure.component);
  const int id = next_id_++;
  Active& active = active_[id];
  active.failure = failure;
  active.gpus = gpus_of(effect);
  // The GPUs whose hosts go off (failed GPUs and nodes); cut-off nodes lose their NIC links instead.
  for (const GpuRef& gpu : effect.gpus_down)
    active.gpus_down_flat.push_back(health_.first_gpu_[static_cast<std::size_t>(gpu.first)] + gpu.second);
  for (const int node : effect.nodes_down)
    for (int g = 0; g < static_cast<int>(platform_.nodes[static_cast<std::size_t>(node)].gpus.size()); ++g)
      active.gpus_down_flat.push_back(health_.first_gpu_[static_cast<std::size_t>(node)] + g);
  active.nodes_cut_off = effect.nodes_cut_off;
  active.storage_nodes_down = effect.storage_nodes_down;
  active.disks_failed = effect.disks_failed;
  const double period = spec_.failures.check_period;
  active.detected_at = std::ceil(now / period - 1e-9) * period + spec_.failures.detection_delay;
  if (failure.notice > 0) {
    active.detected_at = now;  // the provider announced it
    active.is_cordoned = cordoned_.has_value();
    cordoned_.reset();
  }
  active.repaired_at = std::max(now + failure.repair, active.detected_at);
  ++by_cause_[failure.cause].failures;

  int newly_unusable = 0;
  for (const GpuRef& gpu : active.gpus) newly_unusable += health_.is_usable(gpu.first, gpu.second) ? 1 : 0;
  // Work on the GPUs stops first (listeners cancel their activities there), then the hardware goes off.
  for (const Listener& listener : listeners_) listener.on_failed(active.gpus, now, failure.cause);
  for (const int flat : active.gpus_down_flat)
    if (health_.gpu_down_[static_cast<std::size_t>(flat)]++ == 0) gpu_hosts_[static_cast<std::size_t>(flat)]->turn_off();
  for (const int node : active.nodes_cut_off)
    if (health_.node_cut_off_[static_cast<std::size_t>(node)]++ == 0)
      for (const int direction : {0, 1}) nic_links_[static_cast<std::size_t>(2 * node + direction)]->turn_off();
  unusable_gpus_ += newly_unusable;
  gpus_unusable_.set(now, unusable_gpus_);
  under_repair_.add(now, 1);

  std::set<int> nodes;
  for (const GpuRef& gpu : active.gpus) nodes.insert(gpu.first);
  nlohmann::json detail{{"gpus", active.gpus.size()},
                        {"nodes", nodes.size()},
                        {"detected_at", active.detected_at},
                        {"repaired_at", active.repaired_at}};
  if (!active.storage_nodes_down.empty()) detail["storage_nodes"] = active.storage_nodes_down.size();
  if (!active.disks_failed.empty()) detail["disks"] = active.disks_failed.size();
  put_event(now, "failure", id, std::move(detail));
  if (storage_listener_.on_failed && (!active.storage_nodes_down.empty() || !active.disks_failed.empty()))
    storage_listener_.on_failed(id, active.storage_nodes_down, active.disks_failed, now, failure.cause, failure.component);
  schedule_at(active.detected_at, [this, id] { on_detection(id); });
}

void FailureInjector::set_standby(int node, bool is_standby, double now) {
  const SimNode& sim_node = platform_.nodes[static_cast<std::size_t>(node)];
  for (int g = 0; g < static_cast<int>(sim_node.gpus.size()); ++g) {
    if (is_standby)
      cluster_.take_out_of_service(node, g);
    else
      cluster_.return_to_service(node, g);
  }
  mark_standby(node, is_standby, now);
}

// The standby set (the GPUs are moved by the caller); the cost meter is told.
void FailureInjector::mark_standby(int node, bool is_standby, double now) {
  if (is_standby)
    standby_.insert(node);
  else
    standby_.erase(node);
  standby_nodes_.set(now, static_cast<double>(standby_.size()));
  if (standby_listener_) standby_listener_(node, is_standby, now);
}

bool FailureInjector::is_node_usable(int node) const {
  for (int g = 0; g < static_cast<int>(platform_.nodes[static_cast<std::size_t>(node)].gpus.size()); ++g)
    if (!health_.is_usable(node, g)) return false;
  return true;
}

void FailureInjector::cover_with_spares(const Active& active, double now) {
  std::set<int> nodes;
  for (const GpuRef& gpu : active.gpus) nodes.insert(gpu.first);
  for (const int node : nodes) {
    if (standby_.count(node) > 0 || covered_.count(node) > 0) continue;
    int spare = -1;
    for (const int candidate : standby_)
      if (is_node_usable(candidate)) {
        spare = candidate;
        break;
      }
    if (spare < 0) {
      ++spares_missing_;
      continue;
    }
    // Out of the standby set at once (it is committed), into the pool after the activation delay.
    mark_standby(spare, false, now);
    covered_[node] = spare;
    ++spare_activations_;
    const double ready_at = now + spec_.failures.spares.activation;
    events_.push_back(Event{now, "spare_activated", platform_.nodes[static_cast<std::size_t>(spare)].name,
                            nlohmann::json{{"replaces", platform_.nodes[static_cast<std::size_t>(node)].name},
                                           {"cause", active.failure.cause},
                                           {"ready_at", ready_at}}
                                .dump()});
    schedule_at(ready_at, [this, spare] {
      if (is_stopped_) return;
      for (int g = 0; g < static_cast<int>(platform_.nodes[static_cast<std::size_t>(spare)].gpus.size()); ++g)
        cluster_.return_to_service(spare, g);
    });
  }
}

void FailureInjector::retire_repaired_to_standby(const Active& active, double now) {
  std::set<int> nodes;
  for (const GpuRef& gpu : active.gpus) nodes.insert(gpu.first);
  for (const int node : nodes) {
    const auto it = covered_.find(node);
    if (it == covered_.end() || !is_node_usable(node)) continue;
    events_.push_back(Event{now, "node_to_standby", platform_.nodes[static_cast<std::size_t>(node)].name,
                            nlohmann::json{{"replaced_by", platform_.nodes[static_cast<std::size_t>(it->second)].name}}.dump()});
    covered_.erase(it);
    set_standby(node, true, now);
  }
}

void FailureInjector::on_detection(int id) {
  if (is_stopped_) return;
  const double now = sg4::Engine::get_clock();
  Active& active = active_.at(id);
  if (!active.is_cordoned)
    for (const GpuRef& gpu : active.gpus) cluster_.take_out_of_service(gpu.first, gpu.second);
  if (spec_.failures.spares.nodes > 0) cover_with_spares(active, now);
  for (const Listener& listener : listeners_) listener.on_detected(active.gpus, now, active.failure.cause);
  put_event(now, "failure_detected", id, {{"after_seconds", now - active.failure.time}});
  schedule_at(active.repaired_at, [this, id] { on_repair(id); });
}

void FailureInjector::on_repair(int id) {
  if (is_stopped_) return;
  const double now = sg4::Engine::get_clock();
  Active& active = active_.at(id);
  for (const int flat : active.gpus_down_flat)
    if (--health_.gpu_down_[static_cast<std::size_t>(flat)] == 0) gpu_hosts_[static_cast<std::size_t>(flat)]->turn_on();
  for (const int node : active.nodes_cut_off)
    if (--health_.node_cut_off_[static_cast<std::size_t>(node)] == 0)
      for (const int direction : {0, 1}) nic_links_[static_cast<std::size_t>(2 * node + direction)]->turn_on();
  int back = 0;
  for (const GpuRef& gpu : active.gpus) back += health_.is_usable(gpu.first, gpu.second) ? 1 : 0;
  unusable_gpus_ -= back;
  gpus_unusable_.set(now, unusable_gpus_);
  under_repair_.add(now, -1);
  by_cause_[active.failure.cause].down_seconds += now - active.failure.time;
  put_event(now, "repair", id, {{"down_seconds", now - active.failure.time}});
  if (storage_listener_.on_repaired && (!active.storage_nodes_down.empty() || !active.disks_failed.empty()))
    storage_listener_.on_repaired(id, active.storage_nodes_down, active.disks_failed, now);
  for (const GpuRef& gpu : active.gpus) cluster_.return_to_service(gpu.first, gpu.second);
  if (spec_.failures.spares.nodes > 0) retire_repaired_to_standby(active, now);
  active_.erase(id);
}

void FailureInjector::stop(double now) {
  is_stopped_ = true;
  for (const auto& [id, active] : active_) by_cause_[active.failure.cause].down_seconds += now - active.failure.time;
  gpus_unusable_.advance(now);
  under_repair_.advance(now);
  standby_nodes_.advance(now);
}

void FailureInjector::sample(double now, std::vector<TimeSeries>& series) {
  auto put = [&](const char* name, double value) { append_cluster_point(series, name, now, value); };
  gpus_unusable_.advance(now);
  const double interval = now - last_sample_;
  put("failures.gpus_unusable", interval > 0 ? (gpus_unusable_.area() - unusable_at_sample_) / interval : 0.0);
  put("failures.repair_backlog", under_repair_.value());
  unusable_at_sample_ = gpus_unusable_.area();
  last_sample_ = now;
}

void FailureInjector::report(RunResult& result) const {
  const double duration = spec_.duration;
  auto put = [&](const std::string& metric, double value, const char* unit) {
    result.summary.push_back(SummaryMetric{metric, value, unit});
  };
  std::int64_t total = 0;
  for (const auto& [cause, counters] : by_cause_) total += counters.failures;
  put("failures.count", static_cast<double>(total), "1");
  put("failures.gpu_hours_unusable", gpus_unusable_.area() / 3600.0, "GPU*h");
  put("failures.repair_backlog_mean", under_repair_.area() / duration, "1");
  if (spec_.failures.spares.nodes > 0) {
    put("failures.spare_activations", static_cast<double>(spare_activations_), "1");
    put("failures.spares_missing", static_cast<double>(spares_missing_), "1");
    put("failures.standby_nodes_mean", standby_nodes_.area() / duration, "1");
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& [cause, counters] : by_cause_) {
    const std::string prefix = "failures." + metric_component(cause);
    put(prefix + ".count", static_cast<double>(counters.failures), "1");
    if (counters.components == 0) continue;  // trace causes: no population to rate
    const double component_seconds = static_cast<double>(counters.components) * duration;
    const double up = component_seconds - counters.down_seconds;
    put(prefix + ".observed_mtbf", counters.failures > 0 ? up / static_cast<double>(counters.failures) : nan, "s");
    put(prefix + ".availability", up / component_seconds, "1");
  }
}

}  // namespace leptonsim
