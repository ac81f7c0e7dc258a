// The SQLite dialect: opening a database file and putting a desired schema into SQLite's
// canonical form. dialects/dialect.cc dispatches `sqlite:` URLs to open().
#pragma once

#include <memory>
#include <string>

#include "dialects/dialect.h"
#include "state/schema.h"

namespace keel::dialects::sqlite {

/// Opens (creating when missing) the SQLite database at `path`, or an in-memory one for
/// ":memory:", with foreign keys enforced and a 5 s busy timeout. Throws DatabaseError
/// naming the path when it cannot be opened, e.g.
/// `cannot open sqlite database "/no/such/dir/app.db": directory "/no/such/dir" does not exist`.
[[nodiscard]] std::unique_ptr<Database> open(const std::string& path);

/// Puts a desired schema into the form `inspect` returns for the same database (pure, no
/// connection): every object in schema "main", enums turned into `text` columns with a CHECK
/// named `<table>_<column>_enum`, identity columns into `integer` AUTOINCREMENT primary keys,
/// default constraint and index names filled in, expressions, types and collations
/// normalized, comments dropped (SQLite has none). Throws state::UserError listing every
/// feature SQLite cannot express (other schemas, extensions, partitions, index methods other
/// than btree, INCLUDE, operator classes, deferrable uniques, collations other than BINARY,
/// NOCASE and RTRIM, NULLS FIRST/LAST against SQLite's order, arrays).
void prepare_desired(state::Schema& desired);

}  // namespace keel::dialects::sqlite
