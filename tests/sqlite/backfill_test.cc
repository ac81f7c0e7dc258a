// Batched backfills on SQLite: a column a rebuild needs filled is filled first by rowid
// ranges, each batch its own short write transaction, and a killed apply resumes after the
// last batch it recorded.
#include <csignal>

#include <catch2/catch.hpp>

#include "dialects/dialect.h"
#include "tests/support/convergence.h"
#include "tests/support/process.h"

namespace {

const char* const kV1 = R"toml([tables.items]
primary_key = ["id"]

[tables.items.columns]
id = { type = "integer" }
n = { type = "integer" }
)toml";

const char* const kV2 = R"toml([tables.items]
primary_key = ["id"]

[tables.items.columns]
id = { type = "integer" }
n = { type = "integer" }
doubled = { type = "integer", backfill = "n * 2" }
)toml";

std::string scalar(keel::dialects::Database& db, const std::string& sql) {
  auto rows = db.query(sql);
  REQUIRE(rows.size() == 1);
  return rows[0].at(0).value_or("NULL");
}

}  // namespace

TEST_CASE("a SQLite backfill runs in rowid batches and resumes after a kill", "[sqlite]") {
  keel::testing::ScratchDir dir("keel-sqlite-backfill");
  const std::string url = "sqlite:" + (dir.path() / "app.db").string();
  const auto v1 = dir.write("v1.toml", kV1);
  const auto v2 = dir.write("v2.toml", kV2);
  std::string out;
  std::string err;
  REQUIRE(keel::testing::keel({"apply", v1, "--db", url, "--yes"}, out, err) == 0);
  auto db = keel::dialects::open_database(url);
  db->execute_script(
      "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 1000)"
      " INSERT INTO items SELECT i, i FROM g");

  REQUIRE(keel::testing::keel({"plan", v2, "--db", url, "--format", "sql"}, out, err) == 0);
  CHECK(out.find("ALTER TABLE \"items\" ADD COLUMN \"doubled\" integer;") != std::string::npos);
  CHECK(out.find("-- filled in batches") != std::string::npos);

  auto killed = keel::testing::run_child(KEEL_BINARY,
                                         {"apply", v2, "--db", url, "--yes", "--batch-size", "100"},
                                         {{"KEEL_FAILPOINT", "after-batch:4"}}, dir.path());
  INFO(killed.err);
  REQUIRE(killed.signal == SIGKILL);
  CHECK(scalar(*db, "SELECT count(doubled) FROM items") == "400");
  CHECK(scalar(*db, "SELECT max(id) FROM items WHERE doubled IS NOT NULL") == "400");

  REQUIRE(keel::testing::keel({"apply", v2, "--db", url, "--yes", "--batch-size", "100"}, out,
                              err) == 0);
  INFO(err);
  CHECK(err.find("resuming the backfill of main.items.doubled after 400 rows (position 400)") !=
        std::string::npos);
  CHECK(err.find("backfill main.items.doubled: 1,000 rows") != std::string::npos);
  CHECK(scalar(*db, "SELECT count(*) FROM items WHERE doubled = n * 2") == "1000");
  CHECK(scalar(*db, "SELECT \"notnull\" FROM pragma_table_info('items') WHERE name = 'doubled'") ==
        "1");
  REQUIRE(keel::testing::keel({"plan", v2, "--db", url, "--detailed-exitcode"}, out, err) == 0);
}
