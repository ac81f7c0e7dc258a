// A table renamed through `renamed_from` keeps its constraints and indexes: the ones named by
// default after the old name are renamed, and foreign keys of other tables follow it, so the
// plan is renames only (no index is built again, no row is checked again).
#include <catch2/catch.hpp>

#include "tests/support/convergence.h"
#include "tests/support/pg.h"
#include "tests/support/process.h"

namespace {

const char* const kBefore = R"toml([tables.users]
primary_key = ["id"]

[tables.users.columns]
id = { type = "bigint" }
email = { type = "text" }
manager = { type = "bigint", nullable = true, references = { table = "users" } }

[[tables.users.uniques]]
columns = ["email"]

[[tables.users.indexes]]
columns = ["manager"]

[[tables.users.checks]]
expr = "length(email) > 3"

[tables.posts]
primary_key = ["id"]

[tables.posts.columns]
id = { type = "bigint" }
author = { type = "bigint", references = { table = "users" } }
)toml";

const char* const kAfter = R"toml([tables.accounts]
renamed_from = "users"
primary_key = ["id"]

[tables.accounts.columns]
id = { type = "bigint" }
email = { type = "text" }
manager = { type = "bigint", nullable = true, references = { table = "accounts" } }

[[tables.accounts.uniques]]
columns = ["email"]

[[tables.accounts.indexes]]
columns = ["manager"]

[[tables.accounts.checks]]
expr = "length(email) > 3"

[tables.posts]
primary_key = ["id"]

[tables.posts.columns]
id = { type = "bigint" }
author = { type = "bigint", references = { table = "accounts" } }
)toml";

}  // namespace

TEST_CASE("a renamed table keeps its constraints and indexes under their new default names",
          "[postgres]") {
  keel::testing::PgTestDatabase database;
  keel::testing::ScratchDir dir{"keel-rename"};
  std::string out;
  std::string err;
  auto keel = [&](std::vector<std::string> args) {
    return keel::testing::keel_at(database.url(), std::move(args), out, err);
  };
  const auto before = dir.write("before.toml", kBefore);
  const auto after = dir.write("after.toml", kAfter);
  REQUIRE(keel({"apply", before, "--yes"}) == 0);
  auto db = database.open();
  db->execute_script(
      "INSERT INTO users VALUES (1, 'ann@example.com', NULL), (2, 'bob@example.com', 1);"
      "INSERT INTO posts VALUES (10, 1), (11, 2)");

  REQUIRE(keel({"plan", after, "--format", "json"}) == 0);
  for (const char* kind : {"drop_", "add_", "create_", "validate_"}) {
    INFO(kind);
    CHECK(out.find(std::string(R"("kind": ")") + kind) == std::string::npos);
  }
  REQUIRE(keel({"plan", after}) == 0);
  for (const char* step :
       {"rename table \"public.users\" to \"public.accounts\"",
        "rename constraint \"users_pkey\" of \"public.accounts\" to \"accounts_pkey\"",
        "rename constraint \"users_email_key\" of \"public.accounts\" to \"accounts_email_key\"",
        "rename constraint \"users_manager_fkey\" of \"public.accounts\" to "
        "\"accounts_manager_fkey\"",
        "rename constraint \"users_email_check\" of \"public.accounts\" to "
        "\"accounts_email_check\"",
        "rename index \"users_manager_idx\" of \"public.accounts\" to \"accounts_manager_idx\"",
        "ALTER INDEX public.users_manager_idx RENAME TO accounts_manager_idx;"}) {
    INFO(step);
    CHECK(out.find(step) != std::string::npos);
  }
  CHECK(out.find("Plan: 6 steps for postgresql\n") != std::string::npos);

  REQUIRE(keel({"apply", after, "--yes"}) == 0);
  CHECK(keel({"plan", after, "--detailed-exitcode"}) == 0);
  auto rows = db->query("SELECT count(*) FROM accounts JOIN posts ON posts.author = accounts.id");
  CHECK(rows.at(0).at(0) == "2");

  REQUIRE(keel({"rollback", "--yes"}) == 0);
  CHECK(keel({"plan", before, "--detailed-exitcode"}) == 0);
  rows = db->query("SELECT count(*) FROM users JOIN posts ON posts.author = users.id");
  CHECK(rows.at(0).at(0) == "2");
}
