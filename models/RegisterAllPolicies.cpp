#include "RegisterAllPolicies.hpp"

#include "load_balancing/LeastOutstandingBalancer.hpp"
#include "load_balancing/RoundRobinBalancer.hpp"

namespace leptonsim {
namespace {

void register_load_balancers(LoadBalancerRegistry& registry) {
  registry.add(RoundRobinBalancer::info(), [](const PolicyParams&) { return std::make_unique<RoundRobinBalancer>(); });
  registry.add(LeastOutstandingBalancer::info(),
               [](const PolicyParams&) { return std::make_unique<LeastOutstandingBalancer>(); });
}

PolicyRegistries build_registries() {
  PolicyRegistries registries;
  register_load_balancers(registries.load_balancers);
  return registries;
}

}  // namespace

const PolicyRegistries& policy_registries() {
  static const PolicyRegistries registries = build_registries();
  return registries;
}

std::vector<PolicyInfo> all_policy_infos() { return policy_registries().load_balancers.infos(); }

}  // namespace leptonsim
