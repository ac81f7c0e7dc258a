// diff: compares two schemas object by object and lists the changes between them.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include <dtl/dtl.hpp>

#include "planner/plan.h"
#include "state/diagnostic.h"

namespace keel::planner {
namespace {

using state::Column;
using state::Schema;
using state::Table;

template <class T, class Key>
std::map<std::string, const T*> by_name(const std::vector<T>& items, Key key) {
  std::map<std::string, const T*> out;
  for (const auto& item : items)
    out.emplace(key(item), &item);
  return out;
}

/// Generic diff of named lists: `drop` for names gone or changed, `add` for new or changed.
template <class T, class Drop, class Add>
void diff_named(const std::vector<T>& live, const std::vector<T>& desired, Drop drop, Add add) {
  auto name = [](const T& t) { return t.name; };
  auto live_map = by_name(live, name);
  auto desired_map = by_name(desired, name);
  for (const auto& [n, l] : live_map) {
    auto it = desired_map.find(n);
    if (it == desired_map.end() || !(*it->second == *l))
      drop(*l);
  }
  for (const auto& [n, d] : desired_map) {
    auto it = live_map.find(n);
    if (it == live_map.end() || !(*it->second == *d))
      add(*d);
  }
}

/// diff_named for constraints that may be NOT VALID in the live schema: a live constraint that
/// differs from the desired one only by being NOT VALID calls `validate` instead of being
/// dropped and added again.
template <class T, class Drop, class Add, class Validate>
void diff_validated(const std::vector<T>& live, const std::vector<T>& desired, Drop drop, Add add,
                    Validate validate) {
  auto name = [](const T& t) { return t.name; };
  auto live_map = by_name(live, name);
  auto desired_map = by_name(desired, name);
  auto only_unvalidated = [](const T& l, const T& d) {
    T as_valid = l;
    as_valid.valid = d.valid;
    return !l.valid && d.valid && as_valid == d;
  };
  for (const auto& [n, l] : live_map) {
    auto it = desired_map.find(n);
    if (it == desired_map.end() || (!(*it->second == *l) && !only_unvalidated(*l, *it->second)))
      drop(*l);
  }
  for (const auto& [n, d] : desired_map) {
    auto it = live_map.find(n);
    if (it != live_map.end() && only_unvalidated(*it->second, *d)) {
      validate(*d);
    } else if (it == live_map.end() || !(*it->second == *d)) {
      add(*d);
    }
  }
}

/// The identifiers a view's query mentions, lower-cased; enough to find the tables it reads.
std::set<std::string> words_of(const std::string& sql) {
  std::set<std::string> words;
  std::string cur;
  bool quoted = false;
  for (char c : sql) {
    bool ident = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ||
                 (static_cast<unsigned char>(c) >= 0x80);
    if (c == '"') {
      if (quoted) {
        words.insert(cur);
        cur.clear();
      }
      quoted = !quoted;
      continue;
    }
    if (quoted || ident) {
      cur += quoted ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!cur.empty()) {
      words.insert(cur);
      cur.clear();
    }
  }
  if (!cur.empty())
    words.insert(cur);
  return words;
}

bool view_reads(const state::View& view, const state::QualifiedName& table) {
  auto words = words_of(view.sql);
  std::string lower = table.name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return words.count(table.name) != 0 || words.count(lower) != 0;
}

class Differ {
 public:
  Differ(const Schema& live, const Schema& desired, const Renderer& renderer)
      : live_(live), desired_(desired), renderer_(renderer), caps_(renderer.capabilities()) {}

  std::vector<Change> run() {
    collect_renames();
    diff_schemas();
    diff_extensions();
    diff_tables();  // before the enums: they name columns as the renames leave them
    diff_enums();
    diff_views();
    return std::move(out_);
  }

