// The convergence suite on a real PostgreSQL server: seeded random mutations of a rich base
// schema, each applied to a database holding rows, then rolled back.
#include "tests/support/convergence.h"

#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "dialects/dialect.h"
#include "tests/support/mutate.h"

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kDefaultPairs = 40;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kDefaultPairs = 40;
#else
constexpr int kDefaultPairs = 200;
#endif
#else
constexpr int kDefaultPairs = 200;
#endif

/// KEEL_CONVERGENCE_PAIRS overrides the count (a larger run by hand).
int pair_count() {
  const char* v = std::getenv("KEEL_CONVERGENCE_PAIRS");
  return v != nullptr ? std::atoi(v) : kDefaultPairs;
}

std::string admin_url() {
  const char* v = std::getenv("KEEL_TEST_PG_URL");
  if (v == nullptr)
    FAIL("KEEL_TEST_PG_URL is not set: run the suite through `make test`");
  return v;
}

/// A fresh database on the test server; its URL is the admin URL with another database name.
std::string create_database(const std::string& name) {
  auto admin = keel::dialects::open_database(admin_url());
  admin->execute("DROP DATABASE IF EXISTS " + name);
  admin->execute("CREATE DATABASE " + name);
  std::string url = admin_url();
  auto slash = url.rfind('/');
  auto query = url.find('?', slash);
  return url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

void run_chunk(int chunk, int chunks) {
  int total = pair_count();
  int first = total * chunk / chunks;
  int last = total * (chunk + 1) / chunks;
  std::string url = create_database(fmt::format("keel_convergence_{}", chunk));
  auto dir =
      std::filesystem::temp_directory_path() / fmt::format("keel-conv-pg-{}-{}", ::getpid(), chunk);
  std::filesystem::create_directories(dir);
  auto db = keel::dialects::open_database(url);
  auto reset = [&] {
    db->execute_script(
        "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"
        "DROP SCHEMA IF EXISTS keel CASCADE; DROP SCHEMA IF EXISTS keel_trash CASCADE;");
  };
  auto problem = keel::testing::check_seeds(url, reset, keel::testing::MutationOptions{}, first,
                                            last, dir.string());
  INFO(problem);
  CHECK(problem.empty());
  std::filesystem::remove_all(dir);
}

}  // namespace

TEST_CASE("random schema changes converge and roll back on PostgreSQL (part 1 of 4)",
          "[postgres]") {
  run_chunk(0, 4);
}
TEST_CASE("random schema changes converge and roll back on PostgreSQL (part 2 of 4)",
          "[postgres]") {
  run_chunk(1, 4);
}
TEST_CASE("random schema changes converge and roll back on PostgreSQL (part 3 of 4)",
          "[postgres]") {
  run_chunk(2, 4);
}
TEST_CASE("random schema changes converge and roll back on PostgreSQL (part 4 of 4)",
          "[postgres]") {
  run_chunk(3, 4);
}
