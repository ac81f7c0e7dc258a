#include "dialects/postgres/renderer.h"

#include <algorithm>
#include <stdexcept>

#include "dialects/sql.h"

namespace keel::dialects::postgres {
namespace {

using planner::Hazard;
using planner::HazardNote;
using planner::Overloaded;
using planner::Statement;

std::string ident_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + quote_ident(n);
  return out;
}

std::string deferral(bool deferrable, bool initially_deferred) {
  if (!deferrable)
    return "";
  return initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
}

std::string comment_literal(const std::optional<std::string>& c) {
  return c ? quote_literal(*c) : "NULL";
}

std::string fk_definition(const state::ForeignKey& fk) {
  std::string s = "FOREIGN KEY (" + ident_list(fk.columns) + ") REFERENCES " +
                  qualified(fk.ref_table) + " (" + ident_list(fk.ref_columns) + ")";
  if (fk.on_update != state::FkAction::NoAction)
    s += " ON UPDATE " + fk_action_sql(fk.on_update);
  if (fk.on_delete != state::FkAction::NoAction)
    s += " ON DELETE " + fk_action_sql(fk.on_delete);
  return s + deferral(fk.deferrable, fk.initially_deferred);
}

std::string unique_definition(const state::UniqueConstraint& u) {
  return "UNIQUE (" + ident_list(u.columns) + ")" + deferral(u.deferrable, u.initially_deferred);
}

std::string index_key(const state::IndexKey& k) {
  std::string s = k.expression ? "(" + *k.expression + ")" : quote_ident(k.column);
  if (k.collation)
    s += " COLLATE " + quote_ident(*k.collation);
  if (k.opclass)
    s += " " + *k.opclass;
  if (k.descending)
    s += " DESC";
  if (k.nulls == state::NullsOrder::First)
    s += " NULLS FIRST";
  if (k.nulls == state::NullsOrder::Last)
    s += " NULLS LAST";
  return s;
}

std::string alter(const state::QualifiedName& t) {
  return "ALTER TABLE " + qualified(t) + " ";
}

std::string index_sql(const state::QualifiedName& table, const state::Index& index,
                      bool concurrently = false) {
  std::string s = std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " +
                  (concurrently ? "CONCURRENTLY " : "") + quote_ident(index.name) + " ON " +
                  qualified(table);
  if (index.method != "btree")
    s += " USING " + index.method;
  s += " (";
  for (std::size_t i = 0; i < index.keys.size(); ++i)
    s += (i ? ", " : "") + index_key(index.keys[i]);
  s += ")";
  if (!index.include.empty())
    s += " INCLUDE (" + ident_list(index.include) + ")";
  if (index.where)
    s += " WHERE " + *index.where;
  return s;
}

std::vector<Statement> create_table(const state::Table& t, bool with_fks) {
  std::vector<std::string> parts;
  for (const auto& c : t.columns)
    parts.push_back(column_definition(c));
  if (t.primary_key)
    parts.push_back("CONSTRAINT " + quote_ident(t.primary_key->name) + " PRIMARY KEY (" +
                    ident_list(t.primary_key->columns) + ")");
  for (const auto& u : t.uniques)
    parts.push_back("CONSTRAINT " + quote_ident(u.name) + " " + unique_definition(u));
  for (const auto& c : t.checks)
    parts.push_back("CONSTRAINT " + quote_ident(c.name) + " CHECK (" + c.expr + ")");
  if (with_fks)
    for (const auto& f : t.foreign_keys)
      parts.push_back("CONSTRAINT " + quote_ident(f.name) + " " + fk_definition(f));
  std::string sql = "CREATE TABLE " + qualified(t.name) + " (";
  for (std::size_t i = 0; i < parts.size(); ++i)
    sql += (i ? ",\n  " : "\n  ") + parts[i];
  sql += "\n)";
  if (t.partition_by)
    sql += " PARTITION BY " + *t.partition_by;
  std::vector<Statement> out{{sql, true}};
  if (t.comment)
    out.push_back({"COMMENT ON TABLE " + qualified(t.name) + " IS " + quote_literal(*t.comment)});
  for (const auto& c : t.columns)
    if (c.comment)
      out.push_back({"COMMENT ON COLUMN " + qualified(t.name) + "." + quote_ident(c.name) + " IS " +
                     quote_literal(*c.comment)});
  return out;
}

/// Splits "character varying(20)" into {"character varying", "20"}; "" when no modifier.
std::pair<std::string, std::string> split_typmod(const std::string& type) {
  auto open = type.find('(');
  if (open == std::string::npos)
    return {type, ""};
  auto close = type.find(')', open);
  std::string base = type.substr(0, open);
  std::string rest = close == std::string::npos ? "" : type.substr(close + 1);
  while (!base.empty() && base.back() == ' ')
    base.pop_back();
  return {base + rest, type.substr(open + 1, close - open - 1)};
}

/// The name of the CHECK (col IS NOT NULL) that proves a column has no NULLs before SET NOT
/// NULL, so that SET NOT NULL needs no scan under its ACCESS EXCLUSIVE lock.
std::string not_null_check(const state::QualifiedName& table, const std::string& column) {
  constexpr std::size_t kMax = 63;
  const std::string suffix = "_keel_nn";
  std::string base = table.name + "_" + column;
  if (base.size() + suffix.size() > kMax) {
    base.resize(kMax - suffix.size());
    while (!base.empty() && (static_cast<unsigned char>(base.back()) & 0xC0) == 0x80)
      base.pop_back();
    if (!base.empty() && static_cast<unsigned char>(base.back()) >= 0xC0)
      base.pop_back();
  }
  return base + suffix;
}

/// Fills `column` in batches (the runner walks the primary key), then catches the rows still
/// NULL with one UPDATE.
Statement backfill(const state::QualifiedName& table, const std::string& column,
                   const std::string& expression) {
  // Undone with the rest of its step: the column is dropped, or keeps its filled values (as
  // after undoing the whole step).
  return {"UPDATE " + qualified(table) + " SET " + quote_ident(column) + " = " + expression +
              " WHERE " + quote_ident(column) + " IS NULL",
          false, planner::Backfill{table, column, expression}, ""};
}

/// SET NOT NULL without a long ACCESS EXCLUSIVE lock: a NOT VALID check, validated under a
/// lock that lets reads and writes go on, lets SET NOT NULL skip its scan; then the check goes.
void set_not_null(std::vector<Statement>& out, const state::QualifiedName& table,
                  const std::string& column) {
  const auto check = quote_ident(not_null_check(table, column));
  const std::string drop_check = alter(table) + "DROP CONSTRAINT IF EXISTS " + check;
  out.push_back({alter(table) + "ADD CONSTRAINT " + check + " CHECK (" + quote_ident(column) +
                     " IS NOT NULL) NOT VALID",
                 false, std::nullopt, drop_check});
  out.push_back({alter(table) + "VALIDATE CONSTRAINT " + check, false, std::nullopt, ""});
  out.push_back({alter(table) + "ALTER COLUMN " + quote_ident(column) + " SET NOT NULL", false,
                 std::nullopt,
                 alter(table) + "ALTER COLUMN " + quote_ident(column) + " DROP NOT NULL"});
  out.push_back({alter(table) + "DROP CONSTRAINT " + check, false, std::nullopt, ""});
}

std::vector<Statement> alter_column(const planner::AlterColumn& a) {
  std::vector<Statement> out;
  const auto& from = a.from;
  const auto& to = a.to;
  std::string col = "ALTER COLUMN " + quote_ident(to.name) + " ";
  auto add = [&](const std::string& s) { out.push_back({alter(a.table) + s, true}); };

  if (from.generated != to.generated) {
    if (from.generated && !to.generated) {
      add(col + "DROP EXPRESSION");
    } else {
      // A generated expression cannot be altered: recreate the column (its values are derived).
      add("DROP COLUMN " + quote_ident(from.name));
      add("ADD COLUMN " + column_definition(to));
      if (to.comment)
        out.push_back({"COMMENT ON COLUMN " + qualified(a.table) + "." + quote_ident(to.name) +
                       " IS " + quote_literal(*to.comment)});
      return out;
    }
  }
  bool type_changes = from.type != to.type || from.collation != to.collation;
  // With an assignment cast PostgreSQL converts the values and the default itself, rejecting a
  // value that does not fit; an explicit USING cast would truncate strings silently instead.
  // Only a conversion without one needs USING, and the default out of its way meanwhile.
  bool needs_using = from.type != to.type && !assignment_cast(from.type, to.type);
  bool drop_default = from.default_sql && (needs_using || !to.default_sql);
  if (from.identity != state::Identity::None && to.identity == state::Identity::None)
    add(col + "DROP IDENTITY");
  if (drop_default)
    add(col + "DROP DEFAULT");
  if (type_changes) {
    std::string s = col + "TYPE " + to.type;
    if (to.collation)
      s += " COLLATE " + quote_ident(*to.collation);
    if (from.type != to.type && !assignment_cast(from.type, to.type)) {
      bool from_enum_or_array = from.type.find('.') != std::string::npos;
      s += " USING " + quote_ident(to.name) + (from_enum_or_array ? "::text" : "") +
           (from_enum_or_array && to.type.size() > 2 && to.type.ends_with("[]") ? "[]" : "") +
           "::" + to.type;
    }
    add(s);
  }
  if (to.default_sql && (to.default_sql != from.default_sql || drop_default))
    add(col + "SET DEFAULT " + *to.default_sql);
  if (from.identity == state::Identity::None && to.identity != state::Identity::None)
    add(col + "ADD GENERATED " +
        (to.identity == state::Identity::Always ? "ALWAYS" : "BY DEFAULT") + " AS IDENTITY");
  else if (from.identity != to.identity && to.identity != state::Identity::None)
    add(col + "SET GENERATED " +
        (to.identity == state::Identity::Always ? "ALWAYS" : "BY DEFAULT"));
  if (from.nullable && !to.nullable) {
    if (to.backfill)
      out.push_back(backfill(a.table, to.name, *to.backfill));
    set_not_null(out, a.table, to.name);
  } else if (!from.nullable && to.nullable) {
    add(col + "DROP NOT NULL");
  }
  if (from.comment != to.comment)
    out.push_back({"COMMENT ON COLUMN " + qualified(a.table) + "." + quote_ident(to.name) + " IS " +
                   comment_literal(to.comment)});
  return out;
}

std::vector<Statement> add_column(const planner::AddColumn& a) {
  std::vector<Statement> out;
  const auto& c = a.column;
  bool needs_backfill = !c.nullable && !c.default_sql && c.identity == state::Identity::None &&
                        !c.generated && c.backfill;
  if (needs_backfill) {
    // Added nullable, filled in batches, then made NOT NULL without a scan under lock.
    state::Column nullable = c;
    nullable.nullable = true;
    out.push_back({alter(a.table) + "ADD COLUMN " + column_definition(nullable), false,
                   std::nullopt, alter(a.table) + "DROP COLUMN IF EXISTS " + quote_ident(c.name)});
    out.push_back(backfill(a.table, c.name, *c.backfill));
    set_not_null(out, a.table, c.name);
  } else {
    out.push_back({alter(a.table) + "ADD COLUMN " + column_definition(c)});
  }
  if (c.comment)
    out.push_back({"COMMENT ON COLUMN " + qualified(a.table) + "." + quote_ident(c.name) + " IS " +
                       quote_literal(*c.comment),
                   !needs_backfill, std::nullopt,
                   needs_backfill ? std::optional<std::string>("") : std::nullopt});
  return out;
}

/// A primary key or unique constraint on an existing table: its unique index is built
/// CONCURRENTLY (reads and writes go on), then attached with ADD CONSTRAINT ... USING INDEX.
std::vector<Statement> constraint_from_index(const state::QualifiedName& table,
                                             const std::string& name,
                                             const std::vector<std::string>& columns,
                                             const std::string& kind, const std::string& tail) {
  state::Index index;
  index.name = name;
  index.unique = true;
  for (const auto& c : columns) {
    state::IndexKey key;
    key.column = c;
    index.keys.push_back(key);
  }
  return {{index_sql(table, index, true), false, std::nullopt,
           "DROP INDEX CONCURRENTLY IF EXISTS " + qualified({table.schema, name})},
          {alter(table) + "ADD CONSTRAINT " + quote_ident(name) + " " + kind + " USING INDEX " +
               quote_ident(name) + tail,
           false, std::nullopt, alter(table) + "DROP CONSTRAINT IF EXISTS " + quote_ident(name)}};
}

std::vector<Statement> replace_enum(const planner::ReplaceEnum& r) {
  std::vector<Statement> out;
  const auto& name = r.from.name;
  std::string old_name = name.name + "__keel_old";
  state::QualifiedName old_q{name.schema, old_name};
  for (const auto& [table, index] : r.indexes)
    out.push_back({"DROP INDEX " + qualified({table.schema, index.name})});
  for (const auto& [table, check] : r.checks)
    out.push_back({alter(table) + "DROP CONSTRAINT " + quote_ident(check.name)});
  out.push_back({"ALTER TYPE " + qualified(name) + " RENAME TO " + quote_ident(old_name)});
  std::string values;
  for (const auto& v : r.to.values)
    values += (values.empty() ? "" : ", ") + quote_literal(v);
  out.push_back({"CREATE TYPE " + qualified(name) + " AS ENUM (" + values + ")"});
  for (const auto& [table, column] : r.users) {
    std::string col = "ALTER COLUMN " + quote_ident(column.name) + " ";
    bool array = column.type.ends_with("[]");
    if (column.default_sql)
      out.push_back({alter(table) + col + "DROP DEFAULT"});
    out.push_back({alter(table) + col + "TYPE " + column.type + " USING " +
                   quote_ident(column.name) + "::text" + (array ? "[]" : "") + "::" + column.type});
    if (column.default_sql)
      out.push_back({alter(table) + col + "SET DEFAULT " + *column.default_sql});
  }
  out.push_back({"DROP TYPE " + qualified(old_q)});
  for (const auto& [table, check] : r.checks)
    out.push_back({alter(table) + "ADD CONSTRAINT " + quote_ident(check.name) + " CHECK (" +
                   check.expr + ")"});
  for (const auto& [table, index] : r.indexes)
    out.push_back({index_sql(table, index)});
  if (r.from.comment != r.to.comment || r.to.comment)
    out.push_back({"COMMENT ON TYPE " + qualified(name) + " IS " + comment_literal(r.to.comment)});
  return out;
}

bool is_numeric_family(const std::string& base) {
  return base == "numeric";
}

}  // namespace

