// Database::canonicalize: user-written expressions get the text the server prints for them,
// and nothing of the scratch work is left behind.
#include <catch2/catch.hpp>

#include "dialects/dialect.h"
#include "state/toml_reader.h"
#include "state/toml_writer.h"
#include "tests/support/pg.h"

using keel::testing::PgTestDatabase;

namespace {

// The SQL an engine runs for kDesired below.
constexpr const char* kCreated = R"sql(
CREATE TYPE kind AS ENUM ('a', 'b');
CREATE TABLE products (
  id integer PRIMARY KEY,
  name text NOT NULL,
  price numeric(10,2) NOT NULL,
  kind kind NOT NULL DEFAULT 'a',
  tags text[] NOT NULL DEFAULT '{}',
  ttl interval NOT NULL DEFAULT interval '1 day',
  net numeric GENERATED ALWAYS AS (price*100/119) STORED,
  CONSTRAINT price_positive CHECK (price > 0),
  CONSTRAINT name_known CHECK (name IN ('x', 'y')),
  CONSTRAINT price_range CHECK (price BETWEEN 1 AND 100)
);
CREATE INDEX products_kind_a ON products (name) WHERE kind = 'a';
CREATE INDEX products_cheap ON products ((price::int)) WHERE price < 10;
CREATE VIEW cheap_products AS SELECT id, name FROM products WHERE price < 10;
)sql";

constexpr const char* kDesired = R"toml(
[enums.kind]
values = ["a", "b"]

[tables.products]
primary_key = ["id"]

[tables.products.columns]
id    = { type = "integer" }
name  = { type = "text" }
price = { type = "numeric(10,2)" }
kind  = { type = "kind", default = "a" }
tags  = { type = "text[]", default = { sql = "'{}'" } }
ttl   = { type = "interval", default = { sql = "interval '1 day'" } }
net   = { type = "numeric", nullable = true, generated = "price*100/119" }

[[tables.products.checks]]
name = "price_positive"
expr = "price > 0"

[[tables.products.checks]]
name = "name_known"
expr = "name IN ('x', 'y')"

[[tables.products.checks]]
name = "price_range"
expr = "price BETWEEN 1 AND 100"

[[tables.products.indexes]]
name    = "products_kind_a"
columns = ["name"]
where   = "kind = 'a'"

[[tables.products.indexes]]
name    = "products_cheap"
columns = ["price::int"]
where   = "price < 10"

[views.cheap_products]
sql = "SELECT id, name FROM products WHERE price < 10;"
)toml";

}  // namespace

TEST_CASE("user-written expressions are compared in the server's own spelling", "[postgres]") {
  PgTestDatabase db;
  auto conn = db.open();
  conn->execute_script(kCreated);
  auto desired = keel::state::read_schema_string(kDesired, "schema.toml");
  conn->prepare_desired(desired.schema);
  const auto live = conn->inspect(desired.schema.settings);
  CHECK(desired.schema != live);
  conn->canonicalize(desired.schema, live);
  CHECK(keel::state::write_toml(desired.schema) == keel::state::write_toml(live));
  CHECK(desired.schema == live);
}

TEST_CASE("expressions on tables and enums the plan will create are canonicalized too",
          "[postgres]") {
  PgTestDatabase db;
  auto conn = db.open();
  auto desired = keel::state::read_schema_string(R"toml(
[settings]
schema = "public"

[enums."shop.kind"]
values = ["a", "b"]

[tables."shop.items"]

[tables."shop.items".columns]
price = { type = "numeric" }
kind  = { type = "shop.kind" }

[[tables."shop.items".checks]]
name = "cheap_a"
expr = "kind <> 'a' OR price BETWEEN 0 AND 5"

[[tables."shop.items".checks]]
name = "broken"
expr = "no_such_function(price) > 0"
)toml",
                                                 "schema.toml");
  conn->prepare_desired(desired.schema);
  const auto live = conn->inspect(desired.schema.settings);
  conn->canonicalize(desired.schema, live);
  const auto& checks = desired.schema.find_table({"shop", "items"})->checks;
  REQUIRE(checks.size() == 2);
  CHECK(checks[0].name == "broken");
  CHECK(checks[0].expr == "no_such_function(price) > 0");  // the server rejects it: kept
  CHECK(checks[1].name == "cheap_a");
  CHECK(checks[1].expr == "kind <> 'a'::shop.kind OR price >= 0::numeric AND price <= 5::numeric");
  // Nothing of the scratch work persists: no schema, type or temporary table.
  CHECK(conn->query("SELECT count(*) FROM pg_namespace WHERE nspname = 'shop'") ==
        std::vector<std::vector<std::optional<std::string>>>{{"0"}});
  CHECK(conn->query("SELECT count(*) FROM pg_class WHERE relname LIKE 'keel\\_%'") ==
        std::vector<std::vector<std::optional<std::string>>>{{"0"}});
}

TEST_CASE("inspect and canonicalize inside the caller's transaction leave it open", "[postgres]") {
  PgTestDatabase db;
  auto conn = db.open();
  conn->execute_script("CREATE TABLE t (a int CHECK (a > 0))");
  conn->begin();
  conn->execute("INSERT INTO t VALUES (1)");
  auto live = conn->inspect({});
  auto desired = live;
  desired.find_table({"public", "t"})->checks[0].expr = "(a > 0)";
  conn->canonicalize(desired, live);
  CHECK(desired == live);
  conn->execute("INSERT INTO t VALUES (2)");
  conn->commit();
  CHECK(conn->query("SELECT count(*) FROM t") ==
        std::vector<std::vector<std::optional<std::string>>>{{"2"}});
}
