#include "dialects/sqlite/renderer.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "dialects/sql.h"

namespace keel::dialects::sqlite {
namespace {

using planner::Hazard;
using planner::HazardNote;
using planner::Overloaded;
using planner::Statement;

/// SQLite identifiers are always written in double quotes: no keyword list to keep in step.
std::string q(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"')
      out += '"';
  }
  return out + "\"";
}

std::string q_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + q(n);
  return out;
}

/// A default SQLite accepts bare (also in ADD COLUMN): a string, number, NULL, TRUE/FALSE.
bool literal_default(const std::string& d) {
  if (d.empty())
    return false;
  if (d.front() == '\'') {
    // One string token: the closing quote is the last character ('' is an escaped quote).
    std::size_t i = 1;
    while (i < d.size()) {
      if (d[i] == '\'' && i + 1 < d.size() && d[i + 1] == '\'') {
        i += 2;
      } else if (d[i] == '\'') {
        return i + 1 == d.size();
      } else {
        ++i;
      }
    }
    return false;
  }
  std::string upper;
  for (char c : d)
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "NULL" || upper == "TRUE" || upper == "FALSE")
    return true;
  std::size_t i = (d[0] == '-' || d[0] == '+') ? 1 : 0;
  bool digits = i < d.size();
  for (; i < d.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(d[i])) && d[i] != '.' && d[i] != 'e' &&
        d[i] != 'E')
      digits = false;
  return digits;
}

std::string default_clause(const std::string& d) {
  std::string upper;
  for (char c : d)
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (literal_default(d) || upper == "CURRENT_TIMESTAMP" || upper == "CURRENT_DATE" ||
      upper == "CURRENT_TIME")
    return " DEFAULT " + d;
  return " DEFAULT (" + d + ")";
}

bool is_inline_key(const state::Table& t, const state::Column& c) {
  return c.identity != state::Identity::None && t.primary_key &&
         t.primary_key->columns == std::vector<std::string>{c.name};
}

std::string column_definition(const state::Table* table, const state::Column& c) {
  std::string s = q(c.name) + (c.type.empty() ? "" : " " + c.type);
  if (table != nullptr && is_inline_key(*table, c)) {
    s += " NOT NULL";
    if (!table->primary_key->name.empty())
      s += " CONSTRAINT " + q(table->primary_key->name);
    s += " PRIMARY KEY AUTOINCREMENT";
    return s;
  }
  if (c.collation)
    s += " COLLATE " + *c.collation;
  if (c.generated)
    s += " GENERATED ALWAYS AS (" + *c.generated + ") STORED";
  if (c.default_sql)
    s += default_clause(*c.default_sql);
  if (!c.nullable)
    s += " NOT NULL";
  return s;
}

std::string fk_definition(const state::ForeignKey& fk) {
  std::string s = "FOREIGN KEY (" + q_list(fk.columns) + ") REFERENCES " + q(fk.ref_table.name) +
                  " (" + q_list(fk.ref_columns) + ")";
  if (fk.on_update != state::FkAction::NoAction)
    s += " ON UPDATE " + fk_action_sql(fk.on_update);
  if (fk.on_delete != state::FkAction::NoAction)
    s += " ON DELETE " + fk_action_sql(fk.on_delete);
  if (fk.deferrable)
    s += fk.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
  return s;
}

std::string create_table_sql(const state::Table& t, const std::string& name) {
  std::vector<std::string> parts;
  bool inline_key = false;
  for (const auto& c : t.columns) {
    parts.push_back(column_definition(&t, c));
    inline_key = inline_key || is_inline_key(t, c);
  }
  auto named = [](const std::string& n) {
    return n.empty() ? std::string() : "CONSTRAINT " + q(n) + " ";
  };
  if (t.primary_key && !inline_key)
    parts.push_back(named(t.primary_key->name) + "PRIMARY KEY (" + q_list(t.primary_key->columns) +
                    ")");
  for (const auto& u : t.uniques)
    parts.push_back(named(u.name) + "UNIQUE (" + q_list(u.columns) + ")");
  for (const auto& c : t.checks)
    parts.push_back(named(c.name) + "CHECK (" + c.expr + ")");
  for (const auto& f : t.foreign_keys)
    parts.push_back(named(f.name) + fk_definition(f));
  std::string sql = "CREATE TABLE " + q(name) + " (";
  for (std::size_t i = 0; i < parts.size(); ++i)
    sql += (i ? ",\n  " : "\n  ") + parts[i];
  return sql + "\n)";
}

