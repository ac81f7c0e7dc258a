// Concurrent applies on one SQLite file, each a real keel process: the second waits for keel's
// lock row (or gives up after --lock-wait, naming the holder), the database ends at the
// desired schema, and the revisions in the history ran one after another.
//
// To make the order certain, the test holds a read transaction (SQLite's SHARED lock) while the
// first apply starts: the first apply takes the write lock to insert its lock row but cannot
// commit it, and holds SQLite's write lock meanwhile, so the second apply, started then, can
// only come after it. The test ends its read transaction once both are started.
#include <array>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include "dialects/dialect.h"
#include "tests/support/convergence.h"
#include "tests/support/process.h"

namespace {

using Json = nlohmann::json;
using keel::testing::Child;
using keel::testing::ScratchDir;

const char* const kSchemaA = R"toml([tables.users]
primary_key = ["id"]

[tables.users.columns]
id = { type = "bigint" }
email = { type = "text" }

[tables.tasks]
primary_key = ["id"]

[tables.tasks.columns]
id = { type = "bigint" }
user_id = { type = "bigint", references = { table = "users" } }
title = { type = "text" }
)toml";

/// A with a new table, a new column, a check (a rebuild of "users") and an index.
const char* const kSchemaB = R"toml([tables.users]
primary_key = ["id"]

[tables.users.columns]
id = { type = "bigint" }
email = { type = "text" }
display_name = { type = "text", nullable = true }

[[tables.users.indexes]]
name = "users_email_idx"
columns = ["email"]

[[tables.users.checks]]
name = "users_email_has_at"
expr = "email LIKE '%@%'"

[tables.tasks]
primary_key = ["id"]

[tables.tasks.columns]
id = { type = "bigint" }
user_id = { type = "bigint", references = { table = "users" } }
title = { type = "text" }

[tables.projects]
primary_key = ["id"]

[tables.projects.columns]
id = { type = "bigint" }
name = { type = "text" }
)toml";

/// What a later apply adds to B: one more table.
const char* const kMoreForC = R"toml(
[tables.labels]
primary_key = ["id"]

[tables.labels.columns]
id = { type = "bigint" }
name = { type = "text" }
)toml";

/// The children's $USER, so that lock messages name a known user.
const std::map<std::string, std::string> kEnv = {{"USER", "keel-test"}};

/// Runs `keel ARGS...` in-process; fails the test unless it exits with `expected`.
std::string keel_ok(const std::vector<std::string>& args, int expected = 0) {
  std::string out;
  std::string err;
  int code = keel::testing::keel(args, out, err);
  INFO("keel " << fmt::format("{}", fmt::join(args, " ")) << "\n" << err);
  REQUIRE(code == expected);
  return out;
}

std::string host_name() {
  std::array<char, 256> buf{};
  gethostname(buf.data(), buf.size() - 1);
  return buf.data();
}

/// A raw sqlite3 connection that never waits for a lock (keel's own connections wait 5 s).
class RawConnection {
 public:
  explicit RawConnection(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK)
      throw std::runtime_error("sqlite3_open");
  }
  ~RawConnection() { sqlite3_close(db_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  RawConnection(RawConnection&&) = delete;
  RawConnection& operator=(RawConnection&&) = delete;

  /// sqlite3_exec's result code.
  int exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }

 private:
  sqlite3* db_ = nullptr;
};

/// A database file at A with rows, and the schema files.
struct Setup {
  ScratchDir dir{"keel-concurrency-sqlite"};
  std::string path = (dir.path() / "app.db").string();
  std::string url = "sqlite:" + path;
  std::string a = dir.write("a.toml", kSchemaA);
  std::string b = dir.write("b.toml", kSchemaB);
  std::string c = dir.write("c.toml", std::string(kSchemaB) + kMoreForC);

  Setup() {
    keel_ok({"apply", "--db", url, a, "--yes"});
    keel::dialects::open_database(url)->execute_script(
        "INSERT INTO users VALUES (1, 'ann@example.com'), (2, 'bob@example.com');"
        "INSERT INTO tasks VALUES (1, 1, 'write'), (2, 2, 'review');");
  }

  /// `keel apply SCHEMA --yes ARGS...` as a child process.
  [[nodiscard]] std::unique_ptr<Child> apply(const std::string& schema,
                                             const std::vector<std::string>& args = {}) const {
    std::vector<std::string> all = {"apply", "--db", url, schema, "--yes"};
    all.insert(all.end(), args.begin(), args.end());
    return std::make_unique<Child>(KEEL_BINARY, all, kEnv, dir.path());
  }

  /// Every revision, newest first.
  [[nodiscard]] Json history() const {
    return Json::parse(keel_ok({"history", "--db", url, "--format", "json"}));
  }

