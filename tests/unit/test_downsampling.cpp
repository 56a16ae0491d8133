// Min/max downsampling against hand-worked buckets, plus properties checked on
// random curves: budget, first/last point, extremes, gaps.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "Downsampling.hpp"

using namespace leptonsim;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TimeSeries make_series(const std::vector<double>& values) {
  TimeSeries ts;
  ts.series = "service.queue_length";
  ts.entity = "chat";
  for (std::size_t i = 0; i < values.size(); ++i) {
    ts.t.push_back(static_cast<double>(i));
    ts.value.push_back(values[i]);
  }
  return ts;
}

// Every kept point is an input point, in input order.
bool is_subsequence_of(const TimeSeries& kept, const TimeSeries& input) {
  std::size_t j = 0;
  for (std::size_t i = 0; i < kept.t.size(); ++i) {
    while (j < input.t.size() &&
           !(input.t[j] == kept.t[i] &&
             (input.value[j] == kept.value[i] ||
              (std::isnan(input.value[j]) && std::isnan(kept.value[i])))))
      ++j;
    if (j == input.t.size()) return false;
    ++j;
  }
  return true;
}

}  // namespace

TEST_CASE("downsampling leaves small series and a zero budget unchanged", "[downsampling]") {
  const TimeSeries input = make_series({3, 1, kNaN, 4, 1, 5});
  for (std::size_t budget : {std::size_t{0}, std::size_t{6}, std::size_t{100}}) {
    const TimeSeries out = downsample_min_max(input, budget);
    CHECK(out.series == input.series);
    CHECK(out.entity == input.entity);
    CHECK(out.t == input.t);
    REQUIRE(out.value.size() == input.value.size());
    CHECK(std::isnan(out.value[2]));
    CHECK(out.value[5] == 5);
  }
}

TEST_CASE("downsampling keeps first, min, max and last of each bucket", "[downsampling]") {
  // 16 points at t = 0..15, budget 8 -> 8 / 4 = 2 buckets of width 7.5:
  // bucket 0 holds t = 0..7, bucket 1 holds t = 8..15.
  //   bucket 0 values 5 1 9 3 3 3 2 4: first t0, min t1 (1), max t2 (9), last t7
  //   bucket 1 values 0 7 7 6 8 -1 2 3: first t8, max t12 (8), min t13 (-1), last t15
  const TimeSeries input = make_series({5, 1, 9, 3, 3, 3, 2, 4, 0, 7, 7, 6, 8, -1, 2, 3});
  const TimeSeries out = downsample_min_max(input, 8);
  CHECK(out.t == std::vector<double>{0, 1, 2, 7, 8, 12, 13, 15});
  CHECK(out.value == std::vector<double>{5, 1, 9, 4, 0, 8, -1, 3});
  CHECK(out.series == "service.queue_length");
  CHECK(out.entity == "chat");
}

TEST_CASE("downsampling keeps a point once when it plays several roles", "[downsampling]") {
  // A rising line: each bucket's first is its min and its last is its max.
  // t = 0..99, 2 buckets of width 49.5: t 0..49 and 50..99.
  std::vector<double> values;
  for (int i = 0; i < 100; ++i) values.push_back(i);
  const TimeSeries out = downsample_min_max(make_series(values), 8);
  CHECK(out.t == std::vector<double>{0, 49, 50, 99});
  CHECK(out.value == std::vector<double>{0, 49, 50, 99});
}

TEST_CASE("downsampling keeps NaN gaps within the budget", "[downsampling]") {
  SECTION("a gap that does not fit makes buckets twice as wide") {
    // As the hand-worked case above with t = 4 a gap: bucket 0 would keep
    // t 0, 1, 2, 4 (NaN), 7 and bucket 1 four points: 9 > 8. Merged into one
    // bucket: first t0 (5), max t2 (9), gap t4, min t13 (-1), last t15 (3).
    const TimeSeries input = make_series({5, 1, 9, 3, kNaN, 3, 2, 4, 0, 7, 7, 6, 8, -1, 2, 3});
    const TimeSeries out = downsample_min_max(input, 8);
    CHECK(out.t == std::vector<double>{0, 2, 4, 13, 15});
    REQUIRE(out.value.size() == 5);
    CHECK(out.value[0] == 5);
    CHECK(out.value[1] == 9);
    CHECK(std::isnan(out.value[2]));
    CHECK(out.value[3] == -1);
    CHECK(out.value[4] == 3);
  }
  SECTION("a gap that fits is one NaN point in its bucket") {
    // Budget 9: still 2 buckets (9 / 4), 5 + 4 = 9 points fit.
    const TimeSeries input = make_series({5, 1, 9, 3, kNaN, kNaN, 2, 4, 0, 7, 7, 6, 8, -1, 2, 3});
    const TimeSeries out = downsample_min_max(input, 9);
    CHECK(out.t == std::vector<double>{0, 1, 2, 4, 7, 8, 12, 13, 15});
    CHECK(std::count_if(out.value.begin(), out.value.end(), [](double v) { return std::isnan(v); }) == 1);
  }
  SECTION("the smallest budget drops an interior gap rather than exceed it") {
    const TimeSeries input = make_series({5, 1, 9, kNaN, 3, 2, 4, 0, 7});
    const TimeSeries out = downsample_min_max(input, 4);
    CHECK(out.t == std::vector<double>{0, 2, 7, 8});  // first, max (9), min (0), last
  }
  SECTION("a bucket of only NaN keeps its first and last point") {
    const TimeSeries input = make_series({1, 2, 3, 4, 5, 6, 7, 8, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN});
    const TimeSeries out = downsample_min_max(input, 8);
    CHECK(out.t == std::vector<double>{0, 7, 8, 15});
    CHECK(std::isnan(out.value[2]));
    CHECK(std::isnan(out.value[3]));
  }
}

