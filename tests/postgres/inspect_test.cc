// The PostgreSQL inspector against a real server: what it reads from each schema of the
// catalogue, and that every one round-trips through TOML unchanged.
#include <algorithm>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "dialects/dialect.h"
#include "dialects/postgres/postgres.h"
#include "state/toml_reader.h"
#include "state/toml_writer.h"
#include "tests/postgres/catalogue.h"
#include "tests/support/pg.h"

using keel::state::QualifiedName;
using keel::testing::catalogue;
using keel::testing::CatalogueCase;
using keel::testing::PgTestDatabase;

namespace {

const CatalogueCase& find_case(const std::string& name) {
  static const std::vector<CatalogueCase> cases = catalogue();
  for (const auto& c : cases) {
    if (c.name == name) {
      return c;
    }
  }
  throw std::logic_error("no catalogue case \"" + name + "\"");
}

// Loads a catalogue case into a fresh database and inspects it.
struct Inspected {
  explicit Inspected(const CatalogueCase& c) : conn(db.open()) {
    if (!c.sql.empty()) {
      conn->execute_script(c.sql);
    }
    schema = conn->inspect(c.settings);
  }
  PgTestDatabase db;
  std::unique_ptr<keel::dialects::Database> conn;
  keel::state::Schema schema;

  const keel::state::Table& table(const std::string& schema_name, const std::string& name) const {
    const auto* t = schema.find_table({schema_name, name});
    if (t == nullptr) {
      throw std::logic_error("no table " + schema_name + "." + name);
    }
    return *t;
  }
};

const keel::state::Column& column(const keel::state::Table& t, const std::string& name) {
  const auto* c = t.find_column(name);
  if (c == nullptr) {
    throw std::logic_error("no column " + name);
  }
  return *c;
}

std::vector<std::string> column_names(const keel::state::Table& t) {
  std::vector<std::string> out;
  for (const auto& c : t.columns) {
    out.push_back(c.name);
  }
  return out;
}

}  // namespace

TEST_CASE("every catalogue schema round-trips through TOML and inspects identically twice",
          "[postgres]") {
  for (const auto& c : catalogue()) {
    DYNAMIC_SECTION(c.name) {
      Inspected live(c);
      const std::string toml = keel::state::write_toml(live.schema);
      INFO(toml);
      keel::state::LoadedSchema read = keel::state::read_schema_string(toml, "inspected.toml");
      keel::dialects::postgres::prepare_desired(read.schema);
      CHECK(read.schema == live.schema);
      if (read.schema != live.schema) {
        // Show where they differ.
        CHECK(keel::state::write_toml(read.schema) == toml);
      }
      // A second inspection (new connection) gives byte-identical TOML.
      auto again = live.db.open();
      CHECK(keel::state::write_toml(again->inspect(c.settings)) == toml);
    }
  }
}

