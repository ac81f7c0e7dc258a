#include "state/toml_reader.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

namespace fs = std::filesystem;
using namespace keel::state;  // NOLINT(google-build-using-namespace): test file

namespace {

// Every diagnostic of reading `toml` as "s.toml", as printed; "" when it reads fine.
std::string errors(std::string_view toml) {
  try {
    (void)read_schema_string(toml, "s.toml");
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("keel_state_test_" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&&) = delete;
  TempDir& operator=(TempDir&&) = delete;

  void write(const std::string& name, const std::string& text) const {
    fs::create_directories((path_ / name).parent_path());
    std::ofstream(path_ / name, std::ios::binary) << text;
  }
  [[nodiscard]] std::string file(const std::string& name) const {
    return (path_ / name).generic_string();
  }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A valid table "users" (4 lines) that snippets add to from line 5.
constexpr std::string_view kUsers = R"toml([tables.users]
primary_key = ["id"]
[tables.users.columns]
id = { type = "bigint" }
)toml";

std::string users(std::string_view more) {
  return std::string(kUsers) + std::string(more);
}

constexpr std::string_view kDesignExample = R"toml([settings]
schema = "public"                      # PostgreSQL schema for unqualified names
extensions = ["pgcrypto"]

[enums.agent_status]
values = ["draft", "active", "archived"]

[tables.organizations]
comment = "Customer organizations"
primary_key = ["id"]

[tables.organizations.columns]
id         = { type = "uuid", default = { sql = "gen_random_uuid()" } }
name       = { type = "varchar(255)" }
created_at = { type = "timestamptz", default = { sql = "now()" } }

[tables.agents]
primary_key = ["id"]

[tables.agents.columns]
id              = { type = "bigint", identity = "always" }
organization_id = { type = "uuid", references = { table = "organizations", on_delete = "cascade" } }
full_name       = { type = "text", renamed_from = "name" }
status          = { type = "agent_status", default = "draft" }
tier            = { type = "text", default = "free", backfill = "'free'" }
deleted_at      = { type = "timestamptz", nullable = true }
created_at      = { type = "timestamptz", default = { sql = "now()" } }

[[tables.agents.indexes]]
name    = "idx_agents_org_created"
columns = ["organization_id", "created_at DESC"]
where   = "deleted_at IS NULL"

[[tables.agents.checks]]
name = "agents_name_not_blank"
expr = "length(full_name) > 0"
)toml";

}  // namespace

// --- reading valid schemas -------------------------------------------------------------------

TEST_CASE("the design document's example reads into the expected model", "[unit]") {
  const LoadedSchema loaded = read_schema_string(kDesignExample, "schema.toml");

  Schema expected;
  expected.extensions = {Extension{.name = "pgcrypto"}};
  expected.enums[{"public", "agent_status"}] =
      Enum{.name = {"public", "agent_status"}, .values = {"draft", "active", "archived"}};

  Table orgs;
  orgs.name = {"public", "organizations"};
  orgs.comment = "Customer organizations";
  orgs.primary_key = PrimaryKey{.name = "", .columns = {"id"}};
  orgs.columns = {
      Column{.name = "id", .type = "uuid", .default_sql = "gen_random_uuid()"},
      Column{.name = "name", .type = "character varying(255)"},
      Column{.name = "created_at", .type = "timestamp with time zone", .default_sql = "now()"},
  };
  expected.tables[orgs.name] = orgs;

  Table agents;
  agents.name = {"public", "agents"};
  agents.primary_key = PrimaryKey{.name = "", .columns = {"id"}};
  agents.columns = {
      Column{.name = "id", .type = "bigint", .identity = Identity::Always},
      Column{.name = "organization_id", .type = "uuid"},
      Column{.name = "full_name", .type = "text", .renamed_from = "name"},
      Column{.name = "status", .type = "public.agent_status", .default_sql = "'draft'"},
      Column{.name = "tier", .type = "text", .default_sql = "'free'", .backfill = "'free'"},
      Column{.name = "deleted_at", .type = "timestamp with time zone", .nullable = true},
      Column{.name = "created_at", .type = "timestamp with time zone", .default_sql = "now()"},
  };
  agents.foreign_keys = {ForeignKey{.name = "",
                                    .columns = {"organization_id"},
                                    .ref_table = {"public", "organizations"},
                                    .ref_columns = {"id"},
                                    .on_delete = FkAction::Cascade}};
  agents.indexes = {Index{.name = "idx_agents_org_created",
                          .keys = {IndexKey{.column = "organization_id"},
                                   IndexKey{.column = "created_at", .descending = true}},
                          .where = "deleted_at IS NULL"}};
  agents.checks = {Check{.name = "agents_name_not_blank", .expr = "length(full_name) > 0"}};
  expected.tables[agents.name] = agents;

  CHECK(loaded.schema == expected);
  CHECK(loaded.text == kDesignExample);
}

TEST_CASE("columns keep the order of the file, whatever the key order", "[unit]") {
  const Schema s = read_schema_string(R"toml([tables.t.columns]
zeta = { type = "text" }
alpha = { type = "text" }
"Mixed Case" = { type = "text" }
[tables.t.columns.beta]
type = "text"
)toml",
                                      "s.toml")
                       .schema;
  const Table& t = s.tables.at({"public", "t"});
  REQUIRE(t.columns.size() == 4);
  CHECK(t.columns[0].name == "zeta");
  CHECK(t.columns[1].name == "alpha");
  CHECK(t.columns[2].name == "Mixed Case");
  CHECK(t.columns[3].name == "beta");
}

TEST_CASE("TOML default literals become SQL literals", "[unit]") {
  const Schema s = read_schema_string(R"toml([tables.t.columns]
a = { type = "text", default = "it's" }
b = { type = "integer", default = -3 }
c = { type = "integer", default = 0x1F }
d = { type = "numeric(10,2)", default = 1.50 }
e = { type = "double precision", default = +1_000.5e3 }
f = { type = "boolean", default = true }
g = { type = "boolean", default = false }
h = { type = "timestamptz", default = { sql = "  now()  " } }
i = { type = "text[]", default = "{}" }
j = { type = "numeric", default = 7 }
)toml",
                                      "s.toml")
                       .schema;
  const Table& t = s.tables.at({"public", "t"});
  CHECK(t.find_column("a")->default_sql == "'it''s'");
  CHECK(t.find_column("b")->default_sql == "-3");
  CHECK(t.find_column("c")->default_sql == "31");
  CHECK(t.find_column("d")->default_sql == "1.50");
  CHECK(t.find_column("e")->default_sql == "1000.5e3");
  CHECK(t.find_column("f")->default_sql == "true");
  CHECK(t.find_column("g")->default_sql == "false");
  CHECK(t.find_column("h")->default_sql == "now()");
  CHECK(t.find_column("i")->default_sql == "'{}'");
  CHECK(t.find_column("j")->default_sql == "7");
}

