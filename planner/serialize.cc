#include "planner/serialize.h"

#include <nlohmann/json.hpp>

#include "state/diagnostic.h"

namespace keel::planner {
namespace {

using nlohmann::ordered_json;

ordered_json name_json(const QualifiedName& n) {
  return {{"schema", n.schema}, {"name", n.name}};
}

QualifiedName read_name(const ordered_json& j) {
  return {j.at("schema").get<std::string>(), j.at("name").get<std::string>()};
}

ordered_json statements(const std::vector<Statement>& list) {
  auto out = ordered_json::array();
  for (const auto& s : list) {
    ordered_json st{{"sql", s.sql}, {"in_transaction", s.in_transaction}};
    if (s.backfill)
      st["backfill"] = {{"table", name_json(s.backfill->table)},
                        {"column", s.backfill->column},
                        {"expression", s.backfill->expression}};
    if (s.undo)
      st["undo"] = *s.undo;
    out.push_back(st);
  }
  return out;
}

std::vector<Statement> read_statements(const ordered_json& j) {
  std::vector<Statement> out;
  for (const auto& s : j) {
    Statement st{s.at("sql").get<std::string>(), s.at("in_transaction").get<bool>(), std::nullopt};
    if (s.contains("backfill")) {
      const auto& b = s.at("backfill");
      st.backfill = Backfill{read_name(b.at("table")), b.at("column").get<std::string>(),
                             b.at("expression").get<std::string>()};
    }
    if (s.contains("undo"))
      st.undo = s.at("undo").get<std::string>();
    out.push_back(std::move(st));
  }
  return out;
}

Phase parse_phase(const std::string& name) {
  for (Phase p :
       {Phase::Prepare, Phase::Drop, Phase::Create, Phase::Alter, Phase::Constrain, Phase::Finish})
    if (phase_name(p) == name)
      return p;
  throw std::invalid_argument("unknown phase \"" + name + "\"");
}

}  // namespace

std::string to_json(const Plan& plan, const std::string& keel_version) {
  ordered_json j;
  j["format"] = "keel-plan";
  j["version"] = kPlanFormatVersion;
  j["keel_version"] = keel_version;
  j["engine"] = plan.engine;
  j["settings"] = {{"schema", plan.settings.schema},
                   {"schemas", plan.settings.schemas},
                   {"exclude", plan.settings.exclude}};
  j["from_fingerprint"] = plan.from_fingerprint;
  j["to_fingerprint"] = plan.to_fingerprint;
  j["destructive"] = plan.destructive();
  auto steps = ordered_json::array();
  int n = 0;
  for (const auto& s : plan.steps) {
    ordered_json step;
    step["index"] = ++n;
    step["kind"] = s.kind;
    step["phase"] = phase_name(s.phase);
    step["summary"] = s.summary;
    step["transactional"] = s.transactional();
    step["own_transaction"] = s.own_transaction;
    if (s.table) {
      auto table = name_json(*s.table);
      if (s.size) {
        table["rows"] = s.size->rows < 0 ? ordered_json() : ordered_json(s.size->rows);
        table["bytes"] = s.size->bytes;
      }
      step["table"] = table;
    }
    auto hz = ordered_json::array();
    for (const auto& h : s.hazards)
      hz.push_back({{"kind", hazard_name(h.kind)}, {"why", h.why}});
    step["hazards"] = hz;
    step["forward"] = statements(s.forward);
    step["reverse"] = statements(s.reverse);
    steps.push_back(step);
  }
  j["steps"] = steps;
  return j.dump(2) + "\n";
}

Plan from_json(const std::string& text, const std::string& file_name, std::string* keel_version) {
  auto fail = [&](const std::string& why) -> state::UserError {
    state::Diagnostic d;
    d.loc.file = std::make_shared<const std::string>(file_name);
    d.message = why;
    return state::UserError(std::vector<state::Diagnostic>{d});
  };
  ordered_json j;
  try {
    j = ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw fail(std::string("not a keel plan file: ") + e.what());
  }
  try {
    if (!j.is_object() || j.value("format", "") != "keel-plan")
      throw fail("not a keel plan file (no \"format\": \"keel-plan\")");
    int version = j.at("version").get<int>();
    if (version != kPlanFormatVersion)
      throw fail("plan format version " + std::to_string(version) +
                 " is not supported (this keel reads version " +
                 std::to_string(kPlanFormatVersion) + ")");
    Plan plan;
    plan.engine = j.at("engine").get<std::string>();
    const auto& settings = j.at("settings");
    plan.settings.schema = settings.at("schema").get<std::string>();
    plan.settings.schemas = settings.at("schemas").get<std::vector<std::string>>();
    plan.settings.exclude = settings.at("exclude").get<std::vector<std::string>>();
    plan.from_fingerprint = j.at("from_fingerprint").get<std::string>();
    plan.to_fingerprint = j.at("to_fingerprint").get<std::string>();
    if (keel_version)
      *keel_version = j.at("keel_version").get<std::string>();
    for (const auto& s : j.at("steps")) {
      Step step;
      step.kind = s.at("kind").get<std::string>();
      step.phase = parse_phase(s.at("phase").get<std::string>());
      step.summary = s.at("summary").get<std::string>();
      step.own_transaction = s.at("own_transaction").get<bool>();
      if (s.contains("table")) {
        const auto& t = s.at("table");
        step.table = read_name(t);
        if (t.contains("rows"))
          step.size = TableSize{t.at("rows").is_null() ? -1 : t.at("rows").get<std::int64_t>(),
                                t.at("bytes").get<std::int64_t>()};
      }
      for (const auto& h : s.at("hazards"))
        step.hazards.push_back(
            {parse_hazard(h.at("kind").get<std::string>()), h.at("why").get<std::string>()});
      step.forward = read_statements(s.at("forward"));
      step.reverse = read_statements(s.at("reverse"));
      plan.steps.push_back(std::move(step));
    }
    return plan;
  } catch (const nlohmann::json::exception& e) {
    throw fail(std::string("malformed plan file: ") + e.what());
  } catch (const std::invalid_argument& e) {
    throw fail(std::string("malformed plan file: ") + e.what());
  }
}

}  // namespace keel::planner
