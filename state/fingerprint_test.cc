#include "state/fingerprint.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/random_schema.h"

using namespace keel::state;  // NOLINT(google-build-using-namespace): test file
using keel::test_support::random_schema;

namespace {

// A small schema that sets every definition field at least once.
Schema full_schema() {
  Schema s;
  s.extensions = {Extension{.name = "citext"}, Extension{.name = "postgis", .schema = "gis"}};
  s.enums[{"public", "mood"}] =
      Enum{.name = {"public", "mood"}, .values = {"ok", "sad"}, .comment = "feelings"};
  Table t;
  t.name = {"public", "users"};
  t.columns = {
      Column{.name = "id", .type = "bigint", .identity = Identity::Always},
      Column{.name = "email",
             .type = "text",
             .default_sql = "''",
             .collation = "C",
             .comment = "login"},
      Column{.name = "mood", .type = "public.mood", .nullable = true},
      Column{.name = "lower_email", .type = "text", .nullable = true, .generated = "lower(email)"},
  };
  t.primary_key = PrimaryKey{.name = "users_pkey", .columns = {"id"}};
  t.uniques = {UniqueConstraint{.name = "users_email_key", .columns = {"email"}}};
  t.foreign_keys = {ForeignKey{.name = "users_self_fkey",
                               .columns = {"id"},
                               .ref_table = {"public", "users"},
                               .ref_columns = {"id"}}};
  t.checks = {Check{.name = "users_email_check", .expr = "email <> ''"}};
  t.indexes = {Index{.name = "users_mood_idx", .keys = {IndexKey{.column = "mood"}}}};
  t.comment = "people";
  t.partition_by = "HASH (id)";
  t.partitions = {Partition{.name = {"public", "users_0"},
                            .bound = "FOR VALUES WITH (MODULUS 1, REMAINDER 0)"}};
  s.tables[t.name] = t;
  s.views[{"public", "v"}] = View{.name = {"public", "v"}, .sql = "SELECT 1", .comment = "one"};
  return s;
}

Table& users(Schema& s) {
  return s.tables.at({"public", "users"});
}

}  // namespace

TEST_CASE("a fingerprint is sha256 of the canonical text in lowercase hex", "[unit]") {
  const std::string f = fingerprint(Schema{});
  CHECK(canonical_toml(Schema{}) == "[settings]\nschema = \"public\"\n");
  // printf '[settings]\nschema = "public"\n' | sha256sum
  CHECK(f == "sha256:85378d4f5477ffac568a782d769906943315ec8da834419314cf116dc860d54d");
  CHECK(fingerprint(full_schema()).size() == 7 + 64);
}

TEST_CASE("the fingerprint of a fixed schema never changes between releases", "[unit]") {
  // Stored in revisions: a change here makes every recorded fingerprint stale.
  CHECK(fingerprint(full_schema()) ==
        "sha256:dcf676f5eb766cbdf74a49f1415f87a0e9576ac6ceafce959681bcbaf1abb7db");
}

TEST_CASE("fingerprints ignore the order constraints and objects were built in", "[unit]") {
  const Schema base = full_schema();
  Schema shuffled = base;
  Table& t = users(shuffled);
  t.uniques.push_back(UniqueConstraint{.name = "a_key", .columns = {"id"}});
  t.checks.push_back(Check{.name = "a_check", .expr = "id > 0"});
  t.indexes.push_back(Index{.name = "a_idx", .keys = {IndexKey{.column = "id"}}});
  t.foreign_keys.push_back(ForeignKey{.name = "a_fkey",
                                      .columns = {"id"},
                                      .ref_table = {"public", "users"},
                                      .ref_columns = {"id"}});
  t.partitions.push_back(Partition{.name = {"public", "a_part"}, .bound = "DEFAULT"});
  shuffled.extensions.push_back(Extension{.name = "aaa"});
  Schema sorted = shuffled;
  sort_canonical(sorted);
  CHECK_FALSE(sorted == shuffled);
  CHECK(fingerprint(shuffled) == fingerprint(sorted));

  // Random schemas: reversing every list that sort_canonical sorts keeps the fingerprint.
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    Schema s = random_schema(seed);
    Schema reversed = s;
    std::reverse(reversed.extensions.begin(), reversed.extensions.end());
    for (auto& [name, table] : reversed.tables) {
      std::reverse(table.uniques.begin(), table.uniques.end());
      std::reverse(table.foreign_keys.begin(), table.foreign_keys.end());
      std::reverse(table.checks.begin(), table.checks.end());
      std::reverse(table.indexes.begin(), table.indexes.end());
      std::reverse(table.partitions.begin(), table.partitions.end());
    }
    INFO("seed " << seed);
    CHECK(fingerprint(reversed) == fingerprint(s));
  }
}

