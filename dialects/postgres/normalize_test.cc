#include "dialects/postgres/normalize.h"

#include <catch2/catch.hpp>

#include "dialects/postgres/types.h"

using keel::dialects::postgres::canonical_number;
using keel::dialects::postgres::cast_names_type;
using keel::dialects::postgres::check_expression;
using keel::dialects::postgres::normalize_default;
using keel::dialects::postgres::normalize_expr;
using keel::dialects::postgres::normalize_partition_clause;
using keel::dialects::postgres::normalize_view_sql;
using keel::dialects::postgres::parse_text_array;

TEST_CASE("string defaults lose the cast PostgreSQL adds for the column's own type", "[unit]") {
  CHECK(normalize_default("'x'::text", "text") == "'x'");
  CHECK(normalize_default("'y'::character varying", "character varying(20)") == "'y'");
  CHECK(normalize_default("'abc'::bpchar", "character(3)") == "'abc'");
  CHECK(normalize_default("'101'::\"bit\"", "bit(3)") == "'101'");
  CHECK(normalize_default("'1'::bit varying", "bit varying") == "'1'");
  CHECK(normalize_default("'{}'::jsonb", "jsonb") == "'{}'");
  CHECK(normalize_default("'{}'::text[]", "text[]") == "'{}'");
  CHECK(normalize_default("'1 day'::interval", "interval day to second(2)") == "'1 day'");
  CHECK(normalize_default("'2020-01-01'::date", "date") == "'2020-01-01'");
  CHECK(normalize_default("'it''s'::text", "text") == "'it''s'");
}

TEST_CASE("enum and extension type defaults compare equal to the bare literal", "[unit]") {
  CHECK(normalize_default("'draft'::public.status", "public.status") == "'draft'");
  CHECK(normalize_default("'draft'", "public.status") == "'draft'");
  CHECK(normalize_default("'a b'::\"My S\".\"My T\"", "\"My S\".\"My T\"") == "'a b'");
  CHECK(normalize_default("'{}'::\"My S\".\"My T\"[]", "\"My S\".\"My T\"[]") == "'{}'");
  CHECK(normalize_default("'Q'::public.citext", "citext") == "'Q'");
}

TEST_CASE("numeric defaults are written as PostgreSQL's numeric output", "[unit]") {
  CHECK(normalize_default("'-1'::integer", "integer") == "-1");
  CHECK(normalize_default("-1", "integer") == "-1");
  CHECK(normalize_default("5", "bigint") == "5");
  CHECK(normalize_default("'5000000000'::bigint", "bigint") == "5000000000");
  CHECK(normalize_default("'1000'::numeric", "double precision") == "1000");
  CHECK(normalize_default("1e3", "double precision") == "1000");
  CHECK(normalize_default("1.50", "numeric") == "1.50");
  CHECK(normalize_default("'-0.5'::numeric", "double precision") == "-0.5");
  CHECK(normalize_default("-0.5", "double precision") == "-0.5");
  CHECK(normalize_default("'7'", "integer") == "7");
  CHECK(normalize_default("12.5", "money") == "12.5");
  CHECK(normalize_default("(42)", "integer") == "42");
}

TEST_CASE("a number default on a text column is the quoted literal PostgreSQL stores", "[unit]") {
  CHECK(normalize_default("5", "text") == "'5'");
  CHECK(normalize_default("'5'::text", "text") == "'5'");
}

TEST_CASE("boolean defaults are true or false", "[unit]") {
  CHECK(normalize_default("true", "boolean") == "true");
  CHECK(normalize_default("TRUE", "boolean") == "true");
  CHECK(normalize_default("'t'", "boolean") == "true");
  CHECK(normalize_default("'off'::boolean", "boolean") == "false");
}

TEST_CASE("function call defaults are kept as written", "[unit]") {
  CHECK(normalize_default("now()", "timestamp with time zone") == "now()");
  CHECK(normalize_default("CURRENT_TIMESTAMP", "timestamp without time zone") ==
        "CURRENT_TIMESTAMP");
  CHECK(normalize_default(" gen_random_uuid() ", "uuid") == "gen_random_uuid()");
  CHECK(normalize_default("nextval('public.t_id_seq'::regclass)", "integer") ==
        "nextval('public.t_id_seq'::regclass)");
  CHECK(normalize_default("ARRAY[1, 2]", "integer[]") == "ARRAY[1, 2]");
}