TEST_CASE("column types are spelled as format_type spells them", "[postgres]") {
  Inspected live(find_case("every type family"));
  const auto& t = live.table("public", "types");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"c_smallint", "smallint"},
      {"c_integer", "integer"},
      {"c_bigint", "bigint"},
      {"c_numeric", "numeric"},
      {"c_numeric_p", "numeric(5,0)"},
      {"c_numeric_ps", "numeric(10,2)"},
      {"c_real", "real"},
      {"c_double", "double precision"},
      {"c_float10", "real"},
      {"c_money", "money"},
      {"c_text", "text"},
      {"c_varchar", "character varying"},
      {"c_varchar_n", "character varying(20)"},
      {"c_char", "character(1)"},
      {"c_char_n", "character(3)"},
      {"c_qchar", "\"char\""},
      {"c_name", "name"},
      {"c_bytea", "bytea"},
      {"c_boolean", "boolean"},
      {"c_date", "date"},
      {"c_time", "time without time zone"},
      {"c_time3", "time(3) without time zone"},
      {"c_timetz", "time with time zone"},
      {"c_timestamp", "timestamp without time zone"},
      {"c_timestamp0", "timestamp(0) without time zone"},
      {"c_timestamptz", "timestamp with time zone"},
      {"c_timestamptz3", "timestamp(3) with time zone"},
      {"c_interval", "interval"},
      {"c_interval_f", "interval day to second(2)"},
      {"c_interval_y", "interval year"},
      {"c_json", "json"},
      {"c_jsonb", "jsonb"},
      {"c_xml", "xml"},
      {"c_uuid", "uuid"},
      {"c_inet", "inet"},
      {"c_cidr", "cidr"},
      {"c_macaddr", "macaddr"},
      {"c_macaddr8", "macaddr8"},
      {"c_point", "point"},
      {"c_line", "line"},
      {"c_lseg", "lseg"},
      {"c_box", "box"},
      {"c_path", "path"},
      {"c_polygon", "polygon"},
      {"c_circle", "circle"},
      {"c_bit", "bit(1)"},
      {"c_bit3", "bit(3)"},
      {"c_varbit", "bit varying"},
      {"c_varbit8", "bit varying(8)"},
      {"c_tsvector", "tsvector"},
      {"c_tsquery", "tsquery"},
      {"c_int4range", "int4range"},
      {"c_int8range", "int8range"},
      {"c_numrange", "numrange"},
      {"c_tsrange", "tsrange"},
      {"c_tstzrange", "tstzrange"},
      {"c_daterange", "daterange"},
      {"c_int4multirange", "int4multirange"},
      {"c_int_array", "integer[]"},
      {"c_text_2d", "text[]"},
      {"c_varchar_array", "character varying(5)[]"},
      {"c_jsonb_array", "jsonb[]"},
      {"c_oid", "oid"},
      {"c_pg_lsn", "pg_lsn"},
  };
  REQUIRE(t.columns.size() == expected.size() + 1);
  for (const auto& [name, type] : expected) {
    INFO(name);
    CHECK(column(t, name).type == type);
    CHECK(column(t, name).nullable);
  }
  CHECK_FALSE(column(t, "id").nullable);
}

TEST_CASE("defaults are read in their canonical form", "[postgres]") {
  Inspected live(find_case("literal and expression defaults"));
  const auto& t = live.table("public", "defaults");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"a", "-1"},
      {"b", "5"},
      {"c", "3"},
      {"d", "0"},
      {"d2", "1000"},
      {"d3", "1.50"},
      {"e", "1000"},
      {"e2", "1.5"},
      {"e3", "-0.5"},
      {"f", "true"},
      {"f2", "false"},
      {"g", "'x'"},
      {"g2", "'it''s'"},
      {"g3", "''"},
      {"g4", "'a\\b'"},
      {"h", "'y'"},
      {"i", "'abc'"},
      {"j", "'draft'"},
      {"j2", "'it''s'"},
      {"j3", "'{draft}'"},
      {"l", "'{\"a\": 1}'"},
      {"m", "'2020-01-01'"},
      {"n", "now()"},
      {"n2", "CURRENT_TIMESTAMP"},
      {"n3", "CURRENT_DATE"},
      {"n4", "now() + '1 day'::interval"},
      {"o", "'101'"},
      {"p", "'1'"},
      {"q", "gen_random_uuid()"},
      {"r", "'1 day'"},
      {"s", "'{}'"},
      {"s2", "ARRAY[1, 2]"},
      {"v", "5000000000"},
      {"w", "7"},
      {"x", "-2.5"},
      {"y", "'10.0.0.1'"},
      {"z", "12.5"},
      {"zz", "'\\x00'"},
      {"u", "upper('x'::text)"},
      {"k", "1 + 2"},
      {"ser", "nextval('public.defaults_ser_seq'::regclass)"},
      {"big", "nextval('public.defaults_big_seq'::regclass)"},
      {"small", "nextval('public.defaults_small_seq'::regclass)"},
  };
  REQUIRE(t.columns.size() == expected.size());
  for (const auto& [name, sql] : expected) {
    INFO(name);
    CHECK(column(t, name).default_sql == sql);
  }
  CHECK(column(t, "j").type == "public.status");
  CHECK(column(t, "j3").type == "public.status[]");
  CHECK(live.schema.enums.at({"public", "status"}).values ==
        std::vector<std::string>{"draft", "active", "it's"});
}