  /// Starts an apply of `first_schema`, then, once it holds SQLite's write lock on its way to
  /// keel's lock row, an apply of `second_schema`: the first one is sure to get keel's lock.
  [[nodiscard]] std::pair<std::unique_ptr<Child>, std::unique_ptr<Child>> start_in_order(
      const std::string& first_schema, const std::string& second_schema) const {
    RawConnection reader(path);
    REQUIRE(reader.exec("BEGIN; SELECT count(*) FROM keel_lock") == SQLITE_OK);
    auto first = apply(first_schema);
    RawConnection probe(path);
    // BEGIN IMMEDIATE is refused (SQLITE_BUSY) once another connection holds the write lock.
    bool writing = false;
    (void)keel::testing::eventually([&] {
      writing = probe.exec("BEGIN IMMEDIATE") != SQLITE_OK;
      if (!writing)
        probe.exec("ROLLBACK");
      return writing || !first->running();
    });
    INFO("first apply:\n" << first->err_so_far());
    REQUIRE(writing);
    auto second = apply(second_schema);
    // The second apply waits for the write lock (5 s at most) until the first has its lock row.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    REQUIRE(reader.exec("COMMIT") == SQLITE_OK);
    return {std::move(first), std::move(second)};
  }
};

/// The revisions ran one after another, each on the one before: no overlap, no interleaving.
void check_sequential(const Json& history) {
  for (std::size_t i = 0; i < history.size(); ++i) {
    const auto& r = history[i];
    INFO("revision " << r["id"]);
    CHECK(r["status"] == "applied");
    REQUIRE(r["finished_at"].is_string());
    CHECK(r["started_at"].get<std::string>() <= r["finished_at"].get<std::string>());
    if (i + 1 == history.size())
      continue;
    const auto& before = history[i + 1];
    CHECK(before["finished_at"].get<std::string>() <= r["started_at"].get<std::string>());
    CHECK(r["parent"] == before["id"]);
    CHECK(r["from_fingerprint"] == before["to_fingerprint"]);
  }
}

}  // namespace

TEST_CASE(
    "of two applies of one schema at once on a SQLite file, one applies it and the other "
    "waits, then finds nothing to do",
    "[sqlite]") {
  Setup setup;
  auto [first, second] = setup.start_in_order(setup.b, setup.b);
  auto one = first->wait();
  auto two = second->wait();
  INFO("first:\n" << one.err << "second:\n" << two.err);
  CHECK(one.exit_code == 0);
  CHECK_THAT(one.err, Catch::EndsWith(" as revision 2.\n"));
  CHECK(two.exit_code == 0);
  CHECK(two.err == "No changes: the database matches the desired schema.\n");
  keel_ok({"plan", "--db", setup.url, setup.b, "--detailed-exitcode"});
  auto history = setup.history();
  CHECK(history.size() == 2);
  check_sequential(history);
  auto db = keel::dialects::open_database(setup.url);
  CHECK(db->query("SELECT count(*) FROM keel_lock").at(0).at(0) == "0");
  CHECK(db->query("SELECT count(*) FROM tasks").at(0).at(0) == "2");
}

TEST_CASE(
    "an apply that waited for another on a SQLite file applies the rest on top of it, one "
    "revision after the other",
    "[sqlite]") {
  Setup setup;
  auto [first, second] = setup.start_in_order(setup.b, setup.c);
  auto one = first->wait();
  auto two = second->wait();
  INFO("first:\n" << one.err << "second:\n" << two.err);
  CHECK(one.exit_code == 0);
  CHECK_THAT(one.err, Catch::EndsWith(" as revision 2.\n"));
  CHECK(two.exit_code == 0);
  CHECK_THAT(two.err, Catch::StartsWith("[1/1] create table \"main.labels\""));
  CHECK_THAT(two.err, Catch::EndsWith(" as revision 3.\n"));
  keel_ok({"plan", "--db", setup.url, setup.c, "--detailed-exitcode"});
  auto history = setup.history();
  CHECK(history.size() == 3);
  check_sequential(history);
}

TEST_CASE(
    "an apply that cannot get keel's lock row on a SQLite file within --lock-wait fails, "
    "naming the holder",
    "[sqlite]") {
  Setup setup;
  // A live process (this one) holds keel's lock row, as a keel apply would.
  auto db = keel::dialects::open_database(setup.url);
  db->execute(fmt::format(
      "INSERT INTO keel_lock (id, holder, host, pid, since) VALUES (1, 'nightly maintenance (pid "
      "{0})', '{1}', {0}, '2026-01-02T03:04:05.678Z')",
      getpid(), host_name()));

  auto two = setup.apply(setup.b, {"--lock-wait", "1s"})->wait();
  CHECK(two.exit_code == 1);
  CHECK(two.err == fmt::format("keel: error: another keel apply or rollback holds the lock on this "
                               "database: nightly maintenance (pid {}) since "
                               "2026-01-02T03:04:05.678Z; waited 1 s (--lock-wait)\n",
                               getpid()));
  CHECK(setup.history().size() == 1);
  auto rollback = keel::testing::run_child(
      KEEL_BINARY, {"rollback", "--db", setup.url, "--yes", "--lock-wait", "1s"}, kEnv,
      setup.dir.path());
  CHECK(rollback.exit_code == 1);
  CHECK_THAT(rollback.err, Catch::Contains("nightly maintenance (pid "));

  // Once the row is gone, the same apply goes through; its own row names it while it runs and
  // is gone afterwards.
  db->execute("DELETE FROM keel_lock");
  auto three = setup.apply(setup.b, {"--lock-wait", "1s"})->wait();
  INFO(three.err);
  CHECK(three.exit_code == 0);
  CHECK(db->query("SELECT count(*) FROM keel_lock").at(0).at(0) == "0");
  check_sequential(setup.history());
}
