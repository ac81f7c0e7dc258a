// The neutral column type vocabulary: PostgreSQL's `format_type` spellings, the aliases users
// write for them, and how a type written in TOML resolves to a built-in type or an enum.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/schema.h"

namespace keel::state {

/// The outcome of reading a type name.
struct TypeParse {
  std::optional<std::string> type{};  ///< the canonical spelling, when the name is accepted
  /// Why a recognised name was refused ("serial" is not a type, a length out of range); empty
  /// when the name is simply not a built-in type (it may still name an enum).
  std::string problem{};
};

/// Reads a built-in or known-extension type name, case-insensitively and tolerating spaces,
/// and returns its canonical spelling (PostgreSQL's `format_type`): aliases are mapped
/// ("int4" is "integer"), modifiers checked and spelled out ("varchar(20)" is
/// "character varying(20)", "timestamptz(3)" is "timestamp(3) with time zone"), and any array
/// suffix ("[]", "[][]", "[3]", " ARRAY") becomes one "[]", as PostgreSQL does not record
/// array dimensions. Extension types (citext, hstore, vector(n), geometry, ltree, ...) keep
/// their modifiers verbatim. The canonical spelling parses to itself.
/// Example: `parse_type("VARCHAR ( 255 )[]").type` is "character varying(255)[]".
[[nodiscard]] TypeParse parse_type(std::string_view text);

/// `parse_type(text).type`: the canonical spelling, or nullopt for an unknown or refused name.
[[nodiscard]] std::optional<std::string> normalize_type(std::string_view text);

/// The base type names users write (canonical names, then aliases), for did-you-mean.
[[nodiscard]] const std::vector<std::string>& known_type_names();

/// A type name split into its element type and its array suffix.
struct ArraySplit {
  std::string base{};  ///< the element type text, trimmed
  bool array = false;  ///< true when at least one "[]" (or " ARRAY") suffix was removed
};

/// Splits every trailing "[]", "[n]" and " ARRAY" off a type name.
/// Example: `split_array("integer [][]")` is {"integer", true}.
[[nodiscard]] ArraySplit split_array(std::string_view text);

/// Broad type families, used to check that a TOML default literal fits its column.
enum class TypeFamily {
  Integer,  ///< smallint, integer, bigint
  Numeric,  ///< numeric, real, double precision, money
  Boolean,
  Other,  ///< everything else, arrays and enums included
};

/// The family of a canonical type (as stored in Column::type).
[[nodiscard]] TypeFamily type_family(std::string_view canonical_type);

/// Resolves the type of a column as written in TOML: a built-in type gives its canonical
/// spelling; otherwise an enum of `enums` named by its `type_name` ("public.status"), by
/// "schema.name", or by its bare name when it lives in `default_schema` gives `type_name` of
/// the enum. Arrays keep one "[]". Nullopt when nothing matches.
/// Example: with enum public.agent_status, `resolve_type("agent_status[]", enums, "public")`
/// is "public.agent_status[]".
[[nodiscard]] std::optional<std::string> resolve_type(std::string_view written,
                                                      const std::map<QualifiedName, Enum>& enums,
                                                      const std::string& default_schema);

/// The enum a column type names ("public.status" or "public.status[]"), or nullptr.
[[nodiscard]] const Enum* find_enum_type(const std::string& type,
                                         const std::map<QualifiedName, Enum>& enums);

}  // namespace keel::state
