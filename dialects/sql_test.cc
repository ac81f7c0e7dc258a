#include "dialects/sql.h"

#include <catch2/catch.hpp>

#include "dialects/dialect.h"

using keel::dialects::qualified;
using keel::dialects::quote_ident;
using keel::dialects::quote_literal;
using keel::dialects::redact_url;

TEST_CASE("identifiers are quoted only when PostgreSQL's quote_ident would", "[unit]") {
  CHECK(quote_ident("users") == "users");
  CHECK(quote_ident("_x1") == "_x1");
  CHECK(quote_ident("order_items") == "order_items");
  CHECK(quote_ident("Users") == "\"Users\"");
  CHECK(quote_ident("order items") == "\"order items\"");
  CHECK(quote_ident("1abc") == "\"1abc\"");
  CHECK(quote_ident("a\"b") == "\"a\"\"b\"");
  CHECK(quote_ident("") == "\"\"");
  CHECK(quote_ident("straße") == "\"straße\"");
  CHECK(quote_ident("a$b") == "\"a$b\"");
}

TEST_CASE("reserved, type and column-name keywords are quoted, unreserved ones are not", "[unit]") {
  CHECK(quote_ident("user") == "\"user\"");
  CHECK(quote_ident("order") == "\"order\"");
  CHECK(quote_ident("select") == "\"select\"");
  CHECK(quote_ident("bit") == "\"bit\"");
  CHECK(quote_ident("char") == "\"char\"");
  CHECK(quote_ident("between") == "\"between\"");
  CHECK(quote_ident("xmltable") == "\"xmltable\"");
  CHECK(quote_ident("name") == "name");
  CHECK(quote_ident("text") == "text");
  CHECK(quote_ident("key") == "key");
  CHECK(quote_ident("status") == "status");
  CHECK(quote_ident("comment") == "comment");
}

TEST_CASE("literals double their quotes and keep backslashes", "[unit]") {
  CHECK(quote_literal("it's") == "'it''s'");
  CHECK(quote_literal("a\\b") == "'a\\b'");
  CHECK(quote_literal("") == "''");
}

TEST_CASE("qualified names quote each part", "[unit]") {
  CHECK(qualified({"billing", "Invoice"}) == "billing.\"Invoice\"");
  CHECK(qualified({"public", "users"}) == "public.users");
}

TEST_CASE("passwords are redacted from URLs and key=value strings", "[unit]") {
  CHECK(redact_url("postgresql://app:secret@db:5432/app") == "postgresql://app:***@db:5432/app");
  CHECK(redact_url("postgres://app@db/app") == "postgres://app@db/app");
  CHECK(redact_url("postgresql://db/app?user=x&password=s3cret&sslmode=require") ==
        "postgresql://db/app?user=x&password=***&sslmode=require");
  CHECK(redact_url("postgresql://a:b@c@db/app") == "postgresql://a:***@db/app");
  CHECK(redact_url("host=db password=secret dbname=app") == "host=db password=*** dbname=app");
  CHECK(redact_url("host=db password = 'se cret\\'x' dbname=app") ==
        "host=db password = *** dbname=app");
  CHECK(redact_url("sqlite:app.db") == "sqlite:app.db");
  CHECK(redact_url("postgresql://app:secret@db") == "postgresql://app:***@db");
}
