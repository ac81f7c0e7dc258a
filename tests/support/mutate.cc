#include "tests/support/mutate.h"

#include <algorithm>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "state/toml_reader.h"
#include "state/types.h"

namespace keel::testing {
namespace {

using state::Column;
using state::QualifiedName;
using state::Schema;
using state::Table;

template <class T>
T& pick(std::vector<T>& items, std::mt19937& rng) {
  return items[std::uniform_int_distribution<std::size_t>(0, items.size() - 1)(rng)];
}

bool chance(std::mt19937& rng, int percent) {
  return std::uniform_int_distribution<int>(0, 99)(rng) < percent;
}

bool mentions(const std::string& text, const std::string& word) {
  // Whole-word search; good enough for the identifiers of the base schema.
  for (std::size_t pos = text.find(word); pos != std::string::npos;
       pos = text.find(word, pos + 1)) {
    auto ident = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
    };
    bool before = pos == 0 || !ident(text[pos - 1]);
    bool after = pos + word.size() >= text.size() || !ident(text[pos + word.size()]);
    if (before && after)
      return true;
  }
  return false;
}

/// True when anything but the column itself depends on it.
bool referenced(const Schema& s, const Table& t, const std::string& column) {
  auto in = [&](const std::vector<std::string>& cols) {
    return std::find(cols.begin(), cols.end(), column) != cols.end();
  };
  if (t.primary_key && in(t.primary_key->columns))
    return true;
  for (const auto& u : t.uniques)
    if (in(u.columns))
      return true;
  for (const auto& f : t.foreign_keys)
    if (in(f.columns))
      return true;
  for (const auto& c : t.checks)
    if (mentions(c.expr, column))
      return true;
  for (const auto& i : t.indexes) {
    if (in(i.include) || (i.where && mentions(*i.where, column)))
      return true;
    for (const auto& k : i.keys)
      if (k.column == column || (k.expression && mentions(*k.expression, column)))
        return true;
  }
  for (const auto& c : t.columns)
    if (c.generated && mentions(*c.generated, column))
      return true;
  for (const auto& [name, other] : s.tables)
    for (const auto& f : other.foreign_keys)
      if (f.ref_table == t.name && in(f.ref_columns))
        return true;
  for (const auto& [name, v] : s.views)
    if (mentions(v.sql, column) || mentions(v.sql, t.name.name))
      return true;
  return false;
}

bool table_referenced(const Schema& s, const Table& t) {
  for (const auto& [name, other] : s.tables)
    if (name != t.name)
      for (const auto& f : other.foreign_keys)
        if (f.ref_table == t.name)
          return true;
  for (const auto& [name, v] : s.views)
    if (mentions(v.sql, t.name.name))
      return true;
  return false;
}

/// Columns whose rows hold one distinct value per row (filled by insert_rows).
bool per_row_values(const Column& c) {
  return !c.default_sql && !c.generated && c.identity == state::Identity::None &&
         (c.type == "text" || c.type.starts_with("character varying") || c.type == "integer" ||
          c.type == "bigint");
}

class Mutator {
 public:
  Mutator(Schema s, std::mt19937& rng, const MutationOptions& o, std::vector<std::string>& log,
          std::string tag)
      : s_(std::move(s)), rng_(rng), o_(o), log_(log), tag_(std::move(tag)) {}

  Schema run(int count) {
    using Edit = bool (Mutator::*)();
    std::vector<Edit> edits = {&Mutator::add_nullable_column,
                               &Mutator::add_column_with_default,
                               &Mutator::add_column_with_backfill,
                               &Mutator::drop_column,
                               &Mutator::rename_column,
                               &Mutator::change_type,
                               &Mutator::change_default,
                               &Mutator::change_nullability,
                               &Mutator::add_index,
                               &Mutator::drop_index,
                               &Mutator::add_unique,
                               &Mutator::drop_unique,
                               &Mutator::add_check,
                               &Mutator::drop_check,
                               &Mutator::add_foreign_key,
                               &Mutator::drop_foreign_key,
                               &Mutator::add_table,
                               &Mutator::drop_table,
                               &Mutator::rename_table,
                               &Mutator::rename_table_and_its_names,
                               &Mutator::add_generated_column,
                               &Mutator::change_primary_key};
    if (o_.enums) {
      edits.push_back(&Mutator::add_enum_value);
      edits.push_back(&Mutator::remove_enum_value);
      edits.push_back(&Mutator::add_enum_column);
    }
    if (o_.comments)
      edits.push_back(&Mutator::change_comment);
    if (o_.views)
      edits.push_back(&Mutator::change_view);
    for (int done = 0, tries = 0; done < count && tries < count * 20; ++tries)
      if ((this->*pick(edits, rng_))())
        ++done;
    return std::move(s_);
  }

