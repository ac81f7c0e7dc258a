#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "dialects/sql.h"
#include "dialects/sqlite/normalize.h"
#include "dialects/sqlite/sqlite.h"
#include "state/diagnostic.h"
#include "state/types.h"

namespace keel::dialects::sqlite {
namespace {

using state::QualifiedName;

// An identifier in double quotes, always: SQLite reserves words PostgreSQL does not ("index",
// "update"), so the CHECKs keel writes never depend on a keyword list.
std::string quote_name(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

class Preparer {
 public:
  explicit Preparer(state::Schema& schema) : schema_(schema) {}

  void run() {
    for (const state::Extension& extension : schema_.extensions) {
      error("extension \"{}\": extensions are not supported by sqlite", extension.name);
    }
    schema_.extensions.clear();

    std::map<QualifiedName, state::Table> tables;
    for (auto& [name, table] : schema_.tables) {
      std::optional<QualifiedName> moved = to_main(name, "table");
      if (!moved) {
        continue;
      }
      table.name = *moved;
      if (table.renamed_from) {
        table.renamed_from = to_main(*table.renamed_from, "table");
      }
      if (!tables.emplace(*moved, std::move(table)).second) {
        error(R"(table "{}" is defined twice once moved to schema "main")", moved->name);
      }
    }
    schema_.tables = std::move(tables);
    std::map<QualifiedName, state::View> views;
    for (auto& [name, view] : schema_.views) {
      std::optional<QualifiedName> moved = to_main(name, "view");
      if (!moved) {
        continue;
      }
      view.name = *moved;
      view.comment.reset();
      view.sql = expression(view.sql, fmt::format("query of view \"{}\"", moved->name), false);
      if (!views.emplace(*moved, std::move(view)).second) {
        error(R"(view "{}" is defined twice once moved to schema "main")", moved->name);
      }
    }
    schema_.views = std::move(views);

    // SQLite index names share one namespace with tables and views.
    for (const auto& [name, table] : schema_.tables) {
      objects_.take(name.name);
      for (const state::Index& index : table.indexes) {
        objects_.take(index.name);
      }
    }
    for (const auto& [name, view] : schema_.views) {
      objects_.take(name.name);
    }

    for (auto& [name, table] : schema_.tables) {
      prepare_table(table);
    }
    for (auto& [name, table] : schema_.tables) {
      resolve_references(table);
    }
    schema_.enums.clear();
    schema_.settings.schema = "main";

    if (!errors_.empty()) {
      throw state::UserError(std::move(errors_));
    }
    state::sort_canonical(schema_);
  }

 private:
  template <class... Args>
  void error(fmt::format_string<Args...> format, Args&&... args) {
    state::Diagnostic diagnostic;
    diagnostic.message = fmt::format(format, std::forward<Args>(args)...);
    errors_.push_back(std::move(diagnostic));
  }

  // Unqualified names arrive in settings.schema; SQLite has only "main".
  std::optional<QualifiedName> to_main(const QualifiedName& name, std::string_view kind) {
    if (name.schema.empty() || name.schema == "main" || name.schema == schema_.settings.schema) {
      return QualifiedName{"main", name.name};
    }
    error(R"({} "{}" is in schema "{}", but sqlite has only schema "main")", kind, name.str(),
          name.schema);
    return std::nullopt;
  }

  std::string expression(const std::string& text, const std::string& what, bool strip) {
    try {
      return strip ? normalize_expr(text) : normalize_query(text);
    } catch (const SyntaxError& e) {
      error("{} is not valid SQL: {}", what, e.what());
      return text;
    }
  }

  std::optional<std::string> collation(const std::optional<std::string>& written,
                                       const std::string& what) {
    if (!written) {
      return std::nullopt;
    }
    std::string upper = ascii_upper(*written);
    // PostgreSQL's "C" and "POSIX" compare bytes, as SQLite's BINARY does.
    if (upper == "C" || upper == "POSIX" || upper == "BINARY") {
      return std::nullopt;
    }
    if (upper == "NOCASE" || upper == "RTRIM") {
      return upper;
    }
    error("{}: collation \"{}\" is not supported by sqlite (use BINARY, NOCASE or RTRIM)", what,
          *written);
    return std::nullopt;
  }

  // An index key's explicit collation, validated; BINARY is kept (it differs from a NOCASE
  // column's own collation), normalize_key_collation then drops what the key has anyway.
  std::optional<std::string> key_collation(const std::optional<std::string>& written,
                                           const std::string& what) {
    if (!written) {
      return std::nullopt;
    }
    std::string upper = ascii_upper(*written);
    if (upper == "C" || upper == "POSIX") {
      return "BINARY";
    }
    if (upper == "BINARY" || upper == "NOCASE" || upper == "RTRIM") {
      return upper;
    }
    error("{}: collation \"{}\" is not supported by sqlite (use BINARY, NOCASE or RTRIM)", what,
          *written);
    return std::nullopt;
  }

  // The column of `table` SQLite resolves `name` to (case-insensitively), as declared.
  static const state::Column* find_column(const state::Table& table, const std::string& name) {
    for (const state::Column& column : table.columns) {
      if (iequals(column.name, name)) {
        return &column;
      }
    }
    return nullptr;
  }
  static std::string column_name(const state::Table& table, const std::string& name) {
    const state::Column* column = find_column(table, name);
    return column != nullptr ? column->name : name;
  }

  void prepare_table(state::Table& table) {
    const std::string& t = table.name.name;
    table.comment.reset();
    if (table.partition_by || !table.partitions.empty()) {
      error("table \"{}\": partitioning is not supported by sqlite", t);
    }
    table.partition_by.reset();
    table.partitions.clear();

    if (table.primary_key) {
      for (std::string& column : table.primary_key->columns) {
        column = column_name(table, column);
        if (state::Column* key = table.find_column(column)) {
          key->nullable = false;
        }
      }
    }
    std::vector<state::Check> enum_checks;
    for (state::Column& column : table.columns) {
      std::string what = fmt::format(R"(column "{}"."{}")", t, column.name);
      column.comment.reset();
      if (const state::Enum* e = state::find_enum_type(column.type, schema_.enums)) {
        if (column.type.back() == ']') {
          error("{}: array type \"{}\" is not supported by sqlite", what, column.type);
        }
        // SQLite has no enum types: a text column limited to the values by a CHECK.
        std::string values;
        for (const std::string& value : e->values) {
          if (!values.empty()) {
            values += ", ";
          }
          values += quote_literal(value);
        }
        column.type = "text";
        enum_checks.push_back(state::Check{
            t + "_" + column.name + "_enum",
            normalize_expr(fmt::format("{} IN ({})", quote_name(column.name), values)), true});
      } else if (!column.type.empty() && column.type.back() == ']') {
        error("{}: array type \"{}\" is not supported by sqlite", what, column.type);
      } else {
        column.type = normalize_declared_type(column.type);
      }
      if (column.identity != state::Identity::None) {
        identity(table, column, what);
      }
      if (column.default_sql) {
        column.default_sql = expression(*column.default_sql, "default of " + what, true);
      }
      if (column.generated) {
        column.generated = expression(*column.generated, "generated expression of " + what, true);
      }
      column.collation = collation(column.collation, what);
    }

    for (state::UniqueConstraint& unique : table.uniques) {
      if (unique.deferrable || unique.initially_deferred) {
        error("table \"{}\": DEFERRABLE unique constraint{} is not supported by sqlite", t,
              unique.name.empty() ? "" : fmt::format(" \"{}\"", unique.name));
      }
      for (std::string& column : unique.columns) {
        column = column_name(table, column);
      }
    }
    for (state::ForeignKey& key : table.foreign_keys) {
      for (std::string& column : key.columns) {
        column = column_name(table, column);
      }
      key.valid = true;
      if (std::optional<QualifiedName> parent = to_main(key.ref_table, "referenced table")) {
        key.ref_table = *parent;
      }
    }
    for (state::Check& check : table.checks) {
      check.expr = expression(check.expr, fmt::format("check of table \"{}\"", t), true);
      check.valid = true;
    }
    for (state::Check& check : enum_checks) {
      bool taken = std::any_of(table.checks.begin(), table.checks.end(),
                               [&](const state::Check& c) { return iequals(c.name, check.name); });
      if (taken) {
        error(R"(table "{}": check "{}" is the name keel gives the enum check of its column)", t,
              check.name);
      }
      table.checks.push_back(std::move(check));
    }
    name_constraints(table);
    for (state::Index& index : table.indexes) {
      prepare_index(table, index);
    }
  }

  // SQLite's auto-increment column is the rowid alias: the sole INTEGER PRIMARY KEY column,
  // with AUTOINCREMENT so ids are never reused (as with a PostgreSQL sequence). Explicit ids
  // are always accepted, so both identity kinds become "by default".
  void identity(const state::Table& table, state::Column& column, const std::string& what) {
    bool sole_key = table.primary_key && table.primary_key->columns.size() == 1 &&
                    iequals(table.primary_key->columns[0], column.name);
    if (!sole_key) {
      error("{}: an identity column must be the only primary key column in sqlite", what);
    }
    if (column.type != "smallint" && column.type != "integer" && column.type != "bigint") {
      error("{}: an identity column must have an integer type in sqlite, not \"{}\"", what,
            column.type);
    }
    column.type = "integer";
    column.identity = state::Identity::ByDefault;
    column.nullable = false;
  }

  void prepare_index(const state::Table& table, state::Index& index) {
    std::string what = index.name.empty() ? fmt::format("an index of table \"{}\"", table.name.name)
                                          : fmt::format(R"(index "{}" of table "{}")", index.name,
                                                        table.name.name);
    if (index.method != "btree") {
      error("{}: index method \"{}\" is not supported by sqlite (only btree)", what, index.method);
      index.method = "btree";
    }
    if (!index.include.empty()) {
      error("{}: INCLUDE columns are not supported by sqlite", what);
    }
    index.include.clear();
    index.valid = true;
    if (index.where) {
      index.where = expression(*index.where, "WHERE of " + what, true);
    }
    for (state::IndexKey& key : index.keys) {
      if (key.opclass) {
        error("{}: operator class \"{}\" is not supported by sqlite", what, *key.opclass);
        key.opclass.reset();
      }
      // SQLite sorts NULLs first ascending and last descending, and rejects NULLS FIRST/LAST
      // in CREATE INDEX; an order that agrees with its own is the default.
      if (key.nulls != state::NullsOrder::Default) {
        bool own = key.descending ? key.nulls == state::NullsOrder::Last
                                  : key.nulls == state::NullsOrder::First;
        if (!own) {
          error("{}: NULLS {} on a{} key is not supported by sqlite", what,
                key.nulls == state::NullsOrder::First ? "FIRST" : "LAST",
                key.descending ? " descending" : "n ascending");
        }
        key.nulls = state::NullsOrder::Default;
      }
      if (key.expression) {
        key.expression = expression(*key.expression, "key of " + what, true);
        // SQLite reads "(email)" (and even 'email') as the column itself.
        std::vector<Token> tokens = tokenize_or_empty(*key.expression);
        if (tokens.size() == 1 && tokens[0].is_name()) {
          if (const state::Column* column = find_column(table, tokens[0].name())) {
            key.column = column->name;
            key.expression.reset();
          }
        }
      } else {
        key.column = column_name(table, key.column);
      }
      std::optional<std::string> column_collation;
      if (!key.expression) {
        if (const state::Column* column = table.find_column(key.column)) {
          column_collation = column->collation;
        }
      }
      key.collation = normalize_key_collation(key_collation(key.collation, what), column_collation);
    }
    if (index.name.empty()) {
      index.name = objects_.pick(index_name_base(table.name.name, index.keys));
    }
  }

  static std::vector<Token> tokenize_or_empty(const std::string& text) {
    try {
      return tokenize(text);
    } catch (const SyntaxError&) {
      return {};
    }
  }

  // `references = { table = "t" }` means the parent's primary key; spell referenced columns as
  // the parent declares them.
  void resolve_references(state::Table& table) {
    for (state::ForeignKey& key : table.foreign_keys) {
      const state::Table* parent = schema_.find_table(key.ref_table);
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

  state::Schema& schema_;
  std::vector<state::Diagnostic> errors_;
  NamePicker objects_;
};

}  // namespace

void prepare_desired(state::Schema& desired) {
  Preparer(desired).run();
}

}  // namespace keel::dialects::sqlite