 private:
  /// Schemas that desired objects need and no live object is in; the default schema and
  /// engines without schemas are left alone.
  void diff_schemas() {
    if (!caps_.schemas)
      return;
    std::set<std::string> live;
    std::set<std::string> wanted;
    for (const auto& [n, t] : live_.tables)
      live.insert(n.schema);
    for (const auto& [n, e] : live_.enums)
      live.insert(n.schema);
    for (const auto& [n, v] : live_.views)
      live.insert(n.schema);
    for (const auto& [n, t] : desired_.tables)
      wanted.insert(n.schema);
    for (const auto& [n, e] : desired_.enums)
      wanted.insert(n.schema);
    for (const auto& [n, v] : desired_.views)
      wanted.insert(n.schema);
    for (const auto& s : wanted)
      if (!live.count(s) && s != desired_.settings.schema && s != "public")
        out_.emplace_back(CreateSchema{s});
  }

  void diff_extensions() {
    auto name = [](const state::Extension& e) { return e.name; };
    auto live = by_name(live_.extensions, name);
    auto desired = by_name(desired_.extensions, name);
    for (const auto& [n, e] : live)
      if (!desired.count(n))
        out_.emplace_back(DropExtension{*e});
    for (const auto& [n, e] : desired)
      if (!live.count(n))
        out_.emplace_back(CreateExtension{*e});
  }

  void diff_enums() {
    for (const auto& [name, e] : live_.enums)
      if (!desired_.enums.count(name))
        out_.emplace_back(DropEnum{e});
    for (const auto& [name, e] : desired_.enums) {
      auto it = live_.enums.find(name);
      if (it == live_.enums.end()) {
        out_.emplace_back(CreateEnum{e});
        continue;
      }
      const auto& l = it->second;
      if (l.values != e.values)
        diff_enum_values(l, e);
      if (l.comment != e.comment)
        out_.emplace_back(SetEnumComment{name, l.comment, e.comment});
    }
  }

  /// Values only added: one ADD VALUE each, placed by an edit script; otherwise a type swap.
  void diff_enum_values(const state::Enum& live, const state::Enum& desired) {
    dtl::Diff<std::string, std::vector<std::string>> d(live.values, desired.values);
    d.compose();
    bool only_adds = true;
    for (const auto& [value, info] : d.getSes().getSequence())
      if (info.type == dtl::SES_DELETE)
        only_adds = false;
    // A type swap runs after the renames of the plan, and names its columns, indexes and checks
    // as they leave them; added values run before the renames (and are undone after them).
    const bool after_renames = !only_adds;
    std::vector<std::pair<state::QualifiedName, Column>> users;
    std::vector<std::pair<state::QualifiedName, state::Index>> indexes;
    std::vector<std::pair<state::QualifiedName, state::Check>> checks;
    const std::string type = enum_type_name(live.name);
    std::map<state::QualifiedName, std::set<std::string>> columns_by_table;
    for (const auto& key : {type, type + "[]"}) {
      auto it = columns_of_type().find(key);
      if (it == columns_of_type().end())
        continue;
      for (const auto& [table, column] : it->second)
        columns_by_table[table->name].insert(column->name);
    }
    for (const auto& entry : columns_by_table) {
      const std::set<std::string>& columns = entry.second;  // captured below: not a binding
      const Table& table = *live_.find_table(entry.first);
      // The type changes after the renames of the plan: its steps use the new names.
      const state::QualifiedName tname = after_renames ? renamed_table(entry.first) : entry.first;
      auto now = [&](const std::string& name) {
        if (!after_renames)
          return name;
        auto it = names_renamed_.find({tname, name});
        return it == names_renamed_.end() ? name : it->second;
      };
      for (const auto& c : table.columns) {
        if (columns.count(c.name) == 0)
          continue;
        Column user = c;
        if (auto it = columns_renamed_.find({tname, c.name});
            after_renames && it != columns_renamed_.end())
          user.name = it->second;
        users.emplace_back(tname, user);
      }
      auto reads = [&](const std::string& text) {
        auto words = words_of(text);
        return std::any_of(columns.begin(), columns.end(),
                           [&](const std::string& c) { return words.count(c) != 0; });
      };
      for (const auto& i : table.indexes) {
        bool uses = i.where && reads(*i.where);
        for (const auto& k : i.keys)
          uses = uses || (k.expression && reads(*k.expression));
        if (!uses)
          continue;
        state::Index index = i;
        index.name = now(i.name);
        indexes.emplace_back(tname, index);
      }
      for (const auto& c : table.checks) {
        if (!reads(c.expr))
          continue;
        state::Check check = c;
        check.name = now(c.name);
        checks.emplace_back(tname, check);
      }
    }
    if (!only_adds) {
      out_.emplace_back(ReplaceEnum{live, desired, users, indexes, checks});
      return;
    }
    // Add values left to right; each is placed after the previous value of the desired
    // order (or before the first one), which is already present when it runs.
    state::Enum current = live;
    for (std::size_t i = 0; i < desired.values.size(); ++i) {
      const auto& v = desired.values[i];
      if (std::find(current.values.begin(), current.values.end(), v) != current.values.end())
        continue;
      AddEnumValue add{current, current, v, std::nullopt, std::nullopt, users, indexes, checks};
      if (i == 0) {
        add.before = desired.values[1];
        add.to.values.insert(add.to.values.begin(), v);
      } else {
        add.after = desired.values[i - 1];
        auto pos = std::find(add.to.values.begin(), add.to.values.end(), *add.after);
        add.to.values.insert(pos + 1, v);
      }
      current = add.to;
      out_.emplace_back(std::move(add));
    }
  }

