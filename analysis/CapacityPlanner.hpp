// CapacityPlanner: the search behind `leptonsim plan` — the cheapest
// configuration (by a measured metric, e.g. cost.total) that meets every
// requirement with confidence. Plain C++: it never runs anything itself. The
// caller drives it in batches: next_requests() names the points (and how many
// seeds) to run next, the caller runs them (in parallel) and record()s each
// point's statistics across seeds, until next_requests() comes back empty.
//
// Search: every combination of the categorical axes (e.g. policies) is a
// separate search, and all open searches advance together, one point each per
// batch. Within a search, monotone capacity axes are exploited instead of
// running the full grid: the largest configuration is checked first (if it
// fails, the combination fails); then the longest monotone axis is searched
// (bisection or galloping) for its smallest feasible value while the other
// monotone axes are enumerated, from most to least capacity, and points whose
// outcome follows from measured ones by dominance are never run.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "PlanRequirement.hpp"
#include "SweepTable.hpp"

namespace leptonsim {

/// One axis of the search space. For a monotone axis the values are ordered so
/// that a later value is more capacity: every requirement metric better or
/// equal, cost higher or equal (callers reverse `monotone: decreasing` axes).
struct PlanAxis {
  std::string key;
  std::vector<std::string> values;
  bool monotone = false;
};

struct PlanOptions {
  std::string minimize;                       // metric whose mean is minimised, e.g. "cost.total"
  std::vector<PlanRequirement> requirements;  // all must be met
  std::size_t initial_seeds = 3;              // seeds of a point's first evaluation
  std::size_t max_seeds = 3;                  // uncertain points get more seeds up to this, then count as not met
  std::size_t runners_up = 3;                 // how many runners-up to report
};

/// "Make sure this point has been run with at least `seeds` seeds" (seeds
/// base_seed .. base_seed + seeds - 1; those already run need not run again).
struct PlanRequest {
  std::vector<std::size_t> value_index;  // one index into PlanAxis::values per axis
  std::size_t seeds = 0;
};

struct PlanEvaluation {
  std::vector<std::size_t> value_index;
  std::map<std::string, MetricStatistics> metrics;  // as recorded
  std::size_t seeds = 0;                            // seeds run for the point
  bool feasible = false;                            // every requirement met with confidence
  std::vector<Verdict> verdicts;                    // one per PlanOptions::requirements
};

struct PlanResult {
  std::optional<PlanEvaluation> chosen;  // none when no evaluated point is feasible
  /// The next cheapest feasible points: first the best of each other
  /// categorical combination, then the rest, each group by ascending cost.
  std::vector<PlanEvaluation> runners_up;
  /// Points no other evaluated point beats on both the minimised metric's mean
  /// and the first requirement's metric mean (feasible or not), by ascending cost.
  std::vector<PlanEvaluation> pareto_front;
  std::vector<PlanEvaluation> evaluated;  // in the order first recorded
  std::size_t runs_spent = 0;             // sum of the seeds run over the evaluated points
  std::size_t grid_runs = 0;              // full grid: points x initial_seeds
};

class CapacityPlanner {
 public:
  /// Throws std::invalid_argument for no axes, an axis without values, a
  /// repeated axis key, an empty `minimize`, no requirements, initial_seeds
  /// of 0 or max_seeds below initial_seeds.
  CapacityPlanner(std::vector<PlanAxis> axes, PlanOptions options);

  /// The points to run next (at most one per open search, all independent, so
  /// they may run in parallel). Requests not yet satisfied by record() are
  /// repeated. Empty once finished.
  std::vector<PlanRequest> next_requests() const;

  /// Stores the statistics of a point over its `seeds` seeds so far (run or
  /// attempted; failed runs simply add no values) and advances the searches.
  /// Points that were not requested are welcome (e.g. from an earlier sweep);
  /// a record with fewer seeds than one already stored is ignored. If a point
  /// was run with fewer seeds than requested it is judged on what it has.
  /// Throws std::invalid_argument for an index outside the axes, seeds == 0 or
  /// when a requirement's metric or the minimised metric is missing from
  /// `metrics` (the message lists the metrics present).
  void record(const std::vector<std::size_t>& value_index, std::size_t seeds,
              const std::map<std::string, MetricStatistics>& metrics);

  bool finished() const;
  PlanResult result() const;

  const std::vector<PlanAxis>& axes() const { return axes_; }
  const PlanOptions& options() const { return options_; }

 private:
  enum class Knowledge { feasible, infeasible, unknown };

  struct Search {
    std::vector<std::size_t> categorical_index;  // full index; monotone positions unused
    enum class Stage { check_largest, rows, done } stage = Stage::check_largest;
    std::size_t row = 0;  // position in rows_
    bool row_started = false;
    bool galloping = false;
    long infeasible_below = -1;  // largest scan index known infeasible in this row (-1: none)
    long feasible_from = 0;      // smallest scan index known feasible (scan size: none)
    long gallop_step = 1;
    std::optional<PlanRequest> pending;
  };

  struct Stored {
    PlanEvaluation evaluation;
    std::size_t order = 0;  // first recorded
  };

  struct Asked {
    std::size_t seeds = 0;     // the most seeds asked for
    bool outstanding = false;  // no record since
  };

  std::vector<std::size_t> point(const Search& search, const std::vector<std::size_t>& row, long scan_index) const;
  std::vector<std::size_t> largest_point(const Search& search) const;
  /// What is known about a point: its own final evaluation, else dominance by
  /// final evaluations of the same categorical combination.
  Knowledge knowledge(const std::vector<std::size_t>& value_index) const;
  /// Whether the point's own evaluation is final (no more seeds to ask for).
  bool is_final(const PlanEvaluation& evaluation) const;
  /// The request that would settle an unknown point (remembered as asked).
  PlanRequest settle(const std::vector<std::size_t>& value_index);
  void advance(Search& search);
  bool cheaper(const PlanEvaluation& a, const PlanEvaluation& b) const;
  std::size_t capacity(const std::vector<std::size_t>& value_index) const;
  bool same_categories(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) const;

  std::vector<PlanAxis> axes_;
  PlanOptions options_;
  std::vector<std::size_t> monotone_axes_;    // indices into axes_
  std::optional<std::size_t> scan_axis_;      // the longest monotone axis, searched by bisection/galloping
  std::vector<std::size_t> enumerated_axes_;  // the other monotone axes
  std::vector<std::vector<std::size_t>> rows_;  // their value indices, descending lexicographic (most capacity first)
  std::vector<Search> searches_;
  std::map<std::vector<std::size_t>, Stored> stored_;
  std::map<std::vector<std::size_t>, Asked> asked_;
};

/// Human-readable plan: the requirements, the chosen configuration with each
/// requirement's mean ± CI half width and verdict (or why nothing was chosen,
/// with the largest configurations' values), the runners-up, the Pareto front
/// table, and the runs spent against the full grid.
std::string format_plan_report(const PlanResult& result, const std::vector<PlanAxis>& axes,
                               const PlanOptions& options);

}  // namespace leptonsim
