// PostgreSQL type names as they appear in expressions. Column types themselves are spelled by
// state::normalize_type (format_type's spelling), shared with the TOML reader.
#pragma once

#include <string>
#include <string_view>

namespace keel::dialects::postgres {

/// True when the type named in a cast (as pg_get_expr prints it, e.g. "character varying",
/// "bpchar", `"bit"`, `"My S"."My T"`) is the column's type `column_type` (normalized), ignoring
/// type modifiers, quoting and a schema qualifier the column type omits.
[[nodiscard]] bool cast_names_type(std::string_view cast_type, std::string_view column_type);

}  // namespace keel::dialects::postgres
