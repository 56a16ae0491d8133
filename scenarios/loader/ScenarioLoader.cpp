#include "ScenarioLoader.hpp"
#include "YamlMessages.hpp"

#include "NodePricing.hpp"
#include "ScenarioSchema.hpp"
#include "common/TextDistance.hpp"
#include "Units.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <numeric>
#include <set>
#include <sstream>
#include <utility>

namespace leptonsim {

// ---------------------------------------------------------------------------
// Issues

std::string ScenarioIssue::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += fmt::format(":{}", line);
    if (column > 0) out += fmt::format(":{}", column);
  }
  out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  out += message;
  return out;
}

namespace {

std::string join_issues(const std::vector<ScenarioIssue>& issues) {
  std::string text;
  for (std::size_t i = 0; i < issues.size(); ++i) {
    if (i > 0) text += '\n';
    text += issues[i].to_string();
  }
  return text;
}

}  // namespace

ScenarioError::ScenarioError(std::vector<ScenarioIssue> issues)
    : std::runtime_error(join_issues(issues)), issues_(std::move(issues)) {}

namespace {

using yaml_messages::backticked;
using yaml_messages::node_kind;
using yaml_messages::suggestion_text;

constexpr const char* set_file_name = "--set";

// One applied --set override, to attribute problems in its value to the command line.
struct AppliedOverride {
  int number = 0;                // 1-based position among the overrides
  std::string key_path;          // concrete key path, e.g. "services[0].replicas"
  std::size_t value_offset = 0;  // offset of the value in the override string
};




class Diagnostics {
public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void at(const YAML::Mark& mark, std::string key_path, std::string message) {
    ScenarioIssue issue;
    issue.file = file_;
    // Nodes made by the loader (an empty document, maps created by --set) have no
    // position: they are reported at the start.
    issue.line = mark.is_null() ? 1 : mark.line + 1;
    issue.column = mark.is_null() ? 1 : mark.column + 1;
    issue.key_path = std::move(key_path);
    issue.message = std::move(message);
    issues_.push_back(std::move(issue));
  }

  void at_set(int number, std::size_t column, std::string key_path, std::string message) {
    ScenarioIssue issue;
    issue.file = set_file_name;
    issue.line = number;
    issue.column = static_cast<int>(column);
    issue.key_path = std::move(key_path);
    issue.message = std::move(message);
    issues_.push_back(std::move(issue));
  }

  bool empty() const { return issues_.empty(); }

  // Moves problems inside --set values to the command line, then sorts by position.
  std::vector<ScenarioIssue> finish(const std::vector<AppliedOverride>& overrides) {
    for (auto& issue : issues_) {
      if (issue.file != file_ || issue.key_path.empty()) continue;
      for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
        const std::string& path = it->key_path;
        const bool inside = issue.key_path == path ||
                            (issue.key_path.size() > path.size() &&
                             issue.key_path.compare(0, path.size(), path) == 0 &&
                             (issue.key_path[path.size()] == '.' || issue.key_path[path.size()] == '['));
        if (!inside) continue;
        issue.file = set_file_name;
        issue.column = static_cast<int>(it->value_offset) + std::max(issue.line == 1 ? issue.column : 1, 1);
        issue.line = it->number;
        break;
      }
    }
    std::stable_sort(issues_.begin(), issues_.end(), [&](const ScenarioIssue& a, const ScenarioIssue& b) {
      const bool a_set = a.file == set_file_name, b_set = b.file == set_file_name;
      if (a_set != b_set) return !a_set;
      if (a.line != b.line) return a.line < b.line;
      return a.column < b.column;
    });
    return std::move(issues_);
  }

private:
  std::string file_;
  std::vector<ScenarioIssue> issues_;
};

// ---------------------------------------------------------------------------
// Small YAML helpers (all const: never create nodes by looking them up).

// The value under `key`, or an undefined node when `map` is not a map or has no such key.
YAML::Node lookup(const YAML::Node& map, std::string_view key) {
  if (map.IsMap())
    for (auto it = map.begin(); it != map.end(); ++it)
      if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  return YAML::Node(YAML::NodeType::Undefined);
}

bool has_key(const YAML::Node& map, std::string_view key) { return lookup(map, key).IsDefined(); }

// Where to point at for `key` of `map`: its value, else the key, else the map itself.
YAML::Mark mark_of(const YAML::Node& map, std::string_view key) {
  if (map.IsMap()) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) {
        if (it->second.IsDefined() && !it->second.IsNull()) return it->second.Mark();
        return it->first.Mark();
      }
    }
  }
  return map.Mark();
}

YAML::Mark key_mark_of(const YAML::Node& map, std::string_view key) {
  if (map.IsMap())
    for (auto it = map.begin(); it != map.end(); ++it)
      if (it->first.IsScalar() && it->first.Scalar() == key) return it->first.Mark();
  return map.Mark();
}

std::string index_path(const std::string& path, std::size_t index) { return fmt::format("{}[{}]", path, index); }

