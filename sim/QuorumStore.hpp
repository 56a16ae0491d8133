// Quorum reads and writes (`data.quorum`) on the data site's storage nodes.
//
// Each operation goes to the N replicas of its key: a write is a transfer of
// the value between the site's storage gateway and the replica's disk, then
// the replica's service time (it applies the write); a read is the replica's
// service time (it reads the value, and the version it holds then), then a
// transfer of the value back to the gateway. The QuorumRegister turns the responses into
// latencies (the W-th or R-th response) and stale reads. Replicas on
// unavailable storage nodes do not answer. No actor: Poisson arrivals are
// timers, responses completion callbacks.
#pragma once

#include "CompletionDispatch.hpp"
#include "LatencyHistogram.hpp"
#include "PlatformBuilder.hpp"
#include "RunResult.hpp"
#include "ScenarioSpec.hpp"
#include "common/Distribution.hpp"
#include "common/RandomStreams.hpp"
#include "replication/QuorumRegister.hpp"

#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

namespace leptonsim {

class QuorumStore {
public:
  // `is_available(node)`: whether the data site's storage node (numbered within the site) answers now.
  QuorumStore(const ScenarioSpec& spec, const SimPlatform& platform, std::function<bool(int)> is_available);
  ~QuorumStore();
  QuorumStore(const QuorumStore&) = delete;
  QuorumStore& operator=(const QuorumStore&) = delete;

  void start();
  void stop(double now);
  void sample(double now, std::vector<TimeSeries>& series);
  void report(RunResult& result) const;

private:
  struct Call;
  void schedule_arrival(bool is_write, double now);
  void issue(bool is_write, double now);
  void start_comm(int op, int replica, int node, bool is_write, std::int64_t version);
  void on_comm_done(Call& call);
  void finish(const QuorumRegister::Outcome& outcome, bool is_write);
  void unavailable(int op, bool is_write);

  const QuorumSpec& spec_;
  double end_time_ = 0.0;
  std::function<bool(int)> is_available_;
  QuorumRegister register_;
  std::vector<std::vector<int>> replica_nodes_;      // per key: its N storage nodes
  std::vector<simgrid::s4u::Host*> node_hosts_;      // per storage node: where its replica is read and written
  simgrid::s4u::Host* gateway_ = nullptr;            // where clients' operations enter the storage
  Distribution service_time_;
  RandomStream write_arrivals_, read_arrivals_, key_random_, service_random_;
  std::unordered_map<int, std::unique_ptr<Call>> calls_;  // in flight, by id
  std::vector<std::unique_ptr<Call>> retired_calls_;     // finished inside their own callback
  int next_call_ = 0;
  bool is_stopped_ = false;

  std::int64_t writes_ = 0, reads_ = 0, write_failures_ = 0, read_failures_ = 0, stale_reads_ = 0;
  LatencyHistogram write_latency_, read_latency_;
  LatencyHistogram interval_write_latency_, interval_read_latency_;
  std::int64_t interval_stale_reads_ = 0;
};

}  // namespace leptonsim
