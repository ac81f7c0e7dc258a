#include "dialects/sqlite/ddl_parser.h"

#include <catch2/catch.hpp>

namespace keel::dialects::sqlite {
namespace {

using state::FkAction;

TEST_CASE("a CREATE TABLE gives its columns with types, defaults and collations", "[unit]") {
  ParsedTable t = parse_create_table(
      "CREATE TABLE \"My Table\" (id INTEGER PRIMARY KEY AUTOINCREMENT, "
      "name VARCHAR ( 20 ) NOT NULL COLLATE nocase DEFAULT 'x', "
      "price double precision DEFAULT (0.0), n DEFAULT -1, [b c] unsigned big int)");
  CHECK(t.name == "My Table");
  REQUIRE(t.columns.size() == 5);
  CHECK(t.columns[0].name == "id");
  CHECK(t.columns[0].declared_type == "INTEGER");
  CHECK(t.columns[0].primary_key);
  CHECK(t.columns[0].autoincrement);
  CHECK(t.columns[1].declared_type == "VARCHAR (20)");
  CHECK(t.columns[1].not_null);
  CHECK(t.columns[1].collation == "nocase");
  CHECK(t.columns[1].default_sql == "'x'");
  CHECK(t.columns[2].declared_type == "double precision");
  CHECK(t.columns[2].default_sql == "0.0");
  CHECK(t.columns[3].declared_type.empty());
  CHECK(t.columns[3].default_sql == "-1");
  CHECK(t.columns[4].name == "b c");
  CHECK(t.columns[4].declared_type == "unsigned big int");
  REQUIRE(t.primary_key);
  CHECK_FALSE(t.primary_key->name);
  CHECK(t.primary_key->columns == std::vector<std::string>{"id"});
  CHECK(t.unsupported.empty());
}

TEST_CASE("CHECK constraints are read named and unnamed, column and table level", "[unit]") {
  ParsedTable t = parse_create_table(
      "CREATE TABLE t(a INT CHECK (a > 0) CONSTRAINT a_small CHECK(a < 10), b TEXT, "
      "CONSTRAINT \"b not blank\" CHECK (length(b) > 0), CHECK ((a + 1) <> 3 -- note\n))");
  REQUIRE(t.checks.size() == 4);
  CHECK_FALSE(t.checks[0].name);
  CHECK(t.checks[0].expr == "a > 0");
  CHECK(t.checks[1].name == "a_small");
  CHECK(t.checks[1].expr == "a < 10");
  CHECK(t.checks[2].name == "b not blank");
  CHECK(t.checks[2].expr == "length(b) > 0");
  CHECK_FALSE(t.checks[3].name);
  CHECK(t.checks[3].expr == "(a + 1) <> 3");
}

TEST_CASE("named keys and table constraints without commas between them are read", "[unit]") {
  ParsedTable t = parse_create_table(
      "CREATE TABLE t(a, b, c CONSTRAINT c_key UNIQUE, CONSTRAINT t_pk PRIMARY KEY (a, b) "
      "UNIQUE (b, c) CONSTRAINT ab_key UNIQUE (a, b))");
  REQUIRE(t.primary_key);
  CHECK(t.primary_key->name == "t_pk");
  CHECK(t.primary_key->columns == std::vector<std::string>{"a", "b"});
  REQUIRE(t.uniques.size() == 3);
  CHECK(t.uniques[0].name == "c_key");
  CHECK(t.uniques[0].columns == std::vector<std::string>{"c"});
  CHECK_FALSE(t.uniques[1].name);
  CHECK(t.uniques[1].columns == std::vector<std::string>{"b", "c"});
  CHECK(t.uniques[2].name == "ab_key");
}

TEST_CASE("foreign keys are read with their actions and deferral", "[unit]") {
  ParsedTable t = parse_create_table(
      "CREATE TABLE c(a INT REFERENCES p(id) ON DELETE CASCADE ON UPDATE SET NULL, "
      "b INT CONSTRAINT b_fk REFERENCES p DEFERRABLE INITIALLY DEFERRED, "
      "x INT REFERENCES p(id) MATCH FULL NOT NULL DEFERRABLE, "
      "CONSTRAINT pair_fk FOREIGN KEY (a, b) REFERENCES \"P 2\"(k1, k2) "
      "ON DELETE SET DEFAULT ON UPDATE RESTRICT NOT DEFERRABLE INITIALLY DEFERRED, "
      "FOREIGN KEY (x) REFERENCES p ON DELETE NO ACTION DEFERRABLE INITIALLY IMMEDIATE)");
  REQUIRE(t.foreign_keys.size() == 5);
  const ParsedForeignKey& a = t.foreign_keys[0];
  CHECK_FALSE(a.name);
  CHECK(a.columns == std::vector<std::string>{"a"});
  CHECK(a.ref_table == "p");
  CHECK(a.ref_columns == std::vector<std::string>{"id"});
  CHECK(a.on_delete == FkAction::Cascade);
  CHECK(a.on_update == FkAction::SetNull);
  CHECK_FALSE(a.deferrable);
  const ParsedForeignKey& b = t.foreign_keys[1];
  CHECK(b.name == "b_fk");
  CHECK(b.ref_columns.empty());
  CHECK(b.deferrable);
  CHECK(b.initially_deferred);
  const ParsedForeignKey& x = t.foreign_keys[2];
  CHECK(x.deferrable);
  CHECK_FALSE(x.initially_deferred);
  CHECK(t.columns[2].not_null);
  const ParsedForeignKey& pair = t.foreign_keys[3];
  CHECK(pair.name == "pair_fk");
  CHECK(pair.columns == std::vector<std::string>{"a", "b"});
  CHECK(pair.ref_table == "P 2");
  CHECK(pair.on_delete == FkAction::SetDefault);
  CHECK(pair.on_update == FkAction::Restrict);
  CHECK_FALSE(pair.deferrable);
  CHECK_FALSE(pair.initially_deferred);
  CHECK(t.foreign_keys[4].deferrable);
  CHECK_FALSE(t.foreign_keys[4].initially_deferred);
}

TEST_CASE("generated columns keep their expression and storage", "[unit]") {
  ParsedTable t = parse_create_table(
      "CREATE TABLE t(a INT, b INT GENERATED ALWAYS AS (a * 2) STORED, c AS ((a + 1)))");
  CHECK(t.columns[1].generated == "a * 2");
  CHECK(t.columns[1].generated_stored);
  CHECK(t.columns[2].generated == "a + 1");
  CHECK_FALSE(t.columns[2].generated_stored);
  CHECK(t.unsupported == std::vector<std::string>{"a VIRTUAL generated column \"c\""});
}

TEST_CASE("table options and conflict clauses are reported as unsupported", "[unit]") {
  ParsedTable t = parse_create_table(
      "CREATE TABLE t(a TEXT NOT NULL ON CONFLICT REPLACE, b UNIQUE ON CONFLICT ABORT, "
      "PRIMARY KEY (a DESC)) WITHOUT ROWID, STRICT");
  CHECK(t.without_rowid);
  CHECK(t.strict);
  CHECK(t.unsupported == std::vector<std::string>{"ON CONFLICT REPLACE on column \"a\"",
                                                  "DESC on column \"a\" of the PRIMARY KEY",
                                                  "WITHOUT ROWID", "STRICT"});
}

TEST_CASE("AUTOINCREMENT inside a table PRIMARY KEY marks its column", "[unit]") {
  ParsedTable t = parse_create_table("CREATE TABLE t(id INTEGER, PRIMARY KEY(id AUTOINCREMENT))");
  CHECK(t.columns[0].autoincrement);
  REQUIRE(t.primary_key);
  CHECK(t.primary_key->columns == std::vector<std::string>{"id"});
}

TEST_CASE("keywords SQLite accepts as names can name columns and types", "[unit]") {
  ParsedTable t = parse_create_table(
      "CREATE TABLE IF NOT EXISTS main.t(key text, action, \"select\" \"my type\", 'str' INT)");
  CHECK(t.name == "t");
  REQUIRE(t.columns.size() == 4);
  CHECK(t.columns[0].name == "key");
  CHECK(t.columns[1].name == "action");
  CHECK(t.columns[1].declared_type.empty());
  CHECK(t.columns[2].name == "select");
  CHECK(t.columns[2].declared_type == "\"my type\"");
  CHECK(t.columns[3].name == "str");
}

TEST_CASE("a statement that is not a CREATE TABLE is a syntax error", "[unit]") {
  CHECK_THROWS_WITH(parse_create_table("CREATE VIEW v AS SELECT 1"),
                    "expected TABLE near \"VIEW\"");
  CHECK_THROWS_WITH(parse_create_table("CREATE TABLE t(a"),
                    "expected \")\" at the end of the statement");
  CHECK_THROWS_WITH(parse_create_table("CREATE TABLE t(a INT CHECK a > 0)"),
                    "expected \"(\" near \"a\"");
  CHECK_THROWS_WITH(parse_create_table("CREATE TABLE t(a) WITHOUT"),
                    "expected ROWID at the end of the statement");
}

TEST_CASE("a CREATE INDEX gives columns, expressions, collations, order and predicate", "[unit]") {
  ParsedIndex i = parse_create_index(
      "CREATE UNIQUE INDEX IF NOT EXISTS \"Idx 1\" ON \"My Table\" (a COLLATE NOCASE DESC, "
      "lower(b) , (c), (a + b) ASC, d COLLATE rtrim) WHERE a IS NOT NULL AND (b > 0)");
  CHECK(i.name == "Idx 1");
  CHECK(i.table == "My Table");
  CHECK(i.unique);
  REQUIRE(i.keys.size() == 5);
  CHECK(i.keys[0].column == "a");
  CHECK(i.keys[0].collation == "NOCASE");
  CHECK(i.keys[0].descending);
  CHECK(i.keys[1].expression == "lower(b)");
  CHECK(i.keys[2].column == "c");
  CHECK(i.keys[3].expression == "a + b");
  CHECK_FALSE(i.keys[3].descending);
  CHECK(i.keys[4].column == "d");
  CHECK(i.keys[4].collation == "rtrim");
  CHECK(i.where == "a IS NOT NULL AND (b > 0)");
}

TEST_CASE("a CREATE VIEW gives its query and column list", "[unit]") {
  ParsedView v =
      parse_create_view("CREATE VIEW \"v 1\" (x, y) AS\n  SELECT a ,  b\n  FROM t -- all rows\n;");
  CHECK(v.name == "v 1");
  CHECK(v.columns == std::vector<std::string>{"x", "y"});
  CHECK(v.query == "SELECT a, b FROM t");
  CHECK(parse_create_view("CREATE TEMP VIEW v AS (SELECT 1)").query == "(SELECT 1)");
}

}  // namespace
}  // namespace keel::dialects::sqlite