std::optional<long long> parse_integer(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  long long value = 0;
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (status != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<unsigned long long> parse_unsigned(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.front() == '-') return std::nullopt;
  unsigned long long value = 0;
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (status != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The error for `value` outside the entry's range, or "".
std::string range_error(const SchemaEntry& entry, double value, const std::string& written) {
  const bool below = entry.min && (entry.min_exclusive ? value <= *entry.min : value < *entry.min);
  const bool above = entry.max && value > *entry.max;
  if (!below && !above) return "";
  std::string what = "a number";
  if (entry.type == ValueType::integer) what = "an integer";
  if (entry.quantity != QuantityKind::number && entry.type != ValueType::integer)
    what = fmt::format("a {}", quantity_kind_name(entry.quantity));
  return fmt::format("expected {} {}, got `{}`", what, describe_range(entry), written);
}

// Checks one scalar against its entry; returns "" when it is valid.
std::string scalar_error(const SchemaEntry& entry, const std::string& text) {
  switch (entry.type) {
    case ValueType::string:
      return text.empty() ? "expected a non-empty string" : "";
    case ValueType::choice: {
      if (std::find(entry.choices.begin(), entry.choices.end(), text) != entry.choices.end()) return "";
      return fmt::format("expected {}, got `{}`{}", describe_expected(entry), text,
                         closest_match(text, entry.choices) ? fmt::format("; did you mean `{}`?", *closest_match(text, entry.choices)) : "");
    }
    case ValueType::integer: {
      if (entry.wide_integer) {
        if (!parse_unsigned(text))
          return fmt::format("expected a non-negative integer (up to 18446744073709551615), got `{}`", text);
        return "";
      }
      const auto value = parse_integer(text);
      if (!value) return fmt::format("expected {}, got `{}`", describe_expected(entry), text);
      if (*value > INT_MAX || *value < INT_MIN) return fmt::format("integer `{}` is too large", text);
      return range_error(entry, static_cast<double>(*value), text);
    }
    case ValueType::quantity:
    case ValueType::distribution: {
      const QuantityResult result = try_parse_quantity(entry.quantity, text);
      if (!result.ok()) return result.error;
      return range_error(entry, result.value, text);
    }
    case ValueType::map:
    case ValueType::list:
      return "";
  }
  return "";
}

// ---------------------------------------------------------------------------
// Schema validation: structure, unknown keys, types, units, ranges.

const std::vector<std::string> distribution_forms = {"deterministic", "exponential", "lognormal", "weibull"};

class SchemaValidator {
public:
  explicit SchemaValidator(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  void check_document(const YAML::Node& root) {
    if (root.IsNull() || !root.IsDefined()) {
      check_map(YAML::Node(YAML::NodeType::Map), "", "", YAML::Mark());
      return;
    }
    if (!root.IsMap()) {
      diagnostics_.at(root.Mark(), "", fmt::format("expected a map of scenario keys ({}) at the top level, got {}",
                                                   backticked(schema_child_keys("")), node_kind(root)));
      return;
    }
    check_map(root, "", "", root.Mark());
  }

private:
  void check_map(const YAML::Node& node, const std::string& pattern, const std::string& path,
                 const YAML::Mark& where) {
    std::map<std::string, int> first_line;
    if (node.IsMap()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node key = it->first;
        const YAML::Node value = it->second;
        if (!key.IsScalar()) {
          diagnostics_.at(key.Mark(), path, "keys must be plain names");
          continue;
        }
        const std::string name = key.Scalar();
        const std::string child_path = join_key_path(path, name);
        if (auto [seen, inserted] = first_line.emplace(name, key.Mark().line + 1); !inserted) {
          diagnostics_.at(key.Mark(), child_path,
                          fmt::format("duplicate key `{}` (first given on line {})", name, seen->second));
          continue;
        }
        const SchemaEntry* entry = find_schema_entry(join_key_path(pattern, name));
        if (entry == nullptr) {
          diagnostics_.at(key.Mark(), child_path,
                          fmt::format("unknown key `{}`{}", name,
                                      suggestion_text(name, schema_child_keys(pattern),
                                                      path.empty() ? "top-level keys" : "keys here")));
          continue;
        }
        check_value(value, value.IsNull() ? key.Mark() : value.Mark(), *entry, child_path);
      }
    }
    for (const auto& entry : scenario_schema()) {
      if (entry.required && entry.parent() == pattern && !has_key(node, entry.key())) {
        diagnostics_.at(where, join_key_path(path, entry.key()),
                        fmt::format("missing required key `{}` ({})", entry.key(), describe_expected(entry)));
      }
    }
  }

  void check_value(const YAML::Node& value, const YAML::Mark& mark, const SchemaEntry& entry,
                   const std::string& path) {
    switch (entry.type) {
      case ValueType::map:
        if (value.IsNull()) {
          check_map(YAML::Node(YAML::NodeType::Map), entry.path, path, mark);
        } else if (!value.IsMap()) {
          diagnostics_.at(mark, path, fmt::format("expected {}, got {}", describe_expected(entry), node_kind(value)));
        } else {
          check_map(value, entry.path, path, mark);
        }
        return;
      case ValueType::list:
        check_list(value, mark, entry, path);
        return;
      case ValueType::distribution:
        if (value.IsMap()) {
          check_map(value, entry.path, path, mark);
          std::vector<std::string> given;
          for (const auto& form : distribution_forms)
            if (has_key(value, form)) given.push_back(form);
          if (given.size() > 1) {
            diagnostics_.at(key_mark_of(value, given[1]), path,
                            fmt::format("a distribution takes exactly one of {}, got {}",
                                        backticked(distribution_forms), backticked(given)));
          } else if (given.empty() && value.size() == 0) {
            diagnostics_.at(mark, path, fmt::format("expected {}, got an empty map", describe_expected(entry)));
          }
          return;
        }
        [[fallthrough]];
      default:
        check_scalar(value, mark, entry, path);
        return;
    }
  }

  void check_list(const YAML::Node& value, const YAML::Mark& mark, const SchemaEntry& entry,
                  const std::string& path) {
    if (!value.IsNull() && !value.IsSequence()) {
      diagnostics_.at(mark, path, fmt::format("expected {}, got {}", describe_expected(entry), node_kind(value)));
      return;
    }
    const std::size_t count = value.IsSequence() ? value.size() : 0;
    const bool too_few = entry.min && static_cast<double>(count) < *entry.min;
    const bool too_many = entry.max && static_cast<double>(count) > *entry.max;
    if (too_few || too_many)
      diagnostics_.at(mark, path,
                      fmt::format("expected {} with {}, got {} item{}", describe_expected(entry), describe_range(entry),
                                  count, count == 1 ? "" : "s"));
    if (!value.IsSequence()) return;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const YAML::Node& item = value[i];
      const std::string item_path = index_path(path, i);
      const YAML::Mark item_mark = item.IsNull() ? mark : item.Mark();
      if (entry.element == ValueType::map) {
        if (!item.IsMap()) {
          diagnostics_.at(item_mark, item_path,
                          fmt::format("expected a map with keys {}, got {}",
                                      backticked(schema_child_keys(entry.path + "[]")), node_kind(item)));
          continue;
        }
        check_map(item, entry.path + "[]", item_path, item_mark);
      } else if (!item.IsScalar() || item.Scalar().empty()) {
        diagnostics_.at(item_mark, item_path, fmt::format("expected a name, got {}", node_kind(item)));
      }
    }
  }

  void check_scalar(const YAML::Node& value, const YAML::Mark& mark, const SchemaEntry& entry,
                    const std::string& path) {
    if (!value.IsScalar()) {
      diagnostics_.at(mark, path, fmt::format("expected {}, got {}", describe_expected(entry), node_kind(value)));
      return;
    }
    if (std::string error = scalar_error(entry, value.Scalar()); !error.empty())
      diagnostics_.at(mark, path, std::move(error));
  }

  Diagnostics& diagnostics_;
};

// ---------------------------------------------------------------------------
// --set overrides

struct PathSegment {
  bool is_index = false;
  std::string key;         // map key (when !is_index)
  std::size_t index = 0;   // list index (when is_index)
  std::size_t offset = 0;  // character offset in the override string
};

class OverrideApplier {
public:
  OverrideApplier(YAML::Node root, Diagnostics& diagnostics) : root_(std::move(root)), diagnostics_(diagnostics) {}

  // Applies one "key.path=value"; returns the applied override, or nothing after reporting why not.
  std::optional<AppliedOverride> apply(const std::string& text, int number) {
    const auto equals = text.find('=');
    if (equals == std::string::npos) {
      diagnostics_.at_set(number, 1, "", fmt::format("expected `key.path=value`, got `{}`", text));
      return std::nullopt;
    }
    std::vector<PathSegment> segments;
    if (!parse_path(text, equals, number, segments)) return std::nullopt;
    const std::string path = render(segments, segments.size());

    YAML::Node value;
    const std::string value_text = text.substr(equals + 1);
    try {
      value = YAML::Load(value_text);
    } catch (const YAML::Exception& error) {
      diagnostics_.at_set(number, equals + 2 + std::max(error.mark.column, 0), path,
                          fmt::format("the value is not valid YAML: {}", error.msg));
      return std::nullopt;
    }

    YAML::Node current(root_);
    std::string pattern;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const PathSegment& segment = segments[i];
      const bool last = i + 1 == segments.size();
      const std::string here = render(segments, i);  // the path of `current`
      if (!segment.is_index) {
        const std::string child_pattern = join_key_path(pattern, segment.key);
        const SchemaEntry* entry = find_schema_entry(child_pattern);
        if (entry == nullptr) {
          const SchemaEntry* parent = find_schema_entry(pattern);
          if (parent != nullptr && parent->type == ValueType::list) {
            diagnostics_.at_set(number, segment.offset + 1, here,
                                fmt::format("`{}` is a list: give an index, e.g. `{}[0].{}`", here, here, segment.key));
          } else if (parent != nullptr && parent->type != ValueType::map && parent->type != ValueType::distribution) {
            diagnostics_.at_set(number, segment.offset + 1, here,
                                fmt::format("`{}` is {}, which has no keys", here, describe_expected(*parent)));
          } else {
            diagnostics_.at_set(number, segment.offset + 1, render(segments, i + 1),
                                fmt::format("unknown key `{}`{}", segment.key,
                                            suggestion_text(segment.key, schema_child_keys(pattern),
                                                            pattern.empty() ? "top-level keys" : "keys here")));
          }
          return std::nullopt;
        }
        if (!current.IsMap() && !current.IsNull() && current.IsDefined()) {
          diagnostics_.at_set(number, segment.offset + 1, here,
                              fmt::format("cannot set `{}` inside `{}`, which is {}, not a map", segment.key,
                                          here.empty() ? "the document" : here, node_kind(current)));
          return std::nullopt;
        }
        if (last) {
          current[segment.key] = value;
        } else {
          YAML::Node next = current[segment.key];
          current.reset(next);
        }
        pattern = child_pattern;
      } else {
        const SchemaEntry* entry = find_schema_entry(pattern);
        if (entry == nullptr || entry->type != ValueType::list) {
          diagnostics_.at_set(number, segment.offset + 1, here, fmt::format("`{}` is not a list", here));
          return std::nullopt;
        }
        const std::size_t size = current.IsSequence() ? current.size() : 0;
        if (segment.index >= size) {
          diagnostics_.at_set(number, segment.offset + 1, render(segments, i + 1),
                              fmt::format("index {} is out of range: `{}` has {} item{}", segment.index, here, size,
                                          size == 1 ? "" : "s"));
          return std::nullopt;
        }
        if (last) {
          current[segment.index] = value;
        } else {
          YAML::Node next = current[segment.index];
          current.reset(next);
        }
        pattern += "[]";
      }
    }
    return AppliedOverride{number, path, equals + 1};
  }

private:
  bool parse_path(const std::string& text, std::size_t end, int number, std::vector<PathSegment>& segments) {
    std::size_t pos = 0;
    while (pos < end && text[pos] == ' ') ++pos;
    std::size_t stop = end;
    while (stop > pos && text[stop - 1] == ' ') --stop;
    if (pos == stop) {
      diagnostics_.at_set(number, 1, "", fmt::format("missing key path before `=` in `{}`", text));
      return false;
    }
    bool expect_key = true;
    while (pos < stop) {
      if (expect_key) {
        const std::size_t start = pos;
        while (pos < stop && text[pos] != '.' && text[pos] != '[' && text[pos] != ']') ++pos;
        if (pos == start) {
          diagnostics_.at_set(number, start + 1, "",
                              fmt::format("malformed key path `{}`: expected a key name at character {}",
                                          text.substr(0, stop), start + 1));
          return false;
        }
        segments.push_back(PathSegment{false, text.substr(start, pos - start), 0, start});
        expect_key = false;
      } else if (text[pos] == '.') {
        ++pos;
        expect_key = true;
        if (pos == stop) {
          diagnostics_.at_set(number, pos + 1, "",
                              fmt::format("malformed key path `{}`: ends with `.`", text.substr(0, stop)));
          return false;
        }
      } else if (text[pos] == '[') {
        const std::size_t start = pos;
        const auto close = text.find(']', pos);
        const auto index = close == std::string::npos || close > stop
                               ? std::nullopt
                               : parse_unsigned(std::string_view(text).substr(pos + 1, close - pos - 1));
        if (!index) {
          diagnostics_.at_set(number, start + 1, "",
                              fmt::format("malformed key path `{}`: expected `[N]` with N a list index",
                                          text.substr(0, stop)));
          return false;
        }
        segments.push_back(PathSegment{true, "", static_cast<std::size_t>(*index), start});
        pos = close + 1;
      } else {
        diagnostics_.at_set(number, pos + 1, "",
                            fmt::format("malformed key path `{}`: unexpected `{}`", text.substr(0, stop), text[pos]));
        return false;
      }
    }
    return true;
  }

  // The concrete path of the first `count` segments.
  static std::string render(const std::vector<PathSegment>& segments, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
      if (segments[i].is_index) {
        out += fmt::format("[{}]", segments[i].index);
      } else {
        if (!out.empty()) out += '.';
        out += segments[i].key;
      }
    }
    return out;
  }

  YAML::Node root_;
  Diagnostics& diagnostics_;
};

// ---------------------------------------------------------------------------
// Building the ScenarioSpec (after schema validation) and the cross-field checks.

// Reads the fields of one YAML map through the schema entries of `pattern`.
// A field that is present but invalid (already reported by the validator) is
// left at its default and clears ok().
class MapReader {
public:
  MapReader(YAML::Node node, std::string pattern, std::string path)
      : node_(std::move(node)), pattern_(std::move(pattern)), path_(std::move(path)) {}

  const YAML::Node& node() const { return node_; }
  bool has(std::string_view key) const { return has_key(node_, key); }
  YAML::Node get(std::string_view key) const { return lookup(node_, key); }
  YAML::Mark mark(std::string_view key) const { return mark_of(node_, key); }
  YAML::Mark key_mark(std::string_view key) const { return key_mark_of(node_, key); }
  std::string path(std::string_view key) const { return join_key_path(path_, key); }
  const std::string& path() const { return path_; }
  const std::string& pattern() const { return pattern_; }
  bool ok() const { return ok_; }

  // The scalar text of `key` if it is present and valid for its schema entry.
  std::optional<std::string> valid_scalar(std::string_view key) {
    const YAML::Node value = get(key);
    if (!value.IsDefined()) return std::nullopt;
    const SchemaEntry* entry = find_schema_entry(join_key_path(pattern_, key));
    if (entry == nullptr || !value.IsScalar() || !scalar_error(*entry, value.Scalar()).empty()) {
      ok_ = false;
      return std::nullopt;
    }
    return value.Scalar();
  }

  bool read(std::string_view key, std::string& out) {
    const auto text = valid_scalar(key);
    if (text) out = *text;
    return text.has_value();
  }
  bool read(std::string_view key, int& out) {
    const auto text = valid_scalar(key);
    if (text) out = static_cast<int>(*parse_integer(*text));
    return text.has_value();
  }
  bool read(std::string_view key, std::uint64_t& out) {
    const auto text = valid_scalar(key);
    if (text) out = *parse_unsigned(*text);
    return text.has_value();
  }
  bool read(std::string_view key, double& out) {
    const auto text = valid_scalar(key);
    if (text) out = try_parse_quantity(find_schema_entry(join_key_path(pattern_, key))->quantity, *text).value;
    return text.has_value();
  }
  template <class Enum>
  bool read_choice(std::string_view key, Enum& out, const std::vector<std::pair<std::string, Enum>>& values) {
    std::string text;
    if (!read(key, text)) return false;
    for (const auto& [name, value] : values)
      if (name == text) out = value;
    return true;
  }

  // A distribution under `key`: a scalar (deterministic) or a one-form map.
  std::optional<DistributionSpec> read_distribution(std::string_view key) {
    const YAML::Node value = get(key);
    if (!value.IsDefined()) return std::nullopt;
    const SchemaEntry& entry = *find_schema_entry(join_key_path(pattern_, key));
    const std::string pattern = entry.path;
    if (value.IsScalar()) {
      if (!scalar_error(entry, value.Scalar()).empty()) return invalid();
      return DistributionSpec{DistributionSpec::Kind::deterministic,
                              try_parse_quantity(entry.quantity, value.Scalar()).value, 0.0};
    }
    if (!value.IsMap()) return invalid();
    int forms = 0;
    for (const auto& form : distribution_forms) forms += has_key(value, form) ? 1 : 0;
    if (forms != 1) return invalid();
    MapReader inner(value, pattern, path(key));
    DistributionSpec spec;
    if (inner.has("deterministic")) {
      spec.kind = DistributionSpec::Kind::deterministic;
      if (!inner.read("deterministic", spec.mean)) return invalid();
    } else if (inner.has("exponential")) {
      spec.kind = DistributionSpec::Kind::exponential;
      MapReader form(inner.get("exponential"), pattern + ".exponential", inner.path("exponential"));
      if (!form.node().IsMap() || !form.read("mean", spec.mean)) return invalid();
    } else if (inner.has("lognormal")) {
      spec.kind = DistributionSpec::Kind::lognormal;
      MapReader form(inner.get("lognormal"), pattern + ".lognormal", inner.path("lognormal"));
      if (!form.node().IsMap() || !form.read("mean", spec.mean) || !form.read("sigma", spec.sigma)) return invalid();
    } else {
      spec.kind = DistributionSpec::Kind::weibull;
      MapReader form(inner.get("weibull"), pattern + ".weibull", inner.path("weibull"));
      if (!form.node().IsMap() || !form.read("mean", spec.mean) || !form.read("shape", spec.shape)) return invalid();
    }
    return spec;
  }

private:
  std::optional<DistributionSpec> invalid() {
    ok_ = false;
    return std::nullopt;
  }

