// Plan renderings for people and tools: text (coloured on a terminal), SQL, JSON, markdown.
#pragma once

#include <string>

#include "planner/plan.h"

namespace keel::cli {

/// Whether to colour output: only on a terminal and when NO_COLOR is unset.
[[nodiscard]] bool use_color(bool is_terminal);

/// "85 MB", "1.2 GB", "640 kB" (powers of 1024, as PostgreSQL's pg_size_pretty).
[[nodiscard]] std::string byte_text(std::int64_t bytes);
/// "~1,200,000 rows, 85 MB" (no size part when the engine gave none).
[[nodiscard]] std::string size_text(const planner::TableSize& size);

/// The plan for a reviewer: grouped by phase, each step with its SQL and one line per hazard.
[[nodiscard]] std::string render_text(
    const planner::Plan& plan, bool color,
    const std::string& in_sync = "the database matches the desired schema");

/// A runnable SQL script: transactional groups wrapped in BEGIN/COMMIT, comments per step.
[[nodiscard]] std::string render_sql(const planner::Plan& plan);

/// A pull-request comment: summary, hazards first, a table of steps, the SQL in a collapsed block.
[[nodiscard]] std::string render_markdown(
    const planner::Plan& plan, const std::string& title,
    const std::string& in_sync = "the database matches the desired schema");

/// The groups the apply runner executes: consecutive transactional steps share a transaction;
/// a non-transactional or own-transaction step stands alone. Each group lists step indexes.
struct Group {
  std::vector<std::size_t> steps{};
  bool transactional = true;
};
[[nodiscard]] std::vector<Group> group_steps(const planner::Plan& plan);

}  // namespace keel::cli
