// Reads a live SQLite schema into the model: pragmas for what they expose, the stored CREATE
// text (ddl_parser.h) for the rest.
#pragma once

#include "dialects/sqlite/connection.h"
#include "state/schema.h"

namespace keel::dialects::sqlite {

/// The tables and views of schema "main", skipping SQLite's own (`sqlite_*`), keel's own
/// (`keel_*`), virtual tables and their shadow tables, and names `settings` excludes. The
/// result is sort_canonical and carries `settings` with schema "main". Throws DatabaseError
/// listing every object that uses what the model cannot hold (WITHOUT ROWID, STRICT, VIRTUAL
/// generated columns, ON CONFLICT clauses, view column lists), so none is silently lost.
[[nodiscard]] state::Schema inspect(Connection& connection, const state::Settings& settings);

}  // namespace keel::dialects::sqlite
