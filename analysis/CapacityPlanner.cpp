#include "CapacityPlanner.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace leptonsim {

namespace {

// Uncertain points get twice the seeds each round (at least one more), capped
// at max_seeds: the interval narrows like 1/sqrt(n), so doubling settles most
// points in one or two rounds without paying max_seeds for every borderline one.
std::size_t grown_seed_count(std::size_t seeds, std::size_t max_seeds) {
  return std::min(max_seeds, std::max(seeds + 1, 2 * seeds));
}

double mean_of(const PlanEvaluation& evaluation, const std::string& metric) {
  const auto it = evaluation.metrics.find(metric);
  return it == evaluation.metrics.end() ? std::nan("") : it->second.mean;
}

}  // namespace

CapacityPlanner::CapacityPlanner(std::vector<PlanAxis> axes, PlanOptions options)
    : axes_(std::move(axes)), options_(std::move(options)) {
  if (axes_.empty()) throw std::invalid_argument("plan: no axes to search");
  std::set<std::string> keys;
  for (const PlanAxis& axis : axes_) {
    if (axis.values.empty()) throw std::invalid_argument(fmt::format("plan: axis '{}' has no values", axis.key));
    if (!keys.insert(axis.key).second) throw std::invalid_argument(fmt::format("plan: axis '{}' is listed twice", axis.key));
  }
  if (options_.minimize.empty()) throw std::invalid_argument("plan: no metric to minimise (e.g. --minimize cost.total)");
  if (options_.requirements.empty())
    throw std::invalid_argument("plan: no requirements (e.g. --require 'service.chat.latency_p99<=2')");
  if (options_.initial_seeds == 0) throw std::invalid_argument("plan: initial_seeds must be at least 1");
  if (options_.max_seeds < options_.initial_seeds)
    throw std::invalid_argument(fmt::format("plan: max_seeds ({}) is below initial_seeds ({})", options_.max_seeds,
                                            options_.initial_seeds));

  for (std::size_t a = 0; a < axes_.size(); ++a)
    if (axes_[a].monotone) monotone_axes_.push_back(a);
  // Bisect/gallop along the longest monotone axis (most to gain from a
  // logarithmic search) and enumerate the others (later axis on ties).
  for (std::size_t a : monotone_axes_)
    if (!scan_axis_ || axes_[a].values.size() >= axes_[*scan_axis_].values.size()) scan_axis_ = a;
  for (std::size_t a : monotone_axes_)
    if (a != *scan_axis_) enumerated_axes_.push_back(a);

  // Rows: every combination of the enumerated axes, descending lexicographic,
  // so every row with more capacity than a given row comes before it.
  if (scan_axis_) {
    std::vector<std::size_t> row;
    for (std::size_t a : enumerated_axes_) row.push_back(axes_[a].values.size() - 1);
    while (true) {
      rows_.push_back(row);
      std::size_t position = row.size();
      while (position > 0 && row[position - 1] == 0) {
        row[position - 1] = axes_[enumerated_axes_[position - 1]].values.size() - 1;
        --position;
      }
      if (position == 0) break;
      --row[position - 1];
    }
  }

  // One search per combination of the categorical axes (odometer order).
  std::vector<std::size_t> categorical(axes_.size(), 0);
  while (true) {
    Search search;
    search.categorical_index = categorical;
    searches_.push_back(search);
    std::size_t position = axes_.size();
    bool carried_out = true;
    while (position > 0) {
      --position;
      if (axes_[position].monotone) continue;
      if (++categorical[position] < axes_[position].values.size()) {
        carried_out = false;
        break;
      }
      categorical[position] = 0;
    }
    if (carried_out) break;
  }
  for (Search& search : searches_) advance(search);
}

std::vector<std::size_t> CapacityPlanner::point(const Search& search, const std::vector<std::size_t>& row,
                                                long scan_index) const {
  std::vector<std::size_t> value_index = search.categorical_index;
  for (std::size_t i = 0; i < enumerated_axes_.size(); ++i) value_index[enumerated_axes_[i]] = row[i];
  if (scan_axis_) value_index[*scan_axis_] = static_cast<std::size_t>(scan_index);
  return value_index;
}

std::vector<std::size_t> CapacityPlanner::largest_point(const Search& search) const {
  std::vector<std::size_t> value_index = search.categorical_index;
  for (std::size_t a : monotone_axes_) value_index[a] = axes_[a].values.size() - 1;
  return value_index;
}

