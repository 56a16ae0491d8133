#include "ScenarioTextEdit.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace leptonsim {
namespace {

// ---------------------------------------------------------------------------
// Key paths

struct PathStep {
  bool is_index = false;
  std::string key;        // map key (when !is_index)
  std::size_t index = 0;  // list index (when is_index)
};

[[noreturn]] void throw_bad_path(const std::string& key_path, const std::string& why) {
  throw std::invalid_argument(fmt::format("{}: {}", key_path.empty() ? "(empty key path)" : key_path, why));
}

std::vector<PathStep> parse_key_path(const std::string& key_path) {
  std::vector<PathStep> steps;
  std::size_t i = 0;
  bool needs_key = true;  // at the start and after a '.'
  if (key_path.empty()) throw_bad_path(key_path, "a key path is needed");
  while (i < key_path.size()) {
    if (key_path[i] == '[') {
      if (steps.empty() || (needs_key && i > 0)) throw_bad_path(key_path, "a list index must follow a key");
      const std::size_t close = key_path.find(']', i);
      if (close == std::string::npos || close == i + 1) throw_bad_path(key_path, "expected `[index]`");
      const std::string digits = key_path.substr(i + 1, close - i - 1);
      if (digits.find_first_not_of("0123456789") != std::string::npos)
        throw_bad_path(key_path, fmt::format("`{}` is not a list index", digits));
      steps.push_back({true, {}, static_cast<std::size_t>(std::strtoull(digits.c_str(), nullptr, 10))});
      i = close + 1;
      needs_key = false;
    } else if (key_path[i] == '.') {
      if (needs_key) throw_bad_path(key_path, "empty key");
      needs_key = true;
      ++i;
    } else {
      if (!needs_key) throw_bad_path(key_path, "expected `.` or `[` after a list index");
      const std::size_t end = std::min(key_path.find_first_of(".[", i), key_path.size());
      steps.push_back({false, key_path.substr(i, end - i), 0});
      i = end;
      needs_key = false;
    }
  }
  if (needs_key) throw_bad_path(key_path, "empty key");
  return steps;
}

// The first `count` steps written as a key path ("services[0]").
std::string render_path(const std::vector<PathStep>& steps, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count && i < steps.size(); ++i) {
    if (steps[i].is_index) {
      out += fmt::format("[{}]", steps[i].index);
    } else {
      if (!out.empty()) out += '.';
      out += steps[i].key;
    }
  }
  return out.empty() ? "the document" : fmt::format("`{}`", out);
}

std::string describe_node(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsScalar()) return fmt::format("a scalar (`{}`)", node.Scalar());
  return "empty";
}

// ---------------------------------------------------------------------------
// Walking the parsed tree

struct Resolved {
  std::vector<YAML::Node> nodes;  // nodes[0] = the document; nodes[i + 1] = the value reached by step i
  std::vector<YAML::Node> keys;   // keys[i] = the key node of step i (an undefined node for list steps)
  std::vector<bool> in_flow;      // in_flow[i]: nodes[i] is written inside a flow collection
  std::size_t found = 0;          // steps found; less than the step count when a map key is missing

  const YAML::Node& last() const { return nodes.back(); }
  bool last_in_flow() const { return in_flow.back(); }
};

Resolved resolve(const YAML::Node& root, const std::vector<PathStep>& steps, const std::string& key_path) {
  Resolved resolved;
  resolved.nodes.push_back(root);
  resolved.in_flow.push_back(false);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const YAML::Node current = resolved.nodes.back();
    const bool child_in_flow = resolved.in_flow.back() || current.Style() == YAML::EmitterStyle::Flow;
    const PathStep& step = steps[i];
    if (!step.is_index) {
      if (current.IsNull()) break;  // an empty value: the key is missing
      if (!current.IsMap())
        throw_bad_path(key_path, fmt::format("{} is {}, not a map", render_path(steps, i), describe_node(current)));
      bool is_found = false;
      for (auto it = current.begin(); it != current.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == step.key) {
          resolved.keys.push_back(it->first);
          resolved.nodes.push_back(it->second);
          is_found = true;
          break;
        }
      }
      if (!is_found) break;
    } else {
      if (!current.IsSequence())
        throw_bad_path(key_path, fmt::format("{} is {}, not a list", render_path(steps, i), describe_node(current)));
      if (step.index >= current.size())
        throw_bad_path(key_path, fmt::format("index {} is out of range: {} has {} item{}", step.index,
                                             render_path(steps, i), current.size(), current.size() == 1 ? "" : "s"));
      resolved.keys.emplace_back();
      resolved.nodes.push_back(current[step.index]);
    }
    resolved.in_flow.push_back(child_in_flow);
    ++resolved.found;
  }
  return resolved;
}