 private:
  Table& random_table() {
    std::vector<Table*> tables;
    for (auto& [name, t] : s_.tables)
      tables.push_back(&t);
    return *pick(tables, rng_);
  }
  std::string fresh(const std::string& prefix) {
    return fmt::format("{}_{}{}", prefix, tag_, ++serial_);
  }
  void note(const std::string& what) { log_.push_back(what); }

  bool add_nullable_column() {
    auto& t = random_table();
    std::vector<std::string> types = {"text",
                                      "integer",
                                      "bigint",
                                      "boolean",
                                      "date",
                                      "numeric(8,2)",
                                      "character varying(40)",
                                      "timestamp with time zone"};
    if (o_.rich_types) {
      types.insert(types.end(), {"uuid", "jsonb", "text[]", "bytea", "inet", "double precision"});
    }
    Column c;
    c.name = fresh("extra");
    c.type = pick(types, rng_);
    c.nullable = true;
    t.columns.push_back(c);
    note(fmt::format("add nullable column {}.{} {}", t.name.name, c.name, c.type));
    return true;
  }

  bool add_column_with_default() {
    auto& t = random_table();
    Column c;
    c.name = fresh("flag");
    if (chance(rng_, 50)) {
      c.type = "boolean";
      c.default_sql = "false";
    } else {
      c.type = "integer";
      c.default_sql = "7";
    }
    t.columns.push_back(c);
    note(
        fmt::format("add column {}.{} {} default {}", t.name.name, c.name, c.type, *c.default_sql));
    return true;
  }

  bool add_column_with_backfill() {
    auto& t = random_table();
    Column c;
    c.name = fresh("filled");
    c.type = "text";
    c.backfill = "'backfilled'";
    t.columns.push_back(c);
    note(fmt::format("add NOT NULL column {}.{} with backfill", t.name.name, c.name));
    return true;
  }

  std::vector<std::string> free_columns(const Table& t) {
    std::vector<std::string> out;
    for (const auto& c : t.columns)
      if (!referenced(s_, t, c.name))
        out.push_back(c.name);
    return out;
  }

  bool drop_column() {
    auto& t = random_table();
    auto cols = free_columns(t);
    if (cols.size() < 2 || t.columns.size() < 3)
      return false;
    auto name = pick(cols, rng_);
    std::erase_if(t.columns, [&](const Column& c) { return c.name == name; });
    note(fmt::format("drop column {}.{}", t.name.name, name));
    return true;
  }

  bool rename_column() {
    auto& t = random_table();
    auto cols = free_columns(t);
    if (cols.empty())
      return false;
    auto* c = t.find_column(pick(cols, rng_));
    auto old = c->name;
    c->name = fresh("renamed");
    c->renamed_from = old;
    note(fmt::format("rename column {}.{} to {}", t.name.name, old, c->name));
    return true;
  }

