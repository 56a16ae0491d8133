#include "Simulation.hpp"

#include "ArrivalFactory.hpp"
#include "ClusterSeries.hpp"
#include "CompletionDispatch.hpp"
#include "CostMeter.hpp"
#include "EngineSetup.hpp"
#include "FailureInjector.hpp"
#include "InferenceService.hpp"
#include "JobScheduler.hpp"
#include "JobWorkload.hpp"
#include "PlatformBuilder.hpp"
#include "RegisterAllPolicies.hpp"
#include "ServingCluster.hpp"
#include "SqliteReport.hpp"
#include "StorageSystem.hpp"
#include "NodeWeightCaches.hpp"
#include "NodePoolManager.hpp"
#include "QuorumStore.hpp"
#include "RequestRouter.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <set>
#include <simgrid/plugins/energy.h>
#include <simgrid/s4u.hpp>
#include <unistd.h>

namespace sg4 = simgrid::s4u;

namespace leptonsim {

std::string text_hash(const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", hash);
}

namespace {

using Clock = std::chrono::steady_clock;

// Simulated times at which the controller samples: every interval, and the end.
std::vector<double> sample_times(double interval, double end) {
  std::vector<double> times;
  for (long k = 1;; ++k) {
    const double t = k * interval;
    if (t >= end * (1 - 1e-12)) break;
    times.push_back(t);
  }
  times.push_back(end);
  return times;
}

// Reports progress on stderr: JSON lines when asked, else a text line for runs
// that take more than a couple of seconds of wall time.
class ProgressReporter {
public:
  ProgressReporter(ProgressMode mode, double end_time, Clock::time_point started)
      : mode_(mode), end_time_(end_time), started_(started) {}

  void operator()() {
    const int steps = 100;
    for (int step = 1; step <= steps; ++step) {
      sg4::this_actor::sleep_until(end_time_ * step / steps);
      report(static_cast<double>(step) / steps);
    }
    if (printed_text_) std::fputc('\n', stderr);
  }

private:
  void report(double fraction) {
    const double wall = std::chrono::duration<double>(Clock::now() - started_).count();
    const double now = sg4::Engine::get_clock();
    if (mode_ == ProgressMode::json) {
      nlohmann::json line{{"event", "progress"}, {"sim_time", now}, {"fraction", fraction}, {"wall_seconds", wall}};
      std::fprintf(stderr, "%s\n", line.dump().c_str());
      std::fflush(stderr);
    } else if (mode_ == ProgressMode::text && wall >= 2.0 &&
               (wall - last_text_wall_ >= 0.5 || (fraction == 1.0 && printed_text_))) {
      std::fprintf(stderr, "\r[%3.0f%%] simulated %.0f s of %.0f s, %.1f s wall", 100 * fraction, now, end_time_, wall);
      std::fflush(stderr);
      printed_text_ = true;
      last_text_wall_ = wall;
    }
  }

  ProgressMode mode_;
  double end_time_;
  Clock::time_point started_;
  bool printed_text_ = false;
  double last_text_wall_ = 0.0;
};

class Run {
public:
  Run(const ScenarioSpec& spec, const RunOptions& options) : spec_(spec), options_(options) {}