bool CapacityPlanner::same_categories(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) const {
  for (std::size_t axis = 0; axis < axes_.size(); ++axis)
    if (!axes_[axis].monotone && a[axis] != b[axis]) return false;
  return true;
}

std::size_t CapacityPlanner::capacity(const std::vector<std::size_t>& value_index) const {
  std::size_t total = 0;
  for (std::size_t a : monotone_axes_) total += value_index[a];
  return total;
}

bool CapacityPlanner::is_final(const PlanEvaluation& evaluation) const {
  const auto asked = asked_.find(evaluation.value_index);
  const bool was_answered = asked != asked_.end() && !asked->second.outstanding;
  // A point recorded with fewer seeds than a first evaluation gets, and never
  // asked for, is topped up before it is believed.
  if (evaluation.seeds < options_.initial_seeds && !was_answered) return false;
  if (evaluation.feasible) return true;
  if (std::find(evaluation.verdicts.begin(), evaluation.verdicts.end(), Verdict::not_met) != evaluation.verdicts.end())
    return true;
  // Uncertain: final once it has (or was given every chance to have) max_seeds.
  return evaluation.seeds >= options_.max_seeds || (was_answered && asked->second.seeds >= options_.max_seeds);
}

CapacityPlanner::Knowledge CapacityPlanner::knowledge(const std::vector<std::size_t>& value_index) const {
  const auto own = stored_.find(value_index);
  if (own != stored_.end() && is_final(own->second.evaluation))
    return own->second.evaluation.feasible ? Knowledge::feasible : Knowledge::infeasible;
  // Dominance along the monotone axes: anything with at least the capacity of
  // a feasible point is feasible, anything with at most that of an infeasible
  // point is infeasible. Noise can make the two disagree; then measure.
  bool implied_feasible = false, implied_infeasible = false;
  for (const auto& [other_index, other] : stored_) {
    if (!same_categories(other_index, value_index) || !is_final(other.evaluation)) continue;
    bool other_at_most = true, other_at_least = true;
    for (std::size_t a : monotone_axes_) {
      if (other_index[a] > value_index[a]) other_at_most = false;
      if (other_index[a] < value_index[a]) other_at_least = false;
    }
    if (other.evaluation.feasible && other_at_most) implied_feasible = true;
    if (!other.evaluation.feasible && other_at_least) implied_infeasible = true;
  }
  if (implied_feasible && !implied_infeasible) return Knowledge::feasible;
  if (implied_infeasible && !implied_feasible) return Knowledge::infeasible;
  return Knowledge::unknown;
}

PlanRequest CapacityPlanner::settle(const std::vector<std::size_t>& value_index) {
  Asked& asked = asked_[value_index];
  if (asked.outstanding) return PlanRequest{value_index, asked.seeds};
  const auto own = stored_.find(value_index);
  const std::size_t have = own == stored_.end() ? 0 : own->second.evaluation.seeds;
  std::size_t seeds = options_.initial_seeds;
  if (have >= options_.initial_seeds || asked.seeds >= options_.initial_seeds)
    seeds = grown_seed_count(std::max(have, asked.seeds), options_.max_seeds);
  asked.seeds = seeds;
  asked.outstanding = true;
  return PlanRequest{value_index, seeds};
}

