// order + make_plan: dependency ranks, deterministic ordering, hazards and reverses.
#include "planner/plan.h"

#include <algorithm>
#include <future>
#include <set>
#include <stdexcept>

#include "state/fingerprint.h"

namespace keel::planner {

std::string hazard_name(Hazard hazard) {
  switch (hazard) {
    case Hazard::DataLoss:
      return "DATA_LOSS";
    case Hazard::TableRewrite:
      return "TABLE_REWRITE";
    case Hazard::BlocksWrites:
      return "BLOCKS_WRITES";
    case Hazard::BlocksReads:
      return "BLOCKS_READS";
    case Hazard::LongRunning:
      return "LONG_RUNNING";
    case Hazard::NonTransactional:
      return "NON_TRANSACTIONAL";
    case Hazard::Irreversible:
      return "IRREVERSIBLE";
  }
  return "UNKNOWN";
}

Hazard parse_hazard(const std::string& name) {
  for (Hazard h :
       {Hazard::DataLoss, Hazard::TableRewrite, Hazard::BlocksWrites, Hazard::BlocksReads,
        Hazard::LongRunning, Hazard::NonTransactional, Hazard::Irreversible})
    if (hazard_name(h) == name)
      return h;
  throw std::invalid_argument("unknown hazard \"" + name + "\"");
}

std::string phase_name(Phase phase) {
  switch (phase) {
    case Phase::Prepare:
      return "prepare";
    case Phase::Drop:
      return "drop";
    case Phase::Create:
      return "create";
    case Phase::Alter:
      return "alter";
    case Phase::Constrain:
      return "constrain";
    case Phase::Finish:
      return "finish";
  }
  return "unknown";
}

bool Step::has(Hazard hazard) const {
  return std::any_of(hazards.begin(), hazards.end(),
                     [&](const HazardNote& h) { return h.kind == hazard; });
}

bool Step::transactional() const {
  return std::all_of(forward.begin(), forward.end(),
                     [](const Statement& s) { return s.in_transaction; });
}

bool Plan::destructive() const {
  return std::any_of(steps.begin(), steps.end(),
                     [](const Step& s) { return s.has(Hazard::DataLoss); });
}

namespace {

/// Rank of a change kind: drops in reverse dependency order, then creates in dependency order.
/// Index order follows the Change variant.
constexpr int kRank[] = {
    0,   // CreateSchema
    94,  // DropSchema
    0,   // CreateExtension
    93,  // DropExtension
    2,   // CreateEnum
    92,  // DropEnum
    3,   // AddEnumValue
    32,  // ReplaceEnum
    40,  // CreateTable
    27,  // DropTable
    8,   // RenameTable: early, so every later step names the table as it will be
    42,  // AddColumn
    26,  // DropColumn
    9,   // RenameColumn: early, for the same reason
    43,  // AlterColumn
    60,  // AddPrimaryKey
    24,  // DropPrimaryKey
    61,  // AddUnique
    23,  // DropUnique
    64,  // AddForeignKey
    20,  // DropForeignKey
    62,  // AddCheck
    22,  // DropCheck
    63,  // CreateIndex
    21,  // DropIndex
    41,  // AddPartition
    25,  // DropPartition
    80,  // CreateView
    1,   // DropView: first, so that undoing a plan recreates views last
    45,  // SetTableComment
    81,  // SetEnumComment
    81,  // SetViewComment
    44,  // RebuildTable
    65,  // ValidateConstraint: after every constraint is added, each in its own transaction
    9,   // RenameConstraint: with the renames of its table and columns
    9,   // RenameIndex
};
static_assert(std::size(kRank) == std::variant_size_v<Change>);

Phase phase_of(int rank) {
  if (rank < 10)
    return Phase::Prepare;
  if (rank < 30)
    return Phase::Drop;
  if (rank < 42)
    return Phase::Create;
  if (rank < 60)
    return Phase::Alter;
  if (rank < 80)
    return Phase::Constrain;  // NOLINT(readability-magic-numbers)
  return Phase::Finish;
}

/// The object a change sorts by inside its rank, so output does not depend on diff order.
std::string sort_key(const Change& change) {
  return std::visit(
      Overloaded{
          [](const CreateSchema& c) { return "\x01" + c.name; },
          [](const DropSchema& c) { return c.name; },
          [](const CreateExtension& c) { return c.extension.name; },
          [](const DropExtension& c) { return c.extension.name; },
          [](const CreateEnum& c) { return c.enumeration.name.str(); },
          [](const DropEnum& c) { return c.enumeration.name.str(); },
          [](const AddEnumValue&) {
            return std::string();
          },  // keep diff order: each builds on the last
          [](const ReplaceEnum& c) { return c.from.name.str(); },
          [](const CreateTable& c) { return c.table.name.str(); },
          [](const DropTable& c) { return c.table.name.str(); },
          [](const RenameTable& c) { return c.from.str(); },
          [](const AddColumn& c) { return c.table.str(); },  // keep column order of the table
          [](const DropColumn& c) { return c.table.str() + "\x1f" + c.column.name; },
          [](const RenameColumn& c) { return c.table.str() + "\x1f" + c.from; },
          [](const AlterColumn& c) { return c.table.str() + "\x1f" + c.to.name; },
          [](const AddPrimaryKey& c) { return c.table.str(); },
          [](const DropPrimaryKey& c) { return c.table.str(); },
          [](const AddUnique& c) { return c.table.str() + "\x1f" + c.unique.name; },
          [](const DropUnique& c) { return c.table.str() + "\x1f" + c.unique.name; },
          [](const AddForeignKey& c) { return c.table.str() + "\x1f" + c.key.name; },
          [](const DropForeignKey& c) { return c.table.str() + "\x1f" + c.key.name; },
          [](const AddCheck& c) { return c.table.str() + "\x1f" + c.check.name; },
          [](const DropCheck& c) { return c.table.str() + "\x1f" + c.check.name; },
          [](const CreateIndex& c) { return c.table.str() + "\x1f" + c.index.name; },
          [](const DropIndex& c) { return c.table.str() + "\x1f" + c.index.name; },
          [](const AddPartition& c) { return c.table.str() + "\x1f" + c.partition.name.str(); },
          [](const DropPartition& c) { return c.table.str() + "\x1f" + c.partition.name.str(); },
          [](const CreateView& c) { return c.view.name.str(); },
          [](const DropView& c) { return c.view.name.str(); },
          [](const SetTableComment& c) { return c.table.str(); },
          [](const SetEnumComment& c) { return c.enumeration.str(); },
          [](const SetViewComment& c) { return c.view.str(); },
          [](const RebuildTable& c) { return c.to.name.str(); },
          [](const ValidateConstraint& c) { return c.table.str() + "\x1f" + c.name; },
          [](const RenameConstraint& c) { return c.table.str() + "\x1f" + c.from; },
          [](const RenameIndex& c) { return c.table.str() + "\x1f" + c.index.name; },
      },
      change);
}

/// Views are created after the views they read (and dropped before them): a stable
/// topological order over the names their queries mention.
void order_views(std::vector<Change>& changes) {
  auto mentions = [](const state::View& a, const state::View& b) {
    return a.sql.find(b.name.name) != std::string::npos;
  };
  auto sort_range = [&](auto is_kind, auto view_of, bool reverse) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < changes.size(); ++i)
      if (is_kind(changes[i]))
        idx.push_back(i);
    std::vector<Change> items;
    for (auto i : idx)
      items.push_back(changes[i]);
    std::vector<Change> sorted;
    std::vector<bool> done(items.size(), false);
    for (std::size_t round = 0; round < items.size(); ++round) {
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (done[i])
          continue;
        bool ready = true;
        for (std::size_t j = 0; j < items.size(); ++j) {
          if (i == j || done[j])
            continue;
          const auto& vi = view_of(items[i]);
          const auto& vj = view_of(items[j]);
          // create: i waits for the views it reads; drop: i waits for the views reading it.
          if (reverse ? mentions(vj, vi) : mentions(vi, vj))
            ready = false;
        }
        if (ready) {
          sorted.push_back(items[i]);
          done[i] = true;
          break;
        }
      }
    }
    for (std::size_t i = 0; i < items.size(); ++i)
      if (!done[i])
        sorted.push_back(items[i]);  // a cycle cannot exist in a database
    for (std::size_t k = 0; k < idx.size(); ++k)
      changes[idx[k]] = sorted[k];
  };
  sort_range([](const Change& c) { return std::holds_alternative<CreateView>(c); },
             [](const Change& c) -> const state::View& { return std::get<CreateView>(c).view; },
             false);
  sort_range([](const Change& c) { return std::holds_alternative<DropView>(c); },
             [](const Change& c) -> const state::View& { return std::get<DropView>(c).view; },
             true);
}

