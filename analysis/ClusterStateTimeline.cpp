#include "ClusterStateTimeline.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

namespace leptonsim {

namespace {

using Json = nlohmann::json;
using ReplicaKey = std::pair<std::string, long long>;  // (service, replica index)

const std::string kReplicaPlaced = "replica_placed";
const std::string kReplicaStarting = "replica_starting";
const std::string kReplicaReady = "replica_ready";
const std::string kReplicaStopped = "replica_stopped";
const std::string kGpuFailure = "gpu_failure";
const std::string kNodeFailure = "node_failure";
const std::string kRepair = "repair";
const std::string kFailure = "failure";  // the simulator's: entity = the component's topology name

// A `failure` of a GPU (".../gpu3") fails that GPU; of a node, rack or site,
// every GPU below it (by name prefix). NICs, links and switches cut nodes off
// without failing their GPUs: not shown.
bool is_gpu_name(const std::string& name) {
  const auto slash = name.rfind('/');
  return slash != std::string::npos && name.compare(slash + 1, 3, "gpu") == 0;
}
bool is_cut_off_component(const std::string& name) {
  return name.ends_with("/nic") || name.ends_with("/link") || name.find("/leaf") != std::string::npos ||
         name.find("/spine") != std::string::npos || name.find("/core") != std::string::npos ||
         name.find("/agg") != std::string::npos || name.find("/border") != std::string::npos;
}

bool is_replica_event(const std::string& kind) {
  return kind == kReplicaPlaced || kind == kReplicaStarting || kind == kReplicaReady ||
         kind == kReplicaStopped;
}

// What a replica event says; nullopt when its detail is malformed.
struct ReplicaDetail {
  std::optional<long long> replica;
  std::optional<std::vector<std::string>> gpus;  // absent when the detail has none
};

std::optional<ReplicaDetail> parse_replica_detail(const std::string& text) {
  const Json detail = Json::parse(text.empty() ? std::string("{}") : text, nullptr,
                                  /*allow_exceptions=*/false);
  if (detail.is_discarded() || !detail.is_object()) return std::nullopt;
  ReplicaDetail out;
  if (const auto it = detail.find("replica"); it != detail.end()) {
    if (!it->is_number_integer()) return std::nullopt;
    out.replica = it->get<long long>();
  }
  if (const auto it = detail.find("gpus"); it != detail.end()) {
    std::vector<std::string> gpus;
    if (it->is_array()) {
      for (const Json& gpu : *it) {
        if (!gpu.is_string()) return std::nullopt;
        gpus.push_back(gpu.get<std::string>());
      }
    } else if (it->is_string()) {  // "a,b,c" as in the replicas table
      const std::string list = it->get<std::string>();
      std::size_t begin = 0;
      while (begin <= list.size()) {
        const std::size_t comma = std::min(list.find(',', begin), list.size());
        if (comma > begin) gpus.push_back(list.substr(begin, comma - begin));
        begin = comma + 1;
      }
    } else {
      return std::nullopt;
    }
    out.gpus = std::move(gpus);
  }
  return out;
}

bool is_valid_json(const std::string& text) {
  return text.empty() || Json::accept(text);
}

// Node names a GPU could belong to: every prefix that ends before a '/'.
template <class F>
void for_each_node_prefix(const std::string& gpu, F&& f) {
  for (std::size_t slash = gpu.find('/'); slash != std::string::npos;
       slash = gpu.find('/', slash + 1))
    f(gpu.substr(0, slash));
}

}  // namespace

const char* to_string(GpuState state) {
  switch (state) {
    case GpuState::free: return "free";
    case GpuState::starting: return "starting";
    case GpuState::serving: return "serving";
    case GpuState::failed: return "failed";
  }
  return "unknown";
}

ClusterStateTimeline::ClusterStateTimeline(const std::vector<Event>& events) {
  std::vector<const Event*> ordered;
  ordered.reserve(events.size());
  for (const Event& e : events) ordered.push_back(&e);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Event* a, const Event* b) { return a->t < b->t; });

  // Every GPU named anywhere, so a node failure can fail GPUs that are only
  // allocated later (they show as failed, not free, before their placement).
  for (const Event* e : ordered) {
    if (is_replica_event(e->kind)) {
      const auto detail = parse_replica_detail(e->detail);
      if (detail && detail->gpus)
        for (const std::string& gpu : *detail->gpus) changes_[gpu];
    } else if ((e->kind == kGpuFailure || (e->kind == kFailure && is_gpu_name(e->entity))) && is_valid_json(e->detail)) {
      changes_[e->entity];
    }
  }

  struct Track {
    GpuState allocation = GpuState::free;
    std::optional<ReplicaKey> holder;
    bool has_failed = false;  // its own gpu_failure, unrepaired
  };
  std::map<std::string, Track> tracks;
  std::set<std::string> failed_nodes;
  std::map<ReplicaKey, std::vector<std::string>> held;  // GPUs each replica holds

  const auto effective = [&](const std::string& gpu) {
    const Track& track = tracks[gpu];
    bool is_failed = track.has_failed;
    for_each_node_prefix(gpu, [&](const std::string& node) {
      is_failed = is_failed || failed_nodes.count(node) > 0;
    });
    return is_failed ? GpuState::failed : track.allocation;
  };
  // Appends the GPU's state after an event at time t; several events at one
  // time leave only their net effect.
  const auto record = [&](const std::string& gpu, double t) {
    const GpuState state = effective(gpu);
    std::vector<Change>& changes = changes_[gpu];
    const GpuState previous = changes.empty() ? GpuState::free : changes.back().state;
    if (state == previous) return;
    if (!changes.empty() && changes.back().t == t) {
      changes.back().state = state;
      const GpuState before = changes.size() >= 2 ? changes[changes.size() - 2].state : GpuState::free;
      if (state == before) changes.pop_back();
      return;
    }
    changes.push_back({t, state});
  };
  const auto release = [&](const ReplicaKey& key, double t) {
    const auto it = held.find(key);
    if (it == held.end()) return;
    for (const std::string& gpu : it->second) {
      Track& track = tracks[gpu];
      if (track.holder != key) continue;  // already taken by another replica
      track.allocation = GpuState::free;
      track.holder.reset();
      record(gpu, t);
    }
    held.erase(it);
  };
  const auto hold = [&](const ReplicaKey& key, const std::vector<std::string>& gpus,
                        GpuState state, double t) {
    for (const std::string& gpu : gpus) {
      Track& track = tracks[gpu];
      track.allocation = state;
      track.holder = key;
      record(gpu, t);
    }
    held[key] = gpus;
  };
  const auto gpus_of_node = [&](const std::string& node) {
    std::vector<std::string> out;
    const std::string prefix = node + "/";
    for (auto it = changes_.lower_bound(prefix);
         it != changes_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
      out.push_back(it->first);
    return out;
  };
  const auto set_node_failed = [&](const std::string& node, bool is_failed, double t) {
    std::vector<std::pair<double, bool>>& transitions = node_failures_[node];
    if (!transitions.empty() && transitions.back().first == t)
      transitions.back().second = is_failed;
    else
      transitions.emplace_back(t, is_failed);
    if (is_failed)
      failed_nodes.insert(node);
    else
      failed_nodes.erase(node);
    for (const std::string& gpu : gpus_of_node(node)) record(gpu, t);
  };

  for (const Event* e : ordered) {
    const double t = e->t;
    if (is_replica_event(e->kind)) {
      const auto detail = parse_replica_detail(e->detail);
      if (!detail || !detail->replica) continue;
      const ReplicaKey key(e->entity, *detail->replica);
      if (e->kind == kReplicaStopped) {
        release(key, t);
        continue;
      }
      const auto held_now = held.find(key);
      const std::vector<std::string> gpus =
          detail->gpus ? *detail->gpus
                       : (held_now != held.end() ? held_now->second : std::vector<std::string>{});
      if (gpus.empty()) continue;
      GpuState state = GpuState::serving;
      if (e->kind == kReplicaStarting || (e->kind == kReplicaPlaced && t > 0.0))
        state = GpuState::starting;
      release(key, t);  // a re-placement without a stop: drop the old GPUs
      hold(key, gpus, state, t);
    } else if (e->kind == kFailure && !is_gpu_name(e->entity)) {
      if (!is_valid_json(e->detail) || is_cut_off_component(e->entity)) continue;
      if (failed_nodes.count(e->entity) == 0) set_node_failed(e->entity, true, t);
    } else if (e->kind == kGpuFailure || e->kind == kFailure) {
      if (!is_valid_json(e->detail)) continue;
      tracks[e->entity].has_failed = true;
      record(e->entity, t);
    } else if (e->kind == kNodeFailure) {
      if (!is_valid_json(e->detail)) continue;
      if (failed_nodes.count(e->entity) == 0) set_node_failed(e->entity, true, t);
    } else if (e->kind == kRepair) {
      if (!is_valid_json(e->detail)) continue;
      if (const auto it = tracks.find(e->entity); it != tracks.end() && it->second.has_failed) {
        it->second.has_failed = false;
        record(e->entity, t);
      }
      if (failed_nodes.count(e->entity) > 0) set_node_failed(e->entity, false, t);
    }
  }
}

