// Golden plans: `keel diff FROM TO` for the cases under tests/golden/<case>/, rendered in every
// format and compared byte for byte with the reviewed files next to the schemas.
//
// Each case directory holds from.toml and to.toml (two schema files; no database is needed)
// and the expected renderings plan.txt, plan.md, plan.json and plan.sql. After a deliberate
// change to the renderings, regenerate them and review the diff before committing:
//
//   KEEL_UPDATE_GOLDEN=1 build/keel_golden_tests
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <dtl/dtl.hpp>
#include <nlohmann/json.hpp>

#include "planner/serialize.h"
#include "src/cli.h"
#include "tests/support/convergence.h"

namespace {

namespace fs = std::filesystem;

/// One golden case: a directory of tests/golden and how to plan it.
struct Case {
  std::string dir{};
  std::string engine{};
  int exit_code = 0;  ///< keel diff's: 0 nothing to do, 2 changes, 3 destructive changes
};

/// One rendering: the --format value and the file that holds it.
struct Format {
  std::string name{};
  std::string file{};
};

const std::vector<Format>& formats() {
  static const std::vector<Format> kFormats{
      {"text", "plan.txt"}, {"markdown", "plan.md"}, {"json", "plan.json"}, {"sql", "plan.sql"}};
  return kFormats;
}

bool updating() {
  const char* v = std::getenv("KEEL_UPDATE_GOLDEN");
  return v != nullptr && *v != '\0' && std::string(v) != "0";
}

fs::path golden_dir() {
  return fs::path(KEEL_SOURCE_DIR) / "tests" / "golden";
}

std::string read_text(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  REQUIRE(f.good());
}

/// Nothing machine-dependent may reach a golden file: the checkout's path becomes relative.
std::string normalize(std::string text) {
  const std::string root = std::string(KEEL_SOURCE_DIR) + "/";
  for (auto pos = text.find(root); pos != std::string::npos; pos = text.find(root, pos))
    text.erase(pos, root.size());
  return text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

/// Where `expected` and `actual` first differ: a line number with both lines, or a note that
/// only the final newline differs.
std::string first_difference(const std::string& expected, const std::string& actual) {
  auto want = lines_of(expected);
  auto got = lines_of(actual);
  std::size_t line = 0;
  while (line < want.size() && line < got.size() && want[line] == got[line])
    ++line;
  if (line == want.size() && line == got.size())
    return "the lines agree; only the final newline differs (expected " +
           std::to_string(expected.size()) + " bytes, actual " + std::to_string(actual.size()) +
           ")\n";
  auto at = [&](const std::vector<std::string>& lines) {
    return line < lines.size() ? "\"" + lines[line] + "\"" : std::string("<end of file>");
  };
  return "first difference at line " + std::to_string(line + 1) + ":\n  expected: " + at(want) +
         "\n  actual:   " + at(got) + "\n";
}

/// A unified diff of the lines of `expected` and `actual`, cut when very long.
std::string unified_diff(const std::string& expected, const std::string& actual,
                         const std::string& name) {
  dtl::Diff<std::string> d(lines_of(expected), lines_of(actual));
  d.compose();
  d.composeUnifiedHunks();
  std::stringstream diff;
  d.printUnifiedFormat(diff);
  std::string text = diff.str();
  constexpr std::size_t kMaxDiff = 20000;
  if (text.size() > kMaxDiff)
    text = text.substr(0, kMaxDiff) + "\n[... diff cut ...]\n";
  if (text.empty())
    return "";
  return "--- " + name + " (expected)\n+++ " + name + " (keel's output)\n" + text;
}

/// Every row of a markdown table has as many cells as its header (an unescaped '|' in a
/// cell would break the table on GitHub).
void check_markdown_tables(const std::string& markdown) {
  std::size_t want = 0;
  bool in_code = false;
  for (const auto& line : lines_of(markdown)) {
    if (line.starts_with("```"))
      in_code = !in_code;
    if (in_code || !line.starts_with("|")) {
      want = 0;
      continue;
    }
    std::size_t cells = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
      if (line[i] == '|' && (i == 0 || line[i - 1] != '\\'))
        ++cells;
    if (want == 0)
      want = cells;
    INFO("markdown table row: " << line);
    CHECK(cells == want);
  }
}

void check_case(const Case& c) {
  const fs::path dir = golden_dir() / c.dir;
  REQUIRE(fs::exists(dir / "from.toml"));
  REQUIRE(fs::exists(dir / "to.toml"));
  for (const auto& f : formats()) {
    std::string out;
    std::string err;
    int code =
        keel::testing::keel({"diff", (dir / "from.toml").string(), (dir / "to.toml").string(),
                             "--engine", c.engine, "--format", f.name},
                            out, err);
    INFO("keel diff --engine " << c.engine << " --format " << f.name << " (" << c.dir << ")");
    INFO("stderr: " << err);
    REQUIRE(code == c.exit_code);
    CHECK(err.empty());
    const std::string actual = normalize(out);
    CHECK(actual.find('\x1b') == std::string::npos);  // no colour in any format

    if (f.name == "json") {
      // The saved-plan format reads back into the same plan.
      auto plan = keel::planner::from_json(actual, f.file);
      CHECK(keel::planner::to_json(plan, keel::cli::kVersion) == actual);
      CHECK(nlohmann::json::parse(actual).at("engine") == c.engine);
    }
    if (f.name == "markdown")
      check_markdown_tables(actual);

    const fs::path file = dir / f.file;
    const std::string name = "tests/golden/" + c.dir + "/" + f.file;
    if (updating()) {
      if (!fs::exists(file) || read_text(file) != actual) {
        write_text(file, actual);
        WARN("rewrote " << name);
      }
      continue;
    }
    if (!fs::exists(file)) {
      FAIL_CHECK(name << " is missing; create it with KEEL_UPDATE_GOLDEN=1 keel_golden_tests");
      continue;
    }
    const std::string expected = read_text(file);
    if (expected == actual)
      continue;
    // Catch wraps long messages, which would garble a diff: the diff goes to stderr as is.
    const std::string where = first_difference(expected, actual);
    std::cerr << "\n"
              << name << " differs from keel's output; " << where
              << unified_diff(expected, actual, name) << "\n";
    FAIL_CHECK(name << " differs from keel's output (unified diff on stderr); " << where
                    << "If the new output is right, regenerate the expected files with\n"
                       "  KEEL_UPDATE_GOLDEN=1 keel_golden_tests\n"
                       "(or KEEL_UPDATE_GOLDEN=1 ctest -L golden)\n"
                       "and review the diff of tests/golden/ before committing.");
  }
}

/// Every case, by directory.
const std::vector<Case>& cases() {
  static const std::vector<Case> kCases{
      {"pg_feature", "postgresql", 2},
      {"pg_destructive", "postgresql", 3},
      {"sqlite_rebuild", "sqlite", 2},
      {"no_changes", "postgresql", 0},
  };
  return kCases;
}

void check_case(const std::string& dir) {
  for (const auto& c : cases())
    if (c.dir == dir)
      return check_case(c);
  FAIL("no golden case \"" << dir << "\"");
}

}  // namespace

TEST_CASE("a feature change on an existing PostgreSQL schema renders the same plan", "[golden]") {
  check_case("pg_feature");
}

TEST_CASE("a destructive PostgreSQL change renders the same plan", "[golden]") {
  check_case("pg_destructive");
}

TEST_CASE("a SQLite table rebuild beside native ALTERs renders the same plan", "[golden]") {
  check_case("sqlite_rebuild");
}

TEST_CASE("an empty plan renders the same in every format", "[golden]") {
  check_case("no_changes");
}

TEST_CASE("every directory under tests/golden is a golden case that runs", "[golden]") {
  for (const auto& entry : fs::directory_iterator(golden_dir())) {
    if (!entry.is_directory())
      continue;
    const auto name = entry.path().filename().string();
    INFO("tests/golden/" << name << "/ has no TEST_CASE in plans_test.cc");
    CHECK(
        std::any_of(cases().begin(), cases().end(), [&](const Case& c) { return c.dir == name; }));
  }
}
