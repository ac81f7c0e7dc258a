// The convergence property, shared by the PostgreSQL and SQLite suites: after `keel apply B`
// on a database at A (with rows), inspecting gives B, a second plan is empty, every row
// survives, and `keel rollback` restores A with its rows.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "dialects/dialect.h"
#include "planner/plan.h"
#include "state/schema.h"

namespace keel::testing {

/// Plans from the live database to `desired` as `keel plan` does (prepare, canonicalize).
[[nodiscard]] planner::Plan plan_to(dialects::Database& db, state::Schema desired,
                                    state::Schema* prepared = nullptr);

/// Runs `keel ARGS...` in-process; returns the exit code and appends stderr to `err`.
int keel(const std::vector<std::string>& args, std::string& out, std::string& err);

/// Runs `keel ARGS... --db URL` in-process with `out` and `err` emptied first, so that they hold
/// this command's output only; returns the exit code.
/// Example: `REQUIRE(keel_at(db.url(), {"plan", "s.toml"}, out, err) == 0);`
int keel_at(const std::string& url, std::vector<std::string> args, std::string& out,
            std::string& err);

/// One convergence check. `url` names a database that `reset` empties; the schemas are
/// desired states as read from TOML (not yet prepared). Returns "" on success, else what
/// failed, with the mutation log for reproduction.
[[nodiscard]] std::string check_convergence(const std::string& url,
                                            const std::function<void()>& reset,
                                            const state::Schema& a, const state::Schema& b,
                                            const std::vector<std::string>& mutations,
                                            const std::string& work_dir);

struct MutationOptions;

/// Runs check_convergence for seeds [first, last): A is the base schema of `options` with a
/// few edits, B is A with a few more. Returns "" when every pair converges, else the first
/// failure with its seed.
[[nodiscard]] std::string check_seeds(const std::string& url, const std::function<void()>& reset,
                                      const MutationOptions& options, int first, int last,
                                      const std::string& work_dir);

}  // namespace keel::testing
