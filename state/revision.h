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
  std::size_t index{};       ///< 0-based step index in the revision's plan
  std::string status{};      ///< "applied" or "failed"
  double milliseconds{};
  std::string error{};
  bool operator==(const StepOutcome&) const = default;
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
  std::string error{};
  bool operator==(const Revision&) const = default;
};

/// The outcomes as JSON text (stored in the revision table) and back.
[[nodiscard]] std::string outcomes_to_json(const std::vector<StepOutcome>& outcomes);
[[nodiscard]] std::vector<StepOutcome> outcomes_from_json(const std::string& text);

/// The current time as ISO 8601 UTC with milliseconds: "2026-11-22T01:49:25.123Z".
[[nodiscard]] std::string now_iso8601();

}  // namespace keel::state