TEST_CASE("identity and stored generated columns have no default", "[postgres]") {
  Inspected live(find_case("nullability, identity and generated columns"));
  const auto& t = live.table("public", "people");
  CHECK(column(t, "id").identity == keel::state::Identity::Always);
  CHECK_FALSE(column(t, "id").default_sql);
  CHECK_FALSE(column(t, "id").nullable);
  CHECK(column(t, "legacy_id").identity == keel::state::Identity::ByDefault);
  CHECK_FALSE(column(t, "legacy_id").default_sql);
  CHECK(column(t, "first_name").identity == keel::state::Identity::None);
  CHECK_FALSE(column(t, "first_name").nullable);
  CHECK(column(t, "last_name").nullable);
  CHECK(column(t, "full_name").generated ==
        "(first_name || ' '::text) || COALESCE(last_name, ''::text)");
  CHECK_FALSE(column(t, "full_name").default_sql);
  CHECK(column(t, "height_in").generated == "height_cm / 2.54");
  CHECK(column_names(t) == std::vector<std::string>{"id", "legacy_id", "first_name", "last_name",
                                                    "full_name", "height_cm", "height_in"});
}

TEST_CASE("constraints are read with their names, actions, deferrability and validity",
          "[postgres]") {
  Inspected live(find_case("primary keys, uniques, foreign keys and checks"));
  const auto& accounts = live.table("billing", "accounts");
  REQUIRE(accounts.primary_key);
  CHECK(accounts.primary_key->name == "accounts_pkey");
  CHECK(accounts.primary_key->columns == std::vector<std::string>{"org_id", "region"});

  const auto& orgs = live.table("public", "orgs");
  REQUIRE(orgs.uniques.size() == 2);
  CHECK(orgs.uniques[0] == keel::state::UniqueConstraint{"orgs_a_b_key", {"a", "b"}, false, false});
  CHECK(orgs.uniques[1] == keel::state::UniqueConstraint{"orgs_slug_key", {"slug"}, false, false});

  const auto& m = live.table("public", "members");
  REQUIRE(m.uniques.size() == 2);
  CHECK(m.uniques[0] == keel::state::UniqueConstraint{"members_ab_key", {"a", "b"}, true, false});
  CHECK(m.uniques[1] == keel::state::UniqueConstraint{"members_email_key", {"email"}, true, true});

  using keel::state::FkAction;
  using keel::state::ForeignKey;
  REQUIRE(m.foreign_keys.size() == 6);
  CHECK(m.foreign_keys[0] == ForeignKey{"members_ab_fk",
                                        {"a", "b"},
                                        {"public", "orgs"},
                                        {"a", "b"},
                                        FkAction::NoAction,
                                        FkAction::NoAction,
                                        true,
                                        false,
                                        true});
  CHECK(m.foreign_keys[1] == ForeignKey{"members_account_fk",
                                        {"account_org", "account_region"},
                                        {"billing", "accounts"},
                                        {"org_id", "region"},
                                        FkAction::NoAction,
                                        FkAction::NoAction,
                                        true,
                                        true,
                                        true});
  CHECK(m.foreign_keys[2] == ForeignKey{"members_fallback_fkey",
                                        {"fallback"},
                                        {"public", "orgs"},
                                        {"id"},
                                        FkAction::SetDefault,
                                        FkAction::NoAction,
                                        false,
                                        false,
                                        true});
  CHECK(m.foreign_keys[3] == ForeignKey{"members_org_id_fkey",
                                        {"org_id"},
                                        {"public", "orgs"},
                                        {"id"},
                                        FkAction::Cascade,
                                        FkAction::Restrict,
                                        false,
                                        false,
                                        true});
  CHECK(m.foreign_keys[4] == ForeignKey{"members_parent_id_fkey",
                                        {"parent_id"},
                                        {"public", "members"},
                                        {"id"},
                                        FkAction::SetNull,
                                        FkAction::NoAction,
                                        false,
                                        false,
                                        true});
  CHECK(m.foreign_keys[5] == ForeignKey{"members_unvalidated_fk",
                                        {"fallback"},
                                        {"public", "orgs"},
                                        {"id"},
                                        FkAction::NoAction,
                                        FkAction::NoAction,
                                        false,
                                        false,
                                        false});

  using keel::state::Check;
  REQUIRE(m.checks.size() == 5);
  CHECK(m.checks[0] == Check{"email_in", "email = ANY (ARRAY['a@x'::text, 'b@x'::text])", true});
  CHECK(m.checks[1] == Check{"members_age_check", "age >= 0", true});
  CHECK(m.checks[2] == Check{"members_check", "a < b", true});
  CHECK(m.checks[3] == Check{"members_unvalidated_check", "score > 1", false});
  CHECK(m.checks[4] == Check{"score_range", "score >= 0 AND score <= 100", true});
  // Constraint indexes are not indexes of the model.
  CHECK(m.indexes.empty());
  CHECK(orgs.indexes.empty());
}

