// Database::canonicalize for PostgreSQL. The server re-renders every expression it stores
// (`x IN ('a','b')` becomes `x = ANY (ARRAY['a'::text, 'b'::text])`, `price > 0` on a numeric
// column becomes `price > 0::numeric`), so the only faithful way to compare user text with
// inspected text is to let the server render the user text too, as pg-schema-diff and pgschema
// do (docs/online-ddl §8, "best practice"). Here every desired expression that differs from the
// live one is put on temporary objects in a transaction that is always rolled back, and read
// back with the inspector's queries and normalization.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "dialects/dialect.h"
#include "dialects/postgres/introspect.h"
#include "dialects/postgres/naming.h"
#include "dialects/postgres/normalize.h"
#include "dialects/sql.h"

namespace keel::dialects::postgres {

namespace {

// A type or collation in SQL. Column types are already SQL text; collations are names
// ("C") or "schema.name".
std::string collation_sql(const std::string& collation) {
  const std::size_t dot = collation.find('.');
  if (dot == std::string::npos) {
    return quote_ident(collation);
  }
  return quote_ident(collation.substr(0, dot)) + "." + quote_ident(collation.substr(dot + 1));
}

std::string column_sql(const std::string& name, const state::Column& c) {
  std::string s = quote_ident(name) + " " + c.type;
  if (c.collation) {
    s += " COLLATE " + collation_sql(*c.collation);
  }
  return s;
}

std::string key_sql(const state::IndexKey& key) {
  std::string s = key.expression ? "(" + *key.expression + ")" : quote_ident(key.column);
  if (key.collation) {
    s += " COLLATE " + collation_sql(*key.collation);
  }
  if (key.opclass) {
    s += " " + *key.opclass;
  }
  return s;
}

bool same_index_text(const state::Index& a, const state::Index& b) {
  if (a.where != b.where || a.keys.size() != b.keys.size()) {
    return false;
  }
  for (std::size_t k = 0; k < a.keys.size(); ++k) {
    if (a.keys[k].expression != b.keys[k].expression || a.keys[k].column != b.keys[k].column) {
      return false;
    }
  }
  return true;
}

bool has_expressions(const state::Index& index) {
  return index.where ||
         std::any_of(index.keys.begin(), index.keys.end(),
                     [](const state::IndexKey& key) { return key.expression.has_value(); });
}

// One statement of the scratch script and its form inside CREATE TABLE, if it has one.
struct Item {
  std::string inline_sql{};    ///< a column or table constraint of CREATE TEMP TABLE; or ""
  std::string separate_sql{};  ///< the statement that adds it on its own
};

// A temporary table that carries the expressions of one or more desired tables. Tables whose
// columns agree (same name -> same type and collation) share one, which keeps the number of
// temporary tables, and so the cost, low on large schemas.
struct TempTable {
  std::string name{};
  std::vector<std::string> columns{};                 ///< column definitions in SQL
  std::map<std::string, std::string> column_types{};  ///< name -> "type COLLATE x"
  std::vector<Item> items{};
};

// Statements that stand alone (a new schema and enum); if the first fails, the rest are skipped.
struct Group {
  std::vector<std::string> statements{};
};

constexpr std::size_t kMaxColumnsPerTempTable = 1000;  // PostgreSQL allows 1600

class Canonicalizer {
 public:
  Canonicalizer(Session& session, state::Schema& desired, const state::Schema& live)
      : session_(session), desired_(desired), live_(live) {}

  void run(bool in_transaction) {
    plan();
    if (temps_.empty() && views_.empty()) {
      return;  // nothing differs from the live text
    }
    ScratchTransaction scratch(session_, in_transaction, false);
    create();
    session_.execute("SET LOCAL search_path = pg_catalog, pg_temp");
    read_back();
  }

 private:
  std::string next_name(std::string_view prefix) {
    return std::string(prefix) + std::to_string(++counter_);
  }

