// The PostgreSQL Database: a Session plus the dialect's inspect, prepare_desired and renderer.
#include <memory>

#include "dialects/postgres/backfill.h"
#include "dialects/postgres/introspect.h"
#include "dialects/postgres/postgres.h"
#include "dialects/postgres/renderer.h"
#include "dialects/postgres/session.h"
#include "dialects/sql.h"

namespace keel::dialects::postgres {

namespace {

class PgDatabase final : public Database {
 public:
  explicit PgDatabase(const std::string& conninfo) : session_(conninfo), backfiller_(session_) {}

  [[nodiscard]] std::string engine() const override { return "postgresql"; }

  [[nodiscard]] state::Schema inspect(const state::Settings& settings) override {
    return postgres::inspect(session_, settings, in_transaction_);
  }

  void canonicalize(state::Schema& desired, const state::Schema& live) override {
    postgres::canonicalize(session_, desired, live, in_transaction_);
  }

  void execute_script(const std::string& sql) override { session_.execute(sql); }

  void prepare_desired(state::Schema& desired) const override {
    postgres::prepare_desired(desired);
  }

  [[nodiscard]] const planner::Renderer& renderer() const override { return renderer_; }

  void execute(const std::string& sql) override { session_.execute(sql); }

  [[nodiscard]] std::vector<std::vector<std::optional<std::string>>> query(
      const std::string& sql) override {
    const Rows rows = session_.query(sql);
    std::vector<std::vector<std::optional<std::string>>> out(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      out[r].reserve(rows.columns());
      for (std::size_t c = 0; c < rows.columns(); ++c) {
        out[r].push_back(rows.optional(r, c));
      }
    }
    return out;
  }

  void set_lock_timeout(std::chrono::milliseconds timeout) override {
    session_.execute("SET lock_timeout = " + quote_literal(std::to_string(timeout.count()) + "ms"));
  }

  // Tracked so that inspect and canonicalize use a savepoint inside the caller's transaction
  // instead of ending it with their own BEGIN ... ROLLBACK.
  void begin() override {
    session_.execute("BEGIN");
    in_transaction_ = true;
  }
  void commit() override {
    in_transaction_ = false;  // a failed COMMIT ends the transaction too
    session_.execute("COMMIT");
  }
  void rollback() override {
    in_transaction_ = false;
    session_.execute("ROLLBACK");
  }

  [[nodiscard]] bool has_rows(const state::QualifiedName& table) override {
    return session_.query("SELECT 1 FROM " + qualified(table) + " LIMIT 1").size() > 0;
  }

  BackfillBatch backfill_batch(const planner::Backfill& backfill,
                               const std::vector<std::string>& after, std::int64_t limit) override {
    return backfiller_.next(backfill, after, limit);
  }

  [[nodiscard]] std::optional<std::int64_t> estimated_rows(
      const state::QualifiedName& table) override {
    // reltuples is -1 until the table is first vacuumed or analyzed: no estimate, not 0 rows
    // (progress then shows the rows done without a total or an ETA).
    const auto rows = session_.query("SELECT reltuples::bigint FROM pg_class WHERE oid = " +
                                     quote_literal(qualified(table)) + "::regclass");
    if (rows.size() == 0)
      return std::nullopt;
    const std::int64_t estimate = std::stoll(std::string(rows.text(0, 0)));
    if (estimate < 0)
      return std::nullopt;
    return estimate;
  }

  [[nodiscard]] std::map<state::QualifiedName, planner::TableSize> table_sizes(
      const std::vector<state::QualifiedName>& tables) override {
    return postgres::table_sizes(session_, tables);
  }

 private:
  Session session_;
  Backfiller backfiller_;
  Renderer renderer_;
  bool in_transaction_ = false;
};

}  // namespace

std::unique_ptr<Database> open(const std::string& conninfo) {
  return std::make_unique<PgDatabase>(conninfo);
}

}  // namespace keel::dialects::postgres