std::string index_sql(const std::string& table, const state::Index& index) {
  std::string s = std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " +
                  q(index.name) + " ON " + q(table) + " (";
  for (std::size_t i = 0; i < index.keys.size(); ++i) {
    const auto& k = index.keys[i];
    s += i ? ", " : "";
    s += k.expression ? "(" + *k.expression + ")" : q(k.column);
    if (k.collation)
      s += " COLLATE " + *k.collation;
    if (k.descending)
      s += " DESC";
  }
  s += ")";
  if (index.where)
    s += " WHERE " + *index.where;
  return s;
}

std::string kept_table(const std::string& keep_as) {
  return kTrashPrefix + keep_as;
}

/// The 12-step rebuild (lang_altertable.html#otheralter) as one non-transactional step: foreign
/// keys off outside the transaction (a DROP TABLE would otherwise fire ON DELETE actions), the
/// new table under a temporary name, the rows copied, the old table dropped, the new one
/// renamed, indexes recreated, foreign keys checked before COMMIT.
/// `copy` maps each column of `to` that is filled from the old table to its SQL expression.
std::vector<Statement> rebuild(const state::Table& to,
                               const std::vector<std::pair<std::string, std::string>>& copy,
                               const std::vector<Statement>& before_copy,
                               const std::vector<Statement>& after_copy) {
  const std::string name = to.name.name;
  const std::string temp = "keel_new_" + name;
  std::vector<Statement> out{{"PRAGMA foreign_keys = OFF", false},
                             {"BEGIN IMMEDIATE", false},
                             {std::string(kSaveTriggers) + name, false}};
  for (const auto& s : before_copy)
    out.push_back({s.sql, false});
  out.push_back({create_table_sql(to, temp), false});
  std::string cols;
  std::string exprs;
  for (const auto& [col, expr] : copy) {
    cols += (cols.empty() ? "" : ", ") + q(col);
    exprs += (exprs.empty() ? "" : ", ") + expr;
  }
  if (!copy.empty())
    out.push_back(
        {"INSERT INTO " + q(temp) + " (" + cols + ") SELECT " + exprs + " FROM " + q(name), false});
  out.push_back({"DROP TABLE " + q(name), false});
  out.push_back({"ALTER TABLE " + q(temp) + " RENAME TO " + q(name), false});
  for (const auto& i : to.indexes)
    out.push_back({index_sql(name, i), false});
  out.push_back({std::string(kRestoreTriggers) + name, false});
  for (const auto& s : after_copy)
    out.push_back({s.sql, false});
  out.push_back({kForeignKeyCheck, false});
  out.push_back({"COMMIT", false});
  out.push_back({"PRAGMA foreign_keys = ON", false});
  return out;
}

/// What a rebuild from `from` to `to` copies: each column of `to` filled from its old self (by
/// name, or the name it was renamed from), NOT NULL tightened with the backfill, new columns
/// from their backfill; new columns without one take their default.
std::vector<std::pair<std::string, std::string>> copy_plan(
    const state::Table& from, const state::Table& to,
    const std::vector<std::pair<std::string, std::string>>& renamed) {
  std::vector<std::pair<std::string, std::string>> copy;
  for (const auto& c : to.columns) {
    if (c.generated)
      continue;
    std::string source = c.name;
    for (const auto& [new_name, old_name] : renamed)
      if (new_name == c.name)
        source = old_name;
    const auto* old = from.find_column(source);
    if (old != nullptr && !old->generated) {
      std::string expr = q(source);
      if (old->nullable && !c.nullable && c.backfill)
        expr = "coalesce(" + expr + ", " + *c.backfill + ")";
      copy.emplace_back(c.name, expr);
    } else if (c.backfill) {
      copy.emplace_back(c.name, "(" + *c.backfill + ")");
    }
  }
  return copy;
}