bool assignment_cast(const std::string& from, const std::string& to) {
  if (binary_coercible(from, to))
    return true;
  auto base = [](std::string type) {
    bool array = type.ends_with("[]");
    if (array)
      type.resize(type.size() - 2);
    auto [b, m] = split_typmod(type);
    return std::pair{b, array};
  };
  auto [fb, farray] = base(from);
  auto [tb, tarray] = base(to);
  if (farray != tarray)
    return false;
  auto family = [](const std::string& b) -> int {
    static const std::vector<std::vector<std::string>> families{
        {"text", "character varying", "character"},
        {"smallint", "integer", "bigint", "numeric", "real", "double precision"},
        {"date", "timestamp without time zone", "timestamp with time zone"},
        {"time without time zone", "time with time zone"},
        {"bit", "bit varying"},
    };
    for (std::size_t i = 0; i < families.size(); ++i)
      for (const auto& member : families[i])
        if (b == member)
          return static_cast<int>(i);
    return -1;
  };
  // Every type converts to a string type by assignment (through its output function), and
  // PostgreSQL has an assignment cast between any two types of one family above.
  if (!farray && family(tb) == 0)
    return true;
  int f = family(fb);
  return f >= 0 && f == family(tb);
}

bool binary_coercible(const std::string& from, const std::string& to) {
  if (from == to)
    return true;
  auto [fb, fm] = split_typmod(from);
  auto [tb, tm] = split_typmod(to);
  auto varlen = [](const std::string& b) {
    return b == "character varying" || b == "text" || b == "character varying[]" || b == "text[]";
  };
  if ((fb == "character varying" && (tb == "text" || tb == "character varying")) ||
      (fb == "character varying[]" && (tb == "text[]" || tb == "character varying[]"))) {
    if (tb == "text" || tb == "text[]" || tm.empty())
      return true;
    if (fm.empty())
      return false;
    return std::stoi(tm) >= std::stoi(fm);
  }
  if (fb == "text" && tb == "character varying" && tm.empty())
    return true;
  (void)varlen;
  if (fb == tb && (fb == "bit varying")) {
    if (tm.empty())
      return true;
    return !fm.empty() && std::stoi(tm) >= std::stoi(fm);
  }
  if (is_numeric_family(fb) && tb == fb) {
    if (tm.empty())
      return true;
    if (fm.empty())
      return false;
    auto fc = fm.find(',');
    auto tc = tm.find(',');
    int fp = std::stoi(fm.substr(0, fc));
    int tp = std::stoi(tm.substr(0, tc));
    int fs = fc == std::string::npos ? 0 : std::stoi(fm.substr(fc + 1));
    int ts = tc == std::string::npos ? 0 : std::stoi(tm.substr(tc + 1));
    return fs == ts && tp >= fp;
  }
  if (fb == "timestamp without time zone" && tb == fb)
    return true;  // precision only
  if (fb == "timestamp with time zone" && tb == fb)
    return true;
  return false;
}