// ---------------------------------------------------------------------------
// The source text: positions of marks, lines, and where a value's characters end

class SourceText {
public:
  explicit SourceText(const std::string& text)
      : text_(text), bom_(text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0),
        newline_(text.find("\r\n") != std::string::npos ? "\r\n" : "\n") {}

  const std::string& str() const { return text_; }
  std::size_t size() const { return text_.size(); }
  char at(std::size_t pos) const { return pos < text_.size() ? text_[pos] : '\0'; }
  const std::string& newline() const { return newline_; }

  // yaml-cpp's marks are byte offsets that do not count a UTF-8 byte order mark.
  std::size_t pos(const YAML::Node& node) const { return static_cast<std::size_t>(node.Mark().pos) + bom_; }

  std::size_t line_start(std::size_t pos) const {
    while (pos > bom_ && text_[pos - 1] != '\n') --pos;
    return pos;
  }
  // End of the line's content (before "\n" or "\r\n").
  std::size_t line_end(std::size_t pos) const {
    std::size_t end = text_.find('\n', pos);
    if (end == std::string::npos) return text_.size();
    if (end > pos && text_[end - 1] == '\r') --end;
    return end;
  }
  // Start of the next line, or the end of the text.
  std::size_t next_line_start(std::size_t pos) const {
    const std::size_t end = text_.find('\n', pos);
    return end == std::string::npos ? text_.size() : end + 1;
  }
  std::size_t column(std::size_t pos) const { return pos - line_start(pos); }
  std::size_t indentation(std::size_t line_start_pos) const {
    std::size_t i = line_start_pos;
    while (i < text_.size() && text_[i] == ' ') ++i;
    return i - line_start_pos;
  }
  bool is_blank_line(std::size_t line_start_pos) const {
    for (std::size_t i = line_start_pos; i < line_end(line_start_pos); ++i)
      if (text_[i] != ' ' && text_[i] != '\t') return false;
    return true;
  }
  bool is_comment_line(std::size_t line_start_pos) const {
    const std::size_t first = line_start_pos + indentation(line_start_pos);
    return at(first) == '#';
  }
  bool is_document_marker(std::size_t line_start_pos) const {
    return text_.compare(line_start_pos, 3, "---") == 0 || text_.compare(line_start_pos, 3, "...") == 0;
  }

