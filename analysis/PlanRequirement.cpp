#include "PlanRequirement.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

namespace leptonsim {

namespace {

std::string trim(const std::string& text) {
  std::size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

[[noreturn]] void fail(const std::string& text, const std::string& why) {
  throw std::invalid_argument(fmt::format(
      "plan requirement '{}': {}; expected METRIC<=NUMBER, METRIC<NUMBER, METRIC>=NUMBER or METRIC>NUMBER, "
      "e.g. 'service.chat.latency_p99<=2'",
      text, why));
}

}  // namespace

PlanRequirement PlanRequirement::parse(const std::string& text) {
  const std::size_t op_position = text.find_first_of("<>");
  if (op_position == std::string::npos) fail(text, "no comparison operator");
  PlanRequirement requirement;
  const bool is_less = text[op_position] == '<';
  const bool has_equal = op_position + 1 < text.size() && text[op_position + 1] == '=';
  requirement.op = is_less ? (has_equal ? Op::less_equal : Op::less) : (has_equal ? Op::greater_equal : Op::greater);
  requirement.metric = trim(text.substr(0, op_position));
  if (requirement.metric.empty()) fail(text, "no metric name before the operator");
  if (requirement.metric.find_first_of("=!") != std::string::npos) fail(text, "unexpected '=' or '!' in the metric name");
  const std::string limit_text = trim(text.substr(op_position + (has_equal ? 2 : 1)));
  if (limit_text.empty()) fail(text, "no limit after the operator");
  char* end = nullptr;
  requirement.limit = std::strtod(limit_text.c_str(), &end);
  if (end != limit_text.c_str() + limit_text.size() || !std::isfinite(requirement.limit))
    fail(text, fmt::format("the limit '{}' is not a finite number", limit_text));
  return requirement;
}

std::string PlanRequirement::to_string() const { return fmt::format("{}{}{}", metric, leptonsim::to_string(op), limit); }

bool PlanRequirement::is_satisfied_by(double value) const {
  switch (op) {
    case Op::less_equal: return value <= limit;
    case Op::less: return value < limit;
    case Op::greater_equal: return value >= limit;
    case Op::greater: return value > limit;
  }
  return false;
}

const char* to_string(PlanRequirement::Op op) {
  switch (op) {
    case PlanRequirement::Op::less_equal: return "<=";
    case PlanRequirement::Op::less: return "<";
    case PlanRequirement::Op::greater_equal: return ">=";
    case PlanRequirement::Op::greater: return ">";
  }
  return "?";
}

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::met: return "met";
    case Verdict::not_met: return "not met";
    case Verdict::uncertain: return "uncertain";
  }
  return "?";
}

Verdict judge(const PlanRequirement& requirement, const MetricStatistics& statistics) {
  if (statistics.n == 0 || std::isnan(statistics.mean)) return Verdict::not_met;
  const bool has_interval = statistics.n >= 2 && !std::isnan(statistics.ci_lower) && !std::isnan(statistics.ci_upper);
  if (!has_interval) return requirement.is_satisfied_by(statistics.mean) ? Verdict::met : Verdict::not_met;
  // The bound on the "bad" side must satisfy the requirement for met; if even
  // the bound on the "good" side fails, the whole interval violates it.
  const double worst = requirement.is_lower_bound() ? statistics.ci_lower : statistics.ci_upper;
  const double best = requirement.is_lower_bound() ? statistics.ci_upper : statistics.ci_lower;
  if (requirement.is_satisfied_by(worst)) return Verdict::met;
  if (!requirement.is_satisfied_by(best)) return Verdict::not_met;
  return Verdict::uncertain;
}

}  // namespace leptonsim