void CapacityPlanner::advance(Search& search) {
  search.pending.reset();
  while (true) {
    switch (search.stage) {
      case Search::Stage::done:
        return;
      case Search::Stage::check_largest: {
        // The largest configuration first: if even it fails, so does every
        // smaller one of this combination, at the price of one point.
        const std::vector<std::size_t> largest = largest_point(search);
        const Knowledge known = knowledge(largest);
        if (known == Knowledge::unknown) {
          search.pending = settle(largest);
          return;
        }
        search.stage = known == Knowledge::feasible && scan_axis_ ? Search::Stage::rows : Search::Stage::done;
        continue;
      }
      case Search::Stage::rows: {
        if (search.row >= rows_.size()) {
          search.stage = Search::Stage::done;
          return;
        }
        const std::vector<std::size_t>& row = rows_[search.row];
        const long scan_size = static_cast<long>(axes_[*scan_axis_].values.size());
        if (!search.row_started) {
          // Bounds from what earlier rows (more capacity) and the largest
          // point already tell by dominance.
          search.feasible_from = scan_size;
          for (long j = scan_size - 1; j >= 0; --j)
            if (knowledge(point(search, row, j)) == Knowledge::feasible) search.feasible_from = j;
          search.infeasible_below = -1;
          for (long j = 0; j < search.feasible_from; ++j)
            if (knowledge(point(search, row, j)) == Knowledge::infeasible) search.infeasible_below = j;
          // The first row knows nothing but its top: bisection, log2(n)
          // points whatever the answer. Later rows start at the frontier of
          // the row above (less of another capacity needs at least as much of
          // this one), and the frontier usually moves only a little from row
          // to row: galloping up from there finds a shift of d in about
          // 2*log2(d) points instead of log2(n).
          search.galloping = search.row != 0;
          search.gallop_step = 1;
          search.row_started = true;
        }
        if (search.feasible_from - search.infeasible_below <= 1) {  // frontier of this row found (or none)
          ++search.row;
          search.row_started = false;
          continue;
        }
        const long probe = search.galloping
                               ? std::min(search.infeasible_below + search.gallop_step, search.feasible_from - 1)
                               : search.infeasible_below + (search.feasible_from - search.infeasible_below) / 2;
        const std::vector<std::size_t> probe_point = point(search, row, probe);
        const Knowledge known = knowledge(probe_point);
        if (known == Knowledge::unknown) {
          search.pending = settle(probe_point);
          return;
        }
        if (known == Knowledge::feasible) {
          search.feasible_from = probe;
          search.galloping = false;  // bracketed: bisect the rest
        } else {
          search.infeasible_below = probe;
          if (search.galloping) search.gallop_step *= 2;
        }
        continue;
      }
    }
  }
}

std::vector<PlanRequest> CapacityPlanner::next_requests() const {
  std::vector<PlanRequest> requests;
  for (const Search& search : searches_)
    if (search.pending) requests.push_back(*search.pending);
  return requests;
}

bool CapacityPlanner::finished() const {
  return std::all_of(searches_.begin(), searches_.end(),
                     [](const Search& search) { return search.stage == Search::Stage::done; });
}

void CapacityPlanner::record(const std::vector<std::size_t>& value_index, std::size_t seeds,
                             const std::map<std::string, MetricStatistics>& metrics) {
  if (value_index.size() != axes_.size())
    throw std::invalid_argument(
        fmt::format("plan: a recorded point has {} axis indices, the plan has {} axes", value_index.size(), axes_.size()));
  for (std::size_t a = 0; a < axes_.size(); ++a)
    if (value_index[a] >= axes_[a].values.size())
      throw std::invalid_argument(fmt::format("plan: value index {} is outside axis '{}' ({} values)", value_index[a],
                                              axes_[a].key, axes_[a].values.size()));
  if (seeds == 0) throw std::invalid_argument("plan: a point recorded with 0 seeds");
  std::vector<std::string> needed{options_.minimize};
  for (const PlanRequirement& requirement : options_.requirements) needed.push_back(requirement.metric);
  for (const std::string& metric : needed) {
    if (metrics.count(metric) != 0) continue;
    std::vector<std::string> available;
    for (const auto& [name, statistics] : metrics) available.push_back(name);
    throw std::invalid_argument(fmt::format("plan: metric '{}' is not in the results of the point; available: {}",
                                            metric, available.empty() ? "(none)" : fmt::format("{}", fmt::join(available, ", "))));
  }

  const auto existing = stored_.find(value_index);
  if (existing != stored_.end() && seeds < existing->second.evaluation.seeds) return;  // stale

  PlanEvaluation evaluation;
  evaluation.value_index = value_index;
  evaluation.metrics = metrics;
  evaluation.seeds = seeds;
  evaluation.feasible = true;
  for (const PlanRequirement& requirement : options_.requirements) {
    evaluation.verdicts.push_back(judge(requirement, metrics.at(requirement.metric)));
    if (evaluation.verdicts.back() != Verdict::met) evaluation.feasible = false;
  }
  const std::size_t order = existing != stored_.end() ? existing->second.order : stored_.size();
  stored_[value_index] = Stored{std::move(evaluation), order};
  const auto asked = asked_.find(value_index);
  if (asked != asked_.end()) asked->second.outstanding = false;
  for (Search& search : searches_) advance(search);
}

