// Data placement policies: which disks hold the pieces of a chunk.
//
// A policy sees a read-only view of the storage disks and returns disks for the
// new pieces of one chunk; the storage system checks and applies the choice.
// Every policy puts the pieces of a chunk on distinct nodes (a node failure
// never takes two), on disks that are up and have room:
//
//   random      distinct nodes chosen uniformly (HDFS-like without racks)
//   rack_aware  distinct racks as well: no rack (failure domain of a leaf
//               switch or PDU) holds two pieces of a chunk
//   copysets    Cidon et al., "Copysets: Reducing the Frequency of Data Loss in
//               Cloud Storage" (USENIX ATC 2013): P = ceil(S / (n - 1))
//               random permutations of the nodes are cut into groups of n
//               (pieces per chunk); a chunk's pieces go to one group that
//               contains its first, random node. Few distinct groups hold data,
//               so a simultaneous failure of n nodes rarely loses any chunk.
//
// `choose` also serves repairs: `holding` lists the disks that already hold
// (or are about to hold) pieces of the chunk, and must be avoided with their
// nodes (and racks, for rack_aware). It returns fewer disks than asked when no
// valid disk is left.
#pragma once

#include "common/PolicyRegistry.hpp"
#include "common/RandomStreams.hpp"

#include <memory>
#include <vector>

namespace leptonsim {

struct StorageDiskView {
  int node = 0;             // storage node index
  int rack = 0;             // storage rack index (a failure domain)
  bool is_writable = true;  // up, reachable and not being replaced
  double free_bytes = 0.0;  // capacity left
};

struct StorageView {
  std::vector<StorageDiskView> disks;  // every disk, by index
  int nodes = 0;
  int racks = 0;
};

class DataPlacementPolicy {
public:
  virtual ~DataPlacementPolicy() = default;
  // Disks for `count` new pieces of `piece_bytes` each.
  virtual std::vector<int> choose(const StorageView& view, const std::vector<int>& holding, int count,
                                  double piece_bytes, RandomStream& random) = 0;
};

using DataPlacementRegistry = PolicyRegistry<DataPlacementPolicy>;

void register_data_placement_policies(DataPlacementRegistry& registry);

}  // namespace leptonsim
