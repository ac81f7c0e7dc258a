// Crash tests on SQLite files: `keel apply` is killed (SIGKILL) just before each step of a plan
// in turn. The revision it leaves must count exactly the steps whose effects the database
// shows, the lock row of the dead apply must be taken over, a plain re-run must converge
// without losing rows, and rolling back both revisions must give A back with its rows.
#include <csignal>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "dialects/dialect.h"
#include "state/fingerprint.h"
#include "state/schema.h"
#include "tests/support/convergence.h"
#include "tests/support/process.h"

namespace {

using Json = nlohmann::json;
using keel::testing::ScratchDir;

// A: four tables with foreign keys, an enum, rows everywhere.
const char* const kSchemaA = R"toml([enums.task_status]
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

// B: a dropped column and a dropped table (destructive), new tables, new columns, and changes
// SQLite cannot make in place (a new enum value, which is a CHECK here, a backfilled NOT NULL
// column, a check, a foreign key): two tables rebuilt, each a step outside the plan's
// transactions; indexes on tables with rows.
const char* const kSchemaB = R"toml([enums.task_status]
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

[[tables.users.checks]]
name = "users_email_has_at"
expr = "email LIKE '%@%'"

[tables.task_notes]
primary_key = ["id"]

[tables.task_notes.columns]
id = { type = "bigint" }
task_id = { type = "bigint", references = { table = "tasks", on_delete = "cascade" } }
body = { type = "text" }

[[tables.task_notes.indexes]]
name = "task_notes_task_idx"
columns = ["task_id"]
)toml";

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

std::string rows(keel::dialects::Database& db, const std::vector<std::string>& queries) {
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

std::string fingerprint(keel::dialects::Database& db) {
  return keel::state::fingerprint(db.inspect({}));
}

/// Runs `keel ARGS...` in-process; fails the test unless it exits with `expected`.
std::string keel_ok(const std::vector<std::string>& args, int expected = 0) {
  std::string out;
  std::string err;
  int code = keel::testing::keel(args, out, err);
  INFO("keel " << fmt::format("{}", fmt::join(args, " ")) << "\n" << err);
  REQUIRE(code == expected);
  return out;
}

/// The real keel binary, run to its end with `env` added to the environment.
keel::testing::ChildResult run_keel(const std::vector<std::string>& args, const ScratchDir& dir,
                                    const std::map<std::string, std::string>& env = {}) {
  return keel::testing::run_child(KEEL_BINARY, args, env, dir.path());
}

/// Every revision, newest first, as `keel history --format json` shows it.
Json history(const std::string& url) {
  return Json::parse(keel_ok({"history", "--db", url, "--format", "json"}));
}

/// A new database file at A with rows; returns its URL.
std::string load_a(const std::string& path, const std::string& a_file) {
  std::string url = "sqlite:" + path;
  keel_ok({"apply", "--db", url, a_file, "--yes"});
  keel::dialects::open_database(url)->execute_script(kRowsA);
  return url;
}

/// How many steps are committed when keel dies just before step `k` (0-based) starts: those
/// before k's transaction. Consecutive transactional steps share one transaction; a
/// non-transactional or own-transaction step stands alone (DESIGN.md, "Applying, safely").
std::size_t committed_before(const Json& steps, std::size_t k) {
  auto shares = [&](std::size_t i) {
    return steps[i]["transactional"].get<bool>() && !steps[i]["own_transaction"].get<bool>();
  };
  std::size_t start = k;
  while (start > 0 && shares(start) && shares(start - 1))
    --start;
  return start;
}

}  // namespace