  bool change_type() {
    auto& t = random_table();
    std::vector<Column*> candidates;
    for (auto& c : t.columns) {
      bool in_fk = false;
      for (const auto& [n, other] : s_.tables)
        for (const auto& f : other.foreign_keys)
          if ((f.ref_table == t.name && std::find(f.ref_columns.begin(), f.ref_columns.end(),
                                                  c.name) != f.ref_columns.end()) ||
              (n == t.name &&
               std::find(f.columns.begin(), f.columns.end(), c.name) != f.columns.end()))
            in_fk = true;
      if (in_fk || c.generated || c.identity != state::Identity::None)
        continue;
      if (c.type == "integer" || c.type == "smallint" || c.type == "text" ||
          c.type.starts_with("character varying(") || c.type.starts_with("numeric("))
        candidates.push_back(&c);
    }
    if (candidates.empty())
      return false;
    auto& c = *pick(candidates, rng_);
    auto old = c.type;
    if (c.type == "integer")
      c.type = "bigint";
    else if (c.type == "smallint")
      c.type = "integer";
    else if (c.type == "text")
      c.type = "character varying(500)";
    else if (c.type.starts_with("character varying("))
      c.type = chance(rng_, 50) ? "text" : "character varying(900)";
    else
      c.type = "numeric(14,2)";
    if (c.default_sql && old != c.type && c.type != "bigint" && c.type != "integer") {
      // keep defaults that fit the new type
    }
    note(fmt::format("change type of {}.{} from {} to {}", t.name.name, c.name, old, c.type));
    return true;
  }

  bool change_default() {
    auto& t = random_table();
    std::vector<Column*> candidates;
    for (auto& c : t.columns) {
      // Not a foreign key's column: a default would point existing rows at a missing row.
      bool in_fk = std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(), [&](const auto& f) {
        return std::find(f.columns.begin(), f.columns.end(), c.name) != f.columns.end();
      });
      if (!in_fk && !c.generated && c.identity == state::Identity::None &&
          (c.type == "integer" || c.type == "bigint" || c.type == "text" || c.type == "boolean"))
        candidates.push_back(&c);
    }
    if (candidates.empty())
      return false;
    auto& c = *pick(candidates, rng_);
    if (c.default_sql) {
      c.default_sql.reset();
      if (!c.nullable && !c.backfill)
        c.backfill = c.type == "text" ? "'x'" : c.type == "boolean" ? "true" : "1";
    } else {
      c.default_sql = c.type == "text" ? "'dflt'" : c.type == "boolean" ? "true" : "42";
    }
    note(fmt::format("change default of {}.{}", t.name.name, c.name));
    return true;
  }

  bool change_nullability() {
    auto& t = random_table();
    std::vector<Column*> candidates;
    for (auto& c : t.columns) {
      bool pk = t.primary_key &&
                std::find(t.primary_key->columns.begin(), t.primary_key->columns.end(), c.name) !=
                    t.primary_key->columns.end();
      if (!pk && !c.generated && c.identity == state::Identity::None)
        candidates.push_back(&c);
    }
    if (candidates.empty())
      return false;
    auto& c = *pick(candidates, rng_);
    c.nullable = !c.nullable;
    if (!c.nullable && (c.type == "text" || c.type.starts_with("character varying")))
      c.backfill = "'filled'";
    else if (!c.nullable && (c.type == "integer" || c.type == "bigint" || c.type == "smallint"))
      c.backfill = "0";
    else if (!c.nullable)
      return c.nullable = true, false;
    note(fmt::format("make {}.{} {}", t.name.name, c.name, c.nullable ? "nullable" : "NOT NULL"));
    return true;
  }

  bool add_index() {
    auto& t = random_table();
    std::vector<std::string> cols;
    for (const auto& c : t.columns)
      if (c.type != "jsonb" && !c.type.ends_with("[]") && c.type != "bytea")
        cols.push_back(c.name);
    if (cols.empty())
      return false;
    state::Index i;
    i.name = fresh(t.name.name + "_ix");
    state::IndexKey k;
    k.column = pick(cols, rng_);
    k.descending = chance(rng_, 30);
    i.keys.push_back(k);
    if (chance(rng_, 40)) {
      state::IndexKey k2;
      k2.column = pick(cols, rng_);
      if (k2.column != k.column)
        i.keys.push_back(k2);
    }
    if (chance(rng_, 25))
      i.where = k.column + " IS NOT NULL";
    t.indexes.push_back(i);
    note(fmt::format("add index {} on {}", i.name, t.name.name));
    return true;
  }

  bool drop_index() {
    auto& t = random_table();
    if (t.indexes.empty())
      return false;
    auto name = pick(t.indexes, rng_).name;
    std::erase_if(t.indexes, [&](const auto& i) { return i.name == name; });
    note(fmt::format("drop index {} on {}", name, t.name.name));
    return true;
  }

