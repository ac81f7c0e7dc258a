#include <catch2/catch.hpp>

#include "state/toml_reader.h"
#include "state/toml_writer.h"
#include "tests/sqlite/catalogue.h"
#include "tests/sqlite/fixture.h"

namespace keel::testing {
namespace {

// The newcomer's path: `keel inspect` writes TOML; reading it back and preparing it for SQLite
// must give exactly what a second inspect of the same file gives, or `keel plan` would show
// changes nobody asked for.
TEST_CASE("every sqlite catalogue schema round-trips through TOML", "[sqlite]") {
  for (const SqliteCase& c : sqlite_catalogue()) {
    INFO("case: " << c.name);
    TempDir dir;
    auto db = sqlite_with(dir.file("catalogue.db"), c.sql);
    state::Schema live = db->inspect({});
    std::string toml = state::write_toml(live);
    INFO("TOML:\n" << toml);

    state::Schema desired;
    REQUIRE_NOTHROW(desired = state::read_schema_string(toml, "inspected.toml").schema);
    REQUIRE_NOTHROW(db->prepare_desired(desired));
    CHECK(desired == live);
    CHECK(db->inspect({}) == live);
  }
}

TEST_CASE("a reopened sqlite file inspects the same as the connection that created it",
          "[sqlite]") {
  for (const SqliteCase& c : sqlite_catalogue()) {
    INFO("case: " << c.name);
    TempDir dir;
    std::string path = dir.file("catalogue.db");
    state::Schema first = sqlite_with(path, c.sql)->inspect({});
    CHECK(dialects::sqlite::open(path)->inspect({}) == first);
  }
}

}  // namespace
}  // namespace keel::testing
