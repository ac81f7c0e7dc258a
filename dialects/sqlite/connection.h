// RAII ownership of a SQLite connection and its prepared statements, turning every failing
// result code into dialects::DatabaseError. sqlite3.h stays in the .cc (STYLE 6.1).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace keel::dialects::sqlite {

/// How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
inline constexpr std::chrono::milliseconds kBusyTimeout{5000};

/// A prepared statement; rows are read with step() and the column getters.
class Statement {
 public:
  /// Takes ownership of `stmt`; `db` reports errors.
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql);
  Statement(Statement&& /*other*/) noexcept;
  Statement& operator=(Statement&& /*other*/) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  /// Binds text to the 1-based parameter `index`.
  void bind(int index, const std::string& value);
  /// Advances to the next row: true when there is one, false when done. Throws DatabaseError.
  bool step();
  /// True when column `col` (0-based) of the current row is NULL.
  [[nodiscard]] bool is_null(int col) const;
  /// Column `col` as text ("" for NULL).
  [[nodiscard]] std::string text(int col) const;
  /// The number of columns of the result.
  [[nodiscard]] int column_count() const;
  /// Column `col` as an integer (0 for NULL).
  [[nodiscard]] std::int64_t integer(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
};

/// An open database file (or ":memory:"), with foreign keys on and a busy timeout.
class Connection {
 public:
  /// Opens `path`, creating the file when it is missing. Throws DatabaseError naming the path
  /// when it cannot be opened or is not a database.
  explicit Connection(const std::string& path);
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() = default;

  /// Runs a script of statements (sqlite3_exec). Throws DatabaseError with the engine's message.
  void execute(const std::string& sql);
  /// Compiles one statement. Throws DatabaseError.
  [[nodiscard]] Statement prepare(const std::string& sql);
  /// Every row of a query, each column as text (NULL as nullopt). Throws DatabaseError.
  [[nodiscard]] std::vector<std::vector<std::optional<std::string>>> query(const std::string& sql);
  /// How long statements wait for another connection's lock (sqlite3_busy_timeout).
  void set_busy_timeout(std::chrono::milliseconds timeout);
  /// True inside an explicit transaction (sqlite3_get_autocommit is off).
  [[nodiscard]] bool in_transaction() const;
  /// The path the connection was opened with.
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

/// The symbolic name of a SQLite result code, e.g. "SQLITE_BUSY" for 5 (extended codes map to
/// their primary code). Carried in DatabaseError::sqlstate().
[[nodiscard]] std::string result_code_name(int code);

}  // namespace keel::dialects::sqlite
