#include "dialects/postgres/naming.h"

#include <catch2/catch.hpp>

using keel::dialects::postgres::clip_utf8;
using keel::dialects::postgres::expression_column_name;
using keel::dialects::postgres::index_column_names;
using keel::dialects::postgres::make_object_name;
using keel::dialects::postgres::name_addition;
using keel::dialects::postgres::NameChooser;
using keel::dialects::postgres::referenced_columns;
using keel::dialects::postgres::truncate_identifier;

namespace {
const std::string long_table = "a_very_long_table_name_that_goes_on_and_on_and_on_for_ever_more";
const std::string long_column = "another_very_long_column_name_that_is_long_too";
}  // namespace

TEST_CASE("object names join the parts with underscores", "[unit]") {
  CHECK(make_object_name("users", "email", "key") == "users_email_key");
  CHECK(make_object_name("users", std::nullopt, "pkey") == "users_pkey");
  CHECK(make_object_name("p", "a_b", "fkey") == "p_a_b_fkey");
}

TEST_CASE("long object names are cut like PostgreSQL's makeObjectName", "[unit]") {
  // Observed on PostgreSQL 15.
  CHECK(make_object_name(long_table, std::nullopt, "pkey") ==
        "a_very_long_table_name_that_goes_on_and_on_and_on_for_ever_pkey");
  CHECK(make_object_name(long_table, long_column, "key") ==
        "a_very_long_table_name_that_g_another_very_long_column_name_key");
  CHECK(make_object_name(long_table, long_column, "check") ==
        "a_very_long_table_name_that__another_very_long_column_nam_check");
  CHECK(make_object_name(long_table, long_column, "idx1") ==
        "a_very_long_table_name_that_g_another_very_long_column_nam_idx1");
}

TEST_CASE("names are cut on a UTF-8 character boundary", "[unit]") {
  CHECK(clip_utf8("ab\xC3\x84", 3) == "ab");
  CHECK(clip_utf8("ab\xC3\x84", 4) == "ab\xC3\x84");
  const std::string umlauts(70, 'x');
  CHECK(truncate_identifier(umlauts).size() == 63);
  std::string mixed = std::string(62, 'x') + "\xC3\x84";  // 64 bytes, Ä straddles byte 63
  CHECK(truncate_identifier(mixed) == std::string(62, 'x'));
}

TEST_CASE("repeated index columns are numbered", "[unit]") {
  CHECK(index_column_names({"a", "a", "b", "a"}) == std::vector<std::string>{"a", "a1", "b", "a2"});
  CHECK(name_addition({"a", "b", "c"}) == "a_b_c");
}

TEST_CASE("expression keys are named like FigureIndexColname", "[unit]") {
  CHECK(expression_column_name("lower(email)") == "lower");
  CHECK(expression_column_name("(a + b)") == "expr");
  CHECK(expression_column_name("public.f(x)") == "f");
  CHECK(expression_column_name("a::text") == "a");
  CHECK(expression_column_name("(a + b)::text") == "text");
  CHECK(expression_column_name("'x'::character varying") == "varchar");
  CHECK(expression_column_name("CASE WHEN a THEN 1 ELSE 2 END") == "case");
  CHECK(expression_column_name("COALESCE(a, b)") == "coalesce");
  CHECK(expression_column_name("lower(a) || 'x'") == "expr");
  CHECK(expression_column_name("\"Weird\"(x)") == "Weird");
}

TEST_CASE("check expressions name the one column they use", "[unit]") {
  const std::vector<std::string> columns = {"a", "b", "Spalte Ä", "lower"};
  CHECK(referenced_columns("a > 0", columns) == std::vector<std::string>{"a"});
  CHECK(referenced_columns("a < b", columns) == std::vector<std::string>{"a", "b"});
  CHECK(referenced_columns("\"Spalte Ä\" > 0", columns) == std::vector<std::string>{"Spalte Ä"});
  CHECK(referenced_columns("lower(b) <> 'a'", columns) == std::vector<std::string>{"b"});
  CHECK(referenced_columns("A > 0 AND a < 10", columns) == std::vector<std::string>{"a"});
  CHECK(referenced_columns("'a' = 'b'", columns).empty());
}

TEST_CASE("a taken name gets a numbered label", "[unit]") {
  NameChooser names;
  names.add_relation("t_a_idx");
  CHECK(names.choose_relation("t", "a", "idx", false) == "t_a_idx1");
  CHECK(names.choose_relation("t", "a", "idx", false) == "t_a_idx2");
  CHECK(names.choose_constraint("t", std::nullopt, "check") == "t_check");
  CHECK(names.choose_constraint("t", std::nullopt, "check") == "t_check1");
  // A constraint index must be free as a relation and as a constraint.
  names.add_constraint("t_pkey");
  CHECK(names.choose_relation("t", std::nullopt, "pkey", true) == "t_pkey1");
}
