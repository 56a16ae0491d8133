// SqliteHandle: thin RAII wrappers over the SQLite C API shared by the report
// writer, the report reader and the sweep database (internal to analysis/).
// Errors become SqliteError carrying SQLite's message; callers add the path.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "SqliteReport.hpp"

namespace leptonsim::sqlite {

// carrying SQLite's message; the public functions add the file path.

class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail(sqlite3* db, const std::string& doing) {
  throw SqliteError(fmt::format("{}: {}", doing, db ? sqlite3_errmsg(db) : "out of memory"));
}

class Database {
 public:
  Database(const std::string& path, int flags) {
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw SqliteError(fmt::format("cannot open database {}: {}", path, message));
    }
    sqlite3_extended_result_codes(db_, 1);
  }
  ~Database() { sqlite3_close(db_); }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* get() const { return db_; }

  void exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string message = error ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      throw SqliteError(fmt::format("executing '{}': {}", sql, message));
    }
  }

  // Closes and reports errors (the destructor cannot); all statements must be
  // finalized first.
  void close() {
    if (sqlite3_close(db_) != SQLITE_OK) fail(db_, "closing database");
    db_ = nullptr;
  }

  sqlite3* release() { return std::exchange(db_, nullptr); }

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      fail(db, fmt::format("preparing '{}'", sql));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // The text must stay alive until the next step() (SQLITE_STATIC).
  void bind(int index, const std::string& text) {
    check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_STATIC));
  }
  // NaN is stored as NULL by SQLite.
  void bind(int index, double value) { check(sqlite3_bind_double(stmt_, index, value)); }
  void bind(int index, std::int64_t value) { check(sqlite3_bind_int64(stmt_, index, value)); }
  void bind_null(int index) { check(sqlite3_bind_null(stmt_, index)); }
  void bind(int index, const std::optional<double>& value) {
    if (value) {
      bind(index, *value);
    } else {
      bind_null(index);
    }
  }

  // Runs a statement that returns no rows, then resets it for reuse.
  // `describe()` names the operation in the error message; it is only called
  // on failure, so hot loops pay nothing for it.
  template <class Describe>
  void run(Describe&& describe) {
    const int rc = sqlite3_step(stmt_);
    if (rc != SQLITE_DONE) {
      std::string message = sqlite3_errmsg(db_);
      sqlite3_reset(stmt_);
      throw SqliteError(fmt::format("{}: {}", describe(), message));
    }
    sqlite3_reset(stmt_);
  }

  // Steps a query: true while rows come.
  bool next_row() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, "reading rows");
  }

  std::string text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
  }
  double real(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL)
      return std::numeric_limits<double>::quiet_NaN();
    return sqlite3_column_double(stmt_, column);
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }

  // Makes a prepared statement ready for reuse: no pending row, no bindings.
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, "binding a value");
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};


/// Creates the report tables (meta, runs, parameters, summary, timeseries,
/// events, replicas) in an empty database.
void create_report_tables(Database& db);
/// Creates the report's indexes (after bulk inserts, or at once for a
/// database that is filled run by run).
void create_report_indexes(Database& db);
/// Writes the meta rows of a report (schema_version, generator, created_by and
/// info.extra_meta).
void write_report_meta(Database& db, const ReportInfo& info);

}  // namespace leptonsim::sqlite
