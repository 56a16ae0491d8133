#include "Downsampling.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace leptonsim {

namespace {

void check_budget(std::size_t max_points) {
  if (max_points != 0 && max_points < 4)
    throw std::invalid_argument("downsampling needs max_points >= 4 (or 0 for all), got " +
                                std::to_string(max_points));
}

}  // namespace

void MinMaxDownsampler::Bucket::add(const Point& p) {
  if (count == 0) first = p;
  last = p;
  ++count;
  if (std::isnan(p.value)) {
    if (!has_gap) gap = p;
    has_gap = true;
    return;
  }
  // Strict comparisons: of equal extremes the earliest is kept.
  if (!has_number || p.value < min.value) min = p;
  if (!has_number || p.value > max.value) max = p;
  has_number = true;
}

void MinMaxDownsampler::Bucket::merge_later(const Bucket& later) {
  if (later.count == 0) return;
  if (count == 0) {
    *this = later;
    return;
  }
  count += later.count;
  last = later.last;
  if (later.has_number) {
    if (!has_number || later.min.value < min.value) min = later.min;
    if (!has_number || later.max.value > max.value) max = later.max;
    has_number = true;
  }
  if (!has_gap && later.has_gap) gap = later.gap;
  has_gap = has_gap || later.has_gap;
}

MinMaxDownsampler::MinMaxDownsampler(double t_first, double t_last, std::size_t max_points)
    : t_first_(t_first), t_last_(t_last), max_points_(max_points) {
  check_budget(max_points);
  if (!(t_last >= t_first))
    throw std::invalid_argument("downsampling: time range [" + std::to_string(t_first) + ", " +
                                std::to_string(t_last) + "] is empty");
}

void MinMaxDownsampler::add(double t, double value) {
  const Point p{count_++, t, value};
  if (!buckets_.empty()) {
    add_to_bucket(p);
    return;
  }
  raw_.push_back(p);
  if (max_points_ != 0 && raw_.size() > max_points_) switch_to_buckets();
}

void MinMaxDownsampler::switch_to_buckets() {
  // Four points per bucket fill the budget; NaN extras are handled on output.
  const std::size_t bucket_count = max_points_ / 4;
  buckets_.resize(bucket_count);
  const double span = t_last_ - t_first_;
  buckets_per_second_ = span > 0.0 ? static_cast<double>(bucket_count) / span : 0.0;
  for (const Point& p : raw_) add_to_bucket(p);
  raw_.clear();
  raw_.shrink_to_fit();
}

void MinMaxDownsampler::add_to_bucket(const Point& p) {
  const double position = (p.t - t_first_) * buckets_per_second_;
  std::size_t bucket = 0;
  if (position > 0.0)
    bucket = std::min(static_cast<std::size_t>(position), buckets_.size() - 1);
  buckets_[bucket].add(p);
}

void MinMaxDownsampler::write_to(TimeSeries& out) const {
  out.t.clear();
  out.value.clear();
  if (buckets_.empty()) {
    out.t.reserve(raw_.size());
    out.value.reserve(raw_.size());
    for (const Point& p : raw_) {
      out.t.push_back(p.t);
      out.value.push_back(p.value);
    }
    return;
  }

  // The distinct points a bucket keeps, in input order.
  struct Kept {
    std::array<Point, 5> points;
    std::size_t size = 0;
  };
  const auto kept_of = [](const Bucket& b, bool keep_gap) {
    Kept k;
    if (b.count == 0) return k;
    k.points[k.size++] = b.first;
    if (b.has_number) {
      k.points[k.size++] = b.min;
      k.points[k.size++] = b.max;
    }
    if (b.has_gap && keep_gap) k.points[k.size++] = b.gap;
    k.points[k.size++] = b.last;
    // Insertion sort by input position, dropping points that play two roles
    // (at most five points: simpler than std::sort, which GCC 12 warns about here).
    std::size_t distinct = 0;
    for (std::size_t i = 0; i < k.size; ++i) {
      const Point p = k.points[i];
      std::size_t j = distinct;
      while (j > 0 && k.points[j - 1].index > p.index) --j;
      if (j > 0 && k.points[j - 1].index == p.index) continue;
      for (std::size_t m = distinct; m > j; --m) k.points[m] = k.points[m - 1];
      k.points[j] = p;
      ++distinct;
    }
    k.size = distinct;
    return k;
  };
  const auto total_kept = [&](const std::vector<Bucket>& buckets, bool keep_gap) {
    std::size_t total = 0;
    for (const Bucket& b : buckets) total += kept_of(b, keep_gap).size;
    return total;
  };

  std::vector<Bucket> buckets = buckets_;
  while (buckets.size() > 1 && total_kept(buckets, true) > max_points_) {
    std::vector<Bucket> wider((buckets.size() + 1) / 2);
    for (std::size_t i = 0; i < buckets.size(); ++i) wider[i / 2].merge_later(buckets[i]);
    buckets = std::move(wider);
  }
  const bool keep_gap = total_kept(buckets, true) <= max_points_;

  out.t.reserve(max_points_);
  out.value.reserve(max_points_);
  for (const Bucket& b : buckets) {
    const Kept k = kept_of(b, keep_gap);
    for (std::size_t i = 0; i < k.size; ++i) {
      out.t.push_back(k.points[i].t);
      out.value.push_back(k.points[i].value);
    }
  }
}

TimeSeries downsample_min_max(const TimeSeries& input, std::size_t max_points) {
  check_budget(max_points);
  if (input.t.size() != input.value.size())
    throw std::invalid_argument("downsampling series '" + input.series + "' entity '" +
                                input.entity + "': " + std::to_string(input.t.size()) +
                                " times but " + std::to_string(input.value.size()) + " values");
  if (max_points == 0 || input.t.size() <= max_points) return input;
  MinMaxDownsampler downsampler(input.t.front(), input.t.back(), max_points);
  for (std::size_t i = 0; i < input.t.size(); ++i) downsampler.add(input.t[i], input.value[i]);
  TimeSeries out;
  out.series = input.series;
  out.entity = input.entity;
  downsampler.write_to(out);
  return out;
}

}  // namespace leptonsim
