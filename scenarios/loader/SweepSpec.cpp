#include "SweepSpec.hpp"
#include "YamlMessages.hpp"

#include "common/TextDistance.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <tuple>

namespace leptonsim {

namespace {

using yaml_messages::backticked;
using yaml_messages::node_kind;
using yaml_messages::suggestion_text;

namespace fs = std::filesystem;

constexpr const char* kAxisFileName = "--axis";
constexpr const char* kSeedsFileName = "--seeds";
// A range that would produce more values than this is a typo (a step far too small), not a sweep.
constexpr std::size_t kMaxAxisValues = 100000;

// ---------------------------------------------------------------------------
// Small helpers




std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// The whole text as a finite decimal number.
std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const char* begin = text.data();
  if (*begin == '+') ++begin;  // from_chars does not take a leading '+'
  double value = 0.0;
  const auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> parse_unsigned(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const char* begin = text.data();
  if (*begin == '+') ++begin;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> read_file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string absolute_path(const fs::path& path) {
  std::error_code error;
  fs::path absolute = fs::absolute(path, error);
  if (error) absolute = path;
  return absolute.lexically_normal().string();
}

// One FNV-1a 64 stream; fields are terminated so that ("ab", "c") and ("a", "bc") differ.
class Fnv1a64 {
public:
  void add(const std::string& field) {
    for (unsigned char c : field) mix(c);
    mix(0);
  }
  std::string hex() const { return fmt::format("{:016x}", hash_); }

private:
  void mix(unsigned char c) {
    hash_ ^= c;
    hash_ *= 0x100000001b3ULL;
  }
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// ---------------------------------------------------------------------------
// Problems

class Problems {
public:
  explicit Problems(std::string file) : file_(std::move(file)) {}

  void at(const YAML::Mark& mark, std::string key_path, std::string message) {
    add(file_, mark.is_null() ? 1 : mark.line + 1, mark.is_null() ? 1 : mark.column + 1, std::move(key_path),
        std::move(message));
  }
  void add(std::string file, int line, int column, std::string key_path, std::string message) {
    ScenarioIssue issue;
    issue.file = std::move(file);
    issue.line = line;
    issue.column = column;
    issue.key_path = std::move(key_path);
    issue.message = std::move(message);
    issues_.push_back(std::move(issue));
  }
  bool empty() const { return issues_.empty(); }
  void throw_if_any() {
    if (issues_.empty()) return;
    // By position within each file; files in the order their first problem was found.
    std::map<std::string, std::size_t> file_rank;
    for (const auto& issue : issues_) file_rank.emplace(issue.file, file_rank.size());
    std::stable_sort(issues_.begin(), issues_.end(), [&](const ScenarioIssue& a, const ScenarioIssue& b) {
      return std::tuple(file_rank[a.file], a.line, a.column) < std::tuple(file_rank[b.file], b.line, b.column);
    });
    throw ScenarioError(std::move(issues_));
  }

private:
  std::string file_;
  std::vector<ScenarioIssue> issues_;
};

// ---------------------------------------------------------------------------
// Axis values shared by the spec file and the command line

// A linear or geometric range as written; `step` and `count` as given (at most one).
struct RangeRequest {
  double from = 0.0;
  double to = 0.0;
  std::optional<double> step;
  std::optional<double> count;  // a number so that 2.5 can be reported rather than truncated
  bool log_scale = false;
};

// Which part of a range a problem is in, and what is wrong.
struct RangeProblem {
  std::string field;  // "from", "to", "step", "count"
  std::string message;
};

std::vector<RangeProblem> check_range(const RangeRequest& range) {
  std::vector<RangeProblem> problems;
  if (range.log_scale && range.from <= 0.0)
    problems.push_back({"from", fmt::format("a log range needs from > 0, got {}", format_sweep_number(range.from))});
  if (range.from > range.to)
    problems.push_back({"to", fmt::format("expected to >= from ({}), got {}", format_sweep_number(range.from),
                                          format_sweep_number(range.to))});
  if (range.step && *range.step <= 0.0)
    problems.push_back({"step", fmt::format("expected a step > 0, got {}", format_sweep_number(*range.step))});
  if (range.count && (*range.count < 1.0 || std::floor(*range.count) != *range.count))
    problems.push_back(
        {"count", fmt::format("expected a whole count >= 1, got {}", format_sweep_number(*range.count))});
  if (problems.empty() && range.step &&
      (range.to - range.from) / *range.step + 1.0 > static_cast<double>(kMaxAxisValues))
    problems.push_back({"step", fmt::format("the range would have more than {} values", kMaxAxisValues)});
  if (problems.empty() && range.count && *range.count > static_cast<double>(kMaxAxisValues))
    problems.push_back({"count", fmt::format("expected at most {} values", kMaxAxisValues)});
  return problems;
}

std::string format_axis_number(double value, bool integer, const std::string& unit) {
  return format_sweep_number(integer ? std::round(value) : value) + unit;
}

// Ascending grid values of a checked range with a step or count; values that
// coincide after rounding are listed once.
std::vector<std::string> range_values(const RangeRequest& range, bool integer, const std::string& unit) {
  std::vector<double> numbers;
  if (range.step) {
    // from + i * step rather than a running sum, so the error does not grow; the
    // tolerance keeps `to` when (to - from) / step is a whole number up to rounding.
    const double steps = std::floor((range.to - range.from) / *range.step + 1e-9);
    for (double i = 0; i <= steps; ++i) numbers.push_back(range.from + i * *range.step);
  } else if (range.count) {
    const auto count = static_cast<std::size_t>(*range.count);
    for (std::size_t i = 0; i < count; ++i) {
      if (count == 1) {
        numbers.push_back(range.from);
      } else if (i + 1 == count) {
        numbers.push_back(range.to);  // exactly, not from * (to/from)^1
      } else {
        const double fraction = static_cast<double>(i) / static_cast<double>(count - 1);
        numbers.push_back(range.log_scale ? range.from * std::pow(range.to / range.from, fraction)
                                          : range.from + fraction * (range.to - range.from));
      }
    }
  }
  std::vector<std::string> values;
  for (double number : numbers) {
    std::string text = format_axis_number(number, integer, unit);
    if (values.empty() || values.back() != text) values.push_back(std::move(text));
  }
  return values;
}

SweepAxis make_range_axis(std::string key, const RangeRequest& range, bool integer, std::string unit) {
  SweepAxis axis;
  axis.key = std::move(key);
  axis.from = range.from;
  axis.to = range.to;
  axis.log_scale = range.log_scale;
  axis.integer = integer;
  axis.unit = std::move(unit);
  axis.values = range_values(range, integer, axis.unit);
  return axis;
}

// Problems of the axis key itself (empty, `=`, seed) as messages.
std::optional<std::string> axis_key_problem(const std::string& key) {
  if (key.empty()) return std::string("expected a scenario key path, e.g. `services[0].replicas`");
  if (key.find('=') != std::string::npos) return fmt::format("a key path cannot contain `=`: `{}`", key);
  if (key == "seed") return std::string("seeds are not an axis: use `seeds:` (or --seeds)");
  return std::nullopt;
}

std::string override_key(const std::string& override_text) {
  return override_text.substr(0, override_text.find('='));
}

// The base scenario's `seed:` (1, as in the scenario loader, when absent).
std::uint64_t read_base_seed(const std::string& base_path, const std::string& base_text, Problems& problems) {
  YAML::Node root;
  try {
    root = YAML::Load(base_text);
  } catch (const YAML::Exception& error) {
    problems.add(base_path, error.mark.is_null() ? 0 : error.mark.line + 1,
                 error.mark.is_null() ? 0 : error.mark.column + 1, "",
                 fmt::format("the base scenario is not valid YAML: {}", error.msg));
    return 1;
  }
  if (!root.IsMap() || !root["seed"]) return 1;
  const YAML::Node seed = root["seed"];
  const auto value = seed.IsScalar() ? parse_unsigned(seed.Scalar()) : std::nullopt;
  if (!value) {
    problems.add(base_path, seed.Mark().line + 1, seed.Mark().column + 1, "seed",
                 fmt::format("expected a whole number >= 0, got {}", node_kind(seed)));
    return 1;
  }
  return *value;
}

// Checks the base scenario file and reads its seed; records problems with the base file.
std::uint64_t resolve_base(const std::string& base_path, const std::function<void(std::string)>& report_unreadable,
                           Problems& problems) {
  const auto text = read_file_text(base_path);
  if (!text) {
    report_unreadable(fmt::format("cannot read the base scenario `{}`: {}", base_path, std::strerror(errno)));
    return 1;
  }
  return read_base_seed(base_path, *text, problems);
}

// Applies `seed` from fixed overrides (they win over the base scenario's seed).
void apply_seed_override(const std::string& override_text, std::uint64_t& base_seed,
                         const std::function<void(std::string)>& report) {
  if (override_key(override_text) != "seed") return;
  const std::string value = trim(override_text.substr(override_text.find('=') + 1));
  if (const auto seed = parse_unsigned(value))
    base_seed = *seed;
  else
    report(fmt::format("expected a whole number >= 0 for `seed`, got `{}`", value));
}

// ---------------------------------------------------------------------------
// Spec file parser

const std::vector<std::string> kTopKeys = {"name",    "base",          "set",  "seeds", "max_seeds",
                                           "sampling", "samples", "sampling_seed", "axes"};
const std::vector<std::string> kAxisKeys = {"key", "values", "range", "log_range", "unit", "integer", "monotone"};
const std::vector<std::string> kSamplingNames = {"grid", "random", "latin_hypercube"};
const std::vector<std::string> kMonotoneNames = {"none", "increasing", "decreasing"};

class SpecParser {
public:
  SpecParser(const std::string& text, const std::string& file_name) : text_(text), file_(file_name), problems_(file_name) {}

  SweepSpec parse() {
    spec_.spec_path = file_;
    spec_.spec_text = text_;
    spec_.name = fs::path(file_).stem().string();
    YAML::Node root;
    try {
      root = YAML::Load(text_);
    } catch (const YAML::Exception& error) {
      problems_.at(error.mark, "", fmt::format("YAML syntax error: {}", error.msg));
      problems_.throw_if_any();
    }
    if (!root.IsMap()) {
      problems_.at(root.Mark(), "", "expected a sweep spec: a map with `base` and `axes`");
      problems_.throw_if_any();
    }
    std::map<std::string, YAML::Node> top;
    for (const auto& entry : root) {
      const std::string key = entry.first.Scalar();
      if (std::find(kTopKeys.begin(), kTopKeys.end(), key) == kTopKeys.end()) {
        problems_.at(entry.first.Mark(), key, "unknown key" + suggestion_text(key, kTopKeys, "keys"));
        continue;
      }
      top[key] = entry.second;
    }

    if (top.count("name")) {
      if (auto name = scalar(top["name"], "name", "a name"); name && !name->empty()) spec_.name = *name;
    }
    if (!top.count("base"))
      problems_.at(root.Mark(), "base", "missing: expected the path of the base scenario (relative to this file)");
    else
      parse_base(top["base"]);
    if (top.count("set")) parse_set(top["set"]);
    parse_sampling(top);
    parse_seeds(top);
    if (!top.count("axes"))
      problems_.at(root.Mark(), "axes", "missing: expected a list of axes (each with `key` and `values`, `range` or `log_range`)");
    else
      parse_axes(top["axes"]);
    problems_.throw_if_any();
    return spec_;
  }

private:
  std::optional<std::string> scalar(const YAML::Node& node, const std::string& path, const std::string& what) {
    if (!node.IsScalar()) {
      problems_.at(node.Mark(), path, fmt::format("expected {}, got {}", what, node_kind(node)));
      return std::nullopt;
    }
    return node.Scalar();
  }

  std::optional<std::uint64_t> whole_number(const YAML::Node& node, const std::string& path, std::uint64_t at_least) {
    const auto text = scalar(node, path, fmt::format("a whole number >= {}", at_least));
    if (!text) return std::nullopt;
    const auto value = parse_unsigned(*text);
    if (!value || *value < at_least) {
      problems_.at(node.Mark(), path, fmt::format("expected a whole number >= {}, got `{}`", at_least, *text));
      return std::nullopt;
    }
    return value;
  }

  std::optional<double> number(const YAML::Node& node, const std::string& path) {
    const auto text = scalar(node, path, "a number");
    if (!text) return std::nullopt;
    const auto value = parse_number(*text);
    if (!value) problems_.at(node.Mark(), path, fmt::format("expected a number, got `{}`", *text));
    return value;
  }

  std::optional<bool> boolean(const YAML::Node& node, const std::string& path) {
    const auto text = scalar(node, path, "true or false");
    if (!text) return std::nullopt;
    if (*text == "true") return true;
    if (*text == "false") return false;
    problems_.at(node.Mark(), path, fmt::format("expected true or false, got `{}`", *text));
    return std::nullopt;
  }

  std::optional<std::string> choice(const YAML::Node& node, const std::string& path,
                                    const std::vector<std::string>& choices) {
    const auto text = scalar(node, path, "one of " + backticked(choices));
    if (!text) return std::nullopt;
    if (std::find(choices.begin(), choices.end(), *text) != choices.end()) return text;
    problems_.at(node.Mark(), path, fmt::format("unknown value `{}`{}", *text, suggestion_text(*text, choices, "values")));
    return std::nullopt;
  }

  void parse_base(const YAML::Node& node) {
    const auto base = scalar(node, "base", "the path of the base scenario");
    if (!base) return;
    if (base->empty()) {
      problems_.at(node.Mark(), "base", "expected the path of the base scenario, got an empty text");
      return;
    }
    spec_.base_scenario = absolute_path(fs::path(file_).parent_path() / *base);
    base_seed_ = resolve_base(
        spec_.base_scenario, [&](std::string message) { problems_.at(node.Mark(), "base", std::move(message)); },
        problems_);
  }

  void parse_set(const YAML::Node& node) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      problems_.at(node.Mark(), "set", fmt::format("expected a map of key path -> value, got {}", node_kind(node)));
      return;
    }
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      const std::string path = "set." + key;
      if (auto problem = axis_key_problem(key); problem && key != "seed") {
        problems_.at(entry.first.Mark(), path, *problem);
        continue;
      }
      std::string value;
      if (entry.second.IsScalar()) {
        value = entry.second.Scalar();
      } else if (entry.second.IsNull()) {
        problems_.at(entry.second.Mark(), path, "expected a value");
        continue;
      } else {
        YAML::Emitter out;  // lists and maps are passed on as flow YAML, as --set reads them
        out << YAML::Flow << entry.second;
        value = out.c_str();
      }
      std::string text = key + "=" + value;
      apply_seed_override(text, base_seed_, [&](std::string message) {
        problems_.at(entry.second.Mark(), path, std::move(message));
      });
      set_marks_[key] = entry.first.Mark();
      spec_.fixed_overrides.push_back(std::move(text));
    }
  }