TEST_CASE("a cast to another type is kept", "[unit]") {
  CHECK(normalize_default("'x'::text", "public.citext") == "'x'::text");
  CHECK(normalize_default("'5'::text::integer", "integer") == "'5'::text::integer");
}

TEST_CASE("numbers are canonical like numeric_out", "[unit]") {
  CHECK(canonical_number("1e3") == "1000");
  CHECK(canonical_number("+01.50") == "1.50");
  CHECK(canonical_number("1.5e-1") == "0.15");
  CHECK(canonical_number("1.50e1") == "15.0");
  CHECK(canonical_number("-0") == "0");
  CHECK(canonical_number(".5") == "0.5");
  CHECK(canonical_number("1e-2") == "0.01");
  CHECK(canonical_number("007") == "7");
  CHECK_FALSE(canonical_number("abc"));
  CHECK_FALSE(canonical_number("1e"));
  CHECK_FALSE(canonical_number("Infinity"));
}

TEST_CASE("expressions lose enclosing parentheses and whitespace", "[unit]") {
  CHECK(normalize_expr(" ((a + b)) ") == "a + b");
  CHECK(normalize_expr("(a) + (b)") == "(a) + (b)");
  CHECK(normalize_expr("lower(email)") == "lower(email)");
  CHECK(normalize_expr("('(')") == "'('");
}

TEST_CASE("check definitions are reduced to their expression", "[unit]") {
  CHECK(check_expression("CHECK (a > 0)") == "a > 0");
  CHECK(check_expression("CHECK (price > 0::numeric) NOT VALID") == "price > 0::numeric");
  CHECK(check_expression("CHECK ((a > 0)) NO INHERIT") == "a > 0");
  CHECK(check_expression("CHECK (c = ANY (ARRAY['x'::text, 'y'::text]))") ==
        "c = ANY (ARRAY['x'::text, 'y'::text])");
}

TEST_CASE("view bodies are trimmed and lose the final semicolon", "[unit]") {
  CHECK(normalize_view_sql(" SELECT t.id\n   FROM public.t;") == "SELECT t.id\n   FROM public.t");
}

TEST_CASE("partition clauses get PostgreSQL's spacing and keyword case", "[unit]") {
  CHECK(normalize_partition_clause("range(created_at)") == "RANGE (created_at)");
  CHECK(normalize_partition_clause("RANGE (created_at)") == "RANGE (created_at)");
  CHECK(normalize_partition_clause("list (lower(region))") == "LIST (lower(region))");
  CHECK(normalize_partition_clause("for values in ('a','b')") == "FOR VALUES IN ('a', 'b')");
  CHECK(normalize_partition_clause("FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')") ==
        "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
  CHECK(normalize_partition_clause("FOR VALUES WITH (modulus 4, remainder 0)") ==
        "FOR VALUES WITH (modulus 4, remainder 0)");
  CHECK(normalize_partition_clause("FOR VALUES FROM (MINVALUE) TO (10)") ==
        "FOR VALUES FROM (MINVALUE) TO (10)");
  CHECK(normalize_partition_clause("default") == "DEFAULT");
  CHECK(normalize_partition_clause("HASH (\"Tenant\")") == "HASH (\"Tenant\")");
}

TEST_CASE("text arrays are parsed with quoting and NULLs", "[unit]") {
  const auto parsed = parse_text_array(R"({a,"b c","d\"e",NULL,"NULL",""})");
  REQUIRE(parsed.size() == 6);
  CHECK(parsed[0] == "a");
  CHECK(parsed[1] == "b c");
  CHECK(parsed[2] == "d\"e");
  CHECK_FALSE(parsed[3]);
  CHECK(parsed[4] == "NULL");
  CHECK(parsed[5] == "");
  CHECK(parse_text_array("{}").empty());
}

TEST_CASE("cast types match the column type loosely", "[unit]") {
  CHECK(cast_names_type("character varying", "character varying(255)"));
  CHECK(cast_names_type("bpchar", "character(3)"));
  CHECK(cast_names_type("\"bit\"", "bit(3)"));
  CHECK(cast_names_type("timestamp with time zone", "timestamp(3) with time zone"));
  CHECK(cast_names_type("public.citext", "citext"));
  CHECK_FALSE(cast_names_type("text", "integer"));
  CHECK_FALSE(cast_names_type("bit", "bit varying"));
  CHECK_FALSE(cast_names_type("text", "text[]"));
}