TEST_CASE("indexes are read key by key", "[postgres]") {
  Inspected live(find_case("every index kind"));
  const auto& t = live.table("public", "docs");
  auto index = [&](const std::string& name) -> const keel::state::Index& {
    const auto* i = t.find_index(name);
    if (i == nullptr) {
      throw std::logic_error("no index " + name);
    }
    return *i;
  };
  using keel::state::Index;
  using keel::state::IndexKey;
  using keel::state::NullsOrder;
  auto col = [](std::string name) { return IndexKey{std::move(name)}; };
  auto expr = [](std::string sql) { return IndexKey{"", std::move(sql)}; };

  CHECK(t.indexes.size() == 18);
  CHECK(index("docs_partial") ==
        Index{"docs_partial", {col("owner")}, false, "btree", "deleted_at IS NULL", {}, true});
  CHECK(index("docs_lower_title").keys == std::vector<IndexKey>{expr("lower(title)")});
  CHECK(index("docs_sum").keys == std::vector<IndexKey>{expr("score + id")});
  IndexKey created = col("created_at");
  created.descending = true;
  created.nulls = NullsOrder::Last;
  IndexKey score = col("score");
  score.nulls = NullsOrder::First;
  CHECK(index("docs_created").keys == std::vector<IndexKey>{created, score});
  IndexKey desc = col("created_at");
  desc.descending = true;  // DESC NULLS FIRST is DESC's default
  CHECK(index("docs_created_desc").keys == std::vector<IndexKey>{desc});
  CHECK(index("docs_include").include == std::vector<std::string>{"title", "score"});
  CHECK(index("docs_owner_title") == Index{"docs_owner_title",
                                           {col("owner"), col("title")},
                                           true,
                                           "btree",
                                           "deleted_at IS NULL",
                                           {},
                                           true});
  CHECK(index("docs_hash").method == "hash");
  CHECK(index("docs_tags").method == "gin");
  IndexKey trgm = col("body");
  trgm.opclass = "gin_trgm_ops";
  CHECK(index("docs_trgm") == Index{"docs_trgm", {trgm}, false, "gin", {}, {}, true});
  CHECK(index("docs_meta").keys[0].opclass == "jsonb_path_ops");
  CHECK(index("docs_location").method == "gist");
  CHECK(index("docs_span").method == "spgist");
  CHECK(index("docs_brin").method == "brin");
  IndexKey collated = col("title");
  collated.collation = "C";
  CHECK(index("docs_collate").keys == std::vector<IndexKey>{collated});
  IndexKey pattern = col("title");
  pattern.opclass = "text_pattern_ops";
  CHECK(index("docs_pattern").keys == std::vector<IndexKey>{pattern});
  CHECK(index("docs_owner_owner1_idx").keys == std::vector<IndexKey>{col("owner"), col("owner")});
  CHECK(index("docs_lower_idx").keys == std::vector<IndexKey>{expr("lower(owner)")});
}

TEST_CASE("enums keep their value order and are referenced by qualified name", "[postgres]") {
  Inspected live(find_case("enums in several schemas"));
  const auto& enums = live.schema.enums;
  REQUIRE(enums.size() == 3);
  CHECK(enums.at({"public", "mood"}).values ==
        std::vector<std::string>{"sad", "meh", "ok", "happy"});
  CHECK(enums.at({"public", "mood"}).comment == "how it feels");
  CHECK(enums.at({"crm", "stage"}).values ==
        std::vector<std::string>{"lead", "won", "lost", "with space", "quote'd", "Ünïcode"});
  const auto& deals = live.table("crm", "deals");
  CHECK(column(deals, "stage").type == "crm.stage");
  CHECK(column(deals, "stage").default_sql == "'lead'");
  CHECK(column(deals, "mood").type == "public.mood");
  CHECK(column(deals, "history").type == "crm.stage[]");
  CHECK(column(deals, "history").default_sql == "'{}'");
  CHECK(column(deals, "weird").type == "public.\"Weird Enum\"");
  CHECK(column(deals, "weird").default_sql == "'A'");
}

