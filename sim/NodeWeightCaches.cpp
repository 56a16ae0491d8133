#include "NodeWeightCaches.hpp"

#include "RegisterAllPolicies.hpp"

#include <limits>
#include <map>
#include <nlohmann/json.hpp>

namespace leptonsim {

NodeWeightCaches::NodeWeightCaches(const ScenarioSpec& spec, const SimPlatform& platform, std::vector<Event>& events)
    : platform_(platform), events_(events), caches_(platform.nodes.size()), bandwidth_(platform.nodes.size(), 0.0) {
  std::map<std::string, const WeightCacheSpec*> by_site;
  for (const SiteSpec& site : spec.platform.sites)
    if (site.weight_cache.is_enabled()) by_site[site.name] = &site.weight_cache;
  std::map<std::string, std::shared_ptr<const CacheEvictionPolicy>> policies;
  for (const auto& [site, cache] : by_site)
    policies[site] = policy_registries().cache_evictions.make(cache->eviction, cache->eviction_params);
  for (std::size_t n = 0; n < platform.nodes.size(); ++n) {
    const auto it = by_site.find(platform.nodes[n].site);
    if (it == by_site.end()) continue;
    caches_[n].emplace(it->second->capacity, policies.at(it->first));
    bandwidth_[n] = it->second->bandwidth;
    is_enabled_ = true;
  }
}

bool NodeWeightCaches::lookup(int node, const std::string& model, double now) {
  auto& cache = caches_[static_cast<std::size_t>(node)];
  if (!cache) return false;
  const bool hit = cache->lookup(model, now);
  ++(hit ? hits_ : misses_);
  return hit;
}

double NodeWeightCaches::read_bandwidth(int node) const { return bandwidth_[static_cast<std::size_t>(node)]; }

void NodeWeightCaches::keep(int node, const std::string& model, double bytes, double now) {
  auto& cache = caches_[static_cast<std::size_t>(node)];
  if (!cache || cache->contains(model) || bytes > cache->capacity_bytes()) return;
  for (const std::string& evicted : cache->insert(model, bytes, now)) {
    ++evictions_;
    events_.push_back(Event{now, "weights_evicted", platform_.nodes[static_cast<std::size_t>(node)].name,
                            nlohmann::json{{"model", evicted}, {"for", model}}.dump()});
  }
  bytes_kept_ += bytes;
}

void NodeWeightCaches::report(RunResult& result) const {
  if (!is_enabled_) return;
  auto put = [&](const char* metric, double value, const char* unit) {
    result.summary.push_back(SummaryMetric{metric, value, unit});
  };
  const std::int64_t lookups = hits_ + misses_;
  put("cache.hits", static_cast<double>(hits_), "1");
  put("cache.misses", static_cast<double>(misses_), "1");
  put("cache.hit_ratio",
      lookups > 0 ? static_cast<double>(hits_) / static_cast<double>(lookups) : std::numeric_limits<double>::quiet_NaN(),
      "1");
  put("cache.evictions", static_cast<double>(evictions_), "1");
  put("cache.bytes_read", bytes_read_, "B");
  put("cache.bytes_written", bytes_kept_, "B");
}

}  // namespace leptonsim