  void plan() {
    // Schemas and enums the desired state adds, so that expressions naming them resolve.
    for (const auto& [name, e] : desired_.enums) {
      if (live_.enums.contains(name)) {
        continue;
      }
      Group g;
      g.statements.push_back("CREATE SCHEMA IF NOT EXISTS " + quote_ident(name.schema));
      std::string values;
      for (const auto& v : e.values) {
        values += (values.empty() ? "" : ", ") + quote_literal(v);
      }
      g.statements.push_back("CREATE TYPE " + qualified(name) + " AS ENUM (" + values + ")");
      groups_.push_back(std::move(g));
    }
    for (auto& [name, table] : desired_.tables) {
      plan_table(table);
    }
    for (auto& [name, view] : desired_.views) {
      const auto live = live_.views.find(name);
      if (live != live_.views.end() && live->second.sql == view.sql) {
        continue;
      }
      const std::string temp = next_name("keel_v");
      views_.emplace(temp, &view);
      view_sql_.push_back("CREATE TEMP VIEW " + temp + " AS " + view.sql);
    }
  }

  // The temporary table that can carry `columns`, created if none can.
  TempTable& temp_for(const std::vector<const state::Column*>& columns) {
    for (auto& temp : temps_) {
      bool fits = temp.columns.size() + columns.size() <= kMaxColumnsPerTempTable;
      for (const state::Column* column : columns) {
        const auto it = temp.column_types.find(column->name);
        if (it != temp.column_types.end() && it->second != column_type(*column)) {
          fits = false;
        }
      }
      if (fits) {
        add_columns(temp, columns);
        return temp;
      }
    }
    temps_.push_back({next_name("keel_canon_"), {}, {}, {}});
    add_columns(temps_.back(), columns);
    return temps_.back();
  }

  static std::string column_type(const state::Column& column) {
    return column.type + (column.collation ? " COLLATE " + collation_sql(*column.collation) : "");
  }

  static void add_columns(TempTable& temp, const std::vector<const state::Column*>& columns) {
    for (const state::Column* column : columns) {
      if (temp.column_types.contains(column->name)) {
        continue;
      }
      temp.column_types.emplace(column->name, column_type(*column));
      temp.columns.push_back(column_sql(column->name, *column));
    }
  }

  // The columns of `table` that `expressions` may reference. Over-including is harmless; a
  // column the scan misses makes the fast script fail, and the slow path still works.
  static std::vector<const state::Column*> referenced(const state::Table& table,
                                                      const std::vector<std::string>& exprs,
                                                      const std::vector<std::string>& names) {
    std::vector<std::string> all;
    all.reserve(table.columns.size());
    for (const auto& column : table.columns) {
      all.push_back(column.name);
    }
    std::vector<std::string> used = names;
    for (const auto& expr : exprs) {
      for (auto& name : referenced_columns(expr, all)) {
        used.push_back(std::move(name));
      }
    }
    std::vector<const state::Column*> out;
    for (const auto& column : table.columns) {
      if (std::find(used.begin(), used.end(), column.name) != used.end()) {
        out.push_back(&column);
      }
    }
    return out;
  }

  // What the server's rendering of an expression depends on besides its text: the names, types
  // and collations of the columns it references.
  static std::string signature(const std::vector<const state::Column*>& columns) {
    std::string out;
    for (const state::Column* column : columns) {
      out += '\x1f';
      out += column->name;
      out += '\x1e';
      out += column_type(*column);
    }
    return out;
  }

  // The scratch object already planned for an expression with the same key (another table's
  // identical CHECK, default, ...), or nullopt after remembering `name` as the one for `key`.
  // Equal keys render to equal text, so each distinct one is sent to the server once.
  std::optional<std::string> shared(std::string key, const std::string& name) {
    const auto [it, inserted] = shared_.try_emplace(std::move(key), name);
    if (inserted) {
      return std::nullopt;
    }
    return it->second;
  }