  static std::string enum_type_name(const state::QualifiedName& n);

  /// Live columns by type, built on first use: finding an enum's users is then one lookup.
  const std::unordered_map<std::string, std::vector<std::pair<const Table*, const Column*>>>&
  columns_of_type() {
    if (!columns_of_type_) {
      columns_of_type_.emplace();
      for (const auto& [name, table] : live_.tables)
        for (const auto& c : table.columns)
          (*columns_of_type_)[c.type].emplace_back(&table, &c);
    }
    return *columns_of_type_;
  }

  /// The live table that `desired` renames (through `renamed_from`), if any.
  const Table* renamed_source(const Table& desired) const {
    if (!desired.renamed_from || live_.find_table(desired.name) != nullptr)
      return nullptr;
    const Table* old = live_.find_table(*desired.renamed_from);
    if (old == nullptr || desired_.find_table(*desired.renamed_from) != nullptr)
      return nullptr;
    return old;
  }

  /// Whether desired column `c` of a table whose live side is `live` renames a live column.
  bool renames_column(const Table& live, const Table& desired, const Column& c) const {
    return c.renamed_from && live.find_column(c.name) == nullptr &&
           live.find_column(*c.renamed_from) != nullptr &&
           desired.find_column(*c.renamed_from) == nullptr;
  }

  /// Table and column renames, known before any table is compared: a foreign key of another
  /// table that points at a renamed table or column follows it (the database renames the
  /// reference itself), so it is not dropped and added again.
  void collect_renames() {
    for (const auto& [name, table] : desired_.tables) {
      const Table* live = live_.find_table(name);
      if (const Table* old = renamed_source(table)) {
        tables_renamed_[old->name] = name;
        live = old;
      }
      if (live == nullptr)
        continue;
      for (const auto& c : table.columns)
        if (renames_column(*live, table, c))
          columns_renamed_[{name, *c.renamed_from}] = c.name;
    }
  }

  state::QualifiedName renamed_table(const state::QualifiedName& name) const {
    auto it = tables_renamed_.find(name);
    return it == tables_renamed_.end() ? name : it->second;
  }

  /// `fk` with its referenced table and columns under the names the renames give them.
  state::ForeignKey following_renames(state::ForeignKey fk) const {
    if (auto t = tables_renamed_.find(fk.ref_table); t != tables_renamed_.end())
      fk.ref_table = t->second;
    for (auto& col : fk.ref_columns)
      if (auto c = columns_renamed_.find({fk.ref_table, col}); c != columns_renamed_.end())
        col = c->second;
    return fk;
  }

