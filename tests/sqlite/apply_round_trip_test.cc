// The other direction of the round trip: a desired schema written in TOML, prepared for
// SQLite, created by the SQLite renderer's statements, must inspect back exactly as prepared,
// so that `keel plan` right after `keel apply` is empty.
#include <catch2/catch.hpp>

#include "planner/plan.h"
#include "state/toml_reader.h"
#include "tests/sqlite/fixture.h"

namespace keel::testing {
namespace {

struct DesiredCase {
  std::string name;
  std::string toml;
};

std::vector<DesiredCase> desired_cases() {
  return {
      {"the DESIGN example without PostgreSQL-only parts", R"toml(
[enums.agent_status]
values = ["draft", "active", "archived"]

[tables.organizations]
comment = "Customer organizations"
primary_key = ["id"]

[tables.organizations.columns]
id         = { type = "bigint", identity = "always" }
name       = { type = "varchar(255)" }
created_at = { type = "timestamptz", default = { sql = "CURRENT_TIMESTAMP" } }

[tables.agents]
primary_key = ["id"]

[tables.agents.columns]
id              = { type = "bigint", identity = "always" }
organization_id = { type = "bigint", references = { table = "organizations", on_delete = "cascade" } }
full_name       = { type = "text" }
status          = { type = "agent_status", default = "draft" }
tier            = { type = "text", default = "free" }
deleted_at      = { type = "timestamptz", nullable = true }

[[tables.agents.indexes]]
name    = "idx_agents_org_created"
columns = ["organization_id", "full_name DESC"]
where   = "deleted_at IS NULL"

[[tables.agents.checks]]
name = "agents_name_not_blank"
expr = "length(full_name) > 0"
)toml"},
      {"unnamed constraints and indexes", R"toml(
[tables.items]
primary_key = ["sku", "warehouse"]
[tables.items.columns]
sku       = { type = "text" }
warehouse = { type = "integer" }
qty       = { type = "integer", default = 0 }
price     = { type = "numeric(10,2)", default = 1.5 }
code      = { type = "varchar(8)", unique = true, collation = "nocase" }
[[tables.items.checks]]
expr = "qty >= 0"
[[tables.items.checks]]
expr = "(price > 0) AND (price < 1e6)"
[[tables.items.uniques]]
columns = ["warehouse", "code"]
[[tables.items.indexes]]
columns = ["lower(sku)", "qty DESC"]
[[tables.items.indexes]]
columns = [{ column = "code", collation = "binary" }]
unique = true
where = "qty > 0"

[tables.moves]
[tables.moves.columns]
sku       = { type = "text" }
warehouse = { type = "integer" }
note      = { type = "text", nullable = true, default = "it's" }
total     = { type = "integer", generated = "length(sku) * 2" }
[[tables.moves.foreign_keys]]
columns = ["sku", "warehouse"]
ref_table = "items"
ref_columns = ["sku", "warehouse"]
on_update = "cascade"
deferrable = true
initially_deferred = true
)toml"},
      {"quoted names and self references", R"toml(
[tables."Order Items"]
primary_key = ["Item ID"]
[tables."Order Items".columns]
"Item ID" = { type = "integer" }
"select"  = { type = "text", nullable = true }
"it's"    = { type = "text", default = { sql = "upper('x')" } }
"名前"     = { type = "text", nullable = true }
parent    = { type = "integer", nullable = true, references = { table = "Order Items", on_delete = "set null" } }
[[tables."Order Items".indexes]]
columns = ["\"select\"", "\"名前\" DESC"]

[views."Open Items"]
sql = "SELECT \"Item ID\" FROM \"Order Items\"  WHERE parent IS NULL"
)toml"},
  };
}

TEST_CASE("schemas keel creates in sqlite inspect back as prepared", "[sqlite]") {
  for (const DesiredCase& c : desired_cases()) {
    INFO("case: " << c.name);
    TempDir dir;
    auto db = dialects::sqlite::open(dir.file("apply.db"));
    state::Schema desired = state::read_schema_string(c.toml, "desired.toml").schema;
    db->prepare_desired(desired);
    state::Schema live = db->inspect(desired.settings);
    db->canonicalize(desired, live);
    planner::Plan plan = planner::make_plan(live, desired, db->renderer());
    std::string script;
    for (const planner::Step& step : plan.steps) {
      for (const planner::Statement& statement : step.forward) {
        script += statement.sql + ";\n";
        db->execute(statement.sql);
      }
    }
    INFO("applied:\n" << script);
    state::Schema after = db->inspect(desired.settings);
    CHECK(after == desired);
    state::Schema again = state::read_schema_string(c.toml, "desired.toml").schema;
    db->prepare_desired(again);
    CHECK(planner::make_plan(after, again, db->renderer()).empty());
  }
}

}  // namespace
}  // namespace keel::testing
