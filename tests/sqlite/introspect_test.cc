#include <catch2/catch.hpp>

#include "tests/sqlite/fixture.h"

namespace keel::testing {
namespace {

using state::Column;
using state::FkAction;
using state::Identity;
using state::QualifiedName;

state::Schema inspect_sql(const std::string& sql, const state::Settings& settings = {}) {
  auto db = sqlite_with(":memory:", sql);
  return db->inspect(settings);
}

const state::Table& table_of(const state::Schema& schema, const std::string& name) {
  const state::Table* table = schema.find_table({"main", name});
  REQUIRE(table != nullptr);
  return *table;
}

TEST_CASE("sqlite columns read with neutral types, defaults, nullability and collation",
          "[sqlite]") {
  state::Schema schema = inspect_sql(R"sql(
    CREATE TABLE t (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name VARCHAR(20) NOT NULL COLLATE NOCASE DEFAULT 'it''s',
      price DOUBLE PRECISION DEFAULT (0.0),
      created DATETIME DEFAULT CURRENT_TIMESTAMP,
      n INT DEFAULT ( ( 1 +  2 ) ),
      raw,
      tag TEXT COLLATE binary,
      total INTEGER GENERATED ALWAYS AS (n * 2) STORED
    );
  )sql");
  CHECK(schema.settings.schema == "main");
  const state::Table& t = table_of(schema, "t");
  REQUIRE(t.columns.size() == 8);
  CHECK(
      t.columns[0] ==
      Column{.name = "id", .type = "integer", .nullable = false, .identity = Identity::ByDefault});
  CHECK(t.columns[1] == Column{.name = "name",
                               .type = "character varying(20)",
                               .nullable = false,
                               .default_sql = "'it''s'",
                               .collation = "NOCASE"});
  CHECK(
      t.columns[2] ==
      Column{.name = "price", .type = "double precision", .nullable = true, .default_sql = "0.0"});
  CHECK(t.columns[3] == Column{.name = "created",
                               .type = "datetime",
                               .nullable = true,
                               .default_sql = "CURRENT_TIMESTAMP"});
  CHECK(t.columns[4] ==
        Column{.name = "n", .type = "integer", .nullable = true, .default_sql = "1 + 2"});
  CHECK(t.columns[5] == Column{.name = "raw", .type = "blob", .nullable = true});
  CHECK(t.columns[6] == Column{.name = "tag", .type = "text", .nullable = true});
  CHECK(t.columns[7] ==
        Column{.name = "total", .type = "integer", .nullable = true, .generated = "n * 2"});
  REQUIRE(t.primary_key);
  CHECK(t.primary_key->name == "t_pkey");
  CHECK(t.primary_key->columns == std::vector<std::string>{"id"});
}

TEST_CASE("sqlite constraints read with their declared or default names", "[sqlite]") {
  state::Schema schema = inspect_sql(R"sql(
    CREATE TABLE parent (a INT, b TEXT, CONSTRAINT parent_pk PRIMARY KEY (a, b));
    CREATE TABLE child (
      id INTEGER PRIMARY KEY,
      pa INT, pb TEXT, code TEXT UNIQUE, qty INT CHECK (qty > 0),
      owner INT CONSTRAINT owner_fk REFERENCES child ON DELETE SET NULL,
      CONSTRAINT child_pair_fk FOREIGN KEY (PA, pb) REFERENCES Parent (A, B)
        ON DELETE CASCADE ON UPDATE RESTRICT DEFERRABLE INITIALLY DEFERRED,
      CONSTRAINT "pair unique" UNIQUE (pa, pb),
      CONSTRAINT qty_small CHECK (qty < 100),
      CHECK (length(code) = 3)
    );
  )sql");
  const state::Table& parent = table_of(schema, "parent");
  CHECK(parent.primary_key == state::PrimaryKey{"parent_pk", {"a", "b"}});
  // SQLite lets a rowid table's key columns hold NULL; keel's model keeps keys NOT NULL.
  CHECK_FALSE(parent.columns[0].nullable);

  const state::Table& child = table_of(schema, "child");
  CHECK(child.primary_key == state::PrimaryKey{"child_pkey", {"id"}});
  CHECK(child.uniques ==
        std::vector<state::UniqueConstraint>{{"child_code_key", {"code"}, false, false},
                                             {"pair unique", {"pa", "pb"}, false, false}});
  REQUIRE(child.foreign_keys.size() == 2);
  CHECK(child.foreign_keys[0] == state::ForeignKey{.name = "child_pair_fk",
                                                   .columns = {"pa", "pb"},
                                                   .ref_table = {"main", "parent"},
                                                   .ref_columns = {"a", "b"},
                                                   .on_delete = FkAction::Cascade,
                                                   .on_update = FkAction::Restrict,
                                                   .deferrable = true,
                                                   .initially_deferred = true});
  CHECK(child.foreign_keys[1] == state::ForeignKey{.name = "owner_fk",
                                                   .columns = {"owner"},
                                                   .ref_table = {"main", "child"},
                                                   .ref_columns = {"id"},
                                                   .on_delete = FkAction::SetNull});
  CHECK(child.checks == std::vector<state::Check>{{"child_code_check", "length(code) = 3", true},
                                                  {"child_qty_check", "qty > 0", true},
                                                  {"qty_small", "qty < 100", true}});
}

TEST_CASE("sqlite indexes read with expressions, order, collations and predicates", "[sqlite]") {
  state::Schema schema = inspect_sql(R"sql(
    CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT COLLATE NOCASE, org INT, deleted INT);
    CREATE UNIQUE INDEX u_email ON u (EMAIL) WHERE deleted IS NULL;
    CREATE INDEX u_lower ON u (lower(email) COLLATE RTRIM, org DESC, email COLLATE BINARY);
    CREATE INDEX u_nocase ON u (email COLLATE nocase, (org));
  )sql");
  const state::Table& u = table_of(schema, "u");
  REQUIRE(u.indexes.size() == 3);
  CHECK(u.indexes[0] == state::Index{.name = "u_email",
                                     .keys = {{.column = "email"}},
                                     .unique = true,
                                     .where = "deleted IS NULL"});
  CHECK(u.indexes[1] ==
        state::Index{.name = "u_lower",
                     .keys = {{.column = "", .expression = "lower(email)", .collation = "RTRIM"},
                              {.column = "org", .descending = true},
                              {.column = "email", .collation = "BINARY"}}});
  CHECK(u.indexes[2] ==
        state::Index{.name = "u_nocase", .keys = {{.column = "email"}, {.column = "org"}}});
}

TEST_CASE("sqlite views read as their normalized query", "[sqlite]") {
  state::Schema schema = inspect_sql(R"sql(
    CREATE TABLE t (a INT);
    CREATE VIEW "Big A" AS
      SELECT a   -- the column
      FROM t WHERE a > 10;
  )sql");
  REQUIRE(schema.views.size() == 1);
  const state::View& view = schema.views.begin()->second;
  CHECK(view.name == QualifiedName{"main", "Big A"});
  CHECK(view.sql == "SELECT a FROM t WHERE a > 10");
}

TEST_CASE("sqlite inspect skips internal, keel, virtual, shadow and excluded objects", "[sqlite]") {
  state::Settings settings;
  settings.exclude = {"alembic_*", "main.legacy"};
  state::Schema schema = inspect_sql(R"sql(
    CREATE TABLE kept (id INTEGER PRIMARY KEY AUTOINCREMENT, t TEXT);
    CREATE TABLE keel_revisions (id INTEGER PRIMARY KEY);
    CREATE TABLE alembic_version (v TEXT);
    CREATE TABLE legacy (v TEXT);
    CREATE VIEW alembic_view AS SELECT 1;
    CREATE VIRTUAL TABLE docs USING fts5(body);
    CREATE INDEX kept_t ON kept (t);
  )sql",
                                     settings);
  std::vector<std::string> names;
  for (const auto& [name, table] : schema.tables)
    names.push_back(name.name);
  CHECK(names == std::vector<std::string>{"kept"});
  CHECK(schema.views.empty());
  CHECK(schema.settings.exclude == settings.exclude);
}

