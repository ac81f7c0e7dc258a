// SQL text helpers shared by the dialects: identifier and literal quoting. Every name that goes
// into SQL text passes through these functions; no dialect formats a raw name itself.
#pragma once

#include <string>
#include <string_view>

#include "state/schema.h"

namespace keel::dialects {

/// An identifier as PostgreSQL's quote_ident() writes it: bare when it is lowercase letters,
/// digits and underscores, does not start with a digit and is not a keyword PostgreSQL 15
/// reserves in any way (reserved, type/function-name or column-name keyword); otherwise in
/// double quotes with embedded quotes doubled. The same text is valid SQLite.
/// Example: `quote_ident("users")` is `users`, `quote_ident("Order Items")` is `"Order Items"`,
/// `quote_ident("user")` is `"user"`.
[[nodiscard]] std::string quote_ident(std::string_view name);

/// A string literal for a standard-conforming-strings engine: single quotes, embedded quotes
/// doubled, backslashes kept as they are.
/// Example: `quote_literal("it's")` is `'it''s'`.
[[nodiscard]] std::string quote_literal(std::string_view value);

/// "schema.name" with each part passed through quote_ident.
/// Example: `qualified({"billing", "Invoice"})` is `billing."Invoice"`.
[[nodiscard]] std::string qualified(const state::QualifiedName& name);

/// True when `word` (lowercase) is a PostgreSQL 15 keyword that quote_ident must quote.
[[nodiscard]] bool is_quoted_keyword(std::string_view word);

/// The SQL spelling of a foreign key action: "NO ACTION", "RESTRICT", "CASCADE", "SET NULL",
/// "SET DEFAULT" (the same in PostgreSQL and SQLite).
[[nodiscard]] std::string fk_action_sql(state::FkAction action);

}  // namespace keel::dialects