  void diff_tables() {
    std::set<state::QualifiedName> renamed_away;
    for (const auto& [name, table] : desired_.tables) {
      const Table* live = live_.find_table(name);
      if (const Table* old = renamed_source(table)) {
        out_.emplace_back(RenameTable{old->name, name});
        renamed_away.insert(old->name);
        Table moved = *old;
        moved.name = name;
        diff_table(moved, table, old->name);
        continue;
      }
      if (live == nullptr) {
        create_table(table);
      } else {
        diff_table(*live, table);
      }
    }
    for (const auto& [name, table] : live_.tables)
      if (!desired_.find_table(name) && !renamed_away.count(name))
        drop_table(table);
  }

  void create_table(const Table& table) {
    CreateTable create{table, caps_.foreign_keys_in_create};
    create.table.indexes.clear();
    create.table.partitions.clear();
    if (!caps_.foreign_keys_in_create)
      create.table.foreign_keys.clear();
    out_.emplace_back(std::move(create));
    for (const auto& index : table.indexes)
      out_.emplace_back(CreateIndex{table.name, index, true});
    if (!caps_.foreign_keys_in_create)
      for (const auto& fk : table.foreign_keys)
        out_.emplace_back(AddForeignKey{table.name, fk, true});
    for (const auto& p : table.partitions)
      out_.emplace_back(AddPartition{table.name, p});
  }

  void drop_table(const Table& live_table) {
    // Its foreign keys are dropped after the renames of the plan, and undone before them.
    Table table = live_table;
    for (auto& fk : table.foreign_keys)
      fk = following_renames(fk);
    for (const auto& p : table.partitions)
      out_.emplace_back(DropPartition{table.name, p});
    DropTable drop{table, caps_.foreign_keys_in_create};
    drop.table.partitions.clear();
    drop.table.indexes.clear();
    if (!caps_.foreign_keys_in_create) {
      drop.table.foreign_keys.clear();
      for (const auto& fk : table.foreign_keys)
        out_.emplace_back(DropForeignKey{table.name, fk, true});
    }
    for (const auto& index : table.indexes)
      out_.emplace_back(DropIndex{table.name, index, true});
    out_.emplace_back(std::move(drop));
  }

