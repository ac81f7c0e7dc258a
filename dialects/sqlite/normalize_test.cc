#include "dialects/sqlite/normalize.h"

#include <catch2/catch.hpp>

namespace keel::dialects::sqlite {
namespace {

TEST_CASE("expressions lose comments, extra space and wrapping parentheses", "[unit]") {
  CHECK(normalize_expr("( (a  >  0) -- positive\n)") == "a > 0");
  CHECK(normalize_expr("(a) + (b)") == "(a) + (b)");
  CHECK(normalize_expr("lower( \"E mail\" )") == "lower(\"E mail\")");
  CHECK(normalize_expr("x IN ('a' , 'b')") == "x IN ('a', 'b')");
  CHECK(normalize_expr("t . c") == "t.c");
  CHECK(normalize_expr("'two  spaces'  ||  x;") == "'two  spaces' || x");
  CHECK(normalize_expr("CURRENT_TIMESTAMP") == "CURRENT_TIMESTAMP");
}

TEST_CASE("expression normalization is idempotent", "[unit]") {
  for (const char* text : {"((a > 0))", "a>0", "f( a,b )", "x   IS  NOT NULL", "-1", "'x''y'",
                           "(a) + (b)", "CASE WHEN a THEN 1 ELSE 2 END"}) {
    std::string once = normalize_expr(text);
    CHECK(normalize_expr(once) == once);
  }
}

TEST_CASE("queries keep their parentheses and lose a trailing semicolon", "[unit]") {
  CHECK(normalize_query("(SELECT 1)  UNION  (SELECT 2) ;") == "(SELECT 1) UNION (SELECT 2)");
}

TEST_CASE("declared types take keel's neutral spelling when it is known", "[unit]") {
  CHECK(normalize_declared_type("INT") == "integer");
  CHECK(normalize_declared_type("INTEGER") == "integer");
  CHECK(normalize_declared_type("VARCHAR(20)") == "character varying(20)");
  CHECK(normalize_declared_type("varchar ( 20 )") == "character varying(20)");
  CHECK(normalize_declared_type("TEXT") == "text");
  CHECK(normalize_declared_type("double  precision") == "double precision");
  CHECK(normalize_declared_type("") == "blob");
  CHECK(normalize_declared_type("DATETIME") == "datetime");
  CHECK(normalize_declared_type("UNSIGNED  BIG INT") == "unsigned big int");
  CHECK(normalize_declared_type("NVARCHAR ( 100 )") == "nvarchar(100)");
}

TEST_CASE("SQLite's affinity rules apply in order", "[unit]") {
  CHECK(type_affinity("INT") == Affinity::Integer);
  CHECK(type_affinity("point") == Affinity::Integer);  // "INT" wins over everything
  CHECK(type_affinity("CHARINT") == Affinity::Integer);
  CHECK(type_affinity("character varying(20)") == Affinity::Text);
  CHECK(type_affinity("clob") == Affinity::Text);
  CHECK(type_affinity("BLOB") == Affinity::Blob);
  CHECK(type_affinity("") == Affinity::Blob);
  CHECK(type_affinity("double precision") == Affinity::Real);
  CHECK(type_affinity("FLOATING POINT") == Affinity::Integer);
  CHECK(type_affinity("STRING") == Affinity::Numeric);
  CHECK(type_affinity("timestamp with time zone") == Affinity::Numeric);
}

// Rendering writes the neutral spelling verbatim, so the spelling must not change how SQLite
// stores values.
TEST_CASE("normalizing a declared type never changes its affinity", "[unit]") {
  for (const char* declared : {"INT",
                               "INTEGER",
                               "TINYINT",
                               "SMALLINT",
                               "MEDIUMINT",
                               "BIGINT",
                               "UNSIGNED BIG INT",
                               "INT2",
                               "INT4",
                               "INT8",
                               "SERIAL",
                               "BIGSERIAL",
                               "CHARACTER(20)",
                               "VARCHAR(255)",
                               "VARYING CHARACTER(255)",
                               "NCHAR(55)",
                               "NATIVE CHARACTER(70)",
                               "NVARCHAR(100)",
                               "TEXT",
                               "CLOB",
                               "CHAR",
                               "BPCHAR",
                               "BLOB",
                               "",
                               "BYTEA",
                               "REAL",
                               "DOUBLE",
                               "DOUBLE PRECISION",
                               "FLOAT",
                               "FLOAT4",
                               "FLOAT8",
                               "FLOAT(10)",
                               "NUMERIC",
                               "DECIMAL(10,5)",
                               "BOOLEAN",
                               "BOOL",
                               "DATE",
                               "DATETIME",
                               "TIMESTAMP",
                               "TIMESTAMPTZ",
                               "TIMESTAMP WITH TIME ZONE",
                               "TIME",
                               "TIMETZ",
                               "INTERVAL",
                               "JSON",
                               "JSONB",
                               "UUID",
                               "MONEY",
                               "BIT(3)",
                               "VARBIT",
                               "INET",
                               "CITEXT",
                               "STRING",
                               "XML",
                               "TSVECTOR"}) {
    INFO(declared << " -> " << normalize_declared_type(declared));
    CHECK(type_affinity(normalize_declared_type(declared)) == type_affinity(declared));
  }
}

TEST_CASE("collations are uppercase and BINARY is the default", "[unit]") {
  CHECK(normalize_collation(std::nullopt) == std::nullopt);
  CHECK(normalize_collation("binary") == std::nullopt);
  CHECK(normalize_collation("nocase") == "NOCASE");
  CHECK(normalize_collation("RTrim") == "RTRIM");
}

TEST_CASE("an index key's collation is dropped only when the key has it anyway", "[unit]") {
  CHECK(normalize_key_collation(std::nullopt, "NOCASE") == std::nullopt);
  CHECK(normalize_key_collation("nocase", "NOCASE") == std::nullopt);
  CHECK(normalize_key_collation("binary", std::nullopt) == std::nullopt);
  CHECK(normalize_key_collation("binary", "NOCASE") == "BINARY");
  CHECK(normalize_key_collation("nocase", std::nullopt) == "NOCASE");
}

TEST_CASE("default names follow PostgreSQL's and never collide", "[unit]") {
  NamePicker names;
  names.take("t_a_key");
  CHECK(names.pick("t_a_key") == "t_a_key1");
  CHECK(names.pick("T_A_KEY") == "T_A_KEY2");
  CHECK(names.pick("t_b_key") == "t_b_key");
  CHECK(names.taken("T_B_KEY"));
}

TEST_CASE("a check is named after the first column it mentions", "[unit]") {
  std::vector<state::Column> columns{{.name = "Price"}, {.name = "qty"}};
  CHECK(check_name_base("t", "length(x) > 0 AND qty > 0", columns) == "t_qty_check");
  CHECK(check_name_base("t", "\"price\" > 0", columns) == "t_Price_check");
  CHECK(check_name_base("t", "qty(1) > 0", columns) == "t_check");
  CHECK(check_name_base("t", "'qty' <> ''", columns) == "t_check");
}

TEST_CASE("an index is named after its keys", "[unit]") {
  std::vector<state::IndexKey> keys{{.column = "org_id"},
                                    {.column = "", .expression = "lower(email)"},
                                    {.column = "", .expression = "a + b"}};
  CHECK(index_name_base("users", keys) == "users_org_id_lower_expr_idx");
}

TEST_CASE("unnamed constraints get unique default names in declaration order", "[unit]") {
  state::Table table;
  table.name = {"main", "t"};
  table.columns = {{.name = "a"}, {.name = "b"}};
  table.primary_key = state::PrimaryKey{.name = "", .columns = {"a"}};
  table.uniques = {{.name = "", .columns = {"a", "b"}}, {.name = "", .columns = {"a", "b"}}};
  table.foreign_keys = {{.name = "", .columns = {"b"}}};
  table.checks = {{.name = "t_a_check", .expr = "b > 0"},
                  {.name = "", .expr = "a > 0"},
                  {.name = "", .expr = "1 = 1"}};
  name_constraints(table);
  CHECK(table.primary_key->name == "t_pkey");
  CHECK(table.uniques[0].name == "t_a_b_key");
  CHECK(table.uniques[1].name == "t_a_b_key1");
  CHECK(table.foreign_keys[0].name == "t_b_fkey");
  CHECK(table.checks[0].name == "t_a_check");
  CHECK(table.checks[1].name == "t_a_check1");
  CHECK(table.checks[2].name == "t_check");
}

}  // namespace
}  // namespace keel::dialects::sqlite
