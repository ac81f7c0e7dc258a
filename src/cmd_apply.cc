// Commands that change the database: apply and rollback. Both hold keel's apply lock and
// record a revision.
#include <algorithm>

#include <fmt/format.h>

#include "dialects/revisions.h"
#include "planner/serialize.h"
#include "src/commands.h"
#include "src/output.h"
#include "src/runner.h"
#include "state/diagnostic.h"
#include "state/fingerprint.h"
#include "state/toml_writer.h"

namespace keel::cli {

using state::UserError;

namespace {

std::string destructive_refusal(const planner::Plan& plan) {
  std::string msg = "the plan has destructive steps; pass --allow-destructive to run them:";
  for (std::size_t i = 0; i < plan.steps.size(); ++i)
    for (const auto& h : plan.steps[i].hazards)
      if (h.kind == planner::Hazard::DataLoss)
        msg += fmt::format("\n  step {}: {}: {}", i + 1, plan.steps[i].summary, h.why);
  return msg;
}

/// Refuses (before anything runs) steps that rewrite a table larger than `limit` bytes: they
/// hold an ACCESS EXCLUSIVE lock for the whole rewrite.
void check_rewrites(const planner::Plan& plan, std::int64_t limit, bool allowed) {
  if (allowed)
    return;
  std::string list;
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const auto& s = plan.steps[i];
    if (!s.has(planner::Hazard::TableRewrite) || !s.size || s.size->bytes <= limit)
      continue;
    list += fmt::format("\n  step {}: {} ({})", i + 1, s.summary, size_text(*s.size));
  }
  if (list.empty())
    return;
  throw UserError(fmt::format(
      "the plan rewrites tables larger than the rewrite limit ({}); readers and writers would "
      "wait for the whole rewrite:{}\nDo it in steps instead (add a new column with a "
      "`backfill`, move the application to it, then drop the old one), or pass "
      "--allow-rewrite (or a larger --rewrite-limit) to rewrite in place",
      byte_text(limit), list));
}

/// A new revision for `plan`, filled with who, when and what.
state::Revision new_revision(const planner::Plan& plan, const std::string& kind,
                             const std::string& desired_toml) {
  state::Revision r;
  r.kind = kind;
  r.keel_version = kVersion;
  r.started_at = state::now_iso8601();
  (void)dialects::os_identity(&r.os_user, &r.host);
  r.from_fingerprint = plan.from_fingerprint;
  r.to_fingerprint = plan.to_fingerprint;
  r.desired_toml = desired_toml;
  r.plan_json = planner::to_json(plan, kVersion);
  return r;
}

/// Runs `plan` as revision `r` and records how it ended; rethrows a failure after recording it.
void run_recorded(dialects::Database& db, dialects::RevisionStore& store, state::Revision& r,
                  const planner::Plan& plan, const ApplyOptions& options, Context& ctx) {
  store.start(r);
  Recorder recorder{store, r};
  try {
    run_plan(db, plan, options, ctx.err, &recorder);
  } catch (const dialects::DatabaseError& e) {
    r.status = "failed";
    r.error = e.what();
    r.finished_at = state::now_iso8601();
    store.finish(r);
    throw;
  }
  r.status = "applied";
  r.finished_at = state::now_iso8601();
  const auto after = db.inspect(plan.settings);
  r.after_toml = state::write_toml(after);
  r.to_fingerprint = state::fingerprint(after);
  store.finish(r);
}

/// Marks revisions left "applying" by a killed keel as failed, and says so; they are added to
/// `interrupted` (newest first) when given.
std::optional<std::int64_t> close_interrupted(dialects::RevisionStore& store, Context& ctx,
                                              std::vector<state::Revision>* interrupted = nullptr) {
  auto latest = store.latest_id();
  for (auto& r : store.list()) {
    if (r.status != "applying")
      continue;
    if (interrupted != nullptr)
      interrupted->push_back(r);
    r.status = "failed";
    r.error = fmt::format("interrupted after {} step(s): keel stopped before the revision ended",
                          r.steps_done);
    r.finished_at = state::now_iso8601();
    store.finish(r);
    ctx.err << fmt::format(
        "Revision {} was interrupted after {} step(s); it is now marked failed.\n", r.id,
        r.steps_done);
  }
  return latest;
}

/// The undo of a step that an interrupted apply left half done (its statements run one by one):
/// each statement that ran, undone alone, newest first. Refused when one has no such undo.
planner::Step undo_partial_step(const state::Revision& target, const planner::Step& s) {
  const std::size_t done = std::min(target.progress->statements, s.forward.size());
  planner::Step step;
  step.kind = s.kind;
  step.phase = s.phase;
  step.summary = fmt::format("undo the {} of {} statements of step {} that ran: {}", done,
                             s.forward.size(), target.steps_done + 1, s.summary);
  for (std::size_t j = done; j-- > 0;) {
    const auto& st = s.forward[j];
    if (!st.undo)
      throw UserError(fmt::format(
          "revision {}: step {} ({}) stopped after {} of its {} statements, and statement {} "
          "cannot be undone on its own:\n  {}\nRun `keel apply` to finish the step, then roll "
          "back.",
          target.id, target.steps_done + 1, s.summary, done, s.forward.size(), j + 1, st.sql));
    if (!st.undo->empty())
      step.forward.push_back({*st.undo, false});
  }
  return step;
}

/// --batch-sleep: "100ms" pauses that long after each batch; "50%" pauses for half as long as
/// the batch took, so the backfill yields a steady share of the server to the application.
void set_batch_sleep(const std::string& text, ApplyOptions& options) {
  const auto refuse = [&text] {
    return UserError(
        fmt::format("--batch-sleep \"{}\" is neither a pause (100ms, 2s) nor a share of each "
                    "batch's time from 0% to 10000% (50%)",
                    text));
  };
  if (text.empty() || text.back() != '%') {
    try {
      options.batch_sleep = parse_duration(text, "--batch-sleep");
    } catch (const UserError&) {
      throw refuse();
    }
    return;
  }
  std::size_t pos = 0;
  double percent = -1;
  try {
    percent = std::stod(text.substr(0, text.size() - 1), &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  if (pos == 0 || pos + 1 != text.size() || percent < 0 || percent > 10000)
    throw refuse();
  options.batch_sleep_share = percent / 100;
}

}  // namespace

int cmd_apply(Context& ctx) {
  CLI::App app{"Apply the desired schema (or a saved plan) to the database.", "apply"};
  std::string url;
  std::string schema;
  std::string plan_file;
  std::string lock_timeout = "5s";
  std::string lock_wait = "60s";
  std::string batch_sleep = "0s";
  std::string rewrite_limit = "1GB";
  bool yes = false;
  bool allow_destructive = false;
  bool allow_rewrite = false;
  bool dry_run = false;
  ApplyOptions options;
  app.add_option("SCHEMA", schema, "a .toml file or a directory of them");
  app.add_option("--db", url, "database URL (default: $KEEL_DATABASE_URL, $DATABASE_URL)");
  app.add_option("--plan", plan_file, "apply exactly the steps of a plan saved by `keel plan -o`");
  app.add_option("--lock-timeout", lock_timeout, "how long each statement may wait for a lock");
  app.add_option("--lock-wait", lock_wait, "how long to wait for another apply to finish");
  app.add_flag("-y,--yes", yes, "do not ask for confirmation");
  app.add_flag("--allow-destructive", allow_destructive, "run steps that drop data");
  app.add_flag("--dry-run", dry_run, "show the SQL and change nothing");
  app.add_option("--batch-size", options.batch_size, "rows per backfill batch (default 10000)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{100000000}));
  app.add_option("--batch-sleep", batch_sleep,
                 "pause between backfill batches: a time (100ms) or a share of each batch's (50%)");
  app.add_option("--rewrite-limit", rewrite_limit,
                 "refuse steps that rewrite a table larger than this (default 1GB)");
  app.add_flag("--allow-rewrite", allow_rewrite, "rewrite tables of any size");
  if (auto code = parse(app, ctx))
    return *code;
  if (schema.empty() == plan_file.empty())
    throw UserError("apply needs a SCHEMA or --plan PLAN.json (one of them)");
  options.lock_timeout = parse_duration(lock_timeout, "--lock-timeout");
  options.lock_wait = parse_duration(lock_wait, "--lock-wait");
  set_batch_sleep(batch_sleep, options);
  options.progress_bar = ctx.terminal.progress;
  const auto limit = parse_size(rewrite_limit, "--rewrite-limit");

  Planned p;
  p.db = dialects::open_database(database_url(url));
  auto& db = *p.db;
  std::optional<planner::Plan> saved;
  if (!plan_file.empty())
    saved = planner::from_json(read_file(plan_file), plan_file);
  // Validate everything that needs no lock first, so bad input never waits.
  if (saved && db.engine() != saved->engine)
    throw UserError(fmt::format("{} was made for {}, but the database is {}", plan_file,
                                saved->engine, db.engine()));

  std::optional<dialects::ApplyLock> lock;
  if (!dry_run)
    lock.emplace(db, options.lock_wait);
  dialects::RevisionStore store(db);
  if (!dry_run)
    store.ensure();
  std::vector<state::Revision> interrupted;
  auto parent = dry_run ? store.latest_id() : close_interrupted(store, ctx, &interrupted);
  options.resume = resumable_backfills(interrupted);

  std::string desired_toml;
  if (saved) {
    p.plan = *saved;
    auto live = state::fingerprint(db.inspect(p.plan.settings));
    if (live != p.plan.from_fingerprint)
      throw UserError(fmt::format(
          "{} is stale: the database changed since the plan was made (planned against {}, now "
          "{}); run `keel plan` again",
          plan_file, p.plan.from_fingerprint, live));
    desired_toml = "# applied from saved plan " + plan_file + "\n";
    if (!p.plan.empty())
      planner::annotate_sizes(p.plan, db.table_sizes(planner::tables_to_size(p.plan)));
  } else {
    plan_into(p, schema);
    desired_toml = p.desired.text;
  }
  const auto& plan = p.plan;
  if (plan.empty()) {
    ctx.err << "No changes: the database matches the desired schema.\n";
    return 0;
  }
  if (plan.destructive() && !allow_destructive)
    throw UserError(destructive_refusal(plan));
  check_rewrites(plan, limit, allow_rewrite);
  if (dry_run) {
    ctx.out << render_sql(plan);
    return 0;
  }
  if (!yes) {
    ctx.err << render_text(plan, ctx.terminal.color) << "\n";
    if (!confirm(ctx, fmt::format("Apply these {} steps?", plan.steps.size()))) {
      ctx.err << "Not applied.\n";
      return 1;
    }
  }
  auto start = std::chrono::steady_clock::now();
  auto r = new_revision(plan, "apply", desired_toml);
  r.parent = parent;
  run_recorded(db, store, r, plan, options, ctx);
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  ctx.err << fmt::format("Applied {} step{} in {:.0f} ms as revision {}.\n", plan.steps.size(),
                         plan.steps.size() == 1 ? "" : "s", ms.count(), r.id);
  return 0;
}

int cmd_rollback(Context& ctx) {
  CLI::App app{"Undo the newest applied revisions, data included.", "rollback"};
  std::string url;
  std::int64_t to = -1;
  int steps = 0;
  bool yes = false;
  bool force = false;
  std::string lock_timeout = "5s";
  std::string lock_wait = "60s";
  app.add_option("--db", url, "database URL (default: $KEEL_DATABASE_URL, $DATABASE_URL)");
  app.add_option("--to", to, "undo every revision after REVISION (0 undoes them all)");
  app.add_option("--steps", steps, "undo the newest N revisions (default 1)");
  app.add_flag("-y,--yes", yes, "do not ask for confirmation");
  app.add_flag("--force", force, "undo even if the schema changed since the revision");
  app.add_option("--lock-timeout", lock_timeout, "how long each statement may wait for a lock");
  app.add_option("--lock-wait", lock_wait, "how long to wait for another apply to finish");
  std::string batch_sleep = "0s";
  ApplyOptions options;
  app.add_option("--batch-size", options.batch_size, "rows per backfill batch (default 10000)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{100000000}));
  app.add_option("--batch-sleep", batch_sleep,
                 "pause between backfill batches: a time (100ms) or a share of each batch's (50%)");
  if (auto code = parse(app, ctx))
    return *code;
  if (to >= 0 && steps > 0)
    throw UserError("rollback takes --to or --steps, not both");
  if (steps < 0)
    throw UserError("--steps must be at least 1");
  if (to < 0 && steps == 0)
    steps = 1;
  set_batch_sleep(batch_sleep, options);
  options.progress_bar = ctx.terminal.progress;
  options.lock_timeout = parse_duration(lock_timeout, "--lock-timeout");
  options.lock_wait = parse_duration(lock_wait, "--lock-wait");

  auto db = dialects::open_database(database_url(url));
  dialects::ApplyLock lock(*db, options.lock_wait);
  dialects::RevisionStore store(*db);
  store.ensure();
  (void)close_interrupted(store, ctx);
  std::vector<state::Revision> targets;
  for (auto& r : store.list()) {
    bool partial = r.progress && r.progress->step == r.steps_done && r.progress->statements > 0;
    if (r.kind != "apply" || r.status == "rolled_back" || (r.steps_done == 0 && !partial))
      continue;
    if (to >= 0 ? r.id > to : static_cast<int>(targets.size()) < steps)
      targets.push_back(r);
  }
  if (targets.empty()) {
    ctx.err << "Nothing to roll back: no applied revision"
            << (to >= 0 ? fmt::format(" after revision {}", to) : std::string()) << ".\n";
    return 0;
  }
  if (!yes) {
    for (const auto& r : targets)
      ctx.err << fmt::format("revision {} ({}, {} step(s), {})\n", r.id, r.status, r.steps_done,
                             r.started_at);
    if (!confirm(ctx, fmt::format("Roll back {} revision(s)?", targets.size()))) {
      ctx.err << "Not rolled back.\n";
      return 1;
    }
  }
  for (const auto& target : targets) {
    auto forward = planner::from_json(target.plan_json, fmt::format("revision {}", target.id));
    auto live_schema = db->inspect(forward.settings);
    auto live = state::fingerprint(live_schema);
    if (target.status == "applied" && live != target.to_fingerprint && !force) {
      throw UserError(fmt::format(
          "revision {}: the schema changed since it was applied, so its reverse steps may not "
          "fit; review the difference and pass --force to roll back anyway:\n{}",
          target.id,
          unified_diff(target.after_toml, state::write_toml(live_schema),
                       fmt::format("after revision {}", target.id), "database now")));
    }
    planner::Plan undo;
    undo.engine = forward.engine;
    undo.settings = forward.settings;
    undo.from_fingerprint = live;
    undo.to_fingerprint = target.from_fingerprint;
    if (target.progress && target.progress->step == target.steps_done &&
        target.progress->statements > 0 && target.steps_done < forward.steps.size())
      undo.steps.push_back(undo_partial_step(target, forward.steps[target.steps_done]));
    for (std::size_t i = target.steps_done; i-- > 0;) {
      const auto& s = forward.steps[i];
      planner::Step step;
      step.kind = s.kind;
      step.phase = s.phase;
      step.summary = fmt::format("undo step {}: {}", i + 1, s.summary);
      step.forward = s.reverse;
      step.reverse = s.forward;
      step.own_transaction = s.own_transaction;
      undo.steps.push_back(std::move(step));
    }
    auto r = new_revision(undo, "rollback", target.desired_toml);
    r.target = target.id;
    r.parent = store.latest_id();
    ctx.err << fmt::format("Rolling back revision {} ({} step(s)).\n", target.id,
                           undo.steps.size());
    run_recorded(*db, store, r, undo, options, ctx);
    store.set_status(target.id, "rolled_back");
    ctx.err << fmt::format("Rolled back revision {} as revision {}.\n", target.id, r.id);
  }
  return 0;
}

}  // namespace keel::cli
