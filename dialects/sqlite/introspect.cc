#include "dialects/sqlite/introspect.h"

#include <map>
#include <utility>

#include <fmt/format.h>

#include "dialects/dialect.h"
#include "dialects/sqlite/ddl_parser.h"
#include "dialects/sqlite/normalize.h"

// Catalog facts: https://www.sqlite.org/schematab.html and https://www.sqlite.org/pragma.html.
//
// SQLite builds everything its pragmas report (table_xinfo, index_xinfo, foreign_key_list)
// by parsing the CREATE text it keeps in sqlite_schema, and that text is the only place for
// CHECKs, collations, constraint names and index expressions. So the inspector reads the text
// once and parses it, in two queries whatever the number of tables. Per-object pragmas were
// measured and dropped: SQLite finds a table by name in a hash table of at most 64 buckets
// (hash.c), so each pragma call costs time proportional to the schema and joining them over
// 10,000 tables took seconds. tests/sqlite/pragma_agreement_test.cc checks that the parse
// and the pragmas agree on every table of the test catalogue.
namespace keel::dialects::sqlite {
namespace {

// Everything read about one table before it becomes a state::Table.
struct TableData {
  std::string name;
  std::string sql;
  std::vector<std::pair<std::string, std::string>> indexes;  // (name, sql)
};

bool has_prefix(const std::string& name, std::string_view prefix) {
  return name.size() >= prefix.size() &&
         iequals(std::string_view(name).substr(0, prefix.size()), prefix);
}

// The column of `table` that SQLite resolves `name` to (names are ASCII case-insensitive).
const state::Column* find_column(const state::Table& table, const std::string& name) {
  for (const state::Column& column : table.columns) {
    if (iequals(column.name, name)) {
      return &column;
    }
  }
  return nullptr;
}

std::string column_name(const state::Table& table, const std::string& name) {
  const state::Column* column = find_column(table, name);
  return column != nullptr ? column->name : name;
}

class Inspector {
 public:
  Inspector(Connection& connection, const state::Settings& settings)
      : conn_(connection), settings_(settings) {}

  state::Schema run() {
    read_catalog();
    state::Schema schema;
    schema.settings = settings_;
    schema.settings.schema = "main";
    for (const auto& [key, data] : tables_) {
      state::Table table = build_table(data);
      schema.tables.emplace(table.name, std::move(table));
    }
    resolve_foreign_keys(schema);
    for (const auto& [name, sql] : views_) {
      ParsedView parsed = parse(name, sql, "view", parse_create_view);
      if (!parsed.columns.empty()) {
        problems_.push_back(fmt::format("view \"{}\": a column list", name));
      }
      state::View view;
      view.name = {"main", name};
      view.sql = parsed.query;
      schema.views.emplace(view.name, std::move(view));
    }
    if (!problems_.empty()) {
      std::string message = fmt::format(
          "sqlite database \"{}\" uses what keel cannot represent yet; add these names to "
          "settings.exclude to leave them alone:",
          conn_.path());
      for (const std::string& problem : problems_) {
        message += "\n  " + problem;
      }
      throw DatabaseError(message);
    }
    state::sort_canonical(schema);
    return schema;
  }

 private:
  bool managed(const std::string& name) const {
    return !has_prefix(name, "sqlite_") && !has_prefix(name, "keel_") &&
           !state::is_excluded(settings_, {"main", name});
  }

  template <class Parsed>
  static Parsed parse(const std::string& name, const std::string& sql, std::string_view kind,
                      Parsed (*parser)(std::string_view)) {
    try {
      return parser(sql);
    } catch (const SyntaxError& e) {
      throw DatabaseError(
          fmt::format("cannot read the definition of sqlite {} \"{}\": {}", kind, name, e.what()),
          {}, sql);
    }
  }

  void read_catalog() {
    // Virtual tables and their shadow tables belong to their module (FTS5, R*Tree...), as
    // extension-owned objects do in PostgreSQL: keel leaves them alone.
    std::map<std::string, std::string> kinds;  // lowercased name -> pragma_table_list type
    {
      Statement stmt =
          conn_.prepare("SELECT name, type FROM pragma_table_list WHERE schema = 'main'");
      while (stmt.step()) {
        kinds[ascii_lower(stmt.text(0))] = stmt.text(1);
      }
    }
    Statement stmt = conn_.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema "
        "WHERE sql IS NOT NULL AND type IN ('table', 'index', 'view') ORDER BY type DESC, name");
    // "view", "table", "index": every table is known before its indexes.
    while (stmt.step()) {
      std::string type = stmt.text(0);
      std::string name = stmt.text(1);
      if (type == "table") {
        table_names_[ascii_lower(name)] = name;
        const std::string& kind = kinds[ascii_lower(name)];
        std::string sql = stmt.text(3);
        if (kind == "virtual" || kind == "shadow" || has_prefix(sql, "CREATE VIRTUAL")) {
          continue;
        }
        if (!managed(name)) {
          continue;
        }
        tables_.emplace(ascii_lower(name), TableData{name, std::move(sql), {}});
      } else if (type == "view") {
        if (managed(name)) {
          views_.emplace_back(name, stmt.text(3));
        }
      } else {
        auto it = tables_.find(ascii_lower(stmt.text(2)));
        if (it != tables_.end()) {
          it->second.indexes.emplace_back(name, stmt.text(3));
        }
      }
    }
  }

