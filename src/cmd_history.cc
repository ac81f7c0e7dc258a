// Commands that read keel's records: history, show, and prune of data kept by drops.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "dialects/revisions.h"
#include "planner/serialize.h"
#include "src/commands.h"
#include "src/output.h"
#include "state/diagnostic.h"

namespace keel::cli {

using state::UserError;

namespace {

nlohmann::ordered_json revision_json(const state::Revision& r, bool full) {
  nlohmann::ordered_json j;
  j["id"] = r.id;
  j["parent"] = r.parent ? nlohmann::ordered_json(*r.parent) : nlohmann::ordered_json();
  j["kind"] = r.kind;
  j["target"] = r.target ? nlohmann::ordered_json(*r.target) : nlohmann::ordered_json();
  j["status"] = r.status;
  j["db_user"] = r.db_user;
  j["os_user"] = r.os_user;
  j["host"] = r.host;
  j["keel_version"] = r.keel_version;
  j["started_at"] = r.started_at;
  j["finished_at"] =
      r.finished_at.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(r.finished_at);
  j["from_fingerprint"] = r.from_fingerprint;
  j["to_fingerprint"] = r.to_fingerprint;
  j["steps_done"] = r.steps_done;
  auto plan = nlohmann::ordered_json::parse(r.plan_json, nullptr, false);
  j["steps_total"] = plan.is_object() ? plan["steps"].size() : 0;
  j["error"] = r.error.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(r.error);
  auto outcomes = nlohmann::ordered_json::parse(state::outcomes_to_json(r.outcomes));
  j["outcomes"] = outcomes;
  // Where a step that runs statement by statement stopped (null when none did).
  auto progress = state::progress_to_json(r.progress);
  j["progress"] =
      progress.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json::parse(progress);
  if (full) {
    j["desired_toml"] = r.desired_toml;
    j["plan"] = plan;
  }
  return j;
}

std::size_t total_steps(const state::Revision& r) {
  auto plan = nlohmann::ordered_json::parse(r.plan_json, nullptr, false);
  return plan.is_object() ? plan["steps"].size() : 0;
}

}  // namespace

int cmd_history(Context& ctx) {
  CLI::App app{"List the revisions applied to the database, newest first.", "history"};
  std::string url;
  std::string format = "text";
  app.add_option("--db", url, "database URL (default: $KEEL_DATABASE_URL, $DATABASE_URL)");
  app.add_option("--format", format, "text or json")->check(CLI::IsMember({"text", "json"}));
  if (auto code = parse(app, ctx))
    return *code;
  auto db = dialects::open_database(database_url(url));
  dialects::RevisionStore store(*db);
  auto revisions = store.list();
  if (format == "json") {
    auto j = nlohmann::ordered_json::array();
    for (const auto& r : revisions)
      j.push_back(revision_json(r, false));
    ctx.out << j.dump(2) << "\n";
    return 0;
  }
  if (revisions.empty()) {
    ctx.out << "No revisions: keel has not applied anything to this database.\n";
    return 0;
  }
  ctx.out << fmt::format("{:>4}  {:<8}  {:<11}  {:<24}  {:>7}  {}\n", "id", "kind", "status",
                         "started (UTC)", "steps", "by");
  for (const auto& r : revisions) {
    std::string kind =
        r.kind == "rollback" && r.target ? fmt::format("undo {}", *r.target) : r.kind;
    ctx.out << fmt::format("{:>4}  {:<8}  {:<11}  {:<24}  {:>7}  {}\n", r.id, kind, r.status,
                           r.started_at, fmt::format("{}/{}", r.steps_done, total_steps(r)),
                           r.db_user.empty() ? r.os_user + "@" + r.host
                                             : r.db_user + " (" + r.os_user + "@" + r.host + ")");
    if (!r.error.empty())
      ctx.out << "      error: " << r.error << "\n";
  }
  return 0;
}

int cmd_show(Context& ctx) {
  CLI::App app{"Show one revision: who, when, its steps with SQL, reverse and outcome.", "show"};
  std::string url;
  std::int64_t id = 0;
  std::string format = "text";
  app.add_option("REVISION", id, "revision id (see keel history)")->required();
  app.add_option("--db", url, "database URL (default: $KEEL_DATABASE_URL, $DATABASE_URL)");
  app.add_option("--format", format, "text or json")->check(CLI::IsMember({"text", "json"}));
  if (auto code = parse(app, ctx))
    return *code;
  auto db = dialects::open_database(database_url(url));
  dialects::RevisionStore store(*db);
  auto r = store.get(id);
  if (!r)
    throw UserError(fmt::format("no revision {} in this database (see keel history)", id));
  if (format == "json") {
    ctx.out << revision_json(*r, true).dump(2) << "\n";
    return 0;
  }
  auto plan = planner::from_json(r->plan_json, fmt::format("revision {}", id));
  ctx.out << fmt::format("revision {}: {} {}", r->id, r->kind, r->status);
  if (r->target)
    ctx.out << fmt::format(" (undoes revision {})", *r->target);
  ctx.out << "\n";
  ctx.out << fmt::format("  by       {} {}@{}\n", r->db_user, r->os_user, r->host);
  ctx.out << fmt::format("  when     {} .. {}\n", r->started_at,
                         r->finished_at.empty() ? "(not finished)" : r->finished_at);
  ctx.out << fmt::format("  keel     {}\n", r->keel_version);
  ctx.out << fmt::format("  schema   {} -> {}\n", r->from_fingerprint, r->to_fingerprint);
  ctx.out << fmt::format("  steps    {}/{} committed\n", r->steps_done, plan.steps.size());
  if (!r->error.empty())
    ctx.out << "  error    " << r->error << "\n";
  if (r->progress) {
    ctx.out << fmt::format("  stopped  in step {} after {} statement(s)", r->progress->step + 1,
                           r->progress->statements);
    if (!r->progress->column.empty())
      ctx.out << fmt::format("; backfill of {}.{}: {} row(s) filled", r->progress->table,
                             r->progress->column, r->progress->rows);
    ctx.out << "\n";
  }
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const auto& s = plan.steps[i];
    std::string outcome = i < r->steps_done ? "applied" : "not applied";
    for (const auto& o : r->outcomes)
      if (o.index == i)
        outcome = o.status +
                  (o.error.empty() ? fmt::format(" in {:.0f} ms", o.milliseconds) : ": " + o.error);
    ctx.out << fmt::format("\n{:>3}. {} [{}]\n", i + 1, s.summary, outcome);
    for (const auto& st : s.forward)
      ctx.out << "     " << st.sql << ";\n";
    if (!s.reverse.empty()) {
      ctx.out << "     reverse:\n";
      for (const auto& st : s.reverse)
        ctx.out << "       " << st.sql << ";\n";
    }
  }
  return 0;
}

