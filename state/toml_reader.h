// Reading the desired state: TOML files -> validated Schema, with the source position of every
// element so that later messages (validation, planner hazards) can point at a TOML line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "state/diagnostic.h"
#include "state/schema.h"

namespace keel::state {

/// Where each element of a desired schema was written. The model carries no positions (so
/// `operator==` means "same definition"); this map is returned next to it.
///
/// Lookups never fail: an element that was not recorded falls back to the element around it
/// (a column key to its column, a column or constraint to its table), and an unknown table to
/// a position-less location naming the first file. A table is found by its exact name or, when
/// that fails, by its bare name alone if only one recorded table has it (so lookups still work
/// after a dialect moved unqualified names into its own schema, e.g. SQLite's "main").
/// Constraints and indexes are matched by name; unnamed ones (the dialect names them later) are
/// matched by their columns, keys or expression.
struct SourceMap {
  /// An element as written (name possibly empty) and where it was written.
  template <class T>
  struct Entry {
    /// As written (the name may be empty), as far as lookups match it: its name and, for an
    /// unnamed one, an index's keys, a constraint's columns or a check's expression.
    T element{};
    SourceLoc loc{};  ///< the element (or the column key that declared it)
  };

  std::vector<std::string> files{};               ///< the files read, in reading order
  SourceLoc settings_loc{};                       ///< the `[settings]` table, if any
  std::map<std::string, SourceLoc> extensions{};  ///< name -> its `settings.extensions` entry
  std::map<QualifiedName, SourceLoc> tables{};    ///< the NAME in `[tables.NAME]`
  std::map<QualifiedName, SourceLoc> enums{};     ///< the NAME in `[enums.NAME]`
  std::map<QualifiedName, SourceLoc> views{};     ///< the NAME in `[views.NAME]`
  /// Where the value of one key of a column was written, in its column's file.
  struct KeySource {
    std::uint8_t key = 0;  ///< index of the key in column_key_names()
    std::uint32_t line = 0;
    std::uint32_t column = 0;
  };
  /// Where a column was written.
  struct ColumnSource {
    std::string name{};
    SourceLoc loc{};               ///< the column's key in `[tables.NAME.columns]`
    std::uint32_t keys_begin = 0;  ///< its keys are TableColumns::keys[keys_begin, keys_end)
    std::uint32_t keys_end = 0;
  };
  /// Where the columns of one table and the values of their keys were written.
  struct TableColumns {
    std::vector<ColumnSource> columns{};  ///< in reading order
    std::vector<KeySource> keys{};        ///< "type", "default", ... as written, by column
  };
  /// table -> its columns (compact: a large schema has hundreds of thousands of columns).
  std::map<QualifiedName, TableColumns> columns{};

  /// The keys a column may have, in KeySource::key order: "type", "nullable", "default", ...
  [[nodiscard]] static const std::vector<std::string>& column_key_names();
  std::map<QualifiedName, SourceLoc> primary_keys{};  ///< table -> its `primary_key` value
  /// table -> its `[[indexes]]` elements.
  std::map<QualifiedName, std::vector<Entry<Index>>> indexes{};
  /// table -> its `[[uniques]]` elements and columns' `unique = true`.
  std::map<QualifiedName, std::vector<Entry<UniqueConstraint>>> uniques{};
  /// table -> its `[[foreign_keys]]` elements and columns' `references` (referenced columns
  /// filled in).
  std::map<QualifiedName, std::vector<Entry<ForeignKey>>> foreign_keys{};
  /// table -> its `[[checks]]` elements.
  std::map<QualifiedName, std::vector<Entry<Check>>> checks{};
  /// (table, partition) -> the `[[tables.NAME.partitions]]` element.
  std::map<std::pair<QualifiedName, QualifiedName>, SourceLoc> partitions{};

  /// The `[tables.NAME]` header of a table.
  [[nodiscard]] SourceLoc table(const QualifiedName& table) const;
  /// The `[enums.NAME]` header of an enum.
  [[nodiscard]] SourceLoc enum_type(const QualifiedName& name) const;
  /// The `[views.NAME]` header of a view.
  [[nodiscard]] SourceLoc view(const QualifiedName& name) const;
  /// The key of a column in its table's `columns`.
  [[nodiscard]] SourceLoc column(const QualifiedName& table, const std::string& column) const;
  /// The value of one key of a column ("type", "default", "nullable", ...); the column if the
  /// key was not written.
  [[nodiscard]] SourceLoc column_key(const QualifiedName& table, const std::string& column,
                                     const std::string& key) const;
  /// The `primary_key` value of a table.
  [[nodiscard]] SourceLoc primary_key(const QualifiedName& table) const;
  /// An index of a table, matched by name, or by keys when it was written without a name.
  [[nodiscard]] SourceLoc index(const QualifiedName& table, const Index& index) const;
  /// A unique constraint (table-level, or a column's `unique = true`).
  [[nodiscard]] SourceLoc unique(const QualifiedName& table, const UniqueConstraint& u) const;
  /// A foreign key (table-level, or a column's `references`).
  [[nodiscard]] SourceLoc foreign_key(const QualifiedName& table, const ForeignKey& fk) const;
  /// A check constraint, matched by name or expression.
  [[nodiscard]] SourceLoc check(const QualifiedName& table, const Check& check) const;
  /// A partition of a table.
  [[nodiscard]] SourceLoc partition(const QualifiedName& table,
                                    const QualifiedName& partition) const;
  /// An entry of `settings.extensions`.
  [[nodiscard]] SourceLoc extension(const std::string& name) const;