  bool add_unique() {
    auto& t = random_table();
    std::vector<std::string> cols;
    for (const auto& c : t.columns)
      if (per_row_values(c) && base_columns_.count(t.name.name + "." + c.name))
        cols.push_back(c.name);
    if (cols.empty())
      return false;
    state::UniqueConstraint u;
    u.name = fresh(t.name.name + "_uq");
    u.columns = {pick(cols, rng_)};
    for (const auto& existing : t.uniques)
      if (existing.columns == u.columns)
        return false;
    t.uniques.push_back(u);
    note(fmt::format("add unique {} on {}({})", u.name, t.name.name, u.columns[0]));
    return true;
  }

  bool drop_unique() {
    auto& t = random_table();
    if (t.uniques.empty())
      return false;
    auto name = pick(t.uniques, rng_).name;
    for (const auto& [n, other] : s_.tables)
      for (const auto& f : other.foreign_keys)
        if (f.ref_table == t.name)
          return false;  // an FK may rely on it
    std::erase_if(t.uniques, [&](const auto& u) { return u.name == name; });
    note(fmt::format("drop unique {} on {}", name, t.name.name));
    return true;
  }

  bool add_check() {
    auto& t = random_table();
    std::vector<std::string> exprs;
    for (const auto& c : t.columns) {
      if (c.type == "text" || c.type.starts_with("character varying"))
        exprs.push_back("length(" + c.name + ") < 10000");
      if (c.type == "integer" || c.type == "bigint" || c.type.starts_with("numeric"))
        exprs.push_back(c.name + " > -1000000");
    }
    if (exprs.empty())
      return false;
    state::Check c;
    c.name = fresh(t.name.name + "_ck");
    c.expr = pick(exprs, rng_);
    t.checks.push_back(c);
    note(fmt::format("add check {} on {}: {}", c.name, t.name.name, c.expr));
    return true;
  }

  bool drop_check() {
    auto& t = random_table();
    if (t.checks.empty())
      return false;
    auto name = pick(t.checks, rng_).name;
    if (name.ends_with("_enum"))
      return false;
    std::erase_if(t.checks, [&](const auto& c) { return c.name == name; });
    note(fmt::format("drop check {} on {}", name, t.name.name));
    return true;
  }

  bool add_foreign_key() {
    auto& t = random_table();
    Column c;
    c.name = fresh("org_ref");
    c.type = "bigint";
    c.nullable = true;
    t.columns.push_back(c);
    state::ForeignKey f;
    f.name = fresh(t.name.name + "_fk");
    f.columns = {c.name};
    f.ref_table = {s_.settings.schema, "orgs"};
    f.ref_columns = {"id"};
    f.on_delete = chance(rng_, 50) ? state::FkAction::SetNull : state::FkAction::NoAction;
    t.foreign_keys.push_back(f);
    note(fmt::format("add column {}.{} with foreign key {}", t.name.name, c.name, f.name));
    return true;
  }

  bool drop_foreign_key() {
    auto& t = random_table();
    if (t.foreign_keys.empty())
      return false;
    auto name = pick(t.foreign_keys, rng_).name;
    std::erase_if(t.foreign_keys, [&](const auto& f) { return f.name == name; });
    note(fmt::format("drop foreign key {} on {}", name, t.name.name));
    return true;
  }

  bool add_table() {
    Table t;
    t.name = {s_.settings.schema, fresh("extra_table")};
    Column id;
    id.name = "id";
    id.type = "bigint";
    id.identity = state::Identity::ByDefault;
    Column org;
    org.name = "org_id";
    org.type = "bigint";
    Column label;
    label.name = "label";
    label.type = "text";
    label.default_sql = "'none'";
    t.columns = {id, org, label};
    t.primary_key = state::PrimaryKey{};
    t.primary_key->columns = {"id"};
    state::ForeignKey f;
    f.name = t.name.name + "_org_fk";
    f.columns = {"org_id"};
    f.ref_table = {s_.settings.schema, "orgs"};
    f.ref_columns = {"id"};
    f.on_delete = state::FkAction::Cascade;
    t.foreign_keys.push_back(f);
    state::Index i;
    i.name = t.name.name + "_org_idx";
    i.keys.push_back({});
    i.keys.back().column = "org_id";
    t.indexes.push_back(i);
    note("add table " + t.name.name);
    s_.tables.emplace(t.name, t);
    return true;
  }

