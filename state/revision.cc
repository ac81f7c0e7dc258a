#include "state/revision.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace keel::state {

std::string outcomes_to_json(const std::vector<StepOutcome>& outcomes) {
  auto j = nlohmann::ordered_json::array();
  for (const auto& o : outcomes) {
    nlohmann::ordered_json item{{"index", o.index}, {"status", o.status}, {"ms", o.milliseconds}};
    if (!o.error.empty())
      item["error"] = o.error;
    j.push_back(item);
  }
  return j.dump();
}

std::string progress_to_json(const std::optional<StepProgress>& progress) {
  if (!progress)
    return "";
  nlohmann::ordered_json j{{"step", progress->step}, {"statements", progress->statements}};
  if (!progress->column.empty()) {
    j["backfill"] = {{"table", progress->table},
                     {"column", progress->column},
                     {"expression", progress->expression},
                     {"after", progress->after},
                     {"rows", progress->rows}};
  }
  return j.dump();
}

std::optional<StepProgress> progress_from_json(const std::string& text) {
  if (text.empty())
    return std::nullopt;
  auto j = nlohmann::json::parse(text);
  StepProgress p;
  p.step = j.at("step").get<std::size_t>();
  p.statements = j.at("statements").get<std::size_t>();
  if (j.contains("backfill")) {
    const auto& b = j.at("backfill");
    p.table = b.at("table").get<std::string>();
    p.column = b.at("column").get<std::string>();
    p.expression = b.at("expression").get<std::string>();
    p.after = b.at("after").get<std::vector<std::string>>();
    p.rows = b.at("rows").get<std::int64_t>();
  }
  return p;
}

std::vector<StepOutcome> outcomes_from_json(const std::string& text) {
  std::vector<StepOutcome> out;
  if (text.empty())
    return out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array())
    return out;
  for (const auto& item : j)
    out.push_back({item.value("index", std::size_t{0}), item.value("status", std::string{}),
                   item.value("ms", 0.0), item.value("error", std::string{})});
  return out;
}

std::string now_iso8601() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

}  // namespace keel::state