std::string column_definition(const state::Column& c) {
  std::string s = quote_ident(c.name) + " " + c.type;
  if (c.collation)
    s += " COLLATE " + quote_ident(*c.collation);
  if (c.identity == state::Identity::Always)
    s += " GENERATED ALWAYS AS IDENTITY";
  if (c.identity == state::Identity::ByDefault)
    s += " GENERATED BY DEFAULT AS IDENTITY";
  if (c.generated)
    s += " GENERATED ALWAYS AS (" + *c.generated + ") STORED";
  if (c.default_sql)
    s += " DEFAULT " + *c.default_sql;
  if (!c.nullable)
    s += " NOT NULL";
  return s;
}

planner::Capabilities Renderer::capabilities() const {
  return {};
}

bool Renderer::supports_in_place(const planner::Change& /*change*/,
                                 const state::Table& /*live*/) const {
  return true;
}

std::vector<Statement> Renderer::render(const planner::Change& change) const {
  using namespace planner;  // NOLINT(google-build-using-namespace): the change kinds
  return std::visit(
      Overloaded{
          [](const CreateSchema& c) -> std::vector<Statement> {
            return {{"CREATE SCHEMA IF NOT EXISTS " + quote_ident(c.name)}};
          },
          [](const DropSchema& c) -> std::vector<Statement> {
            return {{"DROP SCHEMA IF EXISTS " + quote_ident(c.name)}};
          },
          [](const CreateExtension& c) -> std::vector<Statement> {
            std::string s = "CREATE EXTENSION IF NOT EXISTS " + quote_ident(c.extension.name);
            if (c.extension.schema)
              s += " SCHEMA " + quote_ident(*c.extension.schema);
            return {{s}};
          },
          [](const DropExtension& c) -> std::vector<Statement> {
            return {{"DROP EXTENSION " + quote_ident(c.extension.name)}};
          },
          [](const CreateEnum& c) -> std::vector<Statement> {
            std::string values;
            for (const auto& v : c.enumeration.values)
              values += (values.empty() ? "" : ", ") + quote_literal(v);
            std::vector<Statement> out{
                {"CREATE TYPE " + qualified(c.enumeration.name) + " AS ENUM (" + values + ")"}};
            if (c.enumeration.comment)
              out.push_back({"COMMENT ON TYPE " + qualified(c.enumeration.name) + " IS " +
                             quote_literal(*c.enumeration.comment)});
            return out;
          },
          [](const DropEnum& c) -> std::vector<Statement> {
            return {{"DROP TYPE " + qualified(c.enumeration.name)}};
          },
          [](const AddEnumValue& c) -> std::vector<Statement> {
            std::string s =
                "ALTER TYPE " + qualified(c.from.name) + " ADD VALUE " + quote_literal(c.value);
            if (c.before)
              s += " BEFORE " + quote_literal(*c.before);
            if (c.after)
              s += " AFTER " + quote_literal(*c.after);
            return {{s}};
          },
          [](const ReplaceEnum& c) { return replace_enum(c); },
          [](const CreateTable& c) { return create_table(c.table, c.with_foreign_keys); },
          [](const DropTable& c) -> std::vector<Statement> {
            if (!c.keep_as)
              return {{"DROP TABLE " + qualified(c.table.name)}};
            // Moved aside, not dropped: rollback moves it back with every row.
            state::QualifiedName renamed{c.table.name.schema, *c.keep_as};
            state::QualifiedName kept{kTrashSchema, *c.keep_as};
            return {{"CREATE SCHEMA IF NOT EXISTS " + quote_ident(kTrashSchema)},
                    {alter(c.table.name) + "RENAME TO " + quote_ident(*c.keep_as)},
                    {alter(renamed) + "SET SCHEMA " + quote_ident(kTrashSchema)},
                    {"INSERT INTO keel.kept (object, kind, source) VALUES (" +
                     quote_literal(qualified(kept)) + ", 'table', " +
                     quote_literal(qualified(c.table.name)) + ")"}};
          },
          [](const RenameTable& c) -> std::vector<Statement> {
            std::vector<Statement> out;
            state::QualifiedName cur = c.from;
            if (c.from.name != c.to.name) {
              out.push_back({alter(cur) + "RENAME TO " + quote_ident(c.to.name)});
              cur.name = c.to.name;
            }
            if (c.from.schema != c.to.schema)
              out.push_back({alter(cur) + "SET SCHEMA " + quote_ident(c.to.schema)});
            return out;
          },
          [](const AddColumn& c) { return add_column(c); },
          [](const DropColumn& c) -> std::vector<Statement> {
            std::vector<Statement> out;
            if (c.keep_as) {
              // The values go to a side table keyed by the primary key; enums as text, so the
              // type may be dropped later.
              state::QualifiedName kept{kTrashSchema, *c.keep_as};
              bool user_type = c.column.type.find('.') != std::string::npos;
              out.push_back({"CREATE SCHEMA IF NOT EXISTS " + quote_ident(kTrashSchema)});
              // Writes wait from the copy to the drop, so none lands in between and is lost.
              out.push_back({"LOCK TABLE " + qualified(c.table) + " IN SHARE MODE"});
              out.push_back(
                  {"CREATE TABLE " + qualified(kept) + " AS SELECT " + ident_list(c.key) + ", " +
                   quote_ident(c.column.name) +
                   (user_type ? "::text" + std::string(c.column.type.ends_with("[]") ? "[]" : "") +
                                    " AS " + quote_ident(c.column.name)
                              : "") +
                   " FROM " + qualified(c.table)});
              out.push_back({"INSERT INTO keel.kept (object, kind, source) VALUES (" +
                             quote_literal(qualified(kept)) + ", 'column', " +
                             quote_literal(qualified(c.table) + "." + quote_ident(c.column.name)) +
                             ")"});
            }
            out.push_back({alter(c.table) + "DROP COLUMN " + quote_ident(c.column.name)});
            return out;
          },
          [](const RenameColumn& c) -> std::vector<Statement> {
            return {{alter(c.table) + "RENAME COLUMN " + quote_ident(c.from) + " TO " +
                     quote_ident(c.to)}};
          },
          [](const AlterColumn& c) { return alter_column(c); },
          [](const AddPrimaryKey& c) -> std::vector<Statement> {
            if (!c.partitioned)
              return constraint_from_index(c.table, c.key.name, c.key.columns, "PRIMARY KEY", "");
            return {{alter(c.table) + "ADD CONSTRAINT " + quote_ident(c.key.name) +
                     " PRIMARY KEY (" + ident_list(c.key.columns) + ")"}};
          },
          [](const DropPrimaryKey& c) -> std::vector<Statement> {
            return {{alter(c.table) + "DROP CONSTRAINT " + quote_ident(c.key.name)}};
          },
          [](const AddUnique& c) -> std::vector<Statement> {
            if (!c.partitioned)
              return constraint_from_index(
                  c.table, c.unique.name, c.unique.columns, "UNIQUE",
                  deferral(c.unique.deferrable, c.unique.initially_deferred));
            return {{alter(c.table) + "ADD CONSTRAINT " + quote_ident(c.unique.name) + " " +
                     unique_definition(c.unique)}};
          },
          [](const DropUnique& c) -> std::vector<Statement> {
            return {{alter(c.table) + "DROP CONSTRAINT " + quote_ident(c.unique.name)}};
          },
          [](const AddForeignKey& c) -> std::vector<Statement> {
            return {{alter(c.table) + "ADD CONSTRAINT " + quote_ident(c.key.name) + " " +
                     fk_definition(c.key) + (c.not_valid ? " NOT VALID" : "")}};
          },
          [](const DropForeignKey& c) -> std::vector<Statement> {
            return {{alter(c.table) + "DROP CONSTRAINT " + quote_ident(c.key.name)}};
          },
          [](const AddCheck& c) -> std::vector<Statement> {
            return {{alter(c.table) + "ADD CONSTRAINT " + quote_ident(c.check.name) + " CHECK (" +
                     c.check.expr + ")" + (c.not_valid ? " NOT VALID" : "")}};
          },
          [](const DropCheck& c) -> std::vector<Statement> {
            return {{alter(c.table) + "DROP CONSTRAINT " + quote_ident(c.check.name)}};
          },
          [](const CreateIndex& c) -> std::vector<Statement> {
            // Built plainly with a new table; CONCURRENTLY on an existing one (partitioned
            // parents cannot build concurrently).
            bool online = !c.table_is_new && !c.partitioned;
            return {{index_sql(c.table, c.index, online), !online}};
          },
          [](const DropIndex& c) -> std::vector<Statement> {
            bool online = !c.table_is_new && !c.partitioned;
            return {{std::string("DROP INDEX ") + (online ? "CONCURRENTLY " : "") +
                         qualified({c.table.schema, c.index.name}),
                     !online}};
          },
          [](const AddPartition& c) -> std::vector<Statement> {
            return {{"CREATE TABLE " + qualified(c.partition.name) + " PARTITION OF " +
                     qualified(c.table) + " " + c.partition.bound}};
          },
          [](const DropPartition& c) -> std::vector<Statement> {
            return {{"DROP TABLE " + qualified(c.partition.name)}};
          },
          [](const CreateView& c) -> std::vector<Statement> {
            std::vector<Statement> out{
                {"CREATE VIEW " + qualified(c.view.name) + " AS\n" + c.view.sql}};
            if (c.view.comment)
              out.push_back({"COMMENT ON VIEW " + qualified(c.view.name) + " IS " +
                             quote_literal(*c.view.comment)});
            return out;
          },
          [](const DropView& c) -> std::vector<Statement> {
            return {{"DROP VIEW " + qualified(c.view.name)}};
          },
          [](const SetTableComment& c) -> std::vector<Statement> {
            return {{"COMMENT ON TABLE " + qualified(c.table) + " IS " + comment_literal(c.to)}};
          },
          [](const SetEnumComment& c) -> std::vector<Statement> {
            return {
                {"COMMENT ON TYPE " + qualified(c.enumeration) + " IS " + comment_literal(c.to)}};
          },
          [](const SetViewComment& c) -> std::vector<Statement> {
            return {{"COMMENT ON VIEW " + qualified(c.view) + " IS " + comment_literal(c.to)}};
          },
          [](const RebuildTable&) -> std::vector<Statement> {
            throw std::logic_error("PostgreSQL alters tables in place; no rebuild is planned");
          },
          [](const RenameConstraint& c) -> std::vector<Statement> {
            return {{alter(c.table) + "RENAME CONSTRAINT " + quote_ident(c.from) + " TO " +
                     quote_ident(c.to)}};
          },
          [](const RenameIndex& c) -> std::vector<Statement> {
            return {{"ALTER INDEX " + qualified({c.table.schema, c.index.name}) + " RENAME TO " +
                     quote_ident(c.to)}};
          },
          [](const ValidateConstraint& c) -> std::vector<Statement> {
            return {{alter(c.table) + "VALIDATE CONSTRAINT " + quote_ident(c.name)}};
          },
      },
      change);
}