TEST_CASE("qualified keys name other schemas and enums resolve to their type name", "[unit]") {
  const Schema s = read_schema_string(R"toml([settings]
schema = "app"

[enums."billing.Kind"]
values = ["a", "b"]

[enums.mood]
values = ["ok"]

[tables."billing.invoices".columns]
kind = { type = "billing.Kind" }
kinds = { type = "billing.Kind[]", nullable = true }
mood = { type = "mood", default = "ok" }
moods = { type = "app.mood []", nullable = true }

[tables."\"a.b\".c".columns]
x = { type = "int" }

[views."billing.open"]
sql = "SELECT 1"
)toml",
                                      "s.toml")
                       .schema;
  const Table& t = s.tables.at({"billing", "invoices"});
  CHECK(t.find_column("kind")->type == "billing.\"Kind\"");
  CHECK(t.find_column("kinds")->type == "billing.\"Kind\"[]");
  CHECK(t.find_column("mood")->type == "app.mood");
  CHECK(t.find_column("moods")->type == "app.mood[]");
  CHECK(s.tables.count({"a.b", "c"}) == 1);
  CHECK(s.views.count({"billing", "open"}) == 1);
  CHECK(s.enums.count({"billing", "Kind"}) == 1);
}

TEST_CASE("column unique and references become unnamed table constraints", "[unit]") {
  const Schema s = read_schema_string(R"toml([tables.orgs]
primary_key = ["id"]
[tables.orgs.columns]
id = { type = "uuid" }
code = { type = "text", unique = true }

[tables.users.columns]
org = { type = "uuid", references = { table = "orgs", on_delete = "SET NULL", on_update = "restrict", deferrable = true, initially_deferred = true } }
org_code = { type = "text", references = { table = "public.orgs", column = "code", name = "users_org_code_fkey" } }
)toml",
                                      "s.toml")
                       .schema;
  const Table& orgs = s.tables.at({"public", "orgs"});
  REQUIRE(orgs.uniques.size() == 1);
  CHECK(orgs.uniques[0] == UniqueConstraint{.name = "", .columns = {"code"}});
  const Table& users = s.tables.at({"public", "users"});
  REQUIRE(users.foreign_keys.size() == 2);
  CHECK(users.foreign_keys[0] == ForeignKey{.name = "",
                                            .columns = {"org"},
                                            .ref_table = {"public", "orgs"},
                                            .ref_columns = {"id"},
                                            .on_delete = FkAction::SetNull,
                                            .on_update = FkAction::Restrict,
                                            .deferrable = true,
                                            .initially_deferred = true});
  CHECK(users.foreign_keys[1] == ForeignKey{.name = "users_org_code_fkey",
                                            .columns = {"org_code"},
                                            .ref_table = {"public", "orgs"},
                                            .ref_columns = {"code"}});
}

TEST_CASE("table-level constraints, indexes and partitions read every field", "[unit]") {
  const Schema s = read_schema_string(R"toml([tables.events]
primary_key = { name = "events_pk", columns = ["id", "at"] }
partition_by = "RANGE (at)"
comment = "all events"
renamed_from = "old_events"

[tables.events.columns]
id = { type = "bigint", identity = "by default" }
at = { type = "timestamptz" }
"My Col" = { type = "text", nullable = true, collation = "C", comment = "x", generated = "lower(x)" }

[[tables.events.indexes]]
name = "events_at"
columns = ["at DESC NULLS LAST", "\"My Col\" ASC NULLS FIRST", "lower(\"My Col\") DESC", { column = "id", opclass = "int8_ops", collation = "C", desc = true, nulls = "first" }, { expression = "id + 1" }]
unique = true
method = "brin"
where = "id > 0"
include = ["My Col"]
valid = false

[[tables.events.uniques]]
name = "events_u"
columns = ["id", "My Col"]
deferrable = true

[[tables.events.foreign_keys]]
name = "events_self"
columns = ["id", "at"]
ref_table = "events"
valid = false

[[tables.events.checks]]
expr = "id > 0"
valid = false

[[tables.events.partitions]]
name = "events_2024"
bound = "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"

[[tables.events.partitions]]
name = "archive.events_old"
bound = "DEFAULT"
)toml",
                                      "s.toml")
                       .schema;
  const Table& t = s.tables.at({"public", "events"});
  CHECK(t.primary_key == PrimaryKey{.name = "events_pk", .columns = {"id", "at"}});
  CHECK(t.partition_by == "RANGE (at)");
  CHECK(t.comment == "all events");
  CHECK(t.renamed_from == QualifiedName{"public", "old_events"});
  CHECK(*t.find_column("id") ==
        Column{.name = "id", .type = "bigint", .identity = Identity::ByDefault});
  CHECK(*t.find_column("My Col") == Column{.name = "My Col",
                                           .type = "text",
                                           .nullable = true,
                                           .generated = "lower(x)",
                                           .collation = "C",
                                           .comment = "x"});
  REQUIRE(t.indexes.size() == 1);
  CHECK(t.indexes[0] ==
        Index{.name = "events_at",
              .keys = {IndexKey{.column = "at", .descending = true, .nulls = NullsOrder::Last},
                       IndexKey{.column = "My Col", .nulls = NullsOrder::First},
                       IndexKey{.expression = "lower(\"My Col\")", .descending = true},
                       IndexKey{.column = "id",
                                .descending = true,
                                .nulls = NullsOrder::First,
                                .collation = "C",
                                .opclass = "int8_ops"},
                       IndexKey{.expression = "id + 1"}},
              .unique = true,
              .method = "brin",
              .where = "id > 0",
              .include = {"My Col"},
              .valid = false});
  CHECK(t.uniques == std::vector<UniqueConstraint>{UniqueConstraint{
                         .name = "events_u", .columns = {"id", "My Col"}, .deferrable = true}});
  CHECK(t.foreign_keys == std::vector<ForeignKey>{ForeignKey{.name = "events_self",
                                                             .columns = {"id", "at"},
                                                             .ref_table = {"public", "events"},
                                                             .ref_columns = {"id", "at"},
                                                             .valid = false}});
  CHECK(t.checks == std::vector<Check>{Check{.name = "", .expr = "id > 0", .valid = false}});
  CHECK(t.partitions ==
        std::vector<Partition>{
            Partition{.name = {"archive", "events_old"}, .bound = "DEFAULT"},
            Partition{.name = {"public", "events_2024"},
                      .bound = "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"}});
}

