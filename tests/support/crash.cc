#include "tests/support/crash.h"

#include <csignal>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "state/fingerprint.h"

namespace keel::testing {

const char* const kCrashSchemaA = R"toml([enums.task_status]
values = ["todo", "doing", "done"]

[tables.orgs]
primary_key = ["id"]

[tables.orgs.columns]
id = { type = "bigint" }
name = { type = "text" }
legacy_code = { type = "text", nullable = true }

[tables.users]
primary_key = ["id"]

[tables.users.columns]
id = { type = "bigint" }
org_id = { type = "bigint", references = { table = "orgs", on_delete = "cascade" } }
email = { type = "text" }

[tables.tasks]
primary_key = ["id"]

[tables.tasks.columns]
id = { type = "bigint" }
owner_id = { type = "bigint", references = { table = "users" } }
title = { type = "text" }
status = { type = "task_status", default = "todo" }

[tables.audit_log]
primary_key = ["id"]

[tables.audit_log.columns]
id = { type = "bigint" }
message = { type = "text" }
)toml";

const char* const kCrashSchemaB = R"toml([enums.task_status]
values = ["todo", "doing", "blocked", "done"]

[enums.priority]
values = ["low", "high"]

[tables.orgs]
primary_key = ["id"]

[tables.orgs.columns]
id = { type = "bigint" }
name = { type = "text" }
plan = { type = "text", default = "free" }

[tables.users]
primary_key = ["id"]

[tables.users.columns]
id = { type = "bigint" }
org_id = { type = "bigint", references = { table = "orgs", on_delete = "cascade" } }
email = { type = "text" }
display_name = { type = "text", nullable = true }

[[tables.users.indexes]]
name = "users_email_idx"
columns = ["email"]

[tables.projects]
primary_key = ["id"]

[tables.projects.columns]
id = { type = "bigint" }
org_id = { type = "bigint", references = { table = "orgs", on_delete = "cascade" } }
name = { type = "text" }

[tables.tasks]
primary_key = ["id"]

[tables.tasks.columns]
id = { type = "bigint" }
owner_id = { type = "bigint", references = { table = "users" } }
project_id = { type = "bigint", nullable = true, references = { table = "projects" } }
title = { type = "text" }
status = { type = "task_status", default = "todo" }
priority = { type = "priority", default = "low" }
effort = { type = "integer", backfill = "length(title)" }

[[tables.tasks.indexes]]
name = "tasks_status_idx"
columns = ["status"]

[[tables.tasks.checks]]
name = "tasks_effort_nonnegative"
expr = "effort >= 0"
)toml";

namespace {

const char* const kRowsA = R"sql(
INSERT INTO orgs VALUES (1, 'acme', 'AC'), (2, 'globex', NULL), (3, 'initech', 'IN');
INSERT INTO users VALUES (1, 1, 'ann@acme'), (2, 1, 'bob@acme'), (3, 2, 'cid@globex'),
  (4, 3, 'dee@initech');
INSERT INTO tasks VALUES (1, 1, 'write spec', 'todo'), (2, 1, 'review', 'doing'),
  (3, 2, 'ship it', 'done'), (4, 3, 'plan', 'todo'), (5, 4, 'hire', 'doing'),
  (6, 4, 'budget review', 'done');
INSERT INTO audit_log VALUES (1, 'created acme'), (2, 'created globex');
)sql";

/// The rows of A in the columns B keeps.
const std::vector<std::string> kKeptRows = {
    "SELECT id, name FROM orgs ORDER BY id",
    "SELECT id, org_id, email FROM users ORDER BY id",
    "SELECT id, owner_id, title, status FROM tasks ORDER BY id",
};

/// Every row of A, in every column.
const std::vector<std::string> kAllRows = {
    "SELECT * FROM orgs ORDER BY id",
    "SELECT * FROM users ORDER BY id",
    "SELECT * FROM tasks ORDER BY id",
    "SELECT * FROM audit_log ORDER BY id",
};

std::string rows(dialects::Database& db, const std::vector<std::string>& queries) {
  std::string out;
  for (const auto& q : queries) {
    out += q + "\n";
    for (const auto& row : db.query(q)) {
      for (const auto& cell : row)
        out += " " + cell.value_or("NULL");
      out += "\n";
    }
  }
  return out;
}

