// Logical change kinds: what must happen to one object, independent of any SQL dialect.
// Each kind keeps the full old definition it replaces, so every change can be inverted.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "state/schema.h"

namespace keel::planner {

using state::QualifiedName;

/// A schema that desired objects live in but the database lacks (`CREATE SCHEMA IF NOT EXISTS`).
struct CreateSchema {
  std::string name{};
};
/// Drops a schema created by CreateSchema (only ever the reverse of one; fails unless empty).
struct DropSchema {
  std::string name{};
};
struct CreateExtension {
  state::Extension extension{};
};
struct DropExtension {
  state::Extension extension{};
};
struct CreateEnum {
  state::Enum enumeration{};
};
struct DropEnum {
  state::Enum enumeration{};
};
/// `ALTER TYPE ... ADD VALUE v BEFORE/AFTER neighbour`; `from` and `to` are the whole enum.
struct AddEnumValue {
  state::Enum from{};
  state::Enum to{};
  std::string value{};
  std::optional<std::string> before{};
  std::optional<std::string> after{};
  std::vector<std::pair<QualifiedName, state::Column>> users{};   ///< for the reverse type swap
  std::vector<std::pair<QualifiedName, state::Index>> indexes{};  ///< for the reverse type swap
  std::vector<std::pair<QualifiedName, state::Check>> checks{};   ///< for the reverse type swap
};
/// A removal or reorder of enum values: the type is swapped for a new one and every column
/// using it is converted through text.
struct ReplaceEnum {
  state::Enum from{};
  state::Enum to{};
  std::vector<std::pair<QualifiedName, state::Column>> users{};  ///< (table, column) using it
  /// Indexes and checks whose expressions read those columns: they compare with the old type,
  /// so they are dropped before the swap and recreated after it.
  std::vector<std::pair<QualifiedName, state::Index>> indexes{};
  std::vector<std::pair<QualifiedName, state::Check>> checks{};