  bool drop_table() {
    std::vector<QualifiedName> leaves;
    for (const auto& [name, t] : s_.tables)
      if (!table_referenced(s_, t) && name.name != "orgs")
        leaves.push_back(name);
    if (leaves.empty())
      return false;
    auto name = pick(leaves, rng_);
    s_.tables.erase(name);
    note("drop table " + name.name);
    return true;
  }

  bool rename_table() {
    std::vector<QualifiedName> leaves;
    for (const auto& [name, t] : s_.tables)
      if (!table_referenced(s_, t) && !t.renamed_from)
        leaves.push_back(name);
    if (leaves.empty())
      return false;
    auto old = pick(leaves, rng_);
    auto node = s_.tables.extract(old);
    node.key().name = fresh(old.name + "_r");
    node.mapped().name = node.key();
    node.mapped().renamed_from = old;
    note("rename table " + old.name + " to " + node.key().name);
    s_.tables.insert(std::move(node));
    return true;
  }

  /// Renames a table that other tables may reference, with its constraints and indexes named
  /// after it ("t_email_key" -> "t_n1_email_key"), as default names follow a renamed table.
  bool rename_table_and_its_names() {
    std::vector<QualifiedName> candidates;
    for (const auto& entry : s_.tables) {
      const QualifiedName& name = entry.first;  // captured below: not a binding (clang 14)
      const Table& t = entry.second;
      bool in_view = std::any_of(s_.views.begin(), s_.views.end(),
                                 [&](const auto& v) { return mentions(v.second.sql, name.name); });
      if (!in_view && !t.renamed_from && !t.partition_by)
        candidates.push_back(name);
    }
    if (candidates.empty())
      return false;
    const auto old = pick(candidates, rng_);
    const auto renamed = QualifiedName{old.schema, fresh(old.name + "_n")};
    const std::string from = old.name + "_";
    const std::string to = renamed.name + "_";
    constexpr std::size_t kMaxName = 63;
    Table t = s_.tables.at(old);
    bool fits = true;
    auto rename = [&](std::string& n) {
      if (!n.starts_with(from))
        return;
      n = to + n.substr(from.size());
      fits = fits && n.size() <= kMaxName;
    };
    auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
    if (t.primary_key)
      rename(t.primary_key->name);
    for (auto& u : t.uniques)
      rename(u.name);
    for (auto& f : t.foreign_keys)
      rename(f.name);
    for (auto& c : t.checks)
      rename(c.name);
    for (auto& i : t.indexes)
      rename(i.name);
    if (!fits)
      return false;
    std::sort(t.uniques.begin(), t.uniques.end(), by_name);
    std::sort(t.foreign_keys.begin(), t.foreign_keys.end(), by_name);
    std::sort(t.checks.begin(), t.checks.end(), by_name);
    std::sort(t.indexes.begin(), t.indexes.end(), by_name);
    t.name = renamed;
    t.renamed_from = old;
    s_.tables.erase(old);
    s_.tables.emplace(renamed, std::move(t));
    for (auto& [name, other] : s_.tables)
      for (auto& f : other.foreign_keys)
        if (f.ref_table == old)
          f.ref_table = renamed;
    note("rename table " + old.name + " to " + renamed.name + " with its default names");
    return true;
  }

  bool add_generated_column() {
    auto& t = random_table();
    const Column* source = nullptr;
    for (const auto& c : t.columns)
      if ((c.type == "text" || c.type.starts_with("character varying")) && !c.nullable &&
          !c.generated)
        source = &c;
    if (source == nullptr)
      return false;
    Column g;
    g.name = fresh("len");
    g.type = "integer";
    g.nullable = true;
    g.generated = "length(" + source->name + ")";
    t.columns.push_back(g);
    note(fmt::format("add generated column {}.{}", t.name.name, g.name));
    return true;
  }

