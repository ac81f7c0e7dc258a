#include "tests/support/convergence.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "dialects/sql.h"
#include "src/cli.h"
#include "state/fingerprint.h"
#include "state/toml_reader.h"
#include "state/toml_writer.h"
#include "tests/support/mutate.h"

namespace keel::testing {
namespace {

/// (table, column) -> every value of the column as text, in primary key order.
using Snapshot = std::map<std::pair<std::string, std::string>, std::string>;

Snapshot snapshot(dialects::Database& db, const state::Schema& schema) {
  Snapshot out;
  const bool pg = db.engine() == "postgresql";
  for (const auto& [name, t] : schema.tables) {
    std::string table = pg ? dialects::qualified(name) : dialects::quote_ident(name.name);
    std::string order;
    if (t.primary_key)
      for (const auto& c : t.primary_key->columns)
        order += (order.empty() ? "" : ", ") + dialects::quote_ident(c);
    if (order.empty())
      order = "1";
    auto count = db.query("SELECT count(*) FROM " + table);
    out[{name.name, "#rows"}] = count.at(0).at(0).value_or("?");
    for (const auto& c : t.columns) {
      std::string col = dialects::quote_ident(c.name);
      std::string sql =
          pg ? fmt::format("SELECT string_agg(coalesce({}::text, 'NULL'), ',' ORDER BY {}) FROM {}",
                           col, order, table)
             : fmt::format(
                   "SELECT group_concat(v, ',') FROM (SELECT coalesce(CAST({} AS text), "
                   "'NULL') AS v FROM {} ORDER BY {})",
                   col, table, order);
      out[{name.name, c.name}] = db.query(sql).at(0).at(0).value_or("");
    }
  }
  return out;
}

std::string write_schema(const std::string& dir, const std::string& name, const state::Schema& s) {
  auto path = std::filesystem::path(dir) / (name + ".toml");
  std::ofstream(path) << state::write_toml(s);
  return path.string();
}

std::string clean_fingerprint(state::Schema s) {
  return state::fingerprint(s);
}

}  // namespace

planner::Plan plan_to(dialects::Database& db, state::Schema desired, state::Schema* prepared) {
  db.prepare_desired(desired);
  auto live = db.inspect(desired.settings);
  db.canonicalize(desired, live);
  auto plan = planner::make_plan(live, desired, db.renderer());
  plan.engine = db.engine();
  if (prepared != nullptr)
    *prepared = desired;
  return plan;
}

int keel(const std::vector<std::string>& args, std::string& out, std::string& err) {
  std::ostringstream o;
  std::ostringstream e;
  cli::Terminal terminal;
  int code = 0;
  try {
    code = cli::run(args, o, e, terminal);
  } catch (...) {
    code = cli::report(e);
  }
  out += o.str();
  err += e.str();
  return code;
}

int keel_at(const std::string& url, std::vector<std::string> args, std::string& out,
            std::string& err) {
  args.insert(args.end(), {"--db", url});
  out.clear();
  err.clear();
  return keel(args, out, err);
}

std::string check_convergence(const std::string& url, const std::function<void()>& reset,
                              const state::Schema& a, const state::Schema& b,
                              const std::vector<std::string>& mutations,
                              const std::string& work_dir) {
  std::string log;
  for (const auto& m : mutations)
    log += "\n  - " + m;
  auto fail = [&](const std::string& what) { return what + "\nmutations:" + log; };
  reset();
  auto a_file = write_schema(work_dir, "a", a);
  auto b_file = write_schema(work_dir, "b", b);
  std::string out;
  std::string err;
  if (keel({"apply", "--db", url, a_file, "--yes"}, out, err) != 0)
    return fail("creating A failed:\n" + err);
  auto db = dialects::open_database(url);
  state::Schema a_prepared;
  if (!plan_to(*db, a, &a_prepared).empty())
    return fail("plan after creating A is not empty");
  for (const auto& sql : insert_rows(a_prepared, 3, db->engine() == "postgresql"))
    db->execute(sql);
  auto a_fp = clean_fingerprint(db->inspect(a_prepared.settings));
  auto before = snapshot(*db, a_prepared);

  err.clear();
  if (keel({"apply", "--db", url, b_file, "--yes", "--allow-destructive"}, out, err) != 0)
    return fail("apply B failed:\n" + err);
  state::Schema b_prepared;
  auto again = plan_to(*db, b, &b_prepared);
  if (!again.empty()) {
    std::string steps;
    for (const auto& s : again.steps)
      steps += "\n  " + s.summary;
    return fail("second plan is not empty:" + steps + "\ninspected:\n" +
                state::write_toml(db->inspect(b_prepared.settings)) + "\ndesired:\n" +
                state::write_toml(b_prepared));
  }
  if (clean_fingerprint(db->inspect(b_prepared.settings)) != state::fingerprint(b_prepared))
    return fail("inspected schema differs from B:\ninspected:\n" +
                state::write_toml(db->inspect(b_prepared.settings)) + "\ndesired:\n" +
                state::write_toml(b_prepared));
  // Rows survive: every table of A still in B keeps its rows; unchanged columns their values.
  auto after = snapshot(*db, b_prepared);
  for (const auto& [key, value] : before) {
    auto it = after.find(key);
    if (it == after.end())
      continue;
    const auto* ta = a_prepared.find_table({a_prepared.settings.schema, key.first});
    const auto* tb = b_prepared.find_table({b_prepared.settings.schema, key.first});
    if (key.second != "#rows" && ta && tb) {
      const auto* ca = ta->find_column(key.second);
      const auto* cb = tb->find_column(key.second);
      if (!ca || !cb || ca->type != cb->type || cb->generated)
        continue;
    }
    if (it->second != value)
      return fail(fmt::format("{}.{} changed across apply B: before [{}] after [{}]", key.first,
                              key.second, value, it->second));
  }

  err.clear();
  if (keel({"rollback", "--db", url, "--yes"}, out, err) != 0)
    return fail("rollback failed:\n" + err);
  auto back = plan_to(*db, a);
  if (!back.empty()) {
    std::string steps;
    for (const auto& s : back.steps)
      steps += "\n  " + s.summary;
    return fail("after rollback the schema is not A:" + steps);
  }
  if (clean_fingerprint(db->inspect(a_prepared.settings)) != a_fp)
    return fail("after rollback the inspected schema differs from A:\n" +
                state::write_toml(db->inspect(a_prepared.settings)));
  auto restored = snapshot(*db, a_prepared);
  for (const auto& [key, value] : before) {
    if (restored[key] != value)
      return fail(fmt::format("{}.{} not restored by rollback: before [{}] after [{}]", key.first,
                              key.second, value, restored[key]));
  }
  return "";
}

std::string check_seeds(const std::string& url, const std::function<void()>& reset,
                        const MutationOptions& options, int first, int last,
                        const std::string& work_dir) {
  auto base = state::read_schema_string(base_schema_toml(options), "base.toml").schema;
  for (int seed = first; seed < last; ++seed) {
    std::mt19937 rng(static_cast<unsigned>(seed));
    std::vector<std::string> log_a;
    std::vector<std::string> log_b;
    // A: the base with a few edits (so A varies too), without directives; B: A with more.
    auto a = mutate(base, rng, seed % 3, options, log_a, "a");
    for (auto& [name, t] : a.tables) {
      t.renamed_from.reset();
      for (auto& c : t.columns) {
        c.renamed_from.reset();
        c.backfill.reset();
      }
    }
    auto b = mutate(a, rng, 1 + seed % 4, options, log_b, "b");
    std::vector<std::string> log;
    for (const auto& l : log_a)
      log.push_back("A: " + l);
    for (const auto& l : log_b)
      log.push_back("B: " + l);
    auto problem = check_convergence(url, reset, a, b, log, work_dir);
    if (!problem.empty())
      return fmt::format("seed {}: {}", seed, problem);
  }
  return "";
}

}  // namespace keel::testing