  void parse_sampling(std::map<std::string, YAML::Node>& top) {
    bool sampling_known = true;
    if (top.count("sampling")) {
      if (const auto name = choice(top["sampling"], "sampling", kSamplingNames)) {
        if (*name == "random") spec_.sampling = SweepSampling::random;
        if (*name == "latin_hypercube") spec_.sampling = SweepSampling::latin_hypercube;
      } else {
        sampling_known = false;  // reported; say nothing about `samples`
      }
    }
    const bool drawn = spec_.sampling != SweepSampling::grid;
    if (top.count("samples")) {
      if (!drawn && !sampling_known) {
      } else if (!drawn)
        problems_.at(top["samples"].Mark(), "samples",
                     "`samples` applies only to `sampling: random` or `sampling: latin_hypercube` (not to a grid)");
      else if (const auto samples = whole_number(top["samples"], "samples", 1))
        spec_.samples = static_cast<std::size_t>(*samples);
    } else if (drawn) {
      problems_.at(top["sampling"].Mark(), "samples", "missing: random and latin_hypercube sampling need `samples: N` (N >= 1)");
    }
    if (top.count("sampling_seed")) {
      if (const auto seed = whole_number(top["sampling_seed"], "sampling_seed", 0)) spec_.sampling_seed = *seed;
    }
  }

