// The revision record: one applied (or attempted) plan, as stored in the database's own
// revision table and shown by `keel history` / `keel show`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace keel::state {

/// How one step of a revision ended.
struct StepOutcome {
  std::size_t index{};   ///< 0-based step index in the revision's plan
  std::string status{};  ///< "applied" or "failed"
  double milliseconds{};
  std::string error{};
  bool operator==(const StepOutcome&) const = default;
};

/// Where the step being run stood when keel last recorded it: how many of its statements
/// finished (steps that run statement by statement, outside a transaction) and, during a
/// batched backfill, the position after which the next batch starts.
struct StepProgress {
  std::size_t step{};        ///< 0-based step index
  std::size_t statements{};  ///< statements of that step finished
  std::string table{};       ///< the backfill's table ("schema.name"), column and expression
  std::string column{};
  std::string expression{};
  std::vector<std::string> after{};  ///< last position committed (primary key values, ...)
  std::int64_t rows{};               ///< rows filled so far by this backfill
  bool operator==(const StepProgress&) const = default;
};

/// One row of the revision table.
struct Revision {
  std::int64_t id{};
  std::optional<std::int64_t> parent{};  ///< the revision applied before this one
  std::string kind = "apply";            ///< "apply" or "rollback"
  std::optional<std::int64_t> target{};  ///< for a rollback: the revision it undid
  std::string status{};                  ///< applying, applied, failed, rolled_back
  std::string db_user{};
  std::string os_user{};
  std::string host{};
  std::string keel_version{};
  std::string started_at{};   ///< ISO 8601, UTC
  std::string finished_at{};  ///< empty while applying
  std::string from_fingerprint{};
  std::string to_fingerprint{};
  std::string desired_toml{};  ///< the desired schema as the user wrote it
  std::string after_toml{};    ///< the inspected schema right after the apply (canonical TOML)
  std::string plan_json{};     ///< the saved-plan JSON: every step with forward and reverse SQL
  std::size_t steps_done{};    ///< steps committed, in plan order
  std::vector<StepOutcome> outcomes{};
  std::optional<StepProgress> progress{};  ///< of the step after the last one done
  std::string error{};
  bool operator==(const Revision&) const = default;
};

/// The outcomes as JSON text (stored in the revision table) and back.
[[nodiscard]] std::string outcomes_to_json(const std::vector<StepOutcome>& outcomes);
[[nodiscard]] std::vector<StepOutcome> outcomes_from_json(const std::string& text);

/// The progress as JSON text (stored in the revision table) and back; "" means none.
[[nodiscard]] std::string progress_to_json(const std::optional<StepProgress>& progress);
[[nodiscard]] std::optional<StepProgress> progress_from_json(const std::string& text);

/// The current time as ISO 8601 UTC with milliseconds: "2026-11-22T01:49:25.123Z".
[[nodiscard]] std::string now_iso8601();

}  // namespace keel::state
