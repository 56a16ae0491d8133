#include "topology/TopologyModel.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "ScenarioLoader.hpp"
#include "topology/Topology.hpp"

namespace leptonsim::gui {
namespace {

using Json = nlohmann::json;

bool isReplicaEvent(const std::string& kind) {
  return kind == "replica_placed" || kind == "replica_starting" || kind == "replica_ready" ||
         kind == "replica_stopped";
}

// "r10" after "r9": compares digit runs by value.
bool naturalLess(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      const std::string da = a.substr(i, ei - i), db = b.substr(j, ej - j);
      if (da.size() != db.size()) return da.size() < db.size();
      if (da != db) return da < db;
      i = ei, j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i, ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

std::string parentName(const std::string& name) {
  const auto slash = name.rfind('/');
  return slash == std::string::npos ? std::string() : name.substr(0, slash);
}

// Platform from the resolved scenario: the Topology's containment tree.
void buildFromScenario(TopologyModel& model, const std::string& scenarioText, double& scenarioDuration) {
  const ScenarioSpec spec = load_scenario_text(scenarioText, "scenario of the run");
  scenarioDuration = spec.duration;
  const Topology topology(spec.platform, spec.catalog);
  std::vector<int> indexOf(topology.vertex_count(), -1);
  for (auto v : topology.vertices_of_kind(VertexKind::site)) {
    indexOf[v] = static_cast<int>(model.sites.size());
    model.sites.push_back({topology.name(v), {}});
  }
  for (auto v : topology.vertices_of_kind(VertexKind::rack)) {
    const int site = indexOf[*topology.parent(v)];
    indexOf[v] = static_cast<int>(model.racks.size());
    model.sites[site].racks.push_back(indexOf[v]);
    model.racks.push_back({topology.name(v), site, {}, false, {}});
  }
  for (auto v : topology.vertices_of_kind(VertexKind::storage_node)) {
    const int rack = indexOf[*topology.parent(v)];
    indexOf[v] = static_cast<int>(model.storage_nodes.size());
    model.racks[rack].storage = true;
    model.racks[rack].storage_nodes.push_back(indexOf[v]);
    model.storage_nodes.push_back({topology.name(v), rack, {}});
  }
  for (auto v : topology.vertices_of_kind(VertexKind::disk)) {
    const int node = indexOf[*topology.parent(v)];
    model.storage_nodes[node].disks.push_back(static_cast<int>(model.disks.size()));
    model.disks.push_back({topology.name(v), node});
  }
  for (auto v : topology.vertices_of_kind(VertexKind::node)) {
    const int rack = indexOf[*topology.parent(v)];
    indexOf[v] = static_cast<int>(model.nodes.size());
    model.racks[rack].nodes.push_back(indexOf[v]);
    model.nodes.push_back({topology.name(v), rack, {}});
  }
  for (auto v : topology.vertices_of_kind(VertexKind::gpu)) {
    const int node = indexOf[*topology.parent(v)];
    model.nodes[node].gpus.push_back(static_cast<int>(model.gpus.size()));
    model.gpus.push_back({topology.name(v), node});
  }
}

// Platform guessed from GPU names "site/rack/node/gpu" when the scenario cannot be loaded.
void buildFromNames(TopologyModel& model, const std::set<std::string>& gpuNames) {
  std::vector<std::string> names(gpuNames.begin(), gpuNames.end());
  std::sort(names.begin(), names.end(), naturalLess);
  std::map<std::string, int> siteIndex, rackIndex, nodeIndex;
  for (const auto& gpu : names) {
    const std::string node = parentName(gpu);
    std::string rack = parentName(node);
    std::string site = parentName(rack);
    if (node.empty()) continue;  // a bare name cannot be placed
    if (rack.empty()) rack = "(rack)";
    if (site.empty()) site = rack.find('/') == std::string::npos ? rack : "(site)";
    if (!siteIndex.count(site)) {
      siteIndex[site] = static_cast<int>(model.sites.size());
      model.sites.push_back({site, {}});
    }
    if (!rackIndex.count(rack)) {
      rackIndex[rack] = static_cast<int>(model.racks.size());
      model.sites[siteIndex[site]].racks.push_back(rackIndex[rack]);
      model.racks.push_back({rack, siteIndex[site], {}, false, {}});
    }
    if (!nodeIndex.count(node)) {
      nodeIndex[node] = static_cast<int>(model.nodes.size());
      model.racks[rackIndex[rack]].nodes.push_back(nodeIndex[node]);
      model.nodes.push_back({node, rackIndex[rack], {}});
    }
    model.nodes[nodeIndex[node]].gpus.push_back(static_cast<int>(model.gpus.size()));
    model.gpus.push_back({gpu, nodeIndex[node]});
  }
}

// Full GPU names of a replica event's detail.gpus (names, names relative to
// detail.node, or indices within the node).
std::vector<std::string> gpuNamesOf(const Json& detail, const TopologyModel& model,
                                    const std::unordered_map<std::string, int>& nodeIndex) {
  std::vector<std::string> names;
  const auto gpus = detail.find("gpus");
  if (gpus == detail.end()) return names;
  const std::string node = detail.value("node", std::string());
  auto resolve = [&](const std::string& name) {
    if (model.gpu_index.count(name) || node.empty()) return name;
    if (name.find('/') == std::string::npos) return node + "/" + name;  // relative to its node
    return name;
  };
  auto byIndex = [&](long long k) {
    auto found = nodeIndex.find(node);
    if (found != nodeIndex.end() && k >= 0 && k < static_cast<long long>(model.nodes[found->second].gpus.size()))
      return model.gpus[model.nodes[found->second].gpus[k]].name;
    return node + "/gpu" + std::to_string(k);
  };
  auto addText = [&](const std::string& text) {
    std::size_t begin = 0;
    while (begin <= text.size()) {
      const std::size_t comma = std::min(text.find(',', begin), text.size());
      if (comma > begin) names.push_back(resolve(text.substr(begin, comma - begin)));
      begin = comma + 1;
    }
  };
  if (gpus->is_array()) {
    for (const Json& gpu : *gpus) {
      if (gpu.is_string()) names.push_back(resolve(gpu.get<std::string>()));
      if (gpu.is_number_integer()) names.push_back(byIndex(gpu.get<long long>()));
    }
  } else if (gpus->is_string()) {
    addText(gpus->get<std::string>());
  }
  return names;
}

// Events with every replica event's detail.gpus rewritten as full platform names.
std::vector<Event> normaliseEvents(const std::vector<Event>& events, const TopologyModel& model) {
  std::unordered_map<std::string, int> nodeIndex;
  for (std::size_t n = 0; n < model.nodes.size(); ++n) nodeIndex[model.nodes[n].name] = static_cast<int>(n);
  std::vector<Event> out = events;
  for (Event& event : out) {
    if (!isReplicaEvent(event.kind)) continue;
    Json detail = Json::parse(event.detail.empty() ? std::string("{}") : event.detail, nullptr, false);
    if (detail.is_discarded() || !detail.is_object() || !detail.contains("gpus")) continue;
    detail["gpus"] = gpuNamesOf(detail, model, nodeIndex);
    event.detail = detail.dump();
  }
  std::stable_sort(out.begin(), out.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
  return out;
}

// Outages of storage disks and nodes from the failure events: a failure's own
// detail.repaired_at, else the repair event of the same detail.failure, else the end.
void buildStorageOutages(TopologyModel& model, const std::vector<Event>& events) {
  if (model.disks.empty() && model.storage_nodes.empty()) return;
  constexpr double kNever = std::numeric_limits<double>::infinity();
  struct Down {
    std::string entity;
    double from;
    double to;
  };
  std::vector<Down> downs;
  std::map<std::string, std::size_t> byFailure;  // detail.failure -> index into downs
  auto idOf = [](const Json& detail) -> std::string {
    const auto id = detail.find("failure");
    if (id == detail.end()) return {};
    return id->is_string() ? id->get<std::string>() : id->dump();
  };
  for (const Event& event : events) {
    if (event.kind != "failure" && event.kind != "repair") continue;
    const Json detail = Json::parse(event.detail.empty() ? std::string("{}") : event.detail, nullptr, false);
    const std::string id = detail.is_object() ? idOf(detail) : std::string();
    if (event.kind == "failure") {
      double to = kNever;
      if (detail.is_object()) {
        const auto repaired = detail.find("repaired_at");
        if (repaired != detail.end() && repaired->is_number()) to = repaired->get<double>();
      }
      if (!id.empty()) byFailure[id] = downs.size();
      downs.push_back({event.entity, event.t, to});
    } else if (!id.empty()) {
      const auto failure = byFailure.find(id);
      if (failure != byFailure.end()) downs[failure->second].to = std::min(downs[failure->second].to, event.t);
    } else {
      // A repair without a failure id ends the earliest open outage of its component.
      for (Down& down : downs)
        if (down.entity == event.entity && down.to == kNever && down.from <= event.t) {
          down.to = event.t;
          break;
        }
    }
  }
  std::map<std::string, std::vector<TopologyModel::Outage>> byEntity;
  for (const Down& down : downs)
    if (down.to > down.from) byEntity[down.entity].push_back({down.from, down.to, true});
  // A component's outages: its own, then those of everything that contains it.
  auto outagesOf = [&byEntity](const std::string& name) {
    std::vector<TopologyModel::Outage> outages;
    bool own = true;
    for (std::string current = name; !current.empty(); current = parentName(current), own = false) {
      const auto found = byEntity.find(current);
      if (found == byEntity.end()) continue;
      for (TopologyModel::Outage outage : found->second) {
        outage.own = own;
        outages.push_back(outage);
      }
    }
    return outages;
  };
  model.disk_outages.resize(model.disks.size());
  for (std::size_t d = 0; d < model.disks.size(); ++d) model.disk_outages[d] = outagesOf(model.disks[d].name);
  model.storage_node_outages.resize(model.storage_nodes.size());
  for (std::size_t n = 0; n < model.storage_nodes.size(); ++n)
    model.storage_node_outages[n] = outagesOf(model.storage_nodes[n].name);
  // The time slider's step buttons stop where a disk changes state too.
  std::set<double> times(model.change_times.begin(), model.change_times.end());
  for (const auto& outages : model.disk_outages)
    for (const TopologyModel::Outage& outage : outages) {
      times.insert(outage.from);
      if (std::isfinite(outage.to)) times.insert(outage.to);
    }
  model.change_times.assign(times.begin(), times.end());
}

bool isDown(const std::vector<TopologyModel::Outage>& outages, double t, bool ownOnly) {
  return std::any_of(outages.begin(), outages.end(), [t, ownOnly](const TopologyModel::Outage& outage) {
    return (!ownOnly || outage.own) && outage.from <= t && t < outage.to;
  });
}

}  // namespace

TopologyModel::DiskState TopologyModel::disk_state(int disk, double t) const {
  if (disk < 0 || disk >= static_cast<int>(disk_outages.size())) return DiskState::ok;
  const auto& outages = disk_outages[disk];
  if (isDown(outages, t, true)) return DiskState::failed;
  if (isDown(outages, t, false)) return DiskState::unreachable;
  return DiskState::ok;
}

bool TopologyModel::storage_node_down(int node, double t) const {
  return node >= 0 && node < static_cast<int>(storage_node_outages.size()) && isDown(storage_node_outages[node], t, false);
}

int TopologyModel::storage_rack_count() const {
  return static_cast<int>(std::count_if(racks.begin(), racks.end(), [](const Rack& rack) { return rack.storage; }));
}

GpuState TopologyModel::state(int gpu, double t) const {
  return timeline ? timeline->state_at(gpus[gpu].name, t) : GpuState::free;
}

const TopologyModel::Holder* TopologyModel::holder(int gpu, double t) const {
  const auto& changes = holders[gpu];
  auto after = std::upper_bound(changes.begin(), changes.end(), t,
                                [](double time, const Holder& change) { return time < change.t; });
  if (after == changes.begin()) return nullptr;
  const Holder& current = *std::prev(after);
  return current.replica < 0 ? nullptr : &current;
}

double TopologyModel::node_utilization(int node, double t) const {
  if (node < 0 || node >= static_cast<int>(node_utilization_series.size())) return NAN;
  const TimeSeries& series = node_utilization_series[node];
  auto covering = std::lower_bound(series.t.begin(), series.t.end(), t);
  if (covering == series.t.end()) return NAN;
  return series.value[covering - series.t.begin()];
}

double TopologyModel::replica_busy_fraction(int gpu, double t) const {
  const Holder* current = holder(gpu, t);
  if (!current) return NAN;
  auto rows = replicas_by_key.find({current->service, current->replica});
  if (rows == replicas_by_key.end() || rows->second.empty()) return NAN;
  // An index reused after a scale-down has several rows: take the one on this GPU.
  const std::string& name = gpus[gpu].name;
  for (std::size_t row : rows->second) {
    const std::string& list = replicas[row].gpus;
    for (std::size_t begin = 0; begin <= list.size();) {
      const std::size_t comma = std::min(list.find(',', begin), list.size());
      if (list.compare(begin, comma - begin, name) == 0) return replicas[row].busy_fraction;
      begin = comma + 1;
    }
  }
  return replicas[rows->second.front()].busy_fraction;
}

std::shared_ptr<const TopologyModel> build_topology_model(const RunDataset& run) {
  auto model = std::make_shared<TopologyModel>();
  double scenarioDuration = 0.0;
  try {
    buildFromScenario(*model, run.overview.run.scenario_text, scenarioDuration);
  } catch (const std::exception& error) {
    *model = TopologyModel{};
    model->platform_note = std::string("The run's scenario could not be loaded (") + error.what() +
                           "); the platform is rebuilt from the GPU names in its events.";
  }
  for (std::size_t g = 0; g < model->gpus.size(); ++g) model->gpu_index[model->gpus[g].name] = static_cast<int>(g);

  if (model->gpus.empty()) {
    std::set<std::string> names;
    for (const Event& event : run.events) {
      if (!isReplicaEvent(event.kind)) continue;
      const Json detail = Json::parse(event.detail.empty() ? std::string("{}") : event.detail, nullptr, false);
      if (detail.is_object())
        for (auto& name : gpuNamesOf(detail, *model, {})) names.insert(name);
    }
    for (const ReplicaRecord& replica : run.replicas) {
      Json detail{{"node", replica.node}, {"gpus", replica.gpus}};
      for (auto& name : gpuNamesOf(detail, *model, {})) names.insert(name);
    }
    buildFromNames(*model, names);
    for (std::size_t g = 0; g < model->gpus.size(); ++g) model->gpu_index[model->gpus[g].name] = static_cast<int>(g);
    if (model->gpus.empty())
      throw std::runtime_error(model->platform_note.empty() ? "the run's platform has no GPUs"
                                                            : model->platform_note + " No event names a GPU.");
  }

  const std::vector<Event> events = normaliseEvents(run.events, *model);
  model->timeline = std::make_shared<const ClusterStateTimeline>(events);
  model->change_times = model->timeline->change_times();
  buildStorageOutages(*model, events);

  // Holders, and names the platform does not know.
  model->holders.assign(model->gpus.size(), {});
  std::set<std::string> unknown;
  std::map<std::pair<std::string, int>, std::vector<int>> held;
  for (const Event& event : events) {
    if (!isReplicaEvent(event.kind)) continue;
    const Json detail = Json::parse(event.detail.empty() ? std::string("{}") : event.detail, nullptr, false);
    if (!detail.is_object() || !detail.contains("replica") || !detail["replica"].is_number_integer()) continue;
    const std::pair<std::string, int> key{event.entity, detail["replica"].get<int>()};
    std::vector<int> gpus;
    if (detail.contains("gpus") && detail["gpus"].is_array())
      for (const Json& name : detail["gpus"]) {
        auto found = model->gpu_index.find(name.get<std::string>());
        if (found == model->gpu_index.end())
          unknown.insert(name.get<std::string>());
        else
          gpus.push_back(found->second);
      }
    if (event.kind == "replica_stopped") {
      if (gpus.empty()) gpus = held[key];
      for (int g : gpus) model->holders[g].push_back({event.t, std::string(), -1});
      held.erase(key);
    } else if (!gpus.empty()) {
      for (int g : gpus) model->holders[g].push_back({event.t, key.first, key.second});
      held[key] = gpus;
    }
  }
  model->unknown_gpus.assign(unknown.begin(), unknown.end());

  std::unordered_map<std::string, int> nodeIndex;
  for (std::size_t n = 0; n < model->nodes.size(); ++n) nodeIndex[model->nodes[n].name] = static_cast<int>(n);
  model->node_utilization_series.assign(model->nodes.size(), {});
  for (const TimeSeries* series : run.series_named("node.gpu_utilization")) {
    auto node = nodeIndex.find(series->entity);
    if (node == nodeIndex.end() || series->t.empty()) continue;
    model->node_utilization_series[node->second] = *series;
    model->has_node_utilization = true;
  }

  model->replicas = run.replicas;
  for (std::size_t r = 0; r < model->replicas.size(); ++r)
    model->replicas_by_key[{model->replicas[r].service, model->replicas[r].replica}].push_back(r);

  double duration = run.overview.run.simulated_seconds;
  if (!(duration > 0)) {
    for (const Event& event : run.events) duration = std::max(duration, event.t);
    for (const SeriesInfo& info : run.series_info) duration = std::max(duration, info.t_max);
    if (!(duration > 0)) duration = scenarioDuration;
  }
  model->duration = duration;
  return model;
}

}  // namespace leptonsim::gui
