// Wording shared by the scenario and sweep-spec loaders' error messages
// (internal to scenarios/loader).
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "common/TextDistance.hpp"

namespace leptonsim::yaml_messages {

/// "`a`, `b`, `c`".
inline std::string backticked(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += "`" + items[i] + "`";
  }
  return out;
}

/// "; did you mean `x`? (valid WHAT: ...)" or "; valid WHAT: a, b, c".
inline std::string suggestion_text(const std::string& word, const std::vector<std::string>& candidates,
                                   const std::string& what) {
  if (candidates.empty()) return fmt::format("; there are no {}", what);
  if (const auto match = closest_match(word, candidates))
    return fmt::format("; did you mean `{}`? (valid {}: {})", *match, what, backticked(candidates));
  return fmt::format("; valid {}: {}", what, backticked(candidates));
}

/// What a YAML node is, for "expected X, got Y".
inline std::string node_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return fmt::format("`{}`", node.Scalar());
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "nothing";
}

}  // namespace leptonsim::yaml_messages