  YAML::Node node_;
  std::string pattern_;
  std::string path_;
  bool ok_ = true;
};

// The items of a list under `key` of `parent`, as (node, concrete path) pairs; maps only.
std::vector<std::pair<YAML::Node, std::string>> map_items(const YAML::Node& list, const std::string& path) {
  std::vector<std::pair<YAML::Node, std::string>> items;
  if (!list.IsSequence()) return items;
  for (std::size_t i = 0; i < list.size(); ++i)
    if (list[i].IsMap()) items.emplace_back(list[i], index_path(path, i));
  return items;
}

std::string format_si(double value, std::string_view unit) { return fmt::format("{:g} {}", value, unit); }

class SpecBuilder {
public:
  SpecBuilder(const YAML::Node& root, Diagnostics& diagnostics, ScenarioSpec& spec)
      : root_(root.IsMap() ? root : YAML::Node(YAML::NodeType::Map)), diagnostics_(diagnostics), spec_(spec) {}

  void build() {
    read_top_level();
    read_catalog();
    read_cost();
    read_node_autoscaler();
    read_sites();
    check_node_prices();
    read_wan();
    read_services();
    read_jobs();
    read_failures();
    read_data();
  }

private:
  struct SiteEntry {
    SiteSpec spec;
    YAML::Node node;
    std::string path;
    bool shape_known = false;  // spec.node names a node shape of the catalogue
    bool counts_valid = false; // racks and nodes_per_rack were read without error
  };

  void read_top_level() {
    MapReader top(root_, "", "");
    top.read("name", spec_.name);
    top.read("seed", spec_.seed);
    const bool duration_ok = top.read("duration", spec_.duration) || !top.has("duration");
    const bool warmup_given = top.read("warmup", spec_.warmup);
    top.read("sample_interval", spec_.sample_interval);
    top.read_choice("node_series", spec_.node_series,
                    {{"auto", NodeSeries::automatic}, {"on", NodeSeries::on}, {"off", NodeSeries::off}});
    if (warmup_given && duration_ok && spec_.warmup >= spec_.duration) {
      diagnostics_.at(top.mark("warmup"), "warmup",
                      fmt::format("warmup ({}) must be shorter than duration ({})", format_si(spec_.warmup, "s"),
                                  format_si(spec_.duration, "s")));
    }
  }

  // ----- cost
  void read_cost() {
    const YAML::Node cost = lookup(root_, "cost");
    if (!cost.IsMap()) return;
    MapReader reader(cost, "cost", "cost");
    CostSpec& spec = spec_.cost;
    if (reader.read("provider", spec.provider)) check_provider(reader, "provider", spec.provider);
    if (const YAML::Node purchase = reader.get("purchase"); purchase.IsMap())
      read_purchase_mix(MapReader(purchase, "cost.purchase", "cost.purchase"), spec.purchase);
    double egress = 0.0;
    if (reader.read("egress", egress)) spec.egress_per_gb = egress;
    std::map<std::string, int> seen;
    for (const auto& [item, path] : map_items(reader.get("prices"), "cost.prices")) {
      MapReader prices(item, "cost.prices[]", path);
      NodePriceSpec entry;
      if (!prices.read("node", entry.node)) continue;
      if (!first_definition(seen, entry.node, prices, "price entry")) continue;
      if (spec_.catalog.find_node_shape(entry.node) == nullptr && broken_names_.count(entry.node) == 0)
        diagnostics_.at(prices.mark("node"), prices.path("node"),
                        fmt::format("unknown node shape `{}`{}", entry.node,
                                    suggestion_text(entry.node, spec_.catalog.node_shape_names(), "node shapes")));
      for (Purchase purchase : all_purchases()) {
        double price = 0.0;
        if (purchase != Purchase::owned && prices.read(purchase_name(purchase), price)) entry.per_hour[purchase] = price;
      }
      double value = 0.0;
      if (prices.read("purchase_price", value)) entry.purchase_price = value;
      if (prices.read("lifetime", value)) entry.lifetime = value;
      spec.prices.push_back(std::move(entry));
    }
    if (const YAML::Node energy = reader.get("energy"); energy.IsMap())
      read_energy(MapReader(energy, "cost.energy", "cost.energy"), spec.energy);
  }

  void read_node_autoscaler() {
    MapReader top(root_, "", "");
    read_policy(top, "node_autoscaler", spec_.node_autoscaler.policy, spec_.node_autoscaler.params);
  }

  void check_provider(MapReader& reader, const char* key, const std::string& provider) {
    if (provider == "catalog" || spec_.catalog.find_provider(provider) != nullptr) return;
    std::vector<std::string> known = spec_.catalog.provider_names();
    known.push_back("catalog");
    diagnostics_.at(reader.mark(key), reader.path(key),
                    fmt::format("unknown price list `{}`{}", provider, suggestion_text(provider, known, "price lists")));
  }

  // Shares by purchase type: the keys given replace the whole mix and must sum to 1.
  void read_purchase_mix(MapReader reader, PurchaseMix& mix) {
    PurchaseMix read_mix;
    double total = 0.0;
    for (Purchase purchase : all_purchases()) {
      double share = 0.0;
      if (reader.read(purchase_name(purchase), share)) {
        if (share > 0) read_mix[purchase] = share;
        total += share;
      }
    }
    if (!reader.ok()) return;
    if (std::abs(total - 1.0) > 1e-9) {
      diagnostics_.at(reader.node().Mark(), reader.path(),
                      fmt::format("the shares by purchase type add up to {:g}; they must add up to 1", total));
      return;
    }
    mix = std::move(read_mix);
  }

  void read_energy(MapReader reader, EnergySpec& energy) {
    reader.read("price", energy.price);
    reader.read("pue", energy.pue);
    reader.read("carbon_intensity", energy.carbon_intensity);
    if (!reader.has("tariff")) return;
    energy.tariff.clear();
    for (const auto& [item, path] : map_items(reader.get("tariff"), reader.path("tariff"))) {
      MapReader period_reader(item, reader.pattern() + ".tariff[]", path);
      TariffPeriodSpec period;
      const bool ok = period_reader.read("from", period.from) & period_reader.read("to", period.to);
      period_reader.read("price", period.price);
      if (!ok) continue;
      if (period.from == period.to) {
        diagnostics_.at(period_reader.mark("to"), period_reader.path("to"),
                        "a tariff period must not be empty (`from` equals `to`)");
        continue;
      }
      for (const TariffPeriodSpec& other : energy.tariff)
        if (tariff_periods_overlap(period, other)) {
          diagnostics_.at(item.Mark(), path, "this tariff period overlaps an earlier one: periods must not overlap");
          break;
        }
      energy.tariff.push_back(period);
    }
  }

  // Daily periods as sets of [a, b) intervals within one day.
  static bool tariff_periods_overlap(const TariffPeriodSpec& a, const TariffPeriodSpec& b) {
    const auto pieces = [](const TariffPeriodSpec& p) {
      std::vector<std::pair<double, double>> out;
      if (p.from < p.to) {
        out.emplace_back(p.from, p.to);
      } else {
        out.emplace_back(p.from, 86400.0);
        out.emplace_back(0.0, p.to);
      }
      return out;
    };
    for (const auto& [a0, a1] : pieces(a))
      for (const auto& [b0, b1] : pieces(b))
        if (a0 < b1 && b0 < a1) return true;
    return false;
  }

  // Every purchase type a site uses must have a price for its node shape.
  void check_node_prices() {
    for (const SiteEntry& site : sites_) {
      if (!site.shape_known) continue;
      for (const auto& [purchase, share] : site.spec.purchase) {
        if (share <= 0 || node_price_per_hour(spec_, site.spec, site.spec.node, purchase)) continue;
        const YAML::Node site_purchase = lookup(site.node, "purchase");
        const bool own_mix = site_purchase.IsMap();
        const YAML::Node mix = own_mix ? site_purchase : lookup(lookup(root_, "cost"), "purchase");
        const std::string mix_path = own_mix ? site.path + ".purchase" : "cost.purchase";
        diagnostics_.at(mark_of(mix, purchase_name(purchase)), mix_path + "." + purchase_name(purchase),
                        fmt::format("site `{}`: {}", site.spec.name,
                                    missing_price_reason(spec_, site.spec, site.spec.node, purchase)));
      }
      for (std::size_t p = 0; p < site.spec.pools.size(); ++p) {
        const Purchase purchase = site.spec.pools[p].purchase;
        if (node_price_per_hour(spec_, site.spec, site.spec.node, purchase)) continue;
        const YAML::Node pool = lookup(site.node, "pools")[p];
        diagnostics_.at(mark_of(pool, "purchase"), fmt::format("{}.pools[{}].purchase", site.path, p),
                        fmt::format("site `{}`: {}", site.spec.name,
                                    missing_price_reason(spec_, site.spec, site.spec.node, purchase)));
      }
    }
  }