 private:
  [[nodiscard]] std::optional<QualifiedName> recorded_table(const QualifiedName& table) const;
  [[nodiscard]] const ColumnSource* column_source(const QualifiedName& table,
                                                  const std::string& column) const;
  [[nodiscard]] SourceLoc fallback() const;
};

/// A desired schema as read from TOML.
struct LoadedSchema {
  Schema schema{};      ///< validated, sort_canonical; constraint names may be empty
  SourceMap sources{};  ///< where each element was written
  /// The source TOML as stored in revisions: every file in reading order, each preceded by a
  /// `# file: NAME` line (read_schema), or the string as given (read_schema_string).
  std::string text{};
};

/// Reads a `.toml` file, or every `*.toml` file below a directory (recursively, skipping hidden
/// files and folders, in sorted path order) merged into one schema. File names in messages are
/// the paths as found from `file_or_directory`. Throws UserError carrying every problem found
/// (syntax errors, unknown keys, wrong value kinds, unknown types and references, a name
/// defined twice, ...), each with its `file:line:col`.
/// Example: `read_schema("schema/")` reads schema/enums.toml then schema/users.toml.
[[nodiscard]] LoadedSchema read_schema(const std::filesystem::path& file_or_directory);

/// read_schema in steps, so that work that needs only the settings (inspecting the database) can
/// run while the rest is read: the constructor reads the files (throwing UserError when it
/// cannot), settings() parses them but for their tables and reads the settings (throwing
/// UserError on syntax errors), finish() parses and reads everything else and returns what
/// read_schema returns (throwing UserError with every problem, settings ones included, or with
/// the syntax errors of the files it could not parse). guessed_settings() is a cheap guess
/// of settings() that does not parse the files.
/// Example: `SchemaReader r("schema/"); use(r.settings()); LoadedSchema s = r.finish();`
class SchemaReader {
 public:
  explicit SchemaReader(const std::filesystem::path& file_or_directory);
  ~SchemaReader();
  SchemaReader(const SchemaReader&) = delete;
  SchemaReader& operator=(const SchemaReader&) = delete;
  SchemaReader(SchemaReader&&) = delete;
  SchemaReader& operator=(SchemaReader&&) = delete;

  /// What settings() most likely returns, from the files' `[settings]` sections alone, in
  /// milliseconds where parsing takes seconds; the defaults where that finds nothing.
  [[nodiscard]] Settings guessed_settings() const;
  /// The settings, as finish() returns them in LoadedSchema::schema (when it does not throw).
  /// Valid until finish().
  [[nodiscard]] const Settings& settings();
  /// Reads the rest; call once.
  [[nodiscard]] LoadedSchema finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Reads one TOML document; `file_name` is used in messages and source positions.
[[nodiscard]] LoadedSchema read_schema_string(std::string_view toml, std::string_view file_name);

/// Parses the TOML key of a table, enum, view or partition (or a reference to one): "name" is
/// in `default_schema`; "schema.name" is split at the first dot; a schema that itself contains
/// a dot is written in double quotes ("\"a.b\".name", quotes inside doubled).
/// Example: `parse_qualified_name("billing.invoices", "public")` is {"billing", "invoices"}.
[[nodiscard]] QualifiedName parse_qualified_name(std::string_view key,
                                                 const std::string& default_schema);

/// The shortest key that parse_qualified_name reads back as `name`.
/// Example: `format_qualified_name({"public", "users"}, "public")` is "users".
[[nodiscard]] std::string format_qualified_name(const QualifiedName& name,
                                                const std::string& default_schema);

/// Parses one string of an index's `columns`: a column ("email", or "\"My Col\"" quoted with
/// quotes doubled) or an expression ("lower(email)"), followed by optional `ASC`/`DESC` and
/// `NULLS FIRST`/`NULLS LAST` (case-insensitive). Names are taken literally (no case folding).
/// Nullopt for an empty string.
/// Example: `parse_index_key("created_at DESC")` is {.column = "created_at", .descending = true}.
[[nodiscard]] std::optional<IndexKey> parse_index_key(std::string_view text);

/// A string as an SQL literal, quotes doubled: `it's` -> `'it''s'`.
[[nodiscard]] std::string sql_string_literal(std::string_view text);

/// The TOML spelling of a foreign key action: "no action", "restrict", "cascade", "set null",
/// "set default".
[[nodiscard]] std::string fk_action_text(FkAction action);

/// Reads a foreign key action case-insensitively ("set null", "SET_NULL", "cascade", ...).
[[nodiscard]] std::optional<FkAction> parse_fk_action(std::string_view text);

}  // namespace keel::state
