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
constexpr std::string_view kSchemasQuery = R"(
SELECT n.oid, n.nspname
FROM pg_namespace n
WHERE n.nspname NOT IN ('information_schema', 'keel', 'keel_trash')
  AND n.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_namespace'::regclass
                  AND e.objid = n.oid AND e.deptype = 'e')
ORDER BY n.nspname)";

// Tables (r), partitioned tables (p), views (v), and partitions of managed tables even when
// they live in an unmanaged schema.
constexpr std::string_view kRelationsQuery = R"(
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relispartition, i.inhparent,
  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
  CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid, true) END,
  CASE WHEN c.relkind = 'v' THEN pg_get_viewdef(c.oid, true) END,
  d.description
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_inherits i ON c.relispartition AND i.inhrelid = c.oid
LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass
  AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'v')
  AND (c.relnamespace = ANY ($S)
       OR (c.relispartition AND EXISTS (SELECT 1 FROM pg_class pc WHERE pc.oid = i.inhparent
                                        AND pc.relnamespace = ANY ($S))))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                  AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY c.relispartition, n.nspname, c.relname)";

// The tables whose columns, constraints and indexes are read: partitions are not tables.
constexpr std::string_view kTableFilter =
    "c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relnamespace = ANY ($S)";

// Columns. An array's element type decides whether it is an enum array; the collation is kept
// only when it is not the type's default. attnum and attcollation let constraints and indexes
// name their columns without a sub-query per row.
constexpr std::string_view kColumnsQuery = R"(
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
  a.attidentity, a.attgenerated, pg_get_expr(ad.adbin, ad.adrelid, true),
  CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
  CASE WHEN a.attcollation <> t.typcollation THEN cn.nspname END,
  d.description, et.typtype = 'e', etn.nspname, et.typname, et.oid <> t.oid,
  a.attnum, a.attcollation
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem
                                 ELSE t.oid END
JOIN pg_namespace etn ON etn.oid = et.typnamespace
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass
  AND d.objsubid = a.attnum
WHERE $TABLES AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum)";

// Constraints declared on the table itself: conparentid <> 0 rows are the copies PostgreSQL
// adds for each partition of a referenced partitioned table. Columns come as attnum arrays.
constexpr std::string_view kConstraintsQuery = R"(
SELECT con.conrelid, con.conname, con.contype, con.condeferrable, con.condeferred,
  con.convalidated, fn.nspname, fc.relname, con.confupdtype, con.confdeltype,
  con.conkey, con.confkey, con.confrelid,
  CASE WHEN con.contype = 'c' THEN pg_get_constraintdef(con.oid, true) END
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE $TABLES AND con.contype IN ('p', 'u', 'f', 'c') AND con.conparentid = 0
ORDER BY con.conrelid, con.conname)";

// Indexes that no PRIMARY KEY / UNIQUE / EXCLUDE constraint owns, with the raw key vectors
// (attnums, collations, options). Expression text and the expression types' default collations
// are fetched only for indexes that have expressions; operator classes only when not default.
constexpr std::string_view kIndexesQuery = R"(
SELECT i.indrelid, ic.relname, am.amname, i.indisunique, i.indisvalid, i.indnkeyatts,
  i.indkey, i.indcollation, i.indoption, pg_get_expr(i.indpred, i.indrelid, true),
  CASE WHEN i.indexprs IS NOT NULL THEN
    ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
          FROM generate_series(1, i.indnkeyatts) k ORDER BY k) END,
  CASE WHEN i.indexprs IS NOT NULL THEN
    ARRAY(SELECT t.typcollation FROM pg_attribute ia JOIN pg_type t ON t.oid = ia.atttypid
          WHERE ia.attrelid = i.indexrelid AND ia.attnum > 0 ORDER BY ia.attnum) END,
  ARRAY(SELECT CASE WHEN NOT oc.opcdefault THEN oc.opcname END
        FROM generate_series(0, i.indnkeyatts - 1) k
        JOIN pg_opclass oc ON oc.oid = i.indclass[k] ORDER BY k)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE $TABLES
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid
                  AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname)";

