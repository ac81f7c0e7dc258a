#include <utility>

#include <fmt/format.h>

#include "dialects/sqlite/connection.h"
#include "dialects/sqlite/introspect.h"
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

// Stands in until the SQLite renderer lands (the lead's planner/render work): the capabilities
// are SQLite's real ones, rendering refuses with a clear error.
class PendingRenderer final : public planner::Renderer {
 public:
  [[nodiscard]] planner::Capabilities capabilities() const override {
    planner::Capabilities caps;
    caps.schemas = false;
    caps.enums = false;
    caps.extensions = false;
    caps.alter_column = false;
    caps.alter_constraints = false;
    caps.foreign_keys_in_create = true;
    caps.comments = false;
    caps.partitions = false;
    caps.concurrent_indexes = false;
    return caps;
  }
  [[nodiscard]] std::vector<planner::Statement> render(
      const planner::Change& change) const override {
    throw DatabaseError(fmt::format("sqlite cannot render {} yet", planner::describe(change)));
  }
  [[nodiscard]] std::vector<planner::HazardNote> hazards(
      const planner::Change& /*change*/) const override {
    return {};
  }
  [[nodiscard]] bool supports_in_place(const planner::Change& /*change*/,
                                       const state::Table& /*live*/) const override {
    return false;
  }
};

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

  void execute(const std::string& sql) override { conn_.execute(sql); }

  [[nodiscard]] std::vector<std::vector<std::optional<std::string>>> query(
      const std::string& sql) override {
    return conn_.query(sql);
  }

  void set_lock_timeout(std::chrono::milliseconds timeout) override {
    conn_.set_busy_timeout(timeout);
  }

  // BEGIN IMMEDIATE takes the write lock up front, so a plan never meets SQLITE_BUSY halfway
  // (https://www.sqlite.org/lang_transaction.html).
  void begin() override { conn_.execute("BEGIN IMMEDIATE"); }

  [[nodiscard]] bool has_rows(const state::QualifiedName& table) override {
    auto rows =
        conn_.query(fmt::format("SELECT EXISTS (SELECT 1 FROM {})", quote_name(table.name)));
    return !rows.empty() && rows[0][0] == "1";
  }

 private:
  Connection conn_;
  PendingRenderer renderer_;
};

}  // namespace

std::unique_ptr<Database> open(const std::string& path) {
  return std::make_unique<SqliteDatabase>(Connection(path));
}

}  // namespace keel::dialects::sqlite