TEST_CASE("settings read every key", "[unit]") {
  const Schema s = read_schema_string(R"toml([settings]
schema = "app"
schemas = ["app", "billing"]
exclude = ["alembic_version", "tmp_*"]
extensions = ["pgcrypto", { name = "postgis", schema = "gis" }]
)toml",
                                      "s.toml")
                       .schema;
  CHECK(s.settings == Settings{.schema = "app",
                               .schemas = {"app", "billing"},
                               .exclude = {"alembic_version", "tmp_*"}});
  CHECK(s.extensions == std::vector<Extension>{Extension{.name = "pgcrypto"},
                                               Extension{.name = "postgis", .schema = "gis"}});
}

TEST_CASE("a type written as { sql = ... } is taken verbatim", "[unit]") {
  const Schema s = read_schema_string(R"toml([tables.t.columns]
a = { type = { sql = " unsigned big int " }, default = "x" }
)toml",
                                      "s.toml")
                       .schema;
  CHECK(s.tables.at({"public", "t"}).columns[0].type == "unsigned big int");
}

TEST_CASE("a foreign key may reference a table keel does not manage", "[unit]") {
  const Schema s = read_schema_string(R"toml([settings]
exclude = ["legacy_*"]
[tables.t.columns]
user_id = { type = "bigint", references = { table = "legacy_users", column = "id" } }
)toml",
                                      "s.toml")
                       .schema;
  CHECK(s.tables.at({"public", "t"}).foreign_keys[0].ref_table ==
        QualifiedName{"public", "legacy_users"});
}

TEST_CASE("the source map points at tables, columns, keys and constraints", "[unit]") {
  const LoadedSchema loaded = read_schema_string(kDesignExample, "schema.toml");
  const SourceMap& map = loaded.sources;
  const QualifiedName agents{"public", "agents"};
  CHECK(map.files == std::vector<std::string>{"schema.toml"});
  CHECK(map.table(agents).str() == "schema.toml:17:9");
  CHECK(map.column(agents, "status").str() == "schema.toml:24:1");
  CHECK(map.column_key(agents, "status", "default").str() == "schema.toml:24:54");
  CHECK(map.column_key(agents, "status", "comment").str() == "schema.toml:24:1");
  CHECK(map.column(agents, "nope").str() == "schema.toml:17:9");
  CHECK(map.primary_key(agents).str() == "schema.toml:18:15");
  CHECK(map.enum_type({"public", "agent_status"}).str() == "schema.toml:5:8");
  CHECK(map.extension("pgcrypto").str() == "schema.toml:3:15");
  CHECK(map.index(agents, Index{.name = "idx_agents_org_created"}).str() == "schema.toml:29:1");
  CHECK(map.check(agents, Check{.name = "agents_name_not_blank"}).str() == "schema.toml:34:1");
  // An unnamed foreign key is found by its columns, also after a dialect named it.
  CHECK(map.foreign_key(agents, ForeignKey{.name = "agents_organization_id_fkey",
                                           .columns = {"organization_id"}})
            .str() == "schema.toml:22:49");
  // A dialect may move unqualified names to its own schema (SQLite's "main").
  CHECK(map.column({"main", "agents"}, "status").str() == "schema.toml:24:1");
  CHECK(map.table({"public", "nope"}).str() == "schema.toml");
}

TEST_CASE("a directory is read in sorted path order with a header per file", "[unit]") {
  const TempDir dir;
  dir.write("b/users.toml", "[tables.users.columns]\nid = { type = \"bigint\" }\n");
  dir.write("a.toml", "[enums.mood]\nvalues = [\"ok\"]");
  dir.write(".hidden.toml", "not toml at all = = =");
  dir.write(".git/x.toml", "not toml either = = =");
  dir.write("notes.txt", "ignored");
  const LoadedSchema loaded = read_schema(dir.path());
  CHECK(loaded.schema.tables.size() == 1);
  CHECK(loaded.schema.enums.size() == 1);
  CHECK(loaded.sources.files ==
        std::vector<std::string>{dir.file("a.toml"), dir.file("b/users.toml")});
  CHECK(loaded.text == "# file: " + dir.file("a.toml") + "\n[enums.mood]\nvalues = [\"ok\"]\n" +
                           "# file: " + dir.file("b/users.toml") +
                           "\n[tables.users.columns]\nid = { type = \"bigint\" }\n");
  CHECK(loaded.sources.table({"public", "users"}).str() == dir.file("b/users.toml") + ":1:9");
}

TEST_CASE("a missing path or an empty directory is an error without a position", "[unit]") {
  const TempDir dir;
  CHECK_THROWS_WITH(
      read_schema(dir.path() / "nope.toml"),
      "keel: error: cannot read \"" + dir.file("nope.toml") + "\": no such file or directory");
  CHECK_THROWS_WITH(read_schema(dir.path()),
                    "keel: error: no .toml files in \"" + dir.path().generic_string() + "\"");
}

TEST_CASE("qualified names parse and format as inverse functions", "[unit]") {
  CHECK(parse_qualified_name("users", "public") == QualifiedName{"public", "users"});
  CHECK(parse_qualified_name("billing.invoices", "public") == QualifiedName{"billing", "invoices"});
  CHECK(parse_qualified_name("a.b.c", "public") == QualifiedName{"a", "b.c"});
  CHECK(parse_qualified_name("\"a.b\".c", "public") == QualifiedName{"a.b", "c"});
  CHECK(parse_qualified_name("\"x\"\"y\".z", "public") == QualifiedName{"x\"y", "z"});
  CHECK(parse_qualified_name("\"quoted\"", "public") == QualifiedName{"public", "\"quoted\""});
  const std::vector<QualifiedName> names = {
      {"public", "users"}, {"billing", "invoices"}, {"public", "a.b"}, {"a.b", "c"},
      {"x\"y", "z.w"},     {"\"q\"", "t"},          {"Ü", "ä"},        {"public", "\"x\".y"}};
  for (const QualifiedName& name : names) {
    INFO(name.str());
    CHECK(parse_qualified_name(format_qualified_name(name, "public"), "public") == name);
  }
  CHECK(format_qualified_name({"public", "users"}, "public") == "users");
  CHECK(format_qualified_name({"billing", "users"}, "public") == "billing.users");
  CHECK(format_qualified_name({"public", "a.b"}, "public") == "public.a.b");
  CHECK(format_qualified_name({"a.b", "c"}, "public") == "\"a.b\".c");
}

