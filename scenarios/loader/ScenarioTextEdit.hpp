// ScenarioTextEdit: change one value of a scenario's YAML text in place.
//
// The GUI's form edits the text the user sees, so an edit must keep every
// comment, blank line, key order and flow map (`{a: 1, b: 2}`) exactly as they
// were: only the characters of the one value change. yaml-cpp has no
// round-tripping emitter, so these functions parse the text to find where a
// node is (its Mark) and splice new characters into the original text.
//
// Key paths are the ones of `--set` and of the scenario reference: map keys
// joined by `.`, list items by `[index]` counted from 0, e.g.
// `services[0].autoscaler.policy` or `platform.sites[1].racks`.
//
// Every function throws std::invalid_argument (the message starts with the key
// path) when the key path is malformed or runs through a scalar, a list where a
// map is expected (or the reverse), or a list index out of range; and
// YAML::Exception when the text is not valid YAML.
#pragma once

#include <optional>
#include <string>

namespace YAML {
class Node;
}

namespace leptonsim {

// The text of the scalar at `key_path` (unquoted and unescaped), or nullopt
// when a map key on the path is missing or the value is null, a map or a list.
std::optional<std::string> read_scalar(const std::string& yaml, const std::string& key_path);
// The same for a document already parsed (to read many values of one text).
std::optional<std::string> read_scalar(const YAML::Node& root, const std::string& key_path);

// `yaml` with the scalar at `key_path` set to `value`. An existing scalar is
// replaced where it stands (keeping its quote style when it was quoted); a
// missing key is added after its siblings with their indentation, or at the end
// of a flow map, creating missing parent maps on the way (list items are never
// created: see append_list_item). The value is quoted when YAML needs it.
// A map or list in flow style at `key_path` is replaced by the scalar; a block
// map or list there is an error.
std::string set_scalar(const std::string& yaml, const std::string& key_path, const std::string& value);

// `yaml` without the map key at `key_path` and its value (including the
// comment lines indented under it). Removing the only key of a map leaves `{}`.
// A missing key leaves the text unchanged.
std::string remove_key(const std::string& yaml, const std::string& key_path);

// `yaml` with `item_yaml` (one line of YAML, e.g. a flow map
// `{name: h100x8, price: $80/h}`) appended to the list at `key_path`, in the
// list's style; a missing list (and missing parent maps) is created.
std::string append_list_item(const std::string& yaml, const std::string& key_path, const std::string& item_yaml);

// `value` as it must be written to be read back as the same string: plain when
// possible, else double-quoted with escapes. `in_flow_collection` also quotes
// the flow indicators `,[]{}`.
std::string yaml_scalar_text(const std::string& value, bool in_flow_collection);

}  // namespace leptonsim
