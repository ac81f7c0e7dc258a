// Online strategies on a real server: batched backfills (by primary key, composite key and
// page ranges) that resume after a kill, INVALID indexes repaired, NOT VALID constraints
// validated, binary-coercible type changes without a rewrite, the rewrite limit, and table
// sizes in plans.
#include <csignal>

#include <catch2/catch.hpp>

#include "tests/support/convergence.h"
#include "tests/support/pg.h"
#include "tests/support/process.h"

namespace {

using keel::testing::ChildResult;
using keel::testing::PgTestDatabase;
using keel::testing::ScratchDir;

const char* const kItemsV1 = R"toml([tables.items]
primary_key = ["id"]

[tables.items.columns]
id = { type = "bigint", identity = "by default" }
n = { type = "integer" }
)toml";

const char* const kItemsV2 = R"toml([tables.items]
primary_key = ["id"]

[tables.items.columns]
id = { type = "bigint", identity = "by default" }
n = { type = "integer" }
ticket = { type = "bigint", backfill = "nextval('fill_seq')" }
)toml";

struct Online {
  PgTestDatabase database;
  ScratchDir dir{"keel-online"};
  std::unique_ptr<keel::dialects::Database> db = database.open();

  /// `keel ARGS... --db URL` in-process; the exit code, with stdout and stderr kept.
  int keel(std::vector<std::string> args) {
    return keel::testing::keel_at(database.url(), std::move(args), out, err);
  }
  /// Applies `toml` (written to NAME.toml) and requires success.
  void apply(const std::string& name, const std::string& toml,
             std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"apply", dir.write(name + ".toml", toml), "--yes"};
    args.insert(args.end(), extra.begin(), extra.end());
    INFO(err);
    REQUIRE(keel(args) == 0);
  }
  /// `keel plan --detailed-exitcode` of `toml`: 0 when the database matches it.
  int plan_code(const std::string& name, const std::string& toml) {
    return keel({"plan", dir.write(name + ".toml", toml), "--detailed-exitcode"});
  }
  std::string scalar(const std::string& sql) {
    auto rows = db->query(sql);
    REQUIRE(rows.size() == 1);
    return rows[0].at(0).value_or("NULL");
  }
  /// kItemsV1 with 1,000 rows and the sequence kItemsV2's backfill draws from.
  void items_with_rows() {
    apply("v1", kItemsV1);
    db->execute_script(
        "CREATE SEQUENCE fill_seq; INSERT INTO items (n) SELECT g FROM generate_series(1, 1000) g;"
        " ANALYZE items");
  }
  /// `keel apply v2.toml` in a child process that kills itself after `batches` batches of 100.
  ChildResult apply_killed_after(const std::string& toml, int batches) {
    return keel::testing::run_child(KEEL_BINARY,
                                    {"apply", dir.write("v2.toml", toml), "--db", database.url(),
                                     "--yes", "--batch-size", "100"},
                                    {{"KEEL_FAILPOINT", "after-batch:" + std::to_string(batches)}},
                                    dir.path());
  }
  std::string out;
  std::string err;
};

}  // namespace

