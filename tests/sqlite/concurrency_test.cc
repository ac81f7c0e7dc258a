// Concurrent applies on one SQLite file, each a real keel process (the shared set-up is in
// tests/support/concurrency.h): the second waits for keel's lock row (or gives up after
// --lock-wait, naming the holder), the database ends at the desired schema, and the revisions
// in the history ran one after another.
//
// To make the order certain, the test holds a read transaction (SQLite's SHARED lock) while the
// first apply starts: the first apply takes the write lock to insert its lock row but cannot
// commit it, and holds SQLite's write lock meanwhile, so the second apply, started then, can
// only come after it. The test ends its read transaction once both are started.
#include "tests/support/concurrency.h"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include "dialects/dialect.h"
#include "tests/support/process.h"

namespace {

using keel::testing::check_sequential;
using keel::testing::Child;

/// B on SQLite: the shared B with a check, which makes it a rebuild of "users".
const std::string kSchemaB = std::string(keel::testing::kConcurrencySchemaB) + R"toml(
[[tables.users.checks]]
name = "users_email_has_at"
expr = "email LIKE '%@%'"
)toml";

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
struct Setup : keel::testing::ConcurrencySetup {
  std::string path;

  Setup()
      : ConcurrencySetup("keel-concurrency-sqlite", kSchemaB, KEEL_BINARY),
        path((dir().path() / "app.db").string()) {
    load_a("sqlite:" + path);
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

}  // namespace

TEST_CASE(
    "of two applies of one schema at once on a SQLite file, one applies it and the other "
    "waits, then finds nothing to do",
    "[sqlite]") {
  Setup setup;
  auto [first, second] = setup.start_in_order(setup.b(), setup.b());
  setup.check_in_turn(*first, *second, setup.b(), 2, [](const std::string& err) {
    CHECK(err == "No changes: the database matches the desired schema.\n");
  });
  auto db = keel::dialects::open_database(setup.url());
  CHECK(db->query("SELECT count(*) FROM keel_lock").at(0).at(0) == "0");
  CHECK(db->query("SELECT count(*) FROM tasks").at(0).at(0) == "2");
}

TEST_CASE(
    "an apply that waited for another on a SQLite file applies the rest on top of it, one "
    "revision after the other",
    "[sqlite]") {
  Setup setup;
  auto [first, second] = setup.start_in_order(setup.b(), setup.c());
  setup.check_in_turn(*first, *second, setup.c(), 3, [](const std::string& err) {
    CHECK_THAT(err, Catch::StartsWith("[1/1] create table \"main.labels\""));
    CHECK_THAT(err, Catch::EndsWith(" as revision 3.\n"));
  });
}

TEST_CASE(
    "an apply that cannot get keel's lock row on a SQLite file within --lock-wait fails, "
    "naming the holder",
    "[sqlite]") {
  Setup setup;
  // A live process (this one) holds keel's lock row, as a keel apply would.
  auto db = keel::dialects::open_database(setup.url());
  db->execute(fmt::format(
      "INSERT INTO keel_lock (id, holder, host, pid, since) VALUES (1, 'nightly maintenance (pid "
      "{0})', '{1}', {0}, '2026-01-02T03:04:05.678Z')",
      getpid(), keel::testing::host_name()));

  auto two = setup.apply(setup.b(), {"--lock-wait", "1s"})->wait();
  CHECK(two.exit_code == 1);
  CHECK(two.err == fmt::format("keel: error: another keel apply or rollback holds the lock on this "
                               "database: nightly maintenance (pid {}) since "
                               "2026-01-02T03:04:05.678Z; waited 1 s (--lock-wait)\n",
                               getpid()));
  CHECK(setup.history().size() == 1);
  auto rollback = setup.run({"rollback", "--db", setup.url(), "--yes", "--lock-wait", "1s"});
  CHECK(rollback.exit_code == 1);
  CHECK_THAT(rollback.err, Catch::Contains("nightly maintenance (pid "));

  // Once the row is gone, the same apply goes through; its own row names it while it runs and
  // is gone afterwards.
  db->execute("DELETE FROM keel_lock");
  auto three = setup.apply(setup.b(), {"--lock-wait", "1s"})->wait();
  INFO(three.err);
  CHECK(three.exit_code == 0);
  CHECK(db->query("SELECT count(*) FROM keel_lock").at(0).at(0) == "0");
  check_sequential(setup.history());
}
