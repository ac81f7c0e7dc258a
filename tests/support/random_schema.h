// Seeded random schema models for property tests (TOML round trip, canonical form,
// fingerprints, planner and dialect properties).
#pragma once

#include <cstdint>

#include "state/schema.h"

namespace keel::test_support {

/// What random_schema may generate.
struct RandomSchemaOptions {
  bool weird_names = true;   ///< spaces, capitals, quotes, dots, reserved words, non-ASCII
  bool directives = true;    ///< renamed_from and backfill
  bool raw_types = true;     ///< types outside the neutral vocabulary (TOML `{ sql = ... }`)
  bool inspect_only = true;  ///< `valid = false` indexes and constraints
};

/// A rich model that passes validation, built from `seed` alone (same seed, same model, on
/// every run): settings with schemas, exclude globs and extensions; enums; tables with every
/// type family, defaults of every kind, identity and generated columns, collations, comments
/// with quotes and line breaks; primary keys, unique constraints, foreign keys (also to
/// excluded tables), checks, indexes with every key form, partitions; views. Constraint and
/// index names are either set or empty (as in a desired schema before the dialect names them).
/// The result is sort_canonical, so it compares equal to what the TOML reader produces.
/// Example: `random_schema(42)` is the same model on every machine.
[[nodiscard]] state::Schema random_schema(std::uint64_t seed,
                                          const RandomSchemaOptions& options = {});

}  // namespace keel::test_support
