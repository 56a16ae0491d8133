#include "QuorumStore.hpp"

#include "ClusterSeries.hpp"
#include "DistributionFromSpec.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace leptonsim {

namespace sg4 = simgrid::s4u;

struct QuorumStore::Call : CompletionHandler {
  QuorumStore* owner = nullptr;
  int id = 0;
  int op = 0;
  int replica = 0;  // index among the key's N replicas
  int node = 0;     // storage node
  bool is_write = false;
  std::int64_t version = 0;  // reads: the version the replica held when it read the value
  sg4::ActivityPtr activity;

  void on_activity_complete(const sg4::Activity&) override {
    CompletionDispatch::retire(std::move(activity));
    owner->on_comm_done(*this);  // may destroy *this: nothing after
  }
};

namespace {

QuorumConfig config_of(const QuorumSpec& spec) { return QuorumConfig{spec.replicas, spec.write_quorum, spec.read_quorum}; }

}  // namespace

QuorumStore::QuorumStore(const ScenarioSpec& spec, const SimPlatform& platform, std::function<bool(int)> is_available)
    : spec_(spec.data.quorum),
      end_time_(spec.duration),
      is_available_(std::move(is_available)),
      register_(config_of(spec.data.quorum), spec.data.quorum.keys),
      service_time_(to_distribution(spec.data.quorum.service_time)),
      write_arrivals_(make_stream(spec.seed, "quorum/writes")),
      read_arrivals_(make_stream(spec.seed, "quorum/reads")),
      key_random_(make_stream(spec.seed, "quorum/keys")),
      service_random_(make_stream(spec.seed, "quorum/service")) {
  for (const SimStorageNode& node : platform.storage_nodes)
    if (node.site == spec.data.site) node_hosts_.push_back(node.disks.front());
  gateway_ = platform.storage.at(spec.data.site);
  const int nodes = static_cast<int>(node_hosts_.size());
  if (nodes < spec_.replicas)
    throw std::runtime_error("data.quorum: more replicas than storage nodes");  // the checks say so first
  // Each key's replicas on distinct nodes chosen uniformly (a partial Fisher-Yates shuffle).
  RandomStream placement = make_stream(spec.seed, "quorum/placement");
  std::vector<int> order(static_cast<std::size_t>(nodes));
  replica_nodes_.resize(static_cast<std::size_t>(spec_.keys));
  for (auto& replicas : replica_nodes_) {
    for (int n = 0; n < nodes; ++n) order[static_cast<std::size_t>(n)] = n;
    for (int r = 0; r < spec_.replicas; ++r) {
      const int pick = r + static_cast<int>(placement.uniform() * (nodes - r));
      std::swap(order[static_cast<std::size_t>(r)], order[static_cast<std::size_t>(std::min(pick, nodes - 1))]);
      replicas.push_back(order[static_cast<std::size_t>(r)]);
    }
  }
}

QuorumStore::~QuorumStore() = default;

void QuorumStore::start() {
  if (spec_.write_rate > 0) schedule_arrival(true, 0.0);
  if (spec_.read_rate > 0) schedule_arrival(false, 0.0);
}

void QuorumStore::schedule_arrival(bool is_write, double now) {
  const double at = now + (is_write ? write_arrivals_.exponential(1.0 / spec_.write_rate)
                                    : read_arrivals_.exponential(1.0 / spec_.read_rate));
  if (at >= end_time_) return;
  schedule_at(at, [this, is_write, at] {
    if (is_stopped_) return;
    issue(is_write, at);
    schedule_arrival(is_write, at);
  });
}

void QuorumStore::issue(bool is_write, double now) {
  const int key = std::min(static_cast<int>(key_random_.uniform() * spec_.keys), spec_.keys - 1);
  const int op = is_write ? register_.begin_write(key, now) : register_.begin_read(key, now);
  const std::vector<int>& replicas = replica_nodes_[static_cast<std::size_t>(key)];
  for (int r = 0; r < spec_.replicas; ++r) {
    const int node = replicas[static_cast<std::size_t>(r)];
    if (!is_available_(node)) {
      unavailable(op, is_write);
      continue;
    }
    if (is_write) {
      start_comm(op, r, node, true, 0);
    } else {
      // The replica reads the value (and the version it holds then), then sends it back.
      schedule_at(now + service_time_.sample(service_random_), [this, op, r, node, key] {
        if (is_stopped_) return;
        if (!is_available_(node)) return unavailable(op, false);
        start_comm(op, r, node, false, register_.version_at(key, r));
      });
    }
  }
}

