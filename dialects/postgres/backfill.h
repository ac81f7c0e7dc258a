// Batched backfills and table size estimates on PostgreSQL: the parts of apply that walk a
// table's rows in small transactions instead of one long UPDATE.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dialects/dialect.h"
#include "dialects/postgres/session.h"

namespace keel::dialects::postgres {

/// Walks a table batch by batch: by primary key when it has one (keyset order, each batch a
/// key range), otherwise by ranges of heap pages (ctid), whose bound is fixed when the walk
/// starts; rows written since are left to the catch-up UPDATE that follows the batches.
class Backfiller {
 public:
  explicit Backfiller(Session& session) : session_(session) {}
  BackfillBatch next(const planner::Backfill& backfill, const std::vector<std::string>& after,
                     std::int64_t limit);

 private:
  struct Walk {
    std::vector<std::pair<std::string, std::string>> key;  ///< (column, type); empty: pages
    std::int64_t pages = 0;  ///< heap pages when the walk started (page walks)
    std::int64_t pages_per_batch = 1;
  };
  Walk& walk_of(const planner::Backfill& backfill, std::int64_t limit);
  BackfillBatch by_key(const planner::Backfill& backfill, const Walk& walk,
                       const std::vector<std::string>& after, std::int64_t limit);
  BackfillBatch by_pages(const planner::Backfill& backfill, const Walk& walk,
                         const std::vector<std::string>& after);

  Session& session_;
  std::map<std::string, Walk> walks_;  ///< by qualified table name
};

/// reltuples and total relation size of those of `tables` that exist, ordinary or partitioned
/// (a partitioned table's figures are the sum of its partitions).
[[nodiscard]] std::map<state::QualifiedName, planner::TableSize> table_sizes(
    Session& session, const std::vector<state::QualifiedName>& tables);

}  // namespace keel::dialects::postgres
