// Concurrent applies on a real server, each a real keel process (the shared set-up is in
// tests/support/concurrency.h): the second waits for keel's apply lock (or gives up after
// --lock-wait, naming the holder), the database ends at the desired schema, and the revisions
// in the history ran one after another.
//
// To make the overlap certain rather than likely, the test holds a lock on table "users" that
// the first apply's ALTER TABLE waits for: the first apply then keeps keel's lock, in the
// middle of its plan, until the test lets it go.
#include "tests/support/concurrency.h"

#include <memory>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "tests/support/pg.h"
#include "tests/support/process.h"

namespace {

using keel::testing::check_sequential;
using keel::testing::Child;
using keel::testing::PgTestDatabase;

/// A database at A with rows, and the schema files (B locks "users": a new column, an index).
struct Setup : keel::testing::ConcurrencySetup {
  PgTestDatabase database;

  Setup()
      : ConcurrencySetup("keel-concurrency-pg", keel::testing::kConcurrencySchemaB, KEEL_BINARY) {
    load_a(database.url());
  }
};

/// A first apply stopped in the middle of its plan, holding keel's apply lock: the test holds
/// ACCESS SHARE on "users" in an open transaction, which its ALTER TABLE waits for.
class StuckApply {
 public:
  StuckApply(const Setup& setup, const std::string& schema)
      : holder_(setup.database.open()), observer_(setup.database.open()) {
    holder_->execute("BEGIN");
    holder_->execute("LOCK TABLE public.users IN ACCESS SHARE MODE");
    const auto holder_pid = holder_->query("SELECT pg_backend_pid()").at(0).at(0).value();
    child_ = setup.apply(schema, {"--lock-timeout", "60s"});
    // Its session waits for the test's lock: it is inside its plan, so it holds keel's lock.
    const auto blocked = fmt::format(
        "SELECT pid FROM pg_stat_activity WHERE {} = ANY(pg_blocking_pids(pid))", holder_pid);
    (void)keel::testing::eventually([&] {
      auto rows = observer_->query(blocked);
      if (!rows.empty())
        server_pid_ = rows.at(0).at(0).value();
      return !server_pid_.empty() || !child_->running();
    });
    INFO("first apply:\n" << child_->err_so_far());
    REQUIRE(!server_pid_.empty());
  }

  /// The apply's process.
  [[nodiscard]] Child& child() { return *child_; }
  /// The server pid of the apply's session.
  [[nodiscard]] const std::string& server_pid() const { return server_pid_; }

  /// True once a keel process `pid` has a session (it sets application_name before each try
  /// of keel's lock).
  [[nodiscard]] bool has_session(pid_t pid) const {
    return observer_
               ->query(fmt::format(
                   "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE '%(pid {})'",
                   pid))
               .at(0)
               .at(0) != "0";
  }

  /// Lets the apply go on.
  void release() { holder_->execute("ROLLBACK"); }

  /// Starts a second apply of `schema`, lets it queue behind this one, then lets this one go
  /// on; returns the second apply.
  [[nodiscard]] std::unique_ptr<Child> release_to(const Setup& setup, const std::string& schema) {
    auto second = setup.apply(schema);
    // It waits for keel's lock once it has a session (or it failed: the caller's checks tell).
    (void)keel::testing::eventually(
        [&] { return has_session(second->pid()) || !second->running(); });
    release();
    return second;
  }

 private:
  std::unique_ptr<keel::dialects::Database> holder_;
  std::unique_ptr<keel::dialects::Database> observer_;
  std::unique_ptr<Child> child_;
  std::string server_pid_;
};

}  // namespace

TEST_CASE(
    "of two applies of one schema at once, one applies it and the other waits, then "
    "finds nothing to do",
    "[postgres]") {
  Setup setup;
  StuckApply first(setup, setup.b());
  auto second = first.release_to(setup, setup.b());
  setup.check_in_turn(first.child(), *second, setup.b(), 2, [](const std::string& err) {
    CHECK(err == "No changes: the database matches the desired schema.\n");
  });
}

TEST_CASE(
    "an apply that waited for another applies the rest on top of it, one revision after "
    "the other",
    "[postgres]") {
  Setup setup;
  StuckApply first(setup, setup.b());
  auto second = first.release_to(setup, setup.c());
  setup.check_in_turn(first.child(), *second, setup.c(), 3, [](const std::string& err) {
    CHECK_THAT(err, Catch::StartsWith("[1/1] create table \"public.labels\""));
    CHECK_THAT(err, Catch::EndsWith(" as revision 3.\n"));
  });
}

TEST_CASE(
    "an apply that cannot get keel's lock within --lock-wait fails, naming the apply "
    "that holds it",
    "[postgres]") {
  Setup setup;
  StuckApply first(setup, setup.b());
  auto second = setup.apply(setup.c(), {"--lock-wait", "1s"});
  auto two = second->wait();
  first.release();
  auto one = first.child().wait();
  INFO("first:\n" << one.err << "second:\n" << two.err);

  const auto user = setup.database.open()->query("SELECT current_user").at(0).at(0).value();
  CHECK(two.exit_code == 1);
  CHECK_THAT(two.err, Catch::StartsWith(fmt::format(
                          "keel: error: another keel apply or rollback holds the lock on this "
                          "database: server pid {}, user \"{}\" from ",
                          first.server_pid(), user)));
  CHECK_THAT(two.err,
             Catch::Contains(fmt::format(", \"keel keel-test@{} (pid {})\", connected "
                                         "since ",
                                         keel::testing::host_name(), first.child().pid())));
  CHECK_THAT(two.err, Catch::EndsWith("; waited 1 s (--lock-wait)\n"));
  // The first apply went on undisturbed; the second left no trace.
  CHECK(one.exit_code == 0);
  keel::testing::keel_ok({"plan", "--db", setup.url(), setup.b(), "--detailed-exitcode"});
  auto history = setup.history();
  CHECK(history.size() == 2);
  check_sequential(history);
}

TEST_CASE("the --lock-wait failure names a session that holds keel's lock without being keel",
          "[postgres]") {
  Setup setup;
  auto holder = setup.database.open();
  holder->execute("SET application_name = 'nightly maintenance'");
  (void)holder->query("SELECT pg_advisory_lock(1801807212)");  // keel's key, 0x6b65656c
  const auto pid = holder->query("SELECT pg_backend_pid()").at(0).at(0).value();
  const auto user = holder->query("SELECT current_user").at(0).at(0).value();

  auto two = setup.apply(setup.b(), {"--lock-wait", "1s"})->wait();
  CHECK(two.exit_code == 1);
  CHECK_THAT(two.err, Catch::StartsWith(fmt::format(
                          "keel: error: another keel apply or rollback holds the lock on this "
                          "database: server pid {}, user \"{}\" from ",
                          pid, user)));
  CHECK_THAT(two.err, Catch::EndsWith(", \"nightly maintenance\", connected since " +
                                      holder
                                          ->query("SELECT to_char(backend_start AT TIME ZONE "
                                                  "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                                                  "FROM pg_stat_activity WHERE pid = " +
                                                  pid)
                                          .at(0)
                                          .at(0)
                                          .value() +
                                      "; waited 1 s (--lock-wait)\n"));
  CHECK(setup.history().size() == 1);

  // Once the lock is free, the same apply goes through.
  (void)holder->query("SELECT pg_advisory_unlock(1801807212)");
  auto three = setup.apply(setup.b(), {"--lock-wait", "1s"})->wait();
  INFO(three.err);
  CHECK(three.exit_code == 0);
  check_sequential(setup.history());
}