  void parse_seeds(std::map<std::string, YAML::Node>& top) {
    spec_.base_seed = base_seed_;
    spec_.seeds = {base_seed_};
    if (top.count("seeds")) {
      const YAML::Node node = top["seeds"];
      if (node.IsSequence()) {
        std::vector<std::uint64_t> seeds;
        std::set<std::uint64_t> seen;
        for (std::size_t i = 0; i < node.size(); ++i) {
          const std::string path = fmt::format("seeds[{}]", i);
          const auto seed = whole_number(node[i], path, 0);
          if (!seed) continue;
          if (!seen.insert(*seed).second)
            problems_.at(node[i].Mark(), path, fmt::format("seed {} is listed twice", *seed));
          seeds.push_back(*seed);
        }
        if (node.size() == 0)
          problems_.at(node.Mark(), "seeds", "expected at least one seed");
        else if (!seeds.empty())
          spec_.seeds = seeds;
      } else if (node.IsScalar()) {
        if (const auto count = whole_number(node, "seeds", 1)) {
          spec_.seeds.clear();
          for (std::uint64_t i = 0; i < *count; ++i) spec_.seeds.push_back(base_seed_ + i);
        }
      } else {
        problems_.at(node.Mark(), "seeds",
                     fmt::format("expected a number of seeds or a list of seeds, got {}", node_kind(node)));
      }
    }
    spec_.max_seeds = spec_.seeds.size();
    if (top.count("max_seeds")) {
      if (const auto max_seeds = whole_number(top["max_seeds"], "max_seeds", 1)) {
        if (*max_seeds < spec_.seeds.size())
          problems_.at(top["max_seeds"].Mark(), "max_seeds",
                       fmt::format("expected at least the number of seeds ({}), got {}", spec_.seeds.size(), *max_seeds));
        else
          spec_.max_seeds = static_cast<std::size_t>(*max_seeds);
      }
    }
  }