TEST_CASE("fingerprints ignore column order, which plans never change", "[unit]") {
  const Schema base = full_schema();
  Schema reordered = base;
  std::swap(users(reordered).columns[1], users(reordered).columns[2]);
  CHECK(fingerprint(reordered) == fingerprint(base));
}

TEST_CASE("fingerprints ignore directives and settings", "[unit]") {
  const Schema base = full_schema();
  Schema directed = base;
  users(directed).renamed_from = QualifiedName{"public", "people"};
  users(directed).columns[1].renamed_from = "mail";
  users(directed).columns[1].backfill = "''";
  directed.settings.schema = "app";
  directed.settings.schemas = {"public", "app"};
  directed.settings.exclude = {"tmp_*"};
  CHECK(fingerprint(directed) == fingerprint(base));
}

TEST_CASE("fingerprints change with every definition field", "[unit]") {
  using Mutation = std::pair<const char*, std::function<void(Schema&)>>;
  const std::vector<Mutation> mutations = {
      {"extension added", [](Schema& s) { s.extensions.push_back({.name = "hstore"}); }},
      {"extension schema", [](Schema& s) { s.extensions[0].schema = "ext"; }},
      {"enum value", [](Schema& s) { s.enums.begin()->second.values.emplace_back("meh"); }},
      {"enum value order",
       [](Schema& s) {
         auto& v = s.enums.begin()->second.values;
         std::swap(v[0], v[1]);
       }},
      {"enum comment", [](Schema& s) { s.enums.begin()->second.comment.reset(); }},
      {"table name",
       [](Schema& s) {
         Table t = users(s);
         s.tables.clear();
         t.name.name = "people";
         s.tables[t.name] = t;
       }},
      {"table schema",
       [](Schema& s) {
         Table t = users(s);
         s.tables.clear();
         t.name.schema = "app";
         s.tables[t.name] = t;
       }},
      {"column name", [](Schema& s) { users(s).columns[1].name = "mail"; }},
      {"column type", [](Schema& s) { users(s).columns[1].type = "character varying"; }},
      {"column nullable", [](Schema& s) { users(s).columns[1].nullable = true; }},
      {"column default", [](Schema& s) { users(s).columns[1].default_sql = "'x'"; }},
      {"column identity", [](Schema& s) { users(s).columns[0].identity = Identity::ByDefault; }},
      {"column generated", [](Schema& s) { users(s).columns[3].generated = "upper(email)"; }},
      {"column collation", [](Schema& s) { users(s).columns[1].collation = "POSIX"; }},
      {"column comment", [](Schema& s) { users(s).columns[1].comment = "mail"; }},
      {"primary key name", [](Schema& s) { users(s).primary_key->name = "pk"; }},
      {"primary key columns",
       [](Schema& s) {
         users(s).primary_key->columns = {"id", "email"};
       }},
      {"no primary key", [](Schema& s) { users(s).primary_key.reset(); }},
      {"unique name", [](Schema& s) { users(s).uniques[0].name = "u"; }},
      {"unique columns",
       [](Schema& s) {
         users(s).uniques[0].columns = {"id", "email"};
       }},
      {"unique deferrable", [](Schema& s) { users(s).uniques[0].deferrable = true; }},
      {"unique initially deferred",
       [](Schema& s) {
         users(s).uniques[0].deferrable = true;
         users(s).uniques[0].initially_deferred = true;
       }},
      {"fk name", [](Schema& s) { users(s).foreign_keys[0].name = "fk"; }},
      {"fk columns", [](Schema& s) { users(s).foreign_keys[0].columns = {"email"}; }},
      {"fk ref table",
       [](Schema& s) {
         users(s).foreign_keys[0].ref_table = {"app", "users"};
       }},
      {"fk ref columns", [](Schema& s) { users(s).foreign_keys[0].ref_columns = {"email"}; }},
      {"fk on delete", [](Schema& s) { users(s).foreign_keys[0].on_delete = FkAction::Cascade; }},
      {"fk on update", [](Schema& s) { users(s).foreign_keys[0].on_update = FkAction::SetNull; }},
      {"fk deferrable", [](Schema& s) { users(s).foreign_keys[0].deferrable = true; }},
      {"fk valid", [](Schema& s) { users(s).foreign_keys[0].valid = false; }},
      {"check name", [](Schema& s) { users(s).checks[0].name = "c"; }},
      {"check expr", [](Schema& s) { users(s).checks[0].expr = "email <> 'x'"; }},
      {"check valid", [](Schema& s) { users(s).checks[0].valid = false; }},
      {"index name", [](Schema& s) { users(s).indexes[0].name = "i"; }},
      {"index key column", [](Schema& s) { users(s).indexes[0].keys[0].column = "email"; }},
      {"index key expression",
       [](Schema& s) { users(s).indexes[0].keys[0] = IndexKey{.expression = "mood"}; }},
      {"index key descending", [](Schema& s) { users(s).indexes[0].keys[0].descending = true; }},
      {"index key nulls", [](Schema& s) { users(s).indexes[0].keys[0].nulls = NullsOrder::First; }},
      {"index key collation", [](Schema& s) { users(s).indexes[0].keys[0].collation = "C"; }},
      {"index key opclass", [](Schema& s) { users(s).indexes[0].keys[0].opclass = "enum_ops"; }},
      {"index unique", [](Schema& s) { users(s).indexes[0].unique = true; }},
      {"index method", [](Schema& s) { users(s).indexes[0].method = "hash"; }},
      {"index where", [](Schema& s) { users(s).indexes[0].where = "id > 0"; }},
      {"index include", [](Schema& s) { users(s).indexes[0].include = {"email"}; }},
      {"index valid", [](Schema& s) { users(s).indexes[0].valid = false; }},
      {"table comment", [](Schema& s) { users(s).comment = "humans"; }},
      {"partition by", [](Schema& s) { users(s).partition_by = "HASH (email)"; }},
      {"partition name", [](Schema& s) { users(s).partitions[0].name.name = "u0"; }},
      {"partition bound", [](Schema& s) { users(s).partitions[0].bound = "DEFAULT"; }},
      {"view sql", [](Schema& s) { s.views.begin()->second.sql = "SELECT 2"; }},
      {"view comment", [](Schema& s) { s.views.begin()->second.comment = "two"; }},
      {"view removed", [](Schema& s) { s.views.clear(); }},
  };
  const Schema base = full_schema();
  const std::string original = fingerprint(base);
  std::set<std::string> seen = {original};
  for (const auto& [what, mutate] : mutations) {
    INFO(what);
    Schema changed = base;
    mutate(changed);
    const std::string f = fingerprint(changed);
    CHECK(f != original);
    CHECK(seen.insert(f).second);  // and differently from every other change
  }
}

