// Request arrival processes: when the requests of a service arrive.
//
// A process is a pull generator: the source actor asks for the next arrival and
// sleeps until its time. Randomness comes from the stream the caller passes in
// (one named stream per service), so a process holds no generator of its own
// and the same seed replays the same arrivals.
#pragma once

#include "common/RandomStreams.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace leptonsim {

struct Arrival {
  double time = 0.0;               // simulated seconds, non-decreasing across calls
  std::int64_t input_tokens = -1;  // from a trace; -1 = draw from the service's distribution
  std::int64_t output_tokens = -1;
};

class ArrivalProcess {
public:
  virtual ~ArrivalProcess() = default;
  // The next arrival strictly after the previous one's time (equal times
  // allowed for traces), or nullopt when the process has no more arrivals.
  virtual std::optional<Arrival> next(RandomStream& stream) = 0;
  // Long-run requests per second (for docs, checks and planners).
  virtual double mean_rate() const = 0;
  virtual std::string describe() const = 0;
};

}  // namespace leptonsim