  void parse_axes(const YAML::Node& node) {
    if (!node.IsSequence()) {
      problems_.at(node.Mark(), "axes", fmt::format("expected a list of axes, got {}", node_kind(node)));
      return;
    }
    std::map<std::string, std::string> first_path_of_key;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string path = fmt::format("axes[{}]", i);
      auto axis = parse_axis(node[i], path);
      // Repeated and fixed keys are reported even when the axis has other problems.
      const YAML::Node key_node = node[i].IsMap() ? node[i]["key"] : YAML::Node();
      bool ok = axis.has_value();
      if (key_node && key_node.IsScalar() && !key_node.Scalar().empty()) {
        const std::string key = key_node.Scalar();
        if (const auto [it, inserted] = first_path_of_key.emplace(key, path); !inserted) {
          problems_.at(key_node.Mark(), path + ".key", fmt::format("`{}` is already an axis ({})", key, it->second));
          ok = false;
        } else if (set_marks_.count(key)) {
          problems_.at(key_node.Mark(), path + ".key",
                       fmt::format("`{}` is also fixed in `set:`; a key is either fixed or an axis", key));
          ok = false;
        }
      }
      if (ok) spec_.axes.push_back(std::move(*axis));
    }
  }

  std::optional<SweepAxis> parse_axis(const YAML::Node& node, const std::string& path) {
    if (!node.IsMap()) {
      problems_.at(node.Mark(), path,
                   fmt::format("expected an axis (a map with `key` and `values`, `range` or `log_range`), got {}",
                               node_kind(node)));
      return std::nullopt;
    }
    std::map<std::string, YAML::Node> fields;
    bool ok = true;
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      if (std::find(kAxisKeys.begin(), kAxisKeys.end(), key) == kAxisKeys.end()) {
        problems_.at(entry.first.Mark(), path + "." + key, "unknown key" + suggestion_text(key, kAxisKeys, "axis keys"));
        ok = false;
        continue;
      }
      fields[key] = entry.second;
    }

    std::string key;
    if (!fields.count("key")) {
      problems_.at(node.Mark(), path + ".key", "missing: expected the scenario key path to vary, e.g. `services[0].replicas`");
      ok = false;
    } else if (const auto text = scalar(fields["key"], path + ".key", "a scenario key path")) {
      key = *text;
      if (const auto problem = axis_key_problem(key)) {
        problems_.at(fields["key"].Mark(), path + ".key", *problem);
        ok = false;
      }
    } else {
      ok = false;
    }

