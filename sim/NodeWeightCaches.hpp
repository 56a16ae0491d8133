// The weight caches of the GPU nodes of a run (one WeightCache per node of a
// site with `weight_cache`), shared by every service's cold starts, with their
// hit, miss and eviction counts.
#pragma once

#include "PlatformBuilder.hpp"
#include "RunResult.hpp"
#include "ScenarioSpec.hpp"
#include "replication/WeightCache.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace leptonsim {

class NodeWeightCaches {
public:
  NodeWeightCaches(const ScenarioSpec& spec, const SimPlatform& platform, std::vector<Event>& events);

  bool is_enabled() const { return is_enabled_; }
  // True when `model`'s weights are cached on the node (a hit, counted); false on a
  // miss (counted) or when the node has no cache (not counted).
  bool lookup(int node, const std::string& model, double now);
  // Bytes per second the node reads its cached weights at.
  double read_bandwidth(int node) const;
  // After a miss: the weights arrived on the node and are kept (evictions recorded as events).
  void keep(int node, const std::string& model, double bytes, double now);
  void count_bytes_read(double bytes) { bytes_read_ += bytes; }

  void report(RunResult& result) const;

private:
  const SimPlatform& platform_;
  std::vector<Event>& events_;
  std::vector<std::optional<WeightCache>> caches_;  // per node
  std::vector<double> bandwidth_;                   // per node
  bool is_enabled_ = false;
  std::int64_t hits_ = 0, misses_ = 0, evictions_ = 0;
  double bytes_read_ = 0.0, bytes_kept_ = 0.0;
};

}  // namespace leptonsim
