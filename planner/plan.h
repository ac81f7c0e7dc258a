// Plans: the ordered, rendered steps that take a live schema to a desired one, with the
// hazards a reviewer must see and the reverse of every step.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "planner/change.h"
#include "state/schema.h"

namespace keel::planner {

/// What can go wrong when a step runs; shown to reviewers and used for exit codes.
enum class Hazard {
  DataLoss,          ///< rows or values are removed (kept aside by keel when possible)
  TableRewrite,      ///< the whole table (and its indexes) is rewritten
  BlocksWrites,      ///< writers wait while the step runs
  BlocksReads,       ///< readers and writers wait while the step runs
  LongRunning,       ///< time grows with the table's size
  NonTransactional,  ///< runs outside a transaction; a failure can leave partial work
  Irreversible,      ///< the reverse step cannot restore the exact previous state
};

/// "DATA_LOSS", "TABLE_REWRITE", ...
[[nodiscard]] std::string hazard_name(Hazard hazard);
/// Parses a hazard_name; throws std::invalid_argument for an unknown name.
[[nodiscard]] Hazard parse_hazard(const std::string& name);

/// A hazard with the one-line reason a reviewer reads.
struct HazardNote {
  Hazard kind{};
  std::string why{};
  bool operator==(const HazardNote&) const = default;
};

/// A column filled in batches by the apply runner instead of one UPDATE: rows are visited in
/// primary-key order (PostgreSQL tables without one: page ranges by ctid; SQLite: rowid),
/// each batch commits on its own, and the last key done is recorded in the
/// revision so that a killed apply resumes after it.
struct Backfill {
  QualifiedName table{};
  std::string column{};
  std::string expression{};  ///< SQL of the value, from the column's `backfill`
  bool operator==(const Backfill&) const = default;
};

/// One SQL statement as the dialect renders it.
struct Statement {
  std::string sql{};
  /// False for a statement that must run alone, outside any transaction block: CREATE INDEX
  /// CONCURRENTLY, a batched backfill and the NOT NULL steps after it. A step with such a
  /// statement runs each statement on its own. (VALIDATE CONSTRAINT of a NOT VALID constraint
  /// runs in a transaction, but of its own: the step's `own_transaction`.)
  bool in_transaction = true;
  /// Set on a batched backfill: the runner fills `backfill` batch by batch, then runs `sql`
  /// (an UPDATE of the rows still NULL) to catch rows written since.
  std::optional<Backfill> backfill{};
  /// On a statement of a step that runs statement by statement: SQL that undoes this one
  /// statement ("" when there is nothing to undo), so that rollback can undo a step an
  /// interrupted apply left half done. Unset where the dialect knows no such undo.
  std::optional<std::string> undo{};
  bool operator==(const Statement&) const = default;
};

/// What an engine can do, asked by the planner instead of testing the engine's name.
struct Capabilities {
  bool schemas = true;  ///< named schemas (PostgreSQL) vs one "main" (SQLite)
  bool enums = true;    ///< CREATE TYPE ... AS ENUM
  bool extensions = true;
  bool alter_column = true;             ///< ALTER COLUMN TYPE/DEFAULT/NULL; else rebuild
  bool alter_constraints = true;        ///< ADD/DROP CONSTRAINT on an existing table; else rebuild
  bool foreign_keys_in_create = false;  ///< FKs must be declared inside CREATE TABLE
  bool comments = true;
  bool partitions = true;
  bool concurrent_indexes = true;
  /// Constraints can be added NOT VALID and validated later (a ValidateConstraint step).
  bool not_valid_constraints = true;
};

/// The engine side of planning: renders a change to SQL and knows its lock facts.
/// Implemented by each dialect; pure (no connection).
class Renderer {
 public:
  virtual ~Renderer() = default;
  [[nodiscard]] virtual Capabilities capabilities() const = 0;
  /// The statements that perform `change`.
  [[nodiscard]] virtual std::vector<Statement> render(const Change& change) const = 0;
  /// The statements that undo `change`. By default those of invert(change); engines override
  /// it where undoing differs, e.g. restoring a table a drop kept aside.
  [[nodiscard]] virtual std::vector<Statement> render_reverse(const Change& change) const {
    return render(invert(change));
  }
  /// Engine-specific hazards of `change` (locks, rewrites), beyond the logical ones.
  [[nodiscard]] virtual std::vector<HazardNote> hazards(const Change& change) const = 0;
  /// False when the engine cannot apply `change` to `live` in place (the planner then
  /// rebuilds the table).
  [[nodiscard]] virtual bool supports_in_place(const Change& change,
                                               const state::Table& live) const = 0;
};

/// A table's size as the catalogs estimate it (PostgreSQL reltuples and relation size).
struct TableSize {
  std::int64_t rows = 0;  ///< estimated; -1 when the engine has no estimate yet
  std::int64_t bytes = 0;
  bool operator==(const TableSize&) const = default;
};

/// Ordering phase of a step; steps are grouped by phase in plan output.
enum class Phase { Prepare, Drop, Create, Alter, Constrain, Finish };
[[nodiscard]] std::string phase_name(Phase phase);

/// One step of a plan: a change, its SQL, its reverse and its hazards.
struct Step {
  Change change{};     ///< not kept in saved plans: see `kind`
  std::string kind{};  ///< kind_name(change), e.g. "add_column"
  Phase phase{};
  std::string summary{};  ///< e.g. `add column "tier" to table "public.agents"`
  std::vector<Statement> forward{};
  std::vector<Statement> reverse{};
  std::vector<HazardNote> hazards{};
  /// Must commit in a transaction of its own before later steps run (e.g. a new enum value,
  /// which later statements of the same transaction may not use).
  bool own_transaction = false;
  /// The existing table the step works on, with the catalog's estimates of its size when the
  /// plan was made against a live database (see annotate_sizes); empty for new objects.
  std::optional<QualifiedName> table{};
  std::optional<TableSize> size{};