TEST_CASE("downsampling properties hold on random curves", "[downsampling]") {
  std::mt19937_64 rng(20240611);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::uniform_real_distribution<double> step(0.0, 2.0);
  std::bernoulli_distribution gap(0.01);
  for (std::size_t length : {5u, 17u, 1000u, 25000u}) {
    for (std::size_t budget : {4u, 5u, 9u, 64u, 4000u}) {
      TimeSeries input;
      double t = 0.0;
      for (std::size_t i = 0; i < length; ++i) {
        t += step(rng);  // irregular sampling, repeated times allowed (step 0 possible)
        input.t.push_back(t);
        input.value.push_back(gap(rng) ? kNaN : noise(rng));
      }
      const TimeSeries out = downsample_min_max(input, budget);
      INFO("length " << length << " budget " << budget);
      CHECK(out.t.size() == out.value.size());
      CHECK(out.t.size() <= budget);
      REQUIRE(!out.t.empty());
      CHECK(out.t.front() == input.t.front());
      CHECK(out.t.back() == input.t.back());
      CHECK(std::is_sorted(out.t.begin(), out.t.end()));
      CHECK(is_subsequence_of(out, input));
      // The global extremes survive.
      double lowest = std::numeric_limits<double>::infinity(), highest = -lowest;
      for (double v : input.value)
        if (!std::isnan(v)) lowest = std::min(lowest, v), highest = std::max(highest, v);
      CHECK(std::find(out.value.begin(), out.value.end(), lowest) != out.value.end());
      CHECK(std::find(out.value.begin(), out.value.end(), highest) != out.value.end());
      // Gaps stay visible whenever the budget has room for them.
      const bool input_has_gap =
          std::any_of(input.value.begin(), input.value.end(), [](double v) { return std::isnan(v); });
      const bool output_has_gap =
          std::any_of(out.value.begin(), out.value.end(), [](double v) { return std::isnan(v); });
      if (budget >= 5) CHECK(output_has_gap == input_has_gap);
    }
  }
}

TEST_CASE("streaming downsampler matches the in-memory one", "[downsampling]") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> value(-10.0, 10.0);
  TimeSeries input;
  for (int i = 0; i < 10000; ++i) {
    input.t.push_back(0.5 * i);
    input.value.push_back(i % 997 == 0 ? kNaN : value(rng));
  }
  MinMaxDownsampler streaming(input.t.front(), input.t.back(), 400);
  for (std::size_t i = 0; i < input.t.size(); ++i) streaming.add(input.t[i], input.value[i]);
  CHECK(streaming.count() == input.t.size());
  TimeSeries streamed;
  streaming.write_to(streamed);
  const TimeSeries batch = downsample_min_max(input, 400);
  CHECK(streamed.t == batch.t);
  REQUIRE(streamed.value.size() == batch.value.size());
  for (std::size_t i = 0; i < batch.value.size(); ++i)
    CHECK((streamed.value[i] == batch.value[i] ||
           (std::isnan(streamed.value[i]) && std::isnan(batch.value[i]))));
}

TEST_CASE("downsampling rejects budgets below four points", "[downsampling]") {
  const TimeSeries input = make_series({1, 2, 3, 4, 5, 6});
  CHECK_THROWS_AS(downsample_min_max(input, 3), std::invalid_argument);
  CHECK_THROWS_AS(MinMaxDownsampler(0.0, 1.0, 1), std::invalid_argument);
  CHECK_THROWS_AS(MinMaxDownsampler(2.0, 1.0, 100), std::invalid_argument);
  TimeSeries mismatched = input;
  mismatched.value.pop_back();
  CHECK_THROWS_AS(downsample_min_max(mismatched, 4), std::invalid_argument);
}