std::vector<HazardNote> logical_hazards(const Change& change) {
  std::vector<HazardNote> out;
  std::visit(
      Overloaded{
          [&](const DropTable& c) {
            out.push_back(
                {Hazard::DataLoss, "table \"" + c.table.name.str() + "\" is dropped" +
                                       (c.keep_as ? "; its rows are kept aside for rollback "
                                                    "until `keel prune`"
                                                  : " with all its rows")});
          },
          [&](const DropColumn& c) {
            out.push_back(
                {Hazard::DataLoss,
                 "column \"" + c.column.name + "\" is dropped" +
                     (c.keep_as ? "; its values are kept aside for rollback until `keel prune`"
                      : c.column.generated ? " (its values are computed)"
                                           : " with its values (they cannot be kept: "
                                             "the table has no primary key)")});
          },
          [&](const DropPartition& c) {
            out.push_back({Hazard::DataLoss,
                           "partition " + c.partition.name.str() + " and its rows are removed"});
          },
          [&](const RebuildTable& c) {
            for (const auto& col : c.from.columns) {
              bool renamed = std::any_of(c.renamed.begin(), c.renamed.end(),
                                         [&](const auto& p) { return p.second == col.name; });
              if (c.to.find_column(col.name) == nullptr && !renamed && !col.generated)
                out.push_back(
                    {Hazard::DataLoss, "column \"" + col.name + "\" is dropped" +
                                           (c.keep_as ? "; its values are kept aside for rollback "
                                                        "until `keel prune`"
                                                      : " with its values")});
            }
          },
          [&](const DropExtension& c) {
            out.push_back({Hazard::DataLoss, "extension \"" + c.extension.name +
                                                 "\" and the objects it owns are removed"});
          },
          [](const auto&) {},
      },
      change);
  return out;
}

}  // namespace

