// Units: quantity strings of scenario files -> SI doubles.
#include "Units.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace leptonsim;
using Catch::Matchers::Contains;

namespace {

double parsed(QuantityKind kind, const std::string& text) {
  const QuantityResult result = try_parse_quantity(kind, text);
  INFO("parsing `" << text << "`: " << result.error);
  REQUIRE(result.ok());
  return result.value;
}

std::string error_of(QuantityKind kind, const std::string& text) {
  const QuantityResult result = try_parse_quantity(kind, text);
  INFO("parsing `" << text << "` should fail");
  REQUIRE_FALSE(result.ok());
  return result.error;
}

}  // namespace

TEST_CASE("durations parse to seconds", "[units]") {
  using K = QuantityKind;
  CHECK(parsed(K::duration, "250us") == Approx(250e-6));
  CHECK(parsed(K::duration, "30ms") == Approx(0.030));
  CHECK(parsed(K::duration, "30s") == Approx(30.0));
  CHECK(parsed(K::duration, "5min") == Approx(300.0));
  CHECK(parsed(K::duration, "2h") == Approx(7200.0));
  CHECK(parsed(K::duration, "1d") == Approx(86400.0));
  CHECK(parsed(K::duration, "500ns") == Approx(500e-9));
  CHECK(parsed(K::duration, "2\u00b5s") == Approx(2e-6));
  CHECK(parsed(K::duration, "1.5h") == Approx(5400.0));
  CHECK(parsed(K::duration, "45") == Approx(45.0));        // plain number = seconds
  CHECK(parsed(K::duration, "1e-3") == Approx(0.001));
  CHECK(parsed(K::duration, " 30 s ") == Approx(30.0));    // spaces are allowed
  CHECK(parsed(K::duration, "0s") == 0.0);
  CHECK(parsed(K::duration, "-5s") == Approx(-5.0));       // ranges are the schema's business
  CHECK(parse_duration("10min") == Approx(600.0));
}

TEST_CASE("bandwidths parse to bytes per second, bits by lower-case b", "[units]") {
  using K = QuantityKind;
  CHECK(parsed(K::bandwidth, "400Gbps") == Approx(50e9));
  CHECK(parsed(K::bandwidth, "100Mbps") == Approx(12.5e6));
  CHECK(parsed(K::bandwidth, "50GBps") == Approx(50e9));
  CHECK(parsed(K::bandwidth, "1.6Tbps") == Approx(200e9));
  CHECK(parsed(K::bandwidth, "8bps") == Approx(1.0));
  CHECK(parsed(K::bandwidth, "10kbps") == Approx(1250.0));
  CHECK(parsed(K::bandwidth, "10Kbps") == Approx(1250.0));
  CHECK(parsed(K::bandwidth, "3.35TBps") == Approx(3.35e12));
  CHECK(parsed(K::bandwidth, "1GiBps") == Approx(1073741824.0));
  CHECK(parsed(K::bandwidth, "400Gb/s") == Approx(50e9));
  CHECK(parsed(K::bandwidth, "64GB/s") == Approx(64e9));
  CHECK(parsed(K::bandwidth, "1000") == Approx(1000.0));   // plain number = bytes/s
  CHECK(parse_bandwidth("100Gbps") == Approx(12.5e9));
}

TEST_CASE("sizes parse to bytes, decimal and binary prefixes", "[units]") {
  using K = QuantityKind;
  CHECK(parsed(K::size, "80GiB") == Approx(80.0 * 1024 * 1024 * 1024));
  CHECK(parsed(K::size, "80GB") == Approx(80e9));
  CHECK(parsed(K::size, "256MB") == Approx(256e6));
  CHECK(parsed(K::size, "1TiB") == Approx(1024.0 * 1024 * 1024 * 1024));
  CHECK(parsed(K::size, "4KiB") == Approx(4096.0));
  CHECK(parsed(K::size, "4kB") == Approx(4000.0));
  CHECK(parsed(K::size, "4KB") == Approx(4000.0));
  CHECK(parsed(K::size, "12B") == Approx(12.0));
  CHECK(parsed(K::size, "1e6") == Approx(1e6));
  CHECK(parse_size("2PiB") == Approx(2.0 * 1024 * 1024 * 1024 * 1024 * 1024));
}

