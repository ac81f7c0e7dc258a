#include "dialects/postgres/backfill.h"

#include <algorithm>

#include <fmt/format.h>

#include "dialects/sql.h"

namespace keel::dialects::postgres {
namespace {

std::int64_t to_int(std::string_view text) {
  return text.empty() ? 0 : std::stoll(std::string(text));
}

}  // namespace

Backfiller::Walk& Backfiller::walk_of(const planner::Backfill& backfill, std::int64_t limit) {
  const auto name = qualified(backfill.table);
  auto it = walks_.find(name);
  if (it != walks_.end())
    return it->second;
  Walk walk;
  const auto key = session_.query(
      fmt::format("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_index i"
                  " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                  " WHERE i.indrelid = {}::regclass AND i.indisprimary"
                  " ORDER BY array_position(i.indkey::int2[], a.attnum)",
                  quote_literal(name)));
  for (std::size_t r = 0; r < key.size(); ++r)
    walk.key.emplace_back(std::string(key.text(r, 0)), std::string(key.text(r, 1)));
  if (walk.key.empty()) {
    const auto size = session_.query(fmt::format(
        "SELECT pg_relation_size({0}::regclass) / current_setting('block_size')::bigint,"
        " greatest(c.reltuples, 0)::bigint, greatest(c.relpages, 1)"
        " FROM pg_class c WHERE c.oid = {0}::regclass",
        quote_literal(name)));
    walk.pages = to_int(size.text(0, 0));
    const auto rows_per_page =
        std::max<std::int64_t>(1, to_int(size.text(0, 1)) / to_int(size.text(0, 2)));
    walk.pages_per_batch = std::max<std::int64_t>(1, limit / rows_per_page);
  }
  return walks_.emplace(name, std::move(walk)).first->second;
}

BackfillBatch Backfiller::next(const planner::Backfill& backfill,
                               const std::vector<std::string>& after, std::int64_t limit) {
  const auto& walk = walk_of(backfill, limit);
  return walk.key.empty() ? by_pages(backfill, walk, after) : by_key(backfill, walk, after, limit);
}

BackfillBatch Backfiller::by_key(const planner::Backfill& backfill, const Walk& walk,
                                 const std::vector<std::string>& after, std::int64_t limit) {
  std::string cols;
  std::string desc;
  std::string texts;
  for (const auto& [col, type] : walk.key) {
    const auto sep = cols.empty() ? "" : ", ";
    cols += sep + quote_ident(col);
    desc += std::string(sep) + "batch." + quote_ident(col) + " DESC";  // the key, not its text
    texts += sep + quote_ident(col) + "::text";
  }
  auto row = [&](const std::vector<std::string>& values) {
    std::string out;
    for (std::size_t i = 0; i < walk.key.size(); ++i)
      out += (i ? ", " : "") + quote_literal(values.at(i)) + "::" + walk.key[i].second;
    return "ROW(" + out + ")";
  };
  const auto table = qualified(backfill.table);
  const bool resume = after.size() == walk.key.size();
  const std::string lower = resume ? fmt::format("ROW({}) > {}", cols, row(after)) : "true";
  // The batch's last key, found on the primary key's index; the UPDATE then fills that range.
  const auto last =
      session_.query(fmt::format("SELECT {} FROM (SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT {}) "
                                 "AS batch ORDER BY {} LIMIT 1",
                                 texts, cols, table, lower, cols, limit, desc));
  BackfillBatch batch;
  if (last.size() == 0) {
    batch.done = true;
    return batch;
  }
  for (std::size_t c = 0; c < walk.key.size(); ++c)
    batch.last.emplace_back(last.text(0, c));
  const auto column = quote_ident(backfill.column);
  const auto done = session_.query(
      fmt::format("WITH filled AS (UPDATE {} SET {} = {} WHERE {} AND ROW({}) <= {} AND {} IS NULL"
                  " RETURNING 1) SELECT count(*) FROM filled",
                  table, column, backfill.expression, lower, cols, row(batch.last), column));
  batch.rows = to_int(done.text(0, 0));
  return batch;
}

BackfillBatch Backfiller::by_pages(const planner::Backfill& backfill, const Walk& walk,
                                   const std::vector<std::string>& after) {
  const std::int64_t from = after.size() == 1 ? to_int(after[0]) : 0;
  BackfillBatch batch;
  if (from >= walk.pages) {
    batch.done = true;
    return batch;
  }
  const std::int64_t to = std::min(walk.pages, from + walk.pages_per_batch);
  const auto column = quote_ident(backfill.column);
  const auto done = session_.query(fmt::format(
      "WITH filled AS (UPDATE {} SET {} = {} WHERE ctid >= '({},0)'::tid AND ctid < '({},0)'::tid"
      " AND {} IS NULL RETURNING 1) SELECT count(*) FROM filled",
      qualified(backfill.table), column, backfill.expression, from, to, column));
  batch.rows = to_int(done.text(0, 0));
  batch.last = {std::to_string(to)};
  return batch;
}

std::map<state::QualifiedName, planner::TableSize> table_sizes(
    Session& session, const std::vector<state::QualifiedName>& tables) {
  if (tables.empty())
    return {};
  // Only the tables a plan names: sizing files is the costly part, per table.
  std::string list;
  for (const auto& t : tables)
    list +=
        (list.empty() ? "(" : ", (") + quote_literal(t.schema) + ", " + quote_literal(t.name) + ")";
  const std::string filter = "(n.nspname, c.relname) IN (VALUES " + list + ")";
  // Partitions roll up into their parent, which is what plans name.
  const auto rows = session.query(
      "SELECT n.nspname, c.relname,"
      // reltuples is -1 until the table is first vacuumed or analyzed: unknown, not empty.
      " CASE WHEN c.relkind = 'p' THEN (SELECT CASE WHEN bool_or(p.reltuples < 0) THEN -1"
      "     ELSE coalesce(sum(p.reltuples), 0) END"
      "   FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhrelid WHERE h.inhparent = c.oid)"
      "   ELSE greatest(c.reltuples, -1) END::bigint,"
      " CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(pg_total_relation_size(h.inhrelid)), 0)"
      "   FROM pg_inherits h WHERE h.inhparent = c.oid)"
      "   ELSE pg_total_relation_size(c.oid) END::bigint"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE c.relkind IN ('r', 'p') AND " +
      filter);
  std::map<state::QualifiedName, planner::TableSize> out;
  for (std::size_t r = 0; r < rows.size(); ++r)
    out[{std::string(rows.text(r, 0)), std::string(rows.text(r, 1))}] = {to_int(rows.text(r, 2)),
                                                                         to_int(rows.text(r, 3))};
  return out;
}

}  // namespace keel::dialects::postgres
