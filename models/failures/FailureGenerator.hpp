// The failures of a run, in time order: every (class, component) pair is an
// independent two-state process (up for a time drawn from the class's time to
// failure, then down for a repair time), merged with the rows of a failure
// trace. Failures are drawn lazily, one per pair ahead, from one random stream
// per class, so a run with 16,384 GPUs keeps one pending entry per pair and
// ties are broken by (class, component) order: deterministic.
#pragma once

#include "common/Distribution.hpp"
#include "common/RandomStreams.hpp"
#include "failures/FailureTraceReader.hpp"

#include <cstdint>
#include <optional>
#include <queue>
#include <string>
#include <vector>

namespace leptonsim {

struct FailureClassModel {
  std::string name;                     // the cause in events and metrics
  Distribution time_to_failure;         // up time of one component after each repair
  Distribution repair;                  // down time
  std::vector<std::string> components;  // the components that fail independently
  double notice = 0.0;                  // > 0: reclaims announced this many seconds before
};

struct FailureOccurrence {
  double time = 0.0;      // when it fails
  double repair = 0.0;    // seconds until it is back
  int class_index = -1;   // index into the classes; -1 = a trace row
  std::string cause;      // class name, or the trace row's cause
  std::string component;  // topology name
  double notice = 0.0;    // > 0: a reclaim announced this many seconds before
};

class FailureGenerator {
public:
  // Streams are named "failures/<class name>" under `root_seed`.
  FailureGenerator(std::vector<FailureClassModel> classes, std::vector<TraceFailure> trace, std::uint64_t root_seed);

  // The next failure (time order), or nullopt when none is left.
  std::optional<FailureOccurrence> next();
  const std::vector<FailureClassModel>& classes() const { return classes_; }

private:
  struct Pending {
    double time;
    int class_index;
    std::int64_t component;
    // Min-heap on (time, class, component).
    bool operator>(const Pending& other) const {
      if (time != other.time) return time > other.time;
      if (class_index != other.class_index) return class_index > other.class_index;
      return component > other.component;
    }
  };

  std::vector<FailureClassModel> classes_;
  std::vector<RandomStream> streams_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  std::vector<TraceFailure> trace_;
  std::size_t next_trace_ = 0;
};

}  // namespace leptonsim
