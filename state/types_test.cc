#include "state/types.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

using keel::state::Enum;
using keel::state::normalize_type;
using keel::state::parse_type;
using keel::state::QualifiedName;
using keel::state::resolve_type;
using keel::state::split_array;
using keel::state::type_family;
using keel::state::TypeFamily;

namespace {

// (written, canonical)
const std::vector<std::pair<std::string, std::string>> spellings = {
    {"int", "integer"},
    {"int4", "integer"},
    {"INTEGER", "integer"},
    {"int8", "bigint"},
    {"bigint", "bigint"},
    {"int2", "smallint"},
    {"smallint", "smallint"},
    {"bool", "boolean"},
    {"Boolean", "boolean"},
    {"float8", "double precision"},
    {"double   precision", "double precision"},
    {"float4", "real"},
    {"real", "real"},
    {"float", "double precision"},
    {"float(1)", "real"},
    {"float(24)", "real"},
    {"float(25)", "double precision"},
    {"float(53)", "double precision"},
    {"decimal", "numeric"},
    {"numeric", "numeric"},
    {"numeric(10)", "numeric(10,0)"},
    {"decimal(10, 2)", "numeric(10,2)"},
    {"numeric(5,-2)", "numeric(5,-2)"},
    {"varchar", "character varying"},
    {"varchar(255)", "character varying(255)"},
    {"VARCHAR ( 255 )", "character varying(255)"},
    {"character varying(20)", "character varying(20)"},
    {"char", "character(1)"},
    {"char(3)", "character(3)"},
    {"character(3)", "character(3)"},
    {"character", "character(1)"},
    {"bpchar(4)", "character(4)"},
    {"\"char\"", "\"char\""},
    {"text", "text"},
    {"timestamptz", "timestamp with time zone"},
    {"timestamp with time zone", "timestamp with time zone"},
    {"timestamptz(3)", "timestamp(3) with time zone"},
    {"timestamp(3) with time zone", "timestamp(3) with time zone"},
    {"TIMESTAMP(3)  WITH  TIME ZONE", "timestamp(3) with time zone"},
    {"timestamp", "timestamp without time zone"},
    {"timestamp(0)", "timestamp(0) without time zone"},
    {"timestamp without time zone", "timestamp without time zone"},
    {"time", "time without time zone"},
    {"time(6)", "time(6) without time zone"},
    {"timetz", "time with time zone"},
    {"time(2) with time zone", "time(2) with time zone"},
    {"interval", "interval"},
    {"interval(3)", "interval(3)"},
    {"interval year to month", "interval year to month"},
    {"INTERVAL DAY TO SECOND(3)", "interval day to second(3)"},
    {"interval second(2)", "interval second(2)"},
    {"date", "date"},
    {"uuid", "uuid"},
    {"json", "json"},
    {"jsonb", "jsonb"},
    {"bytea", "bytea"},
    {"inet", "inet"},
    {"cidr", "cidr"},
    {"macaddr", "macaddr"},
    {"macaddr8", "macaddr8"},
    {"money", "money"},
    {"bit", "bit(1)"},
    {"bit(8)", "bit(8)"},
    {"varbit", "bit varying"},
    {"varbit(8)", "bit varying(8)"},
    {"bit varying(8)", "bit varying(8)"},
    {"tsvector", "tsvector"},
    {"tsquery", "tsquery"},
    {"xml", "xml"},
    {"point", "point"},
    {"line", "line"},
    {"lseg", "lseg"},
    {"box", "box"},
    {"path", "path"},
    {"polygon", "polygon"},
    {"circle", "circle"},
    {"oid", "oid"},
    {"int4range", "int4range"},
    {"int8range", "int8range"},
    {"numrange", "numrange"},
    {"tsrange", "tsrange"},
    {"tstzrange", "tstzrange"},
    {"daterange", "daterange"},
    {"int4multirange", "int4multirange"},
    {"datemultirange", "datemultirange"},
    {"citext", "citext"},
    {"hstore", "hstore"},
    {"ltree", "ltree"},
    {"vector(1536)", "vector(1536)"},
    {"geometry", "geometry"},
    {"geometry(Point, 4326)", "geometry(Point,4326)"},
    {"text[]", "text[]"},
    {"int[]", "integer[]"},
    {"integer[][]", "integer[]"},
    {"int4[3]", "integer[]"},
    {"integer ARRAY", "integer[]"},
    {"integer array[4]", "integer[]"},
    {"varchar(10) [ ]", "character varying(10)[]"},
    {"timestamptz(3)[]", "timestamp(3) with time zone[]"},
    {"  text  ", "text"},
};

}  // namespace

TEST_CASE("normalize_type maps every alias and modifier to the format_type spelling", "[unit]") {
  for (const auto& [written, canonical] : spellings) {
    INFO(written);
    CHECK(normalize_type(written) == canonical);
  }
}

TEST_CASE("a canonical type spelling normalizes to itself", "[unit]") {
  for (const auto& [written, canonical] : spellings) {
    INFO(canonical);
    CHECK(normalize_type(canonical) == canonical);
  }
}

