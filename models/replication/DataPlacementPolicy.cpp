#include "replication/DataPlacementPolicy.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

namespace leptonsim {
namespace {

// Which nodes and racks a chunk already uses.
struct UsedDomains {
  std::set<int> nodes;
  std::set<int> racks;
  UsedDomains(const StorageView& view, const std::vector<int>& holding) {
    for (int disk : holding) {
      nodes.insert(view.disks[static_cast<std::size_t>(disk)].node);
      racks.insert(view.disks[static_cast<std::size_t>(disk)].rack);
    }
  }
};

int uniform_index(RandomStream& random, std::size_t size) {
  return static_cast<int>(random.next_u64() % static_cast<std::uint64_t>(size));
}

// Random distinct nodes (and racks when `distinct_racks`), rejection sampling
// first and a full scan when the view is crowded.
class DistinctDomainPlacement : public DataPlacementPolicy {
public:
  explicit DistinctDomainPlacement(bool distinct_racks) : distinct_racks_(distinct_racks) {}

  std::vector<int> choose(const StorageView& view, const std::vector<int>& holding, int count, double piece_bytes,
                          RandomStream& random) override {
    UsedDomains used(view, holding);
    std::vector<int> chosen;
    auto is_valid = [&](int disk) {
      const StorageDiskView& d = view.disks[static_cast<std::size_t>(disk)];
      return d.is_writable && d.free_bytes >= piece_bytes && !used.nodes.contains(d.node) &&
             !(distinct_racks_ && used.racks.contains(d.rack));
    };
    auto take = [&](int disk) {
      chosen.push_back(disk);
      used.nodes.insert(view.disks[static_cast<std::size_t>(disk)].node);
      used.racks.insert(view.disks[static_cast<std::size_t>(disk)].rack);
    };
    const std::size_t disks = view.disks.size();
    while (static_cast<int>(chosen.size()) < count && disks > 0) {
      bool found = false;
      for (int attempt = 0; attempt < 32 && !found; ++attempt) {
        const int disk = uniform_index(random, disks);
        if (is_valid(disk)) {
          take(disk);
          found = true;
        }
      }
      if (found) continue;
      std::vector<int> valid;
      for (std::size_t d = 0; d < disks; ++d)
        if (is_valid(static_cast<int>(d))) valid.push_back(static_cast<int>(d));
      if (valid.empty()) break;
      take(valid[static_cast<std::size_t>(uniform_index(random, valid.size()))]);
    }
    return chosen;
  }

private:
  bool distinct_racks_;
};

class CopysetPlacement : public DataPlacementPolicy {
public:
  explicit CopysetPlacement(int scatter_width) : scatter_width_(scatter_width), fallback_(false) {}