  void diff_table(const Table& live_in, const Table& desired,
                  const std::optional<state::QualifiedName>& old_name = std::nullopt) {
    const auto& t = desired.name;
    if (live_in.partition_by != desired.partition_by) {
      throw state::UserError("table \"" + t.str() +
                             "\": changing partition_by of an existing table is not supported "
                             "(create a new table and move the data, or drop and recreate it)");
    }
    if (live_in == desired)
      return;                     // the common case in a big schema: nothing to copy
    std::vector<Change> changes;  // changes that the engine may need a rebuild for
    std::vector<Change> index_changes;
    std::vector<std::pair<std::string, std::string>> renamed;
    // The live table as the renames leave it; copied only when there is one.
    std::optional<Table> renamed_live;
    auto renaming = [&]() -> Table& {
      if (!renamed_live)
        renamed_live = live_in;
      return *renamed_live;
    };
    for (const auto& c : desired.columns) {
      if (renames_column(renamed_live ? *renamed_live : live_in, desired, c)) {
        changes.emplace_back(RenameColumn{t, *c.renamed_from, c.name});
        renamed.emplace_back(c.name, *c.renamed_from);
        renaming().find_column(*c.renamed_from)->name = c.name;
        rename_in_constraints(*renamed_live, *c.renamed_from, c.name);
      }
    }
    if (!tables_renamed_.empty() || !columns_renamed_.empty()) {
      for (std::size_t i = 0; i < live_in.foreign_keys.size(); ++i) {
        auto followed = following_renames((renamed_live ? *renamed_live : live_in).foreign_keys[i]);
        if (!(followed == live_in.foreign_keys[i]))
          renaming().foreign_keys[i] = followed;
      }
    }
    if (old_name)
      rename_default_names(renaming(), desired, *old_name, changes, index_changes);
    const Table& live = renamed_live ? *renamed_live : live_in;
    for (const auto& c : live.columns)
      if (desired.find_column(c.name) == nullptr)
        changes.emplace_back(DropColumn{t, c});
    for (const auto& c : desired.columns) {
      const Column* l = live.find_column(c.name);
      if (l == nullptr) {
        changes.emplace_back(AddColumn{t, c});
      } else if (!l->same_definition(c)) {
        Column from = *l;
        changes.emplace_back(AlterColumn{t, from, c});
      }
    }
    const bool partitioned = desired.partition_by.has_value();
    if (live.primary_key != desired.primary_key) {
      if (live.primary_key)
        changes.emplace_back(DropPrimaryKey{t, *live.primary_key, partitioned});
      if (desired.primary_key)
        changes.emplace_back(AddPrimaryKey{t, *desired.primary_key, partitioned});
    }
    diff_named(
        live.uniques, desired.uniques,
        [&](const auto& u) {
          changes.emplace_back(DropUnique{t, u, partitioned});
        },
        [&](const auto& u) {
          changes.emplace_back(AddUnique{t, u, partitioned});
        });
    // Checks and foreign keys on an existing table are added NOT VALID and validated in a
    // step of their own; one left NOT VALID (by an interrupted apply) is only validated.
    // PostgreSQL cannot add NOT VALID foreign keys to partitioned tables: those are checked
    // as they are added.
    const bool later = caps_.not_valid_constraints && !partitioned;
    auto validate = [&](const std::string& name, const char* what) {
      if (later)
        changes.emplace_back(ValidateConstraint{t, name, what});
    };
    diff_validated(
        live.checks, desired.checks,
        [&](const auto& c) {
          changes.emplace_back(DropCheck{t, c});
        },
        [&](const auto& c) {
          changes.emplace_back(AddCheck{t, c, later});
          validate(c.name, "check");
        },
        [&](const auto& c) { validate(c.name, "check"); });
    diff_validated(
        live.foreign_keys, desired.foreign_keys,
        [&](const auto& f) {
          changes.emplace_back(DropForeignKey{t, f});
        },
        [&](const auto& f) {
          changes.emplace_back(AddForeignKey{t, f, false, later});
          validate(f.name, "foreign key");
        },
        [&](const auto& f) { validate(f.name, "foreign key"); });

    bool rebuild = false;
    for (const auto& c : changes)
      if (!renderer_.supports_in_place(c, live_in))
        rebuild = true;

    std::vector<state::Index> kept;
    diff_named(
        live.indexes, desired.indexes,
        [&](const auto& i) {
          index_changes.emplace_back(DropIndex{t, i, false, partitioned});
        },
        [&](const auto& i) {
          index_changes.emplace_back(CreateIndex{t, i, false, partitioned});
        });
    for (const auto& i : desired.indexes) {
      const auto* l = live.find_index(i.name);
      if (l != nullptr && *l == i)
        kept.push_back(i);
    }

    if (rebuild) {
      // Renames still run in place where they can; everything else moves into the rebuild.
      Table to = desired;
      to.indexes = kept;
      to.partitions.clear();
      // The table as the rebuild finds it: tables it references already carry their new names
      // (a table rename runs first, and the database follows it in the references).
      Table from = live_in;
      for (auto& fk : from.foreign_keys) {
        if (auto r = tables_renamed_.find(fk.ref_table); r != tables_renamed_.end())
          fk.ref_table = r->second;
        if (fk.ref_table == desired.name)
          continue;  // its own columns are renamed by the rebuild
        for (auto& col : fk.ref_columns)
          if (auto c = columns_renamed_.find({fk.ref_table, col}); c != columns_renamed_.end())
            col = c->second;
      }
      from.partitions.clear();
      // Both shapes rebuild only the indexes that stay; dropped and new ones are their own
      // steps, so undoing the rebuild does not recreate an index another step recreates. An
      // index renamed with its table is rebuilt under its new name, not renamed on its own.
      std::map<std::string, std::string> index_renames;
      for (const auto& c : index_changes)
        if (const auto* r = std::get_if<RenameIndex>(&c))
          index_renames[r->index.name] = r->to;
      std::erase_if(index_changes,
                    [](const Change& c) { return std::holds_alternative<RenameIndex>(c); });
      from.indexes.clear();
      for (const auto& i : live_in.indexes) {
        auto r = index_renames.find(i.name);
        const std::string& now = r == index_renames.end() ? i.name : r->second;
        if (std::any_of(kept.begin(), kept.end(), [&](const auto& k) { return k.name == now; }))
          from.indexes.push_back(i);
      }
      out_.emplace_back(RebuildTable{from, to, renamed, std::nullopt, {}});
    } else {
      for (auto& c : changes)
        out_.push_back(std::move(c));
    }
    for (auto& c : index_changes)
      out_.push_back(std::move(c));

    auto live_parts = live.partitions;
    auto desired_parts = desired.partitions;
    for (const auto& p : live_parts) {
      auto it = std::find_if(desired_parts.begin(), desired_parts.end(),
                             [&](const auto& d) { return d.name == p.name; });
      if (it == desired_parts.end() || !(*it == p))
        out_.emplace_back(DropPartition{t, p});
    }
    for (const auto& p : desired_parts) {
      auto it = std::find_if(live_parts.begin(), live_parts.end(),
                             [&](const auto& l) { return l.name == p.name; });
      if (it == live_parts.end() || !(*it == p))
        out_.emplace_back(AddPartition{t, p});
    }
    if (live.comment != desired.comment)
      out_.emplace_back(SetTableComment{t, live.comment, desired.comment});
  }

