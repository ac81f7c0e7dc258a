// PostgreSQL's side of planning: SQL for every change kind and the lock facts behind hazards.
#pragma once

#include "planner/plan.h"

namespace keel::dialects::postgres {

/// Renders planner changes as PostgreSQL 15 statements. Pure: needs no connection.
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

/// True when PostgreSQL changes `from` to `to` without rewriting the table (varchar widening,
/// varchar to text, numeric precision growth at the same scale, and the like).
[[nodiscard]] bool binary_coercible(const std::string& from, const std::string& to);

/// True when PostgreSQL converts `from` to `to` by an assignment cast, so ALTER COLUMN ... TYPE
/// needs no USING: within the string, number, date/time and bit families, and to a string type
/// from anything. Such a cast rejects a value that does not fit rather than truncating it.
[[nodiscard]] bool assignment_cast(const std::string& from, const std::string& to);

/// Schema that holds data kept by drops until `keel prune`; hidden from inspect.
inline constexpr const char* kTrashSchema = "keel_trash";

/// The column definition as in CREATE TABLE / ADD COLUMN: name, type, identity or generated,
/// default, NOT NULL.
[[nodiscard]] std::string column_definition(const state::Column& column);

}  // namespace keel::dialects::postgres
