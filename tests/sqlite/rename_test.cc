// A table renamed through `renamed_from` on SQLite: an index named after the old name is built
// again under the new one (SQLite cannot rename an index), and constraints named after it are
// renamed by a rebuild (SQLite cannot rename a constraint). Rows survive both, the plan after
// is empty, and rollback brings the old names back.
#include <fstream>

#include <catch2/catch.hpp>

#include "tests/sqlite/fixture.h"
#include "tests/support/convergence.h"

namespace {

struct Renames {
  keel::testing::TempDir dir;
  std::string url = "sqlite:" + dir.file("app.db");
  std::string out;
  std::string err;

  int keel(std::vector<std::string> args) {
    return keel::testing::keel_at(url, std::move(args), out, err);
  }
  std::string write(const std::string& name, const std::string& toml) const {
    const auto path = dir.file(name);
    std::ofstream(path) << toml;
    return path;
  }
  std::string scalar(const std::string& sql) const {
    auto db = keel::dialects::open_database(url);
    const auto rows = db->query(sql);
    REQUIRE(rows.size() == 1);
    return rows[0].at(0).value_or("NULL");
  }
};

}  // namespace

TEST_CASE("a renamed table's index named after it is built again under the new name", "[sqlite]") {
  Renames t;
  const auto before = t.write("before.toml", R"toml([tables.events.columns]
at = { type = "integer" }
kind = { type = "text" }

[[tables.events.indexes]]
columns = ["kind"]
)toml");
  const auto after = t.write("after.toml", R"toml([tables.log]
renamed_from = "events"

[tables.log.columns]
at = { type = "integer" }
kind = { type = "text" }

[[tables.log.indexes]]
columns = ["kind"]
)toml");
  REQUIRE(t.keel({"apply", before, "--yes"}) == 0);
  keel::dialects::open_database(t.url)->execute_script(
      "INSERT INTO events VALUES (1, 'a'), (2, 'b')");

  REQUIRE(t.keel({"plan", after}) == 0);
  for (const char* text :
       {"1. rename table \"main.events\" to \"main.log\"",
        "2. rename index \"events_kind_idx\" of \"main.log\" to \"log_kind_idx\"",
        "DROP INDEX \"events_kind_idx\";", "CREATE INDEX \"log_kind_idx\" ON \"log\" (\"kind\");",
        "BLOCKS_WRITES: SQLite cannot rename an index"}) {
    INFO(text);
    CHECK(t.out.find(text) != std::string::npos);
  }
  CHECK(t.out.find("rebuild") == std::string::npos);

  REQUIRE(t.keel({"apply", after, "--yes"}) == 0);
  CHECK(t.keel({"plan", after, "--detailed-exitcode"}) == 0);
  CHECK(t.scalar("SELECT count(*) FROM log") == "2");
  CHECK(t.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'log_kind_idx'") == "1");

  REQUIRE(t.keel({"rollback", "--yes"}) == 0);
  CHECK(t.keel({"plan", before, "--detailed-exitcode"}) == 0);
  CHECK(t.scalar("SELECT count(*) FROM events") == "2");
  CHECK(t.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'events_kind_idx'") == "1");
}

TEST_CASE("a renamed table's constraints named after it are renamed by a rebuild", "[sqlite]") {
  Renames t;
  const auto before = t.write("before.toml", R"toml([tables.users]
primary_key = ["id"]

[tables.users.columns]
id = { type = "bigint" }
email = { type = "text" }

[[tables.users.uniques]]
columns = ["email"]

[[tables.users.checks]]
expr = "length(email) > 3"

[tables.posts]
primary_key = ["id"]

[tables.posts.columns]
id = { type = "bigint" }
author = { type = "bigint", references = { table = "users" } }
)toml");
  const auto after = t.write("after.toml", R"toml([tables.accounts]
renamed_from = "users"
primary_key = ["id"]

[tables.accounts.columns]
id = { type = "bigint" }
email = { type = "text" }

[[tables.accounts.uniques]]
columns = ["email"]

[[tables.accounts.checks]]
expr = "length(email) > 3"

[tables.posts]
primary_key = ["id"]

[tables.posts.columns]
id = { type = "bigint" }
author = { type = "bigint", references = { table = "accounts" } }
)toml");
  REQUIRE(t.keel({"apply", before, "--yes"}) == 0);
  keel::dialects::open_database(t.url)->execute_script(
      "INSERT INTO users VALUES (1, 'ann@example.com'), (2, 'bob@example.com');"
      "INSERT INTO posts VALUES (10, 1), (11, 2)");

  REQUIRE(t.keel({"plan", after}) == 0);
  for (const char* text :
       {"1. rename table \"main.users\" to \"main.accounts\"", "2. rebuild table \"main.accounts\"",
        "CONSTRAINT \"accounts_pkey\" PRIMARY KEY (\"id\")",
        "CONSTRAINT \"accounts_email_key\" UNIQUE (\"email\")",
        "CONSTRAINT \"accounts_email_check\" CHECK (length(email) > 3)",
        "SQLite cannot rename the primary key, rename the unique constraints and rename the "
        "checks in place"}) {
    INFO(text);
    CHECK(t.out.find(text) != std::string::npos);
  }
  // posts follows the renamed table by itself: SQLite rewrites its reference.
  CHECK(t.out.find("\"main.posts\"") == std::string::npos);

  REQUIRE(t.keel({"apply", after, "--yes"}) == 0);
  CHECK(t.keel({"plan", after, "--detailed-exitcode"}) == 0);
  CHECK(t.scalar("SELECT count(*) FROM accounts JOIN posts ON posts.author = accounts.id") == "2");

  REQUIRE(t.keel({"rollback", "--yes"}) == 0);
  CHECK(t.keel({"plan", before, "--detailed-exitcode"}) == 0);
  CHECK(t.scalar("SELECT count(*) FROM users JOIN posts ON posts.author = users.id") == "2");
}
