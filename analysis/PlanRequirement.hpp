// PlanRequirement: one service-level requirement of `leptonsim plan`
// ("service.chat.latency_p99<=2") and the verdict on a sweep point's
// statistics across seeds, judged on the confidence interval of the mean.
#pragma once

#include <string>

#include "SweepTable.hpp"

namespace leptonsim {

struct PlanRequirement {
  enum class Op { less_equal, less, greater_equal, greater };

  std::string metric;
  Op op = Op::less_equal;
  double limit = 0.0;

  /// Parses "METRIC<=NUMBER" (also <, >=, >), spaces allowed around the parts,
  /// e.g. "service.chat.availability >= 0.999". Throws std::invalid_argument
  /// naming the text and the expected form.
  static PlanRequirement parse(const std::string& text);
  /// "service.chat.latency_p99<=2" (parse(to_string()) gives the same requirement).
  std::string to_string() const;
  /// True for >= and >, where a larger metric value is better.
  bool is_lower_bound() const { return op == Op::greater_equal || op == Op::greater; }
  /// Whether one value satisfies the requirement (false for NaN).
  bool is_satisfied_by(double value) const;
};

/// "<=", "<", ">=", ">".
const char* to_string(PlanRequirement::Op op);

enum class Verdict { met, not_met, uncertain };

/// "met", "not met", "uncertain".
const char* to_string(Verdict verdict);

/// A requirement is met "with confidence" when the whole confidence interval of
/// the mean across seeds satisfies it (for <= and < its upper bound, for >= and
/// > its lower bound), and not met when the whole interval violates it (the
/// other bound fails); otherwise it is uncertain. Without an interval (one
/// seed) the mean decides. A metric with no defined value (n == 0, e.g. every
/// run failed) is not met: nothing shows that it holds.
Verdict judge(const PlanRequirement& requirement, const MetricStatistics& statistics);

}  // namespace leptonsim
