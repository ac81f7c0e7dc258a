#include <fstream>

#include <catch2/catch.hpp>

#include "tests/sqlite/fixture.h"

namespace keel::testing {
namespace {

using dialects::DatabaseError;

TEST_CASE("opening a missing sqlite file creates it", "[sqlite]") {
  TempDir dir;
  std::string path = dir.file("new.db");
  auto db = dialects::sqlite::open(path);
  CHECK(db->engine() == "sqlite");
  CHECK(std::filesystem::exists(path));
  CHECK(db->inspect({}).tables.empty());
}

TEST_CASE("an in-memory sqlite database opens empty", "[sqlite]") {
  auto db = dialects::sqlite::open(":memory:");
  db->execute_script("CREATE TABLE t(a INT)");
  CHECK(db->inspect({}).tables.size() == 1);
}

TEST_CASE("opening a sqlite file in a missing directory names the directory", "[sqlite]") {
  TempDir dir;
  std::string path = dir.file("missing/app.db");
  try {
    (void)dialects::sqlite::open(path);
    FAIL("open succeeded");
  } catch (const DatabaseError& e) {
    CHECK(std::string(e.what()) == "cannot open sqlite database \"" + path + "\": directory \"" +
                                       dir.file("missing") + "\" does not exist");
    CHECK(e.sqlstate() == "SQLITE_CANTOPEN");
  }
}

TEST_CASE("opening a directory as a sqlite database says so", "[sqlite]") {
  TempDir dir;
  CHECK_THROWS_WITH(
      dialects::sqlite::open(dir.path().string()),
      "cannot open sqlite database \"" + dir.path().string() + "\": it is a directory");
}

TEST_CASE("opening a file that is not a sqlite database fails at open", "[sqlite]") {
  TempDir dir;
  std::string path = dir.file("notes.txt");
  std::ofstream(path) << "these are not the pages you are looking for, not at all, no\n"
                      << std::string(200, 'x');
  try {
    (void)dialects::sqlite::open(path);
    FAIL("open succeeded");
  } catch (const DatabaseError& e) {
    CHECK(std::string(e.what()) ==
          "cannot open sqlite database \"" + path + "\": file is not a database");
    CHECK(e.sqlstate() == "SQLITE_NOTADB");
  }
}

TEST_CASE("a sqlite connection enforces foreign keys", "[sqlite]") {
  auto db = dialects::sqlite::open(":memory:");
  CHECK(db->query("PRAGMA foreign_keys") ==
        std::vector<std::vector<std::optional<std::string>>>{{"1"}});
  db->execute_script(
      "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INT REFERENCES p(id));");
  try {
    db->execute("INSERT INTO c VALUES (42)");
    FAIL("insert succeeded");
  } catch (const DatabaseError& e) {
    CHECK(std::string(e.what()) == "FOREIGN KEY constraint failed");
    CHECK(e.sqlstate() == "SQLITE_CONSTRAINT");
    CHECK(e.statement() == "INSERT INTO c VALUES (42)");
  }
}

TEST_CASE("a failing sqlite script reports the engine's message and the script", "[sqlite]") {
  auto db = dialects::sqlite::open(":memory:");
  try {
    db->execute_script("CREATE TABLE t(a); CRATE TABLE u(b);");
    FAIL("script succeeded");
  } catch (const DatabaseError& e) {
    CHECK(std::string(e.what()) == "near \"CRATE\": syntax error");
    CHECK(e.sqlstate() == "SQLITE_ERROR");
    CHECK(e.statement() == "CREATE TABLE t(a); CRATE TABLE u(b);");
  }
}

TEST_CASE("sqlite queries return text rows with NULL as nullopt", "[sqlite]") {
  auto db = dialects::sqlite::open(":memory:");
  CHECK(db->query("SELECT 1, NULL, 'x' UNION ALL SELECT 2.5, 'y', NULL") ==
        std::vector<std::vector<std::optional<std::string>>>{{"1", std::nullopt, "x"},
                                                             {"2.5", "y", std::nullopt}});
}

TEST_CASE("has_rows tells an empty sqlite table from one with rows", "[sqlite]") {
  auto db = dialects::sqlite::open(":memory:");
  db->execute_script(
      "CREATE TABLE \"odd \"\"t\"\"\"(a); CREATE TABLE full(a); "
      "INSERT INTO full VALUES (1);");
  CHECK_FALSE(db->has_rows({"main", "odd \"t\""}));
  CHECK(db->has_rows({"main", "full"}));
}

TEST_CASE("a second sqlite writer waits for the busy timeout and then fails busy", "[sqlite]") {
  TempDir dir;
  std::string path = dir.file("busy.db");
  auto first = sqlite_with(path, "CREATE TABLE t(a)");
  auto second = dialects::sqlite::open(path);
  second->set_lock_timeout(std::chrono::milliseconds(50));
  first->begin();
  try {
    second->begin();
    FAIL("second BEGIN IMMEDIATE succeeded");
  } catch (const DatabaseError& e) {
    CHECK(std::string(e.what()) == "database is locked");
    CHECK(second->is_transient(e));
  }
  first->rollback();
  second->begin();
  second->commit();
}

}  // namespace
}  // namespace keel::testing
