// The PostgreSQL dialect: opening a connection and putting a desired schema into the form the
// inspector produces. libpqxx stays inside this folder's .cc files.
#pragma once

#include <memory>
#include <string>

#include "dialects/dialect.h"
#include "state/schema.h"

namespace keel::dialects::postgres {

/// Connects to PostgreSQL from a libpq URL (`postgresql://user:pass@host:5432/db?...`) or a
/// key=value string (`host=db dbname=app`). Throws DatabaseError with a one-line explanation
/// and the password redacted, e.g. `cannot connect to postgresql://app:***@db:5432/app:
/// connection refused (is the server running on that host and port?)`.
[[nodiscard]] std::unique_ptr<Database> open(const std::string& conninfo);

/// Database::prepare_desired for PostgreSQL, without a connection: fills the names PostgreSQL
/// gives unnamed constraints and indexes (`<table>_pkey`, `<table>_<cols>_key`,
/// `<table>_<cols>_fkey`, `<table>_<col>_check` / `<table>_check`, `<table>_<cols>_idx`, cut to
/// 63 bytes as the server does), spells types as `format_type` does, and normalizes defaults,
/// expressions, partition clauses and view bodies as inspect() does. Ends with sort_canonical.
void prepare_desired(state::Schema& desired);

}  // namespace keel::dialects::postgres
