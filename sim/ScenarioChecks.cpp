#include "ScenarioChecks.hpp"

#include "ArrivalFactory.hpp"
#include "FailureSetup.hpp"
#include "JobWorkload.hpp"
#include "RegisterAllPolicies.hpp"
#include "scheduling/GpuPool.hpp"
#include "scheduling/JobDag.hpp"
#include "topology/Topology.hpp"
#include "workload/TraceRecord.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace leptonsim {

namespace {

// `services[i]` of a service (a deployment's service, for `services[i].deployments[k]`).
std::string service_root_path(const ServiceSpec& service, std::size_t index) {
  if (service.key_path.empty()) return fmt::format("services[{}]", index);
  return service.key_path.substr(0, service.key_path.find(']') + 1);
}

// The data must fit: pieces per chunk within the nodes (or racks) the placement
// may use, and the bytes within the disks.
template <class Issue>
void check_data(const ScenarioSpec& spec, Issue& issue) {
  const DataSpec& data = spec.data;
  std::unique_ptr<RedundancyScheme> scheme;
  try {
    scheme = policy_registries().redundancy.make(data.redundancy_policy, data.redundancy_params);
  } catch (const std::exception& error) {
    issue("data.redundancy.policy", error.what());
  }
  try {
    policy_registries().data_placements.check(data.placement_policy, data.placement_params);
  } catch (const PolicyError& error) {
    issue("data.placement.policy", error.what());
  }
  const SiteSpec* site = nullptr;
  for (const SiteSpec& candidate : spec.platform.sites)
    if (candidate.name == data.site) site = &candidate;
  if (scheme == nullptr || site == nullptr || site->storage.racks == 0) return;
  const StorageSpec& storage = site->storage;
  const bool by_rack = data.placement_policy == "rack_aware";
  const int domains = by_rack ? storage.racks : storage.nodes();
  if (scheme->pieces() > domains)
    issue("data.redundancy.policy",
          fmt::format("{} stores {} pieces per chunk on distinct {}, but site `{}` has {} storage {}", scheme->name(),
                      scheme->pieces(), by_rack ? "racks (rack_aware)" : "nodes", site->name, domains,
                      by_rack ? "racks" : "nodes"));
  if (data.quorum.is_enabled && data.quorum.replicas > storage.nodes())
    issue("data.quorum.replicas", fmt::format("{} replicas per key need {} distinct storage nodes, but site `{}` has {}",
                                              data.quorum.replicas, data.quorum.replicas, site->name, storage.nodes()));
  const DiskType* disk = spec.catalog.find_disk(storage.disk);
  if (disk == nullptr) return;
  double stored = 0.0;
  for (const DataObjectSpec& object : data.objects) stored += object.size * object.count * scheme->storage_overhead();
  const double capacity = disk->capacity_bytes * storage.disks_per_node * storage.nodes();
  if (stored > capacity)
    issue("data.objects", fmt::format("the data takes {:.4g} bytes with {} but the {} disks of site `{}` hold {:.4g}",
                                      stored, scheme->name(), storage.disks_per_node * storage.nodes(), site->name,
                                      capacity));
}

}  // namespace

