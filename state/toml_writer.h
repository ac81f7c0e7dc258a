// Writing a schema as TOML: the canonical, deterministic text of `keel inspect`, of stored
// revisions and of fingerprints. read_schema_string(write_toml(s)) gives back a model equal to s.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

#include "state/schema.h"

namespace keel::state {

/// Writes `schema` as TOML in the format of DESIGN.md: `[settings]`, then `[enums.NAME]`,
/// `[tables.NAME]` (its columns as one inline table per line, in column order, then
/// `[[indexes]]`, `[[uniques]]`, `[[foreign_keys]]`, `[[checks]]`, `[[partitions]]`) and
/// `[views.NAME]`, each group sorted by name and each list in model order. The same model
/// always gives the same bytes. Every name, type, default and constraint name is kept, so
/// reading the text back gives an equal model: names are quoted as TOML keys where needed,
/// enum types are written by their bare name when that reads back to the same enum, a default
/// is a TOML string/number/boolean only when it reads back to the same SQL (else
/// `{ sql = "..." }`), and multi-line text uses TOML multi-line strings.
/// Example: a table "users" with column id bigint writes
///   "[tables.users]\n\n[tables.users.columns]\nid = { type = \"bigint\" }\n".
[[nodiscard]] std::string write_toml(const Schema& schema);

/// How write_toml writes a schema.
struct WriteOptions {
  /// Only what defines the schema, for canonical_toml (fingerprint.h): the settings written
  /// as their defaults (and names qualified against the default schema), no directives
  /// (`renamed_from`, `backfill`), and each table's columns in name order.
  bool definition_only = false;
  /// Everything on the calling thread (a large schema's second half of tables is otherwise
  /// written on another thread meanwhile).
  bool one_thread = false;
  /// When set, writing ends early, before the next table, once *stop is true: the text is then
  /// incomplete, for a caller that no longer wants it.
  const std::atomic<bool>* stop = nullptr;
};

/// write_toml with options; `write_toml(s, {})` is `write_toml(s)`.
[[nodiscard]] std::string write_toml(const Schema& schema, const WriteOptions& options);

/// Receives the text of write_toml piece by piece, each piece following the previous one.
using TomlSink = std::function<void(std::string_view piece)>;

/// write_toml(schema, options) handed to `sink` in pieces instead of returned whole, for text
/// only passed on (hashed, written out): a large schema's text never has to fit in memory.
void write_toml(const Schema& schema, const WriteOptions& options, const TomlSink& sink);

/// A TOML key: bare when it is made of ASCII letters, digits, '_' and '-', else a quoted
/// basic string. Example: `toml_key("my table")` is "\"my table\"".
[[nodiscard]] std::string toml_key(std::string_view key);

/// A one-line TOML basic string with every special character escaped.
/// Example: `toml_string("say \"hi\"\n")` is "\"say \\\"hi\\\"\\n\"".
[[nodiscard]] std::string toml_string(std::string_view text);

}  // namespace keel::state