    std::string unit;
    if (fields.count("unit")) {
      if (const auto text = scalar(fields["unit"], path + ".unit", "a unit suffix such as `/s`"))
        unit = *text;
      else
        ok = false;
    }
    bool integer = false;
    if (fields.count("integer")) {
      if (const auto value = boolean(fields["integer"], path + ".integer"))
        integer = *value;
      else
        ok = false;
    }
    AxisMonotone monotone = AxisMonotone::none;
    if (fields.count("monotone")) {
      if (const auto name = choice(fields["monotone"], path + ".monotone", kMonotoneNames)) {
        if (*name == "increasing") monotone = AxisMonotone::increasing;
        if (*name == "decreasing") monotone = AxisMonotone::decreasing;
      } else {
        ok = false;
      }
    }

    std::vector<std::string> sources;
    for (const char* source : {"values", "range", "log_range"})
      if (fields.count(source)) sources.push_back(source);
    if (sources.empty()) {
      problems_.at(node.Mark(), path, "expected one of `values`, `range` or `log_range`");
      return std::nullopt;
    }
    if (sources.size() > 1) {
      problems_.at(fields[sources[1]].Mark(), path + "." + sources[1],
                   fmt::format("an axis has one of `values`, `range` or `log_range`, this one has {}", backticked(sources)));
      return std::nullopt;
    }

    std::optional<SweepAxis> axis;
    bool numeric = true;
    if (sources[0] == "values")
      axis = parse_values(fields["values"], path + ".values", key, integer, unit, numeric);
    else
      axis = parse_range(fields[sources[0]], path + "." + sources[0], sources[0] == "log_range", key, integer, unit);
    if (!axis) return std::nullopt;
    if (monotone != AxisMonotone::none && !numeric) {
      problems_.at(fields["monotone"].Mark(), path + ".monotone",
                   "`monotone` needs a numeric axis (values that are all numbers, or a range)");
      ok = false;
    }
    axis->monotone = monotone;
    if (!ok) return std::nullopt;
    return axis;
  }

  std::optional<SweepAxis> parse_values(const YAML::Node& node, const std::string& path, const std::string& key,
                                        bool integer, const std::string& unit, bool& numeric) {
    if (!node.IsSequence()) {
      problems_.at(node.Mark(), path, fmt::format("expected a list of values, got {}", node_kind(node)));
      return std::nullopt;
    }
    if (node.size() == 0) {
      problems_.at(node.Mark(), path, "expected at least one value");
      return std::nullopt;
    }
    SweepAxis axis;
    axis.key = key;
    axis.integer = integer;
    axis.unit = unit;
    bool ok = true;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string item_path = fmt::format("{}[{}]", path, i);
      const auto text = scalar(node[i], item_path, "a value (a number or a word)");
      if (!text || text->empty()) {
        if (text) problems_.at(node[i].Mark(), item_path, "expected a value, got an empty text");
        ok = false;
        continue;
      }
      const auto value = parse_number(*text);
      if (!value) numeric = false;
      if (integer && !value) {
        problems_.at(node[i].Mark(), item_path, fmt::format("`integer: true` needs numbers, got `{}`", *text));
        ok = false;
        continue;
      }
      std::string value_text = (integer ? format_sweep_number(std::round(*value)) : *text) + unit;
      if (!seen.insert(value_text).second) {
        problems_.at(node[i].Mark(), item_path, fmt::format("`{}` is listed twice", value_text));
        ok = false;
        continue;
      }
      axis.values.push_back(std::move(value_text));
    }
    if (!ok) return std::nullopt;
    return axis;
  }

  std::optional<SweepAxis> parse_range(const YAML::Node& node, const std::string& path, bool log_scale,
                                       const std::string& key, bool integer, const std::string& unit) {
    const std::string example = log_scale ? "{from: 1, to: 64, count: 7}" : "{from: 20, to: 80, step: 20}";
    if (!node.IsMap()) {
      problems_.at(node.Mark(), path, fmt::format("expected a map such as {}, got {}", example, node_kind(node)));
      return std::nullopt;
    }
    const std::vector<std::string> range_keys =
        log_scale ? std::vector<std::string>{"from", "to", "count"} : std::vector<std::string>{"from", "to", "step", "count"};
    std::map<std::string, YAML::Node> fields;
    bool ok = true;
    for (const auto& entry : node) {
      const std::string field = entry.first.Scalar();
      if (std::find(range_keys.begin(), range_keys.end(), field) == range_keys.end()) {
        problems_.at(entry.first.Mark(), path + "." + field, "unknown key" + suggestion_text(field, range_keys, "keys"));
        ok = false;
        continue;
      }
      fields[field] = entry.second;
    }
    RangeRequest range;
    range.log_scale = log_scale;
    for (const char* bound : {"from", "to"}) {
      if (!fields.count(bound)) {
        problems_.at(node.Mark(), path + "." + bound, fmt::format("missing: expected a number, e.g. {}", example));
        ok = false;
      } else if (const auto value = number(fields[bound], path + "." + bound)) {
        (std::string(bound) == "from" ? range.from : range.to) = *value;
      } else {
        ok = false;
      }
    }
    for (const char* size : {"step", "count"}) {
      if (!fields.count(size)) continue;
      if (const auto value = number(fields[size], path + "." + size))
        (std::string(size) == "step" ? range.step : range.count) = *value;
      else
        ok = false;
    }
    if (fields.count("step") && fields.count("count")) {
      problems_.at(fields["count"].Mark(), path + ".count", "give either `step` or `count`, not both");
      ok = false;
    }
    if (!ok) return std::nullopt;
    for (const RangeProblem& problem : check_range(range)) {
      problems_.at(fields[problem.field].Mark(), path + "." + problem.field, problem.message);
      ok = false;
    }
    if (ok && spec_.sampling == SweepSampling::grid && !range.step && !range.count) {
      problems_.at(node.Mark(), path,
                   log_scale ? "a grid over a log range needs `count` (or use random / latin_hypercube sampling)"
                             : "a grid over a range needs `step` or `count` (or use random / latin_hypercube sampling)");
      ok = false;
    }
    if (!ok) return std::nullopt;
    return make_range_axis(key, range, integer, unit);
  }

  const std::string& text_;
  std::string file_;
  Problems problems_;
  SweepSpec spec_;
  std::uint64_t base_seed_ = 1;
  std::map<std::string, YAML::Mark> set_marks_;
};

