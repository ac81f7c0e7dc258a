// The inspector parses the stored CREATE text instead of calling a pragma per object (see
// dialects/sqlite/introspect.cc). These tests hold the parse to what SQLite's own pragmas
// report for every table and index of the catalogue.
#include <algorithm>
#include <tuple>

#include <catch2/catch.hpp>

#include "dialects/sql.h"
#include "dialects/sqlite/normalize.h"
#include "tests/sqlite/catalogue.h"
#include "tests/sqlite/fixture.h"

namespace keel::testing {
namespace {

using Rows = std::vector<std::vector<std::optional<std::string>>>;

std::string text(const std::optional<std::string>& value) {
  return value.value_or("");
}

std::string action_name(state::FkAction action) {
  switch (action) {
    case state::FkAction::NoAction:
      return "NO ACTION";
    case state::FkAction::Restrict:
      return "RESTRICT";
    case state::FkAction::Cascade:
      return "CASCADE";
    case state::FkAction::SetNull:
      return "SET NULL";
    case state::FkAction::SetDefault:
      return "SET DEFAULT";
  }
  return "?";
}

void check_columns(dialects::Database& db, const state::Table& table) {
  Rows rows =
      db.query("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(" +
               dialects::quote_literal(table.name.name) + ") ORDER BY cid");
  REQUIRE(rows.size() == table.columns.size());
  std::vector<std::pair<int, std::string>> key;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const state::Column& column = table.columns[i];
    INFO("column " << column.name);
    CHECK(text(row[0]) == column.name);
    CHECK(dialects::sqlite::normalize_declared_type(text(row[1])) == column.type);
    int pk = std::stoi(text(row[4]));
    CHECK((text(row[2]) == "1" || pk > 0) == !column.nullable);
    if (row[3]) {
      CHECK(dialects::sqlite::normalize_expr(*row[3]) == column.default_sql);
    } else {
      CHECK_FALSE(column.default_sql);
    }
    std::string hidden = text(row[5]);
    CHECK((hidden == "2" || hidden == "3") == column.generated.has_value());
    if (pk > 0)
      key.emplace_back(pk, column.name);
  }
  std::sort(key.begin(), key.end());
  std::vector<std::string> key_columns;
  for (const auto& [position, name] : key)
    key_columns.push_back(name);
  CHECK(key_columns ==
        (table.primary_key ? table.primary_key->columns : std::vector<std::string>{}));
}

void check_foreign_keys(dialects::Database& db, const state::Table& table) {
  using Key = std::tuple<std::vector<std::string>, std::string, std::vector<std::string>,
                         std::string, std::string>;
  Rows rows = db.query(
      "SELECT id, \"from\", \"table\", \"to\", on_update, on_delete "
      "FROM pragma_foreign_key_list(" +
      dialects::quote_literal(table.name.name) + ") ORDER BY id, seq");
  std::map<std::string, Key> by_id;
  for (const auto& row : rows) {
    Key& key = by_id[text(row[0])];
    std::get<0>(key).push_back(text(row[1]));
    std::get<1>(key) = dialects::sqlite::ascii_lower(text(row[2]));
    if (row[3])
      std::get<2>(key).push_back(dialects::sqlite::ascii_lower(*row[3]));
    std::get<3>(key) = text(row[4]);
    std::get<4>(key) = text(row[5]);
  }
  std::vector<Key> pragma;
  for (auto& [id, key] : by_id)
    pragma.push_back(key);
  std::vector<Key> inspected;
  for (const state::ForeignKey& fk : table.foreign_keys) {
    std::vector<std::string> to;
    // The pragma leaves `to` NULL for `REFERENCES parent`; inspect fills in the parent's key.
    bool implicit = std::any_of(rows.begin(), rows.end(), [&](const auto& row) {
      return !row[3] && text(row[1]) == fk.columns[0];
    });
    if (!implicit) {
      for (const std::string& column : fk.ref_columns) {
        to.push_back(dialects::sqlite::ascii_lower(column));
      }
    }
    inspected.emplace_back(fk.columns, dialects::sqlite::ascii_lower(fk.ref_table.name), to,
                           action_name(fk.on_update), action_name(fk.on_delete));
  }
  std::sort(pragma.begin(), pragma.end());
  std::sort(inspected.begin(), inspected.end());
  CHECK(pragma == inspected);
}

void check_indexes(dialects::Database& db, const state::Table& table) {
  for (const state::Index& index : table.indexes) {
    INFO("index " << index.name);
    Rows flags = db.query("SELECT \"unique\", partial FROM pragma_index_list(" +
                          dialects::quote_literal(table.name.name) +
                          ") WHERE name = " + dialects::quote_literal(index.name));
    REQUIRE(flags.size() == 1);
    CHECK((text(flags[0][0]) == "1") == index.unique);
    CHECK((text(flags[0][1]) == "1") == index.where.has_value());
    Rows keys = db.query("SELECT cid, name, \"desc\" FROM pragma_index_xinfo(" +
                         dialects::quote_literal(index.name) + ") WHERE key = 1 ORDER BY seqno");
    REQUIRE(keys.size() == index.keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const state::IndexKey& key = index.keys[i];
      bool is_column = std::stoi(text(keys[i][0])) >= 0;
      CHECK(is_column == !key.expression.has_value());
      if (is_column)
        CHECK(text(keys[i][1]) == key.column);
      CHECK((text(keys[i][2]) == "1") == key.descending);
    }
  }
}

TEST_CASE("the parsed sqlite catalogue agrees with SQLite's pragmas", "[sqlite]") {
  for (const SqliteCase& c : sqlite_catalogue()) {
    INFO("case: " << c.name);
    auto db = sqlite_with(":memory:", c.sql);
    state::Schema schema = db->inspect({});
    for (const auto& [name, table] : schema.tables) {
      INFO("table " << name.name);
      check_columns(*db, table);
      check_foreign_keys(*db, table);
      check_indexes(*db, table);
    }
  }
}

}  // namespace
}  // namespace keel::testing