  /// The values of `from` that `to` no longer has, in `from`'s order (none: a reordering).
  [[nodiscard]] std::vector<std::string> removed_values() const;
};
/// Creates a table with its columns, primary key, unique constraints, checks and (where the
/// engine cannot add them later) foreign keys. Indexes and partitions are separate changes.
struct CreateTable {
  state::Table table{};
  bool with_foreign_keys = false;
};
/// `keep_as`: when set, the table is moved aside under this name (in the engine's trash area)
/// instead of being dropped, so that rollback can bring it back with its rows.
struct DropTable {
  state::Table table{};
  bool with_foreign_keys = false;
  std::optional<std::string> keep_as{};
};
struct RenameTable {
  QualifiedName from{};
  QualifiedName to{};
};
struct AddColumn {
  QualifiedName table{};
  state::Column column{};
};
/// `keep_as`: when set, the column's values are copied with the table's primary key
/// (`key`) into a side table of that name before the drop, so rollback can restore them.
struct DropColumn {
  QualifiedName table{};
  state::Column column{};
  std::optional<std::string> keep_as{};
  std::vector<std::string> key{};
};
struct RenameColumn {
  QualifiedName table{};
  std::string from{};
  std::string to{};
};
/// Any change of a column's definition: type, default, nullability, identity, generated
/// expression, collation or comment. The dialect renders only the parts that differ.
struct AlterColumn {
  QualifiedName table{};
  state::Column from{};
  state::Column to{};
};
/// `partitioned`: the table is a partitioned parent, whose indexes cannot be built
/// concurrently (the same flag on the unique, index and drop kinds below).
struct AddPrimaryKey {
  QualifiedName table{};
  state::PrimaryKey key{};
  bool partitioned = false;
};
struct DropPrimaryKey {
  QualifiedName table{};
  state::PrimaryKey key{};
  bool partitioned = false;
};
struct AddUnique {
  QualifiedName table{};
  state::UniqueConstraint unique{};
  bool partitioned = false;
};
struct DropUnique {
  QualifiedName table{};
  state::UniqueConstraint unique{};
  bool partitioned = false;
};
/// `not_valid`: added without checking existing rows; a ValidateConstraint step follows.
struct AddForeignKey {
  QualifiedName table{};
  state::ForeignKey key{};
  bool table_is_new = false;
  bool not_valid = false;
};
struct DropForeignKey {
  QualifiedName table{};
  state::ForeignKey key{};
  bool table_is_new = false;
};
struct AddCheck {
  QualifiedName table{};
  state::Check check{};
  bool not_valid = false;
};
struct DropCheck {
  QualifiedName table{};
  state::Check check{};
};
/// `table_is_new` lets the dialect build the index plainly inside the creating transaction.
struct CreateIndex {
  QualifiedName table{};
  state::Index index{};
  bool table_is_new = false;
  bool partitioned = false;
};
struct DropIndex {
  QualifiedName table{};
  state::Index index{};
  bool table_is_new = false;
  bool partitioned = false;
};
struct AddPartition {
  QualifiedName table{};
  state::Partition partition{};
};
struct DropPartition {
  QualifiedName table{};
  state::Partition partition{};
};
struct CreateView {
  state::View view{};
};
struct DropView {
  state::View view{};
};
struct SetTableComment {
  QualifiedName table{};
  std::optional<std::string> from{};
  std::optional<std::string> to{};
};
struct SetEnumComment {
  QualifiedName enumeration{};
  std::optional<std::string> from{};
  std::optional<std::string> to{};
};
struct SetViewComment {
  QualifiedName view{};
  std::optional<std::string> from{};
  std::optional<std::string> to{};
};
/// Recreates a table in its new shape and copies the rows over (SQLite, where ALTER TABLE
/// cannot express the change). `to` keeps the columns of `from` it copies by name; columns in
/// `renamed` map a new name to the old one it is copied from.
struct RebuildTable {
  state::Table from{};
  state::Table to{};
  std::vector<std::pair<std::string, std::string>> renamed{};  ///< (new name, old name)
  /// When set, the values of the columns the rebuild drops are first copied, with the primary
  /// key (`key`), into a side table of this name, so that rollback can restore them.
  std::optional<std::string> keep_as{};
  std::vector<std::string> key{};
};

/// Checks the existing rows against a constraint added NOT VALID (or left NOT VALID), in a
/// transaction of its own so that writers are not blocked while it scans. `what` is
/// "foreign key" or "check". Nothing to undo: dropping the constraint undoes its addition.
struct ValidateConstraint {
  QualifiedName table{};
  std::string name{};
  std::string what{};
};

/// A constraint (primary key, unique, foreign key, check) renamed along with its table: its name
/// was the default one for the old table name and is the default one for the new. An index
/// behind a primary key or unique constraint is renamed with it.
struct RenameConstraint {
  QualifiedName table{};
  std::string from{};
  std::string to{};
};

/// An index renamed along with its table, as RenameConstraint. `index` is its definition under
/// its old name (an engine without ALTER INDEX ... RENAME builds it again).
struct RenameIndex {
  QualifiedName table{};
  state::Index index{};
  std::string to{};
};

using Change =
    std::variant<CreateSchema, DropSchema, CreateExtension, DropExtension, CreateEnum, DropEnum,
                 AddEnumValue, ReplaceEnum, CreateTable, DropTable, RenameTable, AddColumn,
                 DropColumn, RenameColumn, AlterColumn, AddPrimaryKey, DropPrimaryKey, AddUnique,
                 DropUnique, AddForeignKey, DropForeignKey, AddCheck, DropCheck, CreateIndex,
                 DropIndex, AddPartition, DropPartition, CreateView, DropView, SetTableComment,
                 SetEnumComment, SetViewComment, RebuildTable, ValidateConstraint, RenameConstraint,
                 RenameIndex>;

/// The change that undoes `change`.
[[nodiscard]] Change invert(const Change& change);

/// A short kind name for messages and JSON, e.g. "add_column".
[[nodiscard]] std::string kind_name(const Change& change);

/// The object a change is about, for messages: `table "public.users" column "email"`.
[[nodiscard]] std::string describe(const Change& change);

/// Helper for std::visit with a set of lambdas.
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace keel::planner