TEST_CASE("index key strings are columns or expressions with an order", "[unit]") {
  CHECK(parse_index_key("email") == IndexKey{.column = "email"});
  CHECK(parse_index_key(" created_at  desc ") ==
        IndexKey{.column = "created_at", .descending = true});
  CHECK(parse_index_key("a ASC NULLS FIRST") ==
        IndexKey{.column = "a", .nulls = NullsOrder::First});
  CHECK(parse_index_key("a nulls last") == IndexKey{.column = "a", .nulls = NullsOrder::Last});
  CHECK(parse_index_key("\"My \"\"Col\"\"\" DESC") ==
        IndexKey{.column = "My \"Col\"", .descending = true});
  CHECK(parse_index_key("lower(email)") == IndexKey{.expression = "lower(email)"});
  CHECK(parse_index_key("lower(email) DESC") ==
        IndexKey{.expression = "lower(email)", .descending = true});
  CHECK(parse_index_key("a + b") == IndexKey{.expression = "a + b"});
  CHECK(parse_index_key("desc") == IndexKey{.column = "desc"});
  CHECK(parse_index_key("données") == IndexKey{.column = "données"});
  CHECK_FALSE(parse_index_key("  ").has_value());
}

TEST_CASE("foreign key actions read in any case and spacing", "[unit]") {
  CHECK(parse_fk_action("cascade") == FkAction::Cascade);
  CHECK(parse_fk_action("SET NULL") == FkAction::SetNull);
  CHECK(parse_fk_action("set_default") == FkAction::SetDefault);
  CHECK(parse_fk_action("No  Action") == FkAction::NoAction);
  CHECK(parse_fk_action("Restrict") == FkAction::Restrict);
  CHECK_FALSE(parse_fk_action("explode").has_value());
  for (FkAction a : {FkAction::NoAction, FkAction::Restrict, FkAction::Cascade, FkAction::SetNull,
                     FkAction::SetDefault}) {
    CHECK(parse_fk_action(fk_action_text(a)) == a);
  }
  CHECK(sql_string_literal("it's") == "'it''s'");
}

// --- validation: every kind of problem, with its exact message and position ---------------------

TEST_CASE("a TOML syntax error names its position", "[unit]") {
  CHECK(errors("[tables.users\nx = 1\n") ==
        "s.toml:1:14: error: invalid TOML: expected ']', saw '\\n'");
  CHECK(errors("[tables.t.columns]\nid = { type = \"a\", type = \"b\" }\n") ==
        "s.toml:2:27: error: invalid TOML: cannot redefine existing string 'type'");
}

TEST_CASE("syntax errors in several files are all reported", "[unit]") {
  const TempDir dir;
  dir.write("a.toml", "x = \n");
  dir.write("b.toml", "[tables.t]\n[tables.t]\n");
  try {
    (void)read_schema(dir.path());
    FAIL("expected a UserError");
  } catch (const UserError& e) {
    CHECK(std::string(e.what()) ==
          dir.file("a.toml") + ":1:5: error: invalid TOML: expected value, saw '\\n'\n" +
              dir.file("b.toml") +
              ":2:1: error: invalid TOML: cannot redefine existing table 'tables.t'");
  }
}

TEST_CASE("tables read section by section give what the whole document gives", "[unit]") {
  // A `[tables]` header at the end changes nothing in what the document says, but makes it
  // parsed whole rather than one table at a time.
  const std::string valid =
      "[settings]\nschema = \"app\"\n\n"
      "[tables.a]\nprimary_key = [\"id\"]\n[tables.a.columns]\nid = { type = \"bigint\" }\n\n"
      "[tables.b]\nprimary_key = [\"id\"]\n"
      "[tables.b.columns]\nid = { type = \"bigint\" }\n"
      "a_id = { type = \"bigint\", references = { table = \"a\" } }\n"
      "price = { type = \"numeric(10,2)\", default = 1_000.50 }\n"
      "[[tables.b.indexes]]\ncolumns = [\"a_id\"]\n"
      "[views.v]\nsql = \"SELECT 1\"\n";
  const LoadedSchema split = read_schema_string(valid, "s.toml");
  const LoadedSchema whole = read_schema_string(valid + "[tables]\n", "s.toml");
  CHECK(split.schema == whole.schema);
  const QualifiedName b{"app", "b"};
  CHECK(split.schema.find_table(b)->find_column("price")->default_sql == "1000.50");
  for (const LoadedSchema* loaded : {&split, &whole}) {
    const SourceMap& map = loaded->sources;
    CHECK(map.table(b).str() == "s.toml:9:9");
    CHECK(map.column_key(b, "price", "default").str() == "s.toml:14:45");
    CHECK(map.foreign_key(b, ForeignKey{.columns = {"a_id"}}).str() == "s.toml:13:40");
    CHECK(map.index(b, Index{.keys = {IndexKey{.column = "a_id"}}}).str() == "s.toml:15:1");
  }

  const std::string invalid =
      "[tables.a.columns]\nid = { type = \"bigint\" }\n"
      "[tables.b.columns]\nid = { type = \"bigint\", nulable = true }\n"
      "[tables.c.columns]\nn = { type = \"integer\", default = 1.5 }\n";
  const std::string expected =
      "s.toml:4:25: error: unknown key \"nulable\" in column \"id\" (did you mean "
      "\"nullable\"?)\n"
      "s.toml:6:35: error: default 1.5 is not an integer, but column \"n\" has type "
      "\"integer\"";
  CHECK(errors(invalid) == expected);
  CHECK(errors(invalid + "[tables]\n") == expected);

  // A syntax error in a table's section is reported where a reader of the whole file sees it.
  const std::string broken = valid + "[tables.c.columns]\nid = { type = \"bigint\" \n";
  CHECK(errors(broken) ==
        "s.toml:20:24: error: invalid TOML: expected key or closing '}', saw '\\n'");
  CHECK(errors(broken + "[tables]\n") == errors(broken));
}

