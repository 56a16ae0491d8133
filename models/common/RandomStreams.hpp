// Named, independently seeded random streams.
//
// Every stream's seed is derived from (scenario seed, stream name), so adding a
// stream never shifts the numbers another stream draws. The generator and the
// samplers are our own code (not std:: distributions, whose algorithms differ
// between standard libraries), so a seed gives the same numbers everywhere.
#pragma once

#include <cstdint>
#include <string_view>

namespace leptonsim {

// xoshiro256** generator, seeded through SplitMix64.
class RandomStream {
public:
  explicit RandomStream(std::uint64_t seed);
  std::uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe under log().
  double uniform_open_zero() { return 1.0 - uniform(); }
  double exponential(double mean);
  double standard_normal();

private:
  std::uint64_t state_[4];
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

// Seed for the stream called `name` under the scenario seed `root_seed`.
std::uint64_t derive_stream_seed(std::uint64_t root_seed, std::string_view name);

inline RandomStream make_stream(std::uint64_t root_seed, std::string_view name) {
  return RandomStream(derive_stream_seed(root_seed, name));
}

}  // namespace leptonsim