  void plan_table(state::Table& table) {
    const state::Table* live = live_.find_table(table.name);
    std::vector<Item> items;
    std::vector<std::string> exprs;  // what the items reference
    std::vector<std::string> names;
    for (auto& check : table.checks) {
      const bool same = live != nullptr &&
                        std::any_of(live->checks.begin(), live->checks.end(),
                                    [&](const state::Check& c) { return c.expr == check.expr; });
      if (same) {
        continue;
      }
      const std::string name = next_name("keel_c");
      if (const auto first =
              shared("c\x1f" + check.expr + "\x1f" + signature(referenced(table, {check.expr}, {})),
                     name)) {
        checks_[*first].push_back(&check);
        continue;
      }
      checks_[name].push_back(&check);
      exprs.push_back(check.expr);
      const std::string sql = "CONSTRAINT " + name + " CHECK (" + check.expr + ")";
      items.push_back({sql, "ADD " + sql});
    }
    for (auto& column : table.columns) {
      const state::Column* old = live != nullptr ? live->find_column(column.name) : nullptr;
      if (column.default_sql && !(old != nullptr && old->default_sql == column.default_sql)) {
        const std::string name = next_name("keel_d");
        if (const auto first =
                shared("d\x1f" + *column.default_sql + "\x1f" + column_type(column), name)) {
          defaults_[*first].push_back(&column);
        } else {
          defaults_[name].push_back(&column);
          const std::string sql = column_sql(name, column) + " DEFAULT " + *column.default_sql;
          items.push_back({sql, "ADD COLUMN " + sql});
        }
      }
      if (column.generated && !(old != nullptr && old->generated == column.generated)) {
        const std::string name = next_name("keel_g");
        if (const auto first = shared("g\x1f" + *column.generated + "\x1f" + column_type(column) +
                                          signature(referenced(table, {*column.generated}, {})),
                                      name)) {
          generated_[*first].push_back(&column);
        } else {
          generated_[name].push_back(&column);
          exprs.push_back(*column.generated);
          const std::string sql =
              column_sql(name, column) + " GENERATED ALWAYS AS (" + *column.generated + ") STORED";
          items.push_back({sql, "ADD COLUMN " + sql});
        }
      }
    }
    std::vector<std::pair<std::string, state::Index*>> indexes;
    for (auto& index : table.indexes) {
      if (!has_expressions(index)) {
        continue;
      }
      const state::Index* old = live != nullptr ? live->find_index(index.name) : nullptr;
      if (old != nullptr && same_index_text(*old, index)) {
        continue;
      }
      const std::string name = next_name("keel_i");
      std::vector<std::string> index_exprs;
      std::vector<std::string> index_names;
      std::string shared_key = "i\x1f" + index.method + "\x1f" + index.where.value_or("\x1d");
      for (const auto& k : index.keys) {
        shared_key += "\x1f" + key_sql(k);
        if (k.expression) {
          index_exprs.push_back(*k.expression);
        } else {
          index_names.push_back(k.column);
        }
      }
      if (index.where) {
        index_exprs.push_back(*index.where);
      }
      shared_key += "\x1f" + signature(referenced(table, index_exprs, index_names));
      if (index_exprs.size() == 1 && index.where) {
        // Only the predicate is rendered (the keys are columns), and it does not depend on the
        // keys or the method: indexes that differ only in those share one.
        shared_key =
            "w\x1f" + *index.where + "\x1f" + signature(referenced(table, {*index.where}, {}));
      }
      if (const auto first = shared(std::move(shared_key), name)) {
        indexes_[*first].emplace_back(&index, &table);
        continue;
      }
      indexes.emplace_back(name, &index);
      if (index.where) {
        exprs.push_back(*index.where);
      }
      for (const auto& key : index.keys) {
        if (key.expression) {
          exprs.push_back(*key.expression);
        } else {
          names.push_back(key.column);
        }
      }
    }
    if (items.empty() && indexes.empty()) {
      return;
    }
    TempTable& temp = temp_for(referenced(table, exprs, names));
    for (auto& item : items) {
      item.separate_sql = "ALTER TABLE pg_temp." + temp.name + " " + item.separate_sql;
      temp.items.push_back(std::move(item));
    }
    for (auto& [name, index] : indexes) {
      indexes_[name].emplace_back(index, &table);
      std::string keys;
      for (const auto& key : index->keys) {
        keys += (keys.empty() ? "" : ", ") + key_sql(key);
      }
      std::string sql = "CREATE INDEX " + name;
      sql += " ON pg_temp." + temp.name;
      sql += " USING " + quote_ident(index->method);
      sql += " (" + keys + ")";
      if (index->where) {
        sql += " WHERE " + *index->where;
      }
      temp.items.push_back({"", std::move(sql)});
    }
  }