  /// After a table rename: constraints and indexes named by default after the old table name
  /// ("users_email_key") whose desired twin has the default name after the new one
  /// ("accounts_email_key") and the same definition are renamed, not dropped and built again.
  /// Nothing else is taken for a rename.
  void rename_default_names(Table& live, const Table& desired, const state::QualifiedName& old_name,
                            std::vector<Change>& changes, std::vector<Change>& index_changes) {
    const std::string old_prefix = old_name.name + "_";
    const std::string new_prefix = desired.name.name + "_";
    if (old_prefix == new_prefix)
      return;
    const auto& t = desired.name;
    // The new name of `name` when it follows the old table name and `wanted` (the desired
    // object of that name, if any) is `item` renamed.
    auto twin = [&](const auto& item, const auto* wanted) -> std::optional<std::string> {
      if (!item.name.starts_with(old_prefix) || wanted == nullptr)
        return std::nullopt;
      auto renamed = item;
      renamed.name = wanted->name;
      if (!(renamed == *wanted))
        return std::nullopt;
      return wanted->name;
    };
    auto new_name = [&](const std::string& name) {
      return new_prefix + name.substr(std::min(name.size(), old_prefix.size()));
    };
    auto find = [](const auto& list, const std::string& name) {
      auto it =
          std::find_if(list.begin(), list.end(), [&](const auto& x) { return x.name == name; });
      return it == list.end() ? nullptr : &*it;
    };
    auto rename_all = [&](auto& list, const auto& wanted_list) {
      for (auto& item : list) {
        if (find(list, new_name(item.name)) != nullptr)
          continue;  // the name is taken
        auto to = twin(item, find(wanted_list, new_name(item.name)));
        if (!to)
          continue;
        names_renamed_[{t, item.name}] = *to;
        if constexpr (std::is_same_v<std::decay_t<decltype(item)>, state::Index>) {
          index_changes.emplace_back(RenameIndex{t, item, *to});
        } else {
          changes.emplace_back(RenameConstraint{t, item.name, *to});
        }
        item.name = *to;
      }
      std::sort(list.begin(), list.end(),
                [](const auto& a, const auto& b) { return a.name < b.name; });
    };
    if (live.primary_key && desired.primary_key && live.primary_key->name.starts_with(old_prefix) &&
        desired.primary_key->name == new_name(live.primary_key->name)) {
      auto renamed = *live.primary_key;
      renamed.name = desired.primary_key->name;
      if (renamed == *desired.primary_key) {
        names_renamed_[{t, live.primary_key->name}] = renamed.name;
        changes.emplace_back(RenameConstraint{t, live.primary_key->name, renamed.name});
        live.primary_key = renamed;
      }
    }
    rename_all(live.uniques, desired.uniques);
    rename_all(live.foreign_keys, desired.foreign_keys);
    rename_all(live.checks, desired.checks);
    rename_all(live.indexes, desired.indexes);
  }

