// Reading a live PostgreSQL schema from the system catalogs into the state model.
#pragma once

#include "dialects/postgres/session.h"
#include "state/schema.h"

namespace keel::dialects::postgres {

/// Reads every managed schema in a handful of set-based catalog queries (one per kind of
/// object, each covering all schemas) inside one read-only snapshot. Skips system, temporary,
/// extension-owned and keel-owned objects and the names `settings.exclude` matches; partitions
/// appear inside their parent table. The result carries `settings` and is sort_canonical.
/// `in_transaction`: the session is inside a transaction block (a savepoint is used then).
[[nodiscard]] state::Schema inspect(Session& session, const state::Settings& settings,
                                    bool in_transaction);

/// Database::canonicalize for PostgreSQL: every expression of `desired` (defaults, generated
/// columns, CHECKs, index expressions and predicates, view bodies) whose text differs from
/// `live` is created on scratch temporary objects inside a transaction that is rolled back,
/// and replaced by the text PostgreSQL prints for it, normalized as inspect() normalizes.
/// Expressions the server rejects (e.g. naming a table or enum value that does not exist yet)
/// keep their text.
void canonicalize(Session& session, state::Schema& desired, const state::Schema& live,
                  bool in_transaction);

}  // namespace keel::dialects::postgres
