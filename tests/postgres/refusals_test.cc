// Refusals on a real server: each bad request exits 1 with its exact message and leaves the
// database as it was (same fingerprint, no new revision).
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "dialects/revisions.h"
#include "state/fingerprint.h"
#include "state/schema.h"
#include "tests/support/convergence.h"
#include "tests/support/pg.h"

namespace {

int run_keel(const std::vector<std::string>& args, std::string& out, std::string& err) {
  return keel::testing::keel(args, out, err);
}

struct Fixture {
  keel::testing::PgTestDatabase database;
  std::filesystem::path dir;

  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("keel-refusals-" + database.name());
    std::filesystem::create_directories(dir);
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;
  Fixture(Fixture&&) = delete;
  Fixture& operator=(Fixture&&) = delete;

  std::string write(const std::string& name, const std::string& toml) const {
    auto path = (dir / name).string();
    std::ofstream(path) << toml;
    return path;
  }
  void apply(const std::string& file) const {
    std::string out;
    std::string err;
    INFO(err);
    REQUIRE(run_keel({"apply", "--db", database.url(), file, "--yes"}, out, err) == 0);
  }
  /// The fingerprint and revision count, to prove a refusal changed nothing.
  [[nodiscard]] std::pair<std::string, std::size_t> state() const {
    auto db = database.open();
    keel::dialects::RevisionStore store(*db);
    return {keel::state::fingerprint(db->inspect({})), store.list().size()};
  }
};

const char* const kUsers = R"toml([tables.users]
primary_key = ["id"]

[tables.users.columns]
id = { type = "bigint", identity = "by default" }
email = { type = "text" }
bio = { type = "text", nullable = true }
)toml";

/// kUsers with more column lines. (Built with append: g++ 12 warns falsely on `string + "..."`
/// of a long literal at -O2.)
std::string users_with(const char* more_columns) {
  std::string s = kUsers;
  s.append(more_columns);
  return s;
}

}  // namespace

TEST_CASE("a destructive change is refused without --allow-destructive", "[postgres]") {
  Fixture f;
  f.apply(f.write("a.toml", kUsers));
  auto before = f.state();
  auto b = f.write("b.toml", R"toml([tables.users]
primary_key = ["id"]

[tables.users.columns]
id = { type = "bigint", identity = "by default" }
email = { type = "text" }
)toml");
  std::string out;
  std::string err;
  CHECK(run_keel({"apply", "--db", f.database.url(), b, "--yes"}, out, err) == 1);
  CHECK(err ==
        "keel: error: the plan has destructive steps; pass --allow-destructive to run them:\n"
        "  step 1: drop column \"bio\" from \"public.users\": column \"bio\" is dropped; its "
        "values are kept aside for rollback until `keel prune`\n");
  CHECK(f.state() == before);
  err.clear();
  CHECK(run_keel({"plan", "--db", f.database.url(), b, "--detailed-exitcode"}, out, err) == 3);
}

TEST_CASE("a NOT NULL column without default or backfill is refused on a table with rows",
          "[postgres]") {
  Fixture f;
  f.apply(f.write("a.toml", kUsers));
  f.database.open()->execute("INSERT INTO users (email) VALUES ('a@example.com')");
  auto before = f.state();
  auto b = f.write("b.toml", users_with("tier = { type = \"text\" }\n"));
  std::string out;
  std::string err;
  CHECK(run_keel({"apply", "--db", f.database.url(), b, "--yes"}, out, err) == 1);
  CHECK(err == b + ":8:1: error: column \"tier\" is added to table \"public.users\" as NOT NULL "
                   "without a default, and the table has rows: add `backfill = \"<sql "
                   "expression>\"` to fill them, a default, or `nullable = true`\n");
  CHECK(f.state() == before);
  // With a backfill the same change applies and fills the row.
  auto c = f.write("c.toml", users_with("tier = { type = \"text\", backfill = \"'free'\" }\n"));
  err.clear();
  CHECK(run_keel({"apply", "--db", f.database.url(), c, "--yes"}, out, err) == 0);
  auto rows = f.database.open()->query("SELECT tier FROM users");
  CHECK(rows.at(0).at(0) == std::optional<std::string>("free"));
}

TEST_CASE("changing the partitioning of a table is refused as impossible", "[postgres]") {
  Fixture f;
  const char* a = R"toml([tables.events]
partition_by = "RANGE (at)"

[tables.events.columns]
at = { type = "timestamptz" }
kind = { type = "text" }

[[tables.events.partitions]]
name = "events_2026"
bound = "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
)toml";
  f.apply(f.write("a.toml", a));
  auto before = f.state();
  std::string b_text = a;
  b_text.replace(b_text.find("RANGE (at)"), 10, "LIST (kind)");
  b_text.replace(b_text.find("FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"),
                 std::string("FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')").size(),
                 "FOR VALUES IN ('click')");
  auto b = f.write("b.toml", b_text);
  std::string out;
  std::string err;
  CHECK(run_keel({"apply", "--db", f.database.url(), b, "--yes", "--allow-destructive"}, out,
                 err) == 1);
  CHECK(err ==
        "keel: error: table \"public.events\": changing partition_by of an existing table is not "
        "supported (create a new table and move the data, or drop and recreate it)\n");
  CHECK(f.state() == before);
}

TEST_CASE("a saved plan is refused once the database changed, and applies exactly otherwise",
          "[postgres]") {
  Fixture f;
  f.apply(f.write("a.toml", kUsers));
  auto b = f.write("b.toml", users_with("name = { type = \"text\", nullable = true }\n"));
  auto plan = (f.dir / "plan.json").string();
  std::string out;
  std::string err;
  REQUIRE(run_keel({"plan", "--db", f.database.url(), b, "-o", plan}, out, err) == 0);
  f.database.open()->execute("CREATE INDEX users_email_idx ON users (email)");
  auto before = f.state();
  err.clear();
  CHECK(run_keel({"apply", "--db", f.database.url(), "--plan", plan, "--yes"}, out, err) == 1);
  CHECK(err.rfind("keel: error: " + plan +
                      " is stale: the database changed since the plan was "
                      "made (planned against sha256:",
                  0) == 0);
  CHECK(f.state() == before);
  // Undo the outside change: the plan is fresh again and runs its one step.
  f.database.open()->execute("DROP INDEX users_email_idx");
  err.clear();
  CHECK(run_keel({"apply", "--db", f.database.url(), "--plan", plan, "--yes"}, out, err) == 0);
  CHECK(err.find("[1/1] add column \"name\" to \"public.users\"") != std::string::npos);
  err.clear();
  CHECK(run_keel({"plan", "--db", f.database.url(), b, "--detailed-exitcode"}, out, err) == 0);
}

TEST_CASE("an unreachable server is one clear error", "[postgres]") {
  std::string out;
  std::string err;
  CHECK(run_keel({"plan", "--db", "postgresql://app:secret@127.0.0.1:1/app", "examples/shop/v1"},
                 out, err) == 1);
  CHECK(err.find("secret") == std::string::npos);
  CHECK(err.rfind("keel: error: cannot connect to postgresql://app:***@127.0.0.1:1/app", 0) == 0);
}
