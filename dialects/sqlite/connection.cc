#include "dialects/sqlite/connection.h"

#include <array>
#include <filesystem>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <sqlite3.h>

#include "dialects/dialect.h"

namespace keel::dialects::sqlite {
namespace {

[[noreturn]] void throw_error(sqlite3* db, int rc, const std::string& sql) {
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw DatabaseError(message, result_code_name(rc), sql);
}

// Why `path` cannot be opened, in words a user can act on.
std::string open_problem(const std::string& path, const std::string& engine_message) {
  if (path.empty() || path == ":memory:") {
    return engine_message;
  }
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    return fmt::format("directory \"{}\" does not exist", parent.string());
  }
  if (std::filesystem::is_directory(path, ec)) {
    return "it is a directory";
  }
  return engine_message;
}

}  // namespace

std::string result_code_name(int code) {
  static constexpr std::array<const char*, 29> kNames = {
      "SQLITE_OK",       "SQLITE_ERROR",     "SQLITE_INTERNAL", "SQLITE_PERM",
      "SQLITE_ABORT",    "SQLITE_BUSY",      "SQLITE_LOCKED",   "SQLITE_NOMEM",
      "SQLITE_READONLY", "SQLITE_INTERRUPT", "SQLITE_IOERR",    "SQLITE_CORRUPT",
      "SQLITE_NOTFOUND", "SQLITE_FULL",      "SQLITE_CANTOPEN", "SQLITE_PROTOCOL",
      "SQLITE_EMPTY",    "SQLITE_SCHEMA",    "SQLITE_TOOBIG",   "SQLITE_CONSTRAINT",
      "SQLITE_MISMATCH", "SQLITE_MISUSE",    "SQLITE_NOLFS",    "SQLITE_AUTH",
      "SQLITE_FORMAT",   "SQLITE_RANGE",     "SQLITE_NOTADB",   "SQLITE_NOTICE",
      "SQLITE_WARNING"};
  int primary = code & 0xff;
  if (primary == SQLITE_ROW) {
    return "SQLITE_ROW";
  }
  if (primary == SQLITE_DONE) {
    return "SQLITE_DONE";
  }
  if (primary >= 0 && primary < static_cast<int>(std::size(kNames))) {
    return kNames[static_cast<std::size_t>(primary)];
  }
  return fmt::format("SQLITE_{}", code);
}

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql)
    : db_(db), stmt_(stmt), sql_(std::move(sql)) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), sql_(std::move(other.sql_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    sql_ = std::move(other.sql_);
  }
  return *this;
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

void Statement::bind(int index, const std::string& value) {
  int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                             SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) {
    throw_error(db_, rc, sql_);
  }
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  throw_error(db_, rc, sql_);
}

bool Statement::is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::string Statement::text(int col) const {
  const unsigned char* data = sqlite3_column_text(stmt_, col);
  if (data == nullptr) {
    return {};
  }
  auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col));
  return {reinterpret_cast<const char*>(data), size};
}

int Statement::column_count() const {
  return sqlite3_column_count(stmt_);
}

std::int64_t Statement::integer(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

void Connection::Closer::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}

Connection::Connection(const std::string& path) : path_(path) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE, nullptr);
  db_.reset(raw);  // sqlite3_open_v2 may allocate a handle even when it fails
  try {
    if (rc != SQLITE_OK) {
      throw_error(raw, rc, {});
    }
    sqlite3_busy_timeout(raw, static_cast<int>(kBusyTimeout.count()));
    execute("PRAGMA foreign_keys = ON");
    // Reading the schema makes a file that is not a database fail here rather than later.
    Statement probe = prepare("SELECT count(*) FROM sqlite_schema");
    (void)probe.step();
  } catch (const DatabaseError& e) {
    db_.reset();
    throw DatabaseError(
        fmt::format("cannot open sqlite database \"{}\": {}", path, open_problem(path, e.what())),
        e.sqlstate());
  }
}

void Connection::execute(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw DatabaseError(text, result_code_name(rc), sql);
  }
}

std::vector<std::vector<std::optional<std::string>>> Connection::query(const std::string& sql) {
  Statement stmt = prepare(sql);
  std::vector<std::vector<std::optional<std::string>>> rows;
  while (stmt.step()) {
    std::vector<std::optional<std::string>> row;
    row.reserve(static_cast<std::size_t>(stmt.column_count()));
    for (int col = 0; col < stmt.column_count(); ++col) {
      row.push_back(stmt.is_null(col) ? std::nullopt : std::optional<std::string>(stmt.text(col)));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

void Connection::set_busy_timeout(std::chrono::milliseconds timeout) {
  sqlite3_busy_timeout(db_.get(), static_cast<int>(timeout.count()));
}

bool Connection::in_transaction() const {
  return sqlite3_get_autocommit(db_.get()) == 0;
}

Statement Connection::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc =
      sqlite3_prepare_v2(db_.get(), sql.c_str(), static_cast<int>(sql.size() + 1), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    throw_error(db_.get(), rc, sql);
  }
  return {db_.get(), stmt, sql};
}

}  // namespace keel::dialects::sqlite
