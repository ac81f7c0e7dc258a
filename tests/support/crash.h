// The crash scenario shared by the PostgreSQL and SQLite suites: `keel apply` (the real binary)
// is killed (SIGKILL) just before each step of a plan from A to B in turn. The revision it
// leaves must count exactly the steps whose effects the database shows, a plain re-run must
// converge without losing rows, and rolling back both revisions must give A back with its rows.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sys/types.h>

#include "dialects/dialect.h"
#include "state/schema.h"
#include "tests/support/keel_child.h"
#include "tests/support/process.h"

namespace keel::testing {

/// A: four tables with foreign keys and an enum (rows for all of them come with load_a).
extern const char* const kCrashSchemaA;

/// B: a new enum and a new enum value, a dropped column and a dropped table (destructive), a
/// new table, new columns (one backfilled from a row's title), a check, a foreign key, indexes
/// on tables with rows. An engine's test may append tables and checks of its own.
extern const char* const kCrashSchemaB;

/// The plan from A to B as `keel plan --format json` gives it, and the truth to compare with:
/// the schema after each of its steps, run by hand (autocommit, in plan order).
class ReplayedPlan {
 public:
  /// Plans `desired_file` on the database at `url` (at A), runs each step's forward SQL there,
  /// inspecting after each, and REQUIREs that `keel plan` then finds nothing left to do.
  ReplayedPlan(const std::string& url, const std::string& desired_file);

  /// The plan's steps (the "steps" array of the JSON plan).
  [[nodiscard]] const nlohmann::json& steps() const { return plan_["steps"]; }
  /// How many steps the plan has.
  [[nodiscard]] std::size_t size() const { return steps().size(); }
  /// The schema after the first `i` steps (0 is A, size() is B).
  [[nodiscard]] const state::Schema& schema(std::size_t i) const { return truth_.at(i); }
  /// The fingerprint of schema(i).
  [[nodiscard]] std::string fingerprint(std::size_t i) const;

 private:
  nlohmann::json plan_;
  std::vector<state::Schema> truth_;
};

/// What a plan mixes that a crash matters for, counted over its steps.
struct StepMix {
  std::size_t steps{};            ///< every step
  std::size_t own_transaction{};  ///< steps that need a transaction of their own
  std::size_t outside{};          ///< steps that run outside any transaction
  std::size_t destructive{};      ///< DATA_LOSS hazards, over all steps
  std::size_t shared{};           ///< steps that share a transaction with the step before
};

/// Counts the kinds of step in `steps` (a JSON plan's "steps").
[[nodiscard]] StepMix count_steps(const nlohmann::json& steps);

/// What an engine's test adds to the scenario. Every hook but load_a may be left empty.
struct CrashHooks {
  /// Gives a database at A with rows (see CrashScenario::load_a) for the kill before step `k`
  /// (1-based); returns its URL.
  std::function<std::string(std::size_t k)> load_a{};
  /// More checks right after keel process `pid` was killed.
  std::function<void(dialects::Database& db, pid_t pid)> after_kill{};
  /// More checks once the re-run has converged.
  std::function<void(dialects::Database& db)> after_rerun{};
  /// What must match between the database and the truth once the re-run is rolled back:
  /// state::fingerprint when left empty.
  std::function<std::string(const state::Schema& schema)> rolled_back_fingerprint{};
};

/// The schema files of the scenario in a scratch directory, and the keel binary to kill.
class CrashScenario {
 public:
  /// Writes kCrashSchemaA and `schema_b` to a new directory `<tmp>/<dir_prefix>-XXXXXX`;
  /// `keel_binary` is the keel to run (KEEL_BINARY).
  CrashScenario(const std::string& dir_prefix, const std::string& schema_b,
                const std::string& keel_binary);

  /// The scratch directory.
  [[nodiscard]] const ScratchDir& dir() const { return dir_; }
  /// Brings the empty database at `url` to A with `keel apply`, then fills every table.
  void load_a(const std::string& url) const;
  /// The plan from A to B on the database at `url`, which load_a brought to A, replayed.
  [[nodiscard]] ReplayedPlan replay(const std::string& url) const;
  /// For each step k of `plan` in turn, on a database from hooks.load_a: kills `keel apply B`
  /// just before step k, checks the interrupted revision against the truth, re-runs the apply
  /// and checks it converged, then rolls both revisions back and checks A is back with its rows.
  void kill_before_each_step(const ReplayedPlan& plan, const CrashHooks& hooks) const;

 private:
  ScratchDir dir_;
  KeelBinary keel_;
  std::string a_file_;
  std::string b_file_;
};

}  // namespace keel::testing
