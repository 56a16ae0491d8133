// Header-driven CSV reading shared by the job-trace readers (internal).
// Columns are found by name in the header (any order, extra columns ignored);
// every row must have as many fields as the header. Fields are split at commas
// (the job traces do not quote fields) and trimmed. Blank lines are skipped.
#pragma once

#include "workload/JobRecord.hpp"
#include "workload/TraceRecord.hpp"
#include "workload/TraceTextLines.hpp"

#include <initializer_list>
#include <string_view>
#include <vector>

namespace leptonsim::job_trace_csv {

// Index of a column in the header, or kAbsent for an optional column that is
// not there (its fields then read as empty).
using Column = int;
inline constexpr Column kAbsent = -1;

class CsvRows {
public:
  // Reads the header (the first non-blank line). Throws TraceError when the
  // text is empty, or the header lacks one of the required columns or names a
  // column twice.
  CsvRows(std::string_view text, std::string_view source_name, std::initializer_list<std::string_view> required);

  // The column's index; throws std::logic_error for a required column the
  // constructor did not check. optional_column gives kAbsent when missing.
  Column column(std::string_view name) const;
  Column optional_column(std::string_view name) const;

  // Moves to the next non-blank row (false at the end). Throws TraceError when
  // the row does not have as many fields as the header.
  bool next();
  long line() const { return lines_.number(); }

  std::string_view text(Column c) const { return c == kAbsent ? std::string_view{} : fields_[static_cast<std::size_t>(c)]; }
  // A non-empty field.
  std::string_view required_text(Column c) const;
  // An integer ≥ 0.
  std::int64_t non_negative_integer(Column c) const;
  std::optional<std::int64_t> optional_non_negative_integer(Column c) const;  // empty → nullopt
  // A finite decimal number ≥ 0.
  double non_negative_number(Column c) const;
  std::optional<double> optional_non_negative_number(Column c) const;  // empty → nullopt
  // A time in seconds: a finite decimal number, or "YYYY-MM-DD HH:MM:SS" (or
  // with 'T'), read as UTC seconds since 1970.
  double time_seconds(Column c) const;
  std::optional<double> optional_time_seconds(Column c) const;  // empty → nullopt

  // "source:line: column 'name': expected <expected>, got '<field>'".
  TraceError field_error(Column c, std::string_view expected) const;

private:
  std::string_view source_name_;
  trace_text::LineCursor lines_;
  std::vector<std::string_view> header_;
  std::vector<std::string_view> fields_;
};

// Splits at commas, trimming spaces and tabs around each field.
void split_fields(std::string_view line, std::vector<std::string_view>& fields);

// A decimal number (from_chars syntax, no leading '+'); nullopt if not one.
std::optional<double> parse_number(std::string_view s);
// "YYYY-MM-DD HH:MM:SS" → seconds since 1970-01-01 00:00:00 (UTC); nullopt if not one.
std::optional<double> parse_date_time_seconds(std::string_view s);

// Orders the jobs by submit time (stable) and rebases the times so that the
// earliest is 0. Throws TraceError naming source_name when a trace has no rows.
void finish_import(JobTraceImport& import, std::string_view source_name);

}  // namespace leptonsim::job_trace_csv
