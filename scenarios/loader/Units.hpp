// Units: parse quantity strings of scenario files ("30s", "400Gbps", "80GiB",
// "989TFLOPS", "$2.99/h", "40/s", "700W") into doubles in SI base units, except
// for prices of energy and data and for carbon intensity, which keep the units
// they are quoted in (USD/kWh, USD/GB, USD/GB-month, g/kWh).
//
// Every kind accepts a plain number, taken in the kind's stored unit (seconds,
// bytes/s, bytes, FLOP/s, FLOP, USD per hour, per second, watts, USD, ...). Units are
// case-sensitive: a lower-case `b` is a bit and an upper-case `B` a byte;
// `k`/`K` is 10^3, `M` 10^6, `G` 10^9, `T` 10^12, `P` 10^15, `E` 10^18, and
// `Ki`, `Mi`, `Gi`, `Ti`, `Pi` are powers of 1024. A space between the number
// and the unit is allowed ("30 s").
//
// Errors are values (try_parse_quantity) or typed exceptions (parse_quantity
// and the parse_* shortcuts throw UnitError); either way the message names the
// expected form and the accepted units.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace leptonsim {

enum class QuantityKind {
  number,          // a plain number without a unit ("70e9"); stored as is
  duration,        // seconds
  bandwidth,       // bytes per second
  size,            // bytes
  compute_rate,    // FLOP per second
  compute_amount,  // FLOP
  money_rate,      // USD per hour
  rate,            // events per second
  power,           // watts
  money,           // USD
  energy_price,    // USD per kWh
  transfer_price,  // USD per GB (10^9 bytes) moved
  storage_price,   // USD per GB (10^9 bytes) stored per month (730 h)
  carbon_intensity,// grams of CO2-equivalent per kWh
};

// The outcome of a parse: the value in SI units, or an error message.
struct QuantityResult {
  double value = 0.0;  // SI value; meaningful only when ok()
  std::string error;   // empty on success; otherwise a complete sentence for the user
  bool ok() const { return error.empty(); }
};

// Thrown by parse_quantity and the parse_* shortcuts.
class UnitError : public std::invalid_argument {
public:
  UnitError(QuantityKind kind, const std::string& message)
      : std::invalid_argument(message), kind_(kind) {}
  QuantityKind kind() const { return kind_; }

private:
  QuantityKind kind_;
};

// Parses `text` as a quantity of `kind`; never throws.
QuantityResult try_parse_quantity(QuantityKind kind, std::string_view text);
// Parses `text` as a quantity of `kind`; throws UnitError on error.
double parse_quantity(QuantityKind kind, std::string_view text);

inline double parse_number(std::string_view text) { return parse_quantity(QuantityKind::number, text); }
inline double parse_duration(std::string_view text) { return parse_quantity(QuantityKind::duration, text); }
inline double parse_bandwidth(std::string_view text) { return parse_quantity(QuantityKind::bandwidth, text); }
inline double parse_size(std::string_view text) { return parse_quantity(QuantityKind::size, text); }
inline double parse_compute_rate(std::string_view text) { return parse_quantity(QuantityKind::compute_rate, text); }
inline double parse_compute_amount(std::string_view text) { return parse_quantity(QuantityKind::compute_amount, text); }
inline double parse_money_rate(std::string_view text) { return parse_quantity(QuantityKind::money_rate, text); }
inline double parse_rate(std::string_view text) { return parse_quantity(QuantityKind::rate, text); }
inline double parse_power(std::string_view text) { return parse_quantity(QuantityKind::power, text); }

// Every kind, in declaration order (for documentation and tests).
const std::vector<QuantityKind>& all_quantity_kinds();
// A short name for messages and docs: "duration", "bandwidth", "compute amount", ...
std::string_view quantity_kind_name(QuantityKind kind);
// The unit values are stored in: "s", "B/s", "B", "FLOP/s", "FLOP", "USD/h", "1/s", "W"; "" for number.
std::string_view quantity_si_unit(QuantityKind kind);
// The accepted unit suffixes, e.g. {"ns", "us", "µs", "ms", "s", "min", "h", "d"}; empty for number.
std::vector<std::string> quantity_accepted_units(QuantityKind kind);
// The accepted units in a compact form for messages and docs (spelling variants summarised).
std::string quantity_units_summary(QuantityKind kind);
// Typical examples of the written form, e.g. "`250us`, `30s`, `5min`, `2h`".
std::string_view quantity_examples(QuantityKind kind);

}  // namespace leptonsim
