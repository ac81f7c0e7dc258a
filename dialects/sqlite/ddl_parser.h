// Parses the CREATE TABLE / CREATE INDEX / CREATE VIEW text SQLite keeps in sqlite_schema, for
// what its pragmas do not expose: CHECKs, collations, constraint names, generated expressions,
// AUTOINCREMENT, table options, partial-index predicates and index expressions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialects/sqlite/tokenizer.h"
#include "state/schema.h"

namespace keel::dialects::sqlite {

/// A column definition as written. Expressions are normalized (normalize_expr).
struct ParsedColumn {
  std::string name{};
  std::string declared_type{};               ///< the type tokens as written, "" when none
  std::optional<std::string> collation{};    ///< COLLATE name as written
  std::optional<std::string> default_sql{};  ///< DEFAULT expression, outer parens removed
  std::optional<std::string> generated{};    ///< GENERATED ALWAYS AS (expr)
  bool generated_stored = false;             ///< STORED; VIRTUAL otherwise (SQLite's default)
  bool not_null = false;
  bool primary_key = false;       ///< declared PRIMARY KEY on the column
  bool primary_key_desc = false;  ///< PRIMARY KEY DESC (not a rowid alias)
  bool autoincrement = false;
};

/// A PRIMARY KEY or UNIQUE constraint; `columns` as written in the definition.
struct ParsedKey {
  std::optional<std::string> name{};  ///< CONSTRAINT name
  std::vector<std::string> columns{};
};

/// A CHECK constraint, column- or table-level.
struct ParsedCheck {
  std::optional<std::string> name{};
  std::string expr{};  ///< normalized, outer parens removed
};

/// A foreign key, column-level REFERENCES or table-level FOREIGN KEY, in declaration order.
struct ParsedForeignKey {
  std::optional<std::string> name{};
  std::vector<std::string> columns{};
  std::string ref_table{};
  std::vector<std::string> ref_columns{};  ///< empty: the parent's primary key
  state::FkAction on_delete = state::FkAction::NoAction;
  state::FkAction on_update = state::FkAction::NoAction;
  bool deferrable = false;
  bool initially_deferred = false;
};

/// A CREATE TABLE statement.
struct ParsedTable {
  std::string name{};
  std::vector<ParsedColumn> columns{};
  std::optional<ParsedKey> primary_key{};
  std::vector<ParsedKey> uniques{};
  std::vector<ParsedCheck> checks{};
  std::vector<ParsedForeignKey> foreign_keys{};
  bool without_rowid = false;
  bool strict = false;
  /// What the definition uses that keel's model cannot hold, each a phrase that completes
  /// "the table uses ...", e.g. `WITHOUT ROWID`, `ON CONFLICT REPLACE on column "a"`.
  std::vector<std::string> unsupported{};

  /// The column named `column` (ASCII case-insensitive, as SQLite resolves names), or nullptr.
  [[nodiscard]] const ParsedColumn* find_column(std::string_view column) const;
};

/// One key of a CREATE INDEX: a column name or an expression.
struct ParsedIndexKey {
  std::optional<std::string> column{};     ///< set when the key is a single name (maybe a column)
  std::string expression{};                ///< the key as an expression, normalized
  std::optional<std::string> collation{};  ///< explicit COLLATE as written
  bool descending = false;
};

/// A CREATE INDEX statement.
struct ParsedIndex {
  std::string name{};
  std::string table{};
  bool unique = false;
  std::vector<ParsedIndexKey> keys{};
  std::optional<std::string> where{};  ///< partial index predicate, normalized
};

/// A CREATE VIEW statement.
struct ParsedView {
  std::string name{};
  std::vector<std::string> columns{};  ///< the optional column-name list
  std::string query{};                 ///< the SELECT after AS, normalized (normalize_query)
};

/// Parses a CREATE TABLE statement. Throws SyntaxError when the text is not one.
/// Example: `parse_create_table("CREATE TABLE t(a INT CHECK (a > 0))").checks[0].expr` is
/// "a > 0".
[[nodiscard]] ParsedTable parse_create_table(std::string_view sql);

/// Parses a CREATE INDEX statement. Throws SyntaxError when the text is not one.
[[nodiscard]] ParsedIndex parse_create_index(std::string_view sql);

/// Parses a CREATE VIEW statement. Throws SyntaxError when the text is not one.
[[nodiscard]] ParsedView parse_create_view(std::string_view sql);

}  // namespace keel::dialects::sqlite
