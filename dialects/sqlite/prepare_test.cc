#include <catch2/catch.hpp>

#include "dialects/sqlite/sqlite.h"
#include "state/diagnostic.h"
#include "state/toml_reader.h"

namespace keel::dialects::sqlite {
namespace {

using state::QualifiedName;

state::Schema prepared(const std::string& toml) {
  state::Schema schema = state::read_schema_string(toml, "schema.toml").schema;
  prepare_desired(schema);
  return schema;
}

std::string prepare_error(state::Schema schema) {
  try {
    prepare_desired(schema);
  } catch (const state::UserError& e) {
    return e.what();
  }
  return "no error";
}

std::string prepare_error(const std::string& toml) {
  return prepare_error(state::read_schema_string(toml, "schema.toml").schema);
}

const state::Table& table_of(const state::Schema& schema, const std::string& name) {
  const state::Table* table = schema.find_table({"main", name});
  REQUIRE(table != nullptr);
  return *table;
}

TEST_CASE("prepare_desired moves the default schema's objects into main", "[unit]") {
  state::Schema schema = prepared(R"toml(
[tables.orgs]
primary_key = ["id"]
[tables.orgs.columns]
id = { type = "bigint" }

[tables.users]
renamed_from = "people"
[tables.users.columns]
org_id = { type = "bigint", references = { table = "orgs" } }

[views.active]
sql = "SELECT  *  FROM users ;"
)toml");
  CHECK(schema.settings.schema == "main");
  const state::Table& users = table_of(schema, "users");
  CHECK(users.renamed_from == QualifiedName{"main", "people"});
  REQUIRE(users.foreign_keys.size() == 1);
  CHECK(users.foreign_keys[0] == state::ForeignKey{.name = "users_org_id_fkey",
                                                   .columns = {"org_id"},
                                                   .ref_table = {"main", "orgs"},
                                                   .ref_columns = {"id"}});
  REQUIRE(schema.views.count({"main", "active"}) == 1);
  CHECK(schema.views.at({"main", "active"}).sql == "SELECT * FROM users");
}

TEST_CASE("prepare_desired refuses objects in another schema", "[unit]") {
  CHECK(prepare_error(R"toml(
[tables."billing.invoices".columns]
id = { type = "bigint" }

[views."reports.totals"]
sql = "SELECT 1"
)toml") ==
        "keel: error: table \"billing.invoices\" is in schema \"billing\", but sqlite has "
        "only schema \"main\"\n"
        "keel: error: view \"reports.totals\" is in schema \"reports\", but sqlite has only "
        "schema \"main\"");
}

TEST_CASE("an enum column becomes text limited by a CHECK", "[unit]") {
  state::Schema schema = prepared(R"toml(
[enums.agent_status]
values = ["draft", "active", "it's"]

[tables.agents.columns]
status = { type = "agent_status", default = "draft" }
"Old Status" = { type = "agent_status", nullable = true }
)toml");
  CHECK(schema.enums.empty());
  const state::Table& agents = table_of(schema, "agents");
  CHECK(agents.columns[0].type == "text");
  CHECK(agents.columns[0].default_sql == "'draft'");
  CHECK(agents.columns[1].type == "text");
  CHECK(agents.checks ==
        std::vector<state::Check>{
            {"agents_Old Status_enum", "\"Old Status\" IN ('draft', 'active', 'it''s')", true},
            {"agents_status_enum", "\"status\" IN ('draft', 'active', 'it''s')", true}});
}

TEST_CASE("an identity key becomes an integer AUTOINCREMENT key", "[unit]") {
  state::Schema schema = prepared(R"toml(
[tables.agents]
primary_key = ["id"]
[tables.agents.columns]
id = { type = "bigint", identity = "always" }
)toml");
  const state::Column& id = table_of(schema, "agents").columns[0];
  CHECK(id.type == "integer");
  CHECK(id.identity == state::Identity::ByDefault);
  CHECK_FALSE(id.nullable);
}

TEST_CASE("an identity column that is not the sole key is refused", "[unit]") {
  CHECK(prepare_error(R"toml(
[tables.a]
primary_key = ["id", "n"]
[tables.a.columns]
id = { type = "integer", identity = "by default" }
n = { type = "integer" }
[tables.b.columns]
seq = { type = "smallint", identity = "always" }
)toml") ==
        "keel: error: column \"a\".\"id\": an identity column must be the only primary key "
        "column in sqlite\n"
        "keel: error: column \"b\".\"seq\": an identity column must be the only primary key "
        "column in sqlite");
}

TEST_CASE("prepare_desired lists every feature sqlite cannot express", "[unit]") {
  state::Schema schema;
  schema.extensions = {{"pgcrypto", std::nullopt}};
  state::Table t;
  t.name = {"public", "t"};
  t.columns = {{.name = "a", .type = "text", .collation = "en_US"},
               {.name = "tags", .type = "text[]"},
               {.name = "b", .type = "integer"}};
  t.partition_by = "RANGE (b)";
  t.uniques = {{.name = "t_b_key", .columns = {"b"}, .deferrable = true}};
  t.indexes = {{.name = "t_tags", .keys = {{.column = "tags"}}, .method = "gin"},
               {.name = "t_cover", .keys = {{.column = "b"}}, .include = {"a"}},
               {.name = "t_ops",
                .keys = {{.column = "a", .opclass = "text_pattern_ops"},
                         {.column = "b", .nulls = state::NullsOrder::Last},
                         {.column = "a", .descending = true, .nulls = state::NullsOrder::First},
                         {.column = "a", .collation = "de_DE"}}}};
  schema.tables.emplace(t.name, t);
  CHECK(prepare_error(schema) ==
        "keel: error: extension \"pgcrypto\": extensions are not supported by sqlite\n"
        "keel: error: table \"t\": partitioning is not supported by sqlite\n"
        "keel: error: column \"t\".\"a\": collation \"en_US\" is not supported by sqlite (use "
        "BINARY, NOCASE or RTRIM)\n"
        "keel: error: column \"t\".\"tags\": array type \"text[]\" is not supported by sqlite\n"
        "keel: error: table \"t\": DEFERRABLE unique constraint \"t_b_key\" is not supported by "
        "sqlite\n"
        "keel: error: index \"t_tags\" of table \"t\": index method \"gin\" is not supported by "
        "sqlite (only btree)\n"
        "keel: error: index \"t_cover\" of table \"t\": INCLUDE columns are not supported by "
        "sqlite\n"
        "keel: error: index \"t_ops\" of table \"t\": operator class \"text_pattern_ops\" is not "
        "supported by sqlite\n"
        "keel: error: index \"t_ops\" of table \"t\": NULLS LAST on an ascending key is not "
        "supported by sqlite\n"
        "keel: error: index \"t_ops\" of table \"t\": NULLS FIRST on a descending key is not "
        "supported by sqlite\n"
        "keel: error: index \"t_ops\" of table \"t\": collation \"de_DE\" is not supported by "
        "sqlite (use BINARY, NOCASE or RTRIM)");
}

TEST_CASE("NULLS orders that agree with sqlite's own are the default", "[unit]") {
  state::Schema schema = prepared(R"toml(
[tables.t.columns]
a = { type = "integer" }
[[tables.t.indexes]]
name = "t_a"
columns = ["a NULLS FIRST", "a DESC NULLS LAST"]
)toml");
  const state::Index& index = table_of(schema, "t").indexes[0];
  CHECK(index.keys[0].nulls == state::NullsOrder::Default);
  CHECK(index.keys[1].nulls == state::NullsOrder::Default);
  CHECK(index.keys[1].descending);
}

TEST_CASE("unnamed indexes get PostgreSQL-style names free across the schema", "[unit]") {
  state::Schema schema = prepared(R"toml(
[tables.t.columns]
a = { type = "integer" }
email = { type = "text" }
[[tables.t.indexes]]
columns = ["a"]
[[tables.t.indexes]]
columns = ["a"]
[[tables.t.indexes]]
columns = ["lower(email)", "a DESC"]

[tables.t_email_idx.columns]
x = { type = "integer" }
[[tables.t_email_idx.indexes]]
name = "t_a_idx1"
columns = ["x"]
)toml");
  std::vector<std::string> names;
  for (const state::Index& index : table_of(schema, "t").indexes)
    names.push_back(index.name);
  CHECK(names == std::vector<std::string>{"t_a_idx", "t_a_idx2", "t_lower_a_idx"});
}

TEST_CASE("prepare_desired normalizes expressions, keys, types and collations", "[unit]") {
  state::Schema schema = prepared(R"toml(
[tables.t]
comment = "sqlite keeps no comments"
[tables.t.columns]
Email = { type = "varchar(255)", collation = "nocase", comment = "dropped" }
code = { type = "text", collation = "C" }
n = { type = "int4", default = { sql = "( ( 1 +  2 ) )" } }
g = { type = "int8", generated = "n  * 2" }
[[tables.t.checks]]
expr = "(length(Email) > 3)"
[[tables.t.indexes]]
name = "t_keys"
columns = [{ expression = "( email )" }, { column = "code", collation = "binary" },
           { column = "Email", collation = "NOCASE" }, { column = "Email", collation = "binary" }]
where = "(code IS NOT NULL)"
)toml");
  const state::Table& t = table_of(schema, "t");
  CHECK_FALSE(t.comment);
  CHECK(t.columns[0] ==
        state::Column{.name = "Email", .type = "character varying(255)", .collation = "NOCASE"});
  CHECK(t.columns[1] == state::Column{.name = "code", .type = "text"});
  CHECK(t.columns[2] == state::Column{.name = "n", .type = "integer", .default_sql = "1 + 2"});
  CHECK(t.columns[3] == state::Column{.name = "g", .type = "bigint", .generated = "n * 2"});
  CHECK(t.checks == std::vector<state::Check>{{"t_Email_check", "length(Email) > 3", true}});
  const state::Index& index = t.indexes[0];
  CHECK(index.where == "code IS NOT NULL");
  CHECK(index.keys == std::vector<state::IndexKey>{{.column = "Email"},
                                                   {.column = "code"},
                                                   {.column = "Email"},
                                                   {.column = "Email", .collation = "BINARY"}});
}

TEST_CASE("prepare_desired reports SQL it cannot read", "[unit]") {
  CHECK(prepare_error(R"toml(
[tables.t.columns]
a = { type = "text", default = { sql = "'unterminated" } }
[[tables.t.checks]]
name = "t_odd"
expr = "a # b"
)toml") ==
        "keel: error: default of column \"t\".\"a\" is not valid SQL: unterminated string at "
        "offset 0\n"
        "keel: error: check of table \"t\" is not valid SQL: unexpected character '#' at "
        "offset 2");
}

TEST_CASE("prepare_desired is idempotent", "[unit]") {
  state::Schema schema = prepared(R"toml(
[enums.mood]
values = ["ok", "meh"]
[tables.t]
primary_key = ["id"]
[tables.t.columns]
id = { type = "bigint", identity = "by default" }
mood = { type = "mood" }
b = { type = "varchar(3)", unique = true, default = { sql = "(('x'))" } }
[[tables.t.indexes]]
columns = ["lower(b) DESC"]
where = "b <> ''"
[[tables.t.checks]]
expr = "length(b) = 3"
)toml");
  state::Schema again = schema;
  prepare_desired(again);
  CHECK(again == schema);
}

}  // namespace
}  // namespace keel::dialects::sqlite
