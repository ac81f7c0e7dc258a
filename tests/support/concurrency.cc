#include "tests/support/concurrency.h"

#include <array>

#include <catch2/catch.hpp>
#include <unistd.h>

#include "dialects/dialect.h"

namespace keel::testing {

const char* const kConcurrencySchemaA = R"toml([tables.users]
primary_key = ["id"]

[tables.users.columns]
id = { type = "bigint" }
email = { type = "text" }

[tables.tasks]
primary_key = ["id"]

[tables.tasks.columns]
id = { type = "bigint" }
user_id = { type = "bigint", references = { table = "users" } }
title = { type = "text" }
)toml";

const char* const kConcurrencySchemaB = R"toml([tables.users]
primary_key = ["id"]

[tables.users.columns]
id = { type = "bigint" }
email = { type = "text" }
display_name = { type = "text", nullable = true }

[[tables.users.indexes]]
name = "users_email_idx"
columns = ["email"]

[tables.tasks]
primary_key = ["id"]

[tables.tasks.columns]
id = { type = "bigint" }
user_id = { type = "bigint", references = { table = "users" } }
title = { type = "text" }

[tables.projects]
primary_key = ["id"]

[tables.projects.columns]
id = { type = "bigint" }
name = { type = "text" }
)toml";

namespace {

/// What a later apply adds to B: one more table.
const char* const kMoreForC = R"toml(
[tables.labels]
primary_key = ["id"]

[tables.labels.columns]
id = { type = "bigint" }
name = { type = "text" }
)toml";

}  // namespace

std::string host_name() {
  std::array<char, 256> buf{};
  gethostname(buf.data(), buf.size() - 1);
  return buf.data();
}

void check_sequential(const nlohmann::json& history) {
  for (std::size_t i = 0; i < history.size(); ++i) {
    const auto& r = history[i];
    INFO("revision " << r["id"]);
    CHECK(r["status"] == "applied");
    REQUIRE(r["finished_at"].is_string());
    CHECK(r["started_at"].get<std::string>() <= r["finished_at"].get<std::string>());
    if (i + 1 == history.size())
      continue;
    const auto& before = history[i + 1];
    CHECK(before["finished_at"].get<std::string>() <= r["started_at"].get<std::string>());
    CHECK(r["parent"] == before["id"]);
    CHECK(r["from_fingerprint"] == before["to_fingerprint"]);
  }
}

ConcurrencySetup::ConcurrencySetup(const std::string& dir_prefix, const std::string& schema_b,
                                   const std::string& keel_binary)
    : dir_(dir_prefix),
      keel_(keel_binary, dir_.path(), {{"USER", "keel-test"}}),
      a_(dir_.write("a.toml", kConcurrencySchemaA)),
      b_(dir_.write("b.toml", schema_b)),
      c_(dir_.write("c.toml", schema_b + kMoreForC)) {}

void ConcurrencySetup::load_a(const std::string& url) {
  url_ = url;
  keel_ok({"apply", "--db", url_, a_, "--yes"});
  dialects::open_database(url_)->execute_script(
      "INSERT INTO users VALUES (1, 'ann@example.com'), (2, 'bob@example.com');"
      "INSERT INTO tasks VALUES (1, 1, 'write'), (2, 2, 'review');");
}

std::unique_ptr<Child> ConcurrencySetup::apply(const std::string& schema,
                                               const std::vector<std::string>& args) const {
  std::vector<std::string> all = {"apply", "--db", url_, schema, "--yes"};
  all.insert(all.end(), args.begin(), args.end());
  return keel_.start(all);
}

ChildResult ConcurrencySetup::run(const std::vector<std::string>& args) const {
  return keel_.run(args);
}

nlohmann::json ConcurrencySetup::history() const {
  return keel_history(url_);
}

void ConcurrencySetup::check_in_turn(
    Child& first, Child& second, const std::string& schema, std::size_t revisions,
    const std::function<void(const std::string& err)>& check_second) const {
  auto one = first.wait();
  auto two = second.wait();
  INFO("first:\n" << one.err << "second:\n" << two.err);
  CHECK(one.exit_code == 0);
  CHECK_THAT(one.err, Catch::EndsWith(" as revision 2.\n"));
  CHECK(two.exit_code == 0);
  check_second(two.err);
  keel_ok({"plan", "--db", url_, schema, "--detailed-exitcode"});
  auto history = keel_history(url_);
  CHECK(history.size() == revisions);
  check_sequential(history);
}

}  // namespace keel::testing