TEST_CASE("random schemas with one column changed get another fingerprint", "[unit]") {
  std::mt19937_64 rng(99);
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    const Schema s = random_schema(seed);
    Schema changed = s;
    auto it = changed.tables.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(rng() % changed.tables.size()));
    Column& c = it->second.columns[rng() % it->second.columns.size()];
    switch (rng() % 4) {
      case 0:
        c.nullable = !c.nullable;
        break;
      case 1:
        c.comment = c.comment.value_or("") + "!";
        break;
      case 2:
        c.type = c.type == "text" ? "bigint" : "text";
        break;
      default:
        c.name += "2";
        break;
    }
    INFO("seed " << seed);
    CHECK(fingerprint(changed) != fingerprint(s));
  }
}

TEST_CASE("a fingerprint computed on another thread is the fingerprint", "[unit]") {
  {
    const Schema full = full_schema();
    PendingFingerprint pending(full);
    CHECK(pending.get() == fingerprint(full));
  }
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const Schema s = random_schema(seed);
    PendingFingerprint pending(s);
    INFO("seed " << seed);
    CHECK(pending.get() == fingerprint(s));
  }
  // Large enough that fingerprint() writes half of it on a second thread; this one writes it
  // all on its own.
  Schema large;
  for (int i = 0; i < 600; ++i) {
    Table t = full_schema().tables.begin()->second;
    t.name = {"public", "t" + std::to_string(i)};
    t.foreign_keys.clear();
    t.partitions.clear();
    large.tables[t.name] = t;
  }
  PendingFingerprint pending(large);
  CHECK(pending.get() == fingerprint(large));
}

TEST_CASE("a fingerprint no longer wanted stops early", "[unit]") {
  Schema large;
  for (int i = 0; i < 2000; ++i) {
    Table t = full_schema().tables.begin()->second;
    t.name = {"public", "t" + std::to_string(i)};
    large.tables[t.name] = t;
  }
  for (int i = 0; i < 5; ++i) {
    PendingFingerprint unwanted(large);  // destroyed at once: stops and waits, no get()
  }
  PendingFingerprint wanted(large);
  CHECK(wanted.get() == fingerprint(large));
}