  RunResult execute() {
    started_ = Clock::now();
    result_.run.started_at = utc_now_iso8601();
    const auto engine = create_engine();
    if (options_.simgrid_energy) sg_host_energy_plugin_init();  // after the engine, before the platform
    CompletionDispatch::install();

    platform_ = build_platform(spec_);
    create_services();
    sg4::Host* control_host = platform_.nodes.front().cpu;
    sg4::Actor::create("controller", control_host, [this] { control_loop(); });
    if (options_.progress != ProgressMode::none)
      sg4::Actor::create("progress", control_host, ProgressReporter(options_.progress, spec_.duration, started_))
          ->daemonize();
    engine->run();
    CompletionDispatch::release_all();
    collect();
    result_.run.wall_seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    return std::move(result_);
  }

private:
  void create_services() {
    cluster_ = std::make_unique<ServingCluster>(platform_);
    cost_ = std::make_unique<CostMeter>(spec_, platform_);
    weight_caches_ = std::make_unique<NodeWeightCaches>(spec_, platform_, result_.events);
    if (weight_caches_->is_enabled()) cluster_->set_weight_caches(weight_caches_.get());
    // Before anything is placed: spare nodes leave the pool.
    if (spec_.failures.is_enabled) failures_ = std::make_unique<FailureInjector>(spec_, platform_, *cluster_, result_.events);
    // Before anything is placed: pool nodes not provisioned at the start leave the pool.
    pools_ = std::make_unique<NodePoolManager>(spec_, platform_, *cluster_, *cost_, result_.events);
    const PolicyRegistries& registries = policy_registries();
    for (const ServiceSpec& service : spec_.services) {
      services_.push_back(std::make_unique<InferenceService>(
          service, *cluster_,
          service.routed_service >= 0 ? make_no_arrivals() : make_arrival_process(service.arrivals, spec_.source_path),
          registries.load_balancers.make(service.load_balancer.policy, balancer_params(service)),
          registries.autoscalers.make(service.autoscaler.policy, autoscaler_params(service)), spec_.seed, spec_.warmup,
          spec_.duration, result_.events));
    }
    // Initial replicas are placed before the run, higher priority first.
    std::vector<InferenceService*> by_priority;
    for (auto& service : services_) by_priority.push_back(service.get());
    std::stable_sort(by_priority.begin(), by_priority.end(), [](const InferenceService* a, const InferenceService* b) {
      return a->spec().priority > b->spec().priority;
    });
    for (InferenceService* service : by_priority) service->start();
    for (const RoutedServiceSpec& routed : spec_.routed_services) {
      std::vector<InferenceService*> deployments;
      for (const int index : routed.deployments) deployments.push_back(services_[static_cast<std::size_t>(index)].get());
      routers_.push_back(std::make_unique<RequestRouter>(spec_, routed, std::move(deployments), *cluster_, *cost_));
      routers_.back()->start();
    }
    if (spec_.jobs.is_enabled) {
      jobs_ = std::make_unique<JobScheduler>(spec_, build_job_workload(spec_.jobs, spec_.source_path, spec_.seed),
                                             *cluster_, result_.events);
      cluster_->set_capacity_listener([this] { jobs_->request_pass_after_release(); });
      cluster_->set_room_maker([this](const InferenceService& service) {
        const ServiceSpec& s = service.spec();
        return jobs_->make_room_for_replica(s.site, s.gpu_type, s.gpus_per_replica, s.priority, s.name);
      });
      jobs_->start();
    }
    if (spec_.data.is_enabled) {
      storage_ = std::make_unique<StorageSystem>(spec_, platform_, result_.events);
      storage_->set_egress_listener([this](const std::string& from_site, double bytes) {
        for (std::size_t s = 0; s < spec_.platform.sites.size(); ++s)
          if (spec_.platform.sites[s].name == from_site) cost_->add_egress(static_cast<int>(s), bytes);
      });
    }
    if (storage_ && spec_.data.quorum.is_enabled) {
      quorum_ = std::make_unique<QuorumStore>(spec_, platform_, [this](int node) { return storage_->is_node_available(node); });
      quorum_->start();
    }
    if (failures_ && storage_) {
      failures_->set_storage_listener(FailureInjector::StorageListener{
          [this](int failure, const std::vector<int>& nodes, const std::vector<int>& disks, double now,
                 const std::string& cause, const std::string& component) {
            storage_->on_failed(failure, nodes, disks, now, cause, component);
          },
          [this](int failure, const std::vector<int>& nodes, const std::vector<int>& disks, double now) {
            storage_->on_repaired(failure, nodes, disks, now);
          }});
    }
    if (failures_) {
      if (jobs_) {
        jobs_->set_hardware_health(&failures_->health());
        failures_->add_listener(FailureInjector::Listener{
            [this](const std::vector<GpuRef>& gpus, double now, const std::string& cause) {
              jobs_->on_gpus_failed(gpus, now, cause);
            },
            [this](const std::vector<GpuRef>& gpus, double now, const std::string& cause) {
              jobs_->on_failure_detected(gpus, now, cause);
            },
            [this](const std::vector<GpuRef>& gpus, double now, double) { jobs_->on_reclaim_notice(gpus, now); }});
      }
      for (auto& service : services_) {
        InferenceService* s = service.get();
        service->set_hardware_health(&failures_->health());
        failures_->add_listener(FailureInjector::Listener{
            [s](const std::vector<GpuRef>& gpus, double now, const std::string& cause) { s->on_gpus_failed(gpus, now, cause); },
            [s](const std::vector<GpuRef>& gpus, double now, const std::string& cause) {
              s->on_failure_detected(gpus, now, cause);
            },
            [s](const std::vector<GpuRef>& gpus, double now, double) { s->on_reclaim_notice(gpus, now); }});
      }
      if (pools_->has_pools()) {
        pools_->set_hardware_health(&failures_->health());
        failures_->add_listener(FailureInjector::Listener{
            [](const std::vector<GpuRef>&, double, const std::string&) {},
            [this](const std::vector<GpuRef>& gpus, double now, const std::string& cause) {
              pools_->on_failure_detected(gpus, now, cause);
            },
            [this](const std::vector<GpuRef>& gpus, double now, double) { pools_->on_reclaim_notice(gpus, now); }});
      }
      for (const int node : failures_->standby_nodes()) cost_->set_standby(node, true, 0.0);
      failures_->set_standby_listener([this](int node, bool is_standby, double now) {
        cost_->set_standby(node, is_standby, now);
      });
      failures_->start();
    }
    if (pools_->has_pools()) {
      std::vector<InferenceService*> services;
      for (auto& service : services_) services.push_back(service.get());
      pools_->set_services(std::move(services));
      pools_->set_jobs(jobs_.get());
      pools_->start();
    }
    // Busy GPU-seconds per node: for energy, and for the per-node series.
    node_busy_seconds_.assign(platform_.nodes.size(), 0.0);
    node_busy_at_last_sample_.assign(platform_.nodes.size(), 0.0);
    for (auto& service : services_) service->track_node_busy_seconds(&node_busy_seconds_);
  }