  // End of a quoted scalar starting with its quote at `start`.
  std::size_t quoted_end(std::size_t start) const {
    const char quote = text_[start];
    std::size_t i = start + 1;
    while (i < text_.size()) {
      if (quote == '"' && text_[i] == '\\') {
        i += 2;
        continue;
      }
      if (text_[i] == quote) {
        if (quote == '\'' && at(i + 1) == '\'') {
          i += 2;
          continue;
        }
        return i + 1;
      }
      ++i;
    }
    return text_.size();
  }
  // End of a one-line plain scalar (a key or a value) starting at `start`,
  // without trailing blanks: it stops before a comment, the line end, a `: `
  // and, in a flow collection, before `,`, `]`, `}`.
  std::size_t plain_end(std::size_t start, bool in_flow) const {
    std::size_t end = start;
    for (std::size_t i = start; i < text_.size(); ++i) {
      const char c = text_[i];
      if (c == '\n' || c == '\r') break;
      if (c == '#' && i > start && (text_[i - 1] == ' ' || text_[i - 1] == '\t')) break;
      if (in_flow && (c == ',' || c == ']' || c == '}')) break;
      if (c == ':') {
        const char next = at(i + 1);
        if (next == ' ' || next == '\t' || next == '\r' || next == '\n' || next == '\0') break;
        if (in_flow && (next == ',' || next == ']' || next == '}')) break;
      }
      if (c != ' ' && c != '\t') end = i + 1;
    }
    return end;
  }
  std::size_t scalar_end(std::size_t start, bool in_flow) const {
    const char c = at(start);
    return c == '"' || c == '\'' ? quoted_end(start) : plain_end(start, in_flow);
  }
  // End (after the closing bracket) of the flow collection opening at `start`.
  std::size_t flow_collection_end(std::size_t start) const {
    int depth = 0;
    for (std::size_t i = start; i < text_.size(); ++i) {
      const char c = text_[i];
      if (c == '"' || c == '\'') {
        i = quoted_end(i) - 1;
      } else if (c == '#' && i > 0 && (text_[i - 1] == ' ' || text_[i - 1] == '\t')) {
        i = line_end(i);
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
    }
    return text_.size();
  }
  // The `:` after the key starting at `key_start`.
  std::size_t colon_after_key(std::size_t key_start, bool in_flow, const std::string& key_path) const {
    std::size_t i = scalar_end(key_start, in_flow);
    while (at(i) == ' ' || at(i) == '\t') ++i;
    if (at(i) != ':') throw_bad_path(key_path, "cannot find the `:` after a key (complex keys are not supported)");
    return i;
  }
  // The explicit value after a key's colon: [start, end), or start == end when
  // there is none (an empty value).
  std::pair<std::size_t, std::size_t> value_after_colon(std::size_t colon, bool in_flow) const {
    std::size_t start = colon + 1;
    while (at(start) == ' ' || at(start) == '\t') ++start;
    const char c = at(start);
    if (c == '\0' || c == '\n' || c == '\r' || c == '#' || (in_flow && (c == ',' || c == '}' || c == ']')))
      return {colon + 1, colon + 1};
    if (c == '{' || c == '[') return {start, flow_collection_end(start)};
    return {start, scalar_end(start, in_flow)};
  }

  // The last line of a block that starts on the line holding `first_pos`: the
  // following lines indented at least `min_indent` (comment lines included,
  // blank lines skipped), and lines at `dash_indent` that start with `- ` (the
  // items of a list; std::string::npos = none).
  std::size_t last_line_of_block(std::size_t first_pos, std::size_t min_indent, std::size_t dash_indent) const {
    std::size_t last = line_start(first_pos);
    for (std::size_t line = next_line_start(first_pos); line < text_.size(); line = next_line_start(line)) {
      if (is_blank_line(line)) continue;
      const std::size_t indent = indentation(line);
      if (indent == 0 && is_document_marker(line)) break;
      const std::size_t first = line + indent;
      const bool is_dash = at(first) == '-' && (first + 1 >= line_end(line) || at(first + 1) == ' ');
      if (indent >= min_indent || (indent == dash_indent && is_dash)) {
        last = line;
        continue;
      }
      break;
    }
    return last;
  }

private:
  const std::string& text_;
  std::size_t bom_;
  std::string newline_;
};

std::string splice(const std::string& text, std::size_t begin, std::size_t end, const std::string& insert) {
  return text.substr(0, begin) + insert + text.substr(end);
}

// Inserts `lines` (each ending with a newline) after the line holding `pos`.
std::string insert_after_line(const SourceText& source, std::size_t pos, const std::string& lines) {
  const std::size_t at = source.next_line_start(pos);
  const std::string& text = source.str();
  if (at == text.size() && !text.empty() && text.back() != '\n') return text + source.newline() + lines;
  return splice(text, at, at, lines);
}

// The indentation step of the document: how much deeper a nested block map's
// keys are than their parent key (2 when nothing tells).
std::size_t detect_indent_step(const SourceText& source, const YAML::Node& node) {
  if (node.IsMap() && node.Style() != YAML::EmitterStyle::Flow) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node value = it->second;
      if (value.IsMap() && value.Style() != YAML::EmitterStyle::Flow && value.size() > 0) {
        const std::size_t parent = source.column(source.pos(it->first));
        const std::size_t child = source.column(source.pos(value.begin()->first));
        if (child > parent) return child - parent;
      }
      if (const std::size_t step = detect_indent_step(source, value); step != 0) return step;
    }
  } else if (node.IsSequence() && node.Style() != YAML::EmitterStyle::Flow) {
    for (const auto& item : node)
      if (const std::size_t step = detect_indent_step(source, item); step != 0) return step;
  }
  return 0;
}