  [[nodiscard]] bool has(Hazard hazard) const;
  /// True when every statement may run inside a transaction.
  [[nodiscard]] bool transactional() const;
};

/// An ordered plan. Empty when live already equals desired.
struct Plan {
  std::vector<Step> steps{};
  std::string engine{};
  state::Settings settings{};      ///< which objects the plan manages (re-inspected before apply)
  std::string from_fingerprint{};  ///< fingerprint of the live schema planned against
  std::string to_fingerprint{};    ///< fingerprint of the desired schema

  [[nodiscard]] bool empty() const { return steps.empty(); }
  /// True when any step loses data (exit code 3, needs --allow-destructive).
  [[nodiscard]] bool destructive() const;
};

/// Options of planning.
struct PlanOptions {
  bool allow_rebuild = true;  ///< use RebuildTable where the engine needs it
};

/// The changes that turn `live` into `desired`, unordered. Renames happen only through
/// `renamed_from`. Throws state::UserError for impossible changes.
[[nodiscard]] std::vector<Change> diff(const state::Schema& live, const state::Schema& desired,
                                       const Renderer& renderer);

/// Orders changes by dependencies (deterministic), renders them and attaches hazards.
[[nodiscard]] Plan order(std::vector<Change> changes, const Renderer& renderer);

/// Gives every table and column drop a name to keep its data under (`keep_as`), derived from
/// both fingerprints so the same plan always names it the same. Columns without a usable
/// primary key (or identity/generated columns) are dropped without keeping.
void keep_dropped_data(std::vector<Change>& changes, const state::Schema& live,
                       const std::string& token);

/// The existing table `change` works on, if any (none for new tables, enums, views...).
[[nodiscard]] std::optional<QualifiedName> table_of(const Change& change);

/// Fills each step's `size` from estimates by table name; steps on tables not listed keep none.
void annotate_sizes(Plan& plan, const std::map<QualifiedName, TableSize>& sizes);

/// The existing tables whose sizes annotate_sizes uses: those the steps name, by their names
/// before the plan's renames.
[[nodiscard]] std::vector<QualifiedName> tables_to_size(const Plan& plan);
/// The same tables for changes not ordered yet (each step of order() names its change's
/// table_of).
[[nodiscard]] std::vector<QualifiedName> tables_to_size(const std::vector<Change>& changes);

/// Whether make_plan fingerprints the two schemas of a plan without steps. A plan with steps
/// always carries both: revisions, saved plans and the names of kept-aside data use them.
enum class Fingerprints { Always, WhenChanged };

/// The plan of `changes` (from diff) between schemas with these fingerprints:
/// keep_dropped_data + order, with the settings and fingerprints filled in.
[[nodiscard]] Plan plan_changes(std::vector<Change> changes, const state::Schema& live,
                                const state::Schema& desired, const Renderer& renderer,
                                std::string from_fingerprint, std::string to_fingerprint);

/// diff + order + keep_dropped_data, with fingerprints of both schemas (of an empty plan, only
/// with Fingerprints::Always).
[[nodiscard]] Plan make_plan(const state::Schema& live, const state::Schema& desired,
                             const Renderer& renderer,
                             Fingerprints fingerprints = Fingerprints::Always);

}  // namespace keel::planner
