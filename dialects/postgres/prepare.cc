// prepare_desired: the desired schema in the form inspect() produces, without a connection.
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "dialects/postgres/lexer.h"
#include "dialects/postgres/naming.h"
#include "dialects/postgres/normalize.h"
#include "dialects/postgres/postgres.h"
#include "dialects/postgres/types.h"
#include "dialects/sql.h"
#include "state/types.h"

namespace keel::dialects::postgres {

namespace {

void fill_schema(state::QualifiedName& name, const std::string& schema) {
  if (name.schema.empty()) {
    name.schema = schema;
  }
}

std::string normalize_column_type(const std::string& type, const std::set<std::string>& enums,
                                  const std::string& default_schema) {
  const bool array = type.ends_with("[]");
  const std::string base = array ? type.substr(0, type.size() - 2) : type;
  if (enums.contains(base)) {
    return type;
  }
  std::string normalized = state::normalize_type(type).value_or(type);
  // A user or extension type of the default schema is written without it, as inspect does.
  const std::string prefix = quote_ident(default_schema) + ".";
  if (normalized.starts_with(prefix) && !enums.contains(normalized) &&
      !enums.contains(normalized.substr(0, normalized.size() - (array ? 2 : 0)))) {
    normalized = normalized.substr(prefix.size());
  }
  return normalized;
}

bool is_null_default(const std::string& sql) {
  const std::string e = ascii_lower(normalize_expr(sql));
  return e == "null" || e.starts_with("null::");
}

// A large schema repeats a few types and defaults over many columns: each distinct one is
// normalized once. Both functions depend only on their arguments and on the enums and default
// schema, which do not change while a schema is prepared.
struct ColumnCache {
  std::unordered_map<std::string, std::string> types;  // as written -> normalized
  // (default as written, normalized type) -> normalized default; nullopt for NULL
  std::map<std::pair<std::string, std::string>, std::optional<std::string>> defaults;
};

void prepare_column(state::Column& column, const std::set<std::string>& enums,
                    const std::string& default_schema, ColumnCache& cache) {
  auto type = cache.types.find(column.type);
  if (type == cache.types.end()) {
    type =
        cache.types.emplace(column.type, normalize_column_type(column.type, enums, default_schema))
            .first;
  }
  column.type = type->second;
  if (column.default_sql) {
    auto key = std::make_pair(*column.default_sql, column.type);
    auto it = cache.defaults.find(key);
    if (it == cache.defaults.end()) {
      std::optional<std::string> normalized;
      if (!is_null_default(*column.default_sql)) {
        normalized = normalize_default(*column.default_sql, column.type);
      }
      it = cache.defaults.emplace(std::move(key), std::move(normalized)).first;
    }
    column.default_sql = it->second;
  }
  if (column.generated) {
    column.generated = normalize_expr(*column.generated);
  }
  if (column.collation) {
    std::string c(trim(*column.collation));
    if (c.size() >= 2 && c.front() == '"' && c.back() == '"') {
      c = c.substr(1, c.size() - 2);
    }
    column.collation = c;
  }
}

void prepare_index_key(state::IndexKey& key) {
  if (key.expression) {
    key.expression = normalize_expr(*key.expression);
  }
  // Engine defaults: ASC NULLS LAST and DESC NULLS FIRST.
  if (key.descending && key.nulls == state::NullsOrder::First) {
    key.nulls = state::NullsOrder::Default;
  }
  if (!key.descending && key.nulls == state::NullsOrder::Last) {
    key.nulls = state::NullsOrder::Default;
  }
}

std::vector<std::string> column_names(const state::Table& table) {
  std::vector<std::string> names;
  names.reserve(table.columns.size());
  for (const auto& c : table.columns) {
    names.push_back(c.name);
  }
  return names;
}

// Names every unnamed constraint and index of `table` as PostgreSQL would when the table is
// created from scratch: CHECKs, then the primary key and UNIQUE constraints, then foreign keys,
// then the indexes (the order CREATE TABLE and the following CREATE INDEX statements use).
void name_objects(state::Table& table, NameChooser& names) {
  const std::string& relname = table.name.name;
  const std::vector<std::string> columns = column_names(table);
  for (auto& check : table.checks) {
    if (!check.name.empty()) {
      continue;
    }
    const std::vector<std::string> used = referenced_columns(check.expr, columns);
    if (used.size() == 1) {
      check.name = names.choose_constraint(relname, used.front(), "check");
    } else {
      check.name = names.choose_constraint(relname, std::nullopt, "check");
    }
  }
  if (table.primary_key && table.primary_key->name.empty()) {
    table.primary_key->name = names.choose_relation(relname, std::nullopt, "pkey", true);
  }
  for (auto& unique : table.uniques) {
    if (!unique.name.empty()) {
      continue;
    }
    unique.name = names.choose_relation(relname, name_addition(index_column_names(unique.columns)),
                                        "key", true);
  }
  for (auto& fk : table.foreign_keys) {
    if (!fk.name.empty()) {
      continue;
    }
    fk.name = names.choose_constraint(relname, name_addition(fk.columns), "fkey");
  }
  for (auto& index : table.indexes) {
    if (!index.name.empty()) {
      continue;
    }
    std::vector<std::string> keys;
    for (const auto& key : index.keys) {
      keys.push_back(key.expression ? expression_column_name(*key.expression) : key.column);
    }
    for (const auto& include : index.include) {
      keys.push_back(include);
    }
    index.name =
        names.choose_relation(relname, name_addition(index_column_names(keys)), "idx", false);
  }
}

}  // namespace

void prepare_desired(state::Schema& desired) {
  const std::string& default_schema = desired.settings.schema;
  std::set<std::string> enums;
  for (const auto& [name, e] : desired.enums) {
    enums.insert(state::type_name(name));
  }

  // Names already taken, per schema, before any default name is chosen.
  std::map<std::string, NameChooser> choosers;
  for (auto& [name, table] : desired.tables) {
    NameChooser& names = choosers[name.schema];
    names.add_relation(name.name);
    for (auto& p : table.partitions) {
      fill_schema(p.name, default_schema);
      choosers[p.name.schema].add_relation(p.name.name);
    }
    auto take_relation = [&](std::string& n) {
      if (n.empty()) {
        return;
      }
      n = truncate_identifier(n);
      names.add_relation(n);
      names.add_constraint(n);
    };
    auto take_constraint = [&](std::string& n) {
      if (n.empty()) {
        return;
      }
      n = truncate_identifier(n);
      names.add_constraint(n);
    };
    if (table.primary_key) {
      take_relation(table.primary_key->name);
    }
    for (auto& u : table.uniques) {
      take_relation(u.name);
    }
    for (auto& fk : table.foreign_keys) {
      take_constraint(fk.name);
    }
    for (auto& c : table.checks) {
      take_constraint(c.name);
    }
    for (auto& index : table.indexes) {
      if (index.name.empty()) {
        continue;
      }
      index.name = truncate_identifier(index.name);
      names.add_relation(index.name);
    }
  }
  for (const auto& [name, view] : desired.views) {
    choosers[name.schema].add_relation(name.name);
  }

  ColumnCache cache;
  for (auto& [name, table] : desired.tables) {
    for (auto& column : table.columns) {
      prepare_column(column, enums, default_schema, cache);
    }
    for (auto& check : table.checks) {
      check.expr = normalize_expr(check.expr);
    }
    for (auto& fk : table.foreign_keys) {
      fill_schema(fk.ref_table, default_schema);
    }
    for (auto& index : table.indexes) {
      for (auto& key : index.keys) {
        prepare_index_key(key);
      }
      index.method = ascii_lower(index.method.empty() ? "btree" : index.method);
      if (index.where) {
        index.where = normalize_expr(*index.where);
      }
    }
    if (table.partition_by) {
      table.partition_by = normalize_partition_clause(*table.partition_by);
    }
    for (auto& p : table.partitions) {
      p.bound = normalize_partition_clause(p.bound);
    }
    name_objects(table, choosers[name.schema]);
  }
  for (auto& [name, view] : desired.views) {
    view.sql = normalize_view_sql(view.sql);
  }
  for (auto& extension : desired.extensions) {
    if (extension.schema && *extension.schema == default_schema) {
      extension.schema.reset();
    }
  }
  state::sort_canonical(desired);
}

}  // namespace keel::dialects::postgres
