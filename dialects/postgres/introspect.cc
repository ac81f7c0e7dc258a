// The catalog queries follow the shapes in docs/online-ddl §8 (and pg-schema-diff's
// internal/queries/queries.sql). They run with search_path = pg_catalog, pg_temp, so that
// format_type, pg_get_expr and pg_get_viewdef qualify every user object (never ambiguous).
#include "dialects/postgres/introspect.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dialects/dialect.h"
#include "dialects/postgres/normalize.h"
#include "dialects/sql.h"

namespace keel::dialects::postgres {

namespace {

// Extension members are linked to their extension by a pg_depend row of type 'e' whose classid
// is the member's own catalog; pairing a type with 'pg_class' would silently exclude nothing.
// They are found from the extension's side (refclassid, on pg_depend's reference index): a few
// rows, where probing pg_depend for every table would read all of it on a large schema.
constexpr std::string_view kSchemasQuery = R"(
SELECT n.oid, n.nspname
FROM pg_namespace n
WHERE n.nspname NOT IN ('information_schema', 'keel', 'keel_trash')
  AND n.nspname !~ '^pg_'
  AND n.oid NOT IN (SELECT e.objid FROM pg_depend e
    WHERE e.refclassid = 'pg_extension'::regclass AND e.classid = 'pg_namespace'::regclass
      AND e.deptype = 'e')
ORDER BY n.nspname)";

// Tables (r), partitioned tables (p), views (v), and partitions of managed tables even when
// they live in an unmanaged schema.
constexpr std::string_view kRelationsQuery = R"(
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relispartition, i.inhparent,
  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
  CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid, true) END,
  CASE WHEN c.relkind = 'v' THEN pg_get_viewdef(c.oid, true) END,
  d.description, c.relnatts
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_inherits i ON c.relispartition AND i.inhrelid = c.oid
LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass
  AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'v')
  AND (c.relnamespace = ANY ($S)
       OR (c.relispartition AND EXISTS (SELECT 1 FROM pg_class pc WHERE pc.oid = i.inhparent
                                        AND pc.relnamespace = ANY ($S))))
  AND c.oid NOT IN (SELECT e.objid FROM pg_depend e
    WHERE e.refclassid = 'pg_extension'::regclass AND e.classid = 'pg_class'::regclass
      AND e.deptype = 'e')
ORDER BY c.relispartition, n.nspname, c.relname)";

// The tables whose columns, constraints and indexes are read: partitions are not tables.
constexpr std::string_view kTableFilter =
    "c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relnamespace = ANY ($S)";

// Columns, with only what differs from column to column: types and collations come as oids
// and defaults as stored trees, and format_type, pg_get_expr and the type and collation lookups
// run once per distinct value afterwards (kTypesQuery, kDefaultsQuery, kCollationsQuery), not
// once per column: a large schema repeats a few hundred of each over hundreds of thousands of
// columns. attnum and attcollation also let constraints and indexes name their columns without
// a sub-query per row. Rows come unordered (read_columns orders them), as do those of the
// constraint and index queries (their lists are sorted into canonical order).
constexpr std::string_view kColumnsQuery = R"(
SELECT a.attrelid, a.attname, a.atttypid, a.attnotnull, a.attidentity, a.attgenerated,
  ad.adbin::text, d.description, a.attnum, a.attcollation, a.atttypmod
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass
  AND d.objsubid = a.attnum
WHERE $TABLES AND a.attnum > 0 AND NOT a.attisdropped)";

// Constraints declared on the table itself: conparentid <> 0 rows are the copies PostgreSQL
// adds for each partition of a referenced partitioned table. Columns come as attnum arrays.
constexpr std::string_view kConstraintsQuery = R"(
SELECT con.conrelid, con.conname, con.contype, con.condeferrable, con.condeferred,
  con.convalidated, fn.nspname, fc.relname, con.confupdtype, con.confdeltype,
  con.conkey, con.confkey, con.confrelid,
  CASE WHEN con.contype = 'c' THEN con.conbin::text END, con.oid, con.connoinherit
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE $TABLES AND con.contype IN ('p', 'u', 'f', 'c') AND con.conparentid = 0)";

// Indexes that no PRIMARY KEY / UNIQUE / EXCLUDE constraint owns, with the raw key vectors
// (attnums, collations, options, operator classes). Expression text and the expression types'
// default collations are fetched only for indexes that have expressions. Predicates come as
// stored trees (deparsed once per distinct one, kPredicatesQuery) and operator classes as oids
// (named by kOpclassesQuery).
constexpr std::string_view kIndexesQuery = R"(
SELECT i.indrelid, ic.relname, am.amname, i.indisunique, i.indisvalid, i.indnkeyatts,
  i.indkey, i.indcollation, i.indoption, i.indpred::text,
  CASE WHEN i.indexprs IS NOT NULL THEN
    ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
          FROM generate_series(1, i.indnkeyatts) k ORDER BY k) END,
  CASE WHEN i.indexprs IS NOT NULL THEN
    ARRAY(SELECT t.typcollation FROM pg_attribute ia JOIN pg_type t ON t.oid = ia.atttypid
          WHERE ia.attrelid = i.indexrelid AND ia.attnum > 0 ORDER BY ia.attnum) END,
  i.indclass, i.indexrelid
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE $TABLES
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid
                  AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')))";

