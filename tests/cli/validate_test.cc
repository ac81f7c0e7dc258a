// `keel validate` on every bad input under tests/cli/bad: exit code 1 and exactly the one-line
// message of the matching .err file, with file:line:col.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/support/convergence.h"

namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// The repository root: tests run from the build directory, sources sit beside it.
std::filesystem::path source_dir() {
  return std::filesystem::path(KEEL_SOURCE_DIR);
}

}  // namespace

TEST_CASE("every bad input is one error line with its position and exit code 1", "[cli]") {
  const auto dir = source_dir() / "tests/cli/bad";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".toml")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 25);
  std::filesystem::current_path(source_dir());
  for (const auto& file : files) {
    auto relative = std::filesystem::relative(file, source_dir()).string();
    INFO(relative);
    std::string out;
    std::string err;
    int code = keel::testing::keel({"validate", relative}, out, err);
    CHECK(code == 1);
    CHECK(out.empty());
    CHECK(err == slurp(file.parent_path() / (file.stem().string() + ".err")));
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    CHECK(err.rfind(relative + ":", 0) == 0);
  }
}

TEST_CASE("every example validates", "[cli]") {
  std::filesystem::current_path(source_dir());
  for (const char* example : {"examples/shop/v1", "examples/shop/v2", "examples/saas/v1",
                              "examples/saas/v2", "examples/rag/v1", "examples/rag/v2"}) {
    INFO(example);
    std::string out;
    std::string err;
    CHECK(keel::testing::keel({"validate", example}, out, err) == 0);
    CHECK(err.empty());
    CHECK(out.rfind(std::string(example) + ": ok (", 0) == 0);
  }
}

TEST_CASE("an unknown command suggests the closest one", "[cli]") {
  std::string out;
  std::string err;
  CHECK(keel::testing::keel({"aply"}, out, err) == 1);
  CHECK(err ==
        "keel: error: unknown command \"aply\" (did you mean \"apply\"?)\n"
        "run 'keel help' for the list of commands\n");
}

TEST_CASE("a command without a database names the ways to give one", "[cli]") {
  ::unsetenv("KEEL_DATABASE_URL");
  ::unsetenv("DATABASE_URL");
  std::string out;
  std::string err;
  CHECK(keel::testing::keel({"plan", "examples/shop/v1"}, out, err) == 1);
  CHECK(err ==
        "keel: error: no database given: pass --db URL or set KEEL_DATABASE_URL (e.g. "
        "sqlite:app.db or postgresql://user@host/db)\n");
}
