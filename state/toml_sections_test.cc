#include "state/toml_sections.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

using namespace keel::state;  // NOLINT(google-build-using-namespace): test file

namespace {

// "name@line:text" for each section of `text`, or "whole" when it must be parsed whole.
std::vector<std::string> sections(std::string_view text) {
  const auto split = split_table_sections(text);
  if (!split) {
    return {"whole"};
  }
  CHECK(std::count(split->rest.begin(), split->rest.end(), '\n') ==
        std::count(text.begin(), text.end(), '\n'));
  std::vector<std::string> out;
  for (const TableSection& s : split->tables) {
    out.push_back(s.name + "@" + std::to_string(s.line) + ":" +
                  std::string(text.substr(s.offset, s.size)));
  }
  return out;
}

using Sections = std::vector<std::string>;

}  // namespace

TEST_CASE("a document is cut before each table's headers and keeps the rest in place", "[unit]") {
  const std::string text =
      "# schema\n"
      "[settings]\n"
      "schema = \"app\"\n"
      "\n"
      "[tables.a]\n"
      "primary_key = [\"id\"]\n"
      "[tables.a.columns]\n"
      "id = { type = \"bigint\" }\n"
      "[[tables.a.indexes]]\n"
      "columns = [\"id\"]\n"
      "[enums.e]\n"
      "values = [\"x\"]\n"
      "[tables.b.columns]\n"
      "id = { type = \"text\" }";  // no newline at the end
  const auto split = split_table_sections(text);
  REQUIRE(split);
  CHECK(split->rest ==
        "# schema\n[settings]\nschema = \"app\"\n\n\n\n\n\n\n\n[enums.e]\nvalues = [\"x\"]\n\n");
  CHECK(sections(text) ==
        Sections{"a@4:[tables.a]\nprimary_key = [\"id\"]\n[tables.a.columns]\nid = { type = "
                 "\"bigint\" }\n[[tables.a.indexes]]\ncolumns = [\"id\"]\n",
                 "b@12:[tables.b.columns]\nid = { type = \"text\" }"});

  const auto example = split_table_sections("[settings]\n[tables.a]\nx = 1\n");
  REQUIRE(example);
  CHECK(example->rest == "[settings]\n\n\n");
  REQUIRE(example->tables.size() == 1);
  CHECK(example->tables[0].offset == 11);
  CHECK(example->tables[0].size == 17);
  CHECK(example->tables[0].line == 1);

  const auto none = split_table_sections("[settings]\nschema = \"app\"\n");
  REQUIRE(none);
  CHECK(none->tables.empty());
  CHECK(none->rest == "[settings]\nschema = \"app\"\n");
}

TEST_CASE("header-like lines inside strings, arrays and comments do not cut", "[unit]") {
  CHECK(sections("[tables.a]\nc = \"\"\"\n[tables.x]\n\\\"\"\"\n[tables.y]\n\"\"\"\n"
                 "[tables.b]\n") ==
        Sections{"a@0:[tables.a]\nc = \"\"\"\n[tables.x]\n\\\"\"\"\n[tables.y]\n\"\"\"\n",
                 "b@6:[tables.b]\n"});
  CHECK(sections("[tables.a]\nc = '''\n[tables.x]\n'''''\n[tables.b]\n") ==
        Sections{"a@0:[tables.a]\nc = '''\n[tables.x]\n'''''\n", "b@4:[tables.b]\n"});
  CHECK(sections("[tables.a]\nc = \"\"\"x\"\"\"\"\"\n[tables.b]\n") ==
        Sections{"a@0:[tables.a]\nc = \"\"\"x\"\"\"\"\"\n", "b@2:[tables.b]\n"});
  CHECK(sections("[tables.a]\nc = [\n  [1, 2],\n[3]\n]\n[tables.b]\n") ==
        Sections{"a@0:[tables.a]\nc = [\n  [1, 2],\n[3]\n]\n", "b@5:[tables.b]\n"});
  CHECK(sections("[tables.a]\n#[tables.x]\nc = \"[\" # ]\nd = '\\'\n[tables.b]\n") ==
        Sections{"a@0:[tables.a]\n#[tables.x]\nc = \"[\" # ]\nd = '\\'\n", "b@4:[tables.b]\n"});
}

TEST_CASE("table headers are read as TOML reads their keys", "[unit]") {
  CHECK(sections("[ tables . \"my.table\" . columns ]\n[[tables.'a b'.indexes]]\r\nx = 1\r\n") ==
        Sections{"my.table@0:[ tables . \"my.table\" . columns ]\n",
                 "a b@1:[[tables.'a b'.indexes]]\r\nx = 1\r\n"});
  CHECK(sections("\xEF\xBB\xBF[tables.a]\n") == Sections{"a@0:\xEF\xBB\xBF[tables.a]\n"});
  CHECK(sections("[\"tables\".a]\n  [tables.a.columns] # the columns\n") ==
        Sections{"a@0:[\"tables\".a]\n  [tables.a.columns] # the columns\n"});
  // Not a table's section: stays in the rest (where a reader finds `tables` and parses whole).
  CHECK(sections("[tables]\na = {}\n[views.v]\n").empty());
}

TEST_CASE("a document whose sections cannot be told apart with certainty is parsed whole",
          "[unit]") {
  CHECK(sections("[tables.a]\n[tables.b]\n[tables.a.columns]\n") == Sections{"whole"});
  CHECK(sections("[tables.\"a\\u0062\"]\n") == Sections{"whole"});
  CHECK(sections("[tables.a]\nc = \"open\n[tables.b]\n") == Sections{"whole"});
  CHECK(sections("[tables.a]\nc = \"\"\"open\n[tables.b]\n") == Sections{"whole"});
  CHECK(sections("[tables.a]\nc = [1,\n[tables.b]\n") == Sections{"whole"});
  CHECK(sections("[tables.a]\nc = 1]\n") == Sections{"whole"});
  CHECK(sections("[tables.a\n") == Sections{"whole"});
  CHECK(sections("[tables.é]\n") == Sections{"whole"});
}