int cmd_prune(Context& ctx) {
  CLI::App app{"Purge the data that drops kept aside for rollback.", "prune"};
  std::string url;
  std::string older_than = "30d";
  bool yes = false;
  app.add_option("--db", url, "database URL (default: $KEEL_DATABASE_URL, $DATABASE_URL)");
  app.add_option("--older-than", older_than, "only data kept longer than this (default 30d)");
  app.add_flag("-y,--yes", yes, "do not ask for confirmation");
  if (auto code = parse(app, ctx))
    return *code;
  auto age = parse_duration(older_than, "--older-than");
  auto db = dialects::open_database(database_url(url));
  dialects::ApplyLock lock(*db, std::chrono::seconds(60));
  dialects::RevisionStore store(*db);
  auto kept = store.kept_objects(age);
  if (kept.empty()) {
    ctx.out << "Nothing to prune: no kept data older than " << older_than << ".\n";
    return 0;
  }
  for (const auto& k : kept)
    ctx.err << "  " << k << "\n";
  if (!yes && !confirm(ctx, fmt::format("Purge these {} kept object(s) for good?", kept.size()))) {
    ctx.err << "Nothing purged.\n";
    return 1;
  }
  store.purge(kept);
  ctx.out << fmt::format("Purged {} kept object(s).\n", kept.size());
  return 0;
}

}  // namespace keel::cli