TEST_CASE("unknown top-level and settings keys are errors with a suggestion", "[unit]") {
  CHECK(errors("tabels = {}\n") ==
        "s.toml:1:1: error: unknown top-level key \"tabels\" (did you mean \"tables\"?)");
  CHECK(errors("[settings]\nschemes = [\"app\"]\n") ==
        "s.toml:2:1: error: unknown key \"schemes\" in settings (did you mean \"schemas\"?)");
}

TEST_CASE("unknown table and column keys are errors with a suggestion", "[unit]") {
  CHECK(
      errors("[tables.users]\ncolums = {}\n[tables.users.columns]\nid = { type = \"bigint\" }\n") ==
      "s.toml:2:1: error: unknown key \"colums\" in table \"users\" (did you mean \"columns\"?)");
  CHECK(errors("[tables.users.columns]\nid = { type = \"bigint\", nulable = true }\n") ==
        "s.toml:2:25: error: unknown key \"nulable\" in column \"id\" (did you mean "
        "\"nullable\"?)");
}

TEST_CASE("unknown keys of indexes and constraints are errors", "[unit]") {
  CHECK(errors(users("[[tables.users.indexes]]\ncolumns = [\"id\"]\nuniqe = true\n")) ==
        "s.toml:7:1: error: unknown key \"uniqe\" in index (did you mean \"unique\"?)");
  CHECK(errors(users("[[tables.users.foreign_keys]]\ncolumns = [\"id\"]\nref_table = "
                     "\"users\"\non_delet = \"cascade\"\n")) ==
        "s.toml:8:1: error: unknown key \"on_delet\" in foreign key (did you mean "
        "\"on_delete\"?)");
  CHECK(errors(users("[[tables.users.checks]]\nexpr = \"id > 0\"\nnmae = \"x\"\n")) ==
        "s.toml:7:1: error: unknown key \"nmae\" in check (did you mean \"name\"?)");
  CHECK(errors(users("[[tables.users.uniques]]\ncolumns = [\"id\"]\ndeferable = true\n")) ==
        "s.toml:7:1: error: unknown key \"deferable\" in unique constraint (did you mean "
        "\"deferrable\"?)");
  CHECK(errors(users("[[tables.users.indexes]]\ncolumns = [{ column = \"id\", order = "
                     "\"desc\" }]\n")) == "s.toml:6:29: error: unknown key \"order\" in index key");
}

TEST_CASE("unknown keys of partitions, enums, views and references are errors", "[unit]") {
  CHECK(errors(R"toml([tables.users]
primary_key = ["id"]
partition_by = "RANGE (id)"
[tables.users.columns]
id = { type = "bigint" }
[[tables.users.partitions]]
name = "users_1"
bound = "DEFAULT"
bounds = "x"
)toml") == "s.toml:9:1: error: unknown key \"bounds\" in partition (did you mean \"bound\"?)");
  CHECK(errors("[enums.mood]\nvalues = [\"ok\"]\ncoment = \"x\"\n") ==
        "s.toml:3:1: error: unknown key \"coment\" in enum \"mood\" (did you mean \"comment\"?)");
  CHECK(errors("[views.active]\nsql = \"SELECT 1\"\nquery = \"x\"\n") ==
        "s.toml:3:1: error: unknown key \"query\" in view \"active\"");
  CHECK(errors(R"toml([tables.orgs]
primary_key = ["id"]
[tables.orgs.columns]
id = { type = "bigint" }
[tables.users.columns]
org = { type = "bigint", references = { table = "orgs", on_delte = "cascade" } }
)toml") ==
        "s.toml:6:57: error: unknown key \"on_delte\" in references (did you mean \"on_delete\"?)");
}

TEST_CASE("a value of the wrong kind is an error naming the expected kind", "[unit]") {
  CHECK(errors("[tables.users.columns]\nid = { type = \"bigint\", nullable = \"yes\" }\n") ==
        "s.toml:2:36: error: \"nullable\" must be a boolean (found a string)");
  CHECK(errors("[tables.users]\nprimary_key = \"id\"\n[tables.users.columns]\nid = { type = "
               "\"bigint\" }\n") ==
        "s.toml:2:15: error: \"primary_key\" must be an array of column names (found a string)");
  CHECK(errors(users("[tables.users.indexes]\ncolumns = [\"id\"]\n")) ==
        "s.toml:5:1: error: \"indexes\" must be an array of tables (found a table)");
  CHECK(errors("[tables.users.columns]\nid = \"bigint\"\n") ==
        "s.toml:2:6: error: column \"id\" must be a table like { type = \"text\" } (found a "
        "string)");
  CHECK(errors("[tables.users.columns]\nid = { type = \"text\", default = [1] }\n") ==
        "s.toml:2:33: error: \"default\" must be a string, number, boolean or { sql = \"...\" } "
        "(found an array)");
  CHECK(errors("[enums.mood]\nvalues = [\"ok\", 2]\n") ==
        "s.toml:2:17: error: elements of \"values\" must be strings (found an integer)");
  CHECK(errors("tables = 3\n") ==
        "s.toml:1:10: error: \"tables\" must be a table (found an integer)");
}

TEST_CASE("a column without a type is an error", "[unit]") {
  CHECK(errors("[tables.users.columns]\nid = { nullable = true }\n") ==
        "s.toml:2:1: error: column \"id\" has no type");
}

TEST_CASE("an unknown type is an error suggesting a type or an enum", "[unit]") {
  CHECK(errors("[tables.users.columns]\nid = { type = \"intger\" }\n") ==
        "s.toml:2:15: error: unknown type \"intger\" (did you mean \"integer\"?)");
  CHECK(errors("[tables.users.columns]\nid = { type = \"varchr(20)[]\" }\n") ==
        "s.toml:2:15: error: unknown type \"varchr(20)[]\" (did you mean \"varchar\"?)");
  CHECK(errors("[enums.agent_status]\nvalues = [\"a\"]\n[tables.users.columns]\ns = { type = "
               "\"agent_stats\" }\n") ==
        "s.toml:4:14: error: unknown type \"agent_stats\" (did you mean \"agent_status\"?)");
  CHECK(errors("[tables.users.columns]\nid = { type = \"blob\" }\n") ==
        "s.toml:2:15: error: unknown type \"blob\" (did you mean \"bytea\"?)");
  CHECK(errors("[tables.users.columns]\nid = { type = \"DateTime\" }\n") ==
        "s.toml:2:15: error: unknown type \"DateTime\" (did you mean \"timestamp\"?)");
  CHECK(errors("[tables.users.columns]\nid = { type = \"qwertyuiop\" }\n") ==
        "s.toml:2:15: error: unknown type \"qwertyuiop\"");
}

