// The convergence suite on real SQLite files: the same seeded mutations as on PostgreSQL,
// limited to what SQLite expresses, applied to a file holding rows, then rolled back.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "state/toml_reader.h"
#include "tests/support/convergence.h"
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
  auto dir = std::filesystem::temp_directory_path() / fmt::format("keel-conv-sqlite-{}", chunk);
  std::filesystem::create_directories(dir);
  auto file = dir / "conv.db";
  std::string url = "sqlite:" + file.string();
  auto reset = [&] { std::filesystem::remove(file); };
  keel::testing::MutationOptions options;
  options.comments = false;
  options.rich_types = false;
  auto base = keel::state::read_schema_string(keel::testing::base_schema_toml(options), "base.toml")
                  .schema;
  for (int seed = first; seed < last; ++seed) {
    std::mt19937 rng(static_cast<unsigned>(seed));
    std::vector<std::string> log_a;
    std::vector<std::string> log_b;
    auto a = keel::testing::mutate(base, rng, seed % 3, options, log_a, "a");
    for (auto& [name, t] : a.tables) {
      t.renamed_from.reset();
      for (auto& c : t.columns) {
        c.renamed_from.reset();
        c.backfill.reset();
      }
    }
    auto b = keel::testing::mutate(a, rng, 1 + seed % 4, options, log_b, "b");
    std::vector<std::string> log;
    for (const auto& l : log_a) log.push_back("A: " + l);
    for (const auto& l : log_b) log.push_back("B: " + l);
    INFO("seed " << seed);
    auto problem = keel::testing::check_convergence(url, reset, a, b, log, dir.string());
    if (!problem.empty()) FAIL(problem);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace

TEST_CASE("random schema changes converge and roll back on SQLite (part 1 of 2)", "[sqlite]") {
  run_chunk(0, 2);
}
TEST_CASE("random schema changes converge and roll back on SQLite (part 2 of 2)", "[sqlite]") {
  run_chunk(1, 2);
}