std::vector<std::string> dropped_columns(const planner::RebuildTable& r) {
  std::vector<std::string> out;
  for (const auto& c : r.from.columns) {
    bool renamed = std::any_of(r.renamed.begin(), r.renamed.end(),
                               [&](const auto& p) { return p.second == c.name; });
    if (r.to.find_column(c.name) == nullptr && !renamed && !c.generated)
      out.push_back(c.name);
  }
  return out;
}

std::string kept_insert(const std::string& object, const std::string& kind,
                        const std::string& source) {
  return "INSERT INTO keel_kept (object, kind, source) VALUES (" + quote_literal(object) + ", " +
         quote_literal(kind) + ", " + quote_literal(source) + ")";
}

bool mentions(const std::string& text, const std::string& word) {
  return text.find(word) != std::string::npos;
}

/// True when SQLite's DROP COLUMN refuses the column (lang_altertable.html#altertabdropcol).
bool column_in_use(const state::Table& t, const std::string& column) {
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
    if (i.where && mentions(*i.where, column))
      return true;
    for (const auto& k : i.keys)
      if (k.column == column || (k.expression && mentions(*k.expression, column)))
        return true;
  }
  for (const auto& c : t.columns)
    if (c.generated && mentions(*c.generated, column))
      return true;
  return false;
}

/// ADD COLUMN's limits (lang_altertable.html#altertabaddcol): no key, no stored generated
/// column, NOT NULL only with a literal default, a literal default only, REFERENCES only with
/// a NULL default.
bool can_add_column(const state::Column& c) {
  if (c.generated || c.identity != state::Identity::None || c.backfill)
    return false;
  if (c.default_sql && !literal_default(*c.default_sql))
    return false;
  if (!c.nullable && !c.default_sql)
    return false;
  return true;
}

}  // namespace

planner::Capabilities Renderer::capabilities() const {
  planner::Capabilities caps;
  caps.schemas = false;
  caps.enums = false;
  caps.extensions = false;
  caps.alter_column = false;
  caps.alter_constraints = false;
  caps.foreign_keys_in_create = true;
  caps.comments = false;
  caps.partitions = false;
  caps.concurrent_indexes = false;
  return caps;
}

bool Renderer::supports_in_place(const planner::Change& change, const state::Table& live) const {
  return std::visit(Overloaded{
                        [](const planner::AddColumn& c) { return can_add_column(c.column); },
                        [&](const planner::DropColumn& c) {
                          // In place only when the column could come back by ADD COLUMN on
                          // rollback.
                          return !column_in_use(live, c.column.name) && can_add_column(c.column);
                        },
                        [](const planner::RenameColumn&) { return true; },
                        [](const planner::RenameTable&) { return true; },
                        [](const planner::CreateIndex&) { return true; },
                        [](const planner::DropIndex&) { return true; },
                        [](const planner::RenameIndex&) { return true; },
                        [](const auto&) { return false; },
                    },
                    change);
}

