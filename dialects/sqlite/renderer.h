// SQLite's side of planning: SQL for every change kind SQLite can express, the documented
// 12-step table rebuild for everything ALTER TABLE cannot do, and the hazards of each.
#pragma once

#include "planner/plan.h"

namespace keel::dialects::sqlite {

/// Prefix of the tables that hold data kept by drops until `keel prune`; hidden from inspect
/// like every name starting with "keel_".
inline constexpr const char* kTrashPrefix = "keel_trash_";

/// Renders planner changes as SQLite 3.40 statements. Pure: needs no connection.
class Renderer final : public planner::Renderer {
 public:
  [[nodiscard]] planner::Capabilities capabilities() const override;
  [[nodiscard]] std::vector<planner::Statement> render(
      const planner::Change& change) const override;
  [[nodiscard]] std::vector<planner::Statement> render_reverse(
      const planner::Change& change) const override;
  [[nodiscard]] std::vector<planner::HazardNote> hazards(
      const planner::Change& change) const override;
  [[nodiscard]] bool supports_in_place(const planner::Change& change,
                                       const state::Table& live) const override;
};

/// Statement text the SQLite database runs as a check: it fails, naming the offending rows,
/// when any foreign key is violated (sent as the last statement of a rebuild).
inline constexpr const char* kForeignKeyCheck = "PRAGMA foreign_key_check";

/// A rebuild drops the old table and with it the table's triggers, which keel does not model.
/// These two statements (SQL comments, so a script run by hand skips them) make the SQLite
/// database save the triggers of the named table before the drop and create them again after
/// the rename, so a rebuild never loses a trigger.
inline constexpr const char* kSaveTriggers = "-- keel: save the triggers of table ";
inline constexpr const char* kRestoreTriggers = "-- keel: restore the triggers of table ";

}  // namespace keel::dialects::sqlite