  bool change_primary_key() {
    auto& t = random_table();
    if (!t.primary_key || t.primary_key->columns != std::vector<std::string>{"id"})
      return false;
    for (const auto& [n, other] : s_.tables)
      for (const auto& f : other.foreign_keys)
        if (f.ref_table == t.name)
          return false;
    auto* id = t.find_column("id");
    if (id == nullptr)
      return false;
    if (id->identity != state::Identity::None) {
      id->identity = state::Identity::None;
      note("drop identity of " + t.name.name + ".id");
    } else {
      id->identity = state::Identity::ByDefault;
      note("add identity to " + t.name.name + ".id");
    }
    return true;
  }

  bool add_enum_value() {
    if (s_.enums.empty())
      return false;
    auto it = s_.enums.begin();
    std::advance(it, std::uniform_int_distribution<std::size_t>(0, s_.enums.size() - 1)(rng_));
    auto& values = it->second.values;
    auto pos = std::uniform_int_distribution<std::size_t>(0, values.size())(rng_);
    auto v = fresh("val");
    values.insert(values.begin() + static_cast<std::ptrdiff_t>(pos), v);
    note(fmt::format("add value {} to enum {} at {}", v, it->first.name, pos));
    return true;
  }

  bool remove_enum_value() {
    if (s_.enums.empty())
      return false;
    auto it = s_.enums.begin();
    std::advance(it, std::uniform_int_distribution<std::size_t>(0, s_.enums.size() - 1)(rng_));
    auto& values = it->second.values;
    if (values.size() < 3)
      return false;
    // Rows and defaults use the first value; any other may go.
    auto pos = std::uniform_int_distribution<std::size_t>(1, values.size() - 1)(rng_);
    std::string type = state::type_name(it->first);
    for (const auto& [n, t] : s_.tables)
      for (const auto& c : t.columns)
        if (c.type == type && c.default_sql && *c.default_sql == "'" + values[pos] + "'")
          return false;
    note(fmt::format("remove value {} from enum {}", values[pos], it->first.name));
    values.erase(values.begin() + static_cast<std::ptrdiff_t>(pos));
    return true;
  }

  bool add_enum_column() {
    state::Enum e;
    e.name = {s_.settings.schema, fresh("mood")};
    e.values = {"calm", "busy", "gone"};
    s_.enums.emplace(e.name, e);
    auto& t = random_table();
    Column c;
    c.name = fresh("mood_col");
    c.type = state::type_name(e.name);
    c.nullable = true;
    t.columns.push_back(c);
    note(fmt::format("create enum {} and column {}.{}", e.name.name, t.name.name, c.name));
    return true;
  }

  bool change_comment() {
    auto& t = random_table();
    if (chance(rng_, 50)) {
      t.comment = t.comment ? std::nullopt : std::optional<std::string>("it's a table");
      note("change comment of table " + t.name.name);
    } else {
      auto& c = pick(t.columns, rng_);
      c.comment = c.comment ? std::nullopt : std::optional<std::string>("a column, \"quoted\"");
      note("change comment of column " + t.name.name + "." + c.name);
    }
    return true;
  }

  bool change_view() {
    if (s_.views.empty())
      return false;
    auto& v = s_.views.begin()->second;
    auto* users = s_.find_table({s_.settings.schema, "orgs"});
    if (users == nullptr)
      return false;
    v.sql = v.sql.find("slug") != std::string::npos ? "SELECT id, name FROM orgs"
                                                    : "SELECT id, name, slug FROM orgs";
    note("change view " + v.name.name);
    return true;
  }

 public:
  std::set<std::string> base_columns_;

 private:
  Schema s_;
  std::mt19937& rng_;
  const MutationOptions& o_;
  std::vector<std::string>& log_;
  std::string tag_;
  int serial_ = 0;
};

}  // namespace

std::string base_schema_toml(const MutationOptions& o) {
  std::string enum_type = o.enums ? "task_status" : "text";
  std::string s = R"toml([settings]
schema = "public"
)toml";
  if (o.enums)
    s += R"toml(
[enums.task_status]
values = ["todo", "doing", "done", "archived"]

