// Commands that read and compare: validate, inspect, plan, drift, diff, erd.
#include <filesystem>
#include <future>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "planner/serialize.h"
#include "src/commands.h"
#include "src/output.h"
#include "state/diagnostic.h"
#include "state/fingerprint.h"
#include "state/toml_writer.h"

namespace keel::cli {

using state::UserError;

namespace {

/// Refuses a plan that adds a NOT NULL column without a default or backfill to a table that
/// has rows: the statement would fail half way through the apply.
void check_backfills(const planner::Plan& plan, dialects::Database& db,
                     const state::LoadedSchema& desired) {
  std::vector<state::Diagnostic> problems;
  for (const auto& step : plan.steps) {
    const auto* add = std::get_if<planner::AddColumn>(&step.change);
    if (add == nullptr)
      continue;
    const auto& c = add->column;
    if (c.nullable || c.default_sql || c.backfill || c.generated ||
        c.identity != state::Identity::None)
      continue;
    if (!db.has_rows(add->table))
      continue;
    problems.push_back(
        {desired.sources.column(add->table, c.name),
         fmt::format("column \"{}\" is added to table \"{}\" as NOT NULL without a default, and "
                     "the table has rows: add `backfill = \"<sql expression>\"` to fill them, a "
                     "default, or `nullable = true`",
                     c.name, add->table.str()),
         {}});
  }
  if (!problems.empty())
    throw UserError(std::move(problems));
}

// Ends a command that planned: closes the connection and, when the process exits next, leaves
// the two models to the operating system. Freeing a 10,000-table schema allocation by
// allocation takes longer than diffing it. The models stay reachable from a static, so leak
// checkers report nothing.
void finish(Context& ctx, Planned& p) {
  p.db.reset();
  if (!ctx.terminal.process_exits) {
    return;
  }
  static auto* const left = new std::vector<std::unique_ptr<Planned>>();
  left->push_back(std::make_unique<Planned>(std::move(p)));
}

bool looks_like_url(const std::string& s) {
  return s.starts_with("postgres://") || s.starts_with("postgresql://") ||
         s.starts_with("sqlite:") ||
         (s.find('=') != std::string::npos && !std::filesystem::exists(s));
}

}  // namespace

void plan_into(Planned& p, const std::string& schema_path, planner::Fingerprints fingerprints) {
  // The database is inspected while the schema files are parsed and read: inspecting needs only
  // the settings (as prepare_desired leaves them). It starts from the settings the files appear
  // to have, and starts again in the rare case that the parsed ones differ.
  dialects::Database& db = *p.db;
  auto prepared = [&db](const state::Settings& settings) {
    state::Schema only;
    only.settings = settings;
    db.prepare_desired(only);
    return only.settings;
  };
  auto inspect = [&db](const state::Settings& settings) {
    return std::async(std::launch::async, [&db, settings] { return db.inspect(settings); });
  };
  state::SchemaReader reader(schema_path);
  const state::Settings guessed = prepared(reader.guessed_settings());
  auto live = inspect(guessed);
  const state::Settings settings = prepared(reader.settings());
  if (settings != guessed) {
    live.wait();  // one connection: the first inspection ends before the second starts
    live = inspect(settings);
  }
  p.desired = reader.finish();
  p.db->prepare_desired(p.desired.schema);
  p.live = live.get();
  // The live schema is fingerprinted while the server renders the desired expressions; a plan
  // without steps that needs no fingerprints stops that early.
  state::PendingFingerprint from(p.live);
  p.db->canonicalize(p.desired.schema, p.live);
  auto changes = planner::diff(p.live, p.desired.schema, p.db->renderer());
  p.plan = planner::Plan{};
  p.plan.engine = p.db->engine();
  p.plan.settings = p.desired.schema.settings;
  if (changes.empty() && fingerprints == planner::Fingerprints::WhenChanged)
    return;
  state::PendingFingerprint to(p.desired.schema);
  // Reviewers see how big each table a step works on is: one catalog query, asked while the
  // fingerprints are computed.
  const auto sizes = changes.empty() ? std::map<state::QualifiedName, planner::TableSize>{}
                                     : p.db->table_sizes(planner::tables_to_size(changes));
  p.plan = planner::plan_changes(std::move(changes), p.live, p.desired.schema, p.db->renderer(),
                                 from.get(), to.get());
  p.plan.engine = p.db->engine();
  check_backfills(p.plan, *p.db, p.desired);
  planner::annotate_sizes(p.plan, sizes);
}

int cmd_validate(Context& ctx) {
  CLI::App app{"Parse and check a schema without a database.", "validate"};
  std::string schema;
  app.add_option("SCHEMA", schema, "a .toml file or a directory of them")->required();
  if (auto code = parse(app, ctx))
    return *code;
  auto loaded = state::read_schema(schema);
  ctx.out << fmt::format("{}: ok ({} tables, {} enums, {} views)\n", schema,
                         loaded.schema.tables.size(), loaded.schema.enums.size(),
                         loaded.schema.views.size());
  return 0;
}

int cmd_inspect(Context& ctx) {
  CLI::App app{"Write the live database's schema as TOML.", "inspect"};
  std::string url;
  std::string output;
  state::Settings settings;
  app.add_option("--db", url, "database URL (default: $KEEL_DATABASE_URL, $DATABASE_URL)");
  app.add_option("-o,--output", output, "write to FILE instead of standard output");
  app.add_option("--schemas", settings.schemas, "PostgreSQL schemas to read (default: all)")
      ->delimiter(',');
  app.add_option("--exclude", settings.exclude, "name globs to leave out")->delimiter(',');
  if (auto code = parse(app, ctx))
    return *code;
  auto db = dialects::open_database(database_url(url));
  if (db->engine() == "sqlite")
    settings.schema = "main";
  auto toml = state::write_toml(db->inspect(settings));
  if (output.empty()) {
    ctx.out << toml;
  } else {
    write_file(output, toml);
  }
  return 0;
}

int cmd_plan(Context& ctx) {
  CLI::App app{"Show the changes that take the database to the desired schema.", "plan"};
  std::string url;
  std::string schema;
  std::string format = "text";
  std::string output;
  bool detailed = false;
  bool allow_destructive = false;
  app.add_option("SCHEMA", schema, "a .toml file or a directory of them")->required();
  app.add_option("--db", url, "database URL (default: $KEEL_DATABASE_URL, $DATABASE_URL)");
  app.add_option("--format", format, "text, sql, json or markdown")
      ->check(CLI::IsMember({"text", "sql", "json", "markdown"}));
  app.add_option("-o,--output", output, "also save the plan as JSON for `keel apply --plan`");
  app.add_flag("--detailed-exitcode", detailed, "exit 0 no changes, 2 changes, 3 destructive");
  app.add_flag("--allow-destructive", allow_destructive, "accepted for symmetry with apply");
  if (auto code = parse(app, ctx))
    return *code;
  Planned p;
  p.db = dialects::open_database(database_url(url));
  // Text and markdown show no fingerprints: an empty plan needs none.
  const bool shown = (format == "text" || format == "markdown") && output.empty();
  plan_into(p, schema, shown ? planner::Fingerprints::WhenChanged : planner::Fingerprints::Always);
  if (format == "text")
    ctx.out << render_text(p.plan, ctx.terminal.color);
  if (format == "sql")
    ctx.out << render_sql(p.plan);
  if (format == "json")
    ctx.out << planner::to_json(p.plan, kVersion);
  if (format == "markdown")
    ctx.out << render_markdown(p.plan, "keel plan");
  if (!output.empty())
    write_file(output, planner::to_json(p.plan, kVersion));
  const int code = detailed ? exit_code_for(p.plan) : 0;
  finish(ctx, p);
  return code;
}

int cmd_drift(Context& ctx) {
  CLI::App app{"Compare the database with the desired schema (exit 2 on drift).", "drift"};
  std::string url;
  std::string schema;
  std::string format = "text";
  app.add_option("SCHEMA", schema, "a .toml file or a directory of them")->required();
  app.add_option("--db", url, "database URL (default: $KEEL_DATABASE_URL, $DATABASE_URL)");
  app.add_option("--format", format, "text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  if (auto code = parse(app, ctx))
    return *code;
  Planned p;
  p.db = dialects::open_database(database_url(url));
  plan_into(p, schema,
            format == "json" ? planner::Fingerprints::Always : planner::Fingerprints::WhenChanged);
  int code = exit_code_for(p.plan);
  std::string diff;
  if (code != 0) {
    // Directives (renamed_from, backfill) are instructions, not definitions: leave them out.
    state::Schema desired = p.desired.schema;
    for (auto& [name, t] : desired.tables) {
      t.renamed_from.reset();
      for (auto& c : t.columns) {
        c.renamed_from.reset();
        c.backfill.reset();
      }
    }
    diff = unified_diff(state::write_toml(p.live), state::write_toml(desired), "database", schema);
  }
  if (format == "text") {
    if (code == 0) {
      ctx.out << "In sync: the database matches " << schema << ".\n";
    } else {
      ctx.out << "Drift: the database differs from " << schema << ".\n\n"
              << diff << "\nPlan to fix it:\n"
              << render_text(p.plan, ctx.terminal.color);
    }
  } else if (format == "json") {
    nlohmann::ordered_json j;
    j["in_sync"] = code == 0;
    j["destructive"] = p.plan.destructive();
    j["diff"] = diff;
    j["plan"] = nlohmann::ordered_json::parse(planner::to_json(p.plan, kVersion));
    ctx.out << j.dump(2) << "\n";
  } else {
    std::string md = render_markdown(
        p.plan, code == 0 ? "keel drift: in sync" : "keel drift: the database differs");
    if (code != 0)
      md += "\n<details><summary>Schema diff</summary>\n\n```diff\n" + diff + "```\n\n</details>\n";
    ctx.out << md;
  }
  finish(ctx, p);
  return code;
}

int cmd_diff(Context& ctx) {
  CLI::App app{"Show the plan that turns FROM into TO; each is a schema or a database URL.",
               "diff"};
  std::string from;
  std::string to;
  std::string format = "text";
  std::string engine = "postgresql";
  app.add_option("FROM", from, "a .toml file, a directory of them, or a database URL")->required();
  app.add_option("TO", to, "a .toml file, a directory of them, or a database URL")->required();
  app.add_option("--format", format, "text, sql, json or markdown")
      ->check(CLI::IsMember({"text", "sql", "json", "markdown"}));
  app.add_option("--engine", engine, "engine for two schema files: postgresql or sqlite")
      ->check(CLI::IsMember({"postgresql", "sqlite"}));
  if (auto code = parse(app, ctx))
    return *code;
  std::unique_ptr<dialects::Database> from_db;
  std::unique_ptr<dialects::Database> to_db;
  if (looks_like_url(from))
    from_db = dialects::open_database(from);
  if (looks_like_url(to))
    to_db = dialects::open_database(to);
  if (from_db && to_db && from_db->engine() != to_db->engine())
    throw UserError(fmt::format("cannot diff a {} database against a {} one", from_db->engine(),
                                to_db->engine()));
  std::unique_ptr<dialects::Database> offline;
  dialects::Database* engine_db = from_db ? from_db.get() : to_db.get();
  if (engine_db == nullptr) {
    offline = dialects::offline_database(engine);
    engine_db = offline.get();
  }
  state::Schema to_schema;
  state::Settings settings;
  if (!to_db) {
    auto loaded = state::read_schema(to);
    engine_db->prepare_desired(loaded.schema);
    to_schema = std::move(loaded.schema);
    settings = to_schema.settings;
  }
  state::Schema from_schema;
  if (!from_db) {
    auto loaded = state::read_schema(from);
    engine_db->prepare_desired(loaded.schema);
    from_schema = std::move(loaded.schema);
    if (to_db)
      settings = from_schema.settings;
  }
  if (engine_db->engine() == "sqlite")
    settings.schema = "main";
  if (from_db)
    from_schema = from_db->inspect(settings);
  if (to_db)
    to_schema = to_db->inspect(settings);
  auto plan = planner::make_plan(from_schema, to_schema, engine_db->renderer());
  plan.engine = engine_db->engine();
  const std::string in_sync = "the two schemas match";
  if (format == "text")
    ctx.out << render_text(plan, ctx.terminal.color, in_sync);
  if (format == "sql")
    ctx.out << render_sql(plan);
  if (format == "json")
    ctx.out << planner::to_json(plan, kVersion);
  if (format == "markdown")
    ctx.out << render_markdown(plan, "keel diff", in_sync);
  return exit_code_for(plan);
}

int cmd_erd(Context& ctx) {
  CLI::App app{"Draw the schema's tables and foreign keys as a diagram.", "erd"};
  std::string schema;
  std::string format = "mermaid";
  app.add_option("SCHEMA", schema, "a .toml file or a directory of them")->required();
  app.add_option("--format", format, "mermaid or dot")->check(CLI::IsMember({"mermaid", "dot"}));
  if (auto code = parse(app, ctx))
    return *code;
  auto loaded = state::read_schema(schema);
  const auto& s = loaded.schema;
  auto label = [&](const state::QualifiedName& n) {
    return n.schema == s.settings.schema ? n.name : n.str();
  };
  auto id = [&](const state::QualifiedName& n) {
    std::string out;
    for (char c : label(n))
      out += (std::isalnum(static_cast<unsigned char>(c)) != 0) ? c : '_';
    return out;
  };
  auto word = [](const std::string& text) {
    std::string out;
    for (char c : text)
      out += (c == ' ' || c == '"' || c == ',' || c == '(' || c == ')') ? '_' : c;
    return out;
  };
  if (format == "mermaid") {
    ctx.out << "erDiagram\n";
    for (const auto& [name, t] : s.tables) {
      ctx.out << "  " << id(name) << " {\n";
      for (const auto& c : t.columns) {
        bool pk = t.primary_key &&
                  std::find(t.primary_key->columns.begin(), t.primary_key->columns.end(), c.name) !=
                      t.primary_key->columns.end();
        bool fk = std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(), [&](const auto& f) {
          return std::find(f.columns.begin(), f.columns.end(), c.name) != f.columns.end();
        });
        ctx.out << "    " << word(c.type) << " " << word(c.name)
                << (pk   ? " PK"
                    : fk ? " FK"
                         : "")
                << "\n";
      }
      ctx.out << "  }\n";
    }
    for (const auto& [name, table] : s.tables)
      for (const auto& f : table.foreign_keys) {
        const state::Table& t = table;  // lambdas may not capture structured bindings (clang 14)
        bool optional = std::any_of(f.columns.begin(), f.columns.end(), [&](const auto& c) {
          const auto* col = t.find_column(c);
          return col != nullptr && col->nullable;
        });
        ctx.out << "  " << id(f.ref_table) << (optional ? " |o--o{ " : " ||--o{ ") << id(table.name)
                << " : \"" << f.name << "\"\n";
      }
  } else {
    ctx.out << "digraph schema {\n  rankdir=LR;\n  node [shape=record, fontname=\"Helvetica\"];\n";
    auto esc = [](const std::string& text) {
      std::string out;
      for (char c : text) {
        if (c == '"' || c == '{' || c == '}' || c == '|' || c == '<' || c == '>')
          out += '\\';
        out += c;
      }
      return out;
    };
    for (const auto& [name, t] : s.tables) {
      ctx.out << "  \"" << esc(label(name)) << "\" [label=\"{" << esc(label(name));
      for (const auto& c : t.columns)
        ctx.out << "|" << esc(c.name) << " : " << esc(c.type);
      ctx.out << "}\"];\n";
    }
    for (const auto& [name, t] : s.tables)
      for (const auto& f : t.foreign_keys)
        ctx.out << "  \"" << esc(label(name)) << "\" -> \"" << esc(label(f.ref_table))
                << "\" [label=\"" << esc(f.name) << "\"];\n";
    ctx.out << "}\n";
  }
  return 0;
}

}  // namespace keel::cli
