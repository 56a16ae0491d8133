// Downsampling of time series for drawing: keeps the shape a plot would show.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "RunResult.hpp"

namespace leptonsim {

/// Min/max (M4) downsampling: cuts [t.front(), t.back()] into equal time
/// buckets and keeps, per bucket, its first, lowest, highest and last points in
/// time order (duplicates once). The result has at most `max_points` points
/// (max_points >= 4), includes the first and last input points, and every kept
/// point is an input point, so a line drawn through it has the same extremes
/// per pixel column as the full curve. A NaN value (a gap) in a bucket is kept
/// as one NaN point so gaps stay visible. Series with at most `max_points`
/// points, or max_points == 0, are returned unchanged. Requires t ascending.
///
/// A NaN point can make a bucket keep 5 points; when that would exceed
/// `max_points`, neighbouring buckets are merged in pairs (twice as wide) until
/// it fits. Only with max_points == 4, one bucket and a NaN strictly inside it
/// is the NaN point dropped. Throws std::invalid_argument for max_points 1..3.
TimeSeries downsample_min_max(const TimeSeries& input, std::size_t max_points);

/// The same downsampling fed one point at a time, for curves streamed from a
/// report without holding every point: the time range must be known up front
/// (e.g. from an index seek). Points must come in ascending t within
/// [t_first, t_last] (points outside are put in the first or last bucket).
class MinMaxDownsampler {
 public:
  /// Throws std::invalid_argument for max_points 1..3 or t_last < t_first.
  MinMaxDownsampler(double t_first, double t_last, std::size_t max_points);

  void add(double t, double value);
  /// Points added so far.
  std::size_t count() const { return count_; }
  /// Writes the kept points into out.t and out.value (replacing them).
  void write_to(TimeSeries& out) const;

 private:
  struct Point {
    std::size_t index = 0;  // position in the input: orders and de-duplicates
    double t = 0.0;
    double value = 0.0;
  };
  struct Bucket {
    std::size_t count = 0;
    Point first, last;
    bool has_number = false;  // min and max are set (some value is not NaN)
    Point min, max;
    bool has_gap = false;     // some value is NaN; gap is the first of them
    Point gap;

    void add(const Point& p);
    void merge_later(const Bucket& later);
  };

  void switch_to_buckets();
  void add_to_bucket(const Point& p);

  double t_first_;
  double t_last_;
  std::size_t max_points_;
  double buckets_per_second_ = 0.0;
  std::size_t count_ = 0;
  std::vector<Point> raw_;        // every point while count_ <= max_points_
  std::vector<Bucket> buckets_;   // used once count_ > max_points_
};

}  // namespace leptonsim