// Looked up only for what the queries above leave as oids: columns of referenced tables that
// are not read, and collations of index keys.
constexpr std::string_view kAttributesQuery = R"(
SELECT a.attrelid, a.attnum, a.attname FROM pg_attribute a
WHERE a.attrelid = ANY ($OIDS) AND a.attnum > 0)";

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
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass
                  AND e.objid = t.oid AND e.deptype = 'e')
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

class Inspector {
 public:
  Inspector(Session& session, const state::Settings& settings, bool nested)
      : session_(session), settings_(settings), nested_(nested) {
    schema_.settings = settings;
  }

  state::Schema run() {
    ScratchTransaction snapshot(session_, nested_, true);
    // The catalog queries sort a few thousand wide rows: keep that in memory.
    session_.execute("SET LOCAL search_path = pg_catalog, pg_temp; SET LOCAL work_mem = '64MB'");
    read_schemas();
    if (schema_oids_ != "'{}'::oid[]") {
      read_relations();
      read_columns();
      read_constraints();
      read_indexes();
      read_enums();
    }
    read_extensions();
    state::sort_canonical(schema_);
    return std::move(schema_);
  }

 private:
  Rows query(std::string_view sql) { return session_.query(substitute(sql, schema_oids_)); }

  bool managed(const std::string& schema) const {
    return settings_.schemas.empty() ||
           std::find(settings_.schemas.begin(), settings_.schemas.end(), schema) !=
               settings_.schemas.end();
  }

  bool skipped(const state::QualifiedName& name) const {
    return keel_owned(name.name) || state::is_excluded(settings_, name);
  }

  void read_schemas() {
    const Rows rows = query(kSchemasQuery);
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

  void read_relations() {
    const Rows rows = query(kRelationsQuery);
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
      if (kind == "p") {
        table.partition_by = normalize_partition_clause(rows.text(r, 6));
      }
      auto [it, inserted] = schema_.tables.emplace(std::move(name), std::move(table));
      tables_.emplace(oid, &it->second);
    }
  }

  state::Table* table(std::uint32_t oid) {
    const auto it = tables_.find(oid);
    return it == tables_.end() ? nullptr : it->second;
  }

  void remember_attribute(std::uint32_t relid, std::uint32_t attnum, const std::string& name,
                          std::uint32_t collation) {
    std::vector<ColumnInfo>& columns = attributes_[relid];
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

  void read_attributes(const std::vector<std::uint32_t>& relids) {
    const Rows rows = session_.query(substitute_oids(kAttributesQuery, relids));
    for (std::size_t r = 0; r < rows.size(); ++r) {
      remember_attribute(rows.oid(r, 0), rows.oid(r, 1), std::string(rows.text(r, 2)), 0);
    }
  }

  void read_columns() {
    const Rows rows = query(kColumnsQuery);
    const std::string default_prefix = quote_ident(settings_.schema) + ".";
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::uint32_t relid = rows.oid(r, 0);
      state::Table* t = table(relid);
      if (t == nullptr) {
        continue;
      }
      state::Column column;
      column.name = std::string(rows.text(r, 1));
      remember_attribute(relid, rows.oid(r, 14), column.name, rows.oid(r, 15));
      const std::string_view type_schema = rows.text(r, 11);
      if (rows.flag(r, 10)) {  // an enum, spelled as the TOML reader spells it
        column.type = state::type_name({std::string(type_schema), std::string(rows.text(r, 12))});
        if (rows.flag(r, 13)) {
          column.type += "[]";
        }
      } else {
        column.type = std::string(rows.text(r, 2));
        // A user or extension type of the default schema is written bare: "citext".
        if (type_schema == settings_.schema && column.type.starts_with(default_prefix)) {
          column.type.erase(0, default_prefix.size());
        }
      }
      column.nullable = !rows.flag(r, 3);
      const std::string_view identity = rows.text(r, 4);
      if (identity == "a") {
        column.identity = state::Identity::Always;
      }
      if (identity == "d") {
        column.identity = state::Identity::ByDefault;
      }
      if (!rows.is_null(r, 6)) {
        if (rows.text(r, 5) == "s") {
          column.generated = normalize_expr(rows.text(r, 6));
        } else {
          column.default_sql = normalize_default(rows.text(r, 6), column.type);
        }
      }
      if (!rows.is_null(r, 7)) {
        column.collation = collation_name(rows.text(r, 8), rows.text(r, 7));
      }
      column.comment = rows.optional(r, 9);
      t->columns.push_back(std::move(column));
    }
  }

