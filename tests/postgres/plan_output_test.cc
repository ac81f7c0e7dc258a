// A plan with no step skips the schema fingerprints only where nothing shows them (text and
// markdown on screen): JSON, a saved plan and drift's JSON still carry both, and a saved empty
// plan applies as "no changes".
#include <catch2/catch.hpp>

#include "tests/support/convergence.h"
#include "tests/support/pg.h"
#include "tests/support/process.h"

TEST_CASE("an empty plan carries its fingerprints wherever they are shown or saved", "[postgres]") {
  keel::testing::PgTestDatabase database;
  keel::testing::ScratchDir dir{"keel-plan-output"};
  std::string out;
  std::string err;
  auto keel = [&](std::vector<std::string> args) {
    return keel::testing::keel_at(database.url(), std::move(args), out, err);
  };
  const auto schema = dir.write("schema.toml", R"toml([tables.notes]
primary_key = ["id"]

[tables.notes.columns]
id = { type = "bigint" }
body = { type = "text" }
)toml");
  REQUIRE(keel({"apply", schema, "--yes"}) == 0);

  REQUIRE(keel({"plan", schema}) == 0);
  CHECK(out.find("No changes") != std::string::npos);
  REQUIRE(keel({"plan", schema, "--format", "markdown"}) == 0);
  CHECK(out.find("sha256:") == std::string::npos);

  REQUIRE(keel({"plan", schema, "--format", "json"}) == 0);
  CHECK(out.find(R"("from_fingerprint": "sha256:)") != std::string::npos);
  CHECK(out.find(R"("to_fingerprint": "sha256:)") != std::string::npos);
  REQUIRE(keel({"plan", schema, "--format", "sql"}) == 0);
  CHECK(out.find("-- from sha256:") != std::string::npos);
  REQUIRE(keel({"drift", schema, "--format", "json"}) == 0);
  CHECK(out.find(R"("from_fingerprint": "sha256:)") != std::string::npos);

  // Saved from a text plan: the file has them, and applying it is a no-op.
  const auto saved = (dir.path() / "plan.json").string();
  REQUIRE(keel({"plan", schema, "-o", saved}) == 0);
  REQUIRE(keel({"apply", "--plan", saved, "--yes"}) == 0);
  CHECK(err.find("No changes") != std::string::npos);
}
