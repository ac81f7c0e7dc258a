// Shared pieces of the command implementations (one cmd_*.cc per group of commands).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "dialects/dialect.h"
#include "planner/plan.h"
#include "src/cli.h"
#include "state/toml_reader.h"

namespace keel::cli {

/// Everything a command needs: its arguments and where to write.
struct Context {
  std::vector<std::string> args;
  std::ostream& out;
  std::ostream& err;
  const Terminal& terminal;
};

/// Parses a command's options with CLI11; returns an exit code when parsing ends the command
/// (help or a usage error), nullopt to go on.
[[nodiscard]] std::optional<int> parse(CLI::App& app, Context& ctx);

/// --db, else $KEEL_DATABASE_URL, else $DATABASE_URL; a UserError when none is set.
[[nodiscard]] std::string database_url(const std::string& flag);

/// "5s", "500ms", "2m" (a bare number is seconds); a UserError naming `flag` otherwise.
[[nodiscard]] std::chrono::milliseconds parse_duration(const std::string& text,
                                                       const std::string& flag);

/// "500MB", "2GB", "1024" (bytes; units are powers of 1024); a UserError naming `flag` otherwise.
[[nodiscard]] std::int64_t parse_size(const std::string& text, const std::string& flag);

void write_file(const std::string& path, const std::string& text);
[[nodiscard]] std::string read_file(const std::string& path);

/// A plan from a live database to a desired schema, with what it was made from.
struct Planned {
  std::unique_ptr<dialects::Database> db;
  state::LoadedSchema desired;
  state::Schema live;
  planner::Plan plan;
};

/// Loads the desired schema, inspects the database and plans; refuses NOT NULL columns added
/// to tables with rows and no backfill.
void plan_into(Planned& p, const std::string& schema_path,
               planner::Fingerprints fingerprints = planner::Fingerprints::Always);

/// 0 when empty, 3 when destructive, else 2 (plan --detailed-exitcode and drift).
[[nodiscard]] int exit_code_for(const planner::Plan& plan);

/// A unified diff of two texts (dtl), with the given file names in the header.
[[nodiscard]] std::string unified_diff(const std::string& from, const std::string& to,
                                       const std::string& from_name, const std::string& to_name);

/// Asks "question [y/N]" on the terminal; a UserError when there is none (pass --yes).
[[nodiscard]] bool confirm(Context& ctx, const std::string& question);

int cmd_validate(Context& ctx);
int cmd_inspect(Context& ctx);
int cmd_plan(Context& ctx);
int cmd_drift(Context& ctx);
int cmd_diff(Context& ctx);
int cmd_erd(Context& ctx);
int cmd_apply(Context& ctx);
int cmd_rollback(Context& ctx);
int cmd_history(Context& ctx);
int cmd_show(Context& ctx);
int cmd_prune(Context& ctx);

}  // namespace keel::cli