  bool writes_node_series() const {
    switch (spec_.node_series) {
      case NodeSeries::on: return true;
      case NodeSeries::off: return false;
      case NodeSeries::automatic: break;
    }
    return platform_.nodes.size() <= static_cast<std::size_t>(kNodeSeriesAutomaticMaxNodes);
  }

  // Randomised balancers draw from their own stream of the scenario seed,
  // different for every service, unless the scenario fixes their seed.
  std::map<std::string, double> balancer_params(const ServiceSpec& service) const {
    std::map<std::string, double> params = service.load_balancer.params;
    for (const PolicyParameter& parameter : policy_registries().load_balancers.info(service.load_balancer.policy).parameters)
      if (parameter.name == "seed")
        params.emplace("seed", static_cast<double>(
                                   derive_stream_seed(spec_.seed, "service/" + service.name + "/load_balancer") >> 11));
    return params;
  }

  // The `static` autoscaler keeps the scenario's replica count unless told otherwise.
  static std::map<std::string, double> autoscaler_params(const ServiceSpec& service) {
    std::map<std::string, double> params = service.autoscaler.params;
    if (service.autoscaler.policy == "static") {
      params.emplace("min_replicas", service.replicas);
      params.emplace("max_replicas", std::max(1, service.replicas));
    }
    return params;
  }

  void control_loop() {
    const double end = spec_.duration;
    const std::vector<double> samples = sample_times(spec_.sample_interval, end);
    std::set<double> wakeups(samples.begin(), samples.end());
    wakeups.insert(spec_.warmup);
    // Electricity prices are constant between two wakeups.
    for (double t : cost_->price_changes(0.0, end)) wakeups.insert(t);
    for (double t : wakeups) {
      sg4::this_actor::sleep_until(t);
      if (t > 0) {
        collect_node_busy_seconds(t);
        cost_->advance(t, node_busy_seconds_);
      }
      if (t == spec_.warmup) {
        for (auto& service : services_) service->begin_measurement(t);
        if (jobs_) jobs_busy_at_warmup_ = jobs_->gpu_busy_seconds(t);
        usable_at_warmup_ = pools_->usable_gpu_seconds(t);
      }
      if (t > 0 && std::binary_search(samples.begin(), samples.end(), t)) sample(t);
      if (t == end) {
        // Work still running at the end may go on in SimGrid: read the plugin's energy at the end.
        if (options_.simgrid_energy) plugin_joules_ = simgrid_plugin_joules();
        for (auto& service : services_) service->stop(t);
        for (auto& router : routers_) router->stop();
        if (jobs_) jobs_->stop(t);
        if (failures_) failures_->stop(t);
        if (storage_) storage_->stop(t);
        if (quorum_) quorum_->stop(t);
        pools_->stop(t);
      }
    }
  }

