// ScenarioSchema: the one table of scenario keys. The validator (ScenarioLoader)
// checks files against it and scenario_reference_markdown() renders it into
// docs/scenario-reference.md, so the documentation cannot drift from the code.
//
// Key path patterns use `.` between map keys and `[]` for the elements of a list
// (`services[].replicas`); the key `<param>` matches any key not otherwise listed
// under the same parent (`services[].load_balancer.<param>`).
#pragma once

#include "Units.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace YAML {
class Node;
}

namespace leptonsim {

enum class ValueType {
  map,           // a mapping with the keys listed under this path
  list,          // a sequence; `element` says what each item is
  string,        // any scalar, taken as text
  choice,        // one of `choices`
  integer,       // a whole number
  quantity,      // a number with a unit of kind `quantity` (see Units.hpp)
  distribution,  // a scalar quantity (deterministic), or a map with exactly one of
                 // `deterministic`, `exponential`, `lognormal`, `weibull` (see the sub-keys)
};

struct SchemaEntry {
  std::string path;                      // key path pattern, e.g. "services[].replicas"
  ValueType type = ValueType::string;    // what the value must be
  QuantityKind quantity = QuantityKind::number;  // unit kind of quantity and distribution values
  ValueType element = ValueType::map;    // list only: type of the items (map or string)
  std::string default_text;              // the default as one would write it in YAML; "" = none
  bool required = false;                 // the key must be present in its parent map
  std::vector<std::string> choices;      // choice only: the accepted values
  std::optional<double> min;             // lower bound of the value (list: of the item count)
  bool min_exclusive = false;            // the lower bound itself is not allowed
  std::optional<double> max;             // upper bound, inclusive (list: of the item count)
  bool wide_integer = false;             // integer only: may exceed 32 bits (seeds)
  std::string description;               // one or two sentences for the reference

  // The parent pattern ("services[]" for "services[].replicas", "" for top-level keys).
  std::string parent() const;
  // The last component ("replicas").
  std::string key() const;
  bool is_wildcard() const { return key() == "<param>"; }
};

// Names of the failure profiles of data/failure-calibration.yaml, in file order.
std::vector<std::string> failure_profile_names();
// The file's `profiles` list (parsed once).
const YAML::Node& failure_profiles();

// The whole table, in documentation order.
const std::vector<SchemaEntry>& scenario_schema();
// The entry for an exact pattern, or the `<param>` entry of the same parent, or nullptr.
const SchemaEntry* find_schema_entry(std::string_view pattern);
// The keys allowed directly under `parent_pattern` (excluding `<param>`), in table order.
std::vector<std::string> schema_child_keys(std::string_view parent_pattern);
// `parent` + "." + `key` (just `key` at the top level).
std::string join_key_path(std::string_view parent, std::string_view key);
// A concrete key path with list indices ("services[2].replicas") turned into its pattern ("services[].replicas").
std::string key_path_pattern(std::string_view concrete_path);
// Human-readable range of an entry: ">= 1", "> 0", "exactly 2 items", ""; used in messages and docs.
std::string describe_range(const SchemaEntry& entry);
// "a duration", "an integer", "one of `region`, `edge`", "a list", ... for messages.
std::string describe_expected(const SchemaEntry& entry);

}  // namespace leptonsim
