// JobDag: the stages of a DAG (MapReduce-style) job and their dependencies,
// held in a Boost.Graph DAG.
//
// A stage is `tasks` identical tasks; a stage starts when every stage it comes
// `after` has finished all its tasks. Each task of a stage writes
// `output_bytes_per_task`; every downstream stage reads all of it, split
// evenly over its tasks (a shuffle: each downstream task fetches one
// partition from each upstream task). Plain C++: the simulator decides where
// tasks run and moves the partitions.
#pragma once

#include <boost/graph/adjacency_list.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace leptonsim {

struct DagStage {
  std::string name;
  int tasks = 1;                        // >= 1
  std::vector<std::string> after;       // stages that must finish first
  double output_bytes_per_task = 0.0;   // shuffled to every downstream stage
};

class JobDag {
public:
  // Throws std::invalid_argument naming the problem: no stages, a duplicate or
  // empty name, tasks < 1, negative output, an unknown `after` stage, a stage
  // after itself, or a cycle (listed stage by stage).
  explicit JobDag(std::vector<DagStage> stages);

  std::size_t stage_count() const { return stages_.size(); }
  const DagStage& stage(std::size_t index) const { return stages_.at(index); }
  // Stage indices in a topological order (every stage after all its upstream stages).
  const std::vector<std::size_t>& topological_order() const { return order_; }
  const std::vector<std::size_t>& upstream(std::size_t index) const { return upstream_.at(index); }
  const std::vector<std::size_t>& downstream(std::size_t index) const { return downstream_.at(index); }
  // Stages with nothing upstream, in written order.
  std::vector<std::size_t> sources() const;
  // Bytes one task of `to` reads from one task of `from` (an upstream stage of `to`).
  double partition_bytes(std::size_t from, std::size_t to) const;
  // Bytes one task of `stage` reads in all, from every task of every upstream stage.
  double input_bytes_per_task(std::size_t stage) const;
  // Length of the longest path when stage i takes stage_seconds[i] (unlimited GPUs, free shuffles).
  double critical_path(const std::vector<double>& stage_seconds) const;

private:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;
  std::vector<DagStage> stages_;
  Graph graph_;
  std::vector<std::size_t> order_;
  std::vector<std::vector<std::size_t>> upstream_, downstream_;
};

// Which stages of one run of a DAG have finished, and which become ready.
class DagProgress {
public:
  explicit DagProgress(const JobDag& dag);
  // One task of `stage` finished. When that was the stage's last task, returns
  // the stages it made ready (all their upstream stages done), in written
  // order; otherwise nothing. Throws std::logic_error when the stage is not
  // ready or already done.
  std::vector<std::size_t> finish_task(std::size_t stage);
  bool is_stage_done(std::size_t stage) const { return tasks_done_.at(stage) == dag_->stage(stage).tasks; }
  bool is_ready(std::size_t stage) const;
  bool is_done() const { return stages_done_ == dag_->stage_count(); }
  std::size_t stages_done() const { return stages_done_; }

private:
  const JobDag* dag_;
  std::vector<int> tasks_done_;
  std::size_t stages_done_ = 0;
};

}  // namespace leptonsim