// Looked up only for what the queries above leave as oids: columns of referenced tables that
// are not read, and collations of index keys.
constexpr std::string_view kAttributesQuery = R"(
SELECT a.attrelid, a.attnum, a.attname FROM pg_attribute a
WHERE a.attrelid = ANY ($OIDS) AND a.attnum > 0)";

// The second steps of the queries above: one call of the deparsing functions per distinct
// value. $A and $B are arrays of the same length; u.i numbers their elements from 1.
// Per distinct (type, typmod): its SQL name; whether it, or its element type for an array, is
// an enum, with that type's schema and name; whether it is an array; its default collation.
constexpr std::string_view kTypesQuery = R"(
SELECT u.i, format_type(u.a, u.b), et.typtype = 'e', etn.nspname, et.typname, et.oid <> t.oid,
  t.typcollation
FROM unnest($A::oid[], $B::int4[]) WITH ORDINALITY u(a, b, i)
JOIN pg_type t ON t.oid = u.a
JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem
                                 ELSE t.oid END
JOIN pg_namespace etn ON etn.oid = et.typnamespace)";

constexpr std::string_view kDefaultsQuery = R"(
SELECT u.i, pg_get_expr(ad.adbin, ad.adrelid, true)
FROM unnest($A::oid[], $B::int2[]) WITH ORDINALITY u(a, b, i)
JOIN pg_attrdef ad ON ad.adrelid = u.a AND ad.adnum = u.b)";

constexpr std::string_view kChecksQuery = R"(
SELECT u.i, pg_get_constraintdef(con.oid, true)
FROM unnest($A::oid[], $B::int4[]) WITH ORDINALITY u(a, b, i)
JOIN pg_constraint con ON con.oid = u.a)";

constexpr std::string_view kPredicatesQuery = R"(
SELECT u.i, pg_get_expr(ix.indpred, ix.indrelid, true)
FROM unnest($A::oid[], $B::int4[]) WITH ORDINALITY u(a, b, i)
JOIN pg_index ix ON ix.indexrelid = u.a)";

constexpr std::string_view kOpclassesQuery = R"(
SELECT oc.oid, oc.opcname, oc.opcdefault FROM pg_opclass oc WHERE oc.oid = ANY ($OIDS))";

constexpr std::string_view kCollationsQuery = R"(
SELECT co.oid, co.collname, n.nspname FROM pg_collation co
JOIN pg_namespace n ON n.oid = co.collnamespace WHERE co.oid = ANY ($OIDS))";

constexpr std::string_view kEnumsQuery = R"(
SELECT n.nspname, t.typname,
  ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),
  d.description
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_description d ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass
  AND d.objsubid = 0
WHERE t.typtype = 'e' AND t.typnamespace = ANY ($S)
  AND t.oid NOT IN (SELECT e.objid FROM pg_depend e
    WHERE e.refclassid = 'pg_extension'::regclass AND e.classid = 'pg_type'::regclass
      AND e.deptype = 'e')
ORDER BY n.nspname, t.typname)";

// plpgsql is installed in every database; it is not part of anyone's schema.
constexpr std::string_view kExtensionsQuery = R"(
SELECT e.extname, n.nspname
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname)";

std::string substitute(std::string_view query, const std::string& schemas) {
  std::string out(query);
  for (std::size_t at = out.find("$TABLES"); at != std::string::npos; at = out.find("$TABLES")) {
    out.replace(at, 7, kTableFilter);
  }
  for (std::size_t at = out.find("$S"); at != std::string::npos; at = out.find("$S", at)) {
    out.replace(at, 2, schemas);
  }
  return out;
}

std::vector<std::string> names(std::string_view array_text) {
  std::vector<std::string> out;
  for (auto& element : parse_text_array(array_text)) {
    out.push_back(element.value_or(""));
  }
  return out;
}

std::uint32_t to_oid(std::string_view text) {
  std::uint32_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// The numbers of an int2vector or oidvector ("1 2 0").
std::vector<std::uint32_t> numbers(std::string_view text) {
  std::vector<std::uint32_t> out;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find(' ', begin);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    out.push_back(to_oid(text.substr(begin, end - begin)));
    begin = end + 1;
  }
  return out;
}

// Sorts `oids` and drops the repeats.
void sort_unique(std::vector<std::uint32_t>& oids) {
  std::sort(oids.begin(), oids.end());
  oids.erase(std::unique(oids.begin(), oids.end()), oids.end());
}

std::string substitute_oids(std::string_view query, const std::vector<std::uint32_t>& oids) {
  std::string list;
  for (std::uint32_t oid : oids) {
    list += (list.empty() ? "" : ",") + std::to_string(oid);
  }
  std::string out(query);
  const std::size_t at = out.find("$OIDS");
  out.replace(at, 5, "'{" + list + "}'::oid[]");
  return out;
}