void QuorumStore::start_comm(int op, int replica, int node, bool is_write, std::int64_t version) {
  auto call = std::make_unique<Call>();
  call->owner = this;
  call->id = next_call_++;
  call->op = op;
  call->replica = replica;
  call->node = node;
  call->is_write = is_write;
  call->version = version;
  sg4::Host* host = node_hosts_[static_cast<std::size_t>(node)];
  const auto size = static_cast<std::uint64_t>(std::llround(spec_.value_size));
  // Writes too are sent on the replica-to-gateway route (the same links, the
  // other direction): in SimGrid 3.32, Comms started together from one host
  // to several disk hosts finished all but the first almost at once.
  call->activity = sg4::Comm::sendto_init(host, gateway_)->set_payload_size(size);
  Call* raw = call.get();
  calls_.emplace(call->id, std::move(call));
  CompletionDispatch::start(raw->activity, raw);
}

void QuorumStore::on_comm_done(Call& call) {
  retired_calls_.clear();  // their callbacks have returned
  std::unique_ptr<Call> done = std::move(calls_.at(call.id));
  calls_.erase(call.id);
  const double now = sg4::Engine::get_clock();
  if (!is_stopped_) {
    if (done->is_write) {
      // The value is at the replica: it applies the write after its service time.
      const int op = done->op, replica = done->replica, node = done->node;
      schedule_at(now + service_time_.sample(service_random_), [this, op, replica, node] {
        if (is_stopped_) return;
        if (!is_available_(node)) return unavailable(op, true);
        finish(register_.write_applied(op, replica, sg4::Engine::get_clock()), true);
      });
    } else if (!is_available_(done->node)) {
      unavailable(done->op, false);
    } else {
      finish(register_.read_answered(done->op, done->replica, done->version, now), false);
    }
  }
  retired_calls_.push_back(std::move(done));
}

void QuorumStore::finish(const QuorumRegister::Outcome& outcome, bool is_write) {
  if (!outcome.is_complete) return;
  if (is_write) {
    ++writes_;
    write_latency_.record(outcome.latency);
    interval_write_latency_.record(outcome.latency);
  } else {
    ++reads_;
    read_latency_.record(outcome.latency);
    interval_read_latency_.record(outcome.latency);
    if (outcome.is_stale) {
      ++stale_reads_;
      ++interval_stale_reads_;
    }
  }
}

void QuorumStore::unavailable(int op, bool is_write) {
  if (register_.replica_unavailable(op)) ++(is_write ? write_failures_ : read_failures_);
}

void QuorumStore::stop(double) { is_stopped_ = true; }

void QuorumStore::sample(double now, std::vector<TimeSeries>& series) {
  if (!interval_write_latency_.empty())
    append_cluster_point(series, "quorum.write_latency_p99", now, interval_write_latency_.quantile(0.99));
  if (!interval_read_latency_.empty())
    append_cluster_point(series, "quorum.read_latency_p99", now, interval_read_latency_.quantile(0.99));
  append_cluster_point(series, "quorum.stale_reads", now, static_cast<double>(interval_stale_reads_));
  interval_write_latency_.clear();
  interval_read_latency_.clear();
  interval_stale_reads_ = 0;
}

void QuorumStore::report(RunResult& result) const {
  auto put = [&](const char* metric, double value, const char* unit) {
    result.summary.push_back(SummaryMetric{metric, value, unit});
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  put("quorum.strong", register_.config().is_strong() ? 1.0 : 0.0, "1");
  put("quorum.writes", static_cast<double>(writes_), "1");
  put("quorum.reads", static_cast<double>(reads_), "1");
  put("quorum.write_failures", static_cast<double>(write_failures_), "1");
  put("quorum.read_failures", static_cast<double>(read_failures_), "1");
  for (const auto& [name, latency] : {std::pair{"write", &write_latency_}, std::pair{"read", &read_latency_}}) {
    const std::string prefix = fmt::format("quorum.{}_latency_", name);
    result.summary.push_back(SummaryMetric{prefix + "mean", latency->mean(), "s"});
    result.summary.push_back(SummaryMetric{prefix + "p50", latency->empty() ? nan : latency->quantile(0.5), "s"});
    result.summary.push_back(SummaryMetric{prefix + "p99", latency->empty() ? nan : latency->quantile(0.99), "s"});
  }
  put("quorum.stale_reads", static_cast<double>(stale_reads_), "1");
  put("quorum.stale_read_fraction", reads_ > 0 ? static_cast<double>(stale_reads_) / static_cast<double>(reads_) : nan,
      "1");
}

}  // namespace leptonsim
