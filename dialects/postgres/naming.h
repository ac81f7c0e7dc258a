// The names PostgreSQL 15 gives unnamed constraints and indexes (src/backend/commands/indexcmds.c
// ChooseRelationName / ChooseIndexName, catalog/pg_constraint.c ChooseConstraintName,
// commands/tablecmds.c makeObjectName), so a desired schema can carry the names the server will
// choose and compare equal to an inspected one.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace keel::dialects::postgres {

/// NAMEDATALEN - 1: the longest identifier PostgreSQL keeps, in bytes.
inline constexpr std::size_t kMaxIdentifierBytes = 63;

/// The longest prefix of `text` of at most `max_bytes` bytes that does not split a UTF-8
/// character (pg_mbcliplen).
[[nodiscard]] std::string clip_utf8(std::string_view text, std::size_t max_bytes);

/// A name as PostgreSQL stores it: cut to 63 bytes on a character boundary.
[[nodiscard]] std::string truncate_identifier(std::string_view name);

/// makeObjectName: "name1_name2_label", truncating the longer of name1/name2 first so the
/// result fits 63 bytes. `name2` may be absent (no separator is added then).
/// Example: `make_object_name("users", "email", "key")` is "users_email_key".
[[nodiscard]] std::string make_object_name(std::string_view name1,
                                           std::optional<std::string_view> name2,
                                           std::string_view label);

/// ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition: the column names joined
/// by "_", stopping once 63 bytes are reached.
[[nodiscard]] std::string name_addition(const std::vector<std::string>& names);

/// ChooseIndexColumnNames: key names with repeats made unique by a number ("a", "a1").
[[nodiscard]] std::vector<std::string> index_column_names(const std::vector<std::string>& names);

/// FigureIndexColname for an index expression: the function name of a call ("lower" for
/// "lower(email)"), the column of a cast column ("a" for "a::text"), "case" for CASE, else
/// "expr".
[[nodiscard]] std::string expression_column_name(std::string_view expr);

/// The distinct names among `columns` that `expr` references (an approximation of
/// pull_var_clause: words that are not function names, type names or qualifiers).
[[nodiscard]] std::vector<std::string> referenced_columns(std::string_view expr,
                                                          const std::vector<std::string>& columns);

/// The names already used in one schema, for choosing new ones the way PostgreSQL does:
/// relations (tables, views, indexes, sequences) and constraints are separate name spaces.
class NameChooser {
 public:
  /// Records an existing relation name (a table, view, index or constraint index).
  void add_relation(const std::string& name) { relations_.insert(name); }
  /// Records an existing constraint name.
  void add_constraint(const std::string& name) { constraints_.insert(name); }

  /// ChooseRelationName: make_object_name with "label", "label1", ... until the name is free
  /// as a relation (and, when `is_constraint`, as a constraint). Records the result.
  std::string choose_relation(std::string_view name1, std::optional<std::string_view> name2,
                              std::string_view label, bool is_constraint);
  /// ChooseConstraintName: the same, checked against constraint names only.
  std::string choose_constraint(std::string_view name1, std::optional<std::string_view> name2,
                                std::string_view label);

 private:
  std::set<std::string> relations_;
  std::set<std::string> constraints_;
};

}  // namespace keel::dialects::postgres
