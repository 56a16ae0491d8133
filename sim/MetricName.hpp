// Free text (a failure cause) as one component of a metric path.
#pragma once

#include <cctype>
#include <string>

namespace leptonsim {

// Letters, digits, '_' and '-' are kept; anything else becomes '_'.
inline std::string metric_component(const std::string& text) {
  std::string name;
  for (const unsigned char c : text) name += (std::isalnum(c) || c == '_' || c == '-') ? static_cast<char>(c) : '_';
  return name.empty() ? "unnamed" : name;
}

}  // namespace leptonsim