[enums.role]
values = ["member", "owner", "guest"]
)toml";
  s += R"toml(
[tables.orgs]
primary_key = ["id"]
)toml";
  if (o.comments)
    s += "comment = \"Customer organizations\"\n";
  s += R"toml(
[tables.orgs.columns]
id = { type = "bigint", identity = "by default" }
name = { type = "varchar(100)" }
slug = { type = "text", unique = true }
created_at = { type = "timestamptz", default = { sql = "CURRENT_TIMESTAMP" } }
note = { type = "text", nullable = true }

[tables.users]
primary_key = ["id"]

[tables.users.columns]
id = { type = "bigint", identity = "by default" }
org_id = { type = "bigint", references = { table = "orgs", on_delete = "cascade" } }
email = { type = "text" }
)toml";
  s += std::string("role = { type = \"") + (o.enums ? "role" : "text") +
       "\", default = \"member\" }\n";
  s += R"toml(age = { type = "integer", nullable = true }
score = { type = "numeric(10,2)", default = 0 }
active = { type = "boolean", default = true }

[[tables.users.indexes]]
name = "users_email_lower_idx"
columns = ["lower(email)"]
unique = true

[[tables.users.checks]]
name = "users_age_positive"
expr = "age >= 0"

[tables.projects]
primary_key = ["id"]

[tables.projects.columns]
id = { type = "bigint", identity = "by default" }
org_id = { type = "bigint", references = { table = "orgs" } }
name = { type = "varchar(200)" }
budget = { type = "numeric(12,2)", nullable = true }
)toml";
  s += "status = { type = \"" + enum_type + "\", default = \"todo\" }\n";
  if (o.rich_types)
    s += "tags = { type = \"text[]\", nullable = true }\n";
  s += R"toml(
[[tables.projects.indexes]]
name = "projects_org_name_idx"
columns = ["org_id", "name DESC"]

[[tables.projects.indexes]]
name = "projects_budget_idx"
columns = ["budget"]
where = "budget IS NOT NULL"

[tables.tasks]
primary_key = ["id"]

[tables.tasks.columns]
id = { type = "bigint", identity = "by default" }
project_id = { type = "bigint", references = { table = "projects", on_delete = "cascade" } }
assignee_id = { type = "bigint", nullable = true, references = { table = "users", on_delete = "set null" } }
title = { type = "text" }
)toml";
  s += "status = { type = \"" + enum_type + "\", default = \"todo\" }\n";
  s += R"toml(priority = { type = "smallint", default = 0 }
due = { type = "date", nullable = true }
)toml";
  if (o.rich_types)
    s += "payload = { type = \"jsonb\", nullable = true }\n";
  s += R"toml(
[[tables.tasks.checks]]
name = "tasks_priority_range"
expr = "priority >= 0 AND priority <= 5"

[tables.comments]
primary_key = ["id"]

[tables.comments.columns]
id = { type = "bigint", identity = "by default" }
task_id = { type = "bigint", references = { table = "tasks", on_delete = "cascade" } }
author_id = { type = "bigint", references = { table = "users" } }
body = { type = "text" }
created_at = { type = "timestamptz", default = { sql = "CURRENT_TIMESTAMP" } }

[tables.labels]
primary_key = ["project_id", "name"]

[tables.labels.columns]
project_id = { type = "bigint", references = { table = "projects", on_delete = "cascade" } }
name = { type = "varchar(50)" }
color = { type = "character(7)", default = "#ffffff" }
)toml";
  if (o.views)
    s += R"toml(
[views.org_names]
sql = "SELECT id, name FROM orgs"
)toml";
  return s;
}

state::Schema mutate(const state::Schema& schema, std::mt19937& rng, int count,
                     const MutationOptions& options, std::vector<std::string>& log,
                     const std::string& tag) {
  Mutator m(schema, rng, options, log, tag);
  for (const auto& [name, t] : schema.tables)
    for (const auto& c : t.columns)
      m.base_columns_.insert(name.name + "." + c.name);
  return m.run(count);
}