TEST_CASE("serial types and bad type modifiers are errors with the reason", "[unit]") {
  CHECK(errors("[tables.users.columns]\nid = { type = \"bigserial\" }\n") ==
        "s.toml:2:15: error: type \"bigserial\" is not supported: use type = \"bigint\" with "
        "identity = \"by default\"");
  CHECK(errors("[tables.users.columns]\nid = { type = \"varchar(0)\" }\n") ==
        "s.toml:2:15: error: invalid type \"varchar(0)\": the length must be between 1 and "
        "10485760");
}

TEST_CASE("an enum needs values, each once", "[unit]") {
  CHECK(errors("[enums.mood]\nvalues = []\n") == "s.toml:2:10: error: enum \"mood\" has no values");
  CHECK(errors("[enums.mood]\ncomment = \"x\"\n") ==
        "s.toml:1:8: error: enum \"mood\" has no values");
  CHECK(errors("[enums.mood]\nvalues = [\"ok\", \"bad\", \"ok\"]\n") ==
        "s.toml:2:24: error: duplicate value \"ok\" in enum \"mood\"");
}

TEST_CASE("a name defined in two files is an error pointing at both", "[unit]") {
  const TempDir dir;
  dir.write("a.toml", R"toml([tables.users.columns]
id = { type = "bigint" }
[enums.mood]
values = ["ok"]
[views.v]
sql = "SELECT 1"
)toml");
  dir.write("b.toml", R"toml([tables."public.users".columns]
id = { type = "text" }
[enums.mood]
values = ["ok"]
[views.v]
sql = "SELECT 2"
)toml");
  try {
    (void)read_schema(dir.path());
    FAIL("expected a UserError");
  } catch (const UserError& e) {
    const std::string a = dir.file("a.toml");
    const std::string b = dir.file("b.toml");
    CHECK(std::string(e.what()) == b + ":1:9: error: table \"users\" is defined twice\n" + a +
                                       ":1:9: note: first defined here\n" + b +
                                       ":3:8: error: enum \"mood\" is defined twice\n" + a +
                                       ":3:8: note: first defined here\n" + b +
                                       ":5:8: error: view \"v\" is defined twice\n" + a +
                                       ":5:8: note: first defined here");
  }
}

TEST_CASE("a view, table or enum may not share a name", "[unit]") {
  CHECK(errors("[tables.users.columns]\nid = { type = \"bigint\" }\n[views.users]\nsql = \"SELECT "
               "1\"\n") ==
        "s.toml:3:8: error: view \"users\" has the same name as table \"users\"\n"
        "s.toml:1:9: note: table \"users\" is defined here");
  CHECK(errors("[enums.users]\nvalues = [\"a\"]\n[tables.users.columns]\nid = { type = \"bigint\" "
               "}\n") ==
        "s.toml:3:9: error: table \"users\" has the same name as enum \"users\"\n"
        "s.toml:1:8: note: enum \"users\" is defined here");
}

TEST_CASE("index names are unique within a schema", "[unit]") {
  CHECK(errors(R"toml([tables.a.columns]
id = { type = "bigint" }
[[tables.a.indexes]]
name = "by_id"
columns = ["id"]
[tables.b.columns]
id = { type = "bigint" }
[[tables.b.indexes]]
name = "by_id"
columns = ["id"]
[[tables.b.indexes]]
name = "a"
columns = ["id"]
)toml") ==
        "s.toml:8:1: error: index \"by_id\" is defined twice\n"
        "s.toml:3:1: note: first defined here\n"
        "s.toml:11:1: error: index \"a\" has the same name as table \"a\"\n"
        "s.toml:1:9: note: table \"a\" is defined here");
}

TEST_CASE("constraint names are unique within a table", "[unit]") {
  CHECK(errors(users(R"toml([[tables.users.checks]]
name = "users_ok"
expr = "id > 0"
[[tables.users.uniques]]
name = "users_ok"
columns = ["id"]
)toml")) ==
        "s.toml:5:1: error: check \"users_ok\" has the same name as unique constraint "
        "\"users_ok\" in table \"users\"\n"
        "s.toml:8:1: note: unique constraint \"users_ok\" is defined here");
}

TEST_CASE("a reference to a missing table is an error with a suggestion", "[unit]") {
  CHECK(errors(R"toml([tables.organizations]
primary_key = ["id"]
[tables.organizations.columns]
id = { type = "uuid" }
[tables.users.columns]
org = { type = "uuid", references = { table = "organisations" } }
)toml") ==
        "s.toml:6:47: error: foreign key references unknown table \"organisations\" (did you mean "
        "\"organizations\"?)");
}

TEST_CASE("a reference to a missing column is an error with a suggestion", "[unit]") {
  CHECK(errors(R"toml([tables.organizations]
primary_key = ["id"]
[tables.organizations.columns]
id = { type = "uuid" }
[tables.users.columns]
org = { type = "uuid", references = { table = "organizations", column = "idd" } }
)toml") ==
        "s.toml:6:73: error: foreign key references unknown column \"idd\" of table "
        "\"organizations\" (did you mean \"id\"?)");
}

TEST_CASE("a foreign key must reference as many columns as it has", "[unit]") {
  const std::string base = R"toml([tables.orgs]
primary_key = ["id"]
[tables.orgs.columns]
id = { type = "bigint" }
[tables.users.columns]
a = { type = "bigint" }
b = { type = "bigint" }
[[tables.users.foreign_keys]]
columns = ["a", "b"]
ref_table = "orgs"
)toml";
  CHECK(errors(base + "ref_columns = [\"id\"]\n") ==
        "s.toml:11:15: error: foreign key has 2 columns but references 1");
  CHECK(errors(base) == "s.toml:8:1: error: foreign key has 2 columns but references 1");
}

TEST_CASE("a column reference without a column needs a single-column primary key", "[unit]") {
  CHECK(errors(R"toml([tables.orgs]
primary_key = ["a", "b"]
[tables.orgs.columns]
a = { type = "bigint" }
b = { type = "bigint" }
[tables.users.columns]
org = { type = "bigint", references = { table = "orgs" } }
)toml") ==
        "s.toml:7:49: error: table \"orgs\" has no single-column primary key: name the referenced "
        "column with column = \"...\"");
  CHECK(errors(R"toml([tables.orgs.columns]
a = { type = "bigint" }
[tables.users.columns]
a = { type = "bigint" }
[[tables.users.foreign_keys]]
columns = ["a"]
ref_table = "orgs"
)toml") ==
        "s.toml:7:13: error: table \"orgs\" has no primary key: name the referenced columns with "
        "ref_columns = [...]");
}

