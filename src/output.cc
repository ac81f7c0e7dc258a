#include "src/output.h"

#include <cstdlib>
#include <map>

#include <fmt/color.h>
#include <fmt/format.h>

namespace keel::cli {
namespace {

using planner::Hazard;

std::string paint(bool color, fmt::text_style style, const std::string& s) {
  return color ? fmt::format(style, "{}", s) : s;
}

std::string indent(const std::string& text, const std::string& pad) {
  std::string out = pad;
  for (char c : text) {
    out += c;
    if (c == '\n')
      out += pad;
  }
  return out;
}

/// A statement as a reviewer reads it; a batched backfill says how keel runs it.
std::string statement_text(const planner::Statement& st) {
  // A marker (a step keel carries out itself, such as saving triggers) is a comment: no ';'.
  if (st.sql.starts_with("--"))
    return st.sql;
  if (!st.backfill)
    return st.sql + ";";
  return "-- filled in batches of --batch-size rows, each committed on its own; then the rows\n"
         "-- written meanwhile:\n" +
         st.sql + ";";
}

std::string hazard_list(const planner::Step& s) {
  std::string out;
  for (const auto& h : s.hazards)
    out += (out.empty() ? "" : ", ") + planner::hazard_name(h.kind);
  return out;
}

}  // namespace

std::string byte_text(std::int64_t bytes) {
  const char* units[] = {"bytes", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 10 * 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.0f} {}", value, units[unit]);
}

std::string size_text(const planner::TableSize& size) {
  if (size.rows < 0)
    return "rows not estimated yet (never analyzed)" +
           (size.bytes > 0 ? ", " + byte_text(size.bytes) : std::string());
  std::string digits = std::to_string(size.rows);
  std::string rows;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0)
      rows += ',';
    rows += digits[i];
  }
  std::string out = "~" + rows + (size.rows == 1 ? " row" : " rows");
  if (size.bytes > 0)
    out += ", " + byte_text(size.bytes);
  return out;
}

bool use_color(bool is_terminal) {
  const char* no_color = std::getenv("NO_COLOR");
  return is_terminal && (no_color == nullptr || *no_color == '\0');
}

std::vector<Group> group_steps(const planner::Plan& plan) {
  std::vector<Group> groups;
  bool open = false;  // the last group may take more transactional steps
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const auto& s = plan.steps[i];
    if (!s.transactional() || s.own_transaction) {
      groups.push_back({{i}, s.transactional()});
      open = false;
    } else if (open) {
      groups.back().steps.push_back(i);
    } else {
      groups.push_back({{i}, true});
      open = true;
    }
  }
  return groups;
}

std::string render_text(const planner::Plan& plan, bool color, const std::string& in_sync) {
  if (plan.empty())
    return "No changes: " + in_sync + ".\n";
  std::size_t hazardous = 0;
  for (const auto& s : plan.steps)
    hazardous += s.hazards.empty() ? 0U : 1U;
  std::string out = fmt::format("Plan: {} step{} for {}", plan.steps.size(),
                                plan.steps.size() == 1 ? "" : "s", plan.engine);
  if (hazardous)
    out += fmt::format(", {} with hazards", hazardous);
  if (plan.destructive())
    out += ", " + paint(color, fg(fmt::color::red) | fmt::emphasis::bold, "destructive");
  out += "\n";
  std::optional<planner::Phase> phase;
  std::size_t n = 0;
  for (const auto& s : plan.steps) {
    ++n;
    if (phase != s.phase) {
      phase = s.phase;
      out += "\n" + paint(color, fmt::emphasis::bold, "── " + planner::phase_name(s.phase)) + "\n";
    }
    out += fmt::format(
        "{:>3}. {}{}\n", n, s.summary,
        s.transactional() ? "" : paint(color, fg(fmt::color::yellow), " (outside a transaction)"));
    for (const auto& st : s.forward)
      out += paint(color, fg(fmt::color::gray), indent(statement_text(st), "       ")) + "\n";
    for (const auto& h : s.hazards) {
      auto style = h.kind == Hazard::DataLoss ? fg(fmt::color::red) | fmt::emphasis::bold
                                              : fg(fmt::color::yellow);
      out += "       " + paint(color, style, "! " + planner::hazard_name(h.kind)) + ": " + h.why +
             "\n";
    }
    if (!s.hazards.empty() && s.size && s.table)
      out += "       table " + s.table->str() + ": " + size_text(*s.size) + "\n";
  }
  return out;
}

std::string render_sql(const planner::Plan& plan) {
  std::string out = fmt::format("-- keel plan for {}: {} step{}\n", plan.engine, plan.steps.size(),
                                plan.steps.size() == 1 ? "" : "s");
  out += "-- from " + plan.from_fingerprint + "\n-- to   " + plan.to_fingerprint + "\n";
  if (plan.empty())
    return out + "-- nothing to do\n";
  for (const auto& g : group_steps(plan)) {
    out += "\n";
    if (g.transactional)
      out += "BEGIN;\n";
    for (auto i : g.steps) {
      const auto& s = plan.steps[i];
      out += fmt::format("-- step {}/{}: {}", i + 1, plan.steps.size(), s.summary);
      if (!s.hazards.empty())
        out += " [" + hazard_list(s) + "]";
      out += "\n";
      for (const auto& st : s.forward)
        out += statement_text(st) + "\n";
    }
    if (g.transactional)
      out += "COMMIT;\n";
  }
  return out;
}

std::string render_markdown(const planner::Plan& plan, const std::string& title,
                            const std::string& in_sync) {
  std::string out = "### " + title + "\n\n";
  if (plan.empty())
    return out + "No changes: " + in_sync + ".\n";
  std::size_t hazardous = 0;
  for (const auto& s : plan.steps)
    hazardous += s.hazards.empty() ? 0U : 1U;
  out += fmt::format("**{} step{}** on {}, {} with hazards{}.\n\n", plan.steps.size(),
                     plan.steps.size() == 1 ? "" : "s", plan.engine, hazardous,
                     plan.destructive() ? ", **destructive** (needs `--allow-destructive`)" : "");
  if (hazardous) {
    out += "#### Hazards\n\n";
    for (std::size_t i = 0; i < plan.steps.size(); ++i)
      for (const auto& h : plan.steps[i].hazards)
        out += fmt::format(
            "- {} **{}** · step {}: {}{} — {}\n", h.kind == Hazard::DataLoss ? "🛑" : "⚠️",
            planner::hazard_name(h.kind), i + 1, plan.steps[i].summary,
            plan.steps[i].size ? " (" + size_text(*plan.steps[i].size) + ")" : "", h.why);
    out += "\n";
  }
  out += "#### Steps\n\n| # | phase | step | hazards |\n|---:|---|---|---|\n";
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const auto& s = plan.steps[i];
    std::string summary = s.summary;
    std::string escaped;
    for (char c : summary)
      escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    out += fmt::format("| {} | {} | {} | {} |\n", i + 1, planner::phase_name(s.phase), escaped,
                       s.hazards.empty() ? "" : hazard_list(s));
  }
  out += "\n<details><summary>SQL</summary>\n\n```sql\n" + render_sql(plan) + "```\n\n</details>\n";
  return out;
}

}  // namespace keel::cli
