// How a chunk of data is stored redundantly: a redundancy policy.
//
// Every scheme stores a chunk as `pieces()` pieces on distinct nodes, any
// `pieces_needed()` of which reconstruct it:
//   replication      R full copies: pieces = R, needed = 1, a piece is the chunk;
//   erasure_coding   Reed-Solomon RS(k, m): pieces = k + m, needed = k, a piece
//                    (fragment) is chunk / k bytes.
// Rebuilding one lost piece reads `pieces_needed()` pieces (one copy, or k
// fragments) and writes one. Replication is RS(1, R - 1) in this view, which is
// why one class covers both.
#pragma once

#include "common/PolicyRegistry.hpp"

#include <string>

namespace leptonsim {

class RedundancyScheme {
public:
  RedundancyScheme(std::string name, int pieces, int pieces_needed);

  const std::string& name() const { return name_; }
  int pieces() const { return pieces_; }
  int pieces_needed() const { return pieces_needed_; }
  // Pieces that may be lost without losing the chunk.
  int tolerated_losses() const { return pieces_ - pieces_needed_; }
  double piece_bytes(double chunk_bytes) const { return chunk_bytes / pieces_needed_; }
  // Bytes stored per byte of data (R, or (k + m) / k).
  double storage_overhead() const { return static_cast<double>(pieces_) / pieces_needed_; }
  // Pieces read to rebuild one lost piece.
  int repair_reads() const { return pieces_needed_; }

  static PolicyInfo replication_info();
  static PolicyInfo erasure_coding_info();

private:
  std::string name_;
  int pieces_;
  int pieces_needed_;
};

using RedundancyRegistry = PolicyRegistry<RedundancyScheme>;

void register_redundancy_schemes(RedundancyRegistry& registry);

}  // namespace leptonsim