TEST_CASE("compute rates and amounts parse to FLOP/s and FLOP", "[units]") {
  using K = QuantityKind;
  CHECK(parsed(K::compute_rate, "989TFLOPS") == Approx(989e12));
  CHECK(parsed(K::compute_rate, "1.2PFLOPS") == Approx(1.2e15));
  CHECK(parsed(K::compute_rate, "500GFLOPS") == Approx(500e9));
  CHECK(parsed(K::compute_rate, "2EFLOPS") == Approx(2e18));
  CHECK(parsed(K::compute_rate, "989TFLOP/s") == Approx(989e12));
  CHECK(parsed(K::compute_amount, "5e12FLOP") == Approx(5e12));
  CHECK(parsed(K::compute_amount, "3TFLOP") == Approx(3e12));
  CHECK(parsed(K::compute_amount, "1.2PFLOP") == Approx(1.2e15));
  CHECK(parsed(K::compute_amount, "70e9") == Approx(70e9));
  CHECK(parse_compute_rate("1PFLOPS") == Approx(1e15));
  CHECK(parse_compute_amount("1GFLOP") == Approx(1e9));
}

TEST_CASE("money rates parse to USD per hour", "[units]") {
  using K = QuantityKind;
  CHECK(parsed(K::money_rate, "$2.99/h") == Approx(2.99));
  CHECK(parsed(K::money_rate, "$0.5/min") == Approx(30.0));
  CHECK(parsed(K::money_rate, "$24/d") == Approx(1.0));
  CHECK(parsed(K::money_rate, "$0.01/s") == Approx(36.0));
  CHECK(parsed(K::money_rate, "$98.32/h") == Approx(98.32));
  CHECK(parsed(K::money_rate, "3.5") == Approx(3.5));  // plain number = USD per hour
  CHECK(parse_money_rate("$1/h") == Approx(1.0));
}

TEST_CASE("rates parse to events per second", "[units]") {
  using K = QuantityKind;
  CHECK(parsed(K::rate, "40/s") == Approx(40.0));
  CHECK(parsed(K::rate, "2400/min") == Approx(40.0));
  CHECK(parsed(K::rate, "1.5/h") == Approx(1.5 / 3600.0));
  CHECK(parsed(K::rate, "86400/d") == Approx(1.0));
  CHECK(parsed(K::rate, "12") == Approx(12.0));
  CHECK(parse_rate("60/min") == Approx(1.0));
}

TEST_CASE("power parses to watts", "[units]") {
  using K = QuantityKind;
  CHECK(parsed(K::power, "700W") == Approx(700.0));
  CHECK(parsed(K::power, "1.2kW") == Approx(1200.0));
  CHECK(parsed(K::power, "2MW") == Approx(2e6));
  CHECK(parsed(K::power, "350") == Approx(350.0));
  CHECK(parse_power("1kW") == Approx(1000.0));
}

TEST_CASE("plain numbers accept exponents and reject units", "[units]") {
  using K = QuantityKind;
  CHECK(parsed(K::number, "70e9") == Approx(70e9));
  CHECK(parsed(K::number, "0.5") == Approx(0.5));
  CHECK(parsed(K::number, "+3") == Approx(3.0));
  CHECK(parsed(K::number, "-2.5") == Approx(-2.5));
  CHECK(parsed(K::number, ".25") == Approx(0.25));
  CHECK(parsed(K::number, "1E3") == Approx(1000.0));
  CHECK(parse_number("42") == 42.0);
  CHECK_THAT(error_of(K::number, "3s"), Contains("plain number") && Contains("without a unit"));
}

TEST_CASE("unit typos fail naming the accepted units", "[units]") {
  using K = QuantityKind;
  const std::string sec = error_of(K::duration, "30sec");
  CHECK_THAT(sec, Contains("unknown duration unit `sec`"));
  CHECK_THAT(sec, Contains("ms, s, min, h, d"));
  CHECK_THAT(sec, Contains("a plain number is seconds"));

  const std::string gbs = error_of(K::bandwidth, "400Gbs");
  CHECK_THAT(gbs, Contains("unknown bandwidth unit `Gbs`"));
  CHECK_THAT(gbs, Contains("did you mean `Gbps`?"));
  CHECK_THAT(gbs, Contains("Gbps") && Contains("GBps"));

  CHECK_THAT(error_of(K::size, "80Gb"), Contains("unknown size unit `Gb`") && Contains("GiB"));
  CHECK_THAT(error_of(K::duration, "30m"), Contains("unknown duration unit `m`") && Contains("min"));
  CHECK_THAT(error_of(K::compute_rate, "989TFLOP"), Contains("did you mean `TFLOPS`?"));
  CHECK_THAT(error_of(K::compute_amount, "3TFLOPS"), Contains("did you mean `TFLOP`?"));
  CHECK_THAT(error_of(K::power, "700w"), Contains("did you mean `W`?"));
  CHECK_THAT(error_of(K::rate, "40/sec"), Contains("unknown rate unit `/sec`") && Contains("/min"));
  CHECK_THAT(error_of(K::money_rate, "$3/hour"), Contains("unknown money rate unit `/hour`") && Contains("$N/h"));
}

