// The convergence suite on real SQLite files: the same seeded mutations as on PostgreSQL,
// limited to what SQLite expresses, applied to a file holding rows, then rolled back.
#include "tests/support/convergence.h"

#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "tests/support/mutate.h"

namespace {

/// KEEL_CONVERGENCE_PAIRS overrides the count (a larger run by hand).
int pair_count() {
  const char* v = std::getenv("KEEL_CONVERGENCE_PAIRS");
  return v != nullptr ? std::atoi(v) : 200;
}

void run_chunk(int chunk, int chunks) {
  int total = pair_count();
  int first = total * chunk / chunks;
  int last = total * (chunk + 1) / chunks;
  auto dir = std::filesystem::temp_directory_path() /
             fmt::format("keel-conv-sqlite-{}-{}", ::getpid(), chunk);
  std::filesystem::create_directories(dir);
  auto file = dir / "conv.db";
  std::string url = "sqlite:" + file.string();
  auto reset = [&] { std::filesystem::remove(file); };
  keel::testing::MutationOptions options;
  options.comments = false;
  options.rich_types = false;
  auto problem = keel::testing::check_seeds(url, reset, options, first, last, dir.string());
  INFO(problem);
  CHECK(problem.empty());
  std::filesystem::remove_all(dir);
}

}  // namespace

TEST_CASE("random schema changes converge and roll back on SQLite (part 1 of 2)", "[sqlite]") {
  run_chunk(0, 2);
}
TEST_CASE("random schema changes converge and roll back on SQLite (part 2 of 2)", "[sqlite]") {
  run_chunk(1, 2);
}