  void read_constraints() {
    const Rows rows = query(kConstraintsQuery);
    // Foreign keys may reference tables that are not read (other schemas, excluded names).
    std::vector<std::uint32_t> missing;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::uint32_t ref = rows.oid(r, 12);
      if (ref != 0 && table(rows.oid(r, 0)) != nullptr && !attributes_.contains(ref)) {
        missing.push_back(ref);
      }
    }
    if (!missing.empty()) {
      read_attributes(missing);
    }

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
        fk.ref_columns = attribute_names(rows.oid(r, 12), rows.text(r, 11));
        fk.on_update = fk_action(rows.text(r, 8));
        fk.on_delete = fk_action(rows.text(r, 9));
        fk.deferrable = deferrable;
        fk.initially_deferred = deferred;
        fk.valid = valid;
        t->foreign_keys.push_back(std::move(fk));
      } else if (type == "c") {
        t->checks.push_back({std::move(name), check_expression(rows.text(r, 13)), valid});
      }
    }
  }

  void read_indexes() {
    const Rows rows = query(kIndexesQuery);
    struct PendingCollation {
      state::Table* table;
      std::size_t index;
      std::size_t key;
      std::uint32_t collation;
    };
    std::vector<PendingCollation> pending;
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
        index.where = normalize_expr(rows.text(r, 9));
      }
      const auto expressions = parse_text_array(rows.text(r, 10));
      const auto expression_collations = parse_text_array(rows.text(r, 11));
      const auto opclasses = parse_text_array(rows.text(r, 12));
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
          pending.push_back({t, t->indexes.size(), index.keys.size(), collation});
        }
        if (k < opclasses.size()) {
          key.opclass = opclasses[k];
        }
        index.keys.push_back(std::move(key));
      }
      t->indexes.push_back(std::move(index));
    }
    if (pending.empty()) {
      return;
    }
    std::vector<std::uint32_t> oids;
    oids.reserve(pending.size());
    for (const auto& p : pending) {
      oids.push_back(p.collation);
    }
    const Rows names = session_.query(substitute_oids(kCollationsQuery, oids));
    std::unordered_map<std::uint32_t, std::string> by_oid;
    for (std::size_t r = 0; r < names.size(); ++r) {
      by_oid.emplace(names.oid(r, 0), collation_name(names.text(r, 2), names.text(r, 1)));
    }
    for (const auto& p : pending) {
      const auto it = by_oid.find(p.collation);
      if (it != by_oid.end()) {
        p.table->indexes[p.index].keys[p.key].collation = it->second;
      }
    }
  }

  void read_enums() {
    const Rows rows = query(kEnumsQuery);
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

  void read_extensions() {
    const Rows rows = session_.query(std::string(kExtensionsQuery));
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

  Session& session_;
  const state::Settings& settings_;
  bool nested_;
  state::Schema schema_;
  std::string schema_oids_;
  std::unordered_map<std::uint32_t, state::Table*> tables_;
  std::unordered_map<std::uint32_t, std::vector<ColumnInfo>> attributes_;  // relid -> by attnum
};

}  // namespace

state::Schema inspect(Session& session, const state::Settings& settings, bool in_transaction) {
  return Inspector(session, settings, in_transaction).run();
}

}  // namespace keel::dialects::postgres
