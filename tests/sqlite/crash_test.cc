// Crash tests on SQLite files (the scenario is in tests/support/crash.h): `keel apply` is
// killed (SIGKILL) just before each step of a plan in turn. The revision it leaves must count
// exactly the steps whose effects the database shows, the lock row of the dead apply must be
// taken over, a plain re-run must converge without losing rows, and rolling back both revisions
// must give A back with its rows.
#include "tests/support/crash.h"

#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "dialects/dialect.h"

namespace {

// B on SQLite: the shared B with a check on "users" and one more table. SQLite cannot make some
// of it in place (the new enum value, which is a CHECK here, the backfilled NOT NULL column, the
// checks, the foreign key): two tables are rebuilt, each a step outside the plan's transactions.
const std::string kSchemaB = std::string(keel::testing::kCrashSchemaB) + R"toml(
[[tables.users.checks]]
name = "users_email_has_at"
expr = "email LIKE '%@%'"

[tables.task_notes]
primary_key = ["id"]

[tables.task_notes.columns]
id = { type = "bigint" }
task_id = { type = "bigint", references = { table = "tasks", on_delete = "cascade" } }
body = { type = "text" }

[[tables.task_notes.indexes]]
name = "task_notes_task_idx"
columns = ["task_id"]
)toml";

}  // namespace

TEST_CASE(
    "an apply killed before any step of its plan leaves a true record in a SQLite file, "
    "and a re-run converges",
    "[sqlite]") {
  keel::testing::CrashScenario scenario("keel-crash-sqlite", kSchemaB, KEEL_BINARY);
  // A new database file at A with rows; returns its URL.
  auto load_a = [&](const std::string& name) {
    std::string url = "sqlite:" + (scenario.dir().path() / name).string();
    scenario.load_a(url);
    return url;
  };

  const auto plan = scenario.replay(load_a("reference.db"));
  // The plan mixes what this test is about.
  const auto mix = keel::testing::count_steps(plan.steps());
  REQUIRE(mix.steps >= 10);
  REQUIRE(mix.outside >= 2);
  REQUIRE(mix.destructive >= 2);
  REQUIRE(mix.shared >= 3);

  const keel::testing::CrashHooks hooks{
      .load_a = [&](std::size_t k) { return load_a(fmt::format("kill-before-{}.db", k)); },
      // The dead apply's lock row stays behind; the re-run must take it over.
      .after_kill =
          [](keel::dialects::Database& db, pid_t pid) {
            CHECK(db.query("SELECT pid FROM keel_lock").at(0).at(0) == std::to_string(pid));
          },
      .after_rerun =
          [](keel::dialects::Database& db) {
            CHECK(db.query("SELECT count(*) FROM keel_lock").at(0).at(0) == "0");
          },
  };
  scenario.kill_before_each_step(plan, hooks);
}
