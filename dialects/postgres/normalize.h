// Canonical text for what PostgreSQL re-renders: column defaults, CHECK and index expressions,
// view bodies, partition keys and bounds. The inspector and prepare_desired() both pass their
// text through these functions, so a schema created from keel's TOML never shows a difference.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::dialects::postgres {

/// `expr` trimmed, without parentheses that enclose all of it.
/// Example: `normalize_expr(" ((a + b)) ")` is "a + b".
[[nodiscard]] std::string normalize_expr(std::string_view expr);

/// The canonical form of a column default for a column of (normalized) type `column_type`:
/// - a string literal loses a cast to the column's own type: `'x'::text` -> `'x'`,
///   `'draft'::public.status` -> `'draft'`, `'{}'::jsonb` -> `'{}'`;
/// - on integer and numeric columns a number, quoted or not and with or without a cast to a
///   numeric type, is written as PostgreSQL's numeric output: `'-1'::integer` -> `-1`,
///   `'1000'::numeric` and `1e3` -> `1000`, `1.50` stays `1.50`, `'7'` -> `7`;
/// - on boolean columns `'t'`, `TRUE`, `'yes'` ... -> `true` (and likewise `false`);
/// - anything else (function calls, `CURRENT_TIMESTAMP`, `nextval(...)`) only loses its
///   enclosing parentheses and surrounding whitespace.
[[nodiscard]] std::string normalize_default(std::string_view expr, std::string_view column_type);

/// A number literal in PostgreSQL's numeric output form, or nullopt when `text` is not one.
/// Example: "1e3" -> "1000", "+01.50" -> "1.50", "1.5e-1" -> "0.15", "-0" -> "0".
[[nodiscard]] std::optional<std::string> canonical_number(std::string_view text);

/// The expression of a CHECK constraint definition as pg_get_constraintdef(oid, true) prints
/// it, without the CHECK keyword, its parentheses and trailing NOT VALID / NO INHERIT.
/// Example: "CHECK (price > 0) NOT VALID" -> "price > 0".
[[nodiscard]] std::string check_expression(std::string_view constraint_def);

/// A view body: trimmed, without a trailing semicolon.
[[nodiscard]] std::string normalize_view_sql(std::string_view sql);

/// A partition key or bound with PostgreSQL's spacing and keyword case.
/// Example: "range(created_at)" -> "RANGE (created_at)",
/// "for values in ('a','b')" -> "FOR VALUES IN ('a', 'b')", "default" -> "DEFAULT".
[[nodiscard]] std::string normalize_partition_clause(std::string_view clause);

/// The elements of a PostgreSQL text array literal (`{a,"b c",NULL}`); NULL elements are
/// nullopt. Nested arrays are flattened.
[[nodiscard]] std::vector<std::optional<std::string>> parse_text_array(std::string_view text);

}  // namespace keel::dialects::postgres