  // ----- catalog
  void read_catalog() {
    spec_.catalog = HardwareCatalog::builtin();
    const YAML::Node catalog = lookup(root_, "catalog");
    std::map<std::string, int> seen_gpus, seen_shapes;
    for (const auto& [node, path] : map_items(lookup(catalog, "gpus"), "catalog.gpus")) {
      MapReader gpu(node, "catalog.gpus[]", path);
      std::string name;
      if (!gpu.read("name", name)) continue;
      if (!first_definition(seen_gpus, name, gpu, "GPU type")) continue;
      const GpuType* existing = spec_.catalog.find_gpu(name);
      GpuType merged = existing ? *existing : GpuType{};
      merged.name = name;
      gpu.read("dense_bf16", merged.dense_bf16_flops);
      gpu.read("memory", merged.memory_bytes);
      gpu.read("memory_bandwidth", merged.memory_bandwidth);
      gpu.read("nvlink", merged.nvlink_bandwidth);
      gpu.read("idle_power", merged.idle_power_watts);
      gpu.read("max_power", merged.max_power_watts);
      if (!existing && !require_all(gpu, {"dense_bf16", "memory", "memory_bandwidth", "nvlink", "idle_power", "max_power"},
                                    fmt::format("new GPU type `{}`", name))) {
        broken_names_.insert(name);
        continue;
      }
      if (gpu.ok() && merged.max_power_watts < merged.idle_power_watts) {
        diagnostics_.at(gpu.has("max_power") ? gpu.mark("max_power") : gpu.mark("idle_power"),
                        gpu.path(gpu.has("max_power") ? "max_power" : "idle_power"),
                        fmt::format("max_power ({}) is less than idle_power ({})",
                                    format_si(merged.max_power_watts, "W"), format_si(merged.idle_power_watts, "W")));
      }
      spec_.catalog.put_gpu(merged);
    }
    std::map<std::string, int> seen_disks;
    for (const auto& [node, path] : map_items(lookup(catalog, "disks"), "catalog.disks")) {
      MapReader disk(node, "catalog.disks[]", path);
      std::string name;
      if (!disk.read("name", name)) continue;
      if (!first_definition(seen_disks, name, disk, "disk type")) continue;
      const DiskType* existing = spec_.catalog.find_disk(name);
      DiskType merged = existing ? *existing : DiskType{};
      merged.name = name;
      disk.read("capacity", merged.capacity_bytes);
      disk.read("read", merged.read_bandwidth);
      disk.read("write", merged.write_bandwidth);
      if (!existing && !require_all(disk, {"capacity", "read", "write"}, fmt::format("new disk type `{}`", name))) {
        broken_names_.insert(name);
        continue;
      }
      spec_.catalog.put_disk(merged);
    }
    for (const auto& [node, path] : map_items(lookup(catalog, "node_shapes"), "catalog.node_shapes")) {
      MapReader shape(node, "catalog.node_shapes[]", path);
      std::string name;
      if (!shape.read("name", name)) continue;
      if (!first_definition(seen_shapes, name, shape, "node shape")) continue;
      const NodeShape* existing = spec_.catalog.find_node_shape(name);
      NodeShape merged = existing ? *existing : NodeShape{};
      merged.name = name;
      const bool gpu_given = shape.read("gpu", merged.gpu_type);
      shape.read("gpus", merged.gpus);
      shape.read("cpu_cores", merged.cpu_cores);
      shape.read("cpu", merged.cpu_flops);
      shape.read("nic", merged.nic_bandwidth);
      shape.read("pcie", merged.pcie_bandwidth);
      shape.read("price", merged.price_per_hour);
      shape.read("base_power", merged.base_power_watts);
      shape.read("off_power", merged.off_power_watts);
      if (!existing && !require_all(shape, {"gpu", "gpus", "cpu_cores", "cpu", "nic", "pcie", "price"},
                                    fmt::format("new node shape `{}`", name))) {
        broken_names_.insert(name);
        continue;
      }
      if (gpu_given && spec_.catalog.find_gpu(merged.gpu_type) == nullptr) {
        if (broken_names_.count(merged.gpu_type) == 0)
          diagnostics_.at(shape.mark("gpu"), shape.path("gpu"),
                          fmt::format("unknown GPU type `{}`{}", merged.gpu_type,
                                      suggestion_text(merged.gpu_type, spec_.catalog.gpu_names(), "GPU types")));
        broken_names_.insert(name);
        continue;
      }
      spec_.catalog.put_node_shape(merged);
    }
  }

  // Reports a second entry with the same name; returns true for the first one.
  bool first_definition(std::map<std::string, int>& seen, const std::string& name, const MapReader& entry,
                        const std::string& what) {
    // Names become parts of metric paths (service.<name>.latency_p99) and of
    // host names (site/r0/n0/gpu0): no dots, slashes or spaces.
    const bool is_identifier =
        !name.empty() && std::isalnum(static_cast<unsigned char>(name.front())) &&
        std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
    if (!is_identifier)
      diagnostics_.at(entry.mark("name"), entry.path("name"),
                      fmt::format("{} name `{}` must start with a letter or digit and contain only letters, digits, "
                                  "`_` and `-`",
                                  what, name));
    const auto [it, inserted] = seen.emplace(name, entry.mark("name").line + 1);
    if (!inserted)
      diagnostics_.at(entry.mark("name"), entry.path("name"),
                      fmt::format("duplicate {} name `{}` (first defined on line {})", what, name, it->second));
    return inserted;
  }

  bool require_all(const MapReader& entry, const std::vector<std::string>& keys, const std::string& what) {
    std::vector<std::string> missing;
    for (const auto& key : keys)
      if (!entry.has(key)) missing.push_back(key);
    if (missing.empty()) return true;
    diagnostics_.at(entry.key_mark("name"), entry.path(),
                    fmt::format("{} must give every field; missing {}", what, backticked(missing)));
    return false;
  }

  // ----- sites
  void read_sites() {
    const YAML::Node platform = lookup(root_, "platform");
    std::map<std::string, int> seen;
    for (const auto& [node, path] : map_items(lookup(platform, "sites"), "platform.sites")) {
      MapReader reader(node, "platform.sites[]", path);
      SiteEntry site;
      site.node = node;
      site.path = path;
      if (!reader.read("name", site.spec.name)) {
        all_sites_named_ = false;
        continue;
      }
      const bool first = first_definition(seen, site.spec.name, reader, "site");
      reader.read("kind", site.spec.kind);
      site.counts_valid = (reader.read("racks", site.spec.racks) || !reader.has("racks"));
      site.counts_valid = (reader.read("nodes_per_rack", site.spec.nodes_per_rack) || !reader.has("nodes_per_rack")) &&
                          site.counts_valid;
      const bool node_given = reader.read("node", site.spec.node);
      site.shape_known = spec_.catalog.find_node_shape(site.spec.node) != nullptr;
      if (!site.shape_known && (node_given || !reader.has("node")) && broken_names_.count(site.spec.node) == 0) {
        diagnostics_.at(reader.mark("node"), reader.path("node"),
                        fmt::format("unknown node shape `{}`{}", site.spec.node,
                                    suggestion_text(site.spec.node, spec_.catalog.node_shape_names(), "node shapes")));
      }
      read_pools(reader, site);
      read_fabric(reader, site);
      read_storage(reader, site);
      if (const YAML::Node cache = reader.get("weight_cache"); cache.IsMap()) {
        MapReader cache_reader(cache, "platform.sites[].weight_cache", reader.path("weight_cache"));
        cache_reader.read("capacity", site.spec.weight_cache.capacity);
        cache_reader.read("bandwidth", site.spec.weight_cache.bandwidth);
        read_policy(cache_reader, "eviction", site.spec.weight_cache.eviction, site.spec.weight_cache.eviction_params);
      }
      site.spec.provider = spec_.cost.provider;
      if (reader.has("provider") && reader.read("provider", site.spec.provider))
        check_provider(reader, "provider", site.spec.provider);
      site.spec.purchase = spec_.cost.purchase;
      if (const YAML::Node purchase = reader.get("purchase"); purchase.IsMap())
        read_purchase_mix(MapReader(purchase, "platform.sites[].purchase", reader.path("purchase")), site.spec.purchase);
      site.spec.energy = spec_.cost.energy;
      if (const YAML::Node energy = reader.get("energy"); energy.IsMap())
        read_energy(MapReader(energy, "platform.sites[].energy", reader.path("energy")), site.spec.energy);
      if (!first) continue;
      spec_.platform.sites.push_back(site.spec);
      sites_.push_back(std::move(site));
    }
  }

  void read_pools(MapReader& site_reader, SiteEntry& site) {
    std::map<std::string, int> seen;
    for (const auto& [item, path] : map_items(site_reader.get("pools"), site_reader.path("pools"))) {
      MapReader reader(item, "platform.sites[].pools[]", path);
      NodePoolSpec pool;
      if (!reader.read("name", pool.name)) continue;
      if (!first_definition(seen, pool.name, reader, "node pool")) continue;
      std::string purchase;
      if (reader.read("purchase", purchase)) pool.purchase = *purchase_from_name(purchase);
      reader.read("min_nodes", pool.min_nodes);
      const bool max_given = reader.read("max_nodes", pool.max_nodes);
      pool.initial_nodes = pool.min_nodes;
      const bool initial_given = reader.read("initial_nodes", pool.initial_nodes);
      reader.read("provisioning_delay", pool.provisioning_delay);
      if (!reader.ok() || !max_given) continue;
      if (pool.min_nodes > pool.max_nodes)
        diagnostics_.at(reader.mark("min_nodes"), reader.path("min_nodes"),
                        fmt::format("min_nodes ({}) is more than max_nodes ({})", pool.min_nodes, pool.max_nodes));
      else if (initial_given && (pool.initial_nodes < pool.min_nodes || pool.initial_nodes > pool.max_nodes))
        diagnostics_.at(reader.mark("initial_nodes"), reader.path("initial_nodes"),
                        fmt::format("initial_nodes ({}) must be between min_nodes ({}) and max_nodes ({})",
                                    pool.initial_nodes, pool.min_nodes, pool.max_nodes));
      site.spec.pools.push_back(pool);
    }
    if (site.counts_valid && site.spec.racks == 0 && site.spec.pools.empty())
      diagnostics_.at(site_reader.mark("racks"), site_reader.path("racks"),
                      "a site with no racks needs `pools` of nodes; give racks >= 1 or pools");
  }

  void read_fabric(MapReader& site_reader, SiteEntry& site) {
    const YAML::Node node = site_reader.get("fabric");
    if (!node.IsMap()) return;
    MapReader fabric(node, "platform.sites[].fabric", site_reader.path("fabric"));
    FabricSpec& spec = site.spec.fabric;
    fabric.read_choice("topology", spec.topology,
                       {{"leaf_spine", FabricSpec::Topology::leaf_spine}, {"fat_tree", FabricSpec::Topology::fat_tree}});
    fabric.read("link", spec.link_bandwidth);
    fabric.read("latency", spec.link_latency);
    fabric.read("oversubscription", spec.oversubscription);
    const bool pods_given = fabric.read("racks_per_pod", spec.racks_per_pod);
    if (pods_given && site.counts_valid && spec.topology == FabricSpec::Topology::fat_tree && spec.racks_per_pod > 0 &&
        site.spec.gpu_racks() % spec.racks_per_pod != 0) {
      diagnostics_.at(fabric.mark("racks_per_pod"), fabric.path("racks_per_pod"),
                      fmt::format("a fat_tree with {} racks cannot be split into pods of {} racks: racks (the pools' "
                                  "racks included) must be a multiple of racks_per_pod",
                                  site.spec.gpu_racks(), spec.racks_per_pod));
    }
  }

  void read_storage(MapReader& site_reader, SiteEntry& site) {
    StorageSpec& storage = site.spec.storage;
    storage.nodes_per_rack = site.spec.nodes_per_rack;
    const YAML::Node node = site_reader.get("storage");
    if (!node.IsMap()) return;
    MapReader reader(node, "platform.sites[].storage", site_reader.path("storage"));
    reader.read("racks", storage.racks);
    if (reader.read("nodes_per_rack", storage.nodes_per_rack) && site.counts_valid &&
        storage.nodes_per_rack > site.spec.nodes_per_rack)
      diagnostics_.at(reader.mark("nodes_per_rack"), reader.path("nodes_per_rack"),
                      fmt::format("{} storage nodes per rack do not fit a leaf switch of this site, which takes "
                                  "nodes_per_rack = {} nodes",
                                  storage.nodes_per_rack, site.spec.nodes_per_rack));
    reader.read("disks_per_node", storage.disks_per_node);
    const bool disk_given = reader.read("disk", storage.disk);
    if (disk_given && spec_.catalog.find_disk(storage.disk) == nullptr && broken_names_.count(storage.disk) == 0)
      diagnostics_.at(reader.mark("disk"), reader.path("disk"),
                      fmt::format("unknown disk type `{}`{}", storage.disk,
                                  suggestion_text(storage.disk, spec_.catalog.disk_names(), "disk types")));
    reader.read("nic", storage.nic_bandwidth);
    reader.read("price", storage.price_per_hour);
  }

