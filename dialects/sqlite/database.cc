#include <utility>

#include <fmt/format.h>

#include "dialects/sql.h"
#include "dialects/sqlite/connection.h"
#include "dialects/sqlite/introspect.h"
#include "dialects/sqlite/renderer.h"
#include "dialects/sqlite/sqlite.h"
#include "planner/plan.h"

namespace keel::dialects::sqlite {
namespace {

std::string quote_name(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(Connection connection) : conn_(std::move(connection)) {}

  [[nodiscard]] std::string engine() const override { return "sqlite"; }

  [[nodiscard]] state::Schema inspect(const state::Settings& settings) override {
    return sqlite::inspect(conn_, settings);
  }

  void execute_script(const std::string& sql) override { conn_.execute(sql); }

  void prepare_desired(state::Schema& desired) const override { sqlite::prepare_desired(desired); }

  [[nodiscard]] const planner::Renderer& renderer() const override { return renderer_; }

  void execute(const std::string& sql) override {
    if (sql == kForeignKeyCheck) {
      check_foreign_keys();
      return;
    }
    if (sql.starts_with(kSaveTriggers)) {
      std::string table = sql.substr(std::string_view(kSaveTriggers).size());
      saved_triggers_.clear();
      for (const auto& row : conn_.query(
               "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND sql IS NOT NULL AND "
               "tbl_name = " +
               quote_literal(table) + " ORDER BY name"))
        if (row.at(0))
          saved_triggers_.push_back(*row[0]);
      return;
    }
    if (sql.starts_with(kRestoreTriggers)) {
      for (const auto& trigger : saved_triggers_)
        conn_.execute(trigger);
      saved_triggers_.clear();
      return;
    }
    conn_.execute(sql);
  }

  // A failed rebuild leaves its transaction open and foreign keys off: end both.
  void rollback() override {
    try {
      conn_.execute("ROLLBACK");
    } catch (const DatabaseError&) {
      conn_.execute("PRAGMA foreign_keys = ON");
      throw;
    }
    conn_.execute("PRAGMA foreign_keys = ON");
  }

  [[nodiscard]] std::vector<std::vector<std::optional<std::string>>> query(
      const std::string& sql) override {
    return conn_.query(sql);
  }

  void set_lock_timeout(std::chrono::milliseconds timeout) override {
    conn_.set_busy_timeout(timeout);
  }

  // A rebuild runs PRAGMA foreign_key_check before it commits: any row it returns would be
  // a broken reference after the commit, so the step fails naming the rows
  // (https://www.sqlite.org/pragma.html#pragma_foreign_key_check).
  void check_foreign_keys() {
    auto rows = conn_.query(std::string(kForeignKeyCheck));
    if (rows.empty())
      return;
    std::string list;
    for (std::size_t i = 0; i < rows.size() && i < 10; ++i)
      list +=
          fmt::format("{}table \"{}\" rowid {} references \"{}\"", i ? "; " : "",
                      rows[i][0].value_or("?"), rows[i][1].value_or("?"), rows[i][2].value_or("?"));
    if (rows.size() > 10)
      list += fmt::format("; and {} more", rows.size() - 10);
    throw DatabaseError(fmt::format(
        "the change would break foreign keys, so it was rolled back: {} row(s) would reference "
        "a missing row: {}",
        rows.size(), list));
  }

  // BEGIN IMMEDIATE takes the write lock up front, so a plan never meets SQLITE_BUSY halfway
  // (https://www.sqlite.org/lang_transaction.html).
  void begin() override { conn_.execute("BEGIN IMMEDIATE"); }

  [[nodiscard]] bool has_rows(const state::QualifiedName& table) override {
    auto rows =
        conn_.query(fmt::format("SELECT EXISTS (SELECT 1 FROM {})", quote_name(table.name)));
    return !rows.empty() && rows[0][0] == "1";
  }

  // Batches walk the rowid: a range of at most `limit` rowids after the last one done; rows
  // still NULL in it are filled (https://www.sqlite.org/lang_createtable.html#rowid).
  BackfillBatch backfill_batch(const planner::Backfill& backfill,
                               const std::vector<std::string>& after, std::int64_t limit) override {
    const auto table = quote_name(backfill.table.name);
    const std::string from = after.size() == 1 ? after[0] : "-9223372036854775808";
    const auto lower = "rowid > " + std::to_string(std::stoll(from));
    auto last = conn_.query(fmt::format(
        "SELECT max(rowid) FROM (SELECT rowid FROM {} WHERE {} ORDER BY rowid LIMIT {})", table,
        lower, limit));
    BackfillBatch batch;
    if (last.empty() || !last[0][0]) {
      batch.done = true;
      return batch;
    }
    batch.last = {*last[0][0]};
    const auto column = quote_name(backfill.column);
    conn_.execute(fmt::format("UPDATE {} SET {} = {} WHERE {} AND rowid <= {} AND {} IS NULL",
                              table, column, backfill.expression, lower, batch.last[0], column));
    auto changed = conn_.query("SELECT changes()");
    batch.rows = std::stoll(changed.at(0).at(0).value_or("0"));
    return batch;
  }

  // SQLite keeps no statistics by default: the count is the estimate (one table, once per
  // backfill).
  [[nodiscard]] std::optional<std::int64_t> estimated_rows(
      const state::QualifiedName& table) override {
    auto rows = conn_.query("SELECT count(*) FROM " + quote_name(table.name));
    return std::stoll(rows.at(0).at(0).value_or("0"));
  }

 private:
  Connection conn_;
  Renderer renderer_;
  std::vector<std::string> saved_triggers_;  ///< between the two trigger markers of a rebuild
};

}  // namespace

std::unique_ptr<Database> open(const std::string& path) {
  return std::make_unique<SqliteDatabase>(Connection(path));
}

}  // namespace keel::dialects::sqlite