// substitute_oids, or nullopt when there is no oid to ask about.
std::optional<std::string> oids_query(std::string_view query,
                                      const std::vector<std::uint32_t>& oids) {
  if (oids.empty()) {
    return std::nullopt;
  }
  return substitute_oids(query, oids);
}

// A collation as Column::collation and IndexKey::collation hold it: "C", or "schema.name"
// outside pg_catalog.
std::string collation_name(std::string_view schema, std::string_view name) {
  if (schema == "pg_catalog") {
    return std::string(name);
  }
  return std::string(schema) + "." + std::string(name);
}

struct ColumnInfo {
  std::string name{};
  std::uint32_t collation = 0;
};

std::int64_t to_int(std::string_view text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

bool is_field_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// What deparsing a stored expression (the text of a pg_node_tree: a default, a CHECK, an index
// predicate) depends on: the tree without its `:location` fields (offsets into the statement
// that created the object, never printed), with each Var's column number replaced by the
// column's name (the only thing deparsing reads of the table). Trees with equal keys deparse to
// equal text. Nullopt when a Var names no column in `columns` (the whole row, a system column):
// such a tree is deparsed on its own. Field names are recognised only after an unescaped space,
// so text inside a string token (where spaces are escaped) is never mistaken for a field.
std::optional<std::string> tree_key(std::string_view tree, const std::vector<ColumnInfo>* columns) {
  std::string out;
  out.reserve(tree.size());
  std::size_t i = 0;
  while (i < tree.size()) {
    const bool field =
        tree[i] == ':' && i >= 1 && tree[i - 1] == ' ' && (i < 2 || tree[i - 2] != '\\');
    if (!field) {
      out += tree[i++];
      continue;
    }
    std::size_t end = i + 1;
    while (end < tree.size() && is_field_char(tree[end])) {
      ++end;
    }
    const std::string_view name = tree.substr(i + 1, end - i - 1);
    const bool location = name == "location";
    const bool attno = name == "varattno" || name == "varattnosyn";
    if (!location && !attno) {
      out.append(tree.substr(i, end - i));
      i = end;
      continue;
    }
    std::size_t value = end;
    if (value < tree.size() && tree[value] == ' ') {
      ++value;
    }
    std::size_t value_end = value;
    if (value_end < tree.size() && tree[value_end] == '-') {
      ++value_end;
    }
    while (value_end < tree.size() && tree[value_end] >= '0' && tree[value_end] <= '9') {
      ++value_end;
    }
    if (location) {
      i = value_end;
      continue;
    }
    const std::int64_t number = to_int(tree.substr(value, value_end - value));
    if (columns == nullptr || number <= 0 ||
        static_cast<std::uint64_t>(number) >= columns->size() ||
        (*columns)[static_cast<std::size_t>(number)].name.empty()) {
      return std::nullopt;
    }
    const std::string& column = (*columns)[static_cast<std::size_t>(number)].name;
    out.append(tree.substr(i, end - i));
    out += ' ';
    out += std::to_string(column.size());  // length-prefixed: no name can run into the next field
    out += ':';
    out += column;
    i = value_end;
  }
  return out;
}

// The array literal of `values`, e.g. "'{1,2}'".
std::string array_literal(const std::vector<std::int64_t>& values) {
  std::string list;
  for (std::int64_t value : values) {
    list += (list.empty() ? "" : ",") + std::to_string(value);
  }
  return "'{" + list + "}'";
}

// Catalog functions (format_type, pg_get_expr, pg_get_constraintdef) evaluated once per
// distinct argument instead of once per row: a large schema repeats a few hundred types and
// default expressions over hundreds of thousands of columns. Each distinct key keeps the first
// row (a, b) that had it, and a query of those rows gives the text of every key.
class Distinct {
 public:
  /// The slot of `key`; (a, b) identifies a row to evaluate it on.
  std::size_t add(std::string key, std::int64_t a, std::int64_t b) {
    const auto [it, inserted] = slots_.try_emplace(std::move(key), a_.size());
    if (inserted) {
      a_.push_back(a);
      b_.push_back(b);
    }
    return it->second;
  }
  /// A slot of its own (a value that cannot be shared).
  std::size_t add_unique(std::int64_t a, std::int64_t b) {
    a_.push_back(a);
    b_.push_back(b);
    return a_.size() - 1;
  }
  static constexpr std::size_t kNoRow = static_cast<std::size_t>(-1);
  /// The query of the representatives: `query` with their arrays as $A and $B, returning the
  /// 1-based position of each, its text and any further columns. Nullopt when there are none.
  [[nodiscard]] std::optional<std::string> sql(std::string_view query) const {
    if (a_.empty()) {
      return std::nullopt;
    }
    std::string sql(query);
    sql.replace(sql.find("$A"), 2, array_literal(a_));
    sql.replace(sql.find("$B"), 2, array_literal(b_));
    return sql;
  }
  /// The row of each slot in `rows` (the result of sql()), kNoRow where it returned none.
  [[nodiscard]] std::vector<std::size_t> rows_of(const Rows& rows) const {
    std::vector<std::size_t> row_of(a_.size(), kNoRow);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::size_t slot = rows.oid(r, 0);
      if (slot >= 1 && slot <= row_of.size()) {
        row_of[slot - 1] = r;
      }
    }
    return row_of;
  }
  /// The text of each slot (the second column of its row), nullopt where there is none.
  [[nodiscard]] std::vector<std::optional<std::string>> texts(const Rows& rows) const {
    std::vector<std::optional<std::string>> out(a_.size());
    const std::vector<std::size_t> row_of = rows_of(rows);
    for (std::size_t slot = 0; slot < out.size(); ++slot) {
      if (row_of[slot] != kNoRow) {
        out[slot] = rows.optional(row_of[slot], 1);
      }
    }
    return out;
  }

 private:
  std::unordered_map<std::string, std::size_t> slots_;
  std::vector<std::int64_t> a_;
  std::vector<std::int64_t> b_;
};