TEST_CASE(
    "an apply killed before any step of its plan leaves a true record in a SQLite file, "
    "and a re-run converges",
    "[sqlite]") {
  ScratchDir dir("keel-crash-sqlite");
  const auto a_file = dir.write("a.toml", kSchemaA);
  const auto b_file = dir.write("b.toml", kSchemaB);

  // The plan, and the truth to compare with: the schema after each of its steps, run by hand
  // (autocommit, in plan order) on a database at A.
  const auto reference = load_a((dir.path() / "reference.db").string(), a_file);
  const auto plan = Json::parse(keel_ok({"plan", "--db", reference, b_file, "--format", "json"}));
  const auto& steps = plan["steps"];
  const std::size_t n = steps.size();
  std::vector<keel::state::Schema> truth;
  {
    auto db = keel::dialects::open_database(reference);
    truth.push_back(db->inspect({}));
    for (const auto& step : steps) {
      INFO("running step " << step["index"] << " by hand: " << step["summary"]);
      for (const auto& st : step["forward"])
        db->execute(st["sql"].get<std::string>());
      truth.push_back(db->inspect({}));
    }
  }
  auto exact = [&](std::size_t i) { return keel::state::fingerprint(truth[i]); };
  keel_ok({"plan", "--db", reference, b_file, "--detailed-exitcode"});

  // The plan mixes what this test is about.
  std::size_t outside = 0;
  std::size_t destructive = 0;
  std::size_t shared = 0;
  for (std::size_t i = 0; i < n; ++i) {
    outside += steps[i]["transactional"].get<bool>() ? 0U : 1U;
    for (const auto& h : steps[i]["hazards"])
      destructive += h["kind"] == "DATA_LOSS" ? 1U : 0U;
    shared += committed_before(steps, i) < i ? 1U : 0U;
  }

  REQUIRE(n >= 10);
  REQUIRE(outside >= 2);
  REQUIRE(destructive >= 2);
  REQUIRE(shared >= 3);

  for (std::size_t k = 1; k <= n; ++k) {
    const auto committed = committed_before(steps, k - 1);
    INFO(fmt::format("killed before step {}/{} ({}); {} step(s) committed before it", k, n,
                     steps[k - 1]["summary"].get<std::string>(), committed));
    const auto path = (dir.path() / fmt::format("kill-before-{}.db", k)).string();
    const auto url = load_a(path, a_file);
    auto db = keel::dialects::open_database(url);
    const auto kept_rows = rows(*db, kKeptRows);
    const auto all_rows = rows(*db, kAllRows);

    keel::testing::Child child(KEEL_BINARY,
                               {"apply", "--db", url, b_file, "--yes", "--allow-destructive"},
                               {{"KEEL_FAILPOINT", fmt::format("before-step:{}", k)}}, dir.path());
    auto killed = child.wait();
    INFO("killed apply:\n" << killed.err);
    REQUIRE(killed.signal == SIGKILL);
    // The dead apply's lock row stays behind; the re-run below must take it over.
    CHECK(db->query("SELECT pid FROM keel_lock").at(0).at(0) == std::to_string(child.pid()));

    // The database shows exactly the steps before k's transaction, and the revision says so.
    CHECK(fingerprint(*db) == exact(committed));
    auto h = history(url);
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
    auto rerun = run_keel({"apply", "--db", url, b_file, "--yes", "--allow-destructive"}, dir);
    INFO("re-run:\n" << rerun.err);
    REQUIRE(rerun.exit_code == 0);
    CHECK_THAT(
        rerun.err,
        Catch::Contains(fmt::format(
            "Revision 2 was interrupted after {} step(s); it is now marked failed.\n", committed)));
    keel_ok({"plan", "--db", url, b_file, "--detailed-exitcode"});
    CHECK(fingerprint(*db) == exact(n));
    CHECK(rows(*db, kKeptRows) == kept_rows);
    CHECK(db->query("SELECT count(*) FROM tasks WHERE effort = length(title)").at(0).at(0) == "6");
    CHECK(db->query("SELECT count(*) FROM keel_lock").at(0).at(0) == "0");
    h = history(url);
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

    // Rolling back the re-run returns to where the kill left the database; rolling back the
    // interrupted revision's committed steps then gives A back, rows included.
    auto undo = run_keel({"rollback", "--db", url, "--steps", "1", "--yes"}, dir);
    INFO("rollback --steps 1:\n" << undo.err);
    REQUIRE(undo.exit_code == 0);
    CHECK(fingerprint(*db) == exact(committed));
    undo = run_keel({"rollback", "--db", url, "--to", "1", "--yes"}, dir);
    INFO("rollback --to 1:\n" << undo.err);
    REQUIRE(undo.exit_code == 0);
    CHECK(fingerprint(*db) == exact(0));
    CHECK(rows(*db, kAllRows) == all_rows);
    h = history(url);
    REQUIRE(h.size() == (committed > 0 ? 5U : 4U));
    CHECK(h[h.size() - 2]["status"] == (committed > 0 ? "rolled_back" : "failed"));
    CHECK(h[h.size() - 3]["status"] == "rolled_back");
  }
}