TEST_CASE(
    "a backfill killed after a batch resumes after its recorded position and fills each row once",
    "[postgres]") {
  Online t;
  t.items_with_rows();
  ChildResult killed = t.apply_killed_after(kItemsV2, 3);
  const auto v2 = (t.dir.path() / "v2.toml").string();
  INFO(killed.err);
  REQUIRE(killed.signal == SIGKILL);
  // Three batches of 100 committed, each with its position.
  CHECK(t.scalar("SELECT count(ticket) FROM items") == "300");
  CHECK(t.scalar("SELECT max(id) FILTER (WHERE ticket IS NOT NULL) FROM items") == "300");
  REQUIRE(t.keel({"history", "--format", "json"}) == 0);
  CHECK(t.out.find(R"("status": "applying")") != std::string::npos);

  REQUIRE(t.keel({"apply", v2, "--yes", "--batch-size", "100"}) == 0);
  CHECK(t.err.find("resuming the backfill of public.items.ticket after 300 rows (position 300)") !=
        std::string::npos);
  CHECK(t.err.find("backfill public.items.ticket: 1,000 rows") != std::string::npos);
  // Every row filled exactly once: the sequence was called once per row.
  CHECK(t.scalar("SELECT count(DISTINCT ticket) FROM items") == "1000");
  CHECK(t.scalar("SELECT last_value FROM fill_seq") == "1000");
  CHECK(t.scalar("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'items'::regclass AND "
                 "attname = 'ticket'") == "t");
  // The helper check that proved NOT NULL is gone.
  CHECK(t.scalar("SELECT count(*) FROM pg_constraint WHERE conrelid = 'items'::regclass AND "
                 "contype = 'c'") == "0");
  CHECK(t.plan_code("v2b", kItemsV2) == 0);
}

TEST_CASE("batch-sleep is a pause or a share of each batch time, and other text is refused",
          "[postgres]") {
  Online t;
  t.items_with_rows();
  const auto v2 = t.dir.write("v2.toml", kItemsV2);
  for (const char* bad : {"5x", "abc%", "-10%", "20000%", "%"}) {
    INFO(bad);
    CHECK(t.keel({"apply", v2, "--yes", "--batch-sleep", bad}) != 0);
    CHECK(t.err.find(std::string("--batch-sleep \"") + bad + "\" is") != std::string::npos);
  }
  // Refused before anything ran.
  CHECK(t.scalar("SELECT count(*) FROM pg_attribute WHERE attrelid = 'items'::regclass AND "
                 "attname = 'ticket'") == "0");
  REQUIRE(t.keel({"apply", v2, "--yes", "--batch-size", "100", "--batch-sleep", "50%"}) == 0);
  CHECK(t.err.find("backfill public.items.ticket: 1,000 rows") != std::string::npos);
  CHECK(t.err.find("10 batches") != std::string::npos);
  CHECK(t.scalar("SELECT count(DISTINCT ticket) FROM items") == "1000");
  CHECK(t.plan_code("v2b", kItemsV2) == 0);
}

TEST_CASE("backfills walk composite keys and tables without a primary key in batches",
          "[postgres]") {
  Online t;
  const char* v1 = R"toml([tables.pairs]
primary_key = ["a", "b"]

[tables.pairs.columns]
a = { type = "integer" }
b = { type = "text" }

[tables.heap.columns]
v = { type = "integer" }
)toml";
  const char* v2 = R"toml([tables.pairs]
primary_key = ["a", "b"]

[tables.pairs.columns]
a = { type = "integer" }
b = { type = "text" }
label = { type = "text", backfill = "b || ':' || a" }

[tables.heap.columns]
v = { type = "integer" }
doubled = { type = "integer", backfill = "v * 2" }
)toml";
  t.apply("v1", v1);
  t.db->execute_script(
      "INSERT INTO pairs SELECT g % 7, 'k' || g FROM generate_series(1, 1500) g;"
      " INSERT INTO heap SELECT g FROM generate_series(1, 2500) g; ANALYZE pairs; ANALYZE heap");
  t.apply("v2", v2, {"--batch-size", "64"});
  CHECK(t.scalar("SELECT count(*) FROM pairs WHERE label = b || ':' || a") == "1500");
  CHECK(t.scalar("SELECT count(*) FROM heap WHERE doubled = v * 2") == "2500");
  // More than one batch ran for each (64 rows a batch).
  CHECK(t.err.find("backfill public.pairs.label: 1,500 rows") != std::string::npos);
  CHECK(t.err.find("backfill public.heap.doubled: 2,500 rows") != std::string::npos);
  CHECK(t.err.find(", 1 batch,") == std::string::npos);
  CHECK(t.plan_code("v2b", v2) == 0);
}