std::vector<Statement> Renderer::render(const planner::Change& change) const {
  using namespace planner;  // NOLINT(google-build-using-namespace): the change kinds
  auto unsupported = [](const Change& c) -> std::vector<Statement> {
    throw std::logic_error("sqlite has no " + kind_name(c) + "; prepare_desired rejects it");
  };
  return std::visit(
      Overloaded{
          [&](const CreateSchema& c) { return unsupported(c); },
          [&](const DropSchema& c) { return unsupported(c); },
          [&](const CreateExtension& c) { return unsupported(c); },
          [&](const DropExtension& c) { return unsupported(c); },
          [&](const CreateEnum& c) { return unsupported(c); },
          [&](const DropEnum& c) { return unsupported(c); },
          [&](const AddEnumValue& c) { return unsupported(c); },
          [&](const ReplaceEnum& c) { return unsupported(c); },
          [&](const AddPartition& c) { return unsupported(c); },
          [&](const DropPartition& c) { return unsupported(c); },
          [&](const AlterColumn& c) { return unsupported(c); },
          [&](const AddPrimaryKey& c) { return unsupported(c); },
          [&](const DropPrimaryKey& c) { return unsupported(c); },
          [&](const AddUnique& c) { return unsupported(c); },
          [&](const DropUnique& c) { return unsupported(c); },
          [&](const AddCheck& c) { return unsupported(c); },
          [&](const ValidateConstraint& c) { return unsupported(c); },
          // Constraints live in the table's definition: renaming one rebuilds the table.
          [&](const RenameConstraint& c) { return unsupported(c); },
          [](const RenameIndex& c) -> std::vector<Statement> {
            // No ALTER INDEX ... RENAME: built again under the new name.
            state::Index renamed = c.index;
            renamed.name = c.to;
            return {{"DROP INDEX " + q(c.index.name)}, {index_sql(c.table.name, renamed)}};
          },
          [&](const DropCheck& c) { return unsupported(c); },
          [&](const AddForeignKey& c) { return unsupported(c); },
          [&](const DropForeignKey& c) { return unsupported(c); },
          [](const SetTableComment&) { return std::vector<Statement>{}; },
          [](const SetEnumComment&) { return std::vector<Statement>{}; },
          [](const SetViewComment&) { return std::vector<Statement>{}; },
          [](const CreateTable& c) -> std::vector<Statement> {
            return {{create_table_sql(c.table, c.table.name.name)}};
          },
          [](const DropTable& c) -> std::vector<Statement> {
            if (!c.keep_as)
              return {{"DROP TABLE " + q(c.table.name.name)}};
            // Renamed aside, not dropped: rollback renames it back with every row.
            auto kept = kept_table(*c.keep_as);
            return {{"ALTER TABLE " + q(c.table.name.name) + " RENAME TO " + q(kept)},
                    {kept_insert(q(kept), "table", q(c.table.name.name))}};
          },
          [](const RenameTable& c) -> std::vector<Statement> {
            return {{"ALTER TABLE " + q(c.from.name) + " RENAME TO " + q(c.to.name)}};
          },
          [](const AddColumn& c) -> std::vector<Statement> {
            return {{"ALTER TABLE " + q(c.table.name) + " ADD COLUMN " +
                     column_definition(nullptr, c.column)}};
          },
          [](const DropColumn& c) -> std::vector<Statement> {
            std::vector<Statement> out;
            if (c.keep_as) {
              auto kept = kept_table(*c.keep_as);
              out.push_back({"CREATE TABLE " + q(kept) + " AS SELECT " + q_list(c.key) + ", " +
                             q(c.column.name) + " FROM " + q(c.table.name)});
              out.push_back(
                  {kept_insert(q(kept), "column", q(c.table.name) + "." + q(c.column.name))});
            }
            out.push_back({"ALTER TABLE " + q(c.table.name) + " DROP COLUMN " + q(c.column.name)});
            return out;
          },
          [](const RenameColumn& c) -> std::vector<Statement> {
            return {{"ALTER TABLE " + q(c.table.name) + " RENAME COLUMN " + q(c.from) + " TO " +
                     q(c.to)}};
          },
          [](const CreateIndex& c) -> std::vector<Statement> {
            return {{index_sql(c.table.name, c.index)}};
          },
          [](const DropIndex& c) -> std::vector<Statement> {
            return {{"DROP INDEX " + q(c.index.name)}};
          },
          [](const CreateView& c) -> std::vector<Statement> {
            return {{"CREATE VIEW " + q(c.view.name.name) + " AS " + c.view.sql}};
          },
          [](const DropView& c) -> std::vector<Statement> {
            return {{"DROP VIEW " + q(c.view.name.name)}};
          },
          [](const RebuildTable& c) -> std::vector<Statement> {
            std::vector<Statement> before;
            if (c.keep_as) {
              auto kept = kept_table(*c.keep_as);
              auto dropped = dropped_columns(c);
              before.push_back({"CREATE TABLE " + q(kept) + " AS SELECT " + q_list(c.key) + ", " +
                                q_list(dropped) + " FROM " + q(c.from.name.name)});
              before.push_back({kept_insert(q(kept), "columns", q(c.from.name.name))});
            }
            // Columns that need a backfill are filled first, in batches by rowid, each batch a
            // short write transaction: new ones are added (nullable) for that. The rebuild
            // then copies them, and fills only rows written meanwhile.
            std::vector<Statement> out;
            state::Table from = c.from;
            for (const auto& col : c.to.columns) {
              if (!col.backfill || col.generated)
                continue;
              std::string source = col.name;
              for (const auto& [new_name, old_name] : c.renamed)
                if (new_name == col.name)
                  source = old_name;
              const auto* old = from.find_column(source);
              if (old == nullptr) {
                state::Column added;
                added.name = col.name;
                added.type = col.type;
                added.nullable = true;
                out.push_back(
                    {"ALTER TABLE " + q(c.from.name.name) + " ADD COLUMN " +
                         column_definition(nullptr, added),
                     false, std::nullopt,
                     "ALTER TABLE " + q(c.from.name.name) + " DROP COLUMN " + q(col.name)});
                from.columns.push_back(added);
              } else if (!old->nullable || col.nullable) {
                continue;
              }
              out.push_back({"UPDATE " + q(c.from.name.name) + " SET " + q(source) + " = " +
                                 *col.backfill + " WHERE " + q(source) + " IS NULL",
                             false, planner::Backfill{c.from.name, source, *col.backfill}, ""});
            }
            auto rest = rebuild(c.to, copy_plan(from, c.to, c.renamed), before, {});
            out.insert(out.end(), rest.begin(), rest.end());
            return out;
          },
      },
      change);
}

