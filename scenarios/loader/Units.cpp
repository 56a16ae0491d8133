#include "Units.hpp"

#include "common/TextDistance.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

namespace leptonsim {
namespace {

struct UnitDefinition {
  std::string suffix;  // as written after the number, e.g. "Gbps"
  double factor;       // multiply the number by this to get SI units
};

using UnitTable = std::vector<UnitDefinition>;

struct Prefix {
  const char* symbol;
  double factor;
};

constexpr Prefix decimal_prefixes[] = {{"", 1.0},   {"k", 1e3},  {"K", 1e3},  {"M", 1e6},
                                       {"G", 1e9},  {"T", 1e12}, {"P", 1e15}, {"E", 1e18}};
constexpr Prefix binary_prefixes[] = {{"Ki", 1024.0},
                                      {"Mi", 1024.0 * 1024.0},
                                      {"Gi", 1024.0 * 1024.0 * 1024.0},
                                      {"Ti", 1024.0 * 1024.0 * 1024.0 * 1024.0},
                                      {"Pi", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0}};

UnitTable make_duration_units() {
  return {{"ns", 1e-9}, {"us", 1e-6}, {"\u00b5s", 1e-6}, {"ms", 1e-3},
          {"s", 1.0},   {"min", 60.0}, {"h", 3600.0},    {"d", 86400.0}, {"y", 365 * 86400.0}};
}

UnitTable make_bandwidth_units() {
  UnitTable units;
  for (const auto& prefix : decimal_prefixes) {
    units.push_back({fmt::format("{}bps", prefix.symbol), prefix.factor / 8.0});
    units.push_back({fmt::format("{}b/s", prefix.symbol), prefix.factor / 8.0});
  }
  for (const auto& prefix : decimal_prefixes) {
    units.push_back({fmt::format("{}Bps", prefix.symbol), prefix.factor});
    units.push_back({fmt::format("{}B/s", prefix.symbol), prefix.factor});
  }
  for (const auto& prefix : binary_prefixes) {
    units.push_back({fmt::format("{}Bps", prefix.symbol), prefix.factor});
    units.push_back({fmt::format("{}B/s", prefix.symbol), prefix.factor});
  }
  return units;
}

UnitTable make_size_units() {
  UnitTable units;
  for (const auto& prefix : decimal_prefixes) units.push_back({fmt::format("{}B", prefix.symbol), prefix.factor});
  for (const auto& prefix : binary_prefixes) units.push_back({fmt::format("{}B", prefix.symbol), prefix.factor});
  return units;
}

UnitTable make_compute_rate_units() {
  UnitTable units;
  for (const auto& prefix : decimal_prefixes) {
    units.push_back({fmt::format("{}FLOPS", prefix.symbol), prefix.factor});
    units.push_back({fmt::format("{}FLOP/s", prefix.symbol), prefix.factor});
  }
  return units;
}

UnitTable make_compute_amount_units() {
  UnitTable units;
  for (const auto& prefix : decimal_prefixes) units.push_back({fmt::format("{}FLOP", prefix.symbol), prefix.factor});
  return units;
}

UnitTable make_money_rate_units() {  // USD per hour
  return {{"/s", 3600.0}, {"/min", 60.0}, {"/h", 1.0}, {"/d", 1.0 / 24.0}};
}

UnitTable make_rate_units() {  // per second
  return {{"/s", 1.0}, {"/min", 1.0 / 60.0}, {"/h", 1.0 / 3600.0}, {"/d", 1.0 / 86400.0}};
}

UnitTable make_power_units() { return {{"W", 1.0}, {"kW", 1e3}, {"MW", 1e6}}; }

UnitTable make_money_units() { return {{"k", 1e3}, {"M", 1e6}}; }  // USD

UnitTable make_energy_price_units() { return {{"/kWh", 1.0}, {"/MWh", 1e-3}, {"/Wh", 1e3}}; }  // USD per kWh

UnitTable make_transfer_price_units() {  // USD per GB
  return {{"/GB", 1.0}, {"/TB", 1e-3}, {"/MB", 1e3}, {"/GiB", 1e9 / 1073741824.0}, {"/TiB", 1e9 / 1099511627776.0}};
}

UnitTable make_storage_price_units() {  // USD per GB-month
  return {{"/GB-month", 1.0}, {"/TB-month", 1e-3}, {"/GiB-month", 1e9 / 1073741824.0},
          {"/TiB-month", 1e9 / 1099511627776.0}};
}

UnitTable make_carbon_intensity_units() { return {{"g/kWh", 1.0}, {"kg/kWh", 1e3}, {"kg/MWh", 1.0}, {"t/GWh", 1.0}}; }

bool is_money_kind(QuantityKind kind) {
  return kind == QuantityKind::money_rate || kind == QuantityKind::money || kind == QuantityKind::energy_price ||
         kind == QuantityKind::transfer_price || kind == QuantityKind::storage_price;
}

const UnitTable& units_of(QuantityKind kind) {
  static const UnitTable none;
  static const UnitTable duration = make_duration_units();
  static const UnitTable bandwidth = make_bandwidth_units();
  static const UnitTable size = make_size_units();
  static const UnitTable compute_rate = make_compute_rate_units();
  static const UnitTable compute_amount = make_compute_amount_units();
  static const UnitTable money_rate = make_money_rate_units();
  static const UnitTable rate = make_rate_units();
  static const UnitTable power = make_power_units();
  static const UnitTable money = make_money_units();
  static const UnitTable energy_price = make_energy_price_units();
  static const UnitTable transfer_price = make_transfer_price_units();
  static const UnitTable storage_price = make_storage_price_units();
  static const UnitTable carbon_intensity = make_carbon_intensity_units();
  switch (kind) {
    case QuantityKind::number: return none;
    case QuantityKind::duration: return duration;
    case QuantityKind::bandwidth: return bandwidth;
    case QuantityKind::size: return size;
    case QuantityKind::compute_rate: return compute_rate;
    case QuantityKind::compute_amount: return compute_amount;
    case QuantityKind::money_rate: return money_rate;
    case QuantityKind::rate: return rate;
    case QuantityKind::power: return power;
    case QuantityKind::money: return money;
    case QuantityKind::energy_price: return energy_price;
    case QuantityKind::transfer_price: return transfer_price;
    case QuantityKind::storage_price: return storage_price;
    case QuantityKind::carbon_intensity: return carbon_intensity;
  }
  return none;
}

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

// A description of the expected form, used at the start of error messages.
std::string expected_form(QuantityKind kind) {
  if (kind == QuantityKind::number) return fmt::format("a plain number such as {}", quantity_examples(kind));
  return fmt::format("a {} such as {}", quantity_kind_name(kind), quantity_examples(kind));
}

std::string plain_number_meaning(QuantityKind kind) {
  switch (kind) {
    case QuantityKind::number: return "";
    case QuantityKind::duration: return "a plain number is seconds";
    case QuantityKind::bandwidth: return "a plain number is bytes/s";
    case QuantityKind::size: return "a plain number is bytes";
    case QuantityKind::compute_rate: return "a plain number is FLOP/s";
    case QuantityKind::compute_amount: return "a plain number is FLOP";
    case QuantityKind::money_rate: return "a plain number is USD per hour";
    case QuantityKind::rate: return "a plain number is per second";
    case QuantityKind::power: return "a plain number is watts";
    case QuantityKind::money: return "a plain number is USD";
    case QuantityKind::energy_price: return "a plain number is USD per kWh";
    case QuantityKind::transfer_price: return "a plain number is USD per GB";
    case QuantityKind::storage_price: return "a plain number is USD per GB-month";
    case QuantityKind::carbon_intensity: return "a plain number is g/kWh";
  }
  return "";
}

// Which other kind, if any, accepts `suffix` (to explain "`GB` is a size unit").
std::optional<QuantityKind> kind_accepting(std::string_view suffix) {
  for (QuantityKind other : all_quantity_kinds())
    for (const auto& unit : units_of(other))
      if (unit.suffix == suffix) return other;
  return std::nullopt;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

QuantityResult failure(std::string message) {
  QuantityResult result;
  result.error = std::move(message);
  return result;
}

}  // namespace

const std::vector<QuantityKind>& all_quantity_kinds() {
  static const std::vector<QuantityKind> kinds = {
      QuantityKind::number,         QuantityKind::duration,   QuantityKind::bandwidth,
      QuantityKind::size,           QuantityKind::compute_rate, QuantityKind::compute_amount,
      QuantityKind::money_rate,     QuantityKind::rate,       QuantityKind::power,
      QuantityKind::money,          QuantityKind::energy_price, QuantityKind::transfer_price,
      QuantityKind::storage_price,  QuantityKind::carbon_intensity};
  return kinds;
}

std::string_view quantity_kind_name(QuantityKind kind) {
  switch (kind) {
    case QuantityKind::number: return "number";
    case QuantityKind::duration: return "duration";
    case QuantityKind::bandwidth: return "bandwidth";
    case QuantityKind::size: return "size";
    case QuantityKind::compute_rate: return "compute rate";
    case QuantityKind::compute_amount: return "compute amount";
    case QuantityKind::money_rate: return "money rate";
    case QuantityKind::rate: return "rate";
    case QuantityKind::power: return "power";
    case QuantityKind::money: return "amount of money";
    case QuantityKind::energy_price: return "energy price";
    case QuantityKind::transfer_price: return "data transfer price";
    case QuantityKind::storage_price: return "storage price";
    case QuantityKind::carbon_intensity: return "carbon intensity";
  }
  return "quantity";
}

std::string_view quantity_si_unit(QuantityKind kind) {
  switch (kind) {
    case QuantityKind::number: return "";
    case QuantityKind::duration: return "s";
    case QuantityKind::bandwidth: return "B/s";
    case QuantityKind::size: return "B";
    case QuantityKind::compute_rate: return "FLOP/s";
    case QuantityKind::compute_amount: return "FLOP";
    case QuantityKind::money_rate: return "USD/h";
    case QuantityKind::rate: return "1/s";
    case QuantityKind::power: return "W";
    case QuantityKind::money: return "USD";
    case QuantityKind::energy_price: return "USD/kWh";
    case QuantityKind::transfer_price: return "USD/GB";
    case QuantityKind::storage_price: return "USD/GB-month";
    case QuantityKind::carbon_intensity: return "g/kWh";
  }
  return "";
}

std::vector<std::string> quantity_accepted_units(QuantityKind kind) {
  std::vector<std::string> suffixes;
  for (const auto& unit : units_of(kind)) suffixes.push_back(unit.suffix);
  return suffixes;
}

std::string quantity_units_summary(QuantityKind kind) {
  std::vector<std::string> shown;
  for (const auto& unit : units_of(kind)) {
    const std::string& suffix = unit.suffix;
    const bool slash_spelling = (kind == QuantityKind::bandwidth || kind == QuantityKind::compute_rate) &&
                                suffix.find("/s") != std::string::npos;
    const bool upper_kilo = suffix.size() > 1 && suffix[0] == 'K' && suffix[1] != 'i';
    if (!slash_spelling && !upper_kilo) shown.push_back(suffix);
  }
  std::string summary = join(shown, ", ");
  if (kind == QuantityKind::money_rate) summary = "$N/s, $N/min, $N/h, $N/d";
  if (kind == QuantityKind::money) summary = "$N, $Nk, $NM";
  if (kind == QuantityKind::energy_price) summary = "$N/kWh, $N/MWh, $N/Wh";
  if (kind == QuantityKind::transfer_price) summary = "$N/GB, $N/TB, $N/MB, $N/GiB, $N/TiB";
  if (kind == QuantityKind::storage_price) summary = "$N/GB-month, $N/TB-month, $N/GiB-month, $N/TiB-month";
  if (kind == QuantityKind::bandwidth)
    summary += " (lower-case b = bits, upper-case B = bytes; `Gb/s` and `GB/s` spellings and `K` for `k` also work)";
  if (kind == QuantityKind::compute_rate) summary += " (`TFLOP/s` spellings and `K` for `k` also work)";
  if (kind == QuantityKind::size || kind == QuantityKind::compute_amount) summary += " (`K` for `k` also works)";
  return summary;
}

std::string_view quantity_examples(QuantityKind kind) {
  switch (kind) {
    case QuantityKind::number: return "`70e9`, `0.5`, `3`";
    case QuantityKind::duration: return "`250us`, `30ms`, `30s`, `5min`, `2h`, `1d`";
    case QuantityKind::bandwidth: return "`400Gbps`, `100Mbps`, `50GBps`, `1.6Tbps`";
    case QuantityKind::size: return "`80GiB`, `80GB`, `256MB`, `1TiB`";
    case QuantityKind::compute_rate: return "`989TFLOPS`, `1.2PFLOPS`";
    case QuantityKind::compute_amount: return "`5e12FLOP`, `3TFLOP`";
    case QuantityKind::money_rate: return "`$2.99/h`, `$0.5/min`";
    case QuantityKind::rate: return "`40/s`, `2400/min`, `1.5/h`";
    case QuantityKind::power: return "`700W`, `1.2kW`";
    case QuantityKind::money: return "`$289000`, `$289k`";
    case QuantityKind::energy_price: return "`$0.08/kWh`, `$80/MWh`";
    case QuantityKind::transfer_price: return "`$0.09/GB`, `$20/TB`";
    case QuantityKind::storage_price: return "`$0.023/GB-month`, `$20/TB-month`";
    case QuantityKind::carbon_intensity: return "`400g/kWh`, `0.4kg/kWh`";
  }
  return "";
}

QuantityResult try_parse_quantity(QuantityKind kind, std::string_view original) {
  std::string_view text = trim(original);
  if (text.empty()) return failure(fmt::format("expected {}, got nothing", expected_form(kind)));

  if (is_money_kind(kind) && text.front() == '$') text = trim(text.substr(1));

  // The number: an optional sign, then std::from_chars (decimal or exponent form).
  bool negative = false;
  std::string_view digits = text;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  double number = 0.0;
  const auto [end, status] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (status != std::errc() || digits.empty() || !(std::isdigit(static_cast<unsigned char>(digits.front())) ||
                                                   digits.front() == '.')) {
    if (status == std::errc::result_out_of_range)
      return failure(fmt::format("number out of range in `{}`", original));
    return failure(fmt::format("expected {}, got `{}`", expected_form(kind), trim(original)));
  }
  if (!std::isfinite(number)) return failure(fmt::format("expected a finite number, got `{}`", trim(original)));
  if (negative) number = -number;

  const std::string_view suffix = trim(std::string_view(end, digits.data() + digits.size() - end));
  if (suffix.empty()) return QuantityResult{number, {}};

  if (kind == QuantityKind::number)
    return failure(fmt::format("expected a plain number such as {} without a unit, got `{}`",
                               quantity_examples(kind), trim(original)));

  for (const auto& unit : units_of(kind)) {
    if (unit.suffix == suffix) {
      const double value = number * unit.factor;
      if (!std::isfinite(value)) return failure(fmt::format("value out of range in `{}`", trim(original)));
      return QuantityResult{value, {}};
    }
  }

  std::string message = fmt::format("unknown {} unit `{}` in `{}`", quantity_kind_name(kind), suffix, trim(original));
  const auto accepted = quantity_accepted_units(kind);
  // A unit in the wrong case ("700w") first; otherwise the nearest spelling, but not for
  // one-letter suffixes, which are too ambiguous ("30m": minutes or milliseconds?).
  std::optional<std::string> suggestion;
  for (const auto& unit : accepted)
    if (!suggestion && equal_ignoring_case(unit, suffix)) suggestion = unit;
  if (!suggestion && suffix.size() >= 2) suggestion = closest_match(suffix, accepted);
  if (suggestion) {
    message += fmt::format("; did you mean `{}`?", *suggestion);
  } else if (const auto other = kind_accepting(suffix)) {
    message += fmt::format(" (`{}` is a {} unit)", suffix, quantity_kind_name(*other));
  }
  message += fmt::format(" (accepted units: {}; {})", quantity_units_summary(kind), plain_number_meaning(kind));
  return failure(std::move(message));
}

double parse_quantity(QuantityKind kind, std::string_view text) {
  QuantityResult result = try_parse_quantity(kind, text);
  if (!result.ok()) throw UnitError(kind, result.error);
  return result.value;
}

}  // namespace leptonsim