  const SiteEntry* find_site(const std::string& name) const {
    for (const auto& site : sites_)
      if (site.spec.name == name) return &site;
    return nullptr;
  }

  std::vector<std::string> site_names() const {
    std::vector<std::string> names;
    for (const auto& site : sites_) names.push_back(site.spec.name);
    return names;
  }

  // ----- WAN
  void read_wan() {
    const YAML::Node platform = lookup(root_, "platform");
    const YAML::Node wan = lookup(platform, "wan");
    std::map<std::pair<std::string, std::string>, int> seen_pairs;
    std::map<std::string, std::string> component;  // union-find parent by site name
    for (const auto& site : sites_) component[site.spec.name] = site.spec.name;
    const std::function<std::string(const std::string&)> root_of = [&](const std::string& name) {
      std::string current = name;
      while (component[current] != current) current = component[current];
      return current;
    };

    for (const auto& [node, path] : map_items(wan, "platform.wan")) {
      MapReader reader(node, "platform.wan[]", path);
      WanLinkSpec link;
      reader.read("bandwidth", link.bandwidth);
      reader.read("latency", link.latency);
      const YAML::Node between = reader.get("between");
      if (!between.IsSequence() || between.size() != 2 || !between[0].IsScalar() || !between[1].IsScalar()) continue;
      link.site_a = between[0].Scalar();
      link.site_b = between[1].Scalar();
      bool known = true;
      for (std::size_t i = 0; i < 2; ++i) {
        const std::string& name = between[i].Scalar();
        if (find_site(name) == nullptr) {
          if (all_sites_named_)
            diagnostics_.at(between[i].Mark(), index_path(reader.path("between"), i),
                          fmt::format("unknown site `{}`{}", name, suggestion_text(name, site_names(), "sites")));
          known = false;
        }
      }
      if (!known) continue;
      if (link.site_a == link.site_b) {
        diagnostics_.at(between[1].Mark(), reader.path("between"),
                        fmt::format("a WAN link must join two different sites, got `{}` twice", link.site_a));
        continue;
      }
      const auto key = std::minmax(link.site_a, link.site_b);
      const auto [it, inserted] = seen_pairs.emplace(key, reader.key_mark("between").line + 1);
      if (!inserted) {
        diagnostics_.at(reader.mark("between"), reader.path("between"),
                        fmt::format("duplicate WAN link between `{}` and `{}` (first defined on line {})", key.first,
                                    key.second, it->second));
        continue;
      }
      component[root_of(link.site_a)] = root_of(link.site_b);
      spec_.platform.wan.push_back(link);
    }

    if (sites_.size() < 2 || !all_sites_named_) return;
    const std::string first = sites_.front().spec.name;
    std::vector<std::string> unreachable;
    for (const auto& site : sites_)
      if (root_of(site.spec.name) != root_of(first)) unreachable.push_back(site.spec.name);
    if (!unreachable.empty()) {
      const YAML::Mark mark = key_mark_of(platform, has_key(platform, "wan") ? "wan" : "sites");
      diagnostics_.at(mark, "platform.wan",
                      fmt::format("the WAN links do not connect every pair of sites: {} cannot be reached from `{}`; "
                                  "add links such as `{{between: [{}, {}], bandwidth: 100Gbps, latency: 10ms}}`",
                                  backticked(unreachable), first, first, unreachable.front()));
    }
  }

  // ----- services
  struct ServiceEntry {
    std::size_t index;        // in spec_.services
    const SiteEntry* site;    // resolved site, or nullptr
    bool counts_valid;        // replicas and gpus_per_replica were read without error
    YAML::Mark replicas_mark;
    std::string replicas_path;
  };

  void read_services() {
    std::map<std::string, int> seen;
    std::vector<ServiceEntry> placed;
    for (const auto& [node, path] : map_items(lookup(root_, "services"), "services")) {
      MapReader reader(node, "services[]", path);
      ServiceSpec service;
      if (reader.read("name", service.name)) first_definition(seen, service.name, reader, "service");

      // Site: given, or the first site.
      const SiteEntry* site = nullptr;
      if (reader.has("site")) {
        if (reader.read("site", service.site)) {
          site = find_site(service.site);
          if (site == nullptr && all_sites_named_)
            diagnostics_.at(reader.mark("site"), reader.path("site"),
                            fmt::format("unknown site `{}`{}", service.site,
                                        suggestion_text(service.site, site_names(), "sites")));
        }
      } else if (!sites_.empty()) {
        site = &sites_.front();
        service.site = site->spec.name;
      }

      const bool replicas_ok = reader.read("replicas", service.replicas) || !reader.has("replicas");
      const bool gpus_ok = reader.read("gpus_per_replica", service.gpus_per_replica) || !reader.has("gpus_per_replica");
      reader.read("max_concurrency", service.max_concurrency);
      reader.read_choice("queue", service.queue,
                         {{"replica", ServiceSpec::QueueLocation::replica},
                          {"balancer", ServiceSpec::QueueLocation::balancer}});

      // GPU type: given (must match the site's nodes) or the site's node GPU.
      const NodeShape* shape = site != nullptr && site->shape_known ? spec_.catalog.find_node_shape(site->spec.node)
                                                                    : nullptr;
      if (reader.has("gpu_type")) {
        if (reader.read("gpu_type", service.gpu_type)) {
          if (spec_.catalog.find_gpu(service.gpu_type) == nullptr) {
            diagnostics_.at(reader.mark("gpu_type"), reader.path("gpu_type"),
                            fmt::format("unknown GPU type `{}`{}", service.gpu_type,
                                        suggestion_text(service.gpu_type, spec_.catalog.gpu_names(), "GPU types")));
          } else if (shape != nullptr && shape->gpu_type != service.gpu_type) {
            diagnostics_.at(reader.mark("gpu_type"), reader.path("gpu_type"),
                            fmt::format("gpu_type `{}` does not match site `{}`, whose node shape `{}` has `{}` GPUs",
                                        service.gpu_type, site->spec.name, shape->name, shape->gpu_type));
          }
        }
      } else if (shape != nullptr) {
        service.gpu_type = shape->gpu_type;
      }

      if (gpus_ok && shape != nullptr && service.gpus_per_replica > shape->gpus) {
        diagnostics_.at(reader.mark("gpus_per_replica"), reader.path("gpus_per_replica"),
                        fmt::format("replica needs {} GPUs but node shape {} has {}; a replica runs on one node",
                                    service.gpus_per_replica, shape->name, shape->gpus));
      } else if (replicas_ok && gpus_ok && shape != nullptr && site->counts_valid && !reader.has("deployments")) {
        placed.push_back(ServiceEntry{spec_.services.size(), site, true, reader.mark("replicas"),
                                      reader.path("replicas")});
      }

      read_arrivals(reader, "arrivals", service.arrivals);
      read_demand(reader, service);
      read_load_balancer(reader, service);
      read_autoscaling(reader, service);
      read_llm(reader, service);
      if (const YAML::Node slo = reader.get("slo"); slo.IsMap())
        MapReader(slo, "services[].slo", reader.path("slo")).read("latency_p99", service.slo.latency_p99);

      service.key_path = path;
      if (reader.has("deployments")) {
        expand_deployments(reader, std::move(service), replicas_ok && gpus_ok, placed);
        continue;
      }
      spec_.services.push_back(std::move(service));
    }
    check_capacity(placed);
  }

  // A service deployed at several sites: one ServiceSpec per deployment
  // (`<name>@<site>`) and the routed service with its users.
  void expand_deployments(MapReader& reader, ServiceSpec service, bool counts_ok, std::vector<ServiceEntry>& placed) {
    RoutedServiceSpec routed;
    routed.name = service.name;
    routed.slo = service.slo;
    const int routed_index = static_cast<int>(spec_.routed_services.size());
    if (const YAML::Node routing = reader.get("routing"); routing.IsMap()) {
      MapReader routing_reader(routing, "services[].routing", reader.path("routing"));
      routing_reader.read("request_bytes", routed.routing.request_bytes);
      routing_reader.read("response_bytes", routed.routing.response_bytes);
      routing_reader.read("policy", routed.routing.policy);
      for (auto it = routing.begin(); it != routing.end(); ++it) {
        const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
        if (key == "policy" || key == "request_bytes" || key == "response_bytes") continue;
        double value = 0.0;
        if (routing_reader.read(key, value)) routed.routing.params[key] = value;
      }
    }
    std::map<std::string, int> seen_users;
    for (const auto& [item, path] : map_items(reader.get("users"), reader.path("users"))) {
      MapReader user_reader(item, "services[].users[]", path);
      UserPopulationSpec user;
      if (user_reader.read("name", user.name)) first_definition(seen_users, user.name, user_reader, "user population");
      read_arrivals(user_reader, "arrivals", user.arrivals);
      if (const YAML::Node latency = user_reader.get("latency"); latency.IsMap()) {
        MapReader latency_reader(latency, "services[].users[].latency", user_reader.path("latency"));
        for (auto it = latency.begin(); it != latency.end(); ++it) {
          if (!it->first.IsScalar()) continue;
          double value = 0.0;
          if (latency_reader.read(it->first.Scalar(), value)) user.latency[it->first.Scalar()] = value;
        }
      }
      routed.users.push_back(std::move(user));
    }
    if (routed.users.empty())
      diagnostics_.at(reader.key_mark("deployments"), reader.path("deployments"),
                      "a service with `deployments` needs `users`: the populations that send its requests");
    const bool gpu_type_given = reader.has("gpu_type");
    std::map<std::string, int> seen_sites;
    for (const auto& [item, path] : map_items(reader.get("deployments"), reader.path("deployments"))) {
      MapReader deployment(item, "services[].deployments[]", path);
      DeploymentSpec d;
      if (!deployment.read("site", d.site)) continue;
      const SiteEntry* site = find_site(d.site);
      if (site == nullptr) {
        if (all_sites_named_)
          diagnostics_.at(deployment.mark("site"), deployment.path("site"),
                          fmt::format("unknown site `{}`{}", d.site, suggestion_text(d.site, site_names(), "sites")));
        continue;
      }
      if (!seen_sites.emplace(d.site, 1).second) {
        diagnostics_.at(deployment.mark("site"), deployment.path("site"),
                        fmt::format("the service is deployed at site `{}` twice", d.site));
        continue;
      }
      int value = 0;
      if (deployment.read("replicas", value)) d.replicas = value;
      if (deployment.read("min_replicas", value)) d.min_replicas = value;
      if (deployment.read("max_replicas", value)) d.max_replicas = value;
      ServiceSpec copy = service;
      copy.name = service.name + "@" + d.site;
      copy.site = d.site;
      copy.replicas = d.replicas.value_or(service.replicas);
      if (d.min_replicas) copy.autoscaler.params["min_replicas"] = *d.min_replicas;
      if (d.max_replicas) copy.autoscaler.params["max_replicas"] = *d.max_replicas;
      copy.routed_service = routed_index;
      copy.key_path = path;
      const NodeShape* shape = site->shape_known ? spec_.catalog.find_node_shape(site->spec.node) : nullptr;
      if (shape != nullptr) {
        if (!gpu_type_given) {
          copy.gpu_type = shape->gpu_type;
        } else if (shape->gpu_type != copy.gpu_type) {
          diagnostics_.at(deployment.mark("site"), deployment.path("site"),
                          fmt::format("gpu_type `{}` does not match site `{}`, whose node shape `{}` has `{}` GPUs",
                                      copy.gpu_type, d.site, shape->name, shape->gpu_type));
        }
        if (copy.gpus_per_replica > shape->gpus)
          diagnostics_.at(deployment.mark("site"), deployment.path("site"),
                          fmt::format("replica needs {} GPUs but node shape {} of site `{}` has {}; a replica runs on "
                                      "one node",
                                      copy.gpus_per_replica, shape->name, d.site, shape->gpus));
        else if (counts_ok && site->counts_valid)
          placed.push_back(ServiceEntry{spec_.services.size(), site, true,
                                        deployment.has("replicas") ? deployment.mark("replicas") : item.Mark(),
                                        deployment.path("replicas")});
      }
      routed.deployments.push_back(static_cast<int>(spec_.services.size()));
      routed.sites.push_back(d.site);
      spec_.services.push_back(std::move(copy));
    }
    // Every population's distance to every site of the service, and only to those.
    const auto users = map_items(reader.get("users"), reader.path("users"));
    for (std::size_t u = 0; u < routed.users.size() && u < users.size(); ++u) {
      const UserPopulationSpec& user = routed.users[u];
      MapReader user_reader(users[u].first, "services[].users[]", users[u].second);
      if (!user_reader.has("latency")) continue;  // the schema reports the missing key
      for (const std::string& site : routed.sites)
        if (user.latency.count(site) == 0)
          diagnostics_.at(user_reader.mark("latency"), user_reader.path("latency"),
                          fmt::format("give the latency from `{}` to site `{}`, where the service is deployed",
                                      user.name, site));
      const YAML::Node latency = user_reader.get("latency");
      for (const auto& [site, value] : user.latency)
        if (std::find(routed.sites.begin(), routed.sites.end(), site) == routed.sites.end())
          diagnostics_.at(mark_of(latency, site), user_reader.path("latency") + "." + site,
                          fmt::format("`{}` is not a site of the service's deployments ({})", site,
                                      fmt::join(routed.sites, ", ")));
    }
    spec_.routed_services.push_back(std::move(routed));
  }