TEST_CASE("sqlite inspect refuses what the model cannot hold, listing every object", "[sqlite]") {
  TempDir dir;
  std::string path = dir.file("odd.db");
  auto db = sqlite_with(path, R"sql(
    CREATE TABLE kv (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
    CREATE TABLE typed (a INTEGER, b INTEGER AS (a + 1)) STRICT;
    CREATE TABLE dedup (a TEXT UNIQUE ON CONFLICT REPLACE);
    CREATE VIEW v (x) AS SELECT 1;
    CREATE TABLE fine (a INT);
  )sql");
  CHECK_THROWS_WITH(
      db->inspect({}),
      "sqlite database \"" + path +
          "\" uses what keel cannot represent yet; add these names to settings.exclude to "
          "leave them alone:\n"
          "  table \"dedup\": ON CONFLICT REPLACE on column \"a\"\n"
          "  table \"kv\": WITHOUT ROWID\n"
          "  table \"typed\": a VIRTUAL generated column \"b\"\n"
          "  table \"typed\": STRICT\n"
          "  view \"v\": a column list");
  state::Settings settings;
  settings.exclude = {"kv", "typed", "dedup", "v"};
  CHECK(db->inspect(settings).tables.size() == 1);
}

TEST_CASE("inspecting a sqlite database twice gives the same schema", "[sqlite]") {
  auto db = sqlite_with(":memory:", R"sql(
    CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INT REFERENCES b, CHECK (id > 0), CHECK (id < 9));
    CREATE TABLE b (id INTEGER PRIMARY KEY, name TEXT UNIQUE);
    CREATE INDEX a_b ON a (b_id);
  )sql");
  state::Schema first = db->inspect({});
  CHECK(db->inspect({}) == first);
  CHECK(table_of(first, "a").foreign_keys[0].ref_columns == std::vector<std::string>{"id"});
}

TEST_CASE("columns added by ALTER TABLE read like declared ones", "[sqlite]") {
  auto db = sqlite_with(":memory:", R"sql(
    CREATE TABLE t (id INTEGER PRIMARY KEY);
    ALTER TABLE t ADD COLUMN note TEXT DEFAULT 'n/a' CHECK (note <> '');
    ALTER TABLE t RENAME COLUMN note TO remark;
  )sql");
  state::Schema schema = db->inspect({});
  const state::Table& t = table_of(schema, "t");
  REQUIRE(t.columns.size() == 2);
  CHECK(t.columns[1] ==
        Column{.name = "remark", .type = "text", .nullable = true, .default_sql = "'n/a'"});
  CHECK(t.checks == std::vector<state::Check>{{"t_remark_check", "remark <> ''", true}});
}

}  // namespace
}  // namespace keel::testing