TEST_CASE("an INVALID index left by a failed concurrent build is shown by inspect and rebuilt",
          "[postgres]") {
  Online t;
  const char* v1 = R"toml([tables.codes]
primary_key = ["id"]

[tables.codes.columns]
id = { type = "integer" }
code = { type = "text" }
)toml";
  const std::string v2 = std::string(v1) + R"toml(
[[tables.codes.indexes]]
name = "codes_code_key"
columns = ["code"]
unique = true
)toml";
  t.apply("v1", v1);
  t.db->execute_script("INSERT INTO codes VALUES (1, 'a'), (2, 'a'), (3, 'b')");
  // The concurrent build fails on the duplicate and leaves the index INVALID.
  REQUIRE(t.keel({"apply", t.dir.write("v2.toml", v2), "--yes"}) == 1);
  CHECK(t.err.find("CREATE UNIQUE INDEX CONCURRENTLY") != std::string::npos);
  CHECK(t.scalar("SELECT indisvalid FROM pg_index WHERE indexrelid = 'codes_code_key'::regclass") ==
        "f");
  REQUIRE(t.keel({"inspect"}) == 0);
  CHECK(t.out.find("valid = false") != std::string::npos);

  t.db->execute("DELETE FROM codes WHERE id = 2");
  REQUIRE(t.keel({"plan", t.dir.write("v2b.toml", v2)}) == 0);
  const auto drop = t.out.find("DROP INDEX CONCURRENTLY public.codes_code_key");
  const auto create = t.out.find("CREATE UNIQUE INDEX CONCURRENTLY codes_code_key");
  CHECK(drop != std::string::npos);
  CHECK(create != std::string::npos);
  CHECK(drop < create);
  t.apply("v2c", v2);
  CHECK(t.scalar("SELECT indisvalid FROM pg_index WHERE indexrelid = 'codes_code_key'::regclass") ==
        "t");
  CHECK(t.plan_code("v2d", v2) == 0);
}

TEST_CASE("constraints on existing tables are added NOT VALID and validated in their own step",
          "[postgres]") {
  Online t;
  const char* v1 = R"toml([tables.owners]
primary_key = ["id"]

[tables.owners.columns]
id = { type = "integer" }

[tables.pets]
primary_key = ["id"]

[tables.pets.columns]
id = { type = "integer" }
owner_id = { type = "integer" }
legs = { type = "integer" }
tag = { type = "text" }
)toml";
  const std::string v2 = std::string(v1) + R"toml(
[[tables.pets.foreign_keys]]
name = "pets_owner_id_fkey"
columns = ["owner_id"]
ref_table = "owners"
ref_columns = ["id"]

[[tables.pets.checks]]
name = "pets_legs_check"
expr = "legs >= 0"

[[tables.pets.uniques]]
name = "pets_tag_key"
columns = ["tag"]
)toml";
  t.apply("v1", v1);
  t.db->execute_script(
      "INSERT INTO owners SELECT g FROM generate_series(1, 10) g;"
      " INSERT INTO pets SELECT g, g % 10 + 1, 4, 't' || g FROM generate_series(1, 100) g");
  REQUIRE(t.keel({"plan", t.dir.write("v2.toml", v2), "--format", "sql"}) == 0);
  for (const char* sql :
       {"ADD CONSTRAINT pets_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.owners (id) "
        "NOT VALID;",
        "ADD CONSTRAINT pets_legs_check CHECK (legs >= 0) NOT VALID;",
        "VALIDATE CONSTRAINT pets_owner_id_fkey;", "VALIDATE CONSTRAINT pets_legs_check;",
        "CREATE UNIQUE INDEX CONCURRENTLY pets_tag_key ON public.pets (tag);",
        "ADD CONSTRAINT pets_tag_key UNIQUE USING INDEX pets_tag_key;"}) {
    INFO(sql << "\n" << t.out);
    CHECK(t.out.find(sql) != std::string::npos);
  }
  t.apply("v2", v2);
  CHECK(t.scalar("SELECT count(*) FROM pg_constraint WHERE conrelid = 'pets'::regclass AND NOT "
                 "convalidated") == "0");
  CHECK(t.plan_code("v2b", v2) == 0);

  // One left NOT VALID (say, by an apply killed before its validation) is only validated.
  t.db->execute_script(
      "ALTER TABLE pets DROP CONSTRAINT pets_legs_check;"
      " ALTER TABLE pets ADD CONSTRAINT pets_legs_check CHECK (legs >= 0) NOT VALID");
  REQUIRE(t.keel({"plan", t.dir.write("v2c.toml", v2)}) == 0);
  CHECK(t.out.find("Plan: 1 step") != std::string::npos);
  CHECK(t.out.find("validate check \"pets_legs_check\" of \"public.pets\"") != std::string::npos);
  t.apply("v2d", v2);
  CHECK(t.plan_code("v2e", v2) == 0);
}

