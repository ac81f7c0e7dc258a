// offline_database: an engine's pure parts (prepare_desired, renderer) without a connection,
// for `keel diff` between two schema files.
#include <fmt/format.h>

#include "dialects/dialect.h"
#include "dialects/postgres/postgres.h"
#include "dialects/postgres/renderer.h"
#include "dialects/sqlite/sqlite.h"
#include "state/diagnostic.h"

namespace keel::dialects {
namespace {

class OfflinePostgres final : public Database {
 public:
  [[nodiscard]] std::string engine() const override { return "postgresql"; }
  [[nodiscard]] state::Schema inspect(const state::Settings& /*settings*/) override { fail(); }
  void execute_script(const std::string& /*sql*/) override { fail(); }
  void prepare_desired(state::Schema& desired) const override {
    postgres::prepare_desired(desired);
  }
  [[nodiscard]] const planner::Renderer& renderer() const override { return renderer_; }
  void execute(const std::string& /*sql*/) override { fail(); }
  [[nodiscard]] std::vector<std::vector<std::optional<std::string>>> query(
      const std::string& /*sql*/) override {
    fail();
  }
  void set_lock_timeout(std::chrono::milliseconds /*timeout*/) override { fail(); }
  [[nodiscard]] bool has_rows(const state::QualifiedName& /*table*/) override { fail(); }

 private:
  [[noreturn]] static void fail() {
    throw DatabaseError("no database connection: comparing two schema files needs none");
  }
  postgres::Renderer renderer_;
};

}  // namespace

std::unique_ptr<Database> offline_database(const std::string& engine) {
  if (engine == "postgresql")
    return std::make_unique<OfflinePostgres>();
  if (engine == "sqlite")
    return sqlite::open(":memory:");
  throw state::UserError(
      fmt::format("unknown engine \"{}\" (expected \"postgresql\" or \"sqlite\")", engine));
}

}  // namespace keel::dialects