std::size_t indent_step(const SourceText& source, const YAML::Node& root) {
  const std::size_t step = detect_indent_step(source, root);
  return step == 0 ? 2 : step;
}

// ---------------------------------------------------------------------------
// Writing scalars

bool is_plain_safe(const std::string& value, bool in_flow) {
  if (value.empty()) return false;
  if (value == "~" || value == "null" || value == "Null" || value == "NULL") return false;
  const char first = value.front();
  const char last = value.back();
  if (first == ' ' || first == '\t' || last == ' ' || last == '\t' || last == ':') return false;
  for (const char c : value)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  if (std::string_view("[]{},#&*!|>'\"%@`").find(first) != std::string_view::npos) return false;
  if ((first == '-' || first == '?' || first == ':') && (value.size() == 1 || value[1] == ' ')) return false;
  if (value.find(": ") != std::string::npos || value.find(" #") != std::string::npos) return false;
  if (value.find(":\t") != std::string::npos || value.find("\t#") != std::string::npos) return false;
  if (value.rfind("---", 0) == 0 || value.rfind("...", 0) == 0) return false;
  if (in_flow && value.find_first_of(",[]{}") != std::string::npos) return false;
  return true;
}

std::string double_quoted(const std::string& value) {
  std::string out = "\"";
  for (const char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
          out += fmt::format("\\x{:02x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        else
          out += c;
    }
  }
  return out + "\"";
}

bool has_control_characters(const std::string& value) {
  for (const char c : value)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  return false;
}