Plan order(std::vector<Change> changes, const Renderer& renderer) {
  {
    // Each change's key is computed once, not at every comparison.
    std::vector<std::pair<int, std::string>> keys;
    keys.reserve(changes.size());
    for (const auto& c : changes)
      keys.emplace_back(kRank[c.index()], sort_key(c));
    std::vector<std::size_t> at(changes.size());
    for (std::size_t i = 0; i < at.size(); ++i)
      at[i] = i;
    std::stable_sort(at.begin(), at.end(),
                     [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    std::vector<Change> sorted;
    sorted.reserve(changes.size());
    for (auto i : at)
      sorted.push_back(std::move(changes[i]));
    changes = std::move(sorted);
  }
  order_views(changes);
  Plan plan;
  for (auto& change : changes) {
    Step step;
    step.phase = phase_of(kRank[change.index()]);
    step.summary = describe(change);
    step.kind = kind_name(change);
    step.forward = renderer.render(change);
    // Validation changes no definition: undoing the addition of the constraint is enough.
    if (!std::holds_alternative<ValidateConstraint>(change))
      step.reverse = renderer.render_reverse(change);
    step.hazards = logical_hazards(change);
    for (auto& h : renderer.hazards(change))
      if (!step.has(h.kind))
        step.hazards.push_back(std::move(h));
    std::sort(step.hazards.begin(), step.hazards.end(),
              [](const HazardNote& a, const HazardNote& b) { return a.kind < b.kind; });
    step.own_transaction = std::holds_alternative<AddEnumValue>(change) ||
                           std::holds_alternative<ValidateConstraint>(change);
    step.table = table_of(change);
    step.change = std::move(change);
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

std::optional<QualifiedName> table_of(const Change& change) {
  return std::visit(
      Overloaded{
          [](const DropTable& c) -> std::optional<QualifiedName> { return c.table.name; },
          [](const RenameTable& c) -> std::optional<QualifiedName> { return c.from; },
          [](const AddColumn& c) -> std::optional<QualifiedName> { return c.table; },
          [](const DropColumn& c) -> std::optional<QualifiedName> { return c.table; },
          [](const RenameColumn& c) -> std::optional<QualifiedName> { return c.table; },
          [](const AlterColumn& c) -> std::optional<QualifiedName> { return c.table; },
          [](const AddPrimaryKey& c) -> std::optional<QualifiedName> { return c.table; },
          [](const DropPrimaryKey& c) -> std::optional<QualifiedName> { return c.table; },
          [](const AddUnique& c) -> std::optional<QualifiedName> { return c.table; },
          [](const DropUnique& c) -> std::optional<QualifiedName> { return c.table; },
          [](const AddForeignKey& c) -> std::optional<QualifiedName> {
            if (c.table_is_new)
              return std::nullopt;
            return c.table;
          },
          [](const DropForeignKey& c) -> std::optional<QualifiedName> { return c.table; },
          [](const AddCheck& c) -> std::optional<QualifiedName> { return c.table; },
          [](const DropCheck& c) -> std::optional<QualifiedName> { return c.table; },
          [](const CreateIndex& c) -> std::optional<QualifiedName> {
            if (c.table_is_new)
              return std::nullopt;
            return c.table;
          },
          [](const DropIndex& c) -> std::optional<QualifiedName> { return c.table; },
          [](const RebuildTable& c) -> std::optional<QualifiedName> { return c.from.name; },
          [](const ValidateConstraint& c) -> std::optional<QualifiedName> { return c.table; },
          [](const RenameConstraint& c) -> std::optional<QualifiedName> { return c.table; },
          [](const RenameIndex& c) -> std::optional<QualifiedName> { return c.table; },
          [](const auto&) -> std::optional<QualifiedName> { return std::nullopt; },
      },
      change);
}

std::vector<QualifiedName> tables_to_size(const std::vector<Change>& changes) {
  std::set<QualifiedName> out;
  for (const auto& change : changes) {
    if (auto table = table_of(change))
      out.insert(std::move(*table));
  }
  return {out.begin(), out.end()};
}

std::vector<QualifiedName> tables_to_size(const Plan& plan) {
  std::set<QualifiedName> out;
  for (const auto& step : plan.steps) {
    if (const auto* r = std::get_if<RenameTable>(&step.change))
      out.insert(r->from);
    if (step.table)
      out.insert(*step.table);
  }
  return {out.begin(), out.end()};
}

void annotate_sizes(Plan& plan, const std::map<QualifiedName, TableSize>& live_sizes) {
  auto sizes = live_sizes;
  for (auto& step : plan.steps) {
    // Renames run first; later steps name the table as it will be.
    if (const auto* r = std::get_if<RenameTable>(&step.change);
        r != nullptr && sizes.count(r->from))
      sizes[r->to] = sizes[r->from];
    if (!step.table)
      continue;
    auto it = sizes.find(*step.table);
    if (it != sizes.end())
      step.size = it->second;
  }
}

namespace {

/// `name` shortened so that name + "_" + token fits PostgreSQL's 63-byte identifiers.
std::string kept_name(const std::string& name, const std::string& token) {
  constexpr std::size_t kMax = 63;
  std::string base = name.substr(0, kMax - token.size() - 1);
  while (!base.empty() && (static_cast<unsigned char>(base.back()) & 0xC0) == 0x80)
    base.pop_back();
  if (!base.empty() && static_cast<unsigned char>(base.back()) >= 0xC0)
    base.pop_back();
  return base + "_" + token;
}

}  // namespace

void keep_dropped_data(std::vector<Change>& changes, const state::Schema& live,
                       const std::string& token) {
  for (auto& change : changes) {
    if (auto* d = std::get_if<DropTable>(&change)) {
      d->keep_as = kept_name(d->table.name.name, token);
    } else if (auto* r = std::get_if<RebuildTable>(&change)) {
      bool drops = false;
      for (const auto& c : r->from.columns) {
        bool renamed = std::any_of(r->renamed.begin(), r->renamed.end(),
                                   [&](const auto& p) { return p.second == c.name; });
        if (r->to.find_column(c.name) == nullptr && !renamed && !c.generated)
          drops = true;
      }
      if (drops && r->from.primary_key) {
        r->key = r->from.primary_key->columns;
        r->keep_as = kept_name(r->from.name.name, token);
      }
    } else if (auto* c = std::get_if<DropColumn>(&change)) {
      const auto* table = live.find_table(c->table);
      if (table == nullptr || !table->primary_key || c->column.generated ||
          c->column.identity != state::Identity::None)
        continue;
      c->key = table->primary_key->columns;
      c->keep_as = kept_name(c->table.name + "_" + c->column.name, token);
    }
  }
}

Plan plan_changes(std::vector<Change> changes, const state::Schema& live,
                  const state::Schema& desired, const Renderer& renderer, std::string from,
                  std::string to) {
  // "sha256:" + hex: six hex digits of each side name the kept data of this transition.
  keep_dropped_data(changes, live, from.substr(7, 6) + to.substr(7, 6));
  Plan plan = order(std::move(changes), renderer);
  plan.settings = desired.settings;
  plan.from_fingerprint = std::move(from);
  plan.to_fingerprint = std::move(to);
  return plan;
}

Plan make_plan(const state::Schema& live, const state::Schema& desired, const Renderer& renderer,
               Fingerprints fingerprints) {
  auto changes = diff(live, desired, renderer);
  if (changes.empty() && fingerprints == Fingerprints::WhenChanged) {
    Plan plan;
    plan.settings = desired.settings;
    return plan;
  }
  // The two fingerprints read the schemas only: they run side by side.
  state::PendingFingerprint to(desired);
  auto from = state::fingerprint(live);
  return plan_changes(std::move(changes), live, desired, renderer, std::move(from), to.get());
}

}  // namespace keel::planner
