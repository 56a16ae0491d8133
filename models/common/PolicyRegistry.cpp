#include "common/PolicyRegistry.hpp"

#include "common/TextDistance.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace leptonsim {

double PolicyParams::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("policy parameter not declared: " + name);
  return it->second;
}

std::string unknown_name_message(const std::string& what, const std::string& name,
                                 const std::vector<std::string>& valid) {
  std::string message = fmt::format("unknown {} '{}'", what, name);
  if (!valid.empty()) {
    if (const auto nearest = closest_match(name, valid)) message += fmt::format(" (did you mean '{}'?)", *nearest);
    message += fmt::format("; valid: {}", fmt::join(valid, ", "));
  }
  return message;
}

PolicyParams resolve_policy_params(const PolicyInfo& info, const std::map<std::string, double>& given) {
  std::map<std::string, double> values;
  for (const auto& parameter : info.parameters) values[parameter.name] = parameter.default_value;
  std::vector<std::string> declared;
  for (const auto& parameter : info.parameters) declared.push_back(parameter.name);
  for (const auto& [name, value] : given) {
    auto it = std::find_if(info.parameters.begin(), info.parameters.end(),
                           [&](const PolicyParameter& p) { return p.name == name; });
    if (it == info.parameters.end()) {
      if (declared.empty())
        throw PolicyError(fmt::format("{} policy '{}' takes no parameters, got '{}'", info.kind, info.name, name));
      throw PolicyError(unknown_name_message(fmt::format("parameter of {} policy '{}'", info.kind, info.name), name,
                                             declared));
    }
    if (!(value >= it->min_value && value <= it->max_value))
      throw PolicyError(fmt::format("{} policy '{}': parameter '{}' = {} is outside [{}, {}]", info.kind, info.name,
                                    name, value, it->min_value, it->max_value));
    values[name] = value;
  }
  return PolicyParams(std::move(values));
}

}  // namespace leptonsim
