#include "scheduling/JobDag.hpp"

#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <stdexcept>

namespace leptonsim {

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

// Records the DFS tree and the first back edge: a back edge u -> v closes the
// cycle v -> ... -> u -> v along the tree.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<Vertex>* parent;
  std::optional<std::pair<Vertex, Vertex>>* first_back_edge;
  void tree_edge(Edge e, const Graph& g) const { (*parent)[boost::target(e, g)] = boost::source(e, g); }
  void back_edge(Edge e, const Graph& g) const {
    if (!first_back_edge->has_value()) *first_back_edge = std::make_pair(boost::source(e, g), boost::target(e, g));
  }
};

}  // namespace

JobDag::JobDag(std::vector<DagStage> stages) : stages_(std::move(stages)), graph_(stages_.size()) {
  if (stages_.empty()) throw std::invalid_argument("a DAG job needs at least one stage");
  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < stages_.size(); ++i) {
    const DagStage& stage = stages_[i];
    if (stage.name.empty()) throw std::invalid_argument(fmt::format("stage {} has no name", i + 1));
    if (!index_of.emplace(stage.name, i).second)
      throw std::invalid_argument(fmt::format("two stages are named `{}`", stage.name));
    if (stage.tasks < 1) throw std::invalid_argument(fmt::format("stage `{}` needs at least one task", stage.name));
    if (!(stage.output_bytes_per_task >= 0))
      throw std::invalid_argument(fmt::format("stage `{}` has a negative output", stage.name));
  }
  upstream_.resize(stages_.size());
  downstream_.resize(stages_.size());
  for (std::size_t i = 0; i < stages_.size(); ++i)
    for (const std::string& before : stages_[i].after) {
      auto it = index_of.find(before);
      if (it == index_of.end())
        throw std::invalid_argument(fmt::format("stage `{}` comes after `{}`, which is not a stage of this job", stages_[i].name, before));
      if (it->second == i) throw std::invalid_argument(fmt::format("stage `{}` comes after itself", stages_[i].name));
      if (std::find(upstream_[i].begin(), upstream_[i].end(), it->second) != upstream_[i].end()) continue;
      boost::add_edge(it->second, i, graph_);
      upstream_[i].push_back(it->second);
      downstream_[it->second].push_back(i);
    }

  std::vector<Vertex> parent(stages_.size(), boost::graph_traits<Graph>::null_vertex());
  std::optional<std::pair<Vertex, Vertex>> back_edge;
  CycleFinder finder;
  finder.parent = &parent;
  finder.first_back_edge = &back_edge;
  boost::depth_first_search(graph_, boost::visitor(finder));
  if (back_edge) {
    const auto [from, to] = *back_edge;
    std::vector<std::string> cycle{stages_[from].name};
    for (Vertex v = from; v != to; v = parent[v]) cycle.push_back(stages_[parent[v]].name);
    std::reverse(cycle.begin(), cycle.end());
    cycle.push_back(stages_[to].name);
    std::string path;
    for (const std::string& name : cycle) path += (path.empty() ? "" : " -> ") + name;
    throw std::invalid_argument(fmt::format("the stages form a cycle: {}", path));
  }
  std::vector<Vertex> reversed;
  boost::topological_sort(graph_, std::back_inserter(reversed));
  order_.assign(reversed.rbegin(), reversed.rend());
}

std::vector<std::size_t> JobDag::sources() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < stages_.size(); ++i)
    if (upstream_[i].empty()) out.push_back(i);
  return out;
}

double JobDag::partition_bytes(std::size_t from, std::size_t to) const {
  const auto& up = upstream_.at(to);
  if (std::find(up.begin(), up.end(), from) == up.end())
    throw std::invalid_argument(fmt::format("stage `{}` does not read from `{}`", stages_.at(to).name, stages_.at(from).name));
  return stages_[from].output_bytes_per_task / stages_[to].tasks;
}

double JobDag::input_bytes_per_task(std::size_t stage) const {
  double bytes = 0.0;
  for (std::size_t from : upstream_.at(stage)) bytes += stages_[from].tasks * partition_bytes(from, stage);
  return bytes;
}

double JobDag::critical_path(const std::vector<double>& stage_seconds) const {
  if (stage_seconds.size() != stages_.size())
    throw std::invalid_argument(fmt::format("critical_path needs {} stage times, got {}", stages_.size(), stage_seconds.size()));
  std::vector<double> finish(stages_.size(), 0.0);
  double longest = 0.0;
  for (std::size_t stage : order_) {
    double start = 0.0;
    for (std::size_t from : upstream_[stage]) start = std::max(start, finish[from]);
    finish[stage] = start + stage_seconds[stage];
    longest = std::max(longest, finish[stage]);
  }
  return longest;
}

DagProgress::DagProgress(const JobDag& dag) : dag_(&dag), tasks_done_(dag.stage_count(), 0) {}

bool DagProgress::is_ready(std::size_t stage) const {
  for (std::size_t from : dag_->upstream(stage))
    if (!is_stage_done(from)) return false;
  return true;
}

std::vector<std::size_t> DagProgress::finish_task(std::size_t stage) {
  if (!is_ready(stage))
    throw std::logic_error(fmt::format("a task of stage `{}` finished before the stages it comes after", dag_->stage(stage).name));
  if (is_stage_done(stage))
    throw std::logic_error(fmt::format("stage `{}` has more finished tasks than it has tasks", dag_->stage(stage).name));
  ++tasks_done_[stage];
  std::vector<std::size_t> ready;
  if (!is_stage_done(stage)) return ready;
  ++stages_done_;
  for (std::size_t next : dag_->downstream(stage))
    if (is_ready(next)) ready.push_back(next);
  std::sort(ready.begin(), ready.end());
  return ready;
}

}  // namespace leptonsim
