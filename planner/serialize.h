// The saved-plan file: a stable JSON form of a Plan (documented in docs/plan-format.md).
#pragma once

#include <string>

#include "planner/plan.h"

namespace keel::planner {

/// Version of the JSON plan format; bumped on incompatible changes.
inline constexpr int kPlanFormatVersion = 1;

/// The plan as pretty-printed JSON (stable key order). `keel_version` is recorded in the file.
[[nodiscard]] std::string to_json(const Plan& plan, const std::string& keel_version);

/// Reads a plan written by to_json. Steps get their kind, phase, summary, SQL, reverse SQL and
/// hazards back (not the in-memory Change). Throws state::UserError naming `file_name` on a
/// malformed file or an unsupported format version.
[[nodiscard]] Plan from_json(const std::string& text, const std::string& file_name,
                             std::string* keel_version = nullptr);

}  // namespace keel::planner