TEST_CASE("serial types are refused with a hint to use identity", "[unit]") {
  CHECK(parse_type("serial").problem ==
        "type \"serial\" is not supported: use type = \"integer\" with identity = \"by default\"");
  CHECK(parse_type("BIGSERIAL").problem ==
        "type \"bigserial\" is not supported: use type = \"bigint\" with identity = \"by "
        "default\"");
  CHECK(parse_type("smallserial").problem ==
        "type \"smallserial\" is not supported: use type = \"smallint\" with identity = \"by "
        "default\"");
  CHECK_FALSE(normalize_type("serial8").has_value());
}

TEST_CASE("bad type modifiers are refused with the reason", "[unit]") {
  CHECK(parse_type("varchar(0)").problem ==
        "invalid type \"varchar(0)\": the length must be between 1 and 10485760");
  CHECK(parse_type("numeric(0,2)").problem ==
        "invalid type \"numeric(0,2)\": the precision must be between 1 and 1000");
  CHECK(parse_type("numeric(10,2000)").problem ==
        "invalid type \"numeric(10,2000)\": the scale must be between -1000 and 1000");
  CHECK(parse_type("float(54)").problem ==
        "invalid type \"float(54)\": the precision must be between 1 and 53");
  CHECK(parse_type("timestamp(7)").problem ==
        "invalid type \"timestamp(7)\": the precision must be between 0 and 6");
  CHECK(parse_type("text(5)").problem ==
        "invalid type \"text(5)\": type \"text\" takes no modifier");
  CHECK(parse_type("interval day(3)").problem ==
        "invalid type \"interval day(3)\": only intervals ending in second take a precision");
  CHECK(parse_type("interval week").problem ==
        "invalid type \"interval week\": unknown interval fields \"week\"");
  CHECK(parse_type("varchar(x)").problem ==
        "invalid type \"varchar(x)\": the length must be between 1 and 10485760");
}

TEST_CASE("unknown type names give no type and no problem", "[unit]") {
  for (const char* name : {"intger", "", "   ", "[]", "public.status", "my type", "blob",
                           "varchar(", "text)", "int4range(3"}) {
    INFO(name);
    const auto parsed = parse_type(name);
    CHECK_FALSE(parsed.type.has_value());
    CHECK(parsed.problem.empty());
  }
}

TEST_CASE("split_array removes every array suffix", "[unit]") {
  CHECK(split_array("integer [][]").base == "integer");
  CHECK(split_array("integer [][]").array);
  CHECK(split_array("mood ARRAY").base == "mood");
  CHECK_FALSE(split_array("text").array);
  CHECK(split_array("x[a]").base == "x[a]");  // not an array suffix
}

TEST_CASE("known type names include canonical names and aliases", "[unit]") {
  const auto& names = keel::state::known_type_names();
  for (const char* name : {"integer", "int4", "varchar", "timestamptz", "jsonb", "citext"}) {
    INFO(name);
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  }
}

TEST_CASE("type families drive the default literal checks", "[unit]") {
  CHECK(type_family("integer") == TypeFamily::Integer);
  CHECK(type_family("bigint") == TypeFamily::Integer);
  CHECK(type_family("numeric(10,2)") == TypeFamily::Numeric);
  CHECK(type_family("double precision") == TypeFamily::Numeric);
  CHECK(type_family("money") == TypeFamily::Numeric);
  CHECK(type_family("boolean") == TypeFamily::Boolean);
  CHECK(type_family("integer[]") == TypeFamily::Other);
  CHECK(type_family("text") == TypeFamily::Other);
}

TEST_CASE("resolve_type finds enums by bare, qualified or type_name spelling", "[unit]") {
  std::map<QualifiedName, Enum> enums;
  enums[{"public", "agent_status"}] = Enum{.name = {"public", "agent_status"}, .values = {"a"}};
  enums[{"billing", "Kind"}] = Enum{.name = {"billing", "Kind"}, .values = {"a"}};
  enums[{"public", "text"}] = Enum{.name = {"public", "text"}, .values = {"a"}};
  CHECK(resolve_type("agent_status", enums, "public") == "public.agent_status");
  CHECK(resolve_type("public.agent_status", enums, "public") == "public.agent_status");
  CHECK(resolve_type("agent_status[]", enums, "public") == "public.agent_status[]");
  CHECK(resolve_type("agent_status[][]", enums, "public") == "public.agent_status[]");
  CHECK(resolve_type("billing.Kind", enums, "public") == "billing.\"Kind\"");
  CHECK(resolve_type("billing.\"Kind\"", enums, "public") == "billing.\"Kind\"");
  CHECK_FALSE(resolve_type("Kind", enums, "public").has_value());  // not in the default schema
  CHECK(resolve_type("Kind", enums, "billing") == "billing.\"Kind\"");
  CHECK(resolve_type("text", enums, "public") == "text");  // built-in types come first
  CHECK(resolve_type("public.text", enums, "public") == "public.text");
  CHECK(resolve_type("int4", enums, "public") == "integer");
  CHECK_FALSE(resolve_type("agent_statuses", enums, "public").has_value());
  CHECK(keel::state::find_enum_type("public.agent_status[]", enums) ==
        &enums.at({"public", "agent_status"}));
  CHECK(keel::state::find_enum_type("text", enums) == nullptr);
}
