#include "scheduling/PlacementPolicy.hpp"

#include <algorithm>
#include <limits>

namespace leptonsim {

namespace {

enum class NodeOrder { index, fullest_first, emptiest_first };

// Appends `count` whole free GPUs of `node`, lowest index first.
void take_whole(const ClusterState& state, int node, int count, Placement& out) {
  const int gpus = state.layout().node(node).gpus;
  for (int g = 0; g < gpus && count > 0; ++g)
    if (state.free_milli(node, g) == kWholeGpuMilli) {
      out.shares.push_back({node, g, kWholeGpuMilli});
      --count;
    }
}

// Candidate nodes (matching site and type, at least one whole free GPU) among
// `pool` (all nodes when null), ordered as asked. Counting sort by free GPUs:
// linear in the nodes, stable (ties keep node order).
std::vector<int> ordered_nodes(const ClusterState& state, const JobDemand& demand, NodeOrder order,
                               const std::vector<int>* pool = nullptr) {
  std::vector<int> nodes;
  auto consider = [&](int n) {
    if (state.free_gpus(n) > 0 && state.node_matches(n, demand)) nodes.push_back(n);
  };
  if (pool != nullptr) {
    for (int n : *pool) consider(n);
  } else {
    for (int n = 0; n < state.layout().node_count(); ++n) consider(n);
  }
  if (order == NodeOrder::index) return nodes;
  const int max = state.layout().max_gpus_per_node();
  std::vector<std::vector<int>> buckets(static_cast<std::size_t>(max + 1));
  for (int n : nodes) buckets[static_cast<std::size_t>(state.free_gpus(n))].push_back(n);
  nodes.clear();
  for (int k = 0; k <= max; ++k) {
    const int free = order == NodeOrder::fullest_first ? k : max - k;
    for (int n : buckets[static_cast<std::size_t>(free)]) nodes.push_back(n);
  }
  return nodes;
}

// One node for the whole demand: the first, the fullest or the emptiest that fits.
std::optional<int> single_node(const ClusterState& state, const JobDemand& demand, NodeOrder order,
                               const std::vector<int>* pool = nullptr) {
  if (!state.has_node_with_free(demand, demand.gpus)) return std::nullopt;
  std::optional<int> chosen;
  auto consider = [&](int n) {
    if (state.free_gpus(n) < demand.gpus || !state.node_matches(n, demand)) return;
    if (!chosen || (order == NodeOrder::fullest_first && state.free_gpus(n) < state.free_gpus(*chosen)) ||
        (order == NodeOrder::emptiest_first && state.free_gpus(n) > state.free_gpus(*chosen)))
      chosen = n;
  };
  if (pool != nullptr) {
    for (int n : *pool) {
      consider(n);
      if (chosen && order == NodeOrder::index) break;
    }
  } else {
    for (int n = 0; n < state.layout().node_count(); ++n) {
      consider(n);
      if (chosen && order == NodeOrder::index) break;
    }
  }
  return chosen;
}

Placement on_node(const ClusterState& state, int node, int gpus) {
  Placement placement;
  take_whole(state, node, gpus, placement);
  return placement;
}

// Whole GPUs over several nodes in the given order; the last part goes to the
// fullest node that still holds it when `best_fit_tail` (keeps big holes whole).
std::optional<Placement> over_nodes(const ClusterState& state, const JobDemand& demand, const std::vector<int>& nodes,
                                    bool best_fit_tail) {
  int free = 0;
  for (int n : nodes) free += state.free_gpus(n);
  if (free < demand.gpus) return std::nullopt;
  Placement placement;
  int remaining = demand.gpus;
  std::vector<bool> used(nodes.size(), false);
  for (std::size_t i = 0; i < nodes.size() && remaining > 0; ++i) {
    if (best_fit_tail && state.free_gpus(nodes[i]) > remaining) {
      // The first node that holds more than the rest: the fullest unused one that still holds it.
      std::size_t best = i;
      for (std::size_t j = i; j < nodes.size(); ++j)
        if (!used[j] && state.free_gpus(nodes[j]) >= remaining && state.free_gpus(nodes[j]) < state.free_gpus(nodes[best]))
          best = j;
      take_whole(state, nodes[best], remaining, placement);
      return placement;
    }
    const int take = std::min(remaining, state.free_gpus(nodes[i]));
    take_whole(state, nodes[i], take, placement);
    used[i] = true;
    remaining -= take;
  }
  return placement;
}

// Free whole GPUs per global rack among nodes matching the demand.
std::vector<int> rack_free(const ClusterState& state, const JobDemand& demand) {
  std::vector<int> free(static_cast<std::size_t>(state.layout().rack_count()), 0);
  for (int n = 0; n < state.layout().node_count(); ++n)
    if (state.node_matches(n, demand)) free[static_cast<std::size_t>(state.layout().node(n).rack)] += state.free_gpus(n);
  return free;
}

// The rack for a rack-local demand: first, fullest or emptiest with enough free GPUs.
std::optional<int> choose_rack(const std::vector<int>& free, int gpus, NodeOrder order) {
  std::optional<int> chosen;
  for (int r = 0; r < static_cast<int>(free.size()); ++r) {
    const int f = free[static_cast<std::size_t>(r)];
    if (f < gpus) continue;
    if (!chosen) {
      chosen = r;
      if (order == NodeOrder::index) break;
      continue;
    }
    const int best = free[static_cast<std::size_t>(*chosen)];
    if ((order == NodeOrder::fullest_first && f < best) || (order == NodeOrder::emptiest_first && f > best)) chosen = r;
  }
  return chosen;
}

// Fractional demand: `gpus` distinct GPUs of one node, each with >= milli free.
// Within a node, GPUs are taken in index order (first fit), least free first
// (best fit: fills partly used GPUs) or most free first (spread).
std::optional<Placement> fractional(const ClusterState& state, const JobDemand& demand, NodeOrder order) {
  std::optional<Placement> best;
  long best_score = 0;
  std::vector<std::pair<int, int>> candidates;  // (free milli, gpu)
  for (int n = 0; n < state.layout().node_count(); ++n) {
    if (!state.node_matches(n, demand)) continue;
    candidates.clear();
    for (int g = 0; g < state.layout().node(n).gpus; ++g)
      if (state.free_milli(n, g) >= demand.gpu_milli) candidates.emplace_back(state.free_milli(n, g), g);
    if (static_cast<int>(candidates.size()) < demand.gpus) continue;
    if (order == NodeOrder::fullest_first) std::stable_sort(candidates.begin(), candidates.end());
    if (order == NodeOrder::emptiest_first)
      std::stable_sort(candidates.begin(), candidates.end(), [](auto a, auto b) { return a.first > b.first; });
    Placement placement;
    long score = 0;  // free milli left on the chosen GPUs
    for (int i = 0; i < demand.gpus; ++i) {
      placement.shares.push_back({n, candidates[static_cast<std::size_t>(i)].second, demand.gpu_milli});
      score += candidates[static_cast<std::size_t>(i)].first - demand.gpu_milli;
    }
    if (order == NodeOrder::index) return placement;
    if (!best || (order == NodeOrder::fullest_first ? score < best_score : score > best_score)) {
      best = std::move(placement);
      best_score = score;
    }
  }
  return best;
}

class FirstFitPlacement final : public PlacementPolicy {
public:
  std::optional<Placement> place(const JobDemand& demand, const ClusterState& state) const override {
    if (demand.is_fractional()) return fractional(state, demand, NodeOrder::index);
    if (!state.may_fit(demand)) return std::nullopt;
    switch (demand.locality) {
      case Locality::node: {
        const auto node = single_node(state, demand, NodeOrder::index);
        return node ? std::optional(on_node(state, *node, demand.gpus)) : std::nullopt;
      }
      case Locality::rack: {
        const auto rack = choose_rack(rack_free(state, demand), demand.gpus, NodeOrder::index);
        if (!rack) return std::nullopt;
        return over_nodes(state, demand, ordered_nodes(state, demand, NodeOrder::index, &state.layout().nodes_of_rack(*rack)),
                          false);
      }
      case Locality::any: break;
    }
    return over_nodes(state, demand, ordered_nodes(state, demand, NodeOrder::index), false);
  }
};

class BestFitPlacement final : public PlacementPolicy {
public:
  std::optional<Placement> place(const JobDemand& demand, const ClusterState& state) const override {
    if (demand.is_fractional()) return fractional(state, demand, NodeOrder::fullest_first);
    if (!state.may_fit(demand)) return std::nullopt;
    if (const auto node = single_node(state, demand, NodeOrder::fullest_first))
      return on_node(state, *node, demand.gpus);
    switch (demand.locality) {
      case Locality::node: return std::nullopt;
      case Locality::rack: {
        const auto rack = choose_rack(rack_free(state, demand), demand.gpus, NodeOrder::fullest_first);
        if (!rack) return std::nullopt;
        return over_nodes(state, demand,
                          ordered_nodes(state, demand, NodeOrder::emptiest_first, &state.layout().nodes_of_rack(*rack)),
                          true);
      }
      case Locality::any: break;
    }
    return over_nodes(state, demand, ordered_nodes(state, demand, NodeOrder::emptiest_first), true);
  }
};

class TopologyPackPlacement final : public PlacementPolicy {
public:
  std::optional<Placement> place(const JobDemand& demand, const ClusterState& state) const override {
    if (demand.is_fractional()) return fractional(state, demand, NodeOrder::fullest_first);
    if (!state.may_fit(demand)) return std::nullopt;
    if (const auto node = single_node(state, demand, NodeOrder::fullest_first))
      return on_node(state, *node, demand.gpus);
    if (demand.locality == Locality::node) return std::nullopt;
    const std::vector<int> free = rack_free(state, demand);
    if (const auto rack = choose_rack(free, demand.gpus, NodeOrder::fullest_first))
      return over_nodes(state, demand,
                        ordered_nodes(state, demand, NodeOrder::emptiest_first, &state.layout().nodes_of_rack(*rack)), true);
    if (demand.locality == Locality::rack) return std::nullopt;
    // Emptiest racks first (fewest racks), each rack's emptiest nodes first (fewest nodes).
    std::vector<int> racks(free.size());
    for (std::size_t r = 0; r < racks.size(); ++r) racks[r] = static_cast<int>(r);
    std::stable_sort(racks.begin(), racks.end(),
                     [&](int a, int b) { return free[static_cast<std::size_t>(a)] > free[static_cast<std::size_t>(b)]; });
    std::vector<int> nodes;
    for (int r : racks) {
      if (free[static_cast<std::size_t>(r)] == 0) break;
      const std::vector<int> in_rack =
          ordered_nodes(state, demand, NodeOrder::emptiest_first, &state.layout().nodes_of_rack(r));
      nodes.insert(nodes.end(), in_rack.begin(), in_rack.end());
    }
    return over_nodes(state, demand, nodes, false);
  }
};

class SpreadPlacement final : public PlacementPolicy {
public:
  std::optional<Placement> place(const JobDemand& demand, const ClusterState& state) const override {
    if (demand.is_fractional()) return fractional(state, demand, NodeOrder::emptiest_first);
    if (!state.may_fit(demand)) return std::nullopt;
    if (demand.locality == Locality::node) {
      const auto node = single_node(state, demand, NodeOrder::emptiest_first);
      return node ? std::optional(on_node(state, *node, demand.gpus)) : std::nullopt;
    }
    std::vector<std::vector<int>> racks;  // per rack: candidate nodes, emptiest first
    if (demand.locality == Locality::rack) {
      const auto rack = choose_rack(rack_free(state, demand), demand.gpus, NodeOrder::emptiest_first);
      if (!rack) return std::nullopt;
      racks.push_back(ordered_nodes(state, demand, NodeOrder::emptiest_first, &state.layout().nodes_of_rack(*rack)));
    } else {
      for (int r = 0; r < state.layout().rack_count(); ++r) {
        std::vector<int> nodes = ordered_nodes(state, demand, NodeOrder::emptiest_first, &state.layout().nodes_of_rack(r));
        if (!nodes.empty()) racks.push_back(std::move(nodes));
      }
    }
    // Rounds: each round visits every rack and takes one GPU from its next node.
    std::vector<int> taken(static_cast<std::size_t>(state.layout().node_count()), 0);
    std::vector<std::size_t> cursor(racks.size(), 0);
    std::vector<std::pair<int, int>> picks;  // (node, count) in pick order
    int remaining = demand.gpus;
    bool progressed = true;
    while (remaining > 0 && progressed) {
      progressed = false;
      for (std::size_t r = 0; r < racks.size() && remaining > 0; ++r) {
        const auto& nodes = racks[r];
        for (std::size_t tries = 0; tries < nodes.size(); ++tries) {
          const int n = nodes[cursor[r] % nodes.size()];
          ++cursor[r];
          if (taken[static_cast<std::size_t>(n)] < state.free_gpus(n)) {
            ++taken[static_cast<std::size_t>(n)];
            --remaining;
            progressed = true;
            break;
          }
        }
      }
    }
    if (remaining > 0) return std::nullopt;
    Placement placement;
    for (const auto& nodes : racks)
      for (int n : nodes)
        if (taken[static_cast<std::size_t>(n)] > 0) take_whole(state, n, taken[static_cast<std::size_t>(n)], placement);
    return placement;
  }
};

template <class Policy>
void add(PlacementPolicyRegistry& registry, const char* name, const char* description) {
  registry.add(PolicyInfo{"", name, description, {}}, [](const PolicyParams&) { return std::make_unique<Policy>(); });
}

}  // namespace

void register_placement_policies(PlacementPolicyRegistry& registry) {
  add<FirstFitPlacement>(registry, "first_fit", "lowest-numbered nodes (or rack) with enough free GPUs");
  add<BestFitPlacement>(registry, "best_fit",
                        "the node with the fewest free GPUs that fits; multi-node jobs take the emptiest nodes first");
  add<TopologyPackPlacement>(registry, "topology_pack",
                             "one node, else one rack, else fewest racks and nodes (fastest all-reduce bottleneck)");
  add<SpreadPlacement>(registry, "spread", "one GPU per node, round robin over racks (failure isolation)");
}

}  // namespace leptonsim