TEST_CASE(
    "binary-coercible type changes keep the table's file; rewrites over the limit are refused",
    "[postgres]") {
  Online t;
  const char* v1 = R"toml([tables.notes]
primary_key = ["id"]

[tables.notes.columns]
id = { type = "integer" }
title = { type = "varchar(20)" }
)toml";
  const char* wider = R"toml([tables.notes]
primary_key = ["id"]

[tables.notes.columns]
id = { type = "integer" }
title = { type = "varchar(200)" }
)toml";
  const char* bigger = R"toml([tables.notes]
primary_key = ["id"]

[tables.notes.columns]
id = { type = "bigint" }
title = { type = "varchar(200)" }
)toml";
  t.apply("v1", v1);
  t.db->execute_script(
      "INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 2000) g; ANALYZE notes");
  const auto file = t.scalar("SELECT relfilenode FROM pg_class WHERE relname = 'notes'");

  REQUIRE(t.keel({"plan", t.dir.write("wider.toml", wider)}) == 0);
  CHECK(t.out.find("TABLE_REWRITE") == std::string::npos);
  t.apply("wider", wider);
  CHECK(t.scalar("SELECT relfilenode FROM pg_class WHERE relname = 'notes'") == file);

  // integer -> bigint rewrites: the plan says so, with the table's size, and apply refuses it
  // over the limit, changing nothing.
  REQUIRE(t.keel({"plan", t.dir.write("bigger.toml", bigger)}) == 0);
  CHECK(t.out.find("TABLE_REWRITE") != std::string::npos);
  CHECK(t.out.find("table public.notes: ~2,000 rows, ") != std::string::npos);
  REQUIRE(t.keel({"apply", t.dir.write("bigger2.toml", bigger), "--yes", "--rewrite-limit",
                  "16kB"}) == 1);
  CHECK(t.err.find("keel: error: the plan rewrites tables larger than the rewrite limit (16 kB); "
                   "readers and writers would wait for the whole rewrite:\n  step 1: alter column "
                   "\"id\" of \"public.notes\" (type) (~2,000 rows, ") != std::string::npos);
  CHECK(t.err.find("pass --allow-rewrite (or a larger --rewrite-limit)") != std::string::npos);
  CHECK(t.scalar("SELECT relfilenode FROM pg_class WHERE relname = 'notes'") == file);
  CHECK(t.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                 "'notes'::regclass AND attname = 'id'") == "integer");

  t.apply("bigger3", bigger, {"--rewrite-limit", "16kB", "--allow-rewrite"});
  CHECK(t.scalar("SELECT relfilenode FROM pg_class WHERE relname = 'notes'") != file);
  CHECK(t.scalar("SELECT count(*) FROM notes") == "2000");
  CHECK(t.plan_code("bigger4", bigger) == 0);
}