// A query of a batch that may be left out (there is nothing to ask): it then gives no rows.
class Queued {
 public:
  Queued() = default;
  Queued(Batch& batch, const std::optional<std::string>& sql) {
    if (sql) {
      number_ = batch.add(*sql);
    }
  }
  [[nodiscard]] Rows take(Batch& batch) const { return number_ ? batch.take(*number_) : Rows(); }

 private:
  std::optional<std::size_t> number_;
};

state::FkAction fk_action(std::string_view code) {
  if (code == "r") {
    return state::FkAction::Restrict;
  }
  if (code == "c") {
    return state::FkAction::Cascade;
  }
  if (code == "n") {
    return state::FkAction::SetNull;
  }
  if (code == "d") {
    return state::FkAction::SetDefault;
  }
  return state::FkAction::NoAction;
}

bool keel_owned(const std::string& name) {
  return name.starts_with("keel_");
}

// The row numbers of `rows` ordered by two oid columns: a table's oid, then a number in it.
// Sorting here is cheaper than an ORDER BY, which makes the server sort wide rows.
std::vector<std::size_t> by_table_and_number(const Rows& rows, std::size_t table,
                                             std::size_t number) {
  std::vector<std::pair<std::uint64_t, std::size_t>> keys(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    keys[r] = {(std::uint64_t{rows.oid(r, table)} << 32U) | rows.oid(r, number), r};
  }
  std::sort(keys.begin(), keys.end());
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    order[i] = keys[i].second;
  }
  return order;
}

class Inspector {
 public:
  Inspector(Session& session, const state::Settings& settings, bool nested)
      : session_(session), settings_(settings), nested_(nested) {
    schema_.settings = settings;
  }

  state::Schema run() {
    ScratchTransaction snapshot(session_, nested_, true);
    // The catalog queries sort a few thousand wide rows: keep that in memory.
    // JIT compiles each of these queries for a second or more of server time per process and
    // gains nothing on catalog scans. Parallel workers do not pay either: starting them and
    // passing 100,000 rows back through them costs more CPU than they save, and keel reads its
    // schema files on another core meanwhile (a 10,000-table plan: 0.2 s faster without).
    session_.execute(
        "SET LOCAL search_path = pg_catalog, pg_temp; SET LOCAL work_mem = '64MB'; "
        "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0");
    read_schemas();
    if (schema_oids_ == "'{}'::oid[]") {
      read_extensions(session_.query(std::string(kExtensionsQuery)));
    } else {
      read_all();
    }
    state::sort_canonical(schema_);
    return std::move(schema_);
  }

 private:
  // The queries go out in two batches: every catalog query, then every second step their rows
  // call for (the text of each distinct type, default, check and predicate, the names of
  // operator classes and of referenced tables' columns). The server works through a batch
  // while the rows that came already are read here. Collations other than the defaults, rare,
  // are named by one more query.
  void read_all() {
    {
      Batch batch(session_);
      const std::size_t relations = batch.add(query(kRelationsQuery));
      const std::size_t columns = batch.add(query(kColumnsQuery));
      const std::size_t constraints = batch.add(query(kConstraintsQuery));
      const std::size_t indexes = batch.add(query(kIndexesQuery));
      const std::size_t enums = batch.add(query(kEnumsQuery));
      const std::size_t extensions = batch.add(std::string(kExtensionsQuery));
      batch.send();
      read_relations(batch.take(relations));
      read_columns(batch.take(columns));
      read_constraints(batch.take(constraints));
      read_indexes(batch.take(indexes));
      read_enums(batch.take(enums));
      read_extensions(batch.take(extensions));
    }
    {
      Batch batch(session_);
      const Queued attributes(batch, oids_query(kAttributesQuery, missing_attributes_));
      const Queued types(batch, types_.sql(kTypesQuery));
      const Queued defaults(batch, defaults_.sql(kDefaultsQuery));
      const Queued checks(batch, checks_.sql(kChecksQuery));
      const Queued predicates(batch, predicates_.sql(kPredicatesQuery));
      const Queued opclasses(batch, oids_query(kOpclassesQuery, opclass_oids()));
      batch.send();
      finish_foreign_keys(attributes.take(batch));
      finish_types(types.take(batch));
      finish_defaults(defaults.take(batch));
      finish_checks(checks.take(batch));
      finish_predicates(predicates.take(batch));
      finish_opclasses(opclasses.take(batch));
    }
    finish_collations();
  }

