#include "state/diagnostic.h"

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using keel::state::closest;
using keel::state::Diagnostic;
using keel::state::did_you_mean;
using keel::state::SourceLoc;
using keel::state::UserError;

namespace {

SourceLoc loc(const std::string& file, std::uint32_t line, std::uint32_t column) {
  return SourceLoc{
      .file = std::make_shared<const std::string>(file), .line = line, .column = column};
}

}  // namespace

TEST_CASE("a source location prints as much of file:line:col as it knows", "[unit]") {
  CHECK(SourceLoc{}.str().empty());
  CHECK(loc("a.toml", 0, 0).str() == "a.toml");
  CHECK(loc("a.toml", 3, 0).str() == "a.toml:3");
  CHECK(loc("a.toml", 3, 9).str() == "a.toml:3:9");
  CHECK(loc("a.toml", 3, 9).known());
  CHECK_FALSE(SourceLoc{}.known());
}

TEST_CASE("a diagnostic prints like gcc, with its notes on following lines", "[unit]") {
  Diagnostic d{.loc = loc("schema/b.toml", 3, 9), .message = "table \"users\" is defined twice"};
  d.add_note(loc("schema/a.toml", 1, 9), "first defined here");
  d.notes.emplace_back("a note without its own place");
  CHECK(d.str() ==
        "schema/b.toml:3:9: error: table \"users\" is defined twice\n"
        "schema/a.toml:1:9: note: first defined here\n"
        "schema/b.toml:3:9: note: a note without its own place");
}

TEST_CASE("a diagnostic without a position is prefixed with keel", "[unit]") {
  Diagnostic d;
  d.message = "no .toml files in \"x\"";
  CHECK(d.str() == "keel: error: no .toml files in \"x\"");
}

TEST_CASE("a user error carries every diagnostic and prints them all", "[unit]") {
  const UserError error({Diagnostic{.loc = loc("a.toml", 1, 1), .message = "first"},
                         Diagnostic{.loc = loc("a.toml", 2, 5), .message = "second"}});
  CHECK(error.diagnostics().size() == 2);
  CHECK(std::string(error.what()) == "a.toml:1:1: error: first\na.toml:2:5: error: second");

  const UserError plain("cannot read \"x.toml\"");
  REQUIRE(plain.diagnostics().size() == 1);
  CHECK(plain.diagnostics()[0].message == "cannot read \"x.toml\"");
  CHECK(std::string(plain.what()) == "keel: error: cannot read \"x.toml\"");
}

TEST_CASE("closest finds typos, transpositions and case differences", "[unit]") {
  const std::vector<std::string> types = {"integer", "text", "timestamptz", "boolean"};
  CHECK(closest("intger", types) == "integer");
  CHECK(closest("itneger", types) == "integer");  // one transposition
  CHECK(closest("TEXT", types) == "text");
  CHECK(closest("timestamptzz", types) == "timestamptz");
  CHECK(closest("blob", types).empty());
  CHECK(closest("x", {"y"}).empty());  // nothing in common
  CHECK(closest("anything", {}).empty());
}

TEST_CASE("closest allows about a third of a long word to differ", "[unit]") {
  CHECK(closest("foreign_kyes", {"foreign_keys"}) == "foreign_keys");
  CHECK(closest("primary_kye", {"primary_key"}) == "primary_key");
  CHECK(closest("prim_keys", {"primary_key"}).empty());  // 4 edits in 9 letters
  CHECK(closest("primary_k", {"primary_key"}) == "primary_key");
  CHECK(closest("zzzzzzzzzz", {"primary_key"}).empty());
}

TEST_CASE("did_you_mean phrases the suggestion or says nothing", "[unit]") {
  CHECK(did_you_mean("tabels", {"settings", "tables"}) == " (did you mean \"tables\"?)");
  CHECK(did_you_mean("qqq", {"settings", "tables"}).empty());
}