std::string single_quoted(const std::string& value) {
  std::string out = "'";
  for (const char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// How a new value is written: in the quote style of the value it replaces
// (`original_quote`: '"', '\'' or 0 for plain), plain when YAML allows it.
std::string render_scalar(const std::string& value, bool in_flow, char original_quote, bool force_quotes) {
  if (original_quote == '\'' && !has_control_characters(value)) return single_quoted(value);
  if (original_quote == '"' || force_quotes) return double_quoted(value);
  return yaml_scalar_text(value, in_flow);
}

// What goes at the end of a key path being created: a scalar, or a list with one item.
struct Leaf {
  bool is_list_item = false;
  std::string text;           // the scalar value, or the item's YAML text
  bool force_quotes = false;  // scalar only

  std::string render_value(bool in_flow) const {
    return is_list_item ? "[" + text + "]" : render_scalar(text, in_flow, 0, force_quotes);
  }
};

// `k1: {k2: {k3: value}}`
std::string render_flow_entry(const std::vector<std::string>& keys, std::size_t first, const Leaf& leaf) {
  if (first + 1 == keys.size()) return keys[first] + ": " + leaf.render_value(true);
  return keys[first] + ": {" + render_flow_entry(keys, first + 1, leaf) + "}";
}

// k1:
//   k2: value          (or k2:\n    - item)
std::string render_block_entry(const std::vector<std::string>& keys, const Leaf& leaf, std::size_t column,
                               std::size_t step, const std::string& newline) {
  std::string out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::size_t indent = column + i * step;
    out += std::string(indent, ' ') + keys[i] + ":";
    if (i + 1 < keys.size()) {
      out += newline;
    } else if (leaf.is_list_item) {
      out += newline + std::string(indent + step, ' ') + "- " + leaf.text + newline;
    } else {
      out += " " + leaf.render_value(false) + newline;
    }
  }
  return out;
}

// Inserts `text` before the closing bracket of the flow collection opening at
// `open`, after a ", " when the collection is not empty.
std::string insert_into_flow_collection(const SourceText& source, std::size_t open, const std::string& text) {
  const std::size_t close = source.flow_collection_end(open) - 1;
  std::size_t end = close;
  while (end > open + 1 && (source.at(end - 1) == ' ' || source.at(end - 1) == '\t' || source.at(end - 1) == '\n' ||
                            source.at(end - 1) == '\r'))
    --end;
  const bool is_empty = end == open + 1;
  return splice(source.str(), end, end, is_empty ? text : ", " + text);
}

// Adds the keys of `steps` not found by `resolved` (and the leaf) under the
// deepest node found, which is a map or an empty value.
std::string insert_missing(const SourceText& source, const YAML::Node& root, const Resolved& resolved,
                           const std::vector<PathStep>& steps, const std::string& key_path, const Leaf& leaf) {
  std::vector<std::string> keys;
  for (std::size_t i = resolved.found; i < steps.size(); ++i) {
    if (steps[i].is_index)
      throw_bad_path(key_path, fmt::format("list item {} does not exist (list items are not created)",
                                           render_path(steps, i + 1)));
    keys.push_back(steps[i].key);
  }
  const YAML::Node& parent = resolved.last();
  const std::string& text = source.str();
  const std::string& newline = source.newline();

  if (parent.IsMap() && parent.Style() == YAML::EmitterStyle::Flow)
    return insert_into_flow_collection(source, source.pos(parent), render_flow_entry(keys, 0, leaf));

  if (parent.IsMap()) {
    const std::size_t first_key = source.pos(parent.begin()->first);
    const std::size_t column = source.column(first_key);
    const std::size_t last_line = source.last_line_of_block(first_key, column, std::string::npos);
    return insert_after_line(source, last_line,
                             render_block_entry(keys, leaf, column, indent_step(source, root), newline));
  }

  // An empty value: the whole document, or the value of a key.
  if (resolved.found == 0) {
    std::string out = text;
    if (!out.empty() && out.back() != '\n') out += newline;
    return out + render_block_entry(keys, leaf, 0, indent_step(source, root), newline);
  }
  if (steps[resolved.found - 1].is_index)
    throw_bad_path(key_path, fmt::format("{} is an empty list item; give it a value in the text first",
                                         render_path(steps, resolved.found)));
  const std::size_t key_pos = source.pos(resolved.keys.back());
  const bool in_flow = resolved.last_in_flow();
  const std::size_t colon = source.colon_after_key(key_pos, in_flow, key_path);
  const auto [value_begin, value_end] = source.value_after_colon(colon, in_flow);
  const std::string flow_map = "{" + render_flow_entry(keys, 0, leaf) + "}";
  if (value_begin != value_end) return splice(text, value_begin, value_end, flow_map);  // `key: ~`
  if (in_flow) return splice(text, colon + 1, colon + 1, " " + flow_map);
  return insert_after_line(
      source, key_pos,
      render_block_entry(keys, leaf, source.column(key_pos) + indent_step(source, root), indent_step(source, root),
                         newline));
}

// Replaces the value found at the end of `resolved` by `rendered`.
std::string replace_value(const SourceText& source, const Resolved& resolved, const std::vector<PathStep>& steps,
                          const std::string& key_path, const std::string& value, bool force_quotes) {
  const YAML::Node& node = resolved.last();
  const bool in_flow = resolved.last_in_flow();
  const std::string& text = source.str();
  const bool has_key = !steps.back().is_index;

  if (node.IsScalar()) {
    const std::size_t start = source.pos(node);
    const char first = source.at(start);
    if (first == '|' || first == '>')
      throw_bad_path(key_path, "the value is a block scalar (`|` or `>`); edit it in the text");
    if (first == '&' || first == '!' || first == '*')
      throw_bad_path(key_path, "the value has an anchor, tag or alias; edit it in the text");
    const std::size_t end = source.scalar_end(start, in_flow);
    const bool is_quoted = first == '"' || first == '\'';
    if (!is_quoted && text.compare(start, end - start, node.Scalar()) != 0)
      throw_bad_path(key_path, "the value spans several lines; edit it in the text");
    return splice(text, start, end, render_scalar(value, in_flow, is_quoted ? first : 0, force_quotes));
  }

  if (node.IsNull()) {
    const std::string rendered = render_scalar(value, in_flow, 0, force_quotes);
    if (!has_key) {
      const std::size_t start = source.pos(node);
      const std::size_t end = source.scalar_end(start, in_flow);
      const std::string token = text.substr(start, end - start);
      if (token != "~" && token != "null" && token != "Null" && token != "NULL")
        throw_bad_path(key_path, "the list item is empty; give it a value in the text first");
      return splice(text, start, end, rendered);
    }
    const std::size_t colon = source.colon_after_key(source.pos(resolved.keys.back()), in_flow, key_path);
    const auto [value_begin, value_end] = source.value_after_colon(colon, in_flow);
    if (value_begin != value_end) return splice(text, value_begin, value_end, rendered);  // `~` or `null`
    // `key:` with nothing after it: put the value after the colon, before any comment.
    std::size_t after = colon + 1;
    while (source.at(after) == ' ' || source.at(after) == '\t') ++after;
    const bool has_comment = source.at(after) == '#';
    return splice(text, colon + 1, has_comment ? colon + 1 : after, " " + rendered + (has_comment ? " " : ""));
  }

  if (node.Style() == YAML::EmitterStyle::Flow) {
    const std::size_t start = source.pos(node);
    if (source.at(start) == '{' || source.at(start) == '[')
      return splice(text, start, source.flow_collection_end(start), render_scalar(value, in_flow, 0, force_quotes));
  }
  throw_bad_path(key_path, fmt::format("the value is {}, not a scalar", describe_node(node)));
}

std::string set_scalar_once(const std::string& yaml, const std::vector<PathStep>& steps, const std::string& key_path,
                            const std::string& value, bool force_quotes) {
  const YAML::Node root = YAML::Load(yaml);
  const SourceText source(yaml);
  const Resolved resolved = resolve(root, steps, key_path);
  if (resolved.found == steps.size()) return replace_value(source, resolved, steps, key_path, value, force_quotes);
  return insert_missing(source, root, resolved, steps, key_path, Leaf{false, value, force_quotes});
}

// The value at `steps` of a text that must parse (used to check edits).
std::optional<std::string> read_node(const YAML::Node& root, const std::vector<PathStep>& steps,
                                     const std::string& key_path) {
  const Resolved resolved = resolve(root, steps, key_path);
  if (resolved.found != steps.size() || !resolved.last().IsScalar()) return std::nullopt;
  return resolved.last().Scalar();
}

std::optional<std::string> read_back(const std::string& yaml, const std::vector<PathStep>& steps,
                                     const std::string& key_path) {
  return read_node(YAML::Load(yaml), steps, key_path);
}

[[noreturn]] void throw_edit_failed(const std::string& key_path, const std::string& what) {
  throw std::runtime_error(fmt::format("{}: {} did not give the expected YAML; edit the text by hand", key_path, what));
}

}  // namespace