TEST_CASE("a reference to an unmanaged table must name its columns", "[unit]") {
  CHECK(errors(R"toml([settings]
exclude = ["legacy_*"]
[tables.t.columns]
user_id = { type = "bigint", references = { table = "legacy_users" } }
)toml") ==
        "s.toml:4:53: error: column = \"...\" is required to reference table \"legacy_users\", "
        "which keel does not manage");
}

TEST_CASE("a primary key names existing NOT NULL columns", "[unit]") {
  CHECK(errors("[tables.users]\nprimary_key = [\"idd\"]\n[tables.users.columns]\nid = { type = "
               "\"bigint\" }\n") ==
        "s.toml:2:16: error: unknown column \"idd\" in primary key (did you mean \"id\"?)");
  CHECK(errors("[tables.users]\nprimary_key = [\"id\"]\n[tables.users.columns]\nid = { type = "
               "\"bigint\", nullable = true }\n") ==
        "s.toml:2:16: error: primary key column \"id\" is nullable");
  CHECK(errors("[tables.users]\nprimary_key = []\n[tables.users.columns]\nid = { type = "
               "\"bigint\" }\n") == "s.toml:2:15: error: primary key is empty");
}

TEST_CASE("indexes and constraints name existing columns", "[unit]") {
  const std::string base = "[tables.users.columns]\nemail = { type = \"text\" }\n";
  CHECK(errors(base + "[[tables.users.indexes]]\nname = \"users_email_idx\"\ncolumns = "
                      "[\"emial\"]\n") ==
        "s.toml:5:12: error: unknown column \"emial\" in index \"users_email_idx\" (did you mean "
        "\"email\"?)");
  CHECK(errors(base + "[[tables.users.indexes]]\ncolumns = [\"email\"]\ninclude = [\"nmae\"]\n") ==
        "s.toml:5:12: error: unknown column \"nmae\" in index include list");
  CHECK(errors(base + "[[tables.users.uniques]]\ncolumns = [\"emial\"]\n") ==
        "s.toml:4:12: error: unknown column \"emial\" in unique constraint (did you mean "
        "\"email\"?)");
  CHECK(errors(base + "[[tables.users.foreign_keys]]\nname = \"fk\"\ncolumns = "
                      "[\"emial\"]\nref_table = \"users\"\nref_columns = [\"email\"]\n") ==
        "s.toml:5:12: error: unknown column \"emial\" in foreign key \"fk\" (did you mean "
        "\"email\"?)");
  CHECK(errors(base + "[[tables.users.indexes]]\ncolumns = []\n") ==
        "s.toml:3:1: error: index has no columns");
}

TEST_CASE("identity needs an integer column without default or generated", "[unit]") {
  CHECK(errors("[tables.t.columns]\nid = { type = \"uuid\", identity = \"always\" }\n") ==
        "s.toml:2:34: error: identity requires an integer type, but column \"id\" has type "
        "\"uuid\"");
  CHECK(errors("[tables.t.columns]\nid = { type = \"bigint\", identity = \"always\", default = 1 "
               "}\n") ==
        "s.toml:2:56: error: column \"id\" cannot have both identity and a default");
  CHECK(errors("[tables.t.columns]\nid = { type = \"bigint\", identity = \"always\", generated = "
               "\"1\" }\n") ==
        "s.toml:2:58: error: column \"id\" cannot have both identity and generated");
}

TEST_CASE("a generated column has no default", "[unit]") {
  CHECK(errors("[tables.t.columns]\nx = { type = \"bigint\", generated = \"1\", default = 2 }\n") ==
        "s.toml:2:51: error: column \"x\" cannot have both generated and a default");
}

TEST_CASE("identity values are always or by default", "[unit]") {
  CHECK(errors("[tables.t.columns]\nid = { type = \"bigint\", identity = \"allways\" }\n") ==
        "s.toml:2:36: error: invalid identity \"allways\" (did you mean \"always\"?)");
  CHECK(errors("[tables.t.columns]\nid = { type = \"bigint\", identity = \"sometimes\" }\n") ==
        "s.toml:2:36: error: invalid identity \"sometimes\" (expected \"always\" or \"by "
        "default\")");
}

TEST_CASE("a default literal must fit the column type", "[unit]") {
  CHECK(errors("[tables.t.columns]\nn = { type = \"integer\", default = \"5\" }\n") ==
        "s.toml:2:35: error: default \"5\" is a string, but column \"n\" has type \"integer\"");
  CHECK(errors("[tables.t.columns]\nb = { type = \"boolean\", default = \"yes\" }\n") ==
        "s.toml:2:35: error: default \"yes\" is a string, but column \"b\" has type \"boolean\"");
  CHECK(errors("[tables.t.columns]\nb = { type = \"boolean\", default = 1 }\n") ==
        "s.toml:2:35: error: default 1 is a number, but column \"b\" has type \"boolean\"");
  CHECK(errors("[tables.t.columns]\nt = { type = \"text\", default = true }\n") ==
        "s.toml:2:32: error: default true is a boolean, but column \"t\" has type \"text\"");
  CHECK(errors("[tables.t.columns]\nn = { type = \"integer\", default = 1.5 }\n") ==
        "s.toml:2:35: error: default 1.5 is not an integer, but column \"n\" has type "
        "\"integer\"");
  CHECK(errors("[tables.t.columns]\nn = { type = \"uuid\", default = 1.5 }\n") ==
        "s.toml:2:32: error: default 1.5 is a number, but column \"n\" has type \"uuid\"");
  CHECK(errors("[tables.t.columns]\nn = { type = \"float8\", default = inf }\n") ==
        "s.toml:2:34: error: default of column \"n\" must be a finite number");
  CHECK(errors("[tables.t.columns]\nn = { type = \"text\", default = { sql = \" \" } }\n") ==
        "s.toml:2:40: error: default sql of column \"n\" is empty");
}

TEST_CASE("a string default of an enum column must be one of its values", "[unit]") {
  CHECK(errors("[enums.mood]\nvalues = [\"happy\", \"sad\"]\n[tables.t.columns]\nm = { type = "
               "\"mood\", default = \"hapy\" }\n") ==
        "s.toml:4:32: error: default \"hapy\" is not a value of enum \"mood\" (did you mean "
        "\"happy\"?)");
}