  std::string query(std::string_view sql) const { return substitute(sql, schema_oids_); }

  bool managed(const std::string& schema) const {
    return settings_.schemas.empty() ||
           std::find(settings_.schemas.begin(), settings_.schemas.end(), schema) !=
               settings_.schemas.end();
  }

  bool skipped(const state::QualifiedName& name) const {
    return keel_owned(name.name) || state::is_excluded(settings_, name);
  }

  void read_schemas() {
    const Rows rows = session_.query(std::string(kSchemasQuery));
    std::string oids;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::string name(rows.text(r, 1));
      if (!managed(name)) {
        continue;
      }
      if (!oids.empty()) {
        oids += ',';
      }
      oids += rows.text(r, 0);
    }
    schema_oids_ = "'{" + oids + "}'::oid[]";
  }

  void read_relations(const Rows& rows) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::uint32_t oid = rows.oid(r, 0);
      state::QualifiedName name{std::string(rows.text(r, 1)), std::string(rows.text(r, 2))};
      const std::string_view kind = rows.text(r, 3);
      if (rows.flag(r, 4)) {  // a partition: recorded in its parent (rows come after tables)
        const auto parent = tables_.find(rows.oid(r, 5));
        if (parent == tables_.end()) {
          continue;
        }
        parent->second->partitions.push_back(
            {std::move(name), normalize_partition_clause(rows.text(r, 7))});
        continue;
      }
      if (skipped(name)) {
        continue;
      }
      if (kind == "v") {
        state::View view;
        view.name = name;
        view.sql = normalize_view_sql(rows.text(r, 8));
        view.comment = rows.optional(r, 9);
        schema_.views.emplace(std::move(name), std::move(view));
        continue;
      }
      state::Table table;
      table.name = name;
      table.comment = rows.optional(r, 9);
      table.columns.reserve(rows.oid(r, 10));  // dropped columns included: an upper bound
      if (kind == "p") {
        table.partition_by = normalize_partition_clause(rows.text(r, 6));
      }
      auto [it, inserted] = schema_.tables.emplace(std::move(name), std::move(table));
      tables_.emplace(oid, &it->second);
    }
  }

  // Rows come ordered by table: the last answer is remembered.
  state::Table* table(std::uint32_t oid) {
    if (oid != last_table_oid_ || oid == 0) {
      const auto it = tables_.find(oid);
      last_table_ = it == tables_.end() ? nullptr : it->second;
      last_table_oid_ = oid;
    }
    return last_table_;
  }

  void remember_attribute(std::uint32_t relid, std::uint32_t attnum, const std::string& name,
                          std::uint32_t collation) {
    if (relid != last_attributes_oid_ || last_attributes_ == nullptr) {
      last_attributes_ = &attributes_[relid];  // unordered_map: references stay valid
      last_attributes_oid_ = relid;
    }
    std::vector<ColumnInfo>& columns = *last_attributes_;
    if (columns.size() <= attnum) {
      columns.resize(attnum + 1);
    }
    columns[attnum] = {name, collation};
  }

  const ColumnInfo* attribute(std::uint32_t relid, std::uint32_t attnum) const {
    const auto it = attributes_.find(relid);
    if (it == attributes_.end() || attnum >= it->second.size()) {
      return nullptr;
    }
    return &it->second[attnum];
  }

  // Column names of an attnum array such as "{2,1}".
  std::vector<std::string> attribute_names(std::uint32_t relid, std::string_view attnums) const {
    std::vector<std::string> out;
    for (const auto& n : parse_text_array(attnums)) {
      const ColumnInfo* column = attribute(relid, to_oid(n.value_or("0")));
      out.push_back(column != nullptr ? column->name : std::string());
    }
    return out;
  }

  // The columns of a table as far as the names of their numbers, or nullptr.
  const std::vector<ColumnInfo>* attributes(std::uint32_t relid) const {
    const auto it = attributes_.find(relid);
    return it == attributes_.end() ? nullptr : &it->second;
  }

  void read_columns(const Rows& rows) {
    typed_.reserve(rows.size());
    struct Defaulted {  // a column with a default or generation expression
      std::uint32_t relid;
      std::uint32_t attnum;
      std::string_view tree;
    };
    std::vector<Defaulted> trees;
    for (const std::size_t r : by_table_and_number(rows, 0, 8)) {
      const std::uint32_t relid = rows.oid(r, 0);
      state::Table* t = table(relid);
      if (t == nullptr) {
        continue;
      }
      state::Column column;
      column.name = std::string(rows.text(r, 1));
      const std::uint32_t attnum = rows.oid(r, 8);
      const std::uint32_t collation = rows.oid(r, 9);
      remember_attribute(relid, attnum, column.name, collation);
      const std::string_view oid = rows.text(r, 2);
      const std::string_view typmod = rows.text(r, 10);
      std::string key;
      key.reserve(oid.size() + typmod.size() + 1);
      key.append(oid).append(" ").append(typmod);
      typed_.push_back({t, t->columns.size(),
                        types_.add(std::move(key), rows.oid(r, 2), to_int(typmod)), collation});
      column.nullable = !rows.flag(r, 3);
      const std::string_view identity = rows.text(r, 4);
      if (identity == "a") {
        column.identity = state::Identity::Always;
      }
      if (identity == "d") {
        column.identity = state::Identity::ByDefault;
      }
      if (!rows.is_null(r, 6)) {
        defaulted_.push_back({t, t->columns.size(), 0, rows.text(r, 5) == "s"});
        trees.push_back({relid, attnum, rows.text(r, 6)});
      }
      column.comment = rows.optional(r, 7);
      t->columns.push_back(std::move(column));
    }
    // Every column is known now, so generation expressions can be keyed by the names they use.
    for (std::size_t i = 0; i < trees.size(); ++i) {
      const Defaulted& d = trees[i];
      auto key = tree_key(d.tree, attributes(d.relid));
      defaulted_[i].slot = key ? defaults_.add(std::move(*key), d.relid, d.attnum)
                               : defaults_.add_unique(d.relid, d.attnum);
    }
  }

  // Each distinct type once: its name, or for an enum (or an array of one) the name the TOML
  // reader spells; and the collations that differ from their type's default.
  void finish_types(const Rows& rows) {
    const std::string default_prefix = quote_ident(settings_.schema) + ".";
    const std::vector<std::size_t> type_row = types_.rows_of(rows);
    for (const Typed& c : typed_) {
      const std::size_t r = type_row[c.slot];
      if (r == Distinct::kNoRow) {
        continue;
      }
      state::Column& column = c.table->columns[c.column];
      std::string& type = column.type;
      const std::string_view type_schema = rows.text(r, 3);
      if (rows.flag(r, 2)) {
        type = state::type_name({std::string(type_schema), std::string(rows.text(r, 4))});
        if (rows.flag(r, 5)) {
          type += "[]";
        }
      } else {
        type = rows.text(r, 1);
        // A user or extension type of the default schema is written bare: "citext".
        if (type_schema == settings_.schema && type.starts_with(default_prefix)) {
          type.erase(0, default_prefix.size());
        }
      }
      if (c.collation != rows.oid(r, 6)) {
        collations_.push_back({&column.collation, c.collation});
      }
    }
  }

  void finish_defaults(const Rows& rows) {
    const auto texts = defaults_.texts(rows);
    // normalize_default depends on the text and the column's type only.
    std::unordered_map<std::string, std::string> normalized;
    for (const Default& d : defaulted_) {
      const std::optional<std::string>& text = texts[d.slot];
      if (!text) {
        continue;
      }
      state::Column& column = d.table->columns[d.column];
      if (d.generated) {
        column.generated = normalize_expr(*text);
        continue;
      }
      std::string key = std::to_string(d.slot) + " " + column.type;
      auto it = normalized.find(key);
      if (it == normalized.end()) {
        it = normalized.emplace(std::move(key), normalize_default(*text, column.type)).first;
      }
      column.default_sql = it->second;
    }
  }

  void read_constraints(const Rows& rows) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::uint32_t relid = rows.oid(r, 0);
      state::Table* t = table(relid);
      if (t == nullptr) {
        continue;
      }
      std::string name(rows.text(r, 1));
      const std::string_view type = rows.text(r, 2);
      const bool deferrable = rows.flag(r, 3);
      const bool deferred = rows.flag(r, 4);
      const bool valid = rows.flag(r, 5);
      std::vector<std::string> columns = attribute_names(relid, rows.text(r, 10));
      if (type == "p") {
        t->primary_key = state::PrimaryKey{std::move(name), std::move(columns)};
      } else if (type == "u") {
        t->uniques.push_back({std::move(name), std::move(columns), deferrable, deferred});
      } else if (type == "f") {
        state::ForeignKey fk;
        fk.name = std::move(name);
        fk.columns = std::move(columns);
        fk.ref_table = {std::string(rows.text(r, 6)), std::string(rows.text(r, 7))};
        // A referenced table that is not read (another schema, an excluded name) has its
        // columns named by the second batch.
        const std::uint32_t ref = rows.oid(r, 12);
        if (attributes_.contains(ref)) {
          fk.ref_columns = attribute_names(ref, rows.text(r, 11));
        } else {
          missing_attributes_.push_back(ref);
          foreign_keys_.push_back({t, t->foreign_keys.size(), ref, std::string(rows.text(r, 11))});
        }
        fk.on_update = fk_action(rows.text(r, 8));
        fk.on_delete = fk_action(rows.text(r, 9));
        fk.deferrable = deferrable;
        fk.initially_deferred = deferred;
        fk.valid = valid;
        t->foreign_keys.push_back(std::move(fk));
      } else if (type == "c") {
        // pg_get_constraintdef prints the tree, NOT VALID and NO INHERIT.
        auto key = tree_key(rows.text(r, 13), attributes(relid));
        const std::int64_t oid = rows.oid(r, 14);
        std::size_t slot = 0;
        if (key) {
          *key += valid ? " valid" : " not valid";
          *key += rows.flag(r, 15) ? " no inherit" : "";
          slot = checks_.add(std::move(*key), oid, 0);
        } else {
          slot = checks_.add_unique(oid, 0);
        }
        pending_checks_.push_back({t, t->checks.size(), slot});
        t->checks.push_back({std::move(name), {}, valid});
      }
    }
    sort_unique(missing_attributes_);
  }

  void finish_foreign_keys(const Rows& rows) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      remember_attribute(rows.oid(r, 0), rows.oid(r, 1), std::string(rows.text(r, 2)), 0);
    }
    for (const PendingForeignKey& p : foreign_keys_) {
      p.table->foreign_keys[p.foreign_key].ref_columns = attribute_names(p.ref, p.attnums);
    }
  }

  void finish_checks(const Rows& rows) {
    const auto texts = checks_.texts(rows);
    std::unordered_map<std::size_t, std::string> expressions;  // by slot
    for (const PendingCheck& c : pending_checks_) {
      auto it = expressions.find(c.slot);
      if (it == expressions.end()) {
        it = expressions.emplace(c.slot, check_expression(texts[c.slot].value_or(""))).first;
      }
      c.table->checks[c.check].expr = it->second;
    }
  }

  void read_indexes(const Rows& rows) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::uint32_t relid = rows.oid(r, 0);
      state::Table* t = table(relid);
      if (t == nullptr) {
        continue;
      }
      state::Index index;
      index.name = std::string(rows.text(r, 1));
      index.method = std::string(rows.text(r, 2));
      index.unique = rows.flag(r, 3);
      index.valid = rows.flag(r, 4);
      const std::size_t key_count = rows.oid(r, 5);
      const std::vector<std::uint32_t> attnums = numbers(rows.text(r, 6));
      const std::vector<std::uint32_t> collations = numbers(rows.text(r, 7));
      const std::vector<std::uint32_t> options = numbers(rows.text(r, 8));
      if (!rows.is_null(r, 9)) {
        const std::int64_t oid = rows.oid(r, 13);
        auto key = tree_key(rows.text(r, 9), attributes(relid));
        predicates_pending_.push_back(
            {t, t->indexes.size(),
             key ? predicates_.add(std::move(*key), oid, 0) : predicates_.add_unique(oid, 0)});
      }
      const auto expressions = parse_text_array(rows.text(r, 10));
      const auto expression_collations = parse_text_array(rows.text(r, 11));
      const std::vector<std::uint32_t> classes = numbers(rows.text(r, 12));
      for (std::size_t k = 0; k < attnums.size(); ++k) {
        const ColumnInfo* column = attribute(relid, attnums[k]);
        if (k >= key_count) {
          index.include.push_back(column != nullptr ? column->name : std::string());
          continue;
        }
        state::IndexKey key;
        std::uint32_t default_collation = 0;
        if (attnums[k] == 0) {
          key.expression =
              normalize_expr(k < expressions.size() ? expressions[k].value_or("") : "");
          if (k < expression_collations.size()) {
            default_collation = to_oid(expression_collations[k].value_or("0"));
          }
        } else if (column != nullptr) {
          key.column = column->name;
          default_collation = column->collation;
        }
        const std::uint32_t option = k < options.size() ? options[k] : 0;
        key.descending = (option & 1U) != 0;          // INDOPTION_DESC
        const bool nulls_first = (option & 2U) != 0;  // INDOPTION_NULLS_FIRST
        if (key.descending && !nulls_first) {
          key.nulls = state::NullsOrder::Last;
        }
        if (!key.descending && nulls_first) {
          key.nulls = state::NullsOrder::First;
        }
        const std::uint32_t collation = k < collations.size() ? collations[k] : 0;
        if (collation != 0 && collation != default_collation) {
          index_collations_.push_back({t, t->indexes.size(), index.keys.size(), collation});
        }
        if (k < classes.size()) {
          opclasses_.push_back({t, t->indexes.size(), index.keys.size(), classes[k]});
        }
        index.keys.push_back(std::move(key));
      }
      t->indexes.push_back(std::move(index));
    }
  }

  void finish_predicates(const Rows& rows) {
    const auto texts = predicates_.texts(rows);
    std::unordered_map<std::size_t, std::string> normalized;  // by slot
    for (const PendingPredicate& p : predicates_pending_) {
      if (!texts[p.slot]) {
        continue;
      }
      auto it = normalized.find(p.slot);
      if (it == normalized.end()) {
        it = normalized.emplace(p.slot, normalize_expr(*texts[p.slot])).first;
      }
      p.table->indexes[p.index].where = it->second;
    }
  }

  // The distinct operator classes of the index keys.
  std::vector<std::uint32_t> opclass_oids() const {
    std::vector<std::uint32_t> oids;
    oids.reserve(opclasses_.size());
    for (const auto& p : opclasses_) {
      oids.push_back(p.oid);
    }
    sort_unique(oids);
    return oids;
  }

  // Operator classes are named only when they are not the default of their type.
  void finish_opclasses(const Rows& rows) {
    std::unordered_map<std::uint32_t, std::optional<std::string>> by_oid;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      by_oid.emplace(rows.oid(r, 0),
                     rows.flag(r, 2) ? std::nullopt : std::optional(std::string(rows.text(r, 1))));
    }
    for (const auto& p : opclasses_) {
      const auto it = by_oid.find(p.oid);
      if (it != by_oid.end()) {
        p.table->indexes[p.index].keys[p.key].opclass = it->second;
      }
    }
  }

  // The names of the collations that differ from the default of their column's type or index
  // key ("C", "schema.name"), in one query.
  void finish_collations() {
    for (const auto& p : index_collations_) {
      collations_.push_back({&p.table->indexes[p.index].keys[p.key].collation, p.oid});
    }
    if (collations_.empty()) {
      return;
    }
    std::vector<std::uint32_t> oids;
    oids.reserve(collations_.size());
    for (const auto& c : collations_) {
      oids.push_back(c.oid);
    }
    sort_unique(oids);
    const Rows names = session_.query(substitute_oids(kCollationsQuery, oids));
    std::unordered_map<std::uint32_t, std::string> by_oid;
    for (std::size_t r = 0; r < names.size(); ++r) {
      by_oid.emplace(names.oid(r, 0), collation_name(names.text(r, 2), names.text(r, 1)));
    }
    for (const auto& c : collations_) {
      const auto it = by_oid.find(c.oid);
      if (it != by_oid.end()) {
        *c.name = it->second;
      }
    }
  }

  void read_enums(const Rows& rows) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      state::QualifiedName name{std::string(rows.text(r, 0)), std::string(rows.text(r, 1))};
      if (skipped(name)) {
        continue;
      }
      state::Enum e;
      e.name = name;
      e.values = names(rows.text(r, 2));
      e.comment = rows.optional(r, 3);
      schema_.enums.emplace(std::move(name), std::move(e));
    }
  }

  void read_extensions(const Rows& rows) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      state::Extension extension;
      extension.name = std::string(rows.text(r, 0));
      const std::string schema(rows.text(r, 1));
      if (schema != settings_.schema) {
        extension.schema = schema;
      }
      schema_.extensions.push_back(std::move(extension));
    }
  }

  // What the first batch's rows leave for the second.
  struct Typed {  // a column, its type's slot and its collation
    state::Table* table;
    std::size_t column;
    std::size_t slot;
    std::uint32_t collation;
  };
  struct Default {  // a column with a default or generation expression, and its slot
    state::Table* table;
    std::size_t column;
    std::size_t slot;
    bool generated;
  };
  struct PendingForeignKey {  // a foreign key to a table that is not read
    state::Table* table;
    std::size_t foreign_key;
    std::uint32_t ref;
    std::string attnums;
  };
  struct PendingCheck {
    state::Table* table;
    std::size_t check;
    std::size_t slot;
  };
  struct PendingPredicate {
    state::Table* table;
    std::size_t index;
    std::size_t slot;
  };
  struct IndexKeyOid {  // an index key's operator class or collation
    state::Table* table;
    std::size_t index;
    std::size_t key;
    std::uint32_t oid;
  };
  struct PendingCollation {
    std::optional<std::string>* name;
    std::uint32_t oid;
  };

  Session& session_;
  const state::Settings& settings_;
  bool nested_;
  state::Schema schema_;
  std::string schema_oids_;
  std::unordered_map<std::uint32_t, state::Table*> tables_;
  std::unordered_map<std::uint32_t, std::vector<ColumnInfo>> attributes_;  // relid -> by attnum
  std::uint32_t last_table_oid_ = 0;
  state::Table* last_table_ = nullptr;
  std::uint32_t last_attributes_oid_ = 0;
  std::vector<ColumnInfo>* last_attributes_ = nullptr;
  Distinct types_;
  std::vector<Typed> typed_;
  Distinct defaults_;
  std::vector<Default> defaulted_;
  std::vector<std::uint32_t> missing_attributes_;
  std::vector<PendingForeignKey> foreign_keys_;
  Distinct checks_;
  std::vector<PendingCheck> pending_checks_;
  Distinct predicates_;
  std::vector<PendingPredicate> predicates_pending_;
  std::vector<IndexKeyOid> opclasses_;
  std::vector<IndexKeyOid> index_collations_;
  std::vector<PendingCollation> collations_;
};

}  // namespace

state::Schema inspect(Session& session, const state::Settings& settings, bool in_transaction) {
  return Inspector(session, settings, in_transaction).run();
}

}  // namespace keel::dialects::postgres