std::string fingerprint(dialects::Database& db) {
  return state::fingerprint(db.inspect({}));
}

/// How many steps are committed when keel dies just before step `k` (0-based) starts: those
/// before k's transaction. Consecutive transactional steps share one transaction; a
/// non-transactional or own-transaction step stands alone (DESIGN.md, "Applying, safely").
std::size_t committed_before(const nlohmann::json& steps, std::size_t k) {
  auto shares = [&](std::size_t i) {
    return steps[i]["transactional"].get<bool>() && !steps[i]["own_transaction"].get<bool>();
  };
  std::size_t start = k;
  while (start > 0 && shares(start) && shares(start - 1))
    --start;
  return start;
}

}  // namespace

ReplayedPlan::ReplayedPlan(const std::string& url, const std::string& desired_file)
    : plan_(
          nlohmann::json::parse(keel_ok({"plan", "--db", url, desired_file, "--format", "json"}))) {
  auto db = dialects::open_database(url);
  truth_.push_back(db->inspect({}));
  for (const auto& step : steps()) {
    INFO("running step " << step["index"] << " by hand: " << step["summary"]);
    // As keel runs it: a transactional step inside one transaction (LOCK TABLE needs one).
    bool transactional = true;
    for (const auto& st : step["forward"])
      transactional = transactional && st["in_transaction"].get<bool>();
    if (transactional)
      db->begin();
    for (const auto& st : step["forward"])
      db->execute(st["sql"].get<std::string>());
    if (transactional)
      db->commit();
    truth_.push_back(db->inspect({}));
  }
  keel_ok({"plan", "--db", url, desired_file, "--detailed-exitcode"});
}

std::string ReplayedPlan::fingerprint(std::size_t i) const {
  return state::fingerprint(schema(i));
}

StepMix count_steps(const nlohmann::json& steps) {
  StepMix mix;
  mix.steps = steps.size();
  for (std::size_t i = 0; i < mix.steps; ++i) {
    mix.own_transaction += steps[i]["own_transaction"].get<bool>() ? 1U : 0U;
    mix.outside += steps[i]["transactional"].get<bool>() ? 0U : 1U;
    for (const auto& h : steps[i]["hazards"])
      mix.destructive += h["kind"] == "DATA_LOSS" ? 1U : 0U;
    mix.shared += committed_before(steps, i) < i ? 1U : 0U;
  }
  return mix;
}

CrashScenario::CrashScenario(const std::string& dir_prefix, const std::string& schema_b,
                             const std::string& keel_binary)
    : dir_(dir_prefix),
      keel_(keel_binary, dir_.path()),
      a_file_(dir_.write("a.toml", kCrashSchemaA)),
      b_file_(dir_.write("b.toml", schema_b)) {}

void CrashScenario::load_a(const std::string& url) const {
  keel_ok({"apply", "--db", url, a_file_, "--yes"});
  dialects::open_database(url)->execute_script(kRowsA);
}

ReplayedPlan CrashScenario::replay(const std::string& url) const {
  return {url, b_file_};
}

