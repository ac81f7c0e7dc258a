// The engine boundary: opening a database by URL, inspecting it into a Schema, and the error
// type every engine failure is turned into. Engine libraries are included only in the .cc files.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "planner/plan.h"
#include "state/schema.h"

namespace keel::dialects {

/// A failure reported by the database (or the connection to it), with where it happened.
class DatabaseError : public std::runtime_error {
 public:
  explicit DatabaseError(const std::string& what, std::string sqlstate = {},
                         std::string statement = {})
      : std::runtime_error(what),
        sqlstate_(std::move(sqlstate)),
        statement_(std::move(statement)) {}
  [[nodiscard]] const std::string& sqlstate() const { return sqlstate_; }
  [[nodiscard]] const std::string& statement() const { return statement_; }

 private:
  std::string sqlstate_;
  std::string statement_;
};

/// What one batch of a backfill did.
struct BackfillBatch {
  std::int64_t rows = 0;            ///< rows filled by the batch
  std::vector<std::string> last{};  ///< where the batch ended: the next batch starts after it
  bool done = false;                ///< no rows were left to visit: nothing was done
};

/// A live connection to one database. The only place engine handles live.
class Database {
 public:
  virtual ~Database() = default;
  /// "postgresql" or "sqlite".
  [[nodiscard]] virtual std::string engine() const = 0;
  /// Reads the live schema. Only the schemas `settings` manages are read; excluded names,
  /// system, extension-owned and keel-owned objects are skipped. The result is sort_canonical.
  [[nodiscard]] virtual state::Schema inspect(const state::Settings& settings) = 0;
  /// Runs a script of SQL statements as is (tests, fixtures); no keel bookkeeping.
  virtual void execute_script(const std::string& sql) = 0;
  /// Puts the desired schema into this engine's canonical form: default constraint and index
  /// names, the engine's schema for unqualified names, types in the engine's spelling.
  virtual void prepare_desired(state::Schema& desired) const = 0;

  /// Rewrites the desired schema's SQL expressions (checks, index predicates and expression
  /// keys, defaults, generated columns, view queries) into the exact text this engine's
  /// inspect produces for them, so that equal definitions compare equal. May ask the server
  /// (without locking or changing user objects); `live` tells which texts already match.
  virtual void canonicalize(state::Schema& desired, const state::Schema& live) {
    (void)desired;
    (void)live;
  }

  // --- used by the apply runner and the revision store (added by the lead) ---

  /// The renderer that turns planner changes into this engine's SQL.
  [[nodiscard]] virtual const planner::Renderer& renderer() const = 0;
  /// Runs one SQL statement in the current transaction (or autocommit when none is open).
  /// Throws DatabaseError with the SQLSTATE (PostgreSQL) or result code name (SQLite).
  virtual void execute(const std::string& sql) = 0;
  /// Runs a query and returns its rows as text (NULL as nullopt).
  [[nodiscard]] virtual std::vector<std::vector<std::optional<std::string>>> query(
      const std::string& sql) = 0;
  /// How long a later statement may wait for a lock before failing (lock_timeout in
  /// PostgreSQL, the busy timeout in SQLite).
  virtual void set_lock_timeout(std::chrono::milliseconds timeout) = 0;
  /// Opens, commits and rolls back a transaction on this connection.
  virtual void begin() { execute("BEGIN"); }
  virtual void commit() { execute("COMMIT"); }
  virtual void rollback() { execute("ROLLBACK"); }
  /// True for a failure worth retrying after a pause (lock timeout, deadlock, busy).
  [[nodiscard]] virtual bool is_transient(const DatabaseError& error) const {
    return error.sqlstate() == "55P03" || error.sqlstate() == "40P01" ||
           error.sqlstate() == "SQLITE_BUSY";
  }
  /// True when the table holds at least one row.
  [[nodiscard]] virtual bool has_rows(const state::QualifiedName& table) = 0;

  /// Fills the next batch of at most `limit` rows of `backfill` after position `after` (empty:
  /// the start), in the current transaction. Positions are primary-key values as text (or
  /// the engine's physical position for a table without one); they are stored in revisions
  /// so that a killed apply resumes after the last committed batch.
  virtual BackfillBatch backfill_batch(const planner::Backfill& backfill,
                                       const std::vector<std::string>& after, std::int64_t limit) {
    (void)backfill;
    (void)after;
    (void)limit;
    throw DatabaseError(engine() + " cannot run batched backfills");
  }
  /// How many rows `table` holds, as the engine estimates it cheaply (for progress and ETA).
  [[nodiscard]] virtual std::optional<std::int64_t> estimated_rows(
      const state::QualifiedName& table) {
    (void)table;
    return std::nullopt;
  }
  /// The catalogs' estimates of the size of `tables` (those that exist); empty where the engine
  /// keeps none. Cheap: one query, no scan.
  [[nodiscard]] virtual std::map<state::QualifiedName, planner::TableSize> table_sizes(
      const std::vector<state::QualifiedName>& tables) {
    (void)tables;
    return {};
  }
};

/// Opens a database from a URL: `postgresql://...` or a libpq key=value string, `sqlite:PATH`,
/// `sqlite:///abs/path.db`, `sqlite::memory:`. Throws DatabaseError with an explanation
/// (never the password) when the connection fails.
[[nodiscard]] std::unique_ptr<Database> open_database(const std::string& url);

/// An engine without a connection, for planning between two schema files (`keel diff a b`):
/// prepare_desired and renderer work; anything that needs a database throws DatabaseError.
/// `engine` is "postgresql" or "sqlite".
[[nodiscard]] std::unique_ptr<Database> offline_database(const std::string& engine);

/// The URL with any password replaced by "***", fit for messages and logs.
[[nodiscard]] std::string redact_url(const std::string& url);

}  // namespace keel::dialects