// ---------------------------------------------------------------------------
// Command-line axes

// Splits on `separator`, remembering where each part starts (0-based).
std::vector<std::pair<std::string, std::size_t>> split_with_offsets(const std::string& text, char separator,
                                                                    std::size_t base_offset) {
  std::vector<std::pair<std::string, std::size_t>> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start),
                       base_offset + start);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return parts;
}

std::optional<SweepAxis> parse_axis_argument(const std::string& argument, int number, Problems& problems) {
  const auto report = [&](std::size_t offset, const std::string& key, std::string message) {
    problems.add(kAxisFileName, number, static_cast<int>(offset) + 1, key, std::move(message));
  };
  const auto equals = argument.find('=');
  if (equals == std::string::npos) {
    report(0, "", fmt::format("expected `key=v1,v2,...`, `key=range:FROM:TO:STEP` or `key=log:FROM:TO:COUNT`, got `{}`",
                              argument));
    return std::nullopt;
  }
  const std::string key = trim(argument.substr(0, equals));
  if (const auto problem = axis_key_problem(key)) {
    report(0, key, *problem);
    return std::nullopt;
  }
  const std::string body = argument.substr(equals + 1);
  const std::size_t body_offset = equals + 1;

  const bool is_range = body.rfind("range:", 0) == 0;
  const bool is_log = body.rfind("log:", 0) == 0;
  if (is_range || is_log) {
    const auto parts = split_with_offsets(body, ':', body_offset);
    const char* size_name = is_log ? "COUNT" : "STEP";
    if (parts.size() < 4) {
      report(body_offset, key, fmt::format("expected `{}:FROM:TO:{}[:int][:UNIT]`", is_log ? "log" : "range", size_name));
      return std::nullopt;
    }
    RangeRequest range;
    range.log_scale = is_log;
    bool ok = true;
    const auto read = [&](std::size_t index, const char* what) -> double {
      const auto value = parse_number(trim(parts[index].first));
      if (!value) {
        report(parts[index].second, key, fmt::format("expected a number for {}, got `{}`", what, parts[index].first));
        ok = false;
        return 0.0;
      }
      return *value;
    };
    range.from = read(1, "FROM");
    range.to = read(2, "TO");
    const double size = read(3, size_name);
    (is_log ? range.count : range.step) = size;
    bool integer = false;
    std::string unit;
    for (std::size_t i = 4; i < parts.size(); ++i) {
      if (parts[i].first == "int")
        integer = true;
      else if (!parts[i].first.empty() && unit.empty())
        unit = parts[i].first;
      else {
        report(parts[i].second, key, fmt::format("expected `int` or one unit suffix, got `{}`", parts[i].first));
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    for (const RangeProblem& problem : check_range(range)) {
      const std::size_t index = problem.field == "from" ? 1 : problem.field == "to" ? 2 : 3;
      report(parts[index].second, key, problem.message);
      ok = false;
    }
    if (!ok) return std::nullopt;
    return make_range_axis(key, range, integer, unit);
  }

  // A list of values, optionally in brackets.
  std::string list = body;
  std::size_t list_offset = body_offset;
  const std::string trimmed = trim(list);
  if (!trimmed.empty() && trimmed.front() == '[' && trimmed.back() == ']') {
    list_offset += list.find('[') + 1;
    list = trimmed.substr(1, trimmed.size() - 2);
  }
  SweepAxis axis;
  axis.key = key;
  bool ok = true;
  std::set<std::string> seen;
  for (const auto& [part, offset] : split_with_offsets(list, ',', list_offset)) {
    const std::string value = trim(part);
    if (value.empty()) {
      report(offset, key, "expected a value between the commas, got nothing");
      ok = false;
    } else if (!seen.insert(value).second) {
      report(offset, key, fmt::format("`{}` is listed twice", value));
      ok = false;
    } else {
      axis.values.push_back(value);
    }
  }
  if (!ok) return std::nullopt;
  return axis;
}

// A spec file equivalent of a command-line sweep, stored with the results.
std::string command_line_spec_text(const SweepSpec& spec, const std::vector<std::string>& axis_args) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << spec.name;
  out << YAML::Key << "base" << YAML::Value << spec.base_scenario;
  if (!spec.fixed_overrides.empty()) {
    out << YAML::Key << "set" << YAML::Value << YAML::BeginMap;
    for (const std::string& text : spec.fixed_overrides) {
      const auto equals = text.find('=');
      out << YAML::Key << text.substr(0, equals) << YAML::Value
          << (equals == std::string::npos ? std::string() : text.substr(equals + 1));
    }
    out << YAML::EndMap;
  }
  out << YAML::Key << "seeds" << YAML::Value << YAML::Flow << spec.seeds;
  out << YAML::Key << "axes" << YAML::Value << YAML::BeginSeq;
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    out << YAML::BeginMap;
    out << YAML::Key << "key" << YAML::Value << spec.axes[i].key;
    out << YAML::Key << "values" << YAML::Value << YAML::Flow << spec.axes[i].values;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::EndMap;
  std::string text = "# leptonsim sweep, axes from the command line:\n";
  for (const std::string& argument : axis_args) text += "#   --axis '" + argument + "'\n";
  return text + out.c_str() + "\n";
}

// ---------------------------------------------------------------------------
// Sampling

// A uniform number in [0, 1) from the top 53 bits: the same with every
// standard library, unlike std::uniform_real_distribution.
double unit_interval(std::mt19937_64& generator) {
  return static_cast<double>(generator() >> 11) * 0x1.0p-53;
}

std::size_t index_below(std::mt19937_64& generator, std::size_t n) {
  return std::min(n - 1, static_cast<std::size_t>(unit_interval(generator) * static_cast<double>(n)));
}

// The value of `axis` at position u in [0, 1) along it.
std::string value_at(const SweepAxis& axis, double u) {
  if (!axis.is_continuous()) return axis.values[std::min(axis.values.size() - 1, static_cast<std::size_t>(u * static_cast<double>(axis.values.size())))];
  const double from = *axis.from, to = *axis.to;
  const double value = axis.log_scale ? std::exp(std::log(from) + u * (std::log(to) - std::log(from)))
                                      : from + u * (to - from);
  // Six significant digits keep labels readable; a run cannot tell 49.1136 from 49.11358.
  double shown = std::clamp(value, from, to);
  if (const auto rounded = parse_number(fmt::format("{:.6g}", shown))) shown = *rounded;
  return format_axis_number(shown, axis.integer, axis.unit);
}

// One value text per axis for each of `samples` draws.
std::vector<std::vector<std::string>> draw_samples(const SweepSpec& spec) {
  std::mt19937_64 generator(spec.sampling_seed);
  const std::size_t n = spec.samples;
  std::vector<std::vector<std::string>> draws(n, std::vector<std::string>(spec.axes.size()));
  if (spec.sampling == SweepSampling::random) {
    for (std::size_t k = 0; k < n; ++k)
      for (std::size_t a = 0; a < spec.axes.size(); ++a) draws[k][a] = value_at(spec.axes[a], unit_interval(generator));
    return draws;
  }
  // Latin hypercube: per axis, a random permutation assigns stratum perm[k] to draw k.
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    const SweepAxis& axis = spec.axes[a];
    std::vector<std::size_t> strata(n);
    for (std::size_t k = 0; k < n; ++k) strata[k] = k;
    for (std::size_t i = n; i > 1; --i) std::swap(strata[i - 1], strata[index_below(generator, i)]);
    for (std::size_t k = 0; k < n; ++k) {
      if (axis.is_continuous()) {
        const double u = (static_cast<double>(strata[k]) + unit_interval(generator)) / static_cast<double>(n);
        draws[k][a] = value_at(axis, std::min(u, std::nextafter(1.0, 0.0)));
      } else {
        draws[k][a] = axis.values[strata[k] * axis.values.size() / n];  // values share the strata evenly
      }
    }
  }
  return draws;
}

}  // namespace

