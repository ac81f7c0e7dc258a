// A connection to PostgreSQL behind a small interface, so that only session.cc includes
// libpqxx; every pqxx exception is turned into DatabaseError there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace keel::dialects::postgres {

/// The text result of one query. Cells are views into the result (no copies) and stay valid
/// while this object lives.
class Rows {
 public:
  Rows();
  ~Rows();
  Rows(Rows&& other) noexcept;
  Rows& operator=(Rows&& other) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  /// Number of rows.
  [[nodiscard]] std::size_t size() const;
  /// Number of columns.
  [[nodiscard]] std::size_t columns() const;
  /// True when the cell is SQL NULL.
  [[nodiscard]] bool is_null(std::size_t row, std::size_t column) const;
  /// The cell's text; "" for NULL.
  [[nodiscard]] std::string_view text(std::size_t row, std::size_t column) const;
  /// The cell's text, nullopt for NULL.
  [[nodiscard]] std::optional<std::string> optional(std::size_t row, std::size_t column) const;
  /// A boolean cell ("t" is true; NULL is false).
  [[nodiscard]] bool flag(std::size_t row, std::size_t column) const;
  /// An oid or other non-negative integer cell (0 for NULL).
  [[nodiscard]] std::uint32_t oid(std::size_t row, std::size_t column) const;

 private:
  friend class Session;
  friend class Batch;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// One open connection. Queries run in the simple query protocol, so a script of several
/// statements works; transactions are whatever the SQL says.
class Session {
 public:
  /// Connects; throws DatabaseError("cannot connect to <redacted>: <reason>").
  explicit Session(const std::string& conninfo);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) = delete;
  Session& operator=(Session&&) = delete;

  /// Runs `sql` and returns its rows; throws DatabaseError (message, SQLSTATE, statement).
  Rows query(const std::string& sql);
  /// Runs `sql` (one statement or a script) and discards any rows.
  void execute(const std::string& sql);

 private:
  friend class Batch;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Queries sent to the server together: it runs them one after the other while the caller
/// reads each result in turn, so that neither waits for the other between two queries. Results
/// are taken in the order the queries were added. While a batch lives, its session runs
/// nothing else.
class Batch {
 public:
  explicit Batch(Session& session);
  ~Batch();
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
  Batch(Batch&&) = delete;
  Batch& operator=(Batch&&) = delete;

  /// Queues one statement (without a trailing semicolon); returns its number for take().
  std::size_t add(const std::string& sql);
  /// Sends the queries queued since the last send.
  void send();
  /// The rows of query `n`, waiting for them; throws DatabaseError as Session::query does.
  Rows take(std::size_t n);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A transaction of keel's own that always ends in a rollback, so nothing it does persists:
/// BEGIN ... ROLLBACK, or, when the caller already has a transaction open, a savepoint.
class ScratchTransaction {
 public:
  /// Starts it. `nested`: the session is inside a transaction block. `snapshot`: outside one,
  /// use a REPEATABLE READ READ ONLY transaction (one consistent view of the catalogs).
  ScratchTransaction(Session& session, bool nested, bool snapshot);
  /// Rolls back; a lost connection is ignored (there is nothing left to undo).
  ~ScratchTransaction();
  ScratchTransaction(const ScratchTransaction&) = delete;
  ScratchTransaction& operator=(const ScratchTransaction&) = delete;
  ScratchTransaction(ScratchTransaction&&) = delete;
  ScratchTransaction& operator=(ScratchTransaction&&) = delete;

 private:
  Session& session_;
  bool nested_;
};

/// The reason part of a connection error, from libpq's message: one line, no libpq prefix,
/// with a hint where one helps. `raw_conninfo` is replaced by its redacted form should libpq
/// quote it. Example: "connection to server at \"db\" (10.0.0.5), port 5432 failed: Connection
/// refused\n\tIs the server running..." -> "connection refused (is the server running on that
/// host and port?)".
[[nodiscard]] std::string explain_connection_error(std::string_view libpq_message,
                                                   const std::string& raw_conninfo);

/// The first line of a server error ("ERROR:  x\nLINE 1: ..." -> "x").
[[nodiscard]] std::string error_summary(std::string_view message);

}  // namespace keel::dialects::postgres
