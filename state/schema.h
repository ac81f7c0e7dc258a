// The schema model: a plain value description of a database, shared by the TOML reader,
// the dialects (inspect) and the planner (diff). No SQL is executed or parsed here.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace keel::state {

/// A schema-qualified object name. SQLite objects live in schema "main".
struct QualifiedName {
  std::string schema{};
  std::string name{};

  auto operator<=>(const QualifiedName&) const = default;
  bool operator==(const QualifiedName&) const = default;
  /// "schema.name" (no quoting); used in messages and as the TOML key.
  [[nodiscard]] std::string str() const { return schema + "." + name; }
};

/// The text of an enum (or other user) type in Column::type: "schema.name", each part written
/// in double quotes (with quotes doubled) unless it matches [a-z_][a-z0-9_]*. Both the TOML
/// reader and every inspector spell user types with this function, so they compare equal.
/// Example: `type_name({"public", "agent_status"})` is "public.agent_status".
inline std::string type_name(const QualifiedName& name) {
  // Called for every column by the planner and the TOML writer: one allocation, no temporaries.
  auto plain = [](const std::string& s) {
    if (s.empty() || (s[0] >= '0' && s[0] <= '9')) {
      return false;
    }
    for (char c : s) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return true;
  };
  auto append = [&](std::string& out, const std::string& s) {
    if (plain(s)) {
      out += s;
      return;
    }
    out += '"';
    for (char c : s) {
      out += c;
      if (c == '"') {
        out += '"';
      }
    }
    out += '"';
  };
  std::string out;
  out.reserve(name.schema.size() + name.name.size() + 5);
  append(out, name.schema);
  out += '.';
  append(out, name.name);
  return out;
}

enum class Identity { None, Always, ByDefault };
enum class FkAction { NoAction, Restrict, Cascade, SetNull, SetDefault };
enum class NullsOrder { Default, First, Last };

/// A column. `type` is the normalized type name (PostgreSQL's `format_type` spelling, e.g.
/// "character varying(255)"); an enum is named by its qualified name ("public.status"), arrays
/// end in "[]". `default_sql` is a normalized SQL expression ("'draft'", "0", "now()").
struct Column {
  std::string name{};
  std::string type{};
  bool nullable = false;
  std::optional<std::string> default_sql{};
  Identity identity = Identity::None;
  std::optional<std::string> generated{};  ///< STORED generated column expression
  std::optional<std::string> collation{};
  std::optional<std::string> comment{};
  // Directives of the desired state; never part of a column's definition (not inspected,
  // not in the canonical form or fingerprint).
  std::optional<std::string> renamed_from{};
  std::optional<std::string> backfill{};

  /// Same definition: every field except the directives.
  [[nodiscard]] bool same_definition(const Column& other) const;
  bool operator==(const Column&) const = default;
};

/// One key of an index: a column, or an expression when `expression` is set.
struct IndexKey {
  std::string column{};                     ///< column name; empty for an expression key
  std::optional<std::string> expression{};  ///< SQL expression, e.g. "lower(email)"
  bool descending = false;
  NullsOrder nulls = NullsOrder::Default;  ///< Default means the engine's default for the direction
  std::optional<std::string> collation{};
  std::optional<std::string> opclass{};

  bool operator==(const IndexKey&) const = default;
};

struct Index {
  std::string name{};
  std::vector<IndexKey> keys{};
  bool unique = false;
  std::string method = "btree";
  std::optional<std::string> where{};  ///< partial index predicate
  std::vector<std::string> include{};  ///< INCLUDE columns
  bool valid =
      true;  ///< false for an INVALID index left by a failed concurrent build (inspect only)

  bool operator==(const Index&) const = default;
};

struct PrimaryKey {
  std::string name{};
  std::vector<std::string> columns{};
  bool operator==(const PrimaryKey&) const = default;
};

struct UniqueConstraint {
  std::string name{};
  std::vector<std::string> columns{};
  bool deferrable = false;
  bool initially_deferred = false;
  bool operator==(const UniqueConstraint&) const = default;
};