std::vector<ScenarioIssue> check_scenario_semantics(const ScenarioSpec& spec) {
  std::vector<ScenarioIssue> issues;
  auto issue = [&](const std::string& key_path, const std::string& message) {
    ScenarioIssue found;
    found.file = spec.source_path;
    found.key_path = key_path;
    found.message = message;
    if (auto it = spec.key_locations.find(key_path); it != spec.key_locations.end()) {
      found.line = it->second.first;
      found.column = it->second.second;
    }
    issues.push_back(std::move(found));
  };
  for (std::size_t s = 0; s < spec.services.size(); ++s) {
    const ServiceSpec& service = spec.services[s];
    const std::string root = service_root_path(service, s);
    try {
      policy_registries().load_balancers.check(service.load_balancer.policy, service.load_balancer.params);
    } catch (const PolicyError& error) {
      issue(root + ".load_balancer.policy", error.what());
    }
    try {
      // Built once here so that a bad trace file is an input error with its line.
      if (service.routed_service < 0) make_arrival_process(service.arrivals, spec.source_path);
    } catch (const std::exception& error) {
      issue(root + ".arrivals", error.what());
    }
    try {
      // Made, not only checked: some policies validate combinations of parameters when built.
      if (service.autoscaler.policy != "static" || !service.autoscaler.params.empty())
        policy_registries().autoscalers.make(service.autoscaler.policy, service.autoscaler.params);
    } catch (const PolicyError& error) {
      issue(service.key_path.empty() ? root + ".autoscaler.policy" : service.key_path, error.what());
    }
  }
  for (const RoutedServiceSpec& routed : spec.routed_services) {
    if (routed.deployments.empty()) continue;
    const std::string root = service_root_path(spec.services[static_cast<std::size_t>(routed.deployments.front())], 0);
    try {
      policy_registries().request_routers.check(routed.routing.policy, routed.routing.params);
    } catch (const PolicyError& error) {
      issue(root + ".routing.policy", error.what());
    }
    for (std::size_t u = 0; u < routed.users.size(); ++u) try {
        make_arrival_process(routed.users[u].arrivals, spec.source_path);
      } catch (const std::exception& error) {
        issue(fmt::format("{}.users[{}].arrivals", root, u), error.what());
      }
  }
  if (spec.jobs.is_enabled) {
    const JobsSpec& jobs = spec.jobs;
    try {
      policy_registries().job_queues.check(jobs.queue_policy, jobs.queue_params);
    } catch (const PolicyError& error) {
      issue("jobs.queue.policy", error.what());
    }
    try {
      policy_registries().job_placements.check(jobs.placement_policy, jobs.placement_params);
    } catch (const PolicyError& error) {
      issue("jobs.placement.policy", error.what());
    }
    for (std::size_t j = 0; j < jobs.list.size(); ++j) {
      if (jobs.list[j].stages.empty()) continue;
      try {
        JobDag dag(dag_stages(jobs.list[j].stages));
      } catch (const std::invalid_argument& error) {
        issue(fmt::format("jobs.list[{}].stages", j), error.what());
      }
    }
    try {
      // Built once here so that a bad trace row is an input error with its line.
      build_job_workload(jobs, spec.source_path, spec.seed);
    } catch (const std::exception& error) {
      issue("jobs.trace", error.what());
    }
  }
  if (spec.data.is_enabled) check_data(spec, issue);
  for (std::size_t s = 0; s < spec.platform.sites.size(); ++s) {
    const WeightCacheSpec& cache = spec.platform.sites[s].weight_cache;
    if (!cache.is_enabled()) continue;
    try {
      policy_registries().cache_evictions.check(cache.eviction, cache.eviction_params);
    } catch (const PolicyError& error) {
      issue(fmt::format("platform.sites[{}].weight_cache.eviction.policy", s), error.what());
    }
  }
  const bool has_pools = std::any_of(spec.platform.sites.begin(), spec.platform.sites.end(),
                                     [](const SiteSpec& site) { return !site.pools.empty(); });
  if (has_pools) {
    try {
      policy_registries().node_autoscalers.check(spec.node_autoscaler.policy, spec.node_autoscaler.params);
    } catch (const PolicyError& error) {
      issue("node_autoscaler.policy", error.what());
    }
  }
  if (!issues.empty() || spec.platform.sites.empty()) return issues;

  // Every GPU, CPU and NIC must reach every other one over the network.
  if (!Topology(spec.platform, spec.catalog).is_connected())
    issue("platform", "the platform's network is not connected: add WAN links so every site reaches every other");

  if (spec.failures.is_enabled) {
    try {
      build_failure_models(spec, Topology(spec.platform, spec.catalog), node_names_of(spec.platform));
    } catch (const TraceError& error) {
      issue("failures.trace", error.what());
    } catch (const std::exception& error) {
      issue("failures.classes", error.what());
    }
  }

  // The initial replicas must fit, placed as the simulator places them (priority order, pack or spread).
  // Spare nodes (the site's last ones) stand by out of the pool.
  std::vector<PoolNode> nodes;
  for (const SiteSpec& site : spec.platform.sites) {
    const NodeShape* shape = spec.catalog.find_node_shape(site.node);
    if (shape == nullptr) return issues;
    int usable = site.racks * site.nodes_per_rack;
    if (spec.failures.is_enabled && spec.failures.spares.site == site.name) usable -= spec.failures.spares.nodes;
    for (const NodePoolSpec& pool : site.pools) usable += pool.initial_nodes;
    for (int n = 0; n < usable; ++n) nodes.push_back({site.name, shape->gpu_type, shape->gpus});
  }
  GpuPool pool(std::move(nodes));
  std::vector<std::size_t> order(spec.services.size());
  for (std::size_t s = 0; s < order.size(); ++s) order[s] = s;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return spec.services[a].priority > spec.services[b].priority; });
  for (std::size_t s : order) {
    const ServiceSpec& service = spec.services[s];
    const auto strategy =
        service.placement == ServiceSpec::Placement::spread ? PlacementStrategy::spread : PlacementStrategy::pack;
    const auto site = std::find_if(spec.platform.sites.begin(), spec.platform.sites.end(),
                                   [&](const SiteSpec& candidate) { return candidate.name == service.site; });
    // Replicas that do not fit at a site with node pools wait for the node autoscaler.
    if (site != spec.platform.sites.end() && !site->pools.empty()) continue;
    for (int r = 0; r < service.replicas; ++r)
      if (!pool.allocate(service.site, service.gpu_type, service.gpus_per_replica, strategy)) {
        issue((service.key_path.empty() ? fmt::format("services[{}]", s) : service.key_path) + ".replicas",
              fmt::format("service '{}': replica {} of {} does not fit: no node of site '{}' has {} free {} GPUs left",
                          service.name, r + 1, service.replicas, service.site, service.gpus_per_replica,
                          service.gpu_type));
        break;
      }
  }
  return issues;
}

void require_runnable(const ScenarioSpec& spec) {
  auto issues = check_scenario_semantics(spec);
  if (!issues.empty()) throw ScenarioError(std::move(issues));
}

}  // namespace leptonsim
