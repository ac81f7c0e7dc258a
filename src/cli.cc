#include "src/cli.h"

#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <dtl/dtl.hpp>
#include <fmt/format.h>

#include "dialects/dialect.h"
#include "src/commands.h"
#include "state/diagnostic.h"

namespace keel::cli {

using state::UserError;

std::optional<int> parse(CLI::App& app, Context& ctx) {
  std::vector<std::string> reversed(ctx.args.rbegin(), ctx.args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    ctx.out << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    ctx.err << "keel " << app.get_name() << ": error: " << e.what() << "\n"
            << "run 'keel " << app.get_name() << " --help' for usage\n";
    return 1;
  }
  return std::nullopt;
}

std::string database_url(const std::string& flag) {
  if (!flag.empty())
    return flag;
  for (const char* var : {"KEEL_DATABASE_URL", "DATABASE_URL"})
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0')
      return v;
  throw UserError(
      "no database given: pass --db URL or set KEEL_DATABASE_URL "
      "(e.g. sqlite:app.db or postgresql://user@host/db)");
}

std::chrono::milliseconds parse_duration(const std::string& text, const std::string& flag) {
  std::size_t pos = 0;
  double value = -1;
  try {
    value = std::stod(text, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  std::string unit = text.substr(pos);
  double factor = -1;
  if (unit == "ms")
    factor = 1;
  if (unit == "s" || unit.empty())
    factor = 1000;
  if (unit == "m")
    factor = 60000;
  if (unit == "h")
    factor = 3600000;
  if (unit == "d")
    factor = 86400000;
  if (pos == 0 || factor < 0 || value < 0)
    throw UserError(
        fmt::format("{} \"{}\" is not a duration (e.g. 5s, 500ms, 2m, 30d)", flag, text));
  return std::chrono::milliseconds(static_cast<long long>(value * factor));
}

std::int64_t parse_size(const std::string& text, const std::string& flag) {
  std::size_t pos = 0;
  double value = -1;
  try {
    value = std::stod(text, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  std::string unit = text.substr(pos);
  for (auto& c : unit)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  double factor = -1;
  if (unit.empty() || unit == "B")
    factor = 1;
  if (unit == "KB" || unit == "K")
    factor = 1024;
  if (unit == "MB" || unit == "M")
    factor = 1024.0 * 1024;
  if (unit == "GB" || unit == "G")
    factor = 1024.0 * 1024 * 1024;
  if (unit == "TB" || unit == "T")
    factor = 1024.0 * 1024 * 1024 * 1024;
  if (pos == 0 || factor < 0 || value < 0)
    throw UserError(fmt::format("{} \"{}\" is not a size (e.g. 500MB, 2GB)", flag, text));
  return static_cast<std::int64_t>(value * factor);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f)
    throw UserError(fmt::format("cannot write \"{}\"", path));
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    throw UserError(fmt::format("cannot read \"{}\"", path));
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int exit_code_for(const planner::Plan& plan) {
  if (plan.empty())
    return 0;
  return plan.destructive() ? 3 : 2;
}

std::string unified_diff(const std::string& from, const std::string& to,
                         const std::string& from_name, const std::string& to_name) {
  auto lines = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string line; std::getline(ss, line);)
      out.push_back(line);
    return out;
  };
  dtl::Diff<std::string> d(lines(from), lines(to));
  d.compose();
  d.composeUnifiedHunks();
  std::stringstream ss;
  ss << "--- " << from_name << "\n+++ " << to_name << "\n";
  d.printUnifiedFormat(ss);
  return ss.str();
}

bool confirm(Context& ctx, const std::string& question) {
  if (!ctx.terminal.interactive || ctx.terminal.in == nullptr)
    throw UserError("no terminal to confirm on: pass --yes to go ahead without asking");
  ctx.err << question << " [y/N] ";
  std::string answer;
  std::getline(*ctx.terminal.in, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(Context&);
};

constexpr std::array<Command, 11> kCommands{{
    {"validate", "parse and check the TOML, no database", cmd_validate},
    {"inspect", "write the live database's schema as TOML", cmd_inspect},
    {"plan", "show the changes that reach the desired schema", cmd_plan},
    {"apply", "apply the desired schema or a saved plan", cmd_apply},
    {"drift", "compare the database with the desired schema (exit 2 on drift)", cmd_drift},
    {"history", "list the revisions applied to the database", cmd_history},
    {"show", "show one revision: steps, SQL, outcomes", cmd_show},
    {"rollback", "undo the newest revisions, data included", cmd_rollback},
    {"diff", "plan between any two of a schema and a database", cmd_diff},
    {"erd", "draw the schema as a mermaid or dot diagram", cmd_erd},
    {"prune", "purge data kept aside by drops", cmd_prune},
}};

void usage(std::ostream& out) {
  out << "usage: keel COMMAND [options]\n\ncommands:\n";
  for (const auto& c : kCommands)
    out << fmt::format("  {:<10} {}\n", c.name, c.summary);
  out << "\nrun 'keel COMMAND --help' for a command's options\n";
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const Terminal& terminal) {
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    usage(args.empty() ? err : out);
    return args.empty() ? 1 : 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    out << "keel " << kVersion << "\n";
    return 0;
  }
  for (const auto& c : kCommands) {
    if (args[0] == c.name) {
      Context ctx{{args.begin() + 1, args.end()}, out, err, terminal};
      return c.run(ctx);
    }
  }
  std::vector<std::string> names;
  for (const auto& c : kCommands)
    names.emplace_back(c.name);
  err << "keel: error: unknown command \"" << args[0] << "\"" << state::did_you_mean(args[0], names)
      << "\nrun 'keel help' for the list of commands\n";
  return 1;
}

int report(std::ostream& err) {
  try {
    throw;
  } catch (const UserError& e) {
    for (const auto& d : e.diagnostics())
      err << d.str() << "\n";
  } catch (const dialects::DatabaseError& e) {
    err << "keel: error: " << e.what() << "\n";
  } catch (const std::exception& e) {
    err << "keel: internal error: " << e.what() << "\n";
  }
  return 1;
}

}  // namespace keel::cli
