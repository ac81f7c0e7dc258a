#include "state/toml_writer.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "state/toml_reader.h"
#include "tests/support/random_schema.h"

using namespace keel::state;  // NOLINT(google-build-using-namespace): test file
using keel::test_support::random_schema;
using keel::test_support::RandomSchemaOptions;

namespace {

Schema reread(const std::string& toml) {
  return read_schema_string(toml, "written.toml").schema;
}

// One table "t" with one column, for checking how a column is written.
Schema one_column(Column column, std::map<QualifiedName, Enum> enums = {}) {
  Schema s;
  s.enums = std::move(enums);
  Table t;
  t.name = {"public", "t"};
  t.columns.push_back(std::move(column));
  s.tables[t.name] = t;
  return s;
}

// The text of the only column line of `one_column`.
std::string column_line(const Schema& s) {
  const std::string text = write_toml(s);
  const std::size_t start = text.find("[tables.t.columns]\n");
  REQUIRE(start != std::string::npos);
  std::string line = text.substr(start + 19);
  return line.substr(0, line.find('\n'));
}

}  // namespace

TEST_CASE("write_toml writes the canonical layout", "[unit]") {
  Schema s;
  s.settings.exclude = {"alembic_version"};
  s.extensions = {Extension{.name = "pgcrypto"}, Extension{.name = "postgis", .schema = "gis"}};
  s.enums[{"public", "agent_status"}] =
      Enum{.name = {"public", "agent_status"}, .values = {"draft", "active"}, .comment = "state"};
  Table orgs;
  orgs.name = {"public", "organizations"};
  orgs.comment = "Customer\norganizations";
  orgs.primary_key = PrimaryKey{.name = "organizations_pkey", .columns = {"id"}};
  orgs.columns = {
      Column{.name = "id", .type = "uuid", .default_sql = "gen_random_uuid()"},
      Column{.name = "status", .type = "public.agent_status", .default_sql = "'draft'"},
      Column{.name = "seats", .type = "integer", .default_sql = "10"},
      Column{.name = "Display Name",
             .type = "character varying(255)",
             .nullable = true,
             .comment = "shown \"as is\""},
  };
  orgs.indexes = {Index{.name = "organizations_name_idx",
                        .keys = {IndexKey{.expression = "lower(\"Display Name\")"},
                                 IndexKey{.column = "seats", .descending = true}},
                        .where = "seats > 0"}};
  orgs.foreign_keys = {ForeignKey{.name = "organizations_parent_fkey",
                                  .columns = {"id"},
                                  .ref_table = {"billing", "accounts"},
                                  .ref_columns = {"id"},
                                  .on_delete = FkAction::Cascade}};
  orgs.checks = {Check{.name = "seats_positive", .expr = "seats >= 0"}};
  s.tables[orgs.name] = orgs;
  Table accounts;
  accounts.name = {"billing", "accounts"};
  accounts.columns = {Column{.name = "id", .type = "uuid"}};
  accounts.primary_key = PrimaryKey{.name = "", .columns = {"id"}};
  accounts.partition_by = "HASH (id)";
  accounts.partitions = {Partition{.name = {"billing", "accounts_0"},
                                   .bound = "FOR VALUES WITH (MODULUS 2, REMAINDER 0)"}};
  s.tables[accounts.name] = accounts;
  s.views[{"public", "active"}] =
      View{.name = {"public", "active"}, .sql = "SELECT *\nFROM organizations\n"};

  CHECK(write_toml(s) == R"toml([settings]
schema = "public"
exclude = ["alembic_version"]
extensions = ["pgcrypto", { name = "postgis", schema = "gis" }]

[enums.agent_status]
values = ["draft", "active"]
comment = "state"

[tables."billing.accounts"]
primary_key = ["id"]
partition_by = "HASH (id)"

[tables."billing.accounts".columns]
id = { type = "uuid" }

[[tables."billing.accounts".partitions]]
name = "billing.accounts_0"
bound = "FOR VALUES WITH (MODULUS 2, REMAINDER 0)"

[tables.organizations]
comment = """
Customer
organizations"""
primary_key = { name = "organizations_pkey", columns = ["id"] }

[tables.organizations.columns]
id = { type = "uuid", default = { sql = "gen_random_uuid()" } }
status = { type = "agent_status", default = "draft" }
seats = { type = "integer", default = 10 }
"Display Name" = { type = "character varying(255)", nullable = true, comment = "shown \"as is\"" }

[[tables.organizations.indexes]]
name = "organizations_name_idx"
columns = ["lower(\"Display Name\")", "seats DESC"]
where = "seats > 0"

[[tables.organizations.foreign_keys]]
name = "organizations_parent_fkey"
columns = ["id"]
ref_table = "billing.accounts"
ref_columns = ["id"]
on_delete = "cascade"

[[tables.organizations.checks]]
name = "seats_positive"
expr = "seats >= 0"

[views.active]
sql = """
SELECT *
FROM organizations
"""
)toml");
  CHECK(reread(write_toml(s)) == s);
}