void CrashScenario::kill_before_each_step(const ReplayedPlan& plan, const CrashHooks& hooks) const {
  const auto& steps = plan.steps();
  const std::size_t n = plan.size();
  auto exact = [&](std::size_t i) { return plan.fingerprint(i); };
  auto rolled_back_fingerprint = [&](const state::Schema& schema) {
    return hooks.rolled_back_fingerprint ? hooks.rolled_back_fingerprint(schema)
                                         : state::fingerprint(schema);
  };
  for (std::size_t k = 1; k <= n; ++k) {
    const auto committed = committed_before(steps, k - 1);
    INFO(fmt::format("killed before step {}/{} ({}); {} step(s) committed before it", k, n,
                     steps[k - 1]["summary"].get<std::string>(), committed));
    const auto url = hooks.load_a(k);
    auto db = dialects::open_database(url);
    const auto kept_rows = rows(*db, kKeptRows);
    const auto all_rows = rows(*db, kAllRows);

    auto child = keel_.start({"apply", "--db", url, b_file_, "--yes", "--allow-destructive"},
                             {{"KEEL_FAILPOINT", fmt::format("before-step:{}", k)}});
    auto killed = child->wait();
    INFO("killed apply:\n" << killed.err);
    REQUIRE(killed.signal == SIGKILL);
    if (hooks.after_kill)
      hooks.after_kill(*db, child->pid());

    // The database shows exactly the steps before k's transaction, and the revision says so.
    CHECK(fingerprint(*db) == exact(committed));
    auto h = keel_history(url);
    REQUIRE(h.size() == 2);
    CHECK(h[0]["id"] == 2);
    CHECK(h[0]["status"] == "applying");
    CHECK(h[0]["steps_done"] == committed);
    CHECK(h[0]["steps_total"] == n);
    CHECK(h[0]["finished_at"].is_null());
    CHECK(h[0]["from_fingerprint"] == exact(0));
    REQUIRE(h[0]["outcomes"].size() == committed);
    for (std::size_t i = 0; i < committed; ++i) {
      CHECK(h[0]["outcomes"][i]["index"] == i);
      CHECK(h[0]["outcomes"][i]["status"] == "applied");
    }

    // A plain re-run closes the interrupted revision and converges, keeping every row.
    auto rerun = keel_.run({"apply", "--db", url, b_file_, "--yes", "--allow-destructive"});
    INFO("re-run:\n" << rerun.err);
    REQUIRE(rerun.exit_code == 0);
    CHECK_THAT(
        rerun.err,
        Catch::Contains(fmt::format(
            "Revision 2 was interrupted after {} step(s); it is now marked failed.\n", committed)));
    keel_ok({"plan", "--db", url, b_file_, "--detailed-exitcode"});
    CHECK(fingerprint(*db) == exact(n));
    CHECK(rows(*db, kKeptRows) == kept_rows);
    CHECK(db->query("SELECT count(*) FROM tasks WHERE effort = length(title)").at(0).at(0) == "6");
    if (hooks.after_rerun)
      hooks.after_rerun(*db);
    h = keel_history(url);
    REQUIRE(h.size() == 3);
    CHECK(h[0]["id"] == 3);
    CHECK(h[0]["status"] == "applied");
    CHECK(h[0]["parent"] == 2);
    CHECK(h[0]["steps_done"] == h[0]["steps_total"]);
    CHECK(h[0]["steps_done"] > 0);
    CHECK(h[0]["from_fingerprint"] == exact(committed));
    CHECK(h[0]["to_fingerprint"] == exact(n));
    CHECK(h[0]["outcomes"].size() == h[0]["steps_done"]);
    CHECK(h[1]["id"] == 2);
    CHECK(h[1]["status"] == "failed");
    CHECK(h[1]["steps_done"] == committed);
    CHECK(h[1]["error"] ==
          fmt::format("interrupted after {} step(s): keel stopped before the revision ended",
                      committed));
    CHECK(h[1]["finished_at"].is_string());

    // Rolling back the re-run returns to where the kill left the database (as far as
    // hooks.rolled_back_fingerprint sees); rolling back the interrupted revision's committed
    // steps then gives A back exactly, rows included.
    auto undo = keel_.run({"rollback", "--db", url, "--steps", "1", "--yes"});
    INFO("rollback --steps 1:\n" << undo.err);
    REQUIRE(undo.exit_code == 0);
    CHECK(rolled_back_fingerprint(db->inspect({})) ==
          rolled_back_fingerprint(plan.schema(committed)));
    undo = keel_.run({"rollback", "--db", url, "--to", "1", "--yes"});
    INFO("rollback --to 1:\n" << undo.err);
    REQUIRE(undo.exit_code == 0);
    CHECK(fingerprint(*db) == exact(0));
    CHECK(rows(*db, kAllRows) == all_rows);
    h = keel_history(url);
    REQUIRE(h.size() == (committed > 0 ? 5U : 4U));
    CHECK(h[h.size() - 2]["status"] == (committed > 0 ? "rolled_back" : "failed"));
    CHECK(h[h.size() - 3]["status"] == "rolled_back");
  }
}

}  // namespace keel::testing