std::vector<Statement> Renderer::render_reverse(const planner::Change& change) const {
  if (const auto* d = std::get_if<planner::DropTable>(&change); d != nullptr && d->keep_as) {
    state::QualifiedName kept{kTrashSchema, *d->keep_as};
    state::QualifiedName back{d->table.name.schema, *d->keep_as};
    return {{alter(kept) + "SET SCHEMA " + quote_ident(d->table.name.schema)},
            {alter(back) + "RENAME TO " + quote_ident(d->table.name.name)},
            {"DELETE FROM keel.kept WHERE object = " + quote_literal(qualified(kept))}};
  }
  if (const auto* d = std::get_if<planner::DropColumn>(&change); d != nullptr && d->keep_as) {
    state::QualifiedName kept{kTrashSchema, *d->keep_as};
    state::Column nullable = d->column;
    nullable.nullable = true;
    std::vector<Statement> out{{alter(d->table) + "ADD COLUMN " + column_definition(nullable)}};
    std::string match;
    for (const auto& k : d->key)
      match += (match.empty() ? "" : " AND ") + std::string("t.") + quote_ident(k) + " = k." +
               quote_ident(k);
    out.push_back({"UPDATE " + qualified(d->table) + " AS t SET " + quote_ident(d->column.name) +
                   " = k." + quote_ident(d->column.name) + "::" + d->column.type + " FROM " +
                   qualified(kept) + " AS k WHERE " + match});
    if (!d->column.nullable)
      out.push_back(
          {alter(d->table) + "ALTER COLUMN " + quote_ident(d->column.name) + " SET NOT NULL"});
    if (d->column.comment)
      out.push_back({"COMMENT ON COLUMN " + qualified(d->table) + "." +
                     quote_ident(d->column.name) + " IS " + quote_literal(*d->column.comment)});
    out.push_back({"DROP TABLE " + qualified(kept)});
    out.push_back({"DELETE FROM keel.kept WHERE object = " + quote_literal(qualified(kept))});
    return out;
  }
  return render(planner::invert(change));
}