std::vector<Statement> Renderer::render_reverse(const planner::Change& change) const {
  if (const auto* d = std::get_if<planner::DropTable>(&change); d != nullptr && d->keep_as) {
    auto kept = kept_table(*d->keep_as);
    return {{"ALTER TABLE " + q(kept) + " RENAME TO " + q(d->table.name.name)},
            {"DELETE FROM keel_kept WHERE object = " + quote_literal(q(kept))}};
  }
  if (const auto* d = std::get_if<planner::DropColumn>(&change); d != nullptr && d->keep_as) {
    auto kept = kept_table(*d->keep_as);
    std::string match;
    for (const auto& k : d->key)
      match += (match.empty() ? "" : " AND ") + q(kept) + "." + q(k) + " = " + q(d->table.name) +
               "." + q(k);
    return {{"ALTER TABLE " + q(d->table.name) + " ADD COLUMN " +
             column_definition(nullptr, d->column)},
            {"UPDATE " + q(d->table.name) + " SET " + q(d->column.name) + " = (SELECT " + q(kept) +
             "." + q(d->column.name) + " FROM " + q(kept) + " WHERE " + match + ")"},
            {"DROP TABLE " + q(kept)},
            {"DELETE FROM keel_kept WHERE object = " + quote_literal(q(kept))}};
  }
  if (const auto* r = std::get_if<planner::RebuildTable>(&change); r != nullptr && r->keep_as) {
    // Back to the old shape; the dropped columns come back from the side table by key.
    auto kept = kept_table(*r->keep_as);
    std::vector<std::pair<std::string, std::string>> back;
    for (const auto& [new_name, old_name] : r->renamed)
      back.emplace_back(old_name, new_name);
    auto copy = copy_plan(r->to, r->from, back);
    std::string match;
    for (const auto& k : r->key)
      match += (match.empty() ? "" : " AND ") + std::string("k.") + q(k) + " = " +
               q(r->to.name.name) + "." + q(k);
    for (const auto& col : dropped_columns(*r))
      copy.emplace_back(col,
                        "(SELECT k." + q(col) + " FROM " + q(kept) + " AS k WHERE " + match + ")");
    return rebuild(r->from, copy, {},
                   {{"DROP TABLE " + q(kept)},
                    {"DELETE FROM keel_kept WHERE object = " + quote_literal(q(kept))}});
  }
  return render(planner::invert(change));
}

