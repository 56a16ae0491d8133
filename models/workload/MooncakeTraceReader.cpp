#include "workload/MooncakeTraceReader.hpp"

#include "workload/TraceTextLines.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace leptonsim {
namespace {

using nlohmann::json;

struct RowValues {
  std::int64_t time_ns = 0;  // absolute, from the row's "timestamp"
  std::int32_t input_tokens = 0;
  std::int32_t output_tokens = 0;
};

constexpr std::int64_t kMaxMilliseconds = std::numeric_limits<std::int64_t>::max() / 1'000'000;

std::optional<std::int64_t> milliseconds_to_ns(std::int64_t ms) {
  if (ms < -kMaxMilliseconds || ms > kMaxMilliseconds) return std::nullopt;
  return ms * 1'000'000;
}
std::optional<std::int64_t> milliseconds_to_ns(std::uint64_t ms) {
  if (ms > static_cast<std::uint64_t>(kMaxMilliseconds)) return std::nullopt;
  return static_cast<std::int64_t>(ms) * 1'000'000;
}
std::optional<std::int64_t> milliseconds_to_ns(double ms) {
  if (!std::isfinite(ms) || std::abs(ms) >= static_cast<double>(kMaxMilliseconds)) return std::nullopt;
  return std::llround(ms * 1e6);
}
std::optional<std::int32_t> token_count(std::uint64_t n) {
  if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) return std::nullopt;
  return static_cast<std::int32_t>(n);
}

// The fast path: a SAX pass that reads the three top-level keys and skips
// everything else (the "hash_ids" arrays) without building a document. It
// gives up (returns false) on anything unusual; the checked path below then
// parses the line again and reports what is wrong.
class RowFieldsHandler final : public json::json_sax_t {
public:
  std::optional<RowValues> result() const {
    if (!time_ns_ || !input_ || !output_) return std::nullopt;
    return RowValues{*time_ns_, *input_, *output_};
  }

