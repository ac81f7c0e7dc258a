// Table rebuilds, kept data and rollback on real SQLite files, through the keel commands.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "dialects/dialect.h"
#include "tests/support/convergence.h"

namespace {

int run_keel(const std::vector<std::string>& args, std::string& out, std::string& err) {
  return keel::testing::keel(args, out, err);
}

struct Files {
  std::filesystem::path dir;
  std::string url;

  explicit Files(const std::string& name) {
    dir = std::filesystem::temp_directory_path() / ("keel-sqlite-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    url = "sqlite:" + (dir / "app.db").string();
  }
  ~Files() { std::filesystem::remove_all(dir); }
  Files(const Files&) = delete;
  Files& operator=(const Files&) = delete;
  Files(Files&&) = delete;
  Files& operator=(Files&&) = delete;

  [[nodiscard]] std::string write(const std::string& name, const std::string& toml) const {
    auto path = (dir / name).string();
    std::ofstream(path) << toml;
    return path;
  }
  [[nodiscard]] std::string rows(const std::string& sql) const {
    auto db = keel::dialects::open_database(url);
    std::string out;
    for (const auto& row : db->query(sql)) {
      for (const auto& cell : row)
        out += (cell ? *cell : "NULL") + std::string("|");
      out += "\n";
    }
    return out;
  }
};

const char* const kV1 = R"toml([tables.authors]
primary_key = ["id"]

[tables.authors.columns]
id = { type = "integer", identity = "by default" }
name = { type = "text" }
nickname = { type = "text", nullable = true }

[tables.books]
primary_key = ["id"]

[tables.books.columns]
id = { type = "integer", identity = "by default" }
author_id = { type = "integer", references = { table = "authors" } }
title = { type = "varchar(200)" }
pages = { type = "integer", nullable = true }
)toml";

// v2: books.pages becomes NOT NULL with a backfill and a check (a rebuild), authors loses
// nickname (a kept drop), and a table is dropped.
const char* const kV2 = R"toml([tables.authors]
primary_key = ["id"]

[tables.authors.columns]
id = { type = "integer", identity = "by default" }
name = { type = "text" }

[tables.books]
primary_key = ["id"]

[tables.books.columns]
id = { type = "integer", identity = "by default" }
author_id = { type = "integer", references = { table = "authors" } }
title = { type = "varchar(200)" }
pages = { type = "integer", backfill = "0" }

[[tables.books.checks]]
name = "books_pages_nonnegative"
expr = "pages >= 0"
)toml";

}  // namespace

TEST_CASE("rollback restores the rows of a rebuilt table and of dropped columns and tables",
          "[sqlite]") {
  Files f("rollback");
  std::string v1 = kV1;
  v1 +=
      "\n[tables.notes]\nprimary_key = [\"id\"]\n\n[tables.notes.columns]\nid = { type = "
      "\"integer\" }\nbody = { type = \"text\" }\n";
  std::string out;
  std::string err;
  REQUIRE(run_keel({"apply", "--db", f.url, f.write("v1.toml", v1), "--yes"}, out, err) == 0);
  {
    auto db = keel::dialects::open_database(f.url);
    db->execute_script(
        "INSERT INTO authors (id, name, nickname) VALUES (1, 'Ursula', 'UKL'), (2, 'Italo', NULL);"
        "INSERT INTO books (id, author_id, title, pages) VALUES (1, 1, 'The Dispossessed', 387),"
        " (2, 2, 'Invisible Cities', NULL);"
        "INSERT INTO notes (id, body) VALUES (7, 'keep me');"
        "CREATE TRIGGER books_touch AFTER UPDATE ON books BEGIN SELECT 1; END;");
  }
  const std::string authors = f.rows("SELECT id, name, nickname FROM authors ORDER BY id");
  const std::string books = f.rows("SELECT id, author_id, title, pages FROM books ORDER BY id");
  err.clear();
  REQUIRE(run_keel({"apply", "--db", f.url, f.write("v2.toml", kV2), "--yes"}, out, err) == 1);
  CHECK(err.find("pass --allow-destructive") != std::string::npos);
  err.clear();
  INFO(err);
  REQUIRE(
      run_keel({"apply", "--db", f.url, f.write("v2.toml", kV2), "--yes", "--allow-destructive"},
               out, err) == 0);
  CHECK(f.rows("SELECT id, pages FROM books ORDER BY id") == "1|387|\n2|0|\n");
  CHECK(f.rows("SELECT name FROM sqlite_schema WHERE type = 'trigger'") == "books_touch|\n");
  err.clear();
  REQUIRE(run_keel({"plan", "--db", f.url, f.write("v2.toml", kV2), "--detailed-exitcode"}, out,
                   err) == 0);
  err.clear();
  REQUIRE(run_keel({"rollback", "--db", f.url, "--yes"}, out, err) == 0);
  CHECK(f.rows("SELECT id, name, nickname FROM authors ORDER BY id") == authors);
  CHECK(f.rows("SELECT id, author_id, title, pages FROM books ORDER BY id") ==
        "1|1|The Dispossessed|387|\n2|2|Invisible Cities|0|\n");
  CHECK(books == "1|1|The Dispossessed|387|\n2|2|Invisible Cities|NULL|\n");
  CHECK(f.rows("SELECT id, body FROM notes") == "7|keep me|\n");
  CHECK(f.rows("SELECT name FROM sqlite_schema WHERE name LIKE 'keel_trash%'").empty());
  err.clear();
  CHECK(run_keel({"plan", "--db", f.url, f.write("v1.toml", v1), "--detailed-exitcode"}, out,
                 err) == 0);
}

TEST_CASE("a rebuild that would break a foreign key is refused naming the rows", "[sqlite]") {
  Files f("fk");
  std::string out;
  std::string err;
  REQUIRE(run_keel({"apply", "--db", f.url, f.write("v1.toml", kV1), "--yes"}, out, err) == 0);
  {
    auto db = keel::dialects::open_database(f.url);
    // A book whose author is gone: written with foreign keys off, as an import might.
    db->execute_script(
        "PRAGMA foreign_keys = OFF;"
        "INSERT INTO authors (id, name) VALUES (1, 'Ursula');"
        "INSERT INTO books (id, author_id, title, pages) VALUES (1, 1, 'Lathe', 184), (2, 9, "
        "'Orphan', 10);"
        "PRAGMA foreign_keys = ON;");
  }
  const std::string before = f.rows("SELECT sql FROM sqlite_schema ORDER BY name");
  std::string v2 = kV1;
  v2.replace(v2.find("pages = { type = \"integer\", nullable = true }"),
             std::string("pages = { type = \"integer\", nullable = true }").size(),
             "pages = { type = \"bigint\", nullable = true }");
  err.clear();
  CHECK(run_keel({"apply", "--db", f.url, f.write("v2.toml", v2), "--yes"}, out, err) == 1);
  CHECK(err.find("applying step 1/1 (rebuild table \"main.books\", copying its rows)") !=
        std::string::npos);
  CHECK(err.find("the change would break foreign keys, so it was rolled back: 1 row(s) would "
                 "reference a missing row: table \"books\" rowid 2 references \"authors\"") !=
        std::string::npos);
  CHECK(f.rows("SELECT sql FROM sqlite_schema ORDER BY name") == before);
  CHECK(f.rows("PRAGMA foreign_keys") == "1|\n");
}