  static void rename_in_constraints(Table& table, const std::string& from, const std::string& to) {
    auto fix = [&](std::vector<std::string>& cols) {
      for (auto& c : cols)
        if (c == from)
          c = to;
    };
    if (table.primary_key)
      fix(table.primary_key->columns);
    for (auto& u : table.uniques)
      fix(u.columns);
    for (auto& f : table.foreign_keys)
      fix(f.columns);
    for (auto& i : table.indexes) {
      for (auto& k : i.keys)
        if (!k.expression && k.column == from)
          k.column = to;
      fix(i.include);
    }
  }

  void diff_views() {
    // Tables whose columns change shape: views reading them are dropped and recreated.
    std::set<state::QualifiedName> touched;
    for (const auto& c : out_) {
      std::visit(Overloaded{[&](const AlterColumn& a) { touched.insert(a.table); },
                            [&](const DropColumn& a) { touched.insert(a.table); },
                            [&](const RenameColumn& a) { touched.insert(a.table); },
                            [&](const RenameTable& a) { touched.insert(a.from); },
                            [&](const DropTable& a) { touched.insert(a.table.name); },
                            [&](const RebuildTable& a) { touched.insert(a.from.name); },
                            [&](const ReplaceEnum& a) {
                              for (const auto& [tn, col] : a.users)
                                touched.insert(tn);
                            },
                            // Its reverse swaps the type, which views reading the column block.
                            [&](const AddEnumValue& a) {
                              for (const auto& [tn, col] : a.users)
                                touched.insert(tn);
                            },
                            [](const auto&) {}},
                 c);
    }
    for (const auto& [name, view] : live_.views) {
      auto it = desired_.views.find(name);
      const state::View& read = view;  // lambdas may not capture structured bindings (clang 14)
      bool reads_touched = std::any_of(touched.begin(), touched.end(),
                                       [&](const auto& t) { return view_reads(read, t); });
      if (it == desired_.views.end()) {
        out_.emplace_back(DropView{view});
      } else if (it->second.sql != view.sql || reads_touched) {
        out_.emplace_back(DropView{view});
        out_.emplace_back(CreateView{it->second});
      } else if (it->second.comment != view.comment) {
        out_.emplace_back(SetViewComment{name, view.comment, it->second.comment});
      }
    }
    for (const auto& [name, view] : desired_.views)
      if (!live_.views.count(name))
        out_.emplace_back(CreateView{view});
  }

  const Schema& live_;
  const Schema& desired_;
  const Renderer& renderer_;
  Capabilities caps_;
  std::vector<Change> out_;
  std::optional<
      std::unordered_map<std::string, std::vector<std::pair<const Table*, const Column*>>>>
      columns_of_type_;
  std::map<state::QualifiedName, state::QualifiedName> tables_renamed_;  ///< old -> new
  /// (table under its new name, old constraint or index name) -> new name
  std::map<std::pair<state::QualifiedName, std::string>, std::string> names_renamed_;
  /// (table under its new name, old column name) -> new column name
  std::map<std::pair<state::QualifiedName, std::string>, std::string> columns_renamed_;
};

std::string Differ::enum_type_name(const state::QualifiedName& n) {
  return state::type_name(n);
}

}  // namespace

std::vector<Change> diff(const state::Schema& live, const state::Schema& desired,
                         const Renderer& renderer) {
  return Differ(live, desired, renderer).run();
}

}  // namespace keel::planner