TEST_CASE("foreign key actions are checked with a suggestion", "[unit]") {
  const std::string base = R"toml([tables.orgs]
primary_key = ["id"]
[tables.orgs.columns]
id = { type = "bigint" }
[tables.users.columns]
)toml";
  CHECK(errors(base + "org = { type = \"bigint\", references = { table = \"orgs\", on_delete = "
                      "\"cascde\" } }\n") ==
        "s.toml:6:69: error: invalid on_delete action \"cascde\" (did you mean \"cascade\"?)");
  CHECK(errors(base + "org = { type = \"bigint\", references = { table = \"orgs\", on_update = "
                      "\"explode\" } }\n") ==
        "s.toml:6:69: error: invalid on_update action \"explode\" (expected \"no action\", "
        "\"restrict\", \"cascade\", \"set null\" or \"set default\")");
}

TEST_CASE("initially_deferred requires deferrable", "[unit]") {
  CHECK(
      errors(users("[[tables.users.uniques]]\ncolumns = [\"id\"]\ninitially_deferred = true\n")) ==
      "s.toml:7:22: error: initially_deferred requires deferrable = true");
}

TEST_CASE("a table needs columns and a view needs sql", "[unit]") {
  CHECK(errors("[tables.users]\ncomment = \"x\"\n") ==
        "s.toml:1:9: error: table \"users\" has no columns");
  CHECK(errors("[tables.users.columns]\n") == "s.toml:1:9: error: table \"users\" has no columns");
  CHECK(errors("[views.active]\ncomment = \"x\"\n") ==
        "s.toml:1:8: error: view \"active\" has no sql");
  CHECK(errors("[views.active]\nsql = \"  \"\n") ==
        "s.toml:1:8: error: view \"active\" has no sql");
}

TEST_CASE("partitions need a name, a bound and a partitioned table", "[unit]") {
  CHECK(errors(R"toml([tables.events]
partition_by = "RANGE (id)"
[tables.events.columns]
id = { type = "bigint" }
[[tables.events.partitions]]
name = "events_2024"
)toml") == "s.toml:5:1: error: partition \"events_2024\" has no bound");
  CHECK(errors(R"toml([tables.events]
partition_by = "RANGE (id)"
[tables.events.columns]
id = { type = "bigint" }
[[tables.events.partitions]]
bound = "DEFAULT"
)toml") == "s.toml:5:1: error: partition has no name");
  CHECK(errors(R"toml([tables.events.columns]
id = { type = "bigint" }
[[tables.events.partitions]]
name = "events_2024"
bound = "DEFAULT"
)toml") == "s.toml:3:1: error: table \"events\" has partitions but no partition_by");
}

TEST_CASE("renamed_from may not name the object itself", "[unit]") {
  CHECK(errors("[tables.users.columns]\nid = { type = \"bigint\", renamed_from = \"id\" }\n") ==
        "s.toml:2:40: error: renamed_from \"id\" is the column's own name");
  CHECK(errors("[tables.users]\nrenamed_from = \"public.users\"\n[tables.users.columns]\nid = { "
               "type = \"bigint\" }\n") ==
        "s.toml:2:16: error: renamed_from \"public.users\" is the table's own name");
}

TEST_CASE("backfill is refused on a nullable column", "[unit]") {
  CHECK(errors("[tables.t.columns]\nx = { type = \"text\", nullable = true, backfill = \"'a'\" "
               "}\n") ==
        "s.toml:2:50: error: backfill is only for NOT NULL columns, but column \"x\" is nullable");
}

TEST_CASE("names may not be empty", "[unit]") {
  CHECK(errors("[tables.\"\".columns]\nid = { type = \"bigint\" }\n") ==
        "s.toml:1:9: error: table name is empty");
  CHECK(errors("[tables.\"billing.\".columns]\nid = { type = \"bigint\" }\n") ==
        "s.toml:1:9: error: table name is empty");
  CHECK(errors("[tables.\".users\".columns]\nid = { type = \"bigint\" }\n") ==
        "s.toml:1:9: error: table \".users\" has an empty schema name");
  CHECK(errors("[tables.users.columns]\n\"\" = { type = \"bigint\" }\n") ==
        "s.toml:2:1: error: column name is empty");
  CHECK(errors("[enums.\"\"]\nvalues = [\"a\"]\n") == "s.toml:1:8: error: enum name is empty");
}

TEST_CASE("objects outside the managed schemas or excluded by settings are errors", "[unit]") {
  CHECK(errors(R"toml([settings]
schemas = ["app"]
exclude = ["tmp_*"]
[tables.users.columns]
id = { type = "bigint" }
[tables."app.tmp_x".columns]
id = { type = "bigint" }
)toml") ==
        "s.toml:4:9: error: table \"users\" is in schema \"public\", which settings.schemas does "
        "not list\n"
        "s.toml:6:9: error: table \"app.tmp_x\" is excluded by settings.exclude pattern "
        "\"tmp_*\"");
}

TEST_CASE("settings and extensions are set once", "[unit]") {
  CHECK(errors("[settings]\nextensions = [\"a\", \"a\"]\n") ==
        "s.toml:2:20: error: extension \"a\" is listed twice\n"
        "s.toml:2:15: note: first listed here");
  const TempDir dir;
  dir.write("a.toml", "[settings]\nschema = \"app\"\n");
  dir.write("b.toml", "[settings]\nschema = \"other\"\n");
  CHECK_THROWS_WITH(read_schema(dir.path()),
                    dir.file("b.toml") + ":2:1: error: settings key \"schema\" is set twice\n" +
                        dir.file("a.toml") + ":2:1: note: first set here");
}

TEST_CASE("every problem is reported at once, in file order", "[unit]") {
  CHECK(errors(R"toml([tables.users]
primary_key = ["idd"]
[tables.users.columns]
id = { type = "intger" }
name = { type = "text", nulable = true }
[views.v]
)toml") ==
        "s.toml:2:16: error: unknown column \"idd\" in primary key (did you mean \"id\"?)\n"
        "s.toml:4:15: error: unknown type \"intger\" (did you mean \"integer\"?)\n"
        "s.toml:5:25: error: unknown key \"nulable\" in column \"name\" (did you mean "
        "\"nullable\"?)\n"
        "s.toml:6:8: error: view \"v\" has no sql");
}