bool CapacityPlanner::cheaper(const PlanEvaluation& a, const PlanEvaluation& b) const {
  const double cost_a = mean_of(a, options_.minimize), cost_b = mean_of(b, options_.minimize);
  if (std::isnan(cost_a) != std::isnan(cost_b)) return std::isnan(cost_b);  // undefined cost ranks last
  if (!std::isnan(cost_a) && cost_a != cost_b) return cost_a < cost_b;
  if (capacity(a.value_index) != capacity(b.value_index)) return capacity(a.value_index) < capacity(b.value_index);
  return a.value_index < b.value_index;
}

PlanResult CapacityPlanner::result() const {
  PlanResult result;
  std::vector<const Stored*> in_order;
  for (const auto& [index, stored] : stored_) in_order.push_back(&stored);
  std::sort(in_order.begin(), in_order.end(), [](const Stored* a, const Stored* b) { return a->order < b->order; });
  for (const Stored* stored : in_order) {
    result.evaluated.push_back(stored->evaluation);
    result.runs_spent += stored->evaluation.seeds;
  }
  result.grid_runs = options_.initial_seeds;
  for (const PlanAxis& axis : axes_) result.grid_runs *= axis.values.size();

  std::vector<PlanEvaluation> feasible;
  for (const PlanEvaluation& evaluation : result.evaluated)
    if (evaluation.feasible) feasible.push_back(evaluation);
  std::sort(feasible.begin(), feasible.end(),
            [this](const PlanEvaluation& a, const PlanEvaluation& b) { return cheaper(a, b); });
  if (!feasible.empty()) {
    result.chosen = feasible.front();
    // Runners-up: the best alternative of each other categorical combination
    // first (a different policy is the more useful second choice), then the
    // next cheapest points of any combination.
    std::vector<bool> taken(feasible.size(), false);
    taken[0] = true;
    std::vector<std::vector<std::size_t>> combinations_seen{feasible[0].value_index};
    for (std::size_t i = 1; i < feasible.size() && result.runners_up.size() < options_.runners_up; ++i) {
      const bool is_new_combination =
          std::none_of(combinations_seen.begin(), combinations_seen.end(),
                       [&](const std::vector<std::size_t>& seen) { return same_categories(seen, feasible[i].value_index); });
      if (!is_new_combination) continue;
      combinations_seen.push_back(feasible[i].value_index);
      result.runners_up.push_back(feasible[i]);
      taken[i] = true;
    }
    for (std::size_t i = 1; i < feasible.size() && result.runners_up.size() < options_.runners_up; ++i)
      if (!taken[i]) result.runners_up.push_back(feasible[i]);
  }

  // Pareto front of cost against the first requirement's metric, oriented so
  // that both are minimised.
  const PlanRequirement& main_requirement = options_.requirements.front();
  std::vector<double> costs, slo_values;
  for (const PlanEvaluation& evaluation : result.evaluated) {
    costs.push_back(mean_of(evaluation, options_.minimize));
    const double value = mean_of(evaluation, main_requirement.metric);
    slo_values.push_back(main_requirement.is_lower_bound() ? -value : value);
  }
  for (std::size_t i : pareto_front_min_min(costs, slo_values)) result.pareto_front.push_back(result.evaluated[i]);
  return result;
}

