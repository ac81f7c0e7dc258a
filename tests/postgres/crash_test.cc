// Crash tests on a real server (the scenario is in tests/support/crash.h): `keel apply` is
// killed (SIGKILL) just before each step of a plan in turn. The revision it leaves must count
// exactly the steps whose effects the database shows, a plain re-run must converge without
// losing rows, and rolling back both revisions must give A back with its rows.
#include "tests/support/crash.h"

#include <catch2/catch.hpp>

#include "state/fingerprint.h"
#include "state/schema.h"
#include "tests/support/pg.h"

namespace {

/// The fingerprint with every check and foreign key counted as validated.
std::string fingerprint_validated(keel::state::Schema schema) {
  for (auto& [name, table] : schema.tables) {
    for (auto& fk : table.foreign_keys)
      fk.valid = true;
    for (auto& check : table.checks)
      check.valid = true;
  }
  return keel::state::fingerprint(schema);
}

}  // namespace

// B on PostgreSQL: the new enum value takes a transaction of its own, the new check and foreign
// key are validated on their own, and the indexes on tables with rows are built CONCURRENTLY,
// outside a transaction.
TEST_CASE(
    "an apply killed before any step of its plan leaves a true record, and a re-run "
    "converges",
    "[postgres]") {
  keel::testing::CrashScenario scenario("keel-crash-pg", keel::testing::kCrashSchemaB, KEEL_BINARY);
  keel::testing::PgTestDatabase database;
  // Empties the database (as keel never touched it), then brings it to A with rows.
  auto load_a = [&] {
    database.open()->execute_script(
        "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"
        "DROP SCHEMA IF EXISTS keel CASCADE; DROP SCHEMA IF EXISTS keel_trash CASCADE;");
    scenario.load_a(database.url());
    return database.url();
  };

  const auto plan = scenario.replay(load_a());
  // The plan mixes what this test is about.
  const auto mix = keel::testing::count_steps(plan.steps());
  REQUIRE(mix.steps >= 12);
  REQUIRE(mix.own_transaction >= 1);
  REQUIRE(mix.outside >= 2);
  REQUIRE(mix.destructive >= 2);
  REQUIRE(mix.shared >= 3);

  const keel::testing::CrashHooks hooks{
      .load_a = [&](std::size_t /*k*/) { return load_a(); },
      // Rolling back the re-run keeps the checks and foreign keys it validated: a VALIDATE has
      // no reverse.
      .rolled_back_fingerprint = fingerprint_validated,
  };
  scenario.kill_before_each_step(plan, hooks);
}
