// DAG jobs: dependency checks, topological order, shuffle partition sizes,
// critical path and stage progress, on hand-written stage lists.
#include "scheduling/JobDag.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <stdexcept>

using namespace leptonsim;

namespace {

DagStage stage(std::string name, int tasks, std::vector<std::string> after = {}, double output = 0.0) {
  DagStage s;
  s.name = std::move(name);
  s.tasks = tasks;
  s.after = std::move(after);
  s.output_bytes_per_task = output;
  return s;
}

std::string error_of(std::vector<DagStage> stages) {
  try {
    JobDag dag(std::move(stages));
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

std::size_t position(const std::vector<std::size_t>& order, std::size_t stage) {
  return static_cast<std::size_t>(std::find(order.begin(), order.end(), stage) - order.begin());
}

}  // namespace

TEST_CASE("a MapReduce DAG: map then reduce, partitions split over the reducers", "[dag]") {
  // 8 maps write 12 GB each; 4 reducers each read 3 GB from every map.
  const JobDag dag({stage("map", 8, {}, 12e9), stage("reduce", 4, {"map"})});
  CHECK(dag.sources() == std::vector<std::size_t>{0});
  CHECK(dag.topological_order() == std::vector<std::size_t>{0, 1});
  CHECK(dag.partition_bytes(0, 1) == 3e9);
  CHECK(dag.input_bytes_per_task(1) == 8 * 3e9);
  CHECK(dag.input_bytes_per_task(0) == 0.0);
  CHECK_THROWS_AS(dag.partition_bytes(1, 0), std::invalid_argument);
}

TEST_CASE("a diamond: every stage comes after all its upstream stages, each downstream stage reads all the output", "[dag]") {
  // Written out of order on purpose: join first.
  const JobDag dag({stage("join", 2, {"left", "right"}), stage("left", 3, {"extract"}, 4e9),
                    stage("right", 1, {"extract"}, 1e9), stage("extract", 2, {}, 6e9)});
  const auto& order = dag.topological_order();
  REQUIRE(order.size() == 4);
  CHECK(position(order, 3) < position(order, 1));
  CHECK(position(order, 3) < position(order, 2));
  CHECK(position(order, 1) < position(order, 0));
  CHECK(position(order, 2) < position(order, 0));
  CHECK(dag.sources() == std::vector<std::size_t>{3});
  // left and right each read all of extract's output: 2 tasks x 6 GB over 3 and 1 tasks.
  CHECK(dag.partition_bytes(3, 1) == 2e9);
  CHECK(dag.partition_bytes(3, 2) == 6e9);
  // join's tasks read half of left's and right's outputs: 3 x 4 GB / 2 + 1 x 1 GB / 2.
  CHECK(dag.input_bytes_per_task(0) == Approx(6.5e9));
  // Longest path: extract 10 + max(left 30, right 50) + join 5.
  CHECK(dag.critical_path({5, 30, 50, 10}) == 65.0);
}

TEST_CASE("bad stage lists are refused with the problem named", "[dag]") {
  CHECK(error_of({}) == "a DAG job needs at least one stage");
  CHECK(error_of({stage("a", 1), stage("a", 2)}) == "two stages are named `a`");
  CHECK(error_of({stage("a", 0)}) == "stage `a` needs at least one task");
  CHECK(error_of({stage("a", 1, {"b"})}) == "stage `a` comes after `b`, which is not a stage of this job");
  CHECK(error_of({stage("a", 1, {"a"})}) == "stage `a` comes after itself");
  CHECK(error_of({stage("", 1)}) == "stage 1 has no name");
}

TEST_CASE("a cycle is refused and listed stage by stage", "[dag]") {
  // a -> b -> c -> a, plus a source feeding a.
  const std::string error =
      error_of({stage("src", 1), stage("a", 1, {"src", "c"}), stage("b", 1, {"a"}), stage("c", 1, {"b"})});
  INFO(error);
  // The cycle may be reported from any of its stages, always closing on the first.
  const bool named = error == "the stages form a cycle: a -> b -> c -> a" ||
                     error == "the stages form a cycle: b -> c -> a -> b" ||
                     error == "the stages form a cycle: c -> a -> b -> c";
  CHECK(named);
  CHECK(error_of({stage("x", 1, {"y"}), stage("y", 1, {"x"})}).rfind("the stages form a cycle: ", 0) == 0);
}

TEST_CASE("progress: a stage is ready when all its upstream stages have finished every task", "[dag]") {
  const JobDag dag({stage("extract", 2), stage("left", 1, {"extract"}), stage("right", 2, {"extract"}),
                    stage("join", 1, {"left", "right"})});
  DagProgress progress(dag);
  CHECK(progress.is_ready(0));
  CHECK_FALSE(progress.is_ready(1));
  CHECK(progress.finish_task(0).empty());  // one of two extract tasks
  CHECK_THROWS_AS(progress.finish_task(1), std::logic_error);  // left is not ready yet
  CHECK(progress.finish_task(0) == std::vector<std::size_t>{1, 2});
  CHECK(progress.stages_done() == 1);
  CHECK(progress.finish_task(1).empty());  // join still waits for right
  CHECK(progress.finish_task(2).empty());
  CHECK(progress.finish_task(2) == std::vector<std::size_t>{3});
  CHECK_FALSE(progress.is_done());
  CHECK(progress.finish_task(3).empty());
  CHECK(progress.is_done());
  CHECK_THROWS_AS(progress.finish_task(3), std::logic_error);  // more tasks than the stage has
}