TEST_CASE("partitions are recorded inside their parent table", "[postgres]") {
  Inspected live(find_case("partitioned tables"));
  CHECK(live.schema.tables.size() == 4);  // events, measures, regions, shards
  const auto& events = live.table("public", "events");
  CHECK(events.partition_by == "RANGE (created_at)");
  using keel::state::Partition;
  CHECK(events.partitions ==
        std::vector<Partition>{
            {{"archive", "events_old"}, "FOR VALUES FROM (MINVALUE) TO ('2024-01-01')"},
            {{"public", "events_2024"}, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"},
            {{"public", "events_default"}, "DEFAULT"}});
  REQUIRE(events.primary_key);
  CHECK(events.primary_key->columns == std::vector<std::string>{"id", "created_at"});
  REQUIRE(events.indexes.size() == 1);
  CHECK(events.indexes[0].name == "events_kind");
  const auto& regions = live.table("public", "regions");
  CHECK(regions.partition_by == "LIST (code)");
  CHECK(regions.partitions ==
        std::vector<Partition>{{{"public", "regions_eu"}, "FOR VALUES IN ('de', 'fr', 'it')"},
                               {{"public", "regions_rest"}, "DEFAULT"},
                               {{"public", "regions_us"}, "FOR VALUES IN ('us')"}});
  const auto& shards = live.table("public", "shards");
  CHECK(shards.partition_by == "HASH (tenant)");
  CHECK(
      shards.partitions ==
      std::vector<Partition>{{{"public", "shards_0"}, "FOR VALUES WITH (modulus 2, remainder 0)"},
                             {{"public", "shards_1"}, "FOR VALUES WITH (modulus 2, remainder 1)"}});
  CHECK(live.table("public", "measures").partition_by == "RANGE (date_trunc('day'::text, at))");
}

TEST_CASE("comments are read for tables, columns, enums and views", "[postgres]") {
  Inspected live(find_case("comments everywhere"));
  const auto& t = live.table("public", "things");
  CHECK(t.comment == "Things we own");
  CHECK(column(t, "id").comment == "the key");
  CHECK(column(t, "note").comment == "multi\nline 'comment' with \"quotes\" and \\ backslash");
  CHECK_FALSE(column(t, "color").comment);
  CHECK(live.schema.enums.at({"public", "color"}).comment == "Colours");
  CHECK(live.schema.views.at({"public", "red_things"}).comment == "Only red ones");
}

TEST_CASE("views are read as pg_get_viewdef prints them, materialized views are not",
          "[postgres]") {
  Inspected live(find_case("views"));
  CHECK(live.schema.views.size() == 3);
  CHECK(live.schema.views.at({"public", "big_orders"}).sql ==
        "SELECT orders.id,\n"
        "    orders.total\n"
        "   FROM public.orders\n"
        "  WHERE orders.total > 100::numeric");
  CHECK(live.schema.views.count({"reporting", "daily"}) == 1);
  CHECK(live.schema.views.count({"public", "Order Summary"}) == 1);
  CHECK(live.schema.views.count({"public", "order_totals"}) == 0);
  CHECK(live.schema.tables.size() == 1);
}

TEST_CASE("odd identifiers are read as the raw names", "[postgres]") {
  Inspected live(find_case("odd identifiers"));
  const auto& items = live.table("My Schema", "Order Items");
  CHECK(column_names(items) == std::vector<std::string>{"ID", "user", "select", "with space",
                                                        "quote\"inside", "Größe", "日本語",
                                                        "odd type", "from"});
  CHECK(column(items, "odd type").type == "\"My Schema\".\"Odd \"\"Type\"\"\"");
  CHECK(column(items, "odd type").default_sql == "'x'");
  CHECK(items.primary_key->name == "Order Items_pkey");
  CHECK(items.uniques[0].name == "Order Items_user_select_key");
  CHECK(items.checks[0] == keel::state::Check{"Order Items_from_check", "\"from\" > 0", true});
  REQUIRE(items.indexes.size() == 1);
  keel::state::IndexKey space{"with space"};
  space.descending = true;
  keel::state::IndexKey lower{"", "lower(\"user\")"};
  CHECK(items.indexes[0].keys == std::vector<keel::state::IndexKey>{space, lower});
  const auto& user = live.table("public", "user");
  CHECK(user.foreign_keys[0].name == "user_My Schema Ref_fkey");
  CHECK(user.foreign_keys[0].ref_table == QualifiedName{"My Schema", "Order Items"});
  CHECK(live.table("public", "Über Tab").checks[0].name == "Über Tab_Spalte Ä_check");
  CHECK(live.table("public", "dot.ted").columns[0].name == "a.b");
  CHECK(live.schema.enums.count({"My Schema", "Odd \"Type\""}) == 1);
}

TEST_CASE("extensions are listed and what they own is not", "[postgres]") {
  Inspected live(find_case("extensions and extension-owned objects"));
  using keel::state::Extension;
  CHECK(live.schema.extensions == std::vector<Extension>{{"btree_gist", "ext"},
                                                         {"citext", std::nullopt},
                                                         {"hstore", std::nullopt},
                                                         {"pg_stat_statements", std::nullopt},
                                                         {"pgcrypto", std::nullopt}});
  CHECK(live.schema.views.empty());  // pg_stat_statements' views belong to the extension
  CHECK(live.schema.enums.empty());
  REQUIRE(live.schema.tables.size() == 1);
  const auto& t = live.table("public", "accounts");
  CHECK(column(t, "email").type == "citext");
  CHECK(column(t, "aliases").type == "citext[]");
  CHECK(column(t, "attrs").type == "hstore");
  CHECK(column(t, "nick").default_sql == "'anon'");
  CHECK(column(t, "id").default_sql == "gen_random_uuid()");
}

TEST_CASE("only managed schemas are read, without excluded and keel-owned objects", "[postgres]") {
  Inspected live(find_case("schema filters, exclusions and keel's own objects"));
  CHECK(live.schema.settings.schema == "app");
  std::vector<QualifiedName> tables;
  for (const auto& [name, t] : live.schema.tables) {
    tables.push_back(name);
  }
  CHECK(tables == std::vector<QualifiedName>{{"app", "sessions"}, {"app", "users"}});
  CHECK(live.schema.enums.empty());
  CHECK(live.schema.views.empty());
  // Foreign keys to tables that are not read (another schema, an excluded name) still name
  // the referenced columns, in the key's order.
  const auto& keys = live.table("app", "sessions").foreign_keys;
  REQUIRE(keys.size() == 3);
  CHECK(keys[0].ref_table == QualifiedName{"other", "ignored"});
  CHECK(keys[0].ref_columns == std::vector<std::string>{"code"});
  CHECK(keys[1].ref_table == QualifiedName{"app", "users"});
  CHECK(keys[1].ref_columns == std::vector<std::string>{"id"});
  CHECK(keys[2].ref_table == QualifiedName{"app", "tmp_import_1"});
  CHECK(keys[2].columns == std::vector<std::string>{"x", "y"});
  CHECK(keys[2].ref_columns == std::vector<std::string>{"x", "y"});

  // Without a schema list every non-system schema is read, still without keel's own.
  keel::state::Settings all;
  const auto everything = live.conn->inspect(all);
  std::vector<QualifiedName> all_tables;
  for (const auto& [name, t] : everything.tables) {
    all_tables.push_back(name);
  }
  CHECK(all_tables == std::vector<QualifiedName>{{"app", "alembic_version"},
                                                 {"app", "sessions"},
                                                 {"app", "tmp_import_1"},
                                                 {"app", "users"},
                                                 {"other", "ignored"},
                                                 {"public", "also_ignored"}});
}

TEST_CASE("an empty database inspects to an empty schema", "[postgres]") {
  PgTestDatabase db;
  keel::state::Settings settings;
  settings.schema = "public";
  const auto schema = db.open()->inspect(settings);
  CHECK(schema == keel::state::Schema{settings, {}, {}, {}, {}});
}
