#include "state/schema.h"

#include <catch2/catch.hpp>

using keel::state::Check;
using keel::state::Column;
using keel::state::Enum;
using keel::state::Extension;
using keel::state::ForeignKey;
using keel::state::glob_match;
using keel::state::Index;
using keel::state::IndexKey;
using keel::state::is_excluded;
using keel::state::Partition;
using keel::state::Schema;
using keel::state::Settings;
using keel::state::sort_canonical;
using keel::state::Table;
using keel::state::UniqueConstraint;

TEST_CASE("glob_match supports star and question mark over the whole name", "[unit]") {
  CHECK(glob_match("alembic_version", "alembic_version"));
  CHECK(glob_match("alembic_*", "alembic_version"));
  CHECK(glob_match("*", ""));
  CHECK(glob_match("*_tmp", "orders_tmp"));
  CHECK(glob_match("a*b*c", "axxbyyc"));
  CHECK(glob_match("t?", "t1"));
  CHECK(glob_match("t?", "té"));  // one character, two bytes
  CHECK_FALSE(glob_match("t?", "t"));
  CHECK_FALSE(glob_match("alembic_*", "my_alembic_version"));
  CHECK_FALSE(glob_match("a*b", "axxbc"));
  CHECK_FALSE(glob_match("", "x"));
}

TEST_CASE("settings exclude an object by its bare or qualified name", "[unit]") {
  Settings settings;
  settings.exclude = {"alembic_*", "legacy.*"};
  CHECK(is_excluded(settings, {"public", "alembic_version"}));
  CHECK(is_excluded(settings, {"legacy", "users"}));
  CHECK_FALSE(is_excluded(settings, {"public", "users"}));
  CHECK_FALSE(is_excluded(Settings{}, {"public", "alembic_version"}));
}

TEST_CASE("find functions return the named element or null", "[unit]") {
  Schema schema;
  Table table;
  table.name = {"public", "users"};
  table.columns.push_back(Column{.name = "id", .type = "bigint"});
  table.indexes.push_back(Index{.name = "users_idx", .keys = {IndexKey{.column = "id"}}});
  schema.tables[table.name] = table;
  schema.enums[{"public", "mood"}] = Enum{.name = {"public", "mood"}, .values = {"ok"}};

  const Schema& cschema = schema;
  REQUIRE(cschema.find_table({"public", "users"}) != nullptr);
  CHECK(cschema.find_table({"other", "users"}) == nullptr);
  REQUIRE(schema.find_table({"public", "users"}) != nullptr);
  schema.find_table({"public", "users"})->find_column("id")->nullable = true;
  CHECK(cschema.find_table({"public", "users"})->find_column("id")->nullable);
  CHECK(cschema.find_table({"public", "users"})->find_column("nope") == nullptr);
  CHECK(cschema.find_table({"public", "users"})->find_index("users_idx") != nullptr);
  CHECK(cschema.find_table({"public", "users"})->find_index("nope") == nullptr);
  CHECK(cschema.find_enum({"public", "mood"}) != nullptr);
  CHECK(cschema.find_enum({"public", "other"}) == nullptr);
}

TEST_CASE("same_definition ignores the renamed_from and backfill directives only", "[unit]") {
  const Column base{.name = "tier", .type = "text", .default_sql = "'free'"};
  Column directed = base;
  directed.renamed_from = "plan";
  directed.backfill = "'free'";
  CHECK(base.same_definition(directed));
  CHECK_FALSE(base == directed);
  Column changed = base;
  changed.nullable = true;
  CHECK_FALSE(base.same_definition(changed));
  changed = base;
  changed.comment = "x";
  CHECK_FALSE(base.same_definition(changed));
}

TEST_CASE("type_name quotes every part that is not a plain lowercase identifier", "[unit]") {
  CHECK(keel::state::type_name({"public", "agent_status"}) == "public.agent_status");
  CHECK(keel::state::type_name({"My App", "Mood"}) == "\"My App\".\"Mood\"");
  CHECK(keel::state::type_name({"a.b", "x\"y"}) == "\"a.b\".\"x\"\"y\"");
}

TEST_CASE("sort_canonical orders constraints by name and keeps column order", "[unit]") {
  Table a;
  a.name = {"public", "t"};
  a.columns = {Column{.name = "z", .type = "text"}, Column{.name = "a", .type = "text"}};
  a.uniques = {UniqueConstraint{.name = "u2", .columns = {"z"}},
               UniqueConstraint{.name = "u1", .columns = {"a"}}};
  a.checks = {Check{.name = "c2", .expr = "z <> ''"}, Check{.name = "c1", .expr = "a <> ''"}};
  a.indexes = {Index{.name = "i2", .keys = {IndexKey{.column = "z"}}},
               Index{.name = "i1", .keys = {IndexKey{.column = "a"}}}};
  a.foreign_keys = {ForeignKey{.name = "f2", .columns = {"z"}, .ref_table = {"public", "t"}},
                    ForeignKey{.name = "f1", .columns = {"a"}, .ref_table = {"public", "t"}}};
  a.partitions = {Partition{.name = {"public", "p2"}, .bound = "DEFAULT"},
                  Partition{.name = {"public", "p1"}, .bound = "DEFAULT"}};
  Schema s;
  s.extensions = {Extension{.name = "pgcrypto"}, Extension{.name = "citext"}};
  s.tables[a.name] = a;
  sort_canonical(s);
  const Table& t = s.tables.at(a.name);
  CHECK(t.columns[0].name == "z");
  CHECK(t.uniques[0].name == "u1");
  CHECK(t.checks[0].name == "c1");
  CHECK(t.indexes[0].name == "i1");
  CHECK(t.foreign_keys[0].name == "f1");
  CHECK(t.partitions[0].name.name == "p1");
  CHECK(s.extensions[0].name == "citext");
}

TEST_CASE("sort_canonical gives unnamed constraints one order whatever the input", "[unit]") {
  Schema s1;
  Table t;
  t.name = {"public", "t"};
  t.checks = {Check{.name = "", .expr = "b > 0"}, Check{.name = "", .expr = "a > 0"}};
  t.uniques = {UniqueConstraint{.name = "", .columns = {"b"}},
               UniqueConstraint{.name = "", .columns = {"a"}}};
  s1.tables[t.name] = t;
  Schema s2 = s1;
  auto& t2 = s2.tables.at(t.name);
  std::swap(t2.checks[0], t2.checks[1]);
  std::swap(t2.uniques[0], t2.uniques[1]);
  CHECK_FALSE(s1 == s2);
  sort_canonical(s1);
  sort_canonical(s2);
  CHECK(s1 == s2);
  CHECK(s1.tables.at(t.name).checks[0].expr == "a > 0");
}
