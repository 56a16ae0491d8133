// Request-trace readers (Azure LLM CSV, Mooncake JSONL) and trace replay,
// on small fixtures in tests/fixtures/traces written for these tests.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "workload/AzureLlmTraceReader.hpp"
#include "workload/MooncakeTraceReader.hpp"
#include "workload/TraceArrivals.hpp"

using namespace leptonsim;

namespace {

const std::string kFixtures = std::string(LEPTONSIM_SOURCE_DIR) + "/tests/fixtures/traces/";

// Times of azure_llm_small.csv since its first row, in ns: sub-second rows, a
// 100 ns step, equal times, and midnight (and new year) between rows 6 and 7.
const std::vector<std::int64_t> kAzureTimesNs = {
    0,           100,         550'000'000,   900'000'000,   900'000'000,   2'899'999'900,
    2'900'000'000, 3'150'000'000, 3'931'250'000, 6'400'000'000, 6'650'000'000, 13'000'000'000};
const std::vector<double> kAzureTimes = {0.0, 1e-7, 0.55, 0.9, 0.9, 2.8999999, 2.9, 3.15, 3.93125, 6.4, 6.65, 13.0};

// mooncake_small.jsonl: ms timestamps from 1000 (one decimal), a blank line 8.
const std::vector<double> kMooncakeTimes = {0.0, 0.0, 0.25, 2.0, 2.0005, 3.096, 3.1, 6.777, 9.0, 9.001, 58.999, 60.0};

std::vector<Arrival> drain(ArrivalProcess& process, std::size_t limit = 1000) {
  RandomStream stream = make_stream(1, "unused");
  std::vector<Arrival> arrivals;
  while (arrivals.size() < limit) {
    const std::optional<Arrival> a = process.next(stream);
    if (!a) break;
    arrivals.push_back(*a);
  }
  return arrivals;
}

std::string azure(std::string rows) { return "TIMESTAMP,ContextTokens,GeneratedTokens\n" + rows; }

}  // namespace

TEST_CASE("Azure LLM CSV fixture reads exactly", "[trace]") {
  const std::vector<TraceRecord> rows = read_azure_llm_trace(kFixtures + "azure_llm_small.csv");
  REQUIRE(rows.size() == 12);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("row " << i);
    CHECK(rows[i].time_ns == kAzureTimesNs[i]);
    CHECK(rows[i].time_seconds() == kAzureTimes[i]);
  }
  CHECK(rows[0].input_tokens == 100);
  CHECK(rows[0].output_tokens == 10);
  CHECK(rows[2].input_tokens == 0);
  CHECK(rows[11].input_tokens == 999);
  CHECK(rows[11].output_tokens == 99);

  const TraceSummary summary = summarize_trace(rows);
  CHECK(summary.count == 12);
  CHECK(summary.total_input_tokens == 13565);
  CHECK(summary.total_output_tokens == 601);
  CHECK(summary.span_seconds == 13.0);
}

TEST_CASE("Azure timestamps: fractions, CRLF, BOM, month and leap-day boundaries", "[trace]") {
  const std::string text =
      "\xEF\xBB\xBFTIMESTAMP,ContextTokens,GeneratedTokens\r\n"
      "2024-02-28 23:59:59.5,1,2\r\n"
      "2024-02-29 00:00:00,3,4\r\n"
      "\r\n"
      "2024-03-01 00:00:00.000000001, 5 ,6\r\n";
  const std::vector<TraceRecord> rows = parse_azure_llm_trace(text, "crlf.csv");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].time_ns == 0);
  CHECK(rows[1].time_ns == 500'000'000);
  CHECK(rows[2].time_ns == 500'000'000 + 86'400'000'000'000 + 1);
  CHECK(rows[2].input_tokens == 5);
}