TEST_CASE("written TOML reads back to an equal model for many random schemas", "[unit]") {
  for (std::uint64_t seed = 0; seed < 600; ++seed) {
    const Schema s = random_schema(seed);
    const std::string text = write_toml(s);
    INFO("seed " << seed << "\n" << text);
    Schema back;
    REQUIRE_NOTHROW(back = reread(text));
    REQUIRE(back == s);
    REQUIRE(write_toml(back) == text);
  }
}

TEST_CASE("plain random schemas round-trip too", "[unit]") {
  const RandomSchemaOptions plain{
      .weird_names = false, .directives = false, .raw_types = false, .inspect_only = false};
  for (std::uint64_t seed = 1000; seed < 1200; ++seed) {
    const Schema s = random_schema(seed, plain);
    INFO("seed " << seed);
    REQUIRE(reread(write_toml(s)) == s);
  }
}

TEST_CASE("the same model always gives the same text", "[unit]") {
  const Schema s = random_schema(7);
  CHECK(write_toml(s) == write_toml(random_schema(7)));
  CHECK(write_toml(s) == write_toml(reread(write_toml(s))));
}

TEST_CASE("a default is a TOML literal only when it reads back exactly", "[unit]") {
  struct Case {
    std::string type;
    std::string default_sql;
    std::string written;
  };
  const std::vector<Case> cases = {
      {"text", "'hello'", "\"hello\""},
      {"text", "'it''s'", "\"it's\""},
      {"text", "''", "\"\""},
      {"text", "'a''''b'", "\"a''b\""},
      {"text", "'unterminated''", "{ sql = \"'unterminated''\" }"},
      {"text", "E'\\n'", R"({ sql = "E'\\n'" })"},
      {"text", "'x'::text", "{ sql = \"'x'::text\" }"},
      {"text", "0", "{ sql = \"0\" }"},
      {"text", "true", "{ sql = \"true\" }"},
      {"integer", "42", "42"},
      {"integer", "-7", "-7"},
      {"integer", "'5'", "{ sql = \"'5'\" }"},
      {"integer", "007", "{ sql = \"007\" }"},
      {"integer", "-0", "{ sql = \"-0\" }"},
      {"integer", "1.5", "{ sql = \"1.5\" }"},
      {"bigint", "9223372036854775807", "9223372036854775807"},
      {"bigint", "9223372036854775808", "{ sql = \"9223372036854775808\" }"},
      {"numeric(10,2)", "1.50", "1.50"},
      {"numeric", "1e5", "1e5"},
      {"numeric", "-2.5E-3", "-2.5E-3"},
      {"numeric", "12", "12"},
      {"numeric", "1.", "{ sql = \"1.\" }"},
      {"numeric", ".5", "{ sql = \".5\" }"},
      {"double precision", "1e999", "{ sql = \"1e999\" }"},
      {"boolean", "true", "true"},
      {"boolean", "false", "false"},
      {"boolean", "'t'", "{ sql = \"'t'\" }"},
      {"boolean", "1", "{ sql = \"1\" }"},
      {"text[]", "'{}'", "\"{}\""},
      {"jsonb", "'{\"a\": 1}'", R"("{\"a\": 1}")"},
      {"uuid", "gen_random_uuid()", "{ sql = \"gen_random_uuid()\" }"},
  };
  for (const Case& c : cases) {
    INFO(c.type << " default " << c.default_sql);
    const Schema s = one_column(Column{.name = "c", .type = c.type, .default_sql = c.default_sql});
    CHECK(column_line(s) == "c = { type = \"" + c.type + "\", default = " + c.written + " }");
    CHECK(reread(write_toml(s)) == s);
  }
}

TEST_CASE("enum defaults are strings only for values of the enum", "[unit]") {
  std::map<QualifiedName, Enum> enums;
  enums[{"public", "mood"}] = Enum{.name = {"public", "mood"}, .values = {"ok", "it's"}};
  const auto line = [&](const std::string& sql) {
    return column_line(
        one_column(Column{.name = "m", .type = "public.mood", .default_sql = sql}, enums));
  };
  CHECK(line("'ok'") == "m = { type = \"mood\", default = \"ok\" }");
  CHECK(line("'it''s'") == "m = { type = \"mood\", default = \"it's\" }");
  CHECK(line("'nope'") == "m = { type = \"mood\", default = { sql = \"'nope'\" } }");
  CHECK(line("'ok'::mood") == "m = { type = \"mood\", default = { sql = \"'ok'::mood\" } }");
}

TEST_CASE("enum types are written by bare name only when that reads back", "[unit]") {
  std::map<QualifiedName, Enum> enums;
  for (const QualifiedName& name : std::vector<QualifiedName>{{"public", "mood"},
                                                              {"public", "text"},
                                                              {"billing", "Kind"},
                                                              {"public", "Kind"},
                                                              {"public", "a.b"},
                                                              {"a", "b"},
                                                              {"public", "x.y"}}) {
    enums[name] = Enum{.name = name, .values = {"x"}};
  }
  const auto line = [&](const std::string& type) {
    const Schema s = one_column(Column{.name = "c", .type = type}, enums);
    CHECK(reread(write_toml(s)) == s);
    return column_line(s);
  };
  CHECK(line("public.mood") == "c = { type = \"mood\" }");
  CHECK(line("public.mood[]") == "c = { type = \"mood[]\" }");
  CHECK(line("public.text") == "c = { type = \"public.text\" }");  // "text" is the built-in
  CHECK(line("text") == "c = { type = \"text\" }");
  CHECK(line("billing.\"Kind\"") == "c = { type = \"billing.Kind\" }");
  CHECK(line("public.\"Kind\"") == "c = { type = \"Kind\" }");
  CHECK(line("public.\"a.b\"") == "c = { type = \"public.a.b\" }");  // "a.b" is enum a.b
  CHECK(line("a.b") == "c = { type = \"a.b\" }");
  CHECK(line("public.\"x.y\"") == "c = { type = \"x.y\" }");
}

TEST_CASE("types outside the vocabulary are written verbatim as sql", "[unit]") {
  for (const char* type : {"blob", "unsigned big int", "int4", "public.email_address"}) {
    INFO(type);
    const Schema s = one_column(Column{.name = "c", .type = type, .default_sql = "'x'"});
    CHECK(column_line(s) ==
          std::string("c = { type = { sql = \"") + type + "\" }, default = { sql = \"'x'\" } }");
    CHECK(reread(write_toml(s)) == s);
  }
}

TEST_CASE("index keys are strings when they read back, else tables", "[unit]") {
  Schema s = one_column(Column{.name = "My \"Col\"", .type = "text"});
  Table& t = s.tables.at({"public", "t"});
  const std::vector<std::pair<IndexKey, std::string>> cases = {
      {IndexKey{.column = "My \"Col\""}, R"("\"My \"\"Col\"\"\"")"},
      {IndexKey{.column = "My \"Col\"", .descending = true, .nulls = NullsOrder::First},
       R"("\"My \"\"Col\"\"\" DESC NULLS FIRST")"},
      {IndexKey{.expression = "lower(x)", .nulls = NullsOrder::Last}, "\"lower(x) NULLS LAST\""},
      {IndexKey{.expression = "x"}, "{ expression = \"x\" }"},
      {IndexKey{.expression = " padded "}, "{ expression = \" padded \" }"},
      {IndexKey{.expression = "x DESC"}, "{ expression = \"x DESC\" }"},
      {IndexKey{.column = "My \"Col\"", .collation = "C", .opclass = "text_pattern_ops"},
       R"({ column = "My \"Col\"", collation = "C", opclass = "text_pattern_ops" })"},
  };
  for (const auto& [key, written] : cases) {
    INFO(written);
    t.indexes = {Index{.name = "i", .keys = {key}}};
    const std::string text = write_toml(s);
    CHECK(text.find("columns = [" + written + "]\n") != std::string::npos);
    CHECK(reread(text) == s);
  }
}