// ---------------------------------------------------------------------------
// Public functions

std::string format_sweep_number(double value) {
  if (!std::isfinite(value)) return fmt::format("{}", value);
  double cleaned = value;
  if (const auto reread = parse_number(fmt::format("{:.12g}", value))) cleaned = *reread;
  if (cleaned == 0.0) cleaned = 0.0;  // no "-0"
  return fmt::format("{}", cleaned);
}

std::vector<std::string> SweepPointSpec::overrides() const {
  std::vector<std::string> out;
  out.reserve(assignments.size());
  for (const auto& [key, value] : assignments) out.push_back(key + "=" + value);
  return out;
}

std::string SweepPointSpec::label() const {
  std::string out;
  for (const auto& [key, value] : assignments) {
    if (!out.empty()) out += ", ";
    out += key + "=" + value;
  }
  return out;
}

SweepSpec sweep_spec_from_text(const std::string& yaml_text, const std::string& file_name) {
  return SpecParser(yaml_text, file_name).parse();
}

SweepSpec load_sweep_spec(const std::string& path) {
  const auto text = read_file_text(path);
  if (!text) {
    ScenarioIssue issue;
    issue.file = path;
    issue.message = fmt::format("cannot read the sweep spec: {}", std::strerror(errno));
    throw ScenarioError({issue});
  }
  return sweep_spec_from_text(*text, path);
}

