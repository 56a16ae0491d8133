// A per-node cache of model weights (on the node's local NVMe or host memory).
//
// A replica cold-starting on a node whose cache holds its model's weights
// reads them locally instead of over the network from the site's storage; on
// a miss the weights arrive over the network and are kept in the cache,
// evicting others chosen by the eviction policy until they fit. Weights larger
// than the whole cache are never kept.
//
// Eviction policies (registry kind `cache_eviction`) see the cached entries and
// name the victim:
//   lru  least recently used (ties: cached first)
//   lfu  fewest uses since cached (ties: least recently used)
#pragma once

#include "common/PolicyRegistry.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace leptonsim {

struct CachedWeights {
  std::string model;
  double bytes = 0.0;
  double cached_at = 0.0;
  double last_used = 0.0;
  std::int64_t uses = 0;  // lookups that hit, plus the insertion
};

class CacheEvictionPolicy {
public:
  virtual ~CacheEvictionPolicy() = default;
  // Index of the entry to evict; `entries` is not empty.
  virtual std::size_t choose_victim(const std::vector<CachedWeights>& entries) const = 0;
};

using CacheEvictionRegistry = PolicyRegistry<CacheEvictionPolicy>;

void register_cache_eviction_policies(CacheEvictionRegistry& registry);

class WeightCache {
public:
  WeightCache(double capacity_bytes, std::shared_ptr<const CacheEvictionPolicy> policy);

  // True (and the entry counts a use) when `model` is cached.
  bool lookup(const std::string& model, double now);
  // Keeps `model` after a miss; returns the models evicted to make room. No-op
  // (nothing evicted) when already cached or larger than the whole cache.
  std::vector<std::string> insert(const std::string& model, double bytes, double now);

  bool contains(const std::string& model) const;
  double used_bytes() const { return used_; }
  double capacity_bytes() const { return capacity_; }
  const std::vector<CachedWeights>& entries() const { return entries_; }

private:
  double capacity_;
  double used_ = 0.0;
  std::shared_ptr<const CacheEvictionPolicy> policy_;
  std::vector<CachedWeights> entries_;  // few models per node: a vector is enough
};

}  // namespace leptonsim