  // CREATE TEMP TABLE for `temp`, with its inline items or without. A partitioned table (on a
  // column of its own) has no storage, nor have its indexes: creating the few hundred indexes
  // of a large schema takes a third of the time. What the server stores of the expressions, and
  // so reads back, is the same.
  static std::string create_table(const TempTable& temp, bool with_items, bool partitioned) {
    std::vector<std::string> parts;
    std::string key = "keel_partition_key";
    if (partitioned) {
      while (temp.column_types.contains(key)) {
        key += '_';
      }
      parts.push_back(quote_ident(key) + " integer");
    }
    parts.insert(parts.end(), temp.columns.begin(), temp.columns.end());
    if (with_items) {
      for (const auto& item : temp.items) {
        if (!item.inline_sql.empty()) {
          parts.push_back(item.inline_sql);
        }
      }
    }
    std::string sql = "CREATE TEMP TABLE " + temp.name + " (";
    for (std::size_t i = 0; i < parts.size(); ++i) {
      sql += (i > 0 ? ", " : "") + parts[i];
    }
    sql += ")";
    if (partitioned) {
      sql += " PARTITION BY LIST (" + quote_ident(key) + ")";
    }
    return sql;
  }

  // Runs everything in one script, on partitioned tables; when the server rejects something,
  // runs it again piece by piece, on plain tables, and keeps what works.
  void create() {
    std::string script = "SAVEPOINT keel_all";
    for (const auto& g : groups_) {
      for (const auto& s : g.statements) {
        script += ";\n" + s;
      }
    }
    for (const auto& temp : temps_) {
      script += ";\n" + create_table(temp, true, true);
      for (const auto& item : temp.items) {
        if (item.inline_sql.empty()) {
          script += ";\n" + item.separate_sql;
        }
      }
    }
    for (const auto& v : view_sql_) {
      script += ";\n" + v;
    }
    try {
      session_.execute(script);
      return;
    } catch (const DatabaseError&) {
      session_.execute("ROLLBACK TO SAVEPOINT keel_all");
    }
    for (const auto& g : groups_) {
      run_group(g.statements);
    }
    for (const auto& temp : temps_) {
      std::vector<std::string> statements = {create_table(temp, false, false)};
      for (const auto& item : temp.items) {
        statements.push_back(item.separate_sql);
      }
      run_group(statements);
    }
    for (const auto& v : view_sql_) {
      run_group({v});
    }
  }

  // Each statement under its own savepoint; stops when the first one fails.
  void run_group(const std::vector<std::string>& statements) {
    for (std::size_t i = 0; i < statements.size(); ++i) {
      try {
        session_.execute("SAVEPOINT keel_one; " + statements[i] + "; RELEASE SAVEPOINT keel_one");
      } catch (const DatabaseError&) {
        session_.execute("ROLLBACK TO SAVEPOINT keel_one; RELEASE SAVEPOINT keel_one");
        if (i == 0) {
          return;
        }
      }
    }
  }