  void read_arrivals(MapReader& reader, const char* key, ArrivalSpec& spec) {
    const YAML::Node node = reader.get(key);
    if (!node.IsMap()) return;
    MapReader arrivals(node, join_key_path(reader.pattern(), key), reader.path(key));
    arrivals.read("process", spec.process);
    arrivals.read("rate", spec.rate);
    arrivals.read("peak_to_trough", spec.peak_to_trough);
    arrivals.read("period", spec.period);
    arrivals.read("phase", spec.phase);
    for (const auto& [spike_node, spike_path] : map_items(lookup(node, "spikes"), arrivals.path("spikes"))) {
      MapReader spike(spike_node, arrivals.pattern() + ".spikes[]", spike_path);
      SpikeSpec parsed;
      spike.read("start", parsed.start);
      spike.read("duration", parsed.duration);
      spike.read("multiplier", parsed.multiplier);
      spec.spikes.push_back(parsed);
    }
    arrivals.read("burst_rate", spec.burst_rate);
    arrivals.read("calm_duration", spec.calm_duration);
    arrivals.read("burst_duration", spec.burst_duration);
    if (const YAML::Node trace_node = arrivals.get("trace"); trace_node.IsMap()) {
      MapReader trace(trace_node, arrivals.pattern() + ".trace", arrivals.path("trace"));
      trace.read("format", spec.trace.format);
      trace.read("path", spec.trace.path);
      trace.read("time_scale", spec.trace.time_scale);
      trace.read("rate_scale", spec.trace.rate_scale);
      trace.read("start_offset", spec.trace.start_offset);
      trace.read_choice("loop", spec.trace.loop, {{"true", true}, {"false", false}});
      std::uint64_t max_requests = 0;
      if (trace.read("max_requests", max_requests)) spec.trace.max_requests = static_cast<std::int64_t>(max_requests);
    }
    if (spec.process == "trace" && spec.trace.path.empty())
      diagnostics_.at(arrivals.key_mark("process"), arrivals.path("process"),
                      "`process: trace` needs `trace: {path: ...}` naming the trace file");
    if (spec.process == "mmpp" && !(spec.burst_rate > 0))
      diagnostics_.at(arrivals.key_mark("process"), arrivals.path("process"),
                      "`process: mmpp` needs `burst_rate` > 0 (the rate in the burst state)");
    if (!spec.spikes.empty() && spec.process != "poisson" && spec.process != "diurnal")
      diagnostics_.at(arrivals.key_mark("spikes"), arrivals.path("spikes"),
                      "`spikes` apply to the poisson and diurnal processes only");
  }

  void read_demand(MapReader& reader, ServiceSpec& service) {
    const bool has_time = reader.has("service_time");
    const bool has_flops = reader.has("flops");
    if (has_time && has_flops) {
      diagnostics_.at(reader.key_mark("flops"), reader.path("flops"),
                      "give either `service_time` or `flops`, not both");
      return;
    }
    if (has_time) {
      service.demand.service_time = reader.read_distribution("service_time");
    } else if (has_flops) {
      service.demand.flops = reader.read_distribution("flops");
    } else {
      const SchemaEntry& entry = *find_schema_entry("services[].service_time");
      service.demand.service_time =
          DistributionSpec{DistributionSpec::Kind::deterministic, parse_quantity(entry.quantity, entry.default_text), 0.0};
    }
  }

  void read_llm(MapReader& reader, ServiceSpec& service) {
    if (const YAML::Node node = reader.get("llm"); node.IsMap()) {
      MapReader llm(node, "services[].llm", reader.path("llm"));
      LlmSpec& spec = service.llm;
      spec.is_enabled = true;
      llm.read("parameters", spec.parameters);
      llm.read("bytes_per_parameter", spec.bytes_per_parameter);
      llm.read("layers", spec.layers);
      llm.read("hidden_size", spec.hidden_size);
      llm.read("attention_heads", spec.attention_heads);
      llm.read("kv_heads", spec.kv_heads);
      llm.read("kv_bytes_per_element", spec.kv_bytes_per_element);
      llm.read("kv_bytes_per_token", spec.kv_bytes_per_token);
      llm.read("max_batch", spec.max_batch);
      llm.read("compute_efficiency", spec.compute_efficiency);
      llm.read("memory_efficiency", spec.memory_efficiency);
      llm.read("memory_reserved_fraction", spec.memory_reserved_fraction);
      llm.read_choice("decode", spec.decode, {{"fluid", LlmSpec::Decode::fluid}, {"iteration", LlmSpec::Decode::iteration}});
      if (reader.has("service_time") || reader.has("flops"))
        diagnostics_.at(reader.key_mark("llm"), reader.path("llm"),
                        "an `llm` service takes its time from the model: remove `service_time` / `flops`");
      if (spec.layers == 0 && spec.kv_bytes_per_token <= 0)
        diagnostics_.at(reader.key_mark("llm"), reader.path("llm"),
                        "give the architecture (`layers`, `hidden_size`, `attention_heads`) or `kv_bytes_per_token`");
    }
    if (const YAML::Node node = reader.get("tokens"); node.IsMap()) {
      MapReader tokens(node, "services[].tokens", reader.path("tokens"));
      if (auto input = tokens.read_distribution("input")) service.tokens.input = *input;
      if (auto output = tokens.read_distribution("output")) service.tokens.output = *output;
    }
  }

  void read_autoscaling(MapReader& reader, ServiceSpec& service) {
    read_policy(reader, "autoscaler", service.autoscaler.policy, service.autoscaler.params);
    if (const YAML::Node node = reader.get("cold_start"); node.IsMap()) {
      MapReader cold(node, "services[].cold_start", reader.path("cold_start"));
      cold.read("placement_delay", service.cold_start.placement_delay);
      cold.read("image_pull", service.cold_start.image_pull);
      cold.read("weights", service.cold_start.weights_bytes);
      cold.read("warmup", service.cold_start.warmup);
      cold.read("model", service.cold_start.model);
    }
    reader.read_choice("placement", service.placement,
                       {{"pack", ServiceSpec::Placement::pack}, {"spread", ServiceSpec::Placement::spread}});
    reader.read("priority", service.priority);
    reader.read("min_ready_replicas", service.min_ready_replicas);
    if (const YAML::Node node = reader.get("balancer_queue"); node.IsMap()) {
      MapReader queue(node, "services[].balancer_queue", reader.path("balancer_queue"));
      queue.read("capacity", service.balancer_queue.capacity);
      queue.read("timeout", service.balancer_queue.timeout);
    }
    if (const YAML::Node node = reader.get("retry"); node.IsMap()) {
      MapReader retry(node, "services[].retry", reader.path("retry"));
      retry.read("attempts", service.retry.attempts);
      retry.read("timeout", service.retry.timeout);
    }
    if (service.replicas == 0 && service.autoscaler.policy == "static")
      diagnostics_.at(reader.mark("replicas"), reader.path("replicas"),
                      "0 replicas with the `static` autoscaler would never serve: give an autoscaler or replicas >= 1");
  }

  void read_load_balancer(MapReader& reader, ServiceSpec& service) {
    read_policy(reader, "load_balancer", service.load_balancer.policy, service.load_balancer.params);
  }