SweepSpec sweep_spec_from_command_line(const std::string& base_scenario, const std::vector<std::string>& axis_args,
                                       std::size_t seeds, const std::vector<std::string>& fixed_overrides) {
  Problems problems(kAxisFileName);
  SweepSpec spec;
  spec.spec_path = kAxisFileName;
  spec.name = fs::path(base_scenario).stem().string();
  spec.base_scenario = absolute_path(base_scenario);
  spec.fixed_overrides = fixed_overrides;
  std::uint64_t base_seed = resolve_base(
      spec.base_scenario, [&](std::string message) { problems.add(base_scenario, 0, 0, "", std::move(message)); },
      problems);
  std::set<std::string> fixed_keys;
  for (std::size_t i = 0; i < fixed_overrides.size(); ++i) {
    fixed_keys.insert(trim(override_key(fixed_overrides[i])));
    apply_seed_override(fixed_overrides[i], base_seed, [&](std::string message) {
      problems.add("--set", static_cast<int>(i) + 1, 0, "seed", std::move(message));
    });
  }
  if (seeds < 1) problems.add(kSeedsFileName, 0, 0, "", "expected at least 1 seed");
  spec.base_seed = base_seed;
  for (std::uint64_t i = 0; i < std::max<std::size_t>(seeds, 1); ++i) spec.seeds.push_back(base_seed + i);
  spec.max_seeds = spec.seeds.size();

  std::set<std::string> axis_keys;
  for (std::size_t i = 0; i < axis_args.size(); ++i) {
    const int number = static_cast<int>(i) + 1;
    auto axis = parse_axis_argument(axis_args[i], number, problems);
    if (!axis) continue;
    if (!axis_keys.insert(axis->key).second) {
      problems.add(kAxisFileName, number, 1, axis->key, fmt::format("`{}` is already an axis", axis->key));
      continue;
    }
    if (fixed_keys.count(axis->key)) {
      problems.add(kAxisFileName, number, 1, axis->key,
                   fmt::format("`{}` is also fixed by --set; a key is either fixed or an axis", axis->key));
      continue;
    }
    spec.axes.push_back(std::move(*axis));
  }
  problems.throw_if_any();
  spec.spec_text = command_line_spec_text(spec, axis_args);
  return spec;
}

bool is_sweep_spec_file(const std::string& path) {
  const auto text = read_file_text(path);
  if (!text) return false;
  try {
    const YAML::Node root = YAML::Load(*text);
    return root.IsMap() && root["base"] && root["axes"];
  } catch (const YAML::Exception&) {
    return false;
  }
}

std::vector<SweepPointSpec> expand_points(const SweepSpec& spec) {
  std::vector<SweepPointSpec> points;
  if (spec.sampling == SweepSampling::grid) {
    for (const SweepAxis& axis : spec.axes)
      if (axis.values.empty()) return points;  // a continuous axis has no grid (the parser rejects it)
    std::vector<std::size_t> index(spec.axes.size(), 0);
    while (true) {
      SweepPointSpec point;
      point.point_id = points.size();
      for (std::size_t a = 0; a < spec.axes.size(); ++a)
        point.assignments.emplace_back(spec.axes[a].key, spec.axes[a].values[index[a]]);
      points.push_back(std::move(point));
      // Odometer: the last axis turns fastest.
      std::size_t a = spec.axes.size();
      while (a > 0) {
        --a;
        if (++index[a] < spec.axes[a].values.size()) break;
        index[a] = 0;
        if (a == 0) return points;
      }
      if (spec.axes.empty()) return points;
    }
  }
  for (const SweepAxis& axis : spec.axes)
    if (!axis.is_continuous() && axis.values.empty()) return points;
  std::set<std::vector<std::string>> seen;
  for (auto& draw : draw_samples(spec)) {
    if (!seen.insert(draw).second) continue;
    SweepPointSpec point;
    point.point_id = points.size();
    for (std::size_t a = 0; a < spec.axes.size(); ++a) point.assignments.emplace_back(spec.axes[a].key, draw[a]);
    points.push_back(std::move(point));
  }
  return points;
}

std::vector<std::uint64_t> sweep_seeds(const SweepSpec& spec, std::size_t count) {
  std::vector<std::uint64_t> seeds(spec.seeds.begin(), spec.seeds.begin() + std::min(count, spec.seeds.size()));
  std::uint64_t next = spec.seeds.empty() ? spec.base_seed : *std::max_element(spec.seeds.begin(), spec.seeds.end()) + 1;
  while (seeds.size() < count) seeds.push_back(next++);
  return seeds;
}

std::string sweep_identity_hash(const SweepSpec& spec, const std::vector<SweepPointSpec>& points) {
  Fnv1a64 hash;
  hash.add("leptonsim-sweep-1");
  hash.add("base");
  hash.add(read_file_text(spec.base_scenario).value_or("unreadable:" + spec.base_scenario));
  hash.add("set");
  for (const std::string& text : spec.fixed_overrides) hash.add(text);
  hash.add("seeds");
  for (std::uint64_t seed : spec.seeds) hash.add(std::to_string(seed));
  hash.add("points");
  for (const SweepPointSpec& point : points) {
    hash.add(fmt::format("point {}", point.point_id));
    for (const std::string& text : point.overrides()) hash.add(text);
  }
  return hash.hex();
}

}  // namespace leptonsim
