// SweepSpec: a sweep over a base scenario, from a YAML spec file or from
// `--axis` arguments, and its expansion into points.
//
// A spec names a base scenario, fixed overrides for every point (`set:`), the
// seeds every point runs with, and axes over scenario key paths (lists of
// values, linear or geometric ranges). Points are the cartesian product of the
// axes (grid) or `samples` draws (random, Latin hypercube). Each point is a
// list of `key=value` overrides applied to the base scenario like `--set`.
//
// The key paths of axes are not checked here: whoever runs the sweep loads
// the base scenario with each point's overrides, which reports bad paths.
//
// Spec file format (every key but `base` and `axes` optional):
//   name: replicas-vs-rate          # default: the spec file's stem
//   base: ../quickstart.yaml        # relative to the spec file
//   set: {duration: 20min}          # key path -> value, for every point
//   seeds: 3                        # N: base seed + 0..N-1; or a list [1, 7, 9]
//   max_seeds: 6                    # the planner may add seeds up to this many
//   sampling: grid                  # grid | random | latin_hypercube
//   samples: 20                     # points drawn by random / latin_hypercube
//   sampling_seed: 1
//   axes:
//     - key: services[0].replicas
//       values: [4, 6, 8]
//       monotone: increasing        # none | increasing | decreasing
//     - key: services[0].arrivals.rate
//       range: {from: 20, to: 80, step: 20}   # or count: n; no step/count: continuous (sampling only)
//       unit: /s                    # appended to every value
//     - key: services[0].max_concurrency
//       log_range: {from: 1, to: 64, count: 7}
//       integer: true               # round generated values
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ScenarioLoader.hpp"  // ScenarioError

namespace leptonsim {

enum class AxisMonotone { none, increasing, decreasing };
enum class SweepSampling { grid, random, latin_hypercube };

struct SweepAxis {
  std::string key;                  // scenario key path as for --set
  std::vector<std::string> values;  // grid values as text (unit appended), as given / ascending for ranges
  std::optional<double> from, to;   // continuous bounds (range / log_range) for random / LHS sampling
  bool log_scale = false;           // log_range: sampled uniformly in log space
  bool integer = false;             // generated and sampled numbers are rounded
  std::string unit;                 // appended to generated and sampled numbers
  AxisMonotone monotone = AxisMonotone::none;

  /// True when random / LHS sampling draws from [from, to] rather than from `values`.
  bool is_continuous() const { return from.has_value() && to.has_value(); }
};

struct SweepSpec {
  std::string name;
  std::string spec_path;  // as given ("--axis" for a command-line sweep)
  std::string spec_text;  // the spec file's text (a generated equivalent for a command-line sweep)
  std::string base_scenario;                 // absolute path of the base scenario
  std::vector<std::string> fixed_overrides;  // "key=value" from `set:`
  std::vector<SweepAxis> axes;
  SweepSampling sampling = SweepSampling::grid;
  std::size_t samples = 0;
  std::uint64_t sampling_seed = 1;
  std::uint64_t base_seed = 1;       // the base scenario's `seed:` (or the one in `set:`), default 1
  std::vector<std::uint64_t> seeds;  // resolved, never empty
  std::size_t max_seeds = 0;         // >= seeds.size(); default seeds.size()
};

struct SweepPointSpec {
  std::size_t point_id = 0;
  std::vector<std::pair<std::string, std::string>> assignments;  // (axis key, value text) in axis order
  /// "key=value" strings, in axis order.
  std::vector<std::string> overrides() const;
  /// "services[0].replicas=4, services[0].load_balancer.policy=round_robin"; "" without axes.
  std::string label() const;
};

/// Reads and validates a spec file. Throws ScenarioError listing every problem
/// (file:line:col, key path such as `axes[1].range.step`, what was expected).
SweepSpec load_sweep_spec(const std::string& path);
/// The same for spec text; `file_name` is used in messages, as spec_path and
/// to resolve `base` (relative to its directory).
SweepSpec sweep_spec_from_text(const std::string& yaml_text, const std::string& file_name);

/// A sweep from the command line. Each axis argument is one of
///   key=v1,v2,v3                      values (brackets around the list are allowed)
///   key=range:FROM:TO:STEP[:OPT...]   inclusive linear range
///   key=log:FROM:TO:COUNT[:OPT...]    geometric range of COUNT values
/// where OPT is `int` (round the numbers) or a unit suffix such as `/s`.
/// `seeds` = N runs every point with base seed + 0..N-1. Problems are
/// reported with file "--axis" (line = the axis argument's number, column =
/// the character in it), "--seeds" or the base scenario's path.
SweepSpec sweep_spec_from_command_line(const std::string& base_scenario, const std::vector<std::string>& axis_args,
                                       std::size_t seeds, const std::vector<std::string>& fixed_overrides);

/// True when `path` is a readable YAML file whose top level is a map with
/// `base` and `axes` (as opposed to a scenario).
bool is_sweep_spec_file(const std::string& path);

/// The points of a spec, point_id 0, 1, ...
/// grid: cartesian product in axis order, the first axis varying slowest.
/// random / latin_hypercube: `samples` draws from std::mt19937_64(sampling_seed),
/// turned into numbers without the implementation-defined std distributions
/// so the points are the same with every standard library. Continuous axes
/// are drawn in [from, to] (in log space for log_range) and shown with six
/// significant digits (rounded when `integer`); axes with only
/// values pick among them. Latin hypercube: for every axis the `samples`
/// strata are permuted so each stratum holds exactly one point (for value
/// axes, the strata are spread evenly over the value indices). Draws that
/// repeat an earlier point are left out (they would be the same runs).
std::vector<SweepPointSpec> expand_points(const SweepSpec& spec);

/// The seeds for `count` runs of a point: spec.seeds, continued past its
/// largest seed (largest + 1, + 2, ...) when count exceeds it. For the planner.
std::vector<std::uint64_t> sweep_seeds(const SweepSpec& spec, std::size_t count);

/// Hex FNV-1a 64 over the base scenario's file text, the fixed overrides, every
/// point's overrides and the seeds: the same runs give the same hash, any
/// change in what would be run gives another.
std::string sweep_identity_hash(const SweepSpec& spec, const std::vector<SweepPointSpec>& points);

/// A number as the shortest text that reads back to it ("20", "0.1", "1e-05"),
/// after rounding away floating-point noise beyond 12 significant digits
/// (0.1 + 0.2 gives "0.3").
std::string format_sweep_number(double value);

}  // namespace leptonsim