  // A policy section: `policy: <name>` plus any other keys as numeric parameters.
  void read_policy(MapReader& reader, const std::string& key, std::string& policy,
                   std::map<std::string, double>& params) {
    const YAML::Node node = reader.get(key);
    if (!node.IsMap()) return;
    MapReader section(node, join_key_path(reader.pattern(), key), reader.path(key));
    section.read("policy", policy);
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar() || it->first.Scalar() == "policy") continue;
      double value = 0.0;
      if (section.read(it->first.Scalar(), value)) params[it->first.Scalar()] = value;
    }
  }

  // ----- jobs

  void read_job_properties(MapReader& reader, JobPropertiesSpec& properties) {
    reader.read("priority", properties.priority);
    reader.read_choice("preemptible", properties.is_preemptible, {{"true", true}, {"false", false}});
    reader.read_choice("locality", properties.locality,
                       {{"any", JobPropertiesSpec::Locality::any},
                        {"node", JobPropertiesSpec::Locality::node},
                        {"rack", JobPropertiesSpec::Locality::rack}});
    reader.read("compute_efficiency", properties.compute_efficiency);
    reader.read("restart_overhead", properties.restart_overhead);
    reader.read("max_failure_retry", properties.max_failure_retry);
    if (const YAML::Node node = reader.get("checkpoint"); node.IsMap()) {
      MapReader checkpoint(node, join_key_path(reader.pattern(), "checkpoint"), reader.path("checkpoint"));
      checkpoint.read("interval", properties.checkpoint_interval);
      checkpoint.read("size", properties.checkpoint_bytes);
    }
  }

  // `stages` of a DAG job: names unique, `after` naming stages of the same
  // job (cycles are found by the semantic checks, which build the DAG).
  void read_job_stages(MapReader& job_reader, JobSpec& job) {
    std::map<std::string, int> seen;
    const auto items = map_items(job_reader.get("stages"), job_reader.path("stages"));
    std::set<std::string> names;
    for (const auto& [item, path] : items)
      if (const YAML::Node name = lookup(item, "name"); name.IsScalar()) names.insert(name.Scalar());
    for (const auto& [item, path] : items) {
      MapReader stage_reader(item, "jobs.list[].stages[]", path);
      JobStageSpec stage;
      if (stage_reader.read("name", stage.name)) first_definition(seen, stage.name, stage_reader, "stage");
      stage_reader.read("tasks", stage.tasks);
      stage_reader.read("gpus", stage.gpus);
      stage_reader.read("duration", stage.duration);
      stage_reader.read("output", stage.output_bytes);
      if (const YAML::Node after = stage_reader.get("after"); after.IsSequence())
        for (std::size_t i = 0; i < after.size(); ++i) {
          if (!after[i].IsScalar()) continue;
          const std::string& before = after[i].Scalar();
          if (names.count(before) == 0) {
            std::vector<std::string> known(names.begin(), names.end());
            diagnostics_.at(after[i].Mark(), index_path(stage_reader.path("after"), i),
                            fmt::format("unknown stage `{}`{}", before, suggestion_text(before, known, "stages of this job")));
          } else if (before == stage.name) {
            diagnostics_.at(after[i].Mark(), index_path(stage_reader.path("after"), i),
                            fmt::format("stage `{}` cannot come after itself", before));
          }
          stage.after.push_back(before);
        }
      job.stages.push_back(std::move(stage));
    }
  }

  void read_failures() {
    const YAML::Node node = lookup(root_, "failures");
    if (!node.IsMap() && !node.IsNull()) return;
    if (!node.IsDefined()) return;
    FailuresSpec& failures = spec_.failures;
    failures.is_enabled = true;
    if (node.IsNull()) return;
    MapReader reader(node, "failures", "failures");
    if (const YAML::Node detection_node = reader.get("detection"); detection_node.IsMap()) {
      MapReader detection(detection_node, "failures.detection", "failures.detection");
      detection.read("period", failures.check_period);
      detection.read("delay", failures.detection_delay);
    }
    std::string profile;
    if (reader.read("profile", profile))
      for (const YAML::Node& entry : failure_profiles())
        if (entry["name"].as<std::string>() == profile)
          for (const auto& [item, path] : map_items(entry["classes"], "failures.profile." + profile))
            failures.classes.push_back(read_failure_class(item, path));
    std::map<std::string, int> seen;
    for (const auto& [item, path] : map_items(reader.get("classes"), "failures.classes")) {
      MapReader class_reader(item, "failures.classes[]", path);
      FailureClassSpec parsed = read_failure_class(item, path);
      if (!parsed.name.empty()) first_definition(seen, parsed.name, class_reader, "failure class");
      // A class named like a profile class replaces it.
      const auto same = std::find_if(failures.classes.begin(), failures.classes.end(),
                                     [&](const FailureClassSpec& c) { return c.name == parsed.name; });
      if (same != failures.classes.end())
        *same = std::move(parsed);
      else
        failures.classes.push_back(std::move(parsed));
    }
    if (const YAML::Node trace_node = reader.get("trace"); trace_node.IsMap()) {
      MapReader trace(trace_node, "failures.trace", "failures.trace");
      trace.read("path", failures.trace_path);
    }
    if (const YAML::Node spares_node = reader.get("spares"); spares_node.IsMap()) {
      MapReader spares(spares_node, "failures.spares", "failures.spares");
      spares.read("nodes", failures.spares.nodes);
      spares.read("activation", failures.spares.activation);
      spares.read("standby_price", failures.spares.standby_price);
      if (spares.read("site", failures.spares.site)) {
        const SiteEntry* site = find_site(failures.spares.site);
        if (site == nullptr && all_sites_named_)
          diagnostics_.at(spares.mark("site"), spares.path("site"),
                          fmt::format("unknown site `{}`{}", failures.spares.site,
                                      suggestion_text(failures.spares.site, site_names(), "sites")));
      } else if (!sites_.empty()) {
        failures.spares.site = sites_.front().spec.name;
      }
      for (const SiteEntry& site : sites_)
        if (site.spec.name == failures.spares.site && site.counts_valid &&
            failures.spares.nodes >= site.spec.racks * site.spec.nodes_per_rack)
          diagnostics_.at(spares.mark("nodes"), spares.path("nodes"),
                          fmt::format("{} spare nodes leave none of the {} nodes of site `{}` to work",
                                      failures.spares.nodes, site.spec.racks * site.spec.nodes_per_rack, site.spec.name));
    }
  }

  void read_data() {
    const YAML::Node node = lookup(root_, "data");
    if (!node.IsMap()) return;
    DataSpec& data = spec_.data;
    data.is_enabled = true;
    MapReader reader(node, "data", "data");
    const SiteEntry* site = nullptr;
    if (reader.has("site")) {
      if (reader.read("site", data.site)) {
        site = find_site(data.site);
        if (site == nullptr && all_sites_named_)
          diagnostics_.at(reader.mark("site"), reader.path("site"),
                          fmt::format("unknown site `{}`{}", data.site, suggestion_text(data.site, site_names(), "sites")));
      }
    } else if (!sites_.empty()) {
      data.site = sites_.front().spec.name;
      site = &sites_.front();
    }
    if (site != nullptr && site->spec.storage.racks == 0)
      diagnostics_.at(reader.has("site") ? reader.mark("site") : node.Mark(), reader.has("site") ? reader.path("site") : "data",
                      fmt::format("site `{}` has no storage nodes to hold the data: give it `storage: {{racks: ...}}`",
                                  site->spec.name));
    std::map<std::string, int> seen;
    for (const auto& [item, path] : map_items(reader.get("objects"), "data.objects")) {
      MapReader object_reader(item, "data.objects[]", path);
      DataObjectSpec object;
      if (object_reader.read("name", object.name)) first_definition(seen, object.name, object_reader, "data object");
      object_reader.read("size", object.size);
      object_reader.read("chunk", object.chunk);
      object_reader.read("count", object.count);
      data.objects.push_back(std::move(object));
    }
    read_policy(reader, "redundancy", data.redundancy_policy, data.redundancy_params);
    read_policy(reader, "placement", data.placement_policy, data.placement_params);
    if (const YAML::Node repair_node = reader.get("repair"); repair_node.IsMap()) {
      MapReader repair(repair_node, "data.repair", "data.repair");
      repair.read_choice("target", data.repair.target,
                         {{"survivors", DataRepairSpec::Target::survivors},
                          {"replacement", DataRepairSpec::Target::replacement}});
      if (auto delay = repair.read_distribution("delay")) data.repair.delay = *delay;
      repair.read("bandwidth", data.repair.bandwidth);
      repair.read("parallelism", data.repair.parallelism);
    }
    if (!reader.read("price_per_gb_month", data.price_per_gb_month) && site != nullptr)
      if (const ProviderPrices* provider = spec_.catalog.find_provider(site->spec.provider))
        data.price_per_gb_month = provider->storage_per_gb_month;
    if (const YAML::Node backup_node = reader.get("backup"); backup_node.IsMap()) {
      MapReader backup(backup_node, "data.backup", "data.backup");
      BackupSpec& b = data.backup;
      b.is_enabled = true;
      backup.read("full_every", b.full_every);
      backup.read("incremental_every", b.incremental_every);
      backup.read("change_rate", b.change_rate);
      if (backup.read("destination", b.destination) && b.destination != "local" && find_site(b.destination) == nullptr)
        diagnostics_.at(backup.mark("destination"), backup.path("destination"),
                        fmt::format("`{}` is neither `local` nor a site{}", b.destination,
                                    suggestion_text(b.destination, site_names(), "sites")));
    }
    if (const YAML::Node quorum_node = reader.get("quorum"); quorum_node.IsMap()) {
      MapReader quorum(quorum_node, "data.quorum", "data.quorum");
      QuorumSpec& q = data.quorum;
      q.is_enabled = true;
      quorum.read("replicas", q.replicas);
      const bool w_given = quorum.read("write_quorum", q.write_quorum);
      const bool r_given = quorum.read("read_quorum", q.read_quorum);
      quorum.read("keys", q.keys);
      quorum.read("value_size", q.value_size);
      quorum.read("write_rate", q.write_rate);
      quorum.read("read_rate", q.read_rate);
      if (auto service = quorum.read_distribution("service_time")) q.service_time = *service;
      // Defaults count too (replicas: 1 with the default W = 2): then the message points at `replicas`.
      const auto check_quorum = [&](const char* key, bool given, int size, const char* what) {
        if (size <= q.replicas) return;
        const char* at = given ? key : "replicas";
        diagnostics_.at(quorum.mark(at), quorum.path(at),
                        fmt::format("a {} quorum of {}{} is more than the {} replicas", what, size,
                                    given ? "" : fmt::format(" (the default `{}`)", key), q.replicas));
      };
      check_quorum("write_quorum", w_given, q.write_quorum, "write");
      check_quorum("read_quorum", r_given, q.read_quorum, "read");
      if (q.write_rate <= 0 && q.read_rate <= 0)
        diagnostics_.at(quorum_node.Mark(), "data.quorum", "give `write_rate` or `read_rate` (operations per second)");
    }
  }

  FailureClassSpec read_failure_class(const YAML::Node& item, const std::string& path) {
    MapReader class_reader(item, "failures.classes[]", path);
    FailureClassSpec parsed;
    class_reader.read("component", parsed.component);
    parsed.name = parsed.component;
    class_reader.read("name", parsed.name);
    const int forms = (class_reader.has("mtbf") ? 1 : 0) + (class_reader.has("rate") ? 1 : 0) +
                      (class_reader.has("time_to_failure") ? 1 : 0);
    if (forms == 0)
      diagnostics_.at(item.Mark(), path,
                      "a failure class needs `mtbf`, `rate` or `time_to_failure` (how often each component fails)");
    if (forms > 1) {
      const char* second = class_reader.has("time_to_failure") ? "time_to_failure" : "rate";
      diagnostics_.at(class_reader.key_mark(second), class_reader.path(second),
                      "give only one of `mtbf`, `rate` and `time_to_failure`");
    }
    double value = 0.0;
    if (class_reader.read("mtbf", value)) parsed.time_to_failure = {DistributionSpec::Kind::exponential, value, 0.0};
    if (class_reader.read("rate", value)) parsed.time_to_failure = {DistributionSpec::Kind::exponential, 1.0 / value, 0.0};
    if (auto ttf = class_reader.read_distribution("time_to_failure")) parsed.time_to_failure = *ttf;
    if (auto repair = class_reader.read_distribution("repair")) parsed.repair = *repair;
    class_reader.read("notice", parsed.notice);
    std::string purchase;
    if (class_reader.read("purchase", purchase) && purchase != "any") parsed.purchase = purchase_from_name(purchase);
    if (parsed.purchase && parsed.component != "gpu" && parsed.component != "node" && parsed.component != "nic")
      diagnostics_.at(class_reader.mark("purchase"), class_reader.path("purchase"),
                      fmt::format("`purchase` selects GPU nodes: it applies to components `gpu`, `node` and `nic`, "
                                  "not `{}`",
                                  parsed.component));
    if (const YAML::Node components = class_reader.get("components"); components.IsSequence())
      for (std::size_t i = 0; i < components.size(); ++i)
        if (components[i].IsScalar()) parsed.components.push_back(components[i].Scalar());
    if (class_reader.read("site", parsed.site) && find_site(parsed.site) == nullptr && all_sites_named_)
      diagnostics_.at(class_reader.mark("site"), class_reader.path("site"),
                      fmt::format("unknown site `{}`{}", parsed.site, suggestion_text(parsed.site, site_names(), "sites")));
    return parsed;
  }

  void read_jobs() {
    const YAML::Node node = lookup(root_, "jobs");
    if (!node.IsMap()) return;
    JobsSpec& jobs = spec_.jobs;
    jobs.is_enabled = true;
    MapReader reader(node, "jobs", "jobs");
    if (reader.has("site")) {
      if (reader.read("site", jobs.site) && find_site(jobs.site) == nullptr && all_sites_named_)
        diagnostics_.at(reader.mark("site"), reader.path("site"),
                        fmt::format("unknown site `{}`{}", jobs.site, suggestion_text(jobs.site, site_names(), "sites")));
    } else if (!sites_.empty()) {
      jobs.site = sites_.front().spec.name;
    }
    read_policy(reader, "queue", jobs.queue_policy, jobs.queue_params);
    read_policy(reader, "placement", jobs.placement_policy, jobs.placement_params);
    reader.read("estimate_factor", jobs.estimate_factor);
    if (const YAML::Node defaults = reader.get("defaults"); defaults.IsMap()) {
      MapReader section(defaults, "jobs.defaults", "jobs.defaults");
      read_job_properties(section, jobs.defaults);
    }
    std::map<std::string, int> seen;
    for (const auto& [item, path] : map_items(reader.get("list"), "jobs.list")) {
      MapReader job_reader(item, "jobs.list[]", path);
      JobSpec job;
      job.properties = jobs.defaults;
      if (job_reader.read("name", job.name)) first_definition(seen, job.name, job_reader, "job");
      job_reader.read("count", job.count);
      job_reader.read("submit", job.submit);
      job_reader.read("gpus", job.gpus);
      job_reader.read("gpu_milli", job.gpu_milli);
      if (job_reader.read("gpu_type", job.gpu_type) && spec_.catalog.find_gpu(job.gpu_type) == nullptr)
        diagnostics_.at(job_reader.mark("gpu_type"), job_reader.path("gpu_type"),
                        fmt::format("unknown GPU type `{}`{}", job.gpu_type,
                                    suggestion_text(job.gpu_type, spec_.catalog.gpu_names(), "GPU types")));
      double duration = 0.0;
      if (job_reader.read("duration", duration)) job.duration = duration;
      if (const YAML::Node work_node = job_reader.get("work"); work_node.IsMap()) {
        MapReader work(work_node, "jobs.list[].work", job_reader.path("work"));
        JobWorkSpec parsed;
        work.read("iterations", parsed.iterations);
        work.read("flops_per_iteration", parsed.flops_per_iteration);
        work.read("allreduce", parsed.allreduce_bytes);
        work.read("steps", parsed.steps);
        job.work = parsed;
      }
      read_job_stages(job_reader, job);
      double estimate = 0.0;
      if (job_reader.read("estimate", estimate)) job.estimate = estimate;
      read_job_properties(job_reader, job.properties);
      const bool has_duration = job_reader.has("duration");
      const bool has_work = job_reader.has("work");
      const bool has_stages = job_reader.has("stages");
      const int forms = (has_duration ? 1 : 0) + (has_work ? 1 : 0) + (has_stages ? 1 : 0);
      if (forms == 0)
        diagnostics_.at(job_reader.key_mark("name"), job_reader.path("name"),
                        "a job needs `duration` (seconds alone on its GPUs), `work` (iterations) or `stages` (a DAG)");
      if (forms > 1) {
        const char* second = has_stages ? "stages" : "work";
        diagnostics_.at(job_reader.key_mark(second), job_reader.path(second),
                        "give only one of `duration`, `work` and `stages`");
      }
      if (has_stages) {
        const std::pair<const char*, const char*> per_stage[] = {
            {"gpus", "a DAG job gives `gpus` per stage (each task's gang), not for the whole job"},
            {"gpu_milli", "the tasks of a DAG job take whole GPUs: drop `gpu_milli`"},
            {"estimate", "the schedulers estimate each task of a DAG job from its stage's `duration`: drop `estimate`"}};
        for (const auto& [key, message] : per_stage)
          if (job_reader.has(key)) diagnostics_.at(job_reader.key_mark(key), job_reader.path(key), message);
      }
      if (job.gpu_milli < 1000 && job.properties.locality == JobPropertiesSpec::Locality::rack)
        diagnostics_.at(job_reader.mark("gpu_milli"), job_reader.path("gpu_milli"),
                        "a fractional job (gpu_milli < 1000) runs on one node: locality `rack` does not apply");
      if (job.gpu_milli < 1000 && job.work)
        diagnostics_.at(job_reader.mark("gpu_milli"), job_reader.path("gpu_milli"),
                        "a fractional job cannot have `work` (it shares its GPUs): give `duration`");
      jobs.list.push_back(std::move(job));
    }
    if (const YAML::Node trace_node = reader.get("trace"); trace_node.IsMap()) {
      MapReader trace(trace_node, "jobs.trace", "jobs.trace");
      JobTraceSpec parsed;
      trace.read("format", parsed.format);
      trace.read("path", parsed.path);
      trace.read("time_scale", parsed.time_scale);
      std::uint64_t max_jobs = 0;
      if (trace.read("max_jobs", max_jobs)) parsed.max_jobs = static_cast<std::int64_t>(max_jobs);
      jobs.trace = parsed;
    }
    if (const YAML::Node synthetic_node = reader.get("synthetic"); synthetic_node.IsMap()) {
      MapReader synthetic(synthetic_node, "jobs.synthetic", "jobs.synthetic");
      SyntheticJobsSpec parsed;
      std::uint64_t count = 0;
      if (synthetic.read("count", count)) parsed.count = static_cast<std::int64_t>(count);
      synthetic.read("rate", parsed.rate);
      if (synthetic.has("gpus")) {
        parsed.gpu_mix.clear();
        for (const auto& [mix_node, mix_path] : map_items(synthetic.get("gpus"), "jobs.synthetic.gpus")) {
          MapReader mix(mix_node, "jobs.synthetic.gpus[]", mix_path);
          int gpus = 1;
          double weight = 1.0;
          mix.read("gpus", gpus);
          mix.read("weight", weight);
          parsed.gpu_mix.emplace_back(gpus, weight);
        }
      }
      if (auto duration = synthetic.read_distribution("duration")) parsed.duration = *duration;
      jobs.synthetic = parsed;
    }
  }

  // Every replica runs on one node: check GPUs per site and replicas per node.
  void check_capacity(const std::vector<ServiceEntry>& placed) {
    for (const auto& site : sites_) {
      if (!site.shape_known || !site.counts_valid) continue;
      const NodeShape& shape = *spec_.catalog.find_node_shape(site.spec.node);
      const long long nodes = site.spec.gpu_nodes();
      const long long available = nodes * shape.gpus;
      long long requested = 0;
      std::string breakdown;
      const ServiceEntry* crossing = nullptr;
      for (const auto& entry : placed) {
        if (entry.site != &site) continue;
        const ServiceSpec& service = spec_.services[entry.index];
        requested += static_cast<long long>(service.replicas) * service.gpus_per_replica;
        breakdown += fmt::format("{}`{}` {} x {}", breakdown.empty() ? "" : ", ", service.name, service.replicas,
                                 service.gpus_per_replica);
        if (requested > available && crossing == nullptr) crossing = &entry;
      }
      if (crossing != nullptr) {
        diagnostics_.at(crossing->replicas_mark, crossing->replicas_path,
                        fmt::format("services on site `{}` need {} GPUs ({}) but the site has {} ({} nodes x {} GPUs "
                                    "of node shape {})",
                                    site.spec.name, requested, breakdown, available, nodes, shape.gpus, shape.name));
        continue;
      }
      for (const auto& entry : placed) {
        if (entry.site != &site) continue;
        const ServiceSpec& service = spec_.services[entry.index];
        const long long per_node = shape.gpus / service.gpus_per_replica;
        if (service.replicas > nodes * per_node) {
          diagnostics_.at(entry.replicas_mark, entry.replicas_path,
                          fmt::format("{} replicas of {} GPUs do not fit on site `{}`: at most {} per node of {} GPUs, "
                                      "{} nodes",
                                      service.replicas, service.gpus_per_replica, site.spec.name, per_node, shape.gpus,
                                      nodes));
        }
      }
    }
  }

  YAML::Node root_;
  Diagnostics& diagnostics_;
  ScenarioSpec& spec_;
  std::vector<SiteEntry> sites_;
  std::set<std::string> broken_names_;  // catalogue entries with errors: no "unknown name" reports for them
  bool all_sites_named_ = true;  // false: some site has no valid name, so "unknown site" checks are skipped
};