namespace {

std::string point_label(const std::vector<std::size_t>& value_index, const std::vector<PlanAxis>& axes) {
  std::vector<std::string> parts;
  for (std::size_t a = 0; a < axes.size() && a < value_index.size(); ++a)
    parts.push_back(fmt::format("{}={}", axes[a].key, axes[a].values.at(value_index[a])));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// "1.83 ± 0.041" with an interval, "1.83" without.
std::string value_text(const PlanEvaluation& evaluation, const std::string& metric) {
  const auto it = evaluation.metrics.find(metric);
  if (it == evaluation.metrics.end() || it->second.n == 0 || std::isnan(it->second.mean)) return "undefined";
  const MetricStatistics& statistics = it->second;
  if (statistics.n < 2 || std::isnan(statistics.ci_upper)) return fmt::format("{:.6g}", statistics.mean);
  return fmt::format("{:.6g} ± {:.2g}", statistics.mean, statistics.ci_upper - statistics.mean);
}

std::string verdict_text(const PlanEvaluation& evaluation, std::size_t requirement) {
  if (requirement >= evaluation.verdicts.size()) return "?";
  const Verdict verdict = evaluation.verdicts[requirement];
  if (verdict == Verdict::uncertain) return fmt::format("uncertain after {} seeds (counted as not met)", evaluation.seeds);
  return to_string(verdict);
}

void append_requirement_lines(std::string& text, const PlanEvaluation& evaluation, const PlanOptions& options,
                              const std::string& indent) {
  std::size_t width = options.minimize.size();
  for (const PlanRequirement& requirement : options.requirements) width = std::max(width, requirement.metric.size());
  text += fmt::format("{}{:<{}}  {}\n", indent, options.minimize, width, value_text(evaluation, options.minimize));
  for (std::size_t r = 0; r < options.requirements.size(); ++r) {
    const PlanRequirement& requirement = options.requirements[r];
    text += fmt::format("{}{:<{}}  {}  (required {} {}: {})\n", indent, requirement.metric, width,
                        value_text(evaluation, requirement.metric), to_string(requirement.op), requirement.limit,
                        verdict_text(evaluation, r));
  }
}

}  // namespace

std::string format_plan_report(const PlanResult& result, const std::vector<PlanAxis>& axes, const PlanOptions& options) {
  std::string text = fmt::format("Plan: minimise {} subject to", options.minimize);
  for (std::size_t r = 0; r < options.requirements.size(); ++r)
    text += fmt::format("{} {}", r == 0 ? "" : ",", options.requirements[r].to_string());
  text += fmt::format(" (met with confidence: the whole confidence interval of the mean across seeds)\n\n");

  if (result.chosen) {
    text += fmt::format("Chosen configuration ({} seeds):\n", result.chosen->seeds);
    for (std::size_t a = 0; a < axes.size(); ++a)
      text += fmt::format("  {} = {}\n", axes[a].key, axes[a].values.at(result.chosen->value_index.at(a)));
    append_requirement_lines(text, *result.chosen, options, "    ");
  } else {
    text += "No configuration meets every requirement with confidence.\n";
    std::vector<const PlanEvaluation*> largest;
    for (const PlanEvaluation& evaluation : result.evaluated) {
      bool is_largest = true;
      for (std::size_t a = 0; a < axes.size(); ++a)
        if (axes[a].monotone && evaluation.value_index.at(a) + 1 != axes[a].values.size()) is_largest = false;
      if (is_largest) largest.push_back(&evaluation);
    }
    if (result.evaluated.empty()) text += "Nothing was evaluated.\n";
    else if (!largest.empty()) text += "Even the largest configurations fall short:\n";
    for (const PlanEvaluation* evaluation : largest) {
      text += fmt::format("  {} ({} seeds)\n", point_label(evaluation->value_index, axes), evaluation->seeds);
      append_requirement_lines(text, *evaluation, options, "    ");
    }
  }

  if (!result.runners_up.empty()) {
    text += "\nRunners-up:\n";
    for (std::size_t i = 0; i < result.runners_up.size(); ++i) {
      text += fmt::format("  {}. {} ({} seeds)\n", i + 1, point_label(result.runners_up[i].value_index, axes),
                          result.runners_up[i].seeds);
      append_requirement_lines(text, result.runners_up[i], options, "       ");
    }
  }

  const std::string& slo_metric = options.requirements.front().metric;
  text += fmt::format("\nPareto front of {} against {} over the evaluated points ({} points):\n", options.minimize,
                      slo_metric, result.pareto_front.size());
  const std::size_t cost_width = std::max<std::size_t>(options.minimize.size(), 18);
  const std::size_t slo_width = std::max<std::size_t>(slo_metric.size(), 18);
  text += fmt::format("  {:<{}}  {:<{}}  {:<8}  {}\n", options.minimize, cost_width, slo_metric, slo_width, "feasible",
                      "configuration");
  for (const PlanEvaluation& evaluation : result.pareto_front)
    text += fmt::format("  {:<{}}  {:<{}}  {:<8}  {}\n", value_text(evaluation, options.minimize), cost_width,
                        value_text(evaluation, slo_metric), slo_width, evaluation.feasible ? "yes" : "no",
                        point_label(evaluation.value_index, axes));

  const double share = result.grid_runs == 0 ? 0.0 : 100.0 * static_cast<double>(result.runs_spent) /
                                                          static_cast<double>(result.grid_runs);
  text += fmt::format("\nRuns: {} spent on {} points; the full grid would take {} ({:.1f} %).\n", result.runs_spent,
                      result.evaluated.size(), result.grid_runs, share);
  return text;
}

}  // namespace leptonsim