TEST_CASE("Azure reader reports malformed rows with file and line", "[trace]") {
  const auto message = [](const std::string& text) {
    try {
      parse_azure_llm_trace(text, "trace.csv");
    } catch (const TraceError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string good = "2023-11-16 18:17:03.9799600,4808,10\n";
  CHECK(message(azure(good + good + "2023-11-16 18:17:04.0,12\n")) ==
        "trace.csv:4: expected 3 comma-separated fields TIMESTAMP,ContextTokens,GeneratedTokens, got 2");
  CHECK(message(azure(good + "2023-11-16 18:17:04.0,1,2,3\n")) ==
        "trace.csv:3: expected 3 comma-separated fields TIMESTAMP,ContextTokens,GeneratedTokens, got 4");
  CHECK(message(azure(good + "2023-11-16 18:17:04.0,abc,2\n")) ==
        "trace.csv:3: expected ContextTokens as a non-negative integer, got 'abc'");
  CHECK(message(azure(good + "2023-11-16 18:17:04.0,7,2.5\n")) ==
        "trace.csv:3: expected GeneratedTokens as a non-negative integer, got '2.5'");
  CHECK(message(azure(good + "2023-11-16 18:17:04.0,7,\n")) ==
        "trace.csv:3: expected GeneratedTokens as a non-negative integer, got ''");
  CHECK(message(azure("2023-11-16 18:17:04.0,-5,2\n")) ==
        "trace.csv:2: expected ContextTokens as a non-negative integer, got '-5'");
  CHECK(message(azure("2023-11-16 18:17:04.0,1,99999999999\n")) ==
        "trace.csv:2: expected GeneratedTokens as a non-negative integer, got '99999999999'");
  CHECK(message(azure("2023-11-16T18:17:04.0,1,2\n16/11/2023 18:17:04,1,2\n")) ==
        "trace.csv:3: expected TIMESTAMP as YYYY-MM-DD HH:MM:SS[.fraction], got '16/11/2023 18:17:04'");
  CHECK(message(azure("2023-02-29 00:00:00,1,2\n")) ==
        "trace.csv:2: expected TIMESTAMP as YYYY-MM-DD HH:MM:SS[.fraction], got '2023-02-29 00:00:00'");
  CHECK(message(azure("2023-11-16 24:00:00,1,2\n")) ==
        "trace.csv:2: expected TIMESTAMP as YYYY-MM-DD HH:MM:SS[.fraction], got '2023-11-16 24:00:00'");
  CHECK(message(azure("2023-11-16 18:17:04.1234567890,1,2\n")) ==
        "trace.csv:2: expected TIMESTAMP as YYYY-MM-DD HH:MM:SS[.fraction], got '2023-11-16 18:17:04.1234567890'");
  CHECK(message(azure(good + "2023-11-16 18:17:03.9799599,1,2\n")) ==
        "trace.csv:3: expected timestamps in non-decreasing order, got 2023-11-16 18:17:03.9799599 after "
        "2023-11-16 18:17:03.9799600 on line 2");
  CHECK(message("timestamp,context,generated\n" + good) ==
        "trace.csv:1: expected the header TIMESTAMP,ContextTokens,GeneratedTokens, got 'timestamp,context,generated'");
  CHECK(message("") ==
        "trace.csv: the trace is empty: expected the header TIMESTAMP,ContextTokens,GeneratedTokens and at least one row");
  CHECK(message(azure("\n\n")) ==
        "trace.csv: the trace is empty: expected at least one row after the header TIMESTAMP,ContextTokens,GeneratedTokens");
}

TEST_CASE("Azure reader names the file in errors", "[trace]") {
  const std::string path = kFixtures + "azure_llm_unsorted.csv";
  REQUIRE_THROWS_AS(read_azure_llm_trace(path), TraceError);
  REQUIRE_THROWS_WITH(read_azure_llm_trace(path),
                      path + ":5: expected timestamps in non-decreasing order, got 2023-11-16 18:17:04.0781489 after "
                             "2023-11-16 18:17:04.0781490 on line 4");
  REQUIRE_THROWS_WITH(read_azure_llm_trace(kFixtures + "no_such_trace.csv"),
                      kFixtures + "no_such_trace.csv: cannot open the trace file");
}

TEST_CASE("Mooncake JSONL fixture reads exactly, ignoring other keys", "[trace]") {
  const std::vector<TraceRecord> rows = read_mooncake_trace(kFixtures + "mooncake_small.jsonl");
  REQUIRE(rows.size() == 12);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("row " << i);
    CHECK(rows[i].time_seconds() == kMooncakeTimes[i]);
  }
  CHECK(rows[4].time_ns == 2'000'500'000);
  CHECK(rows[3].input_tokens == 2290);  // keys in another order, a nested object with the same names
  CHECK(rows[3].output_tokens == 316);
  const TraceSummary summary = summarize_trace(rows);
  CHECK(summary.count == 12);
  CHECK(summary.total_input_tokens == 58878);
  CHECK(summary.total_output_tokens == 3632);
  CHECK(summary.span_seconds == 60.0);
}

TEST_CASE("Mooncake reader reports malformed lines with file and line", "[trace]") {
  const auto message = [](const std::string& text) {
    try {
      parse_mooncake_trace(text, "trace.jsonl");
    } catch (const TraceError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string good = "{\"timestamp\": 5, \"input_length\": 10, \"output_length\": 2}\n";
  CHECK(message(good + "{\"timestamp\": 6, \"input_length\": 10}\n") ==
        "trace.jsonl:2: expected \"output_length\" as a non-negative integer, got no such key");
  CHECK(message(good + "\n{\"input_length\": 1, \"output_length\": 2}\n") ==
        "trace.jsonl:3: expected \"timestamp\" as a number of milliseconds, got no such key");
  CHECK(message(good + "{\"timestamp\": \"7\", \"input_length\": 1, \"output_length\": 2}\n") ==
        "trace.jsonl:2: expected \"timestamp\" as a number of milliseconds, got \"7\"");
  CHECK(message(good + "{\"timestamp\": 7, \"input_length\": \"ten\", \"output_length\": 2}\n") ==
        "trace.jsonl:2: expected \"input_length\" as a non-negative integer, got \"ten\"");
  CHECK(message(good + "{\"timestamp\": 7, \"input_length\": -3, \"output_length\": 2}\n") ==
        "trace.jsonl:2: expected \"input_length\" as a non-negative integer, got -3");
  CHECK(message(good + "{\"timestamp\": 7, \"input_length\": 3, \"output_length\": 2.5}\n") ==
        "trace.jsonl:2: expected \"output_length\" as a non-negative integer, got 2.5");
  CHECK(message(good + "[1, 2, 3]\n") == "trace.jsonl:2: expected a JSON object, got [1,2,3]");
  CHECK(message(good + "{\"timestamp\": 7, \"input_length\": 3,\n") ==
        "trace.jsonl:2: expected a JSON object, got invalid JSON (column 36: syntax error while parsing object "
        "key - unexpected end of input; expected string literal)");
  CHECK(message(good + "{\"timestamp\": 4, \"input_length\": 3, \"output_length\": 2}\n") ==
        "trace.jsonl:2: expected timestamps in non-decreasing order, got 4 ms after 5 ms on line 1");
  CHECK(message("\n \n") ==
        "trace.jsonl: the trace is empty: expected at least one line {\"timestamp\": ms, \"input_length\": N, "
        "\"output_length\": M}");
}

TEST_CASE("Trace format names", "[trace]") {
  CHECK(parse_trace_format("azure_llm_csv") == TraceFormat::azure_llm_csv);
  CHECK(parse_trace_format("mooncake_jsonl") == TraceFormat::mooncake_jsonl);
  CHECK(trace_format_name(TraceFormat::mooncake_jsonl) == "mooncake_jsonl");
  REQUIRE_THROWS_WITH(parse_trace_format("azure"),
                      "unknown trace format 'azure': expected one of azure_llm_csv, mooncake_jsonl");
  CHECK(read_request_trace(TraceFormat::mooncake_jsonl, kFixtures + "mooncake_small.jsonl").size() == 12);
}

TEST_CASE("Trace replay reproduces count, tokens and times exactly", "[trace]") {
  for (const char* name : {"azure_llm_small.csv", "mooncake_small.jsonl"}) {
    INFO(name);
    const bool is_azure = std::string(name).ends_with(".csv");
    const std::vector<TraceRecord> rows = is_azure ? read_azure_llm_trace(kFixtures + name)
                                                   : read_mooncake_trace(kFixtures + name);
    TraceArrivals replay(rows, {}, name);
    const std::vector<Arrival> arrivals = drain(replay);
    REQUIRE(arrivals.size() == rows.size());
    std::int64_t input = 0, output = 0;
    for (std::size_t i = 0; i < arrivals.size(); ++i) {
      CHECK(arrivals[i].time == (is_azure ? kAzureTimes : kMooncakeTimes)[i]);
      CHECK(arrivals[i].input_tokens == rows[i].input_tokens);
      CHECK(arrivals[i].output_tokens == rows[i].output_tokens);
      input += arrivals[i].input_tokens;
      output += arrivals[i].output_tokens;
    }
    const TraceSummary summary = summarize_trace(rows);
    CHECK(input == summary.total_input_tokens);
    CHECK(output == summary.total_output_tokens);
    RandomStream stream = make_stream(1, "unused");
    CHECK_FALSE(replay.next(stream).has_value());
    CHECK_FALSE(replay.next(stream).has_value());
  }
}

TEST_CASE("Trace replay: time_scale and rate_scale scale the gaps", "[trace]") {
  const std::vector<TraceRecord> rows = read_azure_llm_trace(kFixtures + "azure_llm_small.csv");
  const double base_rate = TraceArrivals(rows).mean_rate();
  CHECK(base_rate == Approx(11.0 / 13.0));

  SECTION("time_scale 0.5 halves every gap") {
    TraceReplayOptions options;
    options.time_scale = 0.5;
    TraceArrivals replay(rows, options);
    const std::vector<Arrival> arrivals = drain(replay);
    REQUIRE(arrivals.size() == 12);
    for (std::size_t i = 0; i < 12; ++i) CHECK(arrivals[i].time == kAzureTimes[i] / 2);
    for (std::size_t i = 1; i < 12; ++i)
      CHECK(arrivals[i].time - arrivals[i - 1].time == Approx((kAzureTimes[i] - kAzureTimes[i - 1]) / 2));
    CHECK(replay.mean_rate() == Approx(2 * base_rate));
  }
  SECTION("rate_scale 2 is the same as time_scale 0.5") {
    TraceReplayOptions options;
    options.rate_scale = 2.0;
    TraceArrivals replay(rows, options);
    const std::vector<Arrival> arrivals = drain(replay);
    for (std::size_t i = 0; i < 12; ++i) CHECK(arrivals[i].time == kAzureTimes[i] / 2);
  }
  SECTION("both multiply: time_scale 0.5 and rate_scale 2 quarter the gaps") {
    TraceReplayOptions options;
    options.time_scale = 0.5;
    options.rate_scale = 2.0;
    TraceArrivals replay(rows, options);
    const std::vector<Arrival> arrivals = drain(replay);
    for (std::size_t i = 0; i < 12; ++i) CHECK(arrivals[i].time == kAzureTimes[i] / 4);
    CHECK(replay.mean_rate() == Approx(4 * base_rate));
  }
  SECTION("time_scale 3 slows down") {
    TraceReplayOptions options;
    options.time_scale = 3.0;
    TraceArrivals replay(rows, options);
    const std::vector<Arrival> arrivals = drain(replay);
    CHECK(arrivals.back().time == Approx(39.0));
    CHECK(replay.mean_rate() == Approx(base_rate / 3));
  }
}

TEST_CASE("Trace replay: loop shifts each pass by span plus mean gap", "[trace]") {
  const std::vector<TraceRecord> rows = read_azure_llm_trace(kFixtures + "azure_llm_small.csv");
  const double span = 13.0, mean_gap = 13.0 / 11.0, pass = span + mean_gap;
  TraceReplayOptions options;
  options.loop = true;
  options.max_requests = 40;
  TraceArrivals replay(rows, options);
  CHECK(replay.pass_length() == Approx(pass));
  const std::vector<Arrival> arrivals = drain(replay);
  REQUIRE(arrivals.size() == 40);  // 3 passes and 4 rows of the fourth
  for (std::size_t i = 0; i < arrivals.size(); ++i) {
    INFO("arrival " << i);
    CHECK(arrivals[i].time == Approx(kAzureTimes[i % 12] + static_cast<double>(i / 12) * pass).margin(1e-9));
    CHECK(arrivals[i].input_tokens == rows[i % 12].input_tokens);
    if (i > 0) CHECK(arrivals[i].time >= arrivals[i - 1].time);
  }
  // The first row of a pass follows the last row of the previous one by the mean gap.
  CHECK(arrivals[12].time - arrivals[11].time == Approx(mean_gap));
  // The long-run rate stays the trace's: 12 requests per pass.
  CHECK(12.0 / pass == Approx(replay.mean_rate()));
  CHECK(replay.mean_rate() == Approx(11.0 / 13.0));

  SECTION("loop with time_scale scales the pass too") {
    options.time_scale = 0.5;
    TraceArrivals fast(rows, options);
    const std::vector<Arrival> fast_arrivals = drain(fast);
    CHECK(fast_arrivals[12].time == Approx(pass / 2));
    CHECK(fast_arrivals[25].time == Approx((2 * pass + kAzureTimes[1]) / 2));
  }
}

TEST_CASE("Trace replay: start_offset and max_requests", "[trace]") {
  const std::vector<TraceRecord> rows = read_azure_llm_trace(kFixtures + "azure_llm_small.csv");
  SECTION("start_offset skips the first seconds; trace time start_offset becomes time 0") {
    TraceReplayOptions options;
    options.start_offset = 2.9;
    TraceArrivals replay(rows, options);
    CHECK(replay.rows_per_pass() == 6);
    const std::vector<Arrival> arrivals = drain(replay);
    REQUIRE(arrivals.size() == 6);
    CHECK(arrivals[0].time == 0.0);
    CHECK(arrivals[0].input_tokens == 2048);
    CHECK(arrivals[1].time == 0.25);
    CHECK(arrivals[5].time == 10.1);
  }
  SECTION("an offset between rows keeps the gap to the next row") {
    TraceReplayOptions options;
    options.start_offset = 3.0;
    options.time_scale = 2.0;
    TraceArrivals replay(rows, options);
    const std::vector<Arrival> arrivals = drain(replay);
    REQUIRE(arrivals.size() == 5);
    CHECK(arrivals[0].time == Approx(0.3));
    CHECK(arrivals[0].input_tokens == 77);
  }
  SECTION("offset with loop: passes repeat the kept rows") {
    TraceReplayOptions options;
    options.start_offset = 3.0;
    options.loop = true;
    options.max_requests = 10;
    TraceArrivals replay(rows, options);
    const double span = 13.0 - 3.15, pass = span + span / 4;
    const std::vector<Arrival> arrivals = drain(replay);
    REQUIRE(arrivals.size() == 10);
    CHECK(arrivals[5].time == Approx(0.15 + pass));
    CHECK(arrivals[5].time - arrivals[4].time == Approx(span / 4));
  }
  SECTION("max_requests stops early") {
    TraceReplayOptions options;
    options.max_requests = 5;
    TraceArrivals replay(rows, options);
    CHECK(drain(replay).size() == 5);
  }
  SECTION("invalid options") {
    TraceReplayOptions options;
    options.start_offset = 13.5;
    CHECK_THROWS_WITH(TraceArrivals(rows, options, "small.csv"),
                      "trace replay of small.csv: start_offset 13.5 s skips the whole trace (13 s long)");
    options = {};
    options.time_scale = 0.0;
    CHECK_THROWS_AS(TraceArrivals(rows, options), std::invalid_argument);
    options = {};
    options.rate_scale = -1.0;
    CHECK_THROWS_AS(TraceArrivals(rows, options), std::invalid_argument);
    options = {};
    options.max_requests = -1;
    CHECK_THROWS_AS(TraceArrivals(rows, options), std::invalid_argument);
    options = {};
    options.loop = true;
    CHECK_THROWS_WITH(TraceArrivals(std::vector<TraceRecord>{{0, 1, 1}, {0, 2, 2}}, options, "flat"),
                      "trace replay of flat: loop needs at least two rows with different times after start_offset, "
                      "got 2 row(s) spanning 0 s");
    CHECK_THROWS_AS(TraceArrivals(std::vector<TraceRecord>{}), std::invalid_argument);
  }
}