  void sample(double now) {
    for (auto& service : services_) service->sample(now, result_.timeseries);
    for (auto& router : routers_) router->sample(now, result_.timeseries);
    if (jobs_) jobs_->sample(now, result_.timeseries);
    if (failures_) failures_->sample(now, result_.timeseries);
    if (storage_) storage_->sample(now, result_.timeseries);
    if (quorum_) quorum_->sample(now, result_.timeseries);
    double busy = jobs_ ? jobs_->gpu_busy_seconds(now) : 0.0;
    for (auto& service : services_) busy += service->gpu_busy_seconds_total();
    const double interval = now - last_sample_;
    put_cluster_series("cluster.gpu_utilization", now, (busy - busy_at_last_sample_) / (interval * platform_.total_gpus()));
    if (pools_->has_pools()) {
      // Over the GPUs that could run work: fixed nodes and ready pool nodes.
      const double usable_area = pools_->usable_gpu_seconds(now);
      const double usable = usable_area - usable_area_at_last_sample_;
      put_cluster_series("cluster.gpu_utilization_usable", now, usable > 0 ? (busy - busy_at_last_sample_) / usable : 0.0);
      usable_area_at_last_sample_ = usable_area;
      pools_->sample(now, result_.timeseries);
    }
    put_cluster_series("cluster.gpus_allocated", now, cluster_->allocated_gpus());
    if (failures_) put_cluster_series("cluster.gpus_out_of_service", now, cluster_->out_of_service_gpus());
    cost_->sample(now, storage_ ? storage_->cost_at(now) : 0.0, result_.timeseries);
    if (writes_node_series()) sample_nodes(now, interval);
    busy_at_last_sample_ = busy;
    last_sample_ = now;
  }

  // node.gpu_utilization and node.gpus_allocated for every node. The series are
  // created once, in node order, and then appended to by index (no lookups).
  double simgrid_plugin_joules() const {
    double joules = 0.0;
    for (const SimNode& node : platform_.nodes) {
      joules += sg_host_get_consumed_energy(node.cpu);
      for (sg4::Host* gpu : node.gpus) joules += sg_host_get_consumed_energy(gpu);
    }
    return joules;
  }

  void collect_node_busy_seconds(double now) {
    for (auto& service : services_) service->collect_node_busy_seconds(now);
    if (jobs_) jobs_->collect_node_busy_seconds(now, node_busy_seconds_);
  }

  void sample_nodes(double now, double interval) {
    const std::size_t nodes = platform_.nodes.size();
    if (!has_node_series_) {
      has_node_series_ = true;
      node_series_first_ = result_.timeseries.size();
      for (const char* name : {"node.gpu_utilization", "node.gpus_allocated"})
        for (const SimNode& node : platform_.nodes) result_.timeseries.push_back(TimeSeries{name, node.name, {}, {}});
    }
    for (std::size_t i = 0; i < nodes; ++i) {
      const double gpus = static_cast<double>(platform_.nodes[i].gpus.size());
      TimeSeries& utilization = result_.timeseries[node_series_first_ + i];
      TimeSeries& allocated = result_.timeseries[node_series_first_ + nodes + i];
      utilization.t.push_back(now);
      utilization.value.push_back((node_busy_seconds_[i] - node_busy_at_last_sample_[i]) / (gpus * interval));
      allocated.t.push_back(now);
      allocated.value.push_back(cluster_->allocated_gpus_on(static_cast<int>(i)));
      node_busy_at_last_sample_[i] = node_busy_seconds_[i];
    }
  }

  void put_cluster_series(const char* name, double t, double value) {
    append_cluster_point(result_.timeseries, name, t, value);
  }