  bool null() override { return is_ignored_value(); }
  bool boolean(bool) override { return is_ignored_value(); }
  bool number_integer(number_integer_t value) override {  // negative integers only
    if (!is_top_level_value()) return depth_ > 0;
    if (field_ != Field::timestamp) return field_ == Field::other;
    time_ns_ = milliseconds_to_ns(static_cast<std::int64_t>(value));
    return time_ns_.has_value();
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (!is_top_level_value()) return depth_ > 0;
    switch (field_) {
      case Field::timestamp: time_ns_ = milliseconds_to_ns(static_cast<std::uint64_t>(value)); return time_ns_.has_value();
      case Field::input: input_ = token_count(value); return input_.has_value();
      case Field::output: output_ = token_count(value); return output_.has_value();
      case Field::other: return true;
    }
    return false;
  }
  bool number_float(number_float_t value, const string_t&) override {
    if (!is_top_level_value()) return depth_ > 0;
    if (field_ != Field::timestamp) return field_ == Field::other;
    time_ns_ = milliseconds_to_ns(static_cast<double>(value));
    return time_ns_.has_value();
  }
  bool string(string_t&) override { return is_ignored_value(); }
  bool binary(binary_t&) override { return is_ignored_value(); }
  bool start_object(std::size_t) override { return open_container(/*is_object=*/true); }
  bool key(string_t& key) override {
    if (depth_ != 1) return true;
    field_ = key == "timestamp"       ? Field::timestamp
             : key == "input_length"  ? Field::input
             : key == "output_length" ? Field::output
                                      : Field::other;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override { return open_container(/*is_object=*/false); }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

private:
  enum class Field { other, timestamp, input, output };

  bool is_top_level_value() const { return depth_ == 1; }
  // A null, boolean, string or binary value: fine inside containers and for
  // keys we ignore, wrong for ours and at the top level.
  bool is_ignored_value() const { return depth_ > 1 || (depth_ == 1 && field_ == Field::other); }
  bool open_container(bool is_object) {
    if (depth_ == 0 && !is_object) return false;            // the line must be an object
    if (depth_ == 1 && field_ != Field::other) return false;  // one of our keys holds a container
    ++depth_;
    return true;
  }

  int depth_ = 0;
  Field field_ = Field::other;
  std::optional<std::int64_t> time_ns_;
  std::optional<std::int32_t> input_;
  std::optional<std::int32_t> output_;
};

std::optional<RowValues> parse_row_fast(std::string_view line) {
  RowFieldsHandler handler;
  if (!json::sax_parse(line.begin(), line.end(), &handler)) return std::nullopt;
  return handler.result();
}

// A JSON value for an error message, shortened.
std::string quote_value(const json& value) {
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

// Keeps only the keys we read, so large "hash_ids" arrays are not stored.
bool keep_wanted_keys(int depth, json::parse_event_t event, json& parsed) {
  if (event == json::parse_event_t::key && depth == 1) {
    const auto& key = parsed.get_ref<const std::string&>();
    return key == "timestamp" || key == "input_length" || key == "output_length";
  }
  return true;
}

// The checked path: parses the line into a document and says precisely what
// is wrong with it (throws what fail() makes).
template <typename Fail>
RowValues parse_row_checked(std::string_view line, const Fail& fail) {
  json row;
  try {
    row = json::parse(line.begin(), line.end(), keep_wanted_keys);
  } catch (const json::parse_error& e) {
    std::string reason = e.what();
    const std::string_view marker = "parse error at line 1, ";
    if (const std::size_t at = reason.find(marker); at != std::string::npos) reason.erase(0, at + marker.size());
    throw fail(fmt::format("expected a JSON object, got invalid JSON ({})", reason));
  }
  if (!row.is_object()) throw fail(fmt::format("expected a JSON object, got {}", quote_value(row)));

  RowValues values;
  const auto timestamp = row.find("timestamp");
  if (timestamp == row.end()) throw fail("expected \"timestamp\" as a number of milliseconds, got no such key");
  std::optional<std::int64_t> time_ns;
  if (timestamp->is_number_unsigned())
    time_ns = milliseconds_to_ns(timestamp->get<std::uint64_t>());
  else if (timestamp->is_number_integer())
    time_ns = milliseconds_to_ns(timestamp->get<std::int64_t>());
  else if (timestamp->is_number_float())
    time_ns = milliseconds_to_ns(timestamp->get<double>());
  else
    throw fail(fmt::format("expected \"timestamp\" as a number of milliseconds, got {}", quote_value(*timestamp)));
  if (!time_ns)
    throw fail(fmt::format("expected \"timestamp\" as milliseconds within ±{}, got {}", kMaxMilliseconds,
                           quote_value(*timestamp)));
  values.time_ns = *time_ns;

  const auto tokens = [&](const char* key) -> std::int32_t {
    const auto it = row.find(key);
    if (it == row.end()) throw fail(fmt::format("expected \"{}\" as a non-negative integer, got no such key", key));
    if (it->is_number_unsigned())
      if (const std::optional<std::int32_t> n = token_count(it->get<std::uint64_t>())) return *n;
    throw fail(fmt::format("expected \"{}\" as a non-negative integer, got {}", key, quote_value(*it)));
  };
  values.input_tokens = tokens("input_length");
  values.output_tokens = tokens("output_length");
  return values;
}

}  // namespace

std::vector<TraceRecord> parse_mooncake_trace(std::string_view text, std::string_view source_name) {
  trace_text::LineCursor lines(text);
  std::string_view line;
  const auto fail = [&](std::string_view what) {
    return TraceError(fmt::format("{}:{}: {}", source_name, lines.number(), what));
  };

  std::vector<TraceRecord> records;
  records.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  std::int64_t first_ns = 0, previous_ns = 0;
  long previous_line = 0;
  while (lines.next(line)) {
    if (trace_text::trim(line).empty()) continue;
    std::optional<RowValues> values = parse_row_fast(line);
    if (!values) values = parse_row_checked(line, fail);
    if (records.empty()) {
      first_ns = values->time_ns;
    } else if (values->time_ns < previous_ns) {
      throw fail(fmt::format("expected timestamps in non-decreasing order, got {} ms after {} ms on line {}",
                             static_cast<double>(values->time_ns) / 1e6, static_cast<double>(previous_ns) / 1e6,
                             previous_line));
    }
    previous_ns = values->time_ns;
    previous_line = lines.number();
    records.push_back({values->time_ns - first_ns, values->input_tokens, values->output_tokens});
  }
  if (records.empty())
    throw TraceError(fmt::format(
        "{}: the trace is empty: expected at least one line {{\"timestamp\": ms, \"input_length\": N, "
        "\"output_length\": M}}",
        source_name));
  return records;
}

std::vector<TraceRecord> read_mooncake_trace(const std::filesystem::path& path) {
  const std::string text = read_trace_file_text(path);
  return parse_mooncake_trace(text, path.string());
}

}  // namespace leptonsim
