// The apply runner: executes a plan's steps in transaction groups with lock timeouts and
// retries, recording each committed step in the revision.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "dialects/dialect.h"
#include "dialects/revisions.h"
#include "planner/plan.h"
#include "state/revision.h"

namespace keel::cli {

/// Where an interrupted apply left a backfill: the next batch starts after `after`.
struct BackfillResume {
  std::vector<std::string> after{};
  std::int64_t rows = 0;
  std::int64_t revision = 0;  ///< the interrupted revision that recorded it
};

struct ApplyOptions {
  std::chrono::milliseconds lock_timeout{5000};  ///< per statement lock wait
  std::chrono::milliseconds lock_wait{60000};    ///< wait for another apply to finish
  int retries = 5;                               ///< attempts after a lock timeout or deadlock
  std::chrono::milliseconds backoff{200};        ///< first pause; doubles up to 5 s
  std::int64_t batch_size = 10000;               ///< rows per backfill batch
  std::chrono::milliseconds batch_sleep{0};      ///< pause between backfill batches
  /// ... or a pause of this share of the time the batch before it took (--batch-sleep 50%)
  double batch_sleep_share = 0;
  bool progress_bar = false;  ///< redraw backfill progress in place (a terminal)
  /// Backfill positions left by interrupted applies, by resumable_backfills.
  std::map<std::string, BackfillResume> resume{};
};

/// The backfill positions recorded by `interrupted` revisions (newest first, as listed), keyed
/// for ApplyOptions::resume: the same table, column and expression resume after them.
[[nodiscard]] std::map<std::string, BackfillResume> resumable_backfills(
    const std::vector<state::Revision>& interrupted);

/// Where the runner records progress: the revision row, updated in the same transaction as
/// the steps it reports (or right after a step that runs outside a transaction).
struct Recorder {
  dialects::RevisionStore& store;
  state::Revision& revision;
};

/// Test hook: kills the process with SIGKILL when $KEEL_FAILPOINT equals "WHERE:N"
/// (before-step:K, after-batch:B). See docs/decisions.md.
void failpoint(const char* where, std::size_t n);

/// Runs the steps of `plan` from `revision.steps_done` on; progress lines go to `log`. On
/// failure, rolls back the open transaction, records the failed step and throws DatabaseError
/// naming it (`applying step 3/7 (...): ...`).
void run_plan(dialects::Database& db, const planner::Plan& plan, const ApplyOptions& options,
              std::ostream& log, Recorder* recorder = nullptr);

}  // namespace keel::cli