TEST_CASE("strings with quotes, backslashes, controls and line breaks survive", "[unit]") {
  const std::vector<std::string> texts = {"plain",
                                          "it's \"quoted\"",
                                          "back\\slash",
                                          "tab\there",
                                          "line\nbreak",
                                          "ends with quote\"",
                                          R"(""")",
                                          "a\"\"\"b\n\"",
                                          "crlf\r\nline",
                                          "ctrl\x01\x1f\x7f",
                                          "\n",
                                          "\n\nleading",
                                          "trailing\n\n",
                                          "ünïcödé 表 🚀",
                                          "",
                                          "\"\n\"",
                                          "\\\n\\",
                                          "'''\n'''",
                                          "x\"\"\n\"\"y\"\""};
  for (const std::string& text : texts) {
    INFO(text);
    // Expressions and queries may not be blank.
    const std::string expr = text.find_first_not_of(" \n\r\t") == std::string::npos ? "x" : text;
    Schema s = one_column(Column{.name = text.empty() ? "c" : text,
                                 .type = "text",
                                 .generated = text,
                                 .collation = text,
                                 .comment = text});
    Table& t = s.tables.at({"public", "t"});
    t.comment = text;
    t.partition_by = expr;
    t.checks = {Check{.name = text, .expr = expr}};
    s.views[{"public", "v"}] = View{.name = {"public", "v"}, .sql = expr, .comment = text};
    s.enums[{"public", "e"}] = Enum{.name = {"public", "e"}, .values = {text}, .comment = text};
    CHECK(reread(write_toml(s)) == s);
  }
}

