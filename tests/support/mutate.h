// Seeded schema mutations for the convergence suites: a rich base schema, and random edits of
// it that cover every change kind the planner knows.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "state/schema.h"

namespace keel::testing {

/// What the engine under test can express.
struct MutationOptions {
  bool enums = true;       ///< PostgreSQL enums (SQLite maps them to text + CHECK)
  bool comments = true;    ///< PostgreSQL comments
  bool rich_types = true;  ///< uuid, jsonb, arrays, ... (PostgreSQL only)
  bool views = true;
};

/// The base schema as TOML: organizations, users, projects, tasks, comments, labels, with
/// enums, foreign keys, checks, partial and expression indexes, a view.
[[nodiscard]] std::string base_schema_toml(const MutationOptions& options);

/// `schema` with `count` random edits; `log` gets one line per edit ("drop column users.bio").
/// Edits keep the schema valid and keep every row the row generator writes acceptable. New
/// names carry `tag`, so edits of successive calls never collide.
[[nodiscard]] state::Schema mutate(const state::Schema& schema, std::mt19937& rng, int count,
                                   const MutationOptions& options, std::vector<std::string>& log,
                                   const std::string& tag);

/// SQL that inserts `rows` rows into every table of `schema` (parents first), with values
/// that satisfy the base schema's constraints. `postgres` picks literal spellings.
[[nodiscard]] std::vector<std::string> insert_rows(const state::Schema& schema, int rows,
                                                   bool postgres);

}  // namespace keel::testing
