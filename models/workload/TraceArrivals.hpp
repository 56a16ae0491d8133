// Replay of a request trace (see AzureLlmTraceReader, MooncakeTraceReader):
// each row arrives at its recorded time with its recorded token counts.
// Deterministic: the random stream is not used.
#pragma once

#include "workload/ArrivalProcess.hpp"
#include "workload/TraceRecord.hpp"

#include <memory>

namespace leptonsim {

struct TraceReplayOptions {
  // Multiplies every gap between arrivals, i.e. each arrival's time since the
  // replay origin: 0.5 replays twice as fast, 2 half as fast. > 0.
  double time_scale = 1.0;
  // Multiplies the request rate, i.e. divides every gap: 2 replays twice as
  // fast. > 0. Both may be given: gaps are multiplied by time_scale / rate_scale.
  double rate_scale = 1.0;
  // Trace seconds to skip, measured on the unscaled trace from its first row:
  // rows earlier than start_offset are dropped, and trace time start_offset
  // becomes simulated time 0 (so the first kept row arrives at
  // (its time − start_offset) × time_scale / rate_scale). >= 0.
  double start_offset = 0.0;
  // When the rows run out, replay them again, each pass shifted by the span of
  // the kept rows (last − first) plus their mean gap (span / (rows − 1)): the
  // first row of a pass follows the last row of the previous pass by the mean
  // gap, so the long-run rate equals the trace's. Needs two distinct times.
  bool loop = false;
  // At most this many arrivals in total, over all passes; 0 = no limit (the
  // kept rows once, or for ever with loop).
  std::int64_t max_requests = 0;
};

class TraceArrivals final : public ArrivalProcess {
public:
  // Throws std::invalid_argument for invalid options, an empty trace, a
  // start_offset past the last row, or loop over fewer than two distinct times.
  TraceArrivals(std::shared_ptr<const std::vector<TraceRecord>> records, TraceReplayOptions options = {},
                std::string source_name = "trace");
  TraceArrivals(std::vector<TraceRecord> records, TraceReplayOptions options = {},
                std::string source_name = "trace");

  std::optional<Arrival> next(RandomStream& stream) override;
  // (kept rows − 1) / (their span) × rate_scale / time_scale: the trace's own
  // rate, which looping keeps. 0 for a single row; infinite when all kept rows
  // share one time.
  double mean_rate() const override;
  std::string describe() const override;

  // Rows replayed per pass (after start_offset).
  std::size_t rows_per_pass() const { return end_ - first_; }
  // Simulated seconds between the starts of two passes (scaled).
  double pass_length() const { return pass_length_ns_ / 1e9 * gap_factor_; }
  const TraceReplayOptions& options() const { return options_; }

private:
  std::shared_ptr<const std::vector<TraceRecord>> records_;
  TraceReplayOptions options_;
  std::string source_name_;
  double gap_factor_ = 1.0;      // time_scale / rate_scale
  std::int64_t origin_ns_ = 0;   // start_offset in trace nanoseconds
  std::size_t first_ = 0;        // first kept row
  std::size_t end_ = 0;          // one past the last row
  double pass_length_ns_ = 0.0;  // span + mean gap of the kept rows (trace ns)
  std::size_t next_row_ = 0;
  std::int64_t pass_ = 0;
  std::int64_t emitted_ = 0;
};

}  // namespace leptonsim