  void read_back() {
    if (!checks_.empty()) {
      const Rows rows = session_.query(
          "SELECT con.conname, pg_get_constraintdef(con.oid, true) FROM pg_constraint con "
          "JOIN pg_class c ON c.oid = con.conrelid "
          "WHERE c.relnamespace = pg_my_temp_schema() AND con.contype = 'c'");
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const auto it = checks_.find(std::string(rows.text(r, 0)));
        if (it != checks_.end()) {
          const std::string expr = check_expression(rows.text(r, 1));
          for (state::Check* check : it->second) {
            check->expr = expr;
          }
        }
      }
    }
    if (!defaults_.empty() || !generated_.empty()) {
      const Rows rows = session_.query(
          "SELECT a.attname, pg_get_expr(ad.adbin, ad.adrelid, true) "
          "FROM pg_attrdef ad JOIN pg_class c ON c.oid = ad.adrelid "
          "JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum "
          "WHERE c.relnamespace = pg_my_temp_schema()");
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const std::string key(rows.text(r, 0));
        if (const auto d = defaults_.find(key); d != defaults_.end()) {
          for (state::Column* column : d->second) {
            column->default_sql = normalize_default(rows.text(r, 1), column->type);
          }
        }
        if (const auto g = generated_.find(key); g != generated_.end()) {
          for (state::Column* column : g->second) {
            column->generated = normalize_expr(rows.text(r, 1));
          }
        }
      }
    }
    if (!indexes_.empty()) {
      const Rows rows = session_.query(
          "SELECT ic.relname, pg_get_expr(i.indpred, i.indrelid, true), "
          "ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) "
          "FROM generate_series(1, i.indnkeyatts) k ORDER BY k), "
          "ARRAY(SELECT k FROM generate_series(0, i.indnkeyatts - 1) k "
          "WHERE i.indkey[k] <> 0 ORDER BY k) "
          "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
          "WHERE ic.relnamespace = pg_my_temp_schema()");
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const auto it = indexes_.find(std::string(rows.text(r, 0)));
        if (it == indexes_.end()) {
          continue;
        }
        const auto keys = parse_text_array(rows.text(r, 2));
        const auto columns = parse_text_array(rows.text(r, 3));
        for (const auto& [index_ptr, table_ptr] : it->second) {
          read_back_index(*index_ptr, *table_ptr, rows.is_null(r, 1), rows.text(r, 1), keys,
                          columns);
        }
      }
    }
    read_back_views();
  }

  // One index's predicate and expression keys as the server printed them for its scratch copy.
  static void read_back_index(state::Index& index, const state::Table& table, bool no_where,
                              std::string_view where,
                              const std::vector<std::optional<std::string>>& keys,
                              const std::vector<std::optional<std::string>>& columns) {
    index.where = no_where ? std::nullopt : std::optional(normalize_expr(where));
    for (std::size_t k = 0; k < index.keys.size() && k < keys.size(); ++k) {
      state::IndexKey& key = index.keys[k];
      if (!key.expression) {
        continue;
      }
      const bool became_column = std::any_of(columns.begin(), columns.end(),
                                             [&](const auto& c) { return c == std::to_string(k); });
      if (became_column) {  // "(a)" is stored as the column a
        for (const auto& column : table.columns) {
          if (quote_ident(column.name) == keys[k].value_or("")) {
            key.column = column.name;
            key.expression.reset();
          }
        }
      } else {
        key.expression = normalize_expr(keys[k].value_or(""));
      }
    }
  }

  void read_back_views() {
    if (!views_.empty()) {
      const Rows rows = session_.query(
          "SELECT relname, pg_get_viewdef(oid, true) FROM pg_class "
          "WHERE relnamespace = pg_my_temp_schema() AND relkind = 'v'");
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const auto it = views_.find(std::string(rows.text(r, 0)));
        if (it != views_.end()) {
          it->second->sql = normalize_view_sql(rows.text(r, 1));
        }
      }
    }
  }

  Session& session_;
  state::Schema& desired_;
  const state::Schema& live_;
  std::vector<Group> groups_;
  std::vector<TempTable> temps_;
  std::vector<std::string> view_sql_;
  std::size_t counter_ = 0;
  // Each scratch object (by name) and every desired element whose text it renders.
  std::unordered_map<std::string, std::vector<state::Check*>> checks_;
  std::unordered_map<std::string, std::vector<state::Column*>> defaults_;   // by column name
  std::unordered_map<std::string, std::vector<state::Column*>> generated_;  // by column name
  std::unordered_map<std::string, std::vector<std::pair<state::Index*, const state::Table*>>>
      indexes_;
  std::unordered_map<std::string, std::string> shared_;  // key -> the scratch object's name
  std::unordered_map<std::string, state::View*> views_;
};

}  // namespace

void canonicalize(Session& session, state::Schema& desired, const state::Schema& live,
                  bool in_transaction) {
  Canonicalizer(session, desired, live).run(in_transaction);
  // The server's rendering is not always a fixed point: `x IN ('a', 'b')` on a varchar column
  // renders as `x::text = ANY (ARRAY['a'::character varying, ...]::text[])`, and that text,
  // stored again, renders as `... ARRAY['a'::character varying::text, ...]`. Plans create
  // objects from the rendered text, so render once more: what is applied then reads back as
  // exactly what was planned. Texts already equal to the live ones are not sent again.
  Canonicalizer(session, desired, live).run(in_transaction);
}

}  // namespace keel::dialects::postgres
