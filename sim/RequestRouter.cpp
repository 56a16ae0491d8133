#include "RequestRouter.hpp"

#include "ArrivalFactory.hpp"
#include "ClusterSeries.hpp"
#include "CompletionDispatch.hpp"
#include "InferenceService.hpp"
#include "NodePricing.hpp"
#include "RegisterAllPolicies.hpp"
#include "ServingCluster.hpp"

#include <algorithm>
#include <cmath>
#include <simgrid/s4u.hpp>

namespace sg4 = simgrid::s4u;

namespace leptonsim {
namespace {

int site_index(const ScenarioSpec& spec, const std::string& name) {
  for (std::size_t s = 0; s < spec.platform.sites.size(); ++s)
    if (spec.platform.sites[s].name == name) return static_cast<int>(s);
  throw std::invalid_argument("unknown site " + name);
}

}  // namespace

RequestRouter::RequestRouter(const ScenarioSpec& spec, const RoutedServiceSpec& routed,
                             std::vector<InferenceService*> deployments, const ServingCluster& cluster, CostMeter& cost)
    : spec_(spec), routed_(routed), deployments_(std::move(deployments)), cost_(cost),
      policy_(policy_registries().request_routers.make(routed.routing.policy, routed.routing.params)),
      routed_to_(deployments_.size(), 0), routed_in_interval_(deployments_.size(), 0) {
  for (std::size_t d = 0; d < deployments_.size(); ++d) {
    const int site = site_index(spec, routed.sites[d]);
    deployment_sites_.push_back(site);
    price_per_gpu_hour_.push_back(cluster.price_per_gpu_hour(routed.sites[d]));
    egress_per_gb_.push_back(egress_price_per_gb(spec, spec.platform.sites[static_cast<std::size_t>(site)]));
    deployments_[d]->set_completion_listener([this, d](int origin, double arrival, double now) {
      on_completed(static_cast<int>(d), origin, arrival, now);
    });
  }
  for (const UserPopulationSpec& user : routed.users) {
    Population population;
    population.spec = &user;
    population.arrivals = make_arrival_process(user.arrivals, spec.source_path);
    population.stream = make_stream(spec.seed, "service/" + routed.name + "/users/" + user.name + "/arrivals");
    for (const std::string& site : routed.sites) population.latency.push_back(user.latency.at(site));
    population.home = static_cast<int>(std::min_element(population.latency.begin(), population.latency.end()) -
                                       population.latency.begin());
    populations_.push_back(std::move(population));
  }
}

void RequestRouter::start() {
  for (int p = 0; p < static_cast<int>(populations_.size()); ++p) schedule_next(p);
}

void RequestRouter::schedule_next(int p) {
  Population& population = populations_[static_cast<std::size_t>(p)];
  const std::optional<Arrival> next = population.arrivals->next(population.stream);
  if (!next || next->time >= spec_.duration) return;
  population.next = *next;
  schedule_at(next->time, [this, p] { on_arrival(p); });
}

const RouteRequest& RequestRouter::view_for(const Population& population) {
  RouteRequest& request = view_;
  request.sites.clear();
  request.population = static_cast<int>(&population - populations_.data());
  const double bytes_out = routed_.routing.request_bytes, bytes_back = routed_.routing.response_bytes;
  for (std::size_t d = 0; d < deployments_.size(); ++d) {
    const InferenceService::RoutingLoad load = deployments_[d]->routing_load();
    const ServiceSpec& service = deployments_[d]->spec();
    SiteRouteView site;
    site.site = static_cast<int>(d);
    site.one_way_latency = population.latency[d];
    site.ready_replicas = load.ready_replicas;
    site.free_slots = load.free_slots;
    site.waiting = load.waiting;
    site.slots = load.slots;
    site.recent_latency = load.recent_latency;
    site.price_per_gpu_hour = price_per_gpu_hour_[d];
    const int slots_per_replica = service.llm.is_enabled ? service.llm.max_batch : service.max_concurrency;
    site.compute_cost = price_per_gpu_hour_[d] / 3600.0 * service.gpus_per_replica * load.recent_latency /
                        std::max(1, slots_per_replica);
    site.is_home = static_cast<int>(d) == population.home;
    if (!site.is_home)
      site.transfer_cost = bytes_out / 1e9 * egress_per_gb_[static_cast<std::size_t>(population.home)] +
                           bytes_back / 1e9 * egress_per_gb_[d];
    request.sites.push_back(site);
  }
  return request;
}

void RequestRouter::on_arrival(int p) {
  if (is_stopped_) return;
  Population& population = populations_[static_cast<std::size_t>(p)];
  const Arrival arrival = population.next;
  ++arrived_;
  ++population.arrived;
  const int chosen = policy_->route(view_for(population));
  if (chosen < 0 || chosen >= static_cast<int>(deployments_.size()))
    throw std::logic_error("request router '" + routed_.routing.policy + "' chose no valid site");
  ++routed_to_[static_cast<std::size_t>(chosen)];
  ++routed_in_interval_[static_cast<std::size_t>(chosen)];
  if (chosen != population.home) {
    ++remote_;
    ++population.remote;
    // Request bytes leave the home site, response bytes the serving site.
    const int home_site = deployment_sites_[static_cast<std::size_t>(population.home)];
    const int serving_site = deployment_sites_[static_cast<std::size_t>(chosen)];
    cost_.add_egress(home_site, routed_.routing.request_bytes);
    cost_.add_egress(serving_site, routed_.routing.response_bytes);
    egress_bytes_ += routed_.routing.request_bytes + routed_.routing.response_bytes;
  }
  std::size_t slot;
  if (free_slots_.empty()) {
    slot = in_flight_.size();
    in_flight_.push_back({});
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  in_flight_[slot] = InFlight{arrival, p, chosen};
  const double delay = population.latency[static_cast<std::size_t>(chosen)];
  if (delay > 0)
    schedule_at(arrival.time + delay, [this, slot] { deliver(slot); });
  else
    deliver(slot);
  schedule_next(p);
}

void RequestRouter::deliver(std::size_t slot) {
  const InFlight request = in_flight_[slot];
  free_slots_.push_back(slot);
  if (is_stopped_) return;
  // The deployment sees the request arrive now; its origin comes back with the completion.
  Arrival arrival = request.arrival;
  arrival.time = sg4::Engine::get_clock();
  deployments_[static_cast<std::size_t>(request.site)]->inject(arrival, request.population);
}

void RequestRouter::on_completed(int site, int origin, double arrival, double now) {
  if (origin < 0) return;
  Population& population = populations_[static_cast<std::size_t>(origin)];
  const double one_way = population.latency[static_cast<std::size_t>(site)];
  // Sent at arrival - one_way; answered at now + one_way.
  const double latency = now - arrival + 2 * one_way;
  const double sent = arrival - one_way;
  ++completed_;
  ++population.completed;
  interval_latency_.record(latency);
  if (sent >= spec_.warmup) {
    latency_.record(latency);
    population.latency_histogram.record(latency);
    if (routed_.slo.latency_p99 > 0 && latency <= routed_.slo.latency_p99) ++completed_in_slo_;
  }
}

void RequestRouter::sample(double now, std::vector<TimeSeries>& series) {
  const double interval = now - last_sample_;
  for (std::size_t d = 0; d < deployments_.size(); ++d) {
    append_entity_point(series, "routing.rate", routed_.name + "@" + routed_.sites[d], now,
                        interval > 0 ? static_cast<double>(routed_in_interval_[d]) / interval : 0.0);
    routed_in_interval_[d] = 0;
  }
  if (!interval_latency_.empty())
    append_entity_point(series, "routing.latency_p99", routed_.name, now, interval_latency_.quantile(0.99));
  interval_latency_.clear();
  last_sample_ = now;
}

void RequestRouter::report(RunResult& result) const {
  const std::string prefix = "service." + routed_.name + ".";
  auto put = [&](const std::string& metric, double value, const char* unit) {
    result.summary.push_back(SummaryMetric{prefix + metric, value, unit});
  };
  put("requests_arrived", static_cast<double>(arrived_), "1");
  put("requests_completed", static_cast<double>(completed_), "1");
  put("requests_remote", static_cast<double>(remote_), "1");
  put("egress_bytes", egress_bytes_, "B");
  put("latency_mean", latency_.mean(), "s");
  put("latency_p50", latency_.quantile(0.5), "s");
  put("latency_p95", latency_.quantile(0.95), "s");
  put("latency_p99", latency_.quantile(0.99), "s");
  if (routed_.slo.latency_p99 > 0)
    put("slo_attainment", latency_.empty() ? std::nan("") : static_cast<double>(completed_in_slo_) / latency_.count(), "1");
  for (std::size_t d = 0; d < deployments_.size(); ++d)
    put("routed_to." + routed_.sites[d], static_cast<double>(routed_to_[d]), "1");
  for (const Population& population : populations_) {
    const std::string users = "users." + population.spec->name + ".";
    put(users + "requests", static_cast<double>(population.arrived), "1");
    put(users + "remote", static_cast<double>(population.remote), "1");
    put(users + "latency_p99", population.latency_histogram.quantile(0.99), "s");
  }
}

}  // namespace leptonsim