// ---------------------------------------------------------------------------

std::string yaml_scalar_text(const std::string& value, bool in_flow_collection) {
  return is_plain_safe(value, in_flow_collection) ? value : double_quoted(value);
}

std::optional<std::string> read_scalar(const std::string& yaml, const std::string& key_path) {
  return read_back(yaml, parse_key_path(key_path), key_path);
}

std::optional<std::string> read_scalar(const YAML::Node& root, const std::string& key_path) {
  return read_node(root, parse_key_path(key_path), key_path);
}

std::string set_scalar(const std::string& yaml, const std::string& key_path, const std::string& value) {
  const std::vector<PathStep> steps = parse_key_path(key_path);
  // Plain text first; if it would not read back as `value` (a case the quoting
  // rules missed), quote it.
  for (const bool force_quotes : {false, true}) {
    std::string edited = set_scalar_once(yaml, steps, key_path, value, force_quotes);
    try {
      if (read_back(edited, steps, key_path) == value) return edited;
    } catch (const YAML::Exception&) {
      // try again with quotes
    }
  }
  throw_edit_failed(key_path, "setting the value");
}

std::string remove_key(const std::string& yaml, const std::string& key_path) {
  const std::vector<PathStep> steps = parse_key_path(key_path);
  if (steps.back().is_index) throw_bad_path(key_path, "remove_key removes map keys, not list items");
  const YAML::Node root = YAML::Load(yaml);
  const SourceText source(yaml);
  const Resolved resolved = resolve(root, steps, key_path);
  if (resolved.found != steps.size()) return yaml;

  const YAML::Node& parent = resolved.nodes[resolved.nodes.size() - 2];
  const YAML::Node& value = resolved.last();
  const std::size_t key_pos = source.pos(resolved.keys.back());
  const std::string& text = source.str();
  std::string edited;

  if (parent.Style() == YAML::EmitterStyle::Flow) {
    const std::size_t colon = source.colon_after_key(key_pos, true, key_path);
    const std::size_t entry_end = source.value_after_colon(colon, true).second;
    std::size_t after = entry_end;
    while (after < text.size() && std::string_view(" \t\r\n").find(text[after]) != std::string_view::npos) ++after;
    if (source.at(after) == ',') {
      ++after;
      while (source.at(after) == ' ' || source.at(after) == '\t') ++after;
      edited = splice(text, key_pos, after, "");
    } else {
      std::size_t before = key_pos;
      while (before > 0 && std::string_view(" \t\r\n").find(text[before - 1]) != std::string_view::npos) --before;
      edited = before > 0 && text[before - 1] == ','
                   ? splice(text, before - 1, entry_end, "")
                   : splice(text, key_pos, entry_end, "");
    }
  } else {
    const std::size_t column = source.column(key_pos);
    const bool is_block_list = value.IsSequence() && value.Style() != YAML::EmitterStyle::Flow;
    const std::size_t last_line = source.last_line_of_block(key_pos, column + 1, is_block_list ? column : std::string::npos);
    const std::size_t content_end = source.line_end(last_line);
    const std::size_t line_begin = source.line_start(key_pos);
    const bool is_alone_on_line = source.indentation(line_begin) == column;
    if (parent.size() == 1) {
      edited = splice(text, key_pos, content_end, "{}");
    } else if (is_alone_on_line) {
      edited = splice(text, line_begin, source.next_line_start(last_line), "");
    } else {
      // `- key: value` opening a list item: the next key moves up to its place.
      auto it = parent.begin();
      while (it != parent.end() && source.pos(it->first) != key_pos) ++it;
      if (it != parent.end()) ++it;
      if (it == parent.end()) throw_bad_path(key_path, "cannot remove this key in place; edit it in the text");
      edited = splice(text, key_pos, source.pos(it->first), "");
    }
  }
  try {
    const Resolved check = resolve(YAML::Load(edited), steps, key_path);
    if (check.found == steps.size()) throw_edit_failed(key_path, "removing the key");
  } catch (const YAML::Exception&) {
    throw_edit_failed(key_path, "removing the key");
  }
  return edited;
}