// ---------------------------------------------------------------------------
// Provenance

void flatten(const YAML::Node& node, const std::string& path, std::map<std::string, std::string>& out) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      for (auto it = node.begin(); it != node.end(); ++it)
        if (it->first.IsScalar()) flatten(it->second, join_key_path(path, it->first.Scalar()), out);
      return;
    case YAML::NodeType::Sequence:
      for (std::size_t i = 0; i < node.size(); ++i) flatten(node[i], index_path(path, i), out);
      return;
    case YAML::NodeType::Scalar:
      out[path] = node.Scalar();
      return;
    default:
      return;
  }
}

// Position of every key path's value in the file (1-based); values given by --set
// have no position in the file and are left out.
void record_locations(const YAML::Node& node, const std::string& path, const YAML::Mark& key_mark,
                      const std::vector<AppliedOverride>& overrides,
                      std::map<std::string, std::pair<int, int>>& out) {
  for (const auto& applied : overrides) {
    const std::string& prefix = applied.key_path;
    if (path == prefix || (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
                           (path[prefix.size()] == '.' || path[prefix.size()] == '[')))
      return;
  }
  const YAML::Mark mark = node.IsNull() ? key_mark : node.Mark();
  if (!path.empty() && !mark.is_null()) out[path] = {mark.line + 1, mark.column + 1};
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it)
      if (it->first.IsScalar())
        record_locations(it->second, join_key_path(path, it->first.Scalar()), it->first.Mark(), overrides, out);
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) record_locations(node[i], index_path(path, i), mark, overrides, out);
  }
}

std::string emit(const YAML::Node& root) {
  YAML::Emitter emitter;
  emitter << root;
  std::string text = emitter.c_str();
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

}  // namespace

ScenarioSpec load_scenario_text(const std::string& yaml_text, const std::string& file_name,
                                const std::vector<std::string>& set_overrides) {
  Diagnostics diagnostics(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& error) {
    diagnostics.at(error.mark, "", fmt::format("YAML syntax error: {}", error.msg));
    throw ScenarioError(diagnostics.finish({}));
  }
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);  // an empty file: overrides can still add keys

  std::vector<AppliedOverride> applied;
  OverrideApplier applier(root, diagnostics);
  for (std::size_t i = 0; i < set_overrides.size(); ++i)
    if (auto override_done = applier.apply(set_overrides[i], static_cast<int>(i) + 1)) applied.push_back(*override_done);

  SchemaValidator(diagnostics).check_document(root);
  ScenarioSpec spec;
  SpecBuilder(root, diagnostics, spec).build();
  if (!diagnostics.empty()) throw ScenarioError(diagnostics.finish(applied));

  spec.source_path = file_name;
  spec.source_text = emit(root);
  flatten(root, "", spec.parameters);
  record_locations(root, "", YAML::Mark::null_mark(), applied, spec.key_locations);
  return spec;
}

ScenarioSpec load_scenario_file(const std::string& path, const std::vector<std::string>& set_overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ScenarioIssue issue;
    issue.file = path;
    issue.message = fmt::format("cannot read the scenario file: {}", std::strerror(errno));
    throw ScenarioError({issue});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_scenario_text(text.str(), path, set_overrides);
}

}  // namespace leptonsim