GpuState ClusterStateTimeline::state_at(const std::string& gpu, double t) const {
  if (const auto it = changes_.find(gpu); it != changes_.end()) {
    const std::vector<Change>& changes = it->second;
    const auto after = std::upper_bound(changes.begin(), changes.end(), t,
                                        [](double time, const Change& c) { return time < c.t; });
    return after == changes.begin() ? GpuState::free : std::prev(after)->state;
  }
  bool is_failed = false;
  for_each_node_prefix(gpu, [&](const std::string& node) {
    const auto it = node_failures_.find(node);
    if (it == node_failures_.end()) return;
    const auto& transitions = it->second;
    const auto after = std::upper_bound(
        transitions.begin(), transitions.end(), t,
        [](double time, const std::pair<double, bool>& c) { return time < c.first; });
    if (after != transitions.begin() && std::prev(after)->second) is_failed = true;
  });
  return is_failed ? GpuState::failed : GpuState::free;
}

std::map<std::string, GpuState> ClusterStateTimeline::states_at(double t) const {
  std::map<std::string, GpuState> out;
  for (const auto& entry : changes_) out.emplace(entry.first, state_at(entry.first, t));
  return out;
}

std::vector<double> ClusterStateTimeline::change_times() const {
  std::vector<double> times;
  for (const auto& entry : changes_)
    for (const Change& c : entry.second) times.push_back(c.t);
  for (const auto& entry : node_failures_)
    for (const auto& transition : entry.second) times.push_back(transition.first);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  return times;
}

}  // namespace leptonsim