  void collect() {
    const double window = spec_.duration - spec_.warmup;
    RunRecord& run = result_.run;
    run.scenario_name = spec_.name;
    run.scenario_text = spec_.source_text;
    run.scenario_hash = text_hash(spec_.source_text);
    run.scenario_path = spec_.source_path;
    run.seed = spec_.seed;
    run.version = options_.version;
    run.simulated_seconds = spec_.duration;
    result_.parameters = spec_.parameters;
    result_.parameters["seed"] = std::to_string(spec_.seed);

    double busy = 0.0;
    for (auto& service : services_) {
      service->report(result_);
      busy += service->gpu_busy_seconds_in_window();
    }
    for (auto& router : routers_) router->report(result_);
    if (failures_) failures_->report(result_);
    if (storage_) storage_->report(result_);
    if (quorum_) quorum_->report(result_);
    pools_->report(result_);
    weight_caches_->report(result_);
    if (jobs_) {
      jobs_->report(result_);
      busy += jobs_->gpu_busy_seconds(spec_.duration) - jobs_busy_at_warmup_;
    }
    const int gpus = platform_.total_gpus();
    auto put = [&](const std::string& metric, double value, const char* unit) {
      result_.summary.push_back(SummaryMetric{metric, value, unit});
    };
    put("cluster.nodes", static_cast<double>(platform_.nodes.size()), "1");
    put("cluster.gpus_total", gpus, "1");
    double gpu_hours = 0.0;
    for (const SummaryMetric& metric : result_.summary)
      if (metric.metric.ends_with(".gpu_hours")) gpu_hours += metric.value;
    put("cluster.gpus_allocated_mean", gpu_hours * 3600.0 / spec_.duration, "1");
    put("cluster.gpu_allocation", gpu_hours * 3600.0 / spec_.duration / gpus, "1");
    put("cluster.gpu_hours_allocated", gpu_hours, "GPU*h");
    put("cluster.gpu_utilization_mean", busy / (window * gpus), "1");
    if (pools_->has_pools()) {
      const double usable_seconds = pools_->usable_gpu_seconds(spec_.duration) - usable_at_warmup_;
      put("cluster.gpu_utilization_usable_mean", usable_seconds > 0 ? busy / usable_seconds : 0.0, "1");
    }
    CostMeter::Outputs outputs;
    outputs.storage_cost = storage_ ? storage_->cost_at(spec_.duration) : 0.0;
    double busy_total = jobs_ ? jobs_->gpu_busy_seconds(spec_.duration) : 0.0;
    for (auto& service : services_) {
      outputs.output_tokens += static_cast<double>(service->output_tokens_completed());
      outputs.requests_completed += static_cast<double>(service->requests_completed());
      busy_total += service->gpu_busy_seconds_total();
    }
    outputs.busy_gpu_hours = busy_total / 3600.0;
    cost_->report(result_, outputs);
    if (options_.simgrid_energy) put("energy.simgrid_plugin_it_kwh", plugin_joules_ / 3.6e6, "kWh");

    nlohmann::json start{{"nodes", platform_.nodes.size()}, {"gpus", gpus}, {"services", services_.size()}};
    if (jobs_) start["jobs"] = result_.jobs.size();
    result_.events.insert(result_.events.begin(), Event{0.0, "run_start", spec_.name, start.dump()});
    if (spec_.warmup > 0)
      result_.events.push_back(Event{spec_.warmup, "measurement_start", spec_.name, "{}"});
    result_.events.push_back(Event{spec_.duration, "run_end", spec_.name, "{}"});
  }

  const ScenarioSpec& spec_;
  RunOptions options_;
  Clock::time_point started_;
  RunResult result_;
  SimPlatform platform_;
  std::vector<std::unique_ptr<InferenceService>> services_;
  std::unique_ptr<ServingCluster> cluster_;
  std::unique_ptr<CostMeter> cost_;
  std::unique_ptr<NodePoolManager> pools_;
  std::vector<std::unique_ptr<RequestRouter>> routers_;
  std::unique_ptr<JobScheduler> jobs_;
  std::unique_ptr<FailureInjector> failures_;
  std::unique_ptr<StorageSystem> storage_;
  std::unique_ptr<NodeWeightCaches> weight_caches_;
  std::unique_ptr<QuorumStore> quorum_;
  double jobs_busy_at_warmup_ = 0.0;
  double busy_at_last_sample_ = 0.0;
  double usable_area_at_last_sample_ = 0.0;
  double usable_at_warmup_ = 0.0;
  double plugin_joules_ = 0.0;  // SimGrid's host energy plugin at the end (with --simgrid-energy)
  std::vector<double> node_busy_seconds_;         // busy GPU-seconds per node since the start (services and jobs)
  std::vector<double> node_busy_at_last_sample_;
  bool has_node_series_ = false;
  std::size_t node_series_first_ = 0;             // index of the first per-node series in result_.timeseries
  double last_sample_ = 0.0;
};

}  // namespace

RunResult run_simulation(const ScenarioSpec& spec, const RunOptions& options) { return Run(spec, options).execute(); }

}  // namespace leptonsim
