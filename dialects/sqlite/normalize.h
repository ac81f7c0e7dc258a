// The canonical SQLite spelling of expressions, types, collations and default names, shared by
// the inspector and prepare_desired so that a live schema and a desired one compare equal.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dialects/sqlite/tokenizer.h"
#include "state/schema.h"

namespace keel::dialects::sqlite {

/// Joins tokens [begin, end) back into text: comments dropped, each run of whitespace made one
/// space, no space after "(" or before ")" and ",", none around ".". Case and quoting are kept.
[[nodiscard]] std::string join_tokens(const std::vector<Token>& tokens, std::size_t begin,
                                      std::size_t end);

/// The canonical text of tokens [begin, end): trailing ";" removed and, when `strip_parens`,
/// every pair of parentheses around the whole range, then join_tokens.
[[nodiscard]] std::string normalize_tokens(const std::vector<Token>& tokens, std::size_t begin,
                                           std::size_t end, bool strip_parens);

/// Index one past the ")" matching the "(" at `open`; tokens.size() when it is unmatched.
[[nodiscard]] std::size_t skip_parens(const std::vector<Token>& tokens, std::size_t open);

/// The canonical text of an expression (default, CHECK, generated, index key, WHERE): trailing
/// ";" and every pair of parentheses around the whole expression removed, then join_tokens.
/// Throws SyntaxError for text that does not tokenize.
/// Example: `normalize_expr("( (a  >  0) -- positive\n)")` is "a > 0".
[[nodiscard]] std::string normalize_expr(std::string_view sql);

/// The canonical text of a view's query: like normalize_expr but parentheses are kept.
[[nodiscard]] std::string normalize_query(std::string_view sql);

/// A declared column type in keel's neutral spelling: state::normalize_type when it knows the
/// name ("INT" is "integer", "VARCHAR(20)" is "character varying(20)"), else the declared text
/// lowercased with spaces normalized ("UNSIGNED BIG INT" is "unsigned big int"). A column
/// declared without a type has BLOB affinity and reads as "blob".
[[nodiscard]] std::string normalize_declared_type(std::string_view declared);

/// SQLite's five column affinities (https://www.sqlite.org/datatype3.html#type_affinity).
enum class Affinity { Integer, Text, Blob, Real, Numeric };

/// The affinity SQLite gives a column declared with type `declared`, by its rules in order:
/// "INT" anywhere is INTEGER; "CHAR", "CLOB" or "TEXT" is TEXT; "BLOB" or no type is BLOB;
/// "REAL", "FLOA" or "DOUB" is REAL; anything else NUMERIC (case-insensitive).
/// Example: `type_affinity("character varying(20)")` is Affinity::Text.
[[nodiscard]] Affinity type_affinity(std::string_view declared);

/// A collation in canonical form: nullopt for SQLite's default BINARY, else the name
/// uppercased ("nocase" is "NOCASE").
[[nodiscard]] std::optional<std::string> normalize_collation(
    const std::optional<std::string>& collation);

/// The canonical collation of an index key with an explicit COLLATE: nullopt when there is
/// none or it equals the collation the key has anyway (`column_collation`, the indexed
/// column's canonical collation, or BINARY for an expression), else the name uppercased. So an
/// explicit BINARY on a NOCASE column stays "BINARY".
[[nodiscard]] std::optional<std::string> normalize_key_collation(
    const std::optional<std::string>& explicit_collation,
    const std::optional<std::string>& column_collation);

/// Picks names that do not collide, the way PostgreSQL does: `base`, then `base1`, `base2`...
/// Names compare ASCII case-insensitively, as SQLite's do.
class NamePicker {
 public:
  /// Marks `name` as taken.
  void take(const std::string& name);
  /// True when `name` is taken.
  [[nodiscard]] bool taken(const std::string& name) const;
  /// The first free name of `base`, `base1`, `base2`, ...; marks it taken.
  [[nodiscard]] std::string pick(const std::string& base);

 private:
  std::set<std::string> taken_;
};

/// PostgreSQL's default name stem for columns: "a_b" for {"a", "b"}.
[[nodiscard]] std::string column_stem(const std::vector<std::string>& columns);

/// The default name of a CHECK, as PostgreSQL chooses it: `<table>_<column>_check` for the
/// first column of `columns` the expression mentions, else `<table>_check` (before dedup).
[[nodiscard]] std::string check_name_base(const std::string& table, const std::string& expr,
                                          const std::vector<state::Column>& columns);

/// The default name of an index, as PostgreSQL chooses it: `<table>_<key>_..._idx`, where a
/// column key gives its name and an expression key its function name or "expr".
[[nodiscard]] std::string index_name_base(const std::string& table,
                                          const std::vector<state::IndexKey>& keys);

/// Fills every empty constraint name of `table` with its default: `<table>_pkey`,
/// `<table>_<cols>_key`, `<table>_<cols>_fkey`, check_name_base, each made unique within the
/// table. Explicit names are kept.
void name_constraints(state::Table& table);

}  // namespace keel::dialects::sqlite