TEST_CASE("keys are bare only when TOML allows it", "[unit]") {
  CHECK(toml_key("users") == "users");
  CHECK(toml_key("created-at_2") == "created-at_2");
  CHECK(toml_key("my table") == "\"my table\"");
  CHECK(toml_key("a.b") == "\"a.b\"");
  CHECK(toml_key("") == "\"\"");
  CHECK(toml_key("é") == "\"é\"");
  CHECK(toml_string("say \"hi\"\n") == "\"say \\\"hi\\\"\\n\"");
  CHECK(toml_string("\x01\x7f") == "\"\\u0001\\u007F\"");
}

TEST_CASE("a schema written on one thread or two gives the same text, and a stop ends it",
          "[unit]") {
  Schema large;
  for (int i = 0; i < 600; ++i) {
    Table t;
    t.name = {"public", "t" + std::to_string(i)};
    t.columns = {Column{.name = "id", .type = "bigint"}, Column{.name = "b", .type = "text"}};
    large.tables[t.name] = t;
  }
  auto written = [&](const WriteOptions& options) {
    std::string text;
    write_toml(large, options, [&](std::string_view piece) { text += piece; });
    return text;
  };
  const std::string whole = write_toml(large);
  CHECK(written({}) == whole);
  CHECK(written({.one_thread = true}) == whole);

  const std::atomic<bool> stop{true};
  const std::string stopped = written({.one_thread = true, .stop = &stop});
  CHECK(stopped.find("[tables.") == std::string::npos);
  CHECK(written({.stop = &stop}).find("[tables.") == std::string::npos);
}
