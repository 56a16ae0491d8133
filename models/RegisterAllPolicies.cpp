#include "RegisterAllPolicies.hpp"

#include "autoscaling/ClusterAutoscaler.hpp"
#include "autoscaling/HorizontalPodAutoscaler.hpp"
#include "autoscaling/KnativePodAutoscaler.hpp"
#include "autoscaling/LeptonAutoscaler.hpp"
#include "autoscaling/PredictiveAutoscaler.hpp"
#include "autoscaling/StaticAutoscaler.hpp"
#include "autoscaling/StepScalingAutoscaler.hpp"
#include "load_balancing/LeastOutstandingBalancer.hpp"
#include "load_balancing/PowerOfTwoChoicesBalancer.hpp"
#include "load_balancing/RandomBalancer.hpp"
#include "load_balancing/RoundRobinBalancer.hpp"
#include "load_balancing/WeightedRoundRobinBalancer.hpp"

namespace leptonsim {
namespace {

void register_load_balancers(LoadBalancerRegistry& registry) {
  registry.add(RoundRobinBalancer::info(), [](const PolicyParams&) { return std::make_unique<RoundRobinBalancer>(); });
  registry.add(LeastOutstandingBalancer::info(),
               [](const PolicyParams&) { return std::make_unique<LeastOutstandingBalancer>(); });
  registry.add(WeightedRoundRobinBalancer::info(),
               [](const PolicyParams&) { return std::make_unique<WeightedRoundRobinBalancer>(); });
  // The randomised balancers seed their stream from their `seed` parameter.
  registry.add(PowerOfTwoChoicesBalancer::info(),
               [](const PolicyParams& params) { return PowerOfTwoChoicesBalancer::from_params(params); });
  registry.add(RandomBalancer::info(), [](const PolicyParams& params) { return RandomBalancer::from_params(params); });
}

template <class Autoscaler>
void add_autoscaler(ReplicaAutoscalerRegistry& registry) {
  registry.add(Autoscaler::info(), [](const PolicyParams& params) { return std::make_unique<Autoscaler>(params); });
}

void register_autoscalers(ReplicaAutoscalerRegistry& registry) {
  add_autoscaler<StaticAutoscaler>(registry);
  add_autoscaler<HorizontalPodAutoscaler>(registry);
  add_autoscaler<StepScalingAutoscaler>(registry);
  add_autoscaler<LeptonAutoscaler>(registry);
  add_autoscaler<KnativePodAutoscaler>(registry);
  add_autoscaler<PredictiveAutoscaler>(registry);
}

PolicyRegistries build_registries() {
  PolicyRegistries registries;
  register_load_balancers(registries.load_balancers);
  register_autoscalers(registries.autoscalers);
  registries.node_autoscalers.add(ClusterAutoscaler::info(), [](const PolicyParams& params) {
    return std::make_unique<ClusterAutoscaler>(ClusterAutoscaler::settings_from(params));
  });
  register_queue_policies(registries.job_queues);
  register_placement_policies(registries.job_placements);
  register_redundancy_schemes(registries.redundancy);
  register_data_placement_policies(registries.data_placements);
  register_cache_eviction_policies(registries.cache_evictions);
  registries.request_routers.add(NearestRouter::info(), [](const PolicyParams&) { return std::make_unique<NearestRouter>(); });
  registries.request_routers.add(LowestLatencyRouter::info(),
                                 [](const PolicyParams&) { return std::make_unique<LowestLatencyRouter>(); });
  registries.request_routers.add(CheapestRouter::info(), [](const PolicyParams&) { return std::make_unique<CheapestRouter>(); });
  registries.request_routers.add(SpillOverRouter::info(), [](const PolicyParams& params) {
    return std::make_unique<SpillOverRouter>(params.get("queue_threshold"));
  });
  return registries;
}

}  // namespace

const PolicyRegistries& policy_registries() {
  static const PolicyRegistries registries = build_registries();
  return registries;
}

std::vector<PolicyInfo> all_policy_infos() {
  std::vector<PolicyInfo> infos = policy_registries().load_balancers.infos();
  const std::vector<PolicyInfo> autoscalers = policy_registries().autoscalers.infos();
  infos.insert(infos.end(), autoscalers.begin(), autoscalers.end());
  for (const auto& more : {policy_registries().node_autoscalers.infos(), policy_registries().job_queues.infos(), policy_registries().job_placements.infos(),
                           policy_registries().redundancy.infos(), policy_registries().data_placements.infos(),
                           policy_registries().cache_evictions.infos(), policy_registries().request_routers.infos()})
    infos.insert(infos.end(), more.begin(), more.end());
  return infos;
}

}  // namespace leptonsim