std::vector<std::string> insert_rows(const state::Schema& schema, int rows, bool postgres) {
  // Parents first: a table is ready when every table it references (other than itself) is done.
  std::vector<const Table*> order;
  std::set<QualifiedName> done;
  while (order.size() < schema.tables.size()) {
    bool progress = false;
    for (const auto& [key, t] : schema.tables) {
      const QualifiedName& name = key;  // lambdas may not capture structured bindings (clang 14)
      if (done.count(name))
        continue;
      bool ready = std::all_of(t.foreign_keys.begin(), t.foreign_keys.end(), [&](const auto& f) {
        return f.ref_table == name || done.count(f.ref_table) || !schema.find_table(f.ref_table);
      });
      if (!ready)
        continue;
      order.push_back(&t);
      done.insert(name);
      progress = true;
    }
    if (!progress)
      break;
  }
  std::vector<std::string> out;
  for (const auto* t : order) {
    std::vector<std::string> cols;
    for (const auto& c : t->columns)
      if (!c.generated)
        cols.push_back(c.name);
    for (int i = 1; i <= rows; ++i) {
      std::vector<std::string> values;
      for (const auto& c : t->columns) {
        if (c.generated)
          continue;
        // SQLite holds enums as text limited by a CHECK named <table>_<column>_enum.
        auto enum_check = std::find_if(t->checks.begin(), t->checks.end(), [&](const auto& k) {
          return k.name == t->name.name + "_" + c.name + "_enum";
        });
        if (enum_check != t->checks.end()) {
          // The first value listed in the CHECK: "col" IN ('a', 'b').
          auto open = enum_check->expr.find('\'');
          auto close = enum_check->expr.find('\'', open + 1);
          values.push_back(enum_check->expr.substr(open, close - open + 1));
          continue;
        }
        bool fk = false;
        for (const auto& f : t->foreign_keys)
          if (std::find(f.columns.begin(), f.columns.end(), c.name) != f.columns.end())
            fk = true;
        const auto& ty = c.type;
        std::string v;
        if (fk || c.name == "id" || ty == "integer" || ty == "bigint") {
          v = std::to_string(i);
        } else if (ty == "smallint") {
          v = std::to_string(i % 6);
        } else if (ty == "boolean") {
          v = i % 2 ? "true" : "false";
        } else if (ty.starts_with("numeric") || ty == "double precision" || ty == "real") {
          v = fmt::format("{}.5", i);
        } else if (ty == "date") {
          v = "'2024-01-02'";
        } else if (ty.starts_with("timestamp")) {
          v = "'2024-01-02 03:04:05'";
        } else if (ty == "character(7)") {
          v = "'#00000" + std::to_string(i % 10) + "'";
        } else if (ty == "uuid") {
          v = postgres ? fmt::format("'00000000-0000-0000-0000-{:012}'", i)
                       : fmt::format("'u{}'", i);
        } else if (ty == "jsonb" || ty == "json") {
          v = "'{\"n\": " + std::to_string(i) + "}'";
        } else if (ty.ends_with("[]")) {
          v = "'{}'";
        } else if (ty == "bytea") {
          v = postgres ? "'\\x00'" : "X'00'";
        } else if (ty == "inet") {
          v = "'10.0.0.1'";
        } else if (c.type.find('.') != std::string::npos) {  // an enum: its first value
          const auto* e = state::find_enum_type(c.type, schema.enums);
          v = e != nullptr ? "'" + e->values.front() + "'" : "NULL";
        } else if (c.name == "role") {
          v = "'member'";
        } else if (c.name == "status") {
          v = "'todo'";
        } else {
          v = fmt::format("'{} {}'", c.name, i);
        }
        values.push_back(v);
      }
      std::string names;
      for (const auto& c : cols)
        names += (names.empty() ? "" : ", ") + ("\"" + c + "\"");
      std::string vals;
      for (const auto& v : values)
        vals += (vals.empty() ? "" : ", ") + v;
      std::string table = postgres ? "\"" + t->name.schema + "\".\"" + t->name.name + "\""
                                   : "\"" + t->name.name + "\"";
      out.push_back("INSERT INTO " + table + " (" + names + ") VALUES (" + vals + ")");
    }
  }
  return out;
}

}  // namespace keel::testing