std::vector<HazardNote> Renderer::hazards(const planner::Change& change) const {
  using namespace planner;  // NOLINT(google-build-using-namespace): the change kinds
  std::vector<HazardNote> out;
  auto scan_under_ael = [&](const std::string& what) {
    out.push_back({Hazard::BlocksReads, what + " under an ACCESS EXCLUSIVE lock"});
    out.push_back({Hazard::LongRunning, "time grows with the number of rows"});
  };
  auto standalone = [&](const std::string& what) {
    out.push_back({Hazard::NonTransactional,
                   what + " outside a transaction; if it stops midway, the next plan repairs it"});
  };
  const std::string kOnline = "reads and writes go on";
  auto backfilled = [&]() {
    out.push_back({Hazard::LongRunning,
                   "rows are filled in batches (--batch-size), each committed on its own; " +
                       kOnline + ", and NOT NULL is validated without a long lock"});
    standalone("the batches and the NOT NULL validation run");
  };
  std::visit(
      Overloaded{
          [&](const AddColumn& c) {
            const auto& col = c.column;
            bool volatile_default =
                col.default_sql &&
                (col.default_sql->find("random()") != std::string::npos ||
                 col.default_sql->find("gen_random_uuid()") != std::string::npos ||
                 col.default_sql->find("clock_timestamp()") != std::string::npos ||
                 col.default_sql->find("nextval(") != std::string::npos);
            if (volatile_default || col.identity != state::Identity::None || col.generated) {
              out.push_back(
                  {Hazard::TableRewrite,
                   "a volatile default, identity or generated column rewrites every row"});
              scan_under_ael("the rewrite runs");
            } else if (!col.nullable && !col.default_sql && col.backfill) {
              backfilled();
            }
          },
          [&](const AlterColumn& c) {
            if (c.from.type != c.to.type || c.from.collation != c.to.collation) {
              auto [fb, fm] = split_typmod(c.from.type);
              auto [tb, tm] = split_typmod(c.to.type);
              // A shorter string or bit length: a value that does not fit stops the apply (the
              // assignment cast rejects it), so nothing is truncated.
              bool shorter = fb == tb && !fm.empty() && !tm.empty() &&
                             !binary_coercible(c.from.type, c.to.type) && !is_numeric_family(fb);
              if (!binary_coercible(c.from.type, c.to.type) || c.from.collation != c.to.collation) {
                out.push_back({Hazard::TableRewrite,
                               "changing the type from " + c.from.type + " to " + c.to.type +
                                   " rewrites the table and its indexes" +
                                   (shorter ? "; a longer value stops the apply, and nothing "
                                              "changes"
                                            : "")});
                scan_under_ael("the rewrite runs");
              }
              bool narrowing = (is_numeric_family(fb) && fb == tb && !fm.empty() && !tm.empty() &&
                                !binary_coercible(c.from.type, c.to.type)) ||
                               (fb == "timestamp with time zone" && tb == "date") ||
                               (fb == "timestamp without time zone" && tb == "date") ||
                               ((fb == "double precision" || fb == "real" || fb == "numeric") &&
                                (tb == "integer" || tb == "bigint" || tb == "smallint"));
              if (narrowing)
                out.push_back({Hazard::DataLoss, "narrowing " + c.from.type + " to " + c.to.type +
                                                     " can truncate, round or reject values"});
            }
            if (c.from.generated != c.to.generated && c.to.generated) {
              out.push_back(
                  {Hazard::TableRewrite, "the generated column is recreated and recomputed"});
              scan_under_ael("the rewrite runs");
            }
            if (c.from.nullable && !c.to.nullable) {
              if (c.to.backfill) {
                backfilled();
              } else {
                out.push_back(
                    {Hazard::LongRunning, "validating NOT NULL scans the table; " + kOnline});
                standalone("the NOT NULL validation runs");
              }
            }
          },
          [&](const AddCheck& c) {
            if (!c.not_valid)
              scan_under_ael("checking existing rows scans the table");
          },
          [&](const AddForeignKey& c) {
            if (!c.table_is_new && !c.not_valid) {
              out.push_back({Hazard::BlocksWrites, "writes to " + c.table.str() + " and " +
                                                       c.key.ref_table.str() +
                                                       " wait while existing rows are checked"});
              out.push_back({Hazard::LongRunning, "time grows with the number of rows"});
            }
          },
          [&](const ValidateConstraint&) {
            out.push_back(
                {Hazard::LongRunning, "checking existing rows scans the table; " + kOnline});
          },
          [&](const AddPrimaryKey& c) {
            if (c.partitioned) {
              scan_under_ael("building the key's index runs");
              return;
            }
            out.push_back(
                {Hazard::LongRunning, "the key's index is built concurrently; " + kOnline});
            standalone("the concurrent build runs");
          },
          [&](const AddUnique& c) {
            if (c.partitioned) {
              scan_under_ael("building the constraint's index runs");
              return;
            }
            out.push_back(
                {Hazard::LongRunning, "the constraint's index is built concurrently; " + kOnline});
            standalone("the concurrent build runs");
          },
          [&](const CreateIndex& c) {
            if (c.table_is_new)
              return;
            if (c.partitioned) {
              out.push_back({Hazard::BlocksWrites,
                             "writes wait while the index is built (a partitioned table's index "
                             "cannot be built concurrently)"});
              out.push_back({Hazard::LongRunning, "time grows with the number of rows"});
              return;
            }
            out.push_back({Hazard::LongRunning, "the index is built concurrently; " + kOnline});
            standalone("CREATE INDEX CONCURRENTLY runs");
          },
          [&](const DropColumn& c) {
            if (!c.keep_as)
              return;
            out.push_back({Hazard::BlocksWrites, "writes to " + c.table.str() +
                                                     " wait while the column's values are "
                                                     "copied aside; reads go on"});
            out.push_back({Hazard::LongRunning, "the copy grows with the number of rows"});
          },
          [&](const DropIndex& c) {
            if (!c.table_is_new && !c.partitioned)
              standalone("DROP INDEX CONCURRENTLY runs");
          },
          [&](const ReplaceEnum& c) {
            if (c.users.empty())
              return;
            const bool removes = !c.removed_values().empty();
            out.push_back({Hazard::TableRewrite,
                           "every table with a column of the enum is rewritten" +
                               std::string(removes ? "; a row holding a removed value stops the "
                                                     "apply, and nothing changes"
                                                   : "")});
            scan_under_ael("the rewrite runs");
          },
          [](const auto&) {},
      },
      change);
  return out;
}

}  // namespace keel::dialects::postgres
