#include "dialects/dialect.h"

#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <unistd.h>

#include "planner/plan.h"
#include "state/toml_reader.h"

using keel::dialects::DatabaseError;
using keel::dialects::open_database;

namespace {

std::string open_error(const std::string& url) {
  try {
    (void)open_database(url);
  } catch (const DatabaseError& e) {
    return e.what();
  }
  return "opened";
}

}  // namespace

TEST_CASE("sqlite URLs open SQLite databases", "[unit]") {
  CHECK(open_database("sqlite::memory:")->engine() == "sqlite");
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("keel_dialect_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "app.db";
  CHECK(open_database("sqlite://" + file.string())->engine() == "sqlite");
  CHECK(std::filesystem::exists(file));
  std::filesystem::remove_all(dir);
}

TEST_CASE("URLs of no known engine are refused with the accepted forms", "[unit]") {
  CHECK(open_error("mysql://user:pw@db/app") ==
        "unsupported database URL \"mysql://user:***@db/app\" (expected postgresql://..., a "
        "libpq key=value string or sqlite:PATH)");
  CHECK(open_error("") == "no database URL given");
  CHECK(open_error("sqlite:") == "no file name in database URL \"sqlite:\"");
}

TEST_CASE("the tables to size are found from the changes as from the ordered plan", "[unit]") {
  const auto db = keel::dialects::offline_database("postgresql");
  auto schema = [&](const std::string& toml) {
    auto loaded = keel::state::read_schema_string(toml, "schema.toml");
    db->prepare_desired(loaded.schema);
    return loaded.schema;
  };
  const auto live = schema(R"(
[tables.kept.columns]
id = { type = "bigint" }
[tables.grown.columns]
id = { type = "bigint" }
[tables.old_name.columns]
id = { type = "bigint" }
[tables.dropped.columns]
id = { type = "bigint" }
)");
  const auto desired = schema(R"(
[tables.kept.columns]
id = { type = "bigint" }
[tables.grown.columns]
id = { type = "bigint" }
note = { type = "text", nullable = true }
[tables.new_name]
renamed_from = "old_name"
[tables.new_name.columns]
id = { type = "bigint" }
[tables.created.columns]
id = { type = "bigint" }
)");
  auto changes = keel::planner::diff(live, desired, db->renderer());
  const auto from_changes = keel::planner::tables_to_size(changes);
  CHECK(from_changes == std::vector<keel::state::QualifiedName>{
                            {"public", "dropped"}, {"public", "grown"}, {"public", "old_name"}});
  CHECK(keel::planner::tables_to_size(keel::planner::order(std::move(changes), db->renderer())) ==
        from_changes);
}
