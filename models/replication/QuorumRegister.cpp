#include "QuorumRegister.hpp"

#include <algorithm>
#include <stdexcept>

namespace leptonsim {

std::optional<double> quorum_completion_time(std::vector<double> responses, int needed) {
  if (needed < 1 || static_cast<int>(responses.size()) < needed) return std::nullopt;
  std::nth_element(responses.begin(), responses.begin() + (needed - 1), responses.end());
  return responses[static_cast<std::size_t>(needed - 1)];
}

QuorumRegister::QuorumRegister(QuorumConfig config, int keys)
    : config_(config),
      applied_(static_cast<std::size_t>(keys) * static_cast<std::size_t>(config.replicas), 0),
      acknowledged_(static_cast<std::size_t>(keys), 0),
      written_(static_cast<std::size_t>(keys), 0) {
  if (config.replicas < 1 || config.write_quorum < 1 || config.read_quorum < 1 ||
      config.write_quorum > config.replicas || config.read_quorum > config.replicas)
    throw std::invalid_argument("quorum: need 1 <= W, R <= N");
  if (keys < 1) throw std::invalid_argument("quorum: need at least one key");
}

int QuorumRegister::begin_write(int key, double now) {
  const int id = next_op_++;
  ops_[id] = Operation{key, true, ++written_[static_cast<std::size_t>(key)], now, 0, 0, 0, false};
  return id;
}

int QuorumRegister::begin_read(int key, double now) {
  const int id = next_op_++;
  ops_[id] = Operation{key, false, acknowledged_[static_cast<std::size_t>(key)], now, 0, 0, 0, false};
  return id;
}

QuorumRegister::Outcome QuorumRegister::write_applied(int op, int replica, double now) {
  Operation& operation = ops_.at(op);
  std::int64_t& held = applied_[static_cast<std::size_t>(operation.key) * static_cast<std::size_t>(config_.replicas) +
                                static_cast<std::size_t>(replica)];
  held = std::max(held, operation.version);  // a late older write does not roll a replica back
  return respond(op, now);
}

QuorumRegister::Outcome QuorumRegister::read_answered(int op, int, std::int64_t version_held, double now) {
  Operation& operation = ops_.at(op);
  // Only the first R answers make up the read's result.
  if (!operation.is_complete) operation.newest_seen = std::max(operation.newest_seen, version_held);
  return respond(op, now);
}

QuorumRegister::Outcome QuorumRegister::respond(int op, double now) {
  Operation& operation = ops_.at(op);
  ++operation.answered;
  Outcome outcome;
  const int needed = operation.is_write ? config_.write_quorum : config_.read_quorum;
  if (!operation.is_complete && operation.answered == needed) {
    operation.is_complete = true;
    outcome.is_complete = true;
    outcome.latency = now - operation.start;
    if (operation.is_write) {
      std::int64_t& acked = acknowledged_[static_cast<std::size_t>(operation.key)];
      acked = std::max(acked, operation.version);
    } else {
      outcome.is_stale = operation.newest_seen < operation.version;
    }
  }
  forget_if_done(op);
  return outcome;
}

bool QuorumRegister::replica_unavailable(int op) {
  Operation& operation = ops_.at(op);
  ++operation.silent;
  const int needed = operation.is_write ? config_.write_quorum : config_.read_quorum;
  const bool failed = !operation.is_complete && config_.replicas - operation.silent < needed;
  if (failed) operation.is_complete = true;  // no outcome will be reported
  forget_if_done(op);
  return failed;
}

void QuorumRegister::forget_if_done(int op) {
  const Operation& operation = ops_.at(op);
  if (operation.answered + operation.silent == config_.replicas) ops_.erase(op);
}

}  // namespace leptonsim