TEST_CASE("hazardous steps show the estimated rows and size of their table in every format",
          "[postgres]") {
  Online t;
  t.apply("v1", kItemsV1);
  t.db->execute_script(
      "CREATE SEQUENCE fill_seq; INSERT INTO items (n) SELECT g FROM generate_series(1, 5000) g;"
      " ANALYZE items");
  const auto v2 = t.dir.write("v2.toml", kItemsV2);
  REQUIRE(t.keel({"plan", v2}) == 0);
  CHECK(t.out.find("table public.items: ~5,000 rows, ") != std::string::npos);
  REQUIRE(t.keel({"plan", v2, "--format", "markdown"}) == 0);
  CHECK(t.out.find("step 1: add column \"ticket\" to \"public.items\" (~5,000 rows, ") !=
        std::string::npos);
  REQUIRE(t.keel({"plan", v2, "--format", "json"}) == 0);
  CHECK(t.out.find(R"("table": {
        "schema": "public",
        "name": "items",
        "rows": 5000,)") != std::string::npos);
}

TEST_CASE("rollback undoes the statements of a step that an interrupted apply left half done",
          "[postgres]") {
  Online t;
  t.items_with_rows();
  ChildResult killed = t.apply_killed_after(kItemsV2, 2);
  INFO(killed.err);
  REQUIRE(killed.signal == SIGKILL);
  CHECK(t.scalar("SELECT count(ticket) FROM items") == "200");

  // The history says where the step stopped: after its ADD COLUMN, 200 rows into the backfill.
  REQUIRE(t.keel({"history", "--format", "json"}) == 0);
  CHECK(t.out.find(R"("statements": 1)") != std::string::npos);
  CHECK(t.out.find(R"("rows": 200)") != std::string::npos);

  REQUIRE(t.keel({"rollback", "--yes"}) == 0);
  INFO(t.err);
  CHECK(t.err.find("Revision 2 was interrupted after 0 step(s)") != std::string::npos);
  CHECK(t.err.find("Rolled back revision 2") != std::string::npos);
  CHECK(t.scalar("SELECT count(*) FROM pg_attribute WHERE attrelid = 'items'::regclass AND "
                 "attname = 'ticket' AND NOT attisdropped") == "0");
  CHECK(t.scalar("SELECT count(*) FROM items") == "1000");
  CHECK(t.scalar("SELECT sum(n) FROM items") == "500500");
  CHECK(t.plan_code("v1b", kItemsV1) == 0);
  REQUIRE(t.keel({"show", "2"}) == 0);
  CHECK(t.out.find("revision 2: apply rolled_back") != std::string::npos);
  CHECK(t.out.find("stopped  in step 1 after 1 statement(s); backfill of public.items.ticket: 200 "
                   "row(s) filled") != std::string::npos);
}

TEST_CASE("a table never analyzed has no row estimate, and plans say so rather than 0 rows",
          "[postgres]") {
  Online t;
  t.apply("v1", kItemsV1);
  t.db->execute_script(
      "ALTER TABLE items SET (autovacuum_enabled = false);"
      "CREATE SEQUENCE fill_seq; INSERT INTO items (n) SELECT g FROM generate_series(1, 500) g");
  const auto v2 = t.dir.write("v2.toml", kItemsV2);
  REQUIRE(t.keel({"plan", v2}) == 0);
  CHECK(t.out.find("table public.items: rows not estimated yet (never analyzed), ") !=
        std::string::npos);
  REQUIRE(t.keel({"plan", v2, "--format", "json"}) == 0);
  CHECK(t.out.find(R"("rows": null,)") != std::string::npos);
  // The backfill's progress counts rows without a made-up total of 0 or an ETA.
  REQUIRE(t.keel({"apply", v2, "--yes", "--batch-size", "100"}) == 0);
  CHECK(t.err.find("backfill public.items.ticket: 500 rows, ") != std::string::npos);
  CHECK(t.err.find(" of ~") == std::string::npos);
  CHECK(t.err.find("ETA") == std::string::npos);
}
