// The apply runner: executes a plan's steps in transaction groups with lock timeouts and
// retries, recording each committed step in the revision.
#pragma once

#include <chrono>
#include <ostream>

#include "dialects/dialect.h"
#include "dialects/revisions.h"
#include "planner/plan.h"
#include "state/revision.h"

namespace keel::cli {

struct ApplyOptions {
  std::chrono::milliseconds lock_timeout{5000};  ///< per statement lock wait
  std::chrono::milliseconds lock_wait{60000};    ///< wait for another apply to finish
  int retries = 5;                               ///< attempts after a lock timeout or deadlock
  std::chrono::milliseconds backoff{200};        ///< first pause; doubles up to 5 s
};

/// Where the runner records progress: the revision row, updated in the same transaction as
/// the steps it reports (or right after a step that runs outside a transaction).
struct Recorder {
  dialects::RevisionStore& store;
  state::Revision& revision;
};

/// Runs the steps of `plan` from `revision.steps_done` on; progress lines go to `log`. On
/// failure, rolls back the open transaction, records the failed step and throws DatabaseError
/// naming it (`applying step 3/7 (...): ...`).
void run_plan(dialects::Database& db, const planner::Plan& plan, const ApplyOptions& options,
              std::ostream& log, Recorder* recorder = nullptr);

}  // namespace keel::cli
