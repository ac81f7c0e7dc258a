#include "tests/support/random_schema.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace keel::test_support {

namespace {

using state::Check;
using state::Column;
using state::Enum;
using state::Extension;
using state::FkAction;
using state::ForeignKey;
using state::Identity;
using state::Index;
using state::IndexKey;
using state::NullsOrder;
using state::Partition;
using state::PrimaryKey;
using state::QualifiedName;
using state::Schema;
using state::Table;
using state::UniqueConstraint;
using state::View;

enum class Family { Integer, Numeric, Boolean, Text, Other };

struct TypeChoice {
  const char* type;
  Family family;
};

// Canonical spellings of every family of the neutral vocabulary.
constexpr auto kTypes = std::to_array<TypeChoice>({
    {"integer", Family::Integer},
    {"bigint", Family::Integer},
    {"smallint", Family::Integer},
    {"numeric", Family::Numeric},
    {"numeric(10,2)", Family::Numeric},
    {"numeric(5,-2)", Family::Numeric},
    {"real", Family::Numeric},
    {"double precision", Family::Numeric},
    {"money", Family::Numeric},
    {"boolean", Family::Boolean},
    {"text", Family::Text},
    {"character varying", Family::Text},
    {"character varying(255)", Family::Text},
    {"character(1)", Family::Text},
    {"character(10)", Family::Text},
    {"\"char\"", Family::Text},
    {"citext", Family::Text},
    {"uuid", Family::Other},
    {"json", Family::Other},
    {"jsonb", Family::Other},
    {"bytea", Family::Other},
    {"date", Family::Other},
    {"timestamp without time zone", Family::Other},
    {"timestamp(3) with time zone", Family::Other},
    {"timestamp with time zone", Family::Other},
    {"time without time zone", Family::Other},
    {"time(6) with time zone", Family::Other},
    {"interval", Family::Other},
    {"interval day to second(3)", Family::Other},
    {"interval year to month", Family::Other},
    {"inet", Family::Other},
    {"cidr", Family::Other},
    {"macaddr", Family::Other},
    {"macaddr8", Family::Other},
    {"bit(1)", Family::Other},
    {"bit(8)", Family::Other},
    {"bit varying", Family::Other},
    {"bit varying(16)", Family::Other},
    {"tsvector", Family::Other},
    {"tsquery", Family::Other},
    {"xml", Family::Other},
    {"point", Family::Other},
    {"line", Family::Other},
    {"lseg", Family::Other},
    {"box", Family::Other},
    {"path", Family::Other},
    {"polygon", Family::Other},
    {"circle", Family::Other},
    {"oid", Family::Other},
    {"int4range", Family::Other},
    {"tstzrange", Family::Other},
    {"datemultirange", Family::Other},
    {"hstore", Family::Other},
    {"vector(3)", Family::Other},
    {"geometry(Point,4326)", Family::Other},
    {"ltree", Family::Other},
    {"text[]", Family::Other},
    {"integer[]", Family::Other},
    {"timestamp(3) with time zone[]", Family::Other},
});

// Spellings outside the vocabulary (SQLite declared types, domains): written as `{ sql = }`.
constexpr auto kRawTypes = std::to_array<const char*>(
    {"unsigned big int", "public.email_address", "int4", "blob", "datetime", "nvarchar(20)"});

constexpr auto kPlainWords =
    std::to_array<const char*>({"id", "name", "email", "created_at", "status", "amount", "org_id",
                                "title", "body", "score", "tags", "flag"});

constexpr auto kWeirdWords = std::to_array<const char*>(
    {"My Col", "Order",      "select",      "user",        "table",      "desc",
     "ASC",    "nulls",      "a.b",         "x\"y",        "it's",       "données",
     "表",     "naïve café", "with space ", "UPPER",       "dash-ed",    "$dollar",
     "1digit", "tab\there",  "new\nline",   "back\\slash", "\"quoted\"", "nulls first"});

constexpr auto kSchemaNames =
    std::to_array<const char*>({"billing", "Audit", "My Schema", "a.b", "we\"ird", "ünï"});

constexpr auto kComments = std::to_array<const char*>(
    {"Customer organizations", "it's \"quoted\"", "line one\nline two\n", "tab\tand \\ slash",
     "unicode: ü 表 🚀", "", "trailing quote\"", R"(""" triple)", "ctrl \x01 char", "a\r\nb"});

constexpr auto kExpressions = std::to_array<const char*>(
    {"now()", "lower(email)", "coalesce(a, b)", "length(name) > 0",
     "CASE\n  WHEN x > 0 THEN 'pos'\n  ELSE 'neg'\nEND", "'it''s'::text", "1 + 2",
     "\"My Col\" IS NOT NULL", "price * 1.2", "jsonb_build_object('a', 1)", "x DESC"});

class Generator {
 public:
  Generator(std::uint64_t seed, const RandomSchemaOptions& options)
      : rng_(seed), options_(options) {}

  Schema run() {
    settings();
    const std::size_t enum_count = pick(4);
    for (std::size_t i = 0; i < enum_count; ++i) {
      add_enum();
    }
    const std::size_t table_count = 1 + pick(5);
    for (std::size_t i = 0; i < table_count; ++i) {
      add_table();
    }
    for (auto& [name, table] : schema_.tables) {
      add_foreign_keys(table);
    }
    const std::size_t view_count = pick(3);
    for (std::size_t i = 0; i < view_count; ++i) {
      add_view();
    }
    state::sort_canonical(schema_);
    return std::move(schema_);
  }

 private:
  std::mt19937_64 rng_;
  RandomSchemaOptions options_;
  Schema schema_;
  std::set<std::string> used_;  // every object name, so no two objects clash
  std::vector<std::string> schemas_;
  int counter_ = 0;

  std::size_t pick(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }
  bool chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  template <class Items>
  auto one(const Items& items) {
    return items[pick(items.size())];
  }

  // A word not used yet anywhere (object names share namespaces in the engines).
  std::string fresh(const std::string& base) {
    std::string name = base;
    while (used_.contains(name)) {
      name = base + std::to_string(++counter_);
    }
    used_.insert(name);
    return name;
  }

  std::string word() {
    if (options_.weird_names && chance(35)) {
      return one(kWeirdWords);
    }
    return one(kPlainWords);
  }

  std::string object_name(const std::string& prefix) { return fresh(prefix + "_" + word()); }

  QualifiedName qualified(const std::string& prefix) {
    const std::string& schema =
        chance(70) ? schema_.settings.schema : schemas_[pick(schemas_.size())];
    return QualifiedName{.schema = schema, .name = object_name(prefix)};
  }

  void settings() {
    if (options_.weird_names && chance(15)) {
      schema_.settings.schema = "My App";
    } else if (chance(15)) {
      schema_.settings.schema = "app";
    }
    schemas_ = {schema_.settings.schema};
    const std::size_t extra = pick(3);
    for (std::size_t i = 0; i < extra; ++i) {
      std::string s = options_.weird_names ? one(kSchemaNames) : "billing";
      if (std::find(schemas_.begin(), schemas_.end(), s) == schemas_.end()) {
        schemas_.push_back(s);
      }
    }
    if (chance(30)) {
      schema_.settings.schemas = schemas_;
    }
    if (chance(40)) {
      schema_.settings.exclude = {"zz_ignored_*", "alembic_version"};
    }
    const auto extensions =
        std::to_array<const char*>({"pgcrypto", "citext", "postgis", "vector", "hstore"});
    for (const char* name : extensions) {
      if (!chance(30)) {
        continue;
      }
      Extension ext{.name = name, .schema = {}};
      if (chance(30)) {
        ext.schema = schemas_[pick(schemas_.size())];
      }
      schema_.extensions.push_back(ext);
    }
  }

  void add_enum() {
    Enum e;
    e.name = qualified("enum");
    const std::size_t n = 1 + pick(5);
    const auto values = std::to_array<const char*>(
        {"draft", "active", "archived", "it's", "With Space", "ü", "", "a\"b", "UPPER", "x,y"});
    std::vector<std::string> pool(std::begin(values), std::end(values));
    for (std::size_t i = 0; i < n && !pool.empty(); ++i) {
      const std::size_t at = pick(pool.size());
      e.values.push_back(pool[at]);
      pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(at));
    }
    if (chance(40)) {
      e.comment = one(kComments);
    }
    schema_.enums[e.name] = e;
  }

  // A column type: (type, family, enum or nullptr).
  struct Typed {
    std::string type;
    Family family;
    const Enum* e = nullptr;
    bool raw = false;
  };

  Typed column_type() {
    if (!schema_.enums.empty() && chance(15)) {
      auto it = schema_.enums.begin();
      std::advance(it, static_cast<std::ptrdiff_t>(pick(schema_.enums.size())));
      const bool array = chance(25);
      return {state::type_name(it->first) + (array ? "[]" : ""),
              array ? Family::Other : Family::Text, array ? nullptr : &it->second, false};
    }
    if (options_.raw_types && chance(5)) {
      return {one(kRawTypes), Family::Other, nullptr, true};
    }
    const TypeChoice& t = one(kTypes);
    return {t.type, t.family, nullptr, false};
  }

  std::string default_for(const Typed& t) {
    if (chance(25)) {
      return one(kExpressions);
    }
    switch (t.family) {
      case Family::Integer: {
        const auto d =
            std::to_array<const char*>({"0", "42", "-7", "9223372036854775807", "'5'", "(1 + 1)"});
        return one(d);
      }
      case Family::Numeric: {
        const auto d = std::to_array<const char*>(
            {"1.5", "0.10", "1e5", "-2.25", "0", "12", "1.", ".5", "-0"});
        return one(d);
      }
      case Family::Boolean: {
        const auto d = std::to_array<const char*>({"true", "false", "1", "'t'"});
        return one(d);
      }
      case Family::Text:
        if (t.e != nullptr && chance(70)) {
          return "'" + escape_quote(t.e->values[pick(t.e->values.size())]) + "'";
        }
        [[fallthrough]];
      case Family::Other: {
        const auto d =
            std::to_array<const char*>({"'hello'", "'it''s'", "''", "'multi\nline'", "'x'::text",
                                        "'{}'", "E'\\n'", "'unterminated''"});
        return one(d);
      }
    }
    return "0";
  }

  static std::string escape_quote(const std::string& s) {
    std::string out;
    for (char c : s) {
      out += c;
      if (c == '\'') {
        out += '\'';
      }
    }
    return out;
  }

  void add_table() {
    Table t;
    t.name = qualified("tbl");
    std::set<std::string> column_names;
    const std::size_t n = 1 + pick(8);
    std::vector<Family> families;
    for (std::size_t i = 0; i < n; ++i) {
      Column c;
      std::string name = word();
      while (column_names.contains(name)) {
        name = word() + std::to_string(++counter_);
      }
      column_names.insert(name);
      c.name = name;
      const Typed typed = column_type();
      c.type = typed.type;
      families.push_back(typed.family);
      c.nullable = chance(40);
      const int kind = static_cast<int>(pick(10));
      if (kind == 0 && typed.family == Family::Integer && !typed.raw) {
        c.identity = chance(50) ? Identity::Always : Identity::ByDefault;
      } else if (kind == 1) {
        c.generated = one(kExpressions);
      } else if (kind < 6) {
        c.default_sql = default_for(typed);
      }
      if (chance(10)) {
        c.collation = chance(50) ? "C" : "en-US-x-icu";
      }
      if (chance(25)) {
        c.comment = one(kComments);
      }
      if (options_.directives && chance(10)) {
        c.renamed_from = "old " + c.name;
      }
      if (options_.directives && !c.nullable && chance(10)) {
        c.backfill = one(kExpressions);
      }
      t.columns.push_back(std::move(c));
    }
    // Primary key: one or two columns, made NOT NULL.
    if (chance(80)) {
      PrimaryKey pk;
      if (chance(50)) {
        pk.name = fresh(t.name.name + "_pkey");
      }
      const std::size_t count = std::min<std::size_t>(t.columns.size(), 1 + pick(2));
      for (std::size_t i = 0; i < count; ++i) {
        Column& c = t.columns[i];
        c.nullable = false;
        pk.columns.push_back(c.name);
      }
      for (Column& c : t.columns) {
        if (c.nullable) {
          c.backfill.reset();
        }
      }
      t.primary_key = pk;
    }
    const std::size_t uniques = pick(3);
    for (std::size_t i = 0; i < uniques; ++i) {
      UniqueConstraint u;
      if (chance(60)) {
        u.name = fresh("uq_" + word());
      }
      u.columns = some_columns(t, 1 + pick(2));
      u.deferrable = chance(30);
      u.initially_deferred = u.deferrable && chance(50);
      t.uniques.push_back(u);
    }
    const std::size_t checks = pick(3);
    for (std::size_t i = 0; i < checks; ++i) {
      Check c;
      if (chance(60)) {
        c.name = fresh("ck_" + word());
      }
      c.expr = one(kExpressions);
      c.valid = !options_.inspect_only || chance(85);
      t.checks.push_back(c);
    }
    const std::size_t indexes = pick(4);
    for (std::size_t i = 0; i < indexes; ++i) {
      t.indexes.push_back(index_for(t));
    }
    if (chance(15)) {
      t.partition_by = chance(50) ? "RANGE (created_at)" : "LIST (\n  status\n)";
      const std::size_t parts = pick(3);
      const auto bounds =
          std::to_array<const char*>({"FOR VALUES FROM (1) TO (10)", "DEFAULT",
                                      "FOR VALUES IN ('a', 'it''s')", "FOR VALUES\nIN (1)"});
      for (std::size_t i = 0; i < parts; ++i) {
        t.partitions.push_back(Partition{.name = qualified("part"), .bound = one(bounds)});
      }
    }
    if (chance(30)) {
      t.comment = one(kComments);
    }
    if (options_.directives && chance(10)) {
      t.renamed_from = QualifiedName{.schema = t.name.schema, .name = "old " + t.name.name};
    }
    schema_.tables[t.name] = std::move(t);
  }

  std::vector<std::string> some_columns(const Table& t, std::size_t count) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < count; ++i) {
      out.push_back(t.columns[pick(t.columns.size())].name);
    }
    return out;
  }

  Index index_for(const Table& t) {
    Index index;
    if (chance(70)) {
      index.name = fresh("idx_" + word());
    }
    const std::size_t keys = 1 + pick(3);
    for (std::size_t i = 0; i < keys; ++i) {
      IndexKey key;
      if (chance(25)) {
        key.expression = one(kExpressions);
      } else {
        key.column = t.columns[pick(t.columns.size())].name;
      }
      key.descending = chance(30);
      const std::size_t nulls = pick(4);
      key.nulls = nulls == 1   ? NullsOrder::First
                  : nulls == 2 ? NullsOrder::Last
                               : NullsOrder::Default;
      if (chance(10)) {
        key.collation = "C";
      }
      if (chance(10)) {
        key.opclass = "text_pattern_ops";
      }
      index.keys.push_back(key);
    }
    index.unique = chance(30);
    const auto methods =
        std::to_array<const char*>({"btree", "btree", "btree", "gin", "gist", "hash", "brin"});
    index.method = one(methods);
    if (chance(30)) {
      index.where = chance(50) ? "deleted_at IS NULL" : "status <> 'archived'\nAND x";
    }
    if (chance(20)) {
      index.include = some_columns(t, 1 + pick(2));
    }
    index.valid = !options_.inspect_only || chance(90);
    return index;
  }

  void add_foreign_keys(Table& t) {
    std::vector<const Table*> targets;
    for (const auto& [name, other] : schema_.tables) {
      targets.push_back(&other);
    }
    const std::size_t count = pick(3);
    for (std::size_t i = 0; i < count; ++i) {
      ForeignKey fk;
      if (chance(60)) {
        fk.name = fresh("fk_" + word());
      }
      const std::size_t n = 1 + pick(2);
      fk.columns = some_columns(t, n);
      if (chance(15) && !schema_.settings.exclude.empty()) {
        fk.ref_table =
            QualifiedName{.schema = schema_.settings.schema, .name = "zz_ignored_legacy"};
        for (std::size_t j = 0; j < n; ++j) {
          fk.ref_columns.push_back("id" + std::to_string(j));
        }
      } else {
        const Table* target = targets[pick(targets.size())];
        fk.ref_table = target->name;
        fk.ref_columns = some_columns(*target, n);
      }
      const auto actions =
          std::to_array<FkAction>({FkAction::NoAction, FkAction::Restrict, FkAction::Cascade,
                                   FkAction::SetNull, FkAction::SetDefault});
      fk.on_delete = one(actions);
      fk.on_update = one(actions);
      fk.deferrable = chance(30);
      fk.initially_deferred = fk.deferrable && chance(50);
      fk.valid = !options_.inspect_only || chance(85);
      t.foreign_keys.push_back(fk);
    }
  }

  void add_view() {
    View v;
    v.name = qualified("view");
    const auto queries = std::to_array<const char*>(
        {"SELECT 1", "SELECT id, name\nFROM users\nWHERE name <> 'it''s'",
         " SELECT \"My Col\" FROM t ", "SELECT '\"\"\"' AS q\n"});
    v.sql = one(queries);
    if (chance(40)) {
      v.comment = one(kComments);
    }
    schema_.views[v.name] = v;
  }
};

}  // namespace

state::Schema random_schema(std::uint64_t seed, const RandomSchemaOptions& options) {
  return Generator(seed, options).run();
}

}  // namespace keel::test_support
