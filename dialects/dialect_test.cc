#include "dialects/dialect.h"

#include <filesystem>

#include <catch2/catch.hpp>
#include <unistd.h>

using keel::dialects::DatabaseError;
using keel::dialects::open_database;

namespace {

std::string open_error(const std::string& url) {
  try {
    (void)open_database(url);
  } catch (const DatabaseError& e) {
    return e.what();
  }
  return "opened";
}

}  // namespace

TEST_CASE("sqlite URLs open SQLite databases", "[unit]") {
  CHECK(open_database("sqlite::memory:")->engine() == "sqlite");
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("keel_dialect_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "app.db";
  CHECK(open_database("sqlite://" + file.string())->engine() == "sqlite");
  CHECK(std::filesystem::exists(file));
  std::filesystem::remove_all(dir);
}

TEST_CASE("URLs of no known engine are refused with the accepted forms", "[unit]") {
  CHECK(open_error("mysql://user:pw@db/app") ==
        "unsupported database URL \"mysql://user:***@db/app\" (expected postgresql://..., a "
        "libpq key=value string or sqlite:PATH)");
  CHECK(open_error("") == "no database URL given");
  CHECK(open_error("sqlite:") == "no file name in database URL \"sqlite:\"");
}
