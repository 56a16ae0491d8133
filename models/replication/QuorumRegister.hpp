// Quorum reads and writes on replicated keys (Dynamo, Cassandra): N replicas
// per key; a write is acknowledged once W replicas applied it, a read
// answers once R replicas responded, with the newest version among them.
// W + R > N (strong) makes every read quorum overlap every write quorum, so a
// read never returns a version older than one acknowledged before it began;
// otherwise (eventual) it may: such reads are counted as stale.
//
// The register only keeps versions and counts responses; the simulator says
// when each replica applied a write or answered a read (network, disk and
// service time), and which replicas never answer (unavailable).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace leptonsim {

struct QuorumConfig {
  int replicas = 3;       // N
  int write_quorum = 2;   // W
  int read_quorum = 2;    // R
  bool is_strong() const { return write_quorum + read_quorum > replicas; }
};

// The time a quorum operation completes: the `needed`-th earliest response
// (responses in any order; fewer than `needed` → nullopt).
std::optional<double> quorum_completion_time(std::vector<double> responses, int needed);

class QuorumRegister {
public:
  QuorumRegister(QuorumConfig config, int keys);

  struct Outcome {
    bool is_complete = false;  // this response completed the operation
    double latency = 0.0;      // from its start, when complete
    bool is_stale = false;     // reads: older than a version acknowledged before the read began
  };

  // A write of a new version of `key`; returns the operation id.
  int begin_write(int key, double now);
  // A read of `key`; remembers the newest acknowledged version at its start.
  int begin_read(int key, double now);
  // Writes: replica `replica` applied the operation's version at `now`.
  Outcome write_applied(int op, int replica, double now);
  // Reads: replica `replica` answered at `now` with the version it held when it read it.
  Outcome read_answered(int op, int replica, std::int64_t version_held, double now);
  // A replica of the operation will never answer (down or cut off). Returns true when
  // the operation can no longer reach its quorum (it failed; forgotten).
  bool replica_unavailable(int op);
  // An operation is forgotten once every replica answered or was declared unavailable.
  std::int64_t version_at(int key, int replica) const {
    return applied_[static_cast<std::size_t>(key) * static_cast<std::size_t>(config_.replicas) +
                    static_cast<std::size_t>(replica)];
  }
  std::int64_t acknowledged_version(int key) const { return acknowledged_[static_cast<std::size_t>(key)]; }
  const QuorumConfig& config() const { return config_; }
  std::size_t operations_in_flight() const { return ops_.size(); }

private:
  struct Operation {
    int key = 0;
    bool is_write = false;
    std::int64_t version = 0;  // writes: the version written; reads: newest acknowledged at the start
    double start = 0.0;
    int answered = 0;          // responses so far
    int silent = 0;            // replicas that will never answer
    std::int64_t newest_seen = 0;
    bool is_complete = false;
  };
  Outcome respond(int op, double now);
  void forget_if_done(int op);

  QuorumConfig config_;
  std::vector<std::int64_t> applied_;       // per key and replica: newest version applied
  std::vector<std::int64_t> acknowledged_;  // per key: newest version acknowledged to its writer
  std::vector<std::int64_t> written_;       // per key: versions issued
  std::unordered_map<int, Operation> ops_;
  int next_op_ = 0;
};

}  // namespace leptonsim