  state::Table build_table(const TableData& data) {
    ParsedTable parsed = parse(data.name, data.sql, "table", parse_create_table);
    for (const std::string& problem : parsed.unsupported) {
      problems_.push_back(fmt::format("table \"{}\": {}", data.name, problem));
    }
    state::Table table;
    table.name = {"main", data.name};
    for (const ParsedColumn& declared : parsed.columns) {
      state::Column column;
      column.name = declared.name;
      column.type = normalize_declared_type(declared.declared_type);
      column.nullable = !declared.not_null;
      column.default_sql = declared.default_sql;
      column.generated = declared.generated;
      column.collation = normalize_collation(declared.collation);
      if (declared.autoincrement) {
        column.identity = state::Identity::ByDefault;
      }
      table.columns.push_back(std::move(column));
    }
    if (parsed.primary_key) {
      state::PrimaryKey key;
      key.name = parsed.primary_key->name.value_or("");
      // SQLite lets the key columns of a rowid table hold NULL (a bug kept for compatibility,
      // lang_createtable.html#the_primary_key); keel's model, like PostgreSQL and the TOML
      // format, has key columns NOT NULL. A rebuild then adds NOT NULL, and fails loudly on a
      // NULL key rather than dropping the row.
      for (const std::string& name : parsed.primary_key->columns) {
        key.columns.push_back(column_name(table, name));
        if (state::Column* column = table.find_column(key.columns.back())) {
          column->nullable = false;
        }
      }
      table.primary_key = std::move(key);
    }
    for (const ParsedKey& unique : parsed.uniques) {
      state::UniqueConstraint constraint;
      constraint.name = unique.name.value_or("");
      for (const std::string& column : unique.columns) {
        constraint.columns.push_back(column_name(table, column));
      }
      table.uniques.push_back(std::move(constraint));
    }
    for (const ParsedForeignKey& declared : parsed.foreign_keys) {
      state::ForeignKey key;
      key.name = declared.name.value_or("");
      for (const std::string& column : declared.columns) {
        key.columns.push_back(column_name(table, column));
      }
      auto parent = table_names_.find(ascii_lower(declared.ref_table));
      key.ref_table = {"main", parent != table_names_.end() ? parent->second : declared.ref_table};
      key.ref_columns = declared.ref_columns;
      key.on_delete = declared.on_delete;
      key.on_update = declared.on_update;
      key.deferrable = declared.deferrable;
      key.initially_deferred = declared.initially_deferred;
      table.foreign_keys.push_back(std::move(key));
    }
    for (const ParsedCheck& check : parsed.checks) {
      table.checks.push_back(state::Check{check.name.value_or(""), check.expr, true});
    }
    name_constraints(table);
    for (const auto& [name, sql] : data.indexes) {
      table.indexes.push_back(build_index(table, name, sql));
    }
    return table;
  }

  static state::Index build_index(const state::Table& table, const std::string& name,
                                  const std::string& sql) {
    ParsedIndex parsed = parse(name, sql, "index", parse_create_index);
    state::Index index;
    index.name = name;
    index.unique = parsed.unique;
    index.where = parsed.where;
    for (const ParsedIndexKey& declared : parsed.keys) {
      state::IndexKey key;
      std::optional<std::string> column_collation;
      // A name that is not a column ("rowid", a double-quoted string) is an expression key.
      const state::Column* column =
          declared.column ? find_column(table, *declared.column) : nullptr;
      if (column != nullptr) {
        key.column = column->name;
        column_collation = column->collation;
      } else {
        key.expression = declared.expression;
      }
      key.descending = declared.descending;
      key.collation = normalize_key_collation(declared.collation, column_collation);
      index.keys.push_back(std::move(key));
    }
    return index;
  }

  // Fills ref_columns left implicit (`REFERENCES parent`) with the parent's primary key, and
  // spells referenced columns as the parent declares them.
  static void resolve_foreign_keys(state::Schema& schema) {
    for (auto& [name, table] : schema.tables) {
      for (state::ForeignKey& key : table.foreign_keys) {
        const state::Table* parent = schema.find_table(key.ref_table);
        if (parent == nullptr) {
          continue;
        }
        if (key.ref_columns.empty() && parent->primary_key) {
          key.ref_columns = parent->primary_key->columns;
        }
        for (std::string& column : key.ref_columns) {
          column = column_name(*parent, column);
        }
      }
    }
  }

  Connection& conn_;
  const state::Settings& settings_;
  std::map<std::string, TableData> tables_;                 // by lowercased name
  std::map<std::string, std::string> table_names_;          // lowercased -> as stored, every table
  std::vector<std::pair<std::string, std::string>> views_;  // (name, sql)
  std::vector<std::string> problems_;
};

}  // namespace

state::Schema inspect(Connection& connection, const state::Settings& settings) {
  return Inspector(connection, settings).run();
}

}  // namespace keel::dialects::sqlite