namespace {

/// What a rebuild does that SQLite's ALTER TABLE cannot, for the reviewer: "change the type
/// of "a" and change the primary key", the first few only.
std::string rebuild_reasons(const planner::RebuildTable& r) {
  std::vector<std::string> reasons;
  auto old_name = [&](const std::string& name) {
    for (const auto& [new_name, old] : r.renamed)
      if (new_name == name)
        return old;
    return name;
  };
  for (const auto& to : r.to.columns) {
    const state::Column* from = r.from.find_column(old_name(to.name));
    const std::string col = "\"" + to.name + "\"";
    if (from == nullptr) {
      if (!to.nullable && !to.default_sql)
        reasons.push_back("add NOT NULL column " + col);
      continue;
    }
    if (from->type != to.type)
      reasons.push_back("change the type of " + col);
    if (from->nullable != to.nullable)
      reasons.push_back("change the nullability of " + col);
    if (from->default_sql != to.default_sql)
      reasons.push_back("change the default of " + col);
    if (from->generated != to.generated)
      reasons.push_back("change the expression of " + col);
    if (from->collation != to.collation)
      reasons.push_back("change the collation of " + col);
  }
  for (const auto& from : r.from.columns) {
    bool kept = std::any_of(r.to.columns.begin(), r.to.columns.end(),
                            [&](const state::Column& c) { return old_name(c.name) == from.name; });
    if (!kept)
      reasons.push_back("drop \"" + from.name + "\"");
  }
  // "rename" where constraints differ only in their names (a renamed table's default names).
  auto verb = [](const auto& from, const auto& to) -> std::string {
    if (from.size() != to.size())
      return "change";
    std::vector<bool> matched(to.size(), false);
    for (auto item : from) {
      bool found = false;
      for (std::size_t i = 0; i < to.size() && !found; ++i) {
        item.name = to[i].name;
        if (!matched[i] && item == to[i])
          matched[i] = found = true;
      }
      if (!found)
        return "change";
    }
    return "rename";
  };
  auto as_list = [](const std::optional<state::PrimaryKey>& key) {
    return key ? std::vector<state::PrimaryKey>{*key} : std::vector<state::PrimaryKey>{};
  };
  if (r.from.primary_key != r.to.primary_key)
    reasons.push_back(verb(as_list(r.from.primary_key), as_list(r.to.primary_key)) +
                      " the primary key");
  if (r.from.uniques != r.to.uniques)
    reasons.push_back(verb(r.from.uniques, r.to.uniques) + " the unique constraints");
  if (r.from.foreign_keys != r.to.foreign_keys)
    reasons.push_back(verb(r.from.foreign_keys, r.to.foreign_keys) + " the foreign keys");
  if (r.from.checks != r.to.checks)
    reasons.push_back(verb(r.from.checks, r.to.checks) + " the checks");
  constexpr std::size_t kShown = 3;
  if (reasons.size() > kShown) {
    reasons.resize(kShown);
    reasons.emplace_back("more");
  }
  std::string out;
  for (std::size_t i = 0; i < reasons.size(); ++i)
    out += (i == 0 ? "" : i + 1 == reasons.size() ? " and " : ", ") + reasons[i];
  return out.empty() ? "make this change" : out;
}

}  // namespace

std::vector<HazardNote> Renderer::hazards(const planner::Change& change) const {
  std::vector<HazardNote> out;
  std::visit(
      Overloaded{
          [&](const planner::RebuildTable& c) {
            out.push_back({Hazard::TableRewrite, "SQLite cannot " + rebuild_reasons(c) +
                                                     " in place: table \"" + c.to.name.name +
                                                     "\" is rebuilt and its rows copied"});
            out.push_back({Hazard::BlocksWrites,
                           "the database's write lock is held while the rows are copied"});
            out.push_back({Hazard::LongRunning, "time grows with the number of rows"});
            auto statements = render(change);
            bool backfills =
                std::any_of(statements.begin(), statements.end(),
                            [](const Statement& st) { return st.backfill.has_value(); });
            if (backfills)
              out.push_back({Hazard::NonTransactional,
                             "the backfill batches commit one by one before the rebuild; if "
                             "it stops midway, the next plan repairs it"});
          },
          [&](const planner::DropColumn&) {
            out.push_back({Hazard::TableRewrite, "SQLite rewrites the table to drop a column"});
          },
          [&](const planner::RenameIndex&) {
            out.push_back({Hazard::BlocksWrites,
                           "SQLite cannot rename an index: it is built again under its new "
                           "name, and writes wait meanwhile"});
          },
          [&](const planner::CreateIndex& c) {
            if (!c.table_is_new)
              out.push_back({Hazard::BlocksWrites, "writes wait while the index is built"});
          },
          [](const auto&) {},
      },
      change);
  return out;
}

}  // namespace keel::dialects::sqlite
