#include "planner/change.h"

#include <algorithm>

namespace keel::planner {

std::vector<std::string> ReplaceEnum::removed_values() const {
  std::vector<std::string> out;
  for (const auto& v : from.values)
    if (std::find(to.values.begin(), to.values.end(), v) == to.values.end())
      out.push_back(v);
  return out;
}

Change invert(const Change& change) {
  return std::visit(
      Overloaded{
          [](const CreateSchema& c) -> Change { return DropSchema{c.name}; },
          [](const DropSchema& c) -> Change { return CreateSchema{c.name}; },
          [](const CreateExtension& c) -> Change { return DropExtension{c.extension}; },
          [](const DropExtension& c) -> Change { return CreateExtension{c.extension}; },
          [](const CreateEnum& c) -> Change { return DropEnum{c.enumeration}; },
          [](const DropEnum& c) -> Change { return CreateEnum{c.enumeration}; },
          [](const AddEnumValue& c) -> Change {
            return ReplaceEnum{c.to, c.from, c.users, c.indexes, c.checks};
          },
          [](const ReplaceEnum& c) -> Change {
            return ReplaceEnum{c.to, c.from, c.users, c.indexes, c.checks};
          },
          [](const CreateTable& c) -> Change {
            return DropTable{c.table, c.with_foreign_keys, std::nullopt};
          },
          [](const DropTable& c) -> Change {
            return CreateTable{c.table, c.with_foreign_keys};
          },
          [](const RenameTable& c) -> Change {
            return RenameTable{c.to, c.from};
          },
          [](const AddColumn& c) -> Change {
            return DropColumn{c.table, c.column, std::nullopt, {}};
          },
          [](const DropColumn& c) -> Change {
            return AddColumn{c.table, c.column};
          },
          [](const RenameColumn& c) -> Change {
            return RenameColumn{c.table, c.to, c.from};
          },
          [](const AlterColumn& c) -> Change {
            return AlterColumn{c.table, c.to, c.from};
          },
          [](const AddPrimaryKey& c) -> Change {
            return DropPrimaryKey{c.table, c.key, c.partitioned};
          },
          [](const DropPrimaryKey& c) -> Change {
            return AddPrimaryKey{c.table, c.key, c.partitioned};
          },
          [](const AddUnique& c) -> Change {
            return DropUnique{c.table, c.unique, c.partitioned};
          },
          [](const DropUnique& c) -> Change {
            return AddUnique{c.table, c.unique, c.partitioned};
          },
          [](const AddForeignKey& c) -> Change {
            return DropForeignKey{c.table, c.key, c.table_is_new};
          },
          [](const DropForeignKey& c) -> Change {
            return AddForeignKey{c.table, c.key, c.table_is_new};
          },
          [](const AddCheck& c) -> Change {
            return DropCheck{c.table, c.check};
          },
          [](const DropCheck& c) -> Change {
            return AddCheck{c.table, c.check};
          },
          [](const CreateIndex& c) -> Change {
            return DropIndex{c.table, c.index, c.table_is_new, c.partitioned};
          },
          [](const DropIndex& c) -> Change {
            return CreateIndex{c.table, c.index, c.table_is_new, c.partitioned};
          },
          [](const AddPartition& c) -> Change {
            return DropPartition{c.table, c.partition};
          },
          [](const DropPartition& c) -> Change {
            return AddPartition{c.table, c.partition};
          },
          [](const CreateView& c) -> Change { return DropView{c.view}; },
          [](const DropView& c) -> Change { return CreateView{c.view}; },
          [](const SetTableComment& c) -> Change {
            return SetTableComment{c.table, c.to, c.from};
          },
          [](const SetEnumComment& c) -> Change {
            return SetEnumComment{c.enumeration, c.to, c.from};
          },
          [](const SetViewComment& c) -> Change {
            return SetViewComment{c.view, c.to, c.from};
          },
          [](const RebuildTable& c) -> Change {
            RebuildTable r{c.to, c.from, {}, std::nullopt, {}};
            for (const auto& [to, from] : c.renamed)
              r.renamed.emplace_back(from, to);
            return r;
          },
          // Validating changes no definition; dropping the constraint is its addition's undo.
          [](const ValidateConstraint& c) -> Change { return c; },
          [](const RenameConstraint& c) -> Change {
            return RenameConstraint{c.table, c.to, c.from};
          },
          [](const RenameIndex& c) -> Change {
            state::Index renamed = c.index;
            renamed.name = c.to;
            return RenameIndex{c.table, renamed, c.index.name};
          },
      },
      change);
}

std::string kind_name(const Change& change) {
  static constexpr const char* kNames[] = {
      "create_schema",    "drop_schema",         "create_extension",  "drop_extension",
      "create_enum",      "drop_enum",           "add_enum_value",    "replace_enum",
      "create_table",     "drop_table",          "rename_table",      "add_column",
      "drop_column",      "rename_column",       "alter_column",      "add_primary_key",
      "drop_primary_key", "add_unique",          "drop_unique",       "add_foreign_key",
      "drop_foreign_key", "add_check",           "drop_check",        "create_index",
      "drop_index",       "add_partition",       "drop_partition",    "create_view",
      "drop_view",        "set_table_comment",   "set_enum_comment",  "set_view_comment",
      "rebuild_table",    "validate_constraint", "rename_constraint", "rename_index"};
  static_assert(std::size(kNames) == std::variant_size_v<Change>);
  return kNames[change.index()];
}

namespace {
std::string q(const std::string& s) {
  return "\"" + s + "\"";
}
std::string q(const state::QualifiedName& n) {
  return "\"" + n.str() + "\"";
}
}  // namespace

std::string describe(const Change& change) {
  return std::visit(
      Overloaded{
          [](const CreateSchema& c) { return "create schema " + q(c.name); },
          [](const DropSchema& c) { return "drop schema " + q(c.name); },
          [](const CreateExtension& c) { return "create extension " + q(c.extension.name); },
          [](const DropExtension& c) { return "drop extension " + q(c.extension.name); },
          [](const CreateEnum& c) { return "create enum " + q(c.enumeration.name); },
          [](const DropEnum& c) { return "drop enum " + q(c.enumeration.name); },
          [](const AddEnumValue& c) {
            return "add value " + q(c.value) + " to enum " + q(c.from.name);
          },
          [](const ReplaceEnum& c) {
            std::string removed;
            for (const auto& v : c.removed_values())
              removed += (removed.empty() ? "" : ", ") + q(v);
            return "replace enum " + q(c.from.name) +
                   (removed.empty() ? ", reordering its values" : ", removing " + removed);
          },
          [](const CreateTable& c) { return "create table " + q(c.table.name); },
          [](const DropTable& c) { return "drop table " + q(c.table.name); },
          [](const RenameTable& c) { return "rename table " + q(c.from) + " to " + q(c.to); },
          [](const AddColumn& c) { return "add column " + q(c.column.name) + " to " + q(c.table); },
          [](const DropColumn& c) {
            return "drop column " + q(c.column.name) + " from " + q(c.table);
          },
          [](const RenameColumn& c) {
            return "rename column " + q(c.from) + " of " + q(c.table) + " to " + q(c.to);
          },
          [](const RenameConstraint& c) {
            return "rename constraint " + q(c.from) + " of " + q(c.table) + " to " + q(c.to);
          },
          [](const RenameIndex& c) {
            return "rename index " + q(c.index.name) + " of " + q(c.table) + " to " + q(c.to);
          },
          [](const AlterColumn& c) {
            std::string what;
            auto add = [&](const char* s) { what += what.empty() ? s : std::string(", ") + s; };
            if (c.from.type != c.to.type)
              add("type");
            if (c.from.default_sql != c.to.default_sql)
              add("default");
            if (c.from.nullable != c.to.nullable)
              add("nullability");
            if (c.from.identity != c.to.identity)
              add("identity");
            if (c.from.generated != c.to.generated)
              add("generated");
            if (c.from.collation != c.to.collation)
              add("collation");
            if (c.from.comment != c.to.comment)
              add("comment");
            return "alter column " + q(c.to.name) + " of " + q(c.table) + " (" + what + ")";
          },
          [](const AddPrimaryKey& c) {
            return "add primary key " + q(c.key.name) + " to " + q(c.table);
          },
          [](const DropPrimaryKey& c) {
            return "drop primary key " + q(c.key.name) + " from " + q(c.table);
          },
          [](const AddUnique& c) { return "add unique " + q(c.unique.name) + " to " + q(c.table); },
          [](const DropUnique& c) {
            return "drop unique " + q(c.unique.name) + " from " + q(c.table);
          },
          [](const AddForeignKey& c) {
            return "add foreign key " + q(c.key.name) + " to " + q(c.table);
          },
          [](const DropForeignKey& c) {
            return "drop foreign key " + q(c.key.name) + " from " + q(c.table);
          },
          [](const AddCheck& c) { return "add check " + q(c.check.name) + " to " + q(c.table); },
          [](const DropCheck& c) {
            return "drop check " + q(c.check.name) + " from " + q(c.table);
          },
          [](const CreateIndex& c) {
            return "create index " + q(c.index.name) + " on " + q(c.table);
          },
          [](const DropIndex& c) { return "drop index " + q(c.index.name) + " on " + q(c.table); },
          [](const AddPartition& c) {
            return "add partition " + q(c.partition.name) + " to " + q(c.table);
          },
          [](const DropPartition& c) {
            return "drop partition " + q(c.partition.name) + " of " + q(c.table);
          },
          [](const CreateView& c) { return "create view " + q(c.view.name); },
          [](const DropView& c) { return "drop view " + q(c.view.name); },
          [](const SetTableComment& c) { return "set comment of table " + q(c.table); },
          [](const SetEnumComment& c) { return "set comment of enum " + q(c.enumeration); },
          [](const SetViewComment& c) { return "set comment of view " + q(c.view); },
          [](const RebuildTable& c) {
            return "rebuild table " + q(c.to.name) + ", copying its rows";
          },
          [](const ValidateConstraint& c) {
            return "validate " + c.what + " " + q(c.name) + " of " + q(c.table);
          },
      },
      change);
}

}  // namespace keel::planner