TEST_CASE("a unit of another kind is named as such", "[units]") {
  CHECK_THAT(error_of(QuantityKind::duration, "80GiB"), Contains("`GiB` is a size unit"));
  CHECK_THAT(error_of(QuantityKind::size, "400Gbps"), Contains("`Gbps` is a bandwidth unit"));
}

TEST_CASE("malformed quantities fail with the expected form", "[units]") {
  using K = QuantityKind;
  CHECK_THAT(error_of(K::duration, ""), Contains("expected a duration such as") && Contains("got nothing"));
  CHECK_THAT(error_of(K::duration, "   "), Contains("got nothing"));
  CHECK_THAT(error_of(K::duration, "soon"), Contains("expected a duration such as `250us`") && Contains("`soon`"));
  CHECK_THAT(error_of(K::bandwidth, "Gbps"), Contains("expected a bandwidth such as `400Gbps`"));
  CHECK_THAT(error_of(K::money_rate, "$"), Contains("expected a money rate such as `$2.99/h`"));
  CHECK_THAT(error_of(K::number, "inf"), Contains("expected a plain number"));
  CHECK_THAT(error_of(K::number, "nan"), Contains("expected a plain number"));
  CHECK_THAT(error_of(K::number, "1e999"), Contains("out of range"));
  CHECK_THAT(error_of(K::duration, "1,5s"), Contains("unknown duration unit `,5s`"));
  CHECK_THAT(error_of(K::duration, "--5s"), Contains("expected a duration"));
}

TEST_CASE("parse_quantity throws a typed UnitError", "[units]") {
  CHECK_THROWS_AS(parse_duration("30sec"), UnitError);
  CHECK_THROWS_WITH(parse_bandwidth("400Gbs"), Contains("did you mean `Gbps`?"));
  try {
    parse_size("lots");
    FAIL("no exception");
  } catch (const UnitError& error) {
    CHECK(error.kind() == QuantityKind::size);
    CHECK_THAT(error.what(), Contains("expected a size such as `80GiB`"));
  }
  CHECK_THROWS_AS(parse_number("3 apples"), std::invalid_argument);  // UnitError is an invalid_argument
}

TEST_CASE("every kind documents its unit, examples and accepted units", "[units]") {
  for (QuantityKind kind : all_quantity_kinds()) {
    INFO(quantity_kind_name(kind));
    CHECK_FALSE(quantity_kind_name(kind).empty());
    CHECK_FALSE(quantity_examples(kind).empty());
    if (kind == QuantityKind::number) {
      CHECK(quantity_si_unit(kind).empty());
      CHECK(quantity_accepted_units(kind).empty());
      continue;
    }
    CHECK_FALSE(quantity_si_unit(kind).empty());
    CHECK_FALSE(quantity_accepted_units(kind).empty());
    CHECK_FALSE(quantity_units_summary(kind).empty());
    // Each accepted unit parses, and its examples parse.
    for (const auto& unit : quantity_accepted_units(kind)) {
      const std::string text = (kind == QuantityKind::money_rate ? "$2" : "2") + unit;
      INFO(text);
      CHECK(try_parse_quantity(kind, text).ok());
    }
    std::string examples(quantity_examples(kind));
    for (std::size_t start = examples.find('`'); start != std::string::npos;) {
      const std::size_t end = examples.find('`', start + 1);
      const std::string example = examples.substr(start + 1, end - start - 1);
      INFO(example);
      CHECK(try_parse_quantity(kind, example).ok());
      start = examples.find('`', end + 1);
    }
  }
}
