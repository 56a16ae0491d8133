#include "WeightCache.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace leptonsim {

namespace {

class LeastRecentlyUsed final : public CacheEvictionPolicy {
public:
  std::size_t choose_victim(const std::vector<CachedWeights>& entries) const override {
    const auto it = std::min_element(entries.begin(), entries.end(), [](const CachedWeights& a, const CachedWeights& b) {
      return std::tie(a.last_used, a.cached_at) < std::tie(b.last_used, b.cached_at);
    });
    return static_cast<std::size_t>(it - entries.begin());
  }
};

class LeastFrequentlyUsed final : public CacheEvictionPolicy {
public:
  std::size_t choose_victim(const std::vector<CachedWeights>& entries) const override {
    const auto it = std::min_element(entries.begin(), entries.end(), [](const CachedWeights& a, const CachedWeights& b) {
      return std::tie(a.uses, a.last_used, a.cached_at) < std::tie(b.uses, b.last_used, b.cached_at);
    });
    return static_cast<std::size_t>(it - entries.begin());
  }
};

}  // namespace

void register_cache_eviction_policies(CacheEvictionRegistry& registry) {
  registry.add(PolicyInfo{"", "lru", "evicts the least recently used model weights", {}},
               [](const PolicyParams&) { return std::make_unique<LeastRecentlyUsed>(); });
  registry.add(PolicyInfo{"", "lfu", "evicts the model weights used least often (ties: least recently used)", {}},
               [](const PolicyParams&) { return std::make_unique<LeastFrequentlyUsed>(); });
}

WeightCache::WeightCache(double capacity_bytes, std::shared_ptr<const CacheEvictionPolicy> policy)
    : capacity_(capacity_bytes), policy_(std::move(policy)) {
  if (policy_ == nullptr) throw std::invalid_argument("a weight cache needs an eviction policy");
}

bool WeightCache::lookup(const std::string& model, double now) {
  for (CachedWeights& entry : entries_)
    if (entry.model == model) {
      entry.last_used = now;
      ++entry.uses;
      return true;
    }
  return false;
}

std::vector<std::string> WeightCache::insert(const std::string& model, double bytes, double now) {
  std::vector<std::string> evicted;
  if (contains(model) || bytes > capacity_) return evicted;
  while (used_ + bytes > capacity_) {
    const std::size_t victim = policy_->choose_victim(entries_);
    if (victim >= entries_.size()) throw std::logic_error("eviction policy named no cached entry");
    used_ -= entries_[victim].bytes;
    evicted.push_back(entries_[victim].model);
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(victim));
  }
  entries_.push_back(CachedWeights{model, bytes, now, now, 1});
  used_ += bytes;
  return evicted;
}

bool WeightCache::contains(const std::string& model) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const CachedWeights& entry) { return entry.model == model; });
}

}  // namespace leptonsim