  std::vector<int> choose(const StorageView& view, const std::vector<int>& holding, int count, double piece_bytes,
                          RandomStream& random) override {
    if (copysets_.empty()) build(view, static_cast<int>(holding.size()) + count, random);
    UsedDomains used(view, holding);
    // A node is usable when it is new to the chunk and one of its disks can take the piece.
    auto disk_on = [&](int node) -> int {
      std::vector<int> fitting;
      for (int disk : node_disks_[static_cast<std::size_t>(node)]) {
        const StorageDiskView& d = view.disks[static_cast<std::size_t>(disk)];
        if (d.is_writable && d.free_bytes >= piece_bytes) fitting.push_back(disk);
      }
      if (fitting.empty()) return -1;
      return fitting[static_cast<std::size_t>(uniform_index(random, fitting.size()))];
    };

    std::vector<int> candidates;  // copysets to try, in random order
    if (used.nodes.empty()) {
      // A new chunk: its first node at random, then a copyset containing it.
      const std::vector<int> first = fallback_.choose(view, holding, 1, piece_bytes, random);
      if (first.empty()) return {};
      candidates = copysets_of_node_[static_cast<std::size_t>(view.disks[static_cast<std::size_t>(first[0])].node)];
      std::vector<int> chosen{first[0]};
      std::vector<int> held{first[0]};
      if (count == 1) return chosen;
      if (auto rest = from_copysets(candidates, held, count - 1, disk_on, view, random)) {
        chosen.insert(chosen.end(), rest->begin(), rest->end());
        return chosen;
      }
      std::vector<int> rest = fallback_.choose(view, held, count - 1, piece_bytes, random);
      chosen.insert(chosen.end(), rest.begin(), rest.end());
      return chosen;
    }
    // A repair: a copyset holding every node the chunk is on.
    for (std::size_t c = 0; c < copysets_.size(); ++c)
      if (std::all_of(used.nodes.begin(), used.nodes.end(),
                      [&](int node) { return std::binary_search(sorted_[c].begin(), sorted_[c].end(), node); }))
        candidates.push_back(static_cast<int>(c));
    if (auto chosen = from_copysets(candidates, holding, count, disk_on, view, random)) return *chosen;
    return fallback_.choose(view, holding, count, piece_bytes, random);
  }

private:
  void build(const StorageView& view, int group, RandomStream& random) {
    node_disks_.assign(static_cast<std::size_t>(view.nodes), {});
    for (std::size_t d = 0; d < view.disks.size(); ++d) node_disks_[static_cast<std::size_t>(view.disks[d].node)].push_back(static_cast<int>(d));
    copysets_of_node_.assign(static_cast<std::size_t>(view.nodes), {});
    group = std::max(1, std::min(group, view.nodes));
    const int permutations = std::max(1, static_cast<int>(std::ceil(static_cast<double>(scatter_width_) / std::max(1, group - 1))));
    for (int p = 0; p < permutations; ++p) {
      std::vector<int> order(static_cast<std::size_t>(view.nodes));
      for (int i = 0; i < view.nodes; ++i) order[static_cast<std::size_t>(i)] = i;
      for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[static_cast<std::size_t>(uniform_index(random, i))]);
      for (std::size_t start = 0; start < order.size(); start += static_cast<std::size_t>(group)) {
        std::vector<int> members(order.begin() + static_cast<long>(start),
                                 order.begin() + static_cast<long>(std::min(order.size(), start + static_cast<std::size_t>(group))));
        // The last, short group is completed with nodes from the start of the permutation.
        for (std::size_t i = 0; members.size() < static_cast<std::size_t>(group); ++i)
          if (std::find(members.begin(), members.end(), order[i]) == members.end()) members.push_back(order[i]);
        const int id = static_cast<int>(copysets_.size());
        for (int node : members) copysets_of_node_[static_cast<std::size_t>(node)].push_back(id);
        std::vector<int> sorted = members;
        std::sort(sorted.begin(), sorted.end());
        copysets_.push_back(std::move(members));
        sorted_.push_back(std::move(sorted));
      }
    }
  }

  template <class DiskOn>
  std::optional<std::vector<int>> from_copysets(std::vector<int> candidates, const std::vector<int>& holding, int count,
                                                DiskOn& disk_on, const StorageView& view, RandomStream& random) {
    UsedDomains used(view, holding);
    while (!candidates.empty()) {
      const std::size_t pick = static_cast<std::size_t>(uniform_index(random, candidates.size()));
      const int copyset = candidates[pick];
      candidates.erase(candidates.begin() + static_cast<long>(pick));
      std::vector<int> chosen;
      for (int node : copysets_[static_cast<std::size_t>(copyset)]) {
        if (static_cast<int>(chosen.size()) == count) break;
        if (used.nodes.contains(node)) continue;
        const int disk = disk_on(node);
        if (disk >= 0) chosen.push_back(disk);
      }
      if (static_cast<int>(chosen.size()) == count) return chosen;
    }
    return std::nullopt;
  }

  int scatter_width_;
  DistinctDomainPlacement fallback_;
  std::vector<std::vector<int>> copysets_;        // node lists
  std::vector<std::vector<int>> sorted_;          // the same, sorted
  std::vector<std::vector<int>> copysets_of_node_;
  std::vector<std::vector<int>> node_disks_;
};

}  // namespace

void register_data_placement_policies(DataPlacementRegistry& registry) {
  registry.add(PolicyInfo{"", "random", "pieces of a chunk on distinct nodes chosen uniformly at random", {}},
               [](const PolicyParams&) { return std::make_unique<DistinctDomainPlacement>(false); });
  registry.add(PolicyInfo{"", "rack_aware", "pieces of a chunk on distinct racks (and nodes) chosen at random", {}},
               [](const PolicyParams&) { return std::make_unique<DistinctDomainPlacement>(true); });
  registry.add(PolicyInfo{"", "copysets",
                          "Copysets (Cidon et al. 2013): chunks only on a few random node groups, fewer losses "
                          "when many nodes fail at once",
                          {{"scatter_width", 4, 1, 1000, "nodes each node shares chunks with (S)"}}},
               [](const PolicyParams& params) {
                 return std::make_unique<CopysetPlacement>(static_cast<int>(params.get("scatter_width")));
               });
}

}  // namespace leptonsim
