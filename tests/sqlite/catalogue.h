// A catalogue of SQLite schemas written in SQL as people write them by hand: every type
// affinity, named and unnamed CHECKs, collations, generated columns, foreign keys with actions
// and deferral, partial and expression indexes, odd identifiers and views. The round-trip test
// loads each into a fresh database file and checks that inspect survives TOML and
// prepare_desired unchanged.
#pragma once

#include <string>
#include <vector>

#include "state/schema.h"

namespace keel::testing {

/// One schema of the SQLite catalogue.
struct SqliteCase {
  std::string name{};  ///< what it covers
  std::string sql{};   ///< the script that creates it in an empty database
};

/// Every case of the SQLite catalogue.
inline std::vector<SqliteCase> sqlite_catalogue() {
  std::vector<SqliteCase> cases;

  cases.push_back({"an empty database", ""});

  // Types whose names keel's neutral vocabulary knows, one per affinity (datatype3.html §3.1).
  cases.push_back({"known type names of every affinity", R"sql(
CREATE TABLE affinities (
  i INT, ii INTEGER, si SMALLINT, bi BIGINT, i2 INT2, i4 INT4, i8 INT8,
  c CHARACTER(20), vc VARCHAR(255), vc_plain varchar, ch CHAR, t TEXT,
  b BLOB, untyped,
  r REAL, d DOUBLE PRECISION, f FLOAT, f8 FLOAT8,
  n NUMERIC, dec DECIMAL(10,5), num NUMERIC(12), bool BOOLEAN, dt DATE, ts TIMESTAMP,
  tstz TIMESTAMPTZ, tm TIME, j JSON, jb JSONB, u UUID, by BYTEA
);
)sql"});

  // SQLite accepts any words as a type; these are common in SQLite schemas but unknown to
  // PostgreSQL (datatype3.html §3.1.1).
  cases.push_back({"SQLite-only type names", R"sql(
CREATE TABLE loose_types (
  ti TINYINT, mi MEDIUMINT, ubi UNSIGNED BIG INT, vch VARYING CHARACTER(255), nch NCHAR(55),
  nat NATIVE CHARACTER(70), nv NVARCHAR(100), cl CLOB, dbl DOUBLE, dtm DATETIME, str STRING
);
)sql"});

  cases.push_back({"literal and expression defaults", R"sql(
CREATE TABLE defaults (
  a INTEGER DEFAULT -1, b INTEGER DEFAULT +5, c REAL DEFAULT 1.5, c2 REAL DEFAULT (0.0),
  d TEXT DEFAULT 'x', d2 TEXT DEFAULT 'it''s', d3 TEXT DEFAULT '', d4 TEXT DEFAULT 'a\b',
  e BOOLEAN DEFAULT TRUE, e2 BOOLEAN DEFAULT 0, f TEXT DEFAULT NULL,
  g TIMESTAMP DEFAULT CURRENT_TIMESTAMP, g2 DATE DEFAULT (date('now')),
  h INTEGER DEFAULT ((1 + 2) * 3), k BLOB DEFAULT x'00ff', l TEXT DEFAULT ('multi
line'),
  m NUMERIC DEFAULT 1e3, n TEXT NOT NULL DEFAULT 'draft'
);
)sql"});

  cases.push_back({"primary keys, rowid aliases and AUTOINCREMENT", R"sql(
CREATE TABLE auto_id (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);
CREATE TABLE auto_id_nn (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT);
CREATE TABLE table_level_auto (id INTEGER, PRIMARY KEY (id AUTOINCREMENT));
CREATE TABLE alias_id (id INTEGER PRIMARY KEY, v TEXT);
CREATE TABLE int_key (id INT PRIMARY KEY);
CREATE TABLE text_key (code TEXT NOT NULL PRIMARY KEY, label TEXT);
CREATE TABLE composite (a INTEGER NOT NULL, b TEXT NOT NULL, CONSTRAINT composite_pk PRIMARY KEY (a, b));
CREATE TABLE no_key (a INTEGER, b TEXT);
)sql"});

  cases.push_back({"named and unnamed CHECK constraints", R"sql(
CREATE TABLE checks (
  qty INTEGER CHECK (qty >= 0) CONSTRAINT qty_small CHECK (qty < 1000),
  price REAL NOT NULL CHECK(price > 0),
  name TEXT,
  CHECK (length(name) > 0 AND name <> 'x'),
  CONSTRAINT "Name Not Blank" CHECK (trim(name) <> ''),
  CHECK ((qty * price) < 1e6),
  CHECK (1 = 1),
  CHECK (qty IS NOT NULL OR name IS NULL) -- a comment inside
);
)sql"});

  cases.push_back({"collations", R"sql(
CREATE TABLE collations (
  a TEXT COLLATE NOCASE, b TEXT COLLATE rtrim, c TEXT COLLATE BINARY, d TEXT,
  e TEXT NOT NULL COLLATE nocase UNIQUE
);
CREATE INDEX collations_a ON collations (a);
CREATE INDEX collations_a_binary ON collations (a COLLATE BINARY);
CREATE INDEX collations_d_nocase ON collations (d COLLATE NOCASE DESC, b COLLATE RTRIM);
)sql"});

  cases.push_back({"stored generated columns", R"sql(
CREATE TABLE generated (
  a INTEGER NOT NULL, b INTEGER,
  total INTEGER GENERATED ALWAYS AS (a + coalesce(b, 0)) STORED,
  label TEXT AS ('#' || a) STORED NOT NULL
);
)sql"});

  cases.push_back({"foreign keys with actions and deferral", R"sql(
CREATE TABLE orgs (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE);
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  org_slug TEXT REFERENCES orgs (slug) ON UPDATE CASCADE ON DELETE SET NULL,
  manager_id INTEGER REFERENCES users ON DELETE SET DEFAULT DEFAULT 0,
  buddy_id INTEGER CONSTRAINT users_buddy REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  mentor_id INTEGER,
  FOREIGN KEY (mentor_id) REFERENCES users (id) ON DELETE RESTRICT DEFERRABLE,
  CONSTRAINT users_org_pair FOREIGN KEY (org_id, org_slug) REFERENCES org_pairs (id, slug)
    ON DELETE NO ACTION NOT DEFERRABLE
);
CREATE TABLE org_pairs (id INTEGER, slug TEXT, PRIMARY KEY (id, slug));
)sql"});

  cases.push_back({"unique constraints", R"sql(
CREATE TABLE uniques (
  a INTEGER UNIQUE, b TEXT CONSTRAINT b_unique UNIQUE, c TEXT, d TEXT,
  UNIQUE (c, d), CONSTRAINT "c then a" UNIQUE (c, a)
);
)sql"});

  cases.push_back({"partial, expression, descending and unique indexes", R"sql(
CREATE TABLE events (
  id INTEGER PRIMARY KEY, org INTEGER, kind TEXT, payload TEXT, created REAL, deleted REAL
);
CREATE INDEX events_org_created ON events (org, created DESC) WHERE deleted IS NULL;
CREATE UNIQUE INDEX events_kind ON events (kind) WHERE kind IS NOT NULL AND kind <> '';
CREATE INDEX events_lower_kind ON events (lower(kind));
CREATE INDEX events_json ON events (json_extract(payload, '$.type'), (created + 1) DESC);
CREATE INDEX "Events By Day" ON events (date(created, 'unixepoch') ASC);
CREATE INDEX events_paren ON events ((org));
)sql"});

  cases.push_back({"quoted and unusual names", R"sql(
CREATE TABLE "Order Items" (
  "Item ID" INTEGER PRIMARY KEY,
  "select" TEXT,
  [group] TEXT,
  `quote"d` TEXT,
  "it's" TEXT,
  prénom TEXT,
  "名前" TEXT,
  "MixedCase" TEXT CHECK ("MixedCase" <> 'x'),
  "order" INTEGER REFERENCES "Order Items" ("Item ID")
);
CREATE INDEX "Order Items by ""select""" ON "Order Items" ("select", [group]);
CREATE VIEW "Open ""Orders""" AS SELECT "Item ID", "名前" FROM "Order Items" WHERE "order" IS NULL;
)sql"});

  cases.push_back({"views", R"sql(
CREATE TABLE t (a INTEGER, b TEXT);
CREATE VIEW simple AS SELECT a FROM t;
CREATE VIEW spaced AS
  SELECT a ,
         b   -- the label
  FROM t
  WHERE a > 0
  ORDER BY a;
CREATE VIEW joined AS SELECT x.a, y.b FROM t AS x JOIN t AS y ON x.a = y.a;
CREATE VIEW nested AS SELECT count(*) AS n FROM (SELECT a FROM simple);
)sql"});

  cases.push_back({"a SaaS schema as an ORM writes it", R"sql(
CREATE TABLE "organizations" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "name" varchar(255) NOT NULL,
  "created_at" datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE "agents" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "organization_id" bigint NOT NULL REFERENCES "organizations" ("id") DEFERRABLE INITIALLY DEFERRED,
  "full_name" varchar(100) NOT NULL CHECK (length("full_name") > 0),
  "status" varchar(10) NOT NULL DEFAULT 'draft' CHECK ("status" IN ('draft', 'active', 'archived')),
  "deleted_at" datetime NULL
);
CREATE INDEX "agents_organization_id_idx" ON "agents" ("organization_id");
CREATE INDEX "idx_agents_org_active" ON "agents" ("organization_id", "full_name" DESC) WHERE "deleted_at" IS NULL;
)sql"});

  return cases;
}

}  // namespace keel::testing
