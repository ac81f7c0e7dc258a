// Connecting to PostgreSQL: URL dispatch and the one-line errors users see.
#include <catch2/catch.hpp>

#include "dialects/dialect.h"
#include "dialects/postgres/session.h"
#include "tests/support/pg.h"

using keel::dialects::DatabaseError;
using keel::dialects::open_database;
using keel::testing::pg_server_url;
using keel::testing::pg_url_with_database;
using keel::testing::PgTestDatabase;

namespace {

std::string connect_error(const std::string& url) {
  try {
    (void)open_database(url);
  } catch (const DatabaseError& e) {
    return e.what();
  }
  return "connected";
}

}  // namespace

TEST_CASE("a refused connection is explained without the password", "[postgres]") {
  CHECK(connect_error("postgresql://app:s3cret@127.0.0.1:1/app") ==
        "cannot connect to postgresql://app:***@127.0.0.1:1/app: connection refused (is the "
        "server running on that host and port?)");
  CHECK(connect_error("host=127.0.0.1 port=1 user=app password=s3cret dbname=app") ==
        "cannot connect to host=127.0.0.1 port=1 user=app password=*** dbname=app: connection "
        "refused (is the server running on that host and port?)");
}

TEST_CASE("an unknown database is named in the error", "[postgres]") {
  const std::string url = pg_url_with_database(pg_server_url(), "keel_no_such_database");
  CHECK(connect_error(url) == "cannot connect to " + keel::dialects::redact_url(url) +
                                  ": database \"keel_no_such_database\" does not exist");
}

TEST_CASE("a malformed connection URL is reported as such", "[postgres]") {
  CHECK(connect_error("postgresql://127.0.0.1:1/app?frobnicate=1") ==
        "cannot connect to postgresql://127.0.0.1:1/app?frobnicate=1: invalid connection "
        "string: invalid URI query parameter: \"frobnicate\"");
  CHECK(connect_error("host=127.0.0.1 port") ==
        "cannot connect to host=127.0.0.1 port: invalid connection string: missing \"=\" after "
        "\"port\" in connection info string");
  CHECK(connect_error("mysql://db/app") ==
        "unsupported database URL \"mysql://db/app\" (expected postgresql://..., a libpq "
        "key=value string or sqlite:PATH)");
}

TEST_CASE("postgres:// URLs and key=value strings both open PostgreSQL", "[postgres]") {
  PgTestDatabase db;
  auto by_url = open_database(db.url());
  CHECK(by_url->engine() == "postgresql");
  std::string postgres_url = db.url();
  if (postgres_url.starts_with("postgresql://")) {
    postgres_url.replace(0, 13, "postgres://");
  }
  CHECK(open_database(postgres_url)->engine() == "postgresql");
}

TEST_CASE("a failing statement raises DatabaseError with its SQLSTATE", "[postgres]") {
  PgTestDatabase db;
  auto conn = db.open();
  conn->execute_script("CREATE TABLE t (id int NOT NULL)");
  try {
    conn->execute_script("INSERT INTO t VALUES (NULL)");
    FAIL("no error");
  } catch (const DatabaseError& e) {
    CHECK(std::string(e.what()) ==
          "null value in column \"id\" of relation \"t\" violates not-null constraint");
    CHECK(e.sqlstate() == "23502");
    CHECK(e.statement() == "INSERT INTO t VALUES (NULL)");
  }
  // The connection is still usable afterwards.
  CHECK(conn->query("SELECT count(*) FROM t") ==
        std::vector<std::vector<std::optional<std::string>>>{{"0"}});
  CHECK_FALSE(conn->has_rows({"public", "t"}));
  conn->execute("INSERT INTO t VALUES (1)");
  CHECK(conn->has_rows({"public", "t"}));
}

TEST_CASE("inspect leaves the session's search_path and transaction state alone", "[postgres]") {
  PgTestDatabase db;
  auto conn = db.open();
  (void)conn->inspect({});
  CHECK(conn->query("SHOW search_path") ==
        std::vector<std::vector<std::optional<std::string>>>{{"\"$user\", public"}});
  conn->execute_script("CREATE TABLE after_inspect (id int)");  // lands in public, committed
  auto other = db.open();
  CHECK(other->inspect({}).tables.count({"public", "after_inspect"}) == 1);
}

TEST_CASE("a batch gives each query's rows in turn, and a failing query is an error of its own",
          "[postgres]") {
  using keel::dialects::postgres::Batch;
  using keel::dialects::postgres::Rows;
  using keel::dialects::postgres::Session;
  const PgTestDatabase db;
  Session session(db.url());
  {
    Batch batch(session);
    const std::size_t one = batch.add("SELECT 1");
    const std::size_t three = batch.add("SELECT x FROM generate_series(1, 3) x");
    batch.send();
    CHECK(batch.take(one).text(0, 0) == "1");
    const Rows rows = batch.take(three);
    REQUIRE(rows.size() == 3);
    CHECK(rows.text(2, 0) == "3");
  }
  {
    Batch batch(session);
    const std::size_t fine = batch.add("SELECT 1");
    const std::size_t failing = batch.add("SELECT 1 / 0");
    (void)batch.add("SELECT 2");
    batch.send();
    CHECK(batch.take(fine).text(0, 0) == "1");
    try {
      (void)batch.take(failing);
      FAIL("no error");
    } catch (const DatabaseError& e) {
      CHECK(std::string(e.what()) == "division by zero");
      CHECK(e.sqlstate() == "22012");
      CHECK(e.statement() == "SELECT 1 / 0");
    }
  }
  // The session is usable afterwards.
  CHECK(session.query("SELECT 3").text(0, 0) == "3");
}