struct ForeignKey {
  std::string name{};
  std::vector<std::string> columns{};
  QualifiedName ref_table{};
  std::vector<std::string> ref_columns{};
  FkAction on_delete = FkAction::NoAction;
  FkAction on_update = FkAction::NoAction;
  bool deferrable = false;
  bool initially_deferred = false;
  bool valid = true;  ///< false while NOT VALID (inspect only)
  bool operator==(const ForeignKey&) const = default;
};

struct Check {
  std::string name{};
  std::string expr{};
  bool valid = true;  ///< false while NOT VALID (inspect only)
  bool operator==(const Check&) const = default;
};

/// A partition of a partitioned table; `bound` is "FOR VALUES ..." or "DEFAULT".
struct Partition {
  QualifiedName name{};
  std::string bound{};
  bool operator==(const Partition&) const = default;
};

struct Table {
  QualifiedName name{};
  std::vector<Column> columns{};  ///< in creation order
  std::optional<PrimaryKey> primary_key{};
  std::vector<UniqueConstraint> uniques{};  ///< sorted by name
  std::vector<ForeignKey> foreign_keys{};   ///< sorted by name
  std::vector<Check> checks{};              ///< sorted by name
  std::vector<Index> indexes{};             ///< sorted by name; excludes constraint indexes
  std::optional<std::string> comment{};
  std::optional<std::string> partition_by{};    ///< e.g. "RANGE (created_at)"
  std::vector<Partition> partitions{};          ///< sorted by name
  std::optional<QualifiedName> renamed_from{};  ///< directive of the desired state

  [[nodiscard]] const Column* find_column(const std::string& column) const;
  [[nodiscard]] Column* find_column(const std::string& column);
  [[nodiscard]] const Index* find_index(const std::string& index) const;
  bool operator==(const Table&) const = default;
};

struct Enum {
  QualifiedName name{};
  std::vector<std::string> values{};
  std::optional<std::string> comment{};
  bool operator==(const Enum&) const = default;
};

struct View {
  QualifiedName name{};
  std::string sql{};  ///< the query, normalized by the dialect that inspected it
  std::optional<std::string> comment{};
  bool operator==(const View&) const = default;
};

struct Extension {
  std::string name{};
  std::optional<std::string> schema{};  ///< schema the extension lives in, when not the default
  bool operator==(const Extension&) const = default;
};

/// `[settings]`: how names are resolved and which objects keel manages.
struct Settings {
  std::string schema = "public";       ///< schema of unqualified names
  std::vector<std::string> schemas{};  ///< managed schemas; empty means every non-system one
  std::vector<std::string> exclude{};  ///< table/view/enum name globs keel leaves alone
  bool operator==(const Settings&) const = default;
};

/// A whole database schema, desired or live. Maps keep names sorted, so iteration is stable.
struct Schema {
  Settings settings{};
  std::vector<Extension> extensions{};  ///< sorted by name
  std::map<QualifiedName, Enum> enums{};
  std::map<QualifiedName, Table> tables{};
  std::map<QualifiedName, View> views{};

  [[nodiscard]] const Table* find_table(const QualifiedName& name) const;
  [[nodiscard]] Table* find_table(const QualifiedName& name);
  [[nodiscard]] const Enum* find_enum(const QualifiedName& name) const;
  bool operator==(const Schema&) const = default;
};

/// Sorts every name-ordered list (constraints, indexes, partitions, extensions), so two models
/// built in different orders compare equal. Column order is kept.
void sort_canonical(Schema& schema);

/// True when sort_canonical would leave `schema` as it is.
[[nodiscard]] bool is_sort_canonical(const Schema& schema);

/// True when `name` matches a glob of `*` and `?` (used by `settings.exclude`).
[[nodiscard]] bool glob_match(const std::string& glob, const std::string& name);

/// True when settings exclude the object: its name or "schema.name" matches an exclude glob.
[[nodiscard]] bool is_excluded(const Settings& settings, const QualifiedName& name);

}  // namespace keel::state