std::string append_list_item(const std::string& yaml, const std::string& key_path, const std::string& item_yaml) {
  const std::vector<PathStep> steps = parse_key_path(key_path);
  const YAML::Node root = YAML::Load(yaml);
  const SourceText source(yaml);
  const Resolved resolved = resolve(root, steps, key_path);
  const std::string& text = source.str();
  std::size_t old_size = 0;
  std::string edited;

  if (resolved.found != steps.size()) {
    edited = insert_missing(source, root, resolved, steps, key_path, Leaf{true, item_yaml, false});
  } else if (const YAML::Node& list = resolved.last(); list.IsSequence()) {
    old_size = list.size();
    const std::size_t start = source.pos(list);
    if (list.Style() == YAML::EmitterStyle::Flow) {
      edited = insert_into_flow_collection(source, start, item_yaml);
    } else {
      const std::size_t column = source.column(start);
      const std::size_t last_line = source.last_line_of_block(start, column + 1, column);
      edited = insert_after_line(source, last_line, std::string(column, ' ') + "- " + item_yaml + source.newline());
    }
  } else if (list.IsNull() && !steps.back().is_index) {
    const std::size_t key_pos = source.pos(resolved.keys.back());
    const bool in_flow = resolved.last_in_flow();
    const std::size_t colon = source.colon_after_key(key_pos, in_flow, key_path);
    const auto [value_begin, value_end] = source.value_after_colon(colon, in_flow);
    if (value_begin != value_end) {
      edited = splice(text, value_begin, value_end, "[" + item_yaml + "]");
    } else if (in_flow) {
      edited = splice(text, colon + 1, colon + 1, " [" + item_yaml + "]");
    } else {
      const std::size_t column = source.column(key_pos) + indent_step(source, root);
      edited = insert_after_line(source, key_pos, std::string(column, ' ') + "- " + item_yaml + source.newline());
    }
  } else {
    throw_bad_path(key_path, fmt::format("the value is {}, not a list", describe_node(list)));
  }
  try {
    const Resolved check = resolve(YAML::Load(edited), steps, key_path);
    if (check.found != steps.size() || !check.last().IsSequence() || check.last().size() != old_size + 1)
      throw_edit_failed(key_path, "appending the item");
  } catch (const YAML::Exception&) {
    throw_edit_failed(key_path, "appending the item");
  }
  return edited;
}

}  // namespace leptonsim
