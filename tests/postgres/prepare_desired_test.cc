// prepare_desired against the server: the names it gives unnamed constraints and indexes are
// the names PostgreSQL chose, and a desired schema in keel's own spelling equals the inspected
// one.
#include <catch2/catch.hpp>

#include "dialects/dialect.h"
#include "dialects/postgres/postgres.h"
#include "state/toml_reader.h"
#include "state/toml_writer.h"
#include "tests/support/pg.h"

using keel::testing::PgTestDatabase;

namespace {

void clear_names(keel::state::Schema& schema) {
  for (auto& [name, table] : schema.tables) {
    if (table.primary_key) {
      table.primary_key->name.clear();
    }
    for (auto& u : table.uniques) {
      u.name.clear();
    }
    for (auto& fk : table.foreign_keys) {
      fk.name.clear();
    }
    for (auto& c : table.checks) {
      c.name.clear();
    }
    for (auto& i : table.indexes) {
      i.name.clear();
    }
  }
}

}  // namespace

TEST_CASE("unnamed constraints and indexes get the names PostgreSQL gives them", "[postgres]") {
  PgTestDatabase db;
  auto conn = db.open();
  conn->execute_script(R"sql(
CREATE SCHEMA sales;
CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE, a int, b int, UNIQUE (a, b));
CREATE TABLE child (
  id int PRIMARY KEY, parent_id int REFERENCES parent, a int, b int,
  qty int CHECK (qty > 0), note text,
  FOREIGN KEY (a, b) REFERENCES parent (a, b),
  CHECK (a < b), CHECK (true), CHECK (qty < 1000)
);
CREATE INDEX ON child (parent_id);
CREATE INDEX ON child (parent_id);
CREATE INDEX ON child (lower(note));
CREATE INDEX ON child ((a + b));
CREATE INDEX ON child (a) INCLUDE (b, note);
CREATE INDEX ON child (a, a);
CREATE INDEX ON child ((note::text));
CREATE UNIQUE INDEX ON child (note) WHERE qty > 10;
CREATE TABLE a_very_long_table_name_that_goes_on_and_on_and_on_for_ever_more (
  id int PRIMARY KEY,
  another_very_long_column_name_that_is_long_too int UNIQUE
    CHECK (another_very_long_column_name_that_is_long_too > 1)
    REFERENCES parent (id)
);
CREATE INDEX ON a_very_long_table_name_that_goes_on_and_on_and_on_for_ever_more
  (another_very_long_column_name_that_is_long_too);
CREATE INDEX ON a_very_long_table_name_that_goes_on_and_on_and_on_for_ever_more
  (another_very_long_column_name_that_is_long_too);
CREATE TABLE "Über Tabelle mit einem ziemlich langen Namen äöü äöü äöü" (
  "Spalte Ä" int PRIMARY KEY CHECK ("Spalte Ä" > 0), "Größe" int UNIQUE
);
CREATE TABLE sales."Orders" ("Id" int PRIMARY KEY, "Total" numeric CHECK ("Total" >= 0));
CREATE INDEX ON sales."Orders" ("Total" DESC);
)sql");
  const keel::state::Schema live = conn->inspect({});
  keel::state::Schema desired = live;
  clear_names(desired);
  keel::dialects::postgres::prepare_desired(desired);
  CHECK(keel::state::write_toml(desired) == keel::state::write_toml(live));
  CHECK(desired == live);
}

TEST_CASE("a schema written in keel's TOML equals the database created from it", "[postgres]") {
  PgTestDatabase db;
  auto conn = db.open();
  // The SQL an engine runs for the TOML below, with PostgreSQL choosing every name.
  conn->execute_script(R"sql(
CREATE EXTENSION citext;
CREATE TYPE agent_status AS ENUM ('draft', 'active', 'archived');
CREATE TABLE organizations (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  name character varying(255) NOT NULL,
  email citext NOT NULL UNIQUE,
  created_at timestamp with time zone DEFAULT now() NOT NULL
);
COMMENT ON TABLE organizations IS 'Customer organizations';
CREATE TABLE agents (
  id bigint GENERATED ALWAYS AS IDENTITY NOT NULL PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  full_name text NOT NULL,
  status agent_status DEFAULT 'draft' NOT NULL,
  tier text DEFAULT 'free' NOT NULL,
  rating double precision DEFAULT 1e3 NOT NULL,
  weight numeric(6,2) DEFAULT 1.50,
  retries integer DEFAULT -1 NOT NULL,
  active boolean DEFAULT true NOT NULL,
  created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
  deleted_at timestamp with time zone,
  CHECK (length(full_name) > 0)
);
CREATE INDEX idx_agents_org_created ON agents (organization_id, created_at DESC)
  WHERE (deleted_at IS NULL);
CREATE INDEX ON agents (lower(full_name));
)sql");
  keel::state::LoadedSchema desired = keel::state::read_schema_string(R"toml(
[settings]
schema = "public"
extensions = ["citext"]

[enums.agent_status]
values = ["draft", "active", "archived"]

[tables.organizations]
comment = "Customer organizations"
primary_key = ["id"]

[tables.organizations.columns]
id         = { type = "uuid", default = { sql = "gen_random_uuid()" } }
name       = { type = "varchar(255)" }
email      = { type = "citext", unique = true }
created_at = { type = "timestamptz", default = { sql = "now()" } }

[tables.agents]
primary_key = ["id"]

[tables.agents.columns]
id              = { type = "int8", identity = "always" }
organization_id = { type = "uuid", references = { table = "organizations", on_delete = "cascade" } }
full_name       = { type = "text" }
status          = { type = "agent_status", default = "draft" }
tier            = { type = "text", default = "free" }
rating          = { type = "float8", default = 1e3 }
weight          = { type = "decimal(6,2)", default = 1.50, nullable = true }
retries         = { type = "int4", default = -1 }
active          = { type = "bool", default = true }
created_at      = { type = "timestamptz", default = { sql = "CURRENT_TIMESTAMP" } }
deleted_at      = { type = "timestamptz", nullable = true }

[[tables.agents.indexes]]
name    = "idx_agents_org_created"
columns = ["organization_id", "created_at DESC"]
where   = "(deleted_at IS NULL)"

[[tables.agents.indexes]]
columns = ["lower(full_name)"]

[[tables.agents.checks]]
expr = "(length(full_name) > 0)"
)toml",
                                                                      "schema.toml");
  keel::dialects::postgres::prepare_desired(desired.schema);
  const keel::state::Schema live = conn->inspect(desired.schema.settings);
  CHECK(keel::state::write_toml(desired.schema) == keel::state::write_toml(live));
  CHECK(desired.schema == live);
}
