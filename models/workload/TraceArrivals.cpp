#include "workload/TraceArrivals.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace leptonsim {
namespace {

bool is_positive_finite(double x) { return x > 0.0 && std::isfinite(x); }

}  // namespace

TraceArrivals::TraceArrivals(std::vector<TraceRecord> records, TraceReplayOptions options, std::string source_name)
    : TraceArrivals(std::make_shared<const std::vector<TraceRecord>>(std::move(records)), options,
                    std::move(source_name)) {}

TraceArrivals::TraceArrivals(std::shared_ptr<const std::vector<TraceRecord>> records, TraceReplayOptions options,
                             std::string source_name)
    : records_(std::move(records)), options_(options), source_name_(std::move(source_name)) {
  if (!records_ || records_->empty())
    throw std::invalid_argument(fmt::format("trace replay of {}: the trace has no rows", source_name_));
  if (!is_positive_finite(options_.time_scale))
    throw std::invalid_argument(
        fmt::format("trace replay of {}: time_scale must be positive and finite, got {}", source_name_,
                    options_.time_scale));
  if (!is_positive_finite(options_.rate_scale))
    throw std::invalid_argument(
        fmt::format("trace replay of {}: rate_scale must be positive and finite, got {}", source_name_,
                    options_.rate_scale));
  if (!(options_.start_offset >= 0.0) || !std::isfinite(options_.start_offset))
    throw std::invalid_argument(fmt::format("trace replay of {}: start_offset must be >= 0 and finite, got {} s",
                                            source_name_, options_.start_offset));
  if (options_.max_requests < 0)
    throw std::invalid_argument(fmt::format("trace replay of {}: max_requests must be >= 0 (0 = all), got {}",
                                            source_name_, options_.max_requests));
  gap_factor_ = options_.time_scale / options_.rate_scale;

  const std::vector<TraceRecord>& rows = *records_;
  origin_ns_ = rows.front().time_ns + std::llround(options_.start_offset * 1e9);
  first_ = static_cast<std::size_t>(
      std::lower_bound(rows.begin(), rows.end(), origin_ns_,
                       [](const TraceRecord& r, std::int64_t t) { return r.time_ns < t; }) -
      rows.begin());
  end_ = rows.size();
  if (first_ == end_)
    throw std::invalid_argument(fmt::format("trace replay of {}: start_offset {} s skips the whole trace ({} s long)",
                                            source_name_, options_.start_offset,
                                            summarize_trace(rows).span_seconds));
  const std::size_t kept = end_ - first_;
  const double span_ns = static_cast<double>(rows[end_ - 1].time_ns - rows[first_].time_ns);
  if (kept >= 2 && span_ns > 0.0) pass_length_ns_ = span_ns + span_ns / static_cast<double>(kept - 1);
  if (options_.loop && pass_length_ns_ <= 0.0)
    throw std::invalid_argument(
        fmt::format("trace replay of {}: loop needs at least two rows with different times after start_offset, "
                    "got {} row(s) spanning {} s",
                    source_name_, kept, span_ns / 1e9));
  next_row_ = first_;
}

std::optional<Arrival> TraceArrivals::next(RandomStream&) {
  if (options_.max_requests > 0 && emitted_ >= options_.max_requests) return std::nullopt;
  if (next_row_ == end_) {
    if (!options_.loop) return std::nullopt;
    next_row_ = first_;
    ++pass_;
  }
  const TraceRecord& row = (*records_)[next_row_++];
  ++emitted_;
  const double since_origin_ns =
      static_cast<double>(row.time_ns - origin_ns_) + static_cast<double>(pass_) * pass_length_ns_;
  return Arrival{since_origin_ns / 1e9 * gap_factor_, row.input_tokens, row.output_tokens};
}

double TraceArrivals::mean_rate() const {
  const std::size_t kept = end_ - first_;
  if (kept < 2) return 0.0;
  const double span_s = static_cast<double>((*records_)[end_ - 1].time_ns - (*records_)[first_].time_ns) / 1e9;
  if (span_s <= 0.0) return std::numeric_limits<double>::infinity();
  return static_cast<double>(kept - 1) / (span_s * gap_factor_);
}

std::string TraceArrivals::describe() const {
  std::string text = fmt::format("trace replay of {}: {} requests", source_name_, end_ - first_);
  if (gap_factor_ != 1.0) text += fmt::format(", gaps x{}", gap_factor_);
  if (options_.start_offset > 0.0) text += fmt::format(", from {} s", options_.start_offset);
  if (options_.loop) text += fmt::format(", looped every {} s", pass_length());
  if (options_.max_requests > 0) text += fmt::format(", at most {} requests", options_.max_requests);
  return text;
}

}  // namespace leptonsim
