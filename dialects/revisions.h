// keel's own bookkeeping in the target database: the revision table and the apply lock.
// PostgreSQL keeps them in schema "keel" (keel.revisions), SQLite in keel_revisions; both are
// hidden from inspect, plan and drift.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dialects/dialect.h"
#include "state/revision.h"

namespace keel::dialects {

/// Version of the revision table layout; a newer keel upgrades older tables in ensure().
/// 1: the first format. 2: adds `progress` (a standalone step's statements done and a
/// backfill's position), so that a killed apply resumes where it stopped.
inline constexpr int kRevisionFormatVersion = 2;

/// Reads and writes revisions through a Database connection.
class RevisionStore {
 public:
  explicit RevisionStore(Database& db) : db_(db) {}

  /// Creates the revision table on first use; refuses a table written by a newer keel.
  void ensure();
  /// True when the revision table exists (history on a database keel never touched is empty).
  [[nodiscard]] bool exists();
  /// Inserts `revision` with the next id (set on it) and status "applying", in its own
  /// transaction, so an interrupted apply is visible afterwards.
  void start(state::Revision& revision);
  /// Saves progress (steps_done, outcomes, progress); call inside the transaction that ran the
  /// steps so both commit together.
  void save_progress(const state::Revision& revision);
  /// Saves the final status, error, finish time and after-state.
  void finish(const state::Revision& revision);
  /// Sets the status of another revision (e.g. "rolled_back").
  void set_status(std::int64_t id, const std::string& status);
  /// Every revision, newest first.
  [[nodiscard]] std::vector<state::Revision> list();
  /// One revision, or nullopt.
  [[nodiscard]] std::optional<state::Revision> get(std::int64_t id);
  /// Objects (tables) that drops kept aside longer than `age` ago, as quoted SQL names.
  [[nodiscard]] std::vector<std::string> kept_objects(std::chrono::milliseconds age);
  /// Drops kept objects for good and forgets them, in one transaction.
  void purge(const std::vector<std::string>& objects);
  /// The id of the newest revision, or nullopt.
  [[nodiscard]] std::optional<std::int64_t> latest_id();

 private:
  [[nodiscard]] std::string table() const;
  [[nodiscard]] int format_version();
  [[nodiscard]] std::vector<state::Revision> select(const std::string& where);
  Database& db_;
};

/// keel's apply lock: one apply or rollback at a time per database. PostgreSQL uses a
/// session-level advisory lock; SQLite a lock row naming its holder, taken over when the
/// holder's process is gone.
class ApplyLock {
 public:
  /// Waits up to `wait` for the lock; throws DatabaseError naming the holder when it stays
  /// taken.
  ApplyLock(Database& db, std::chrono::milliseconds wait);
  ~ApplyLock();
  ApplyLock(const ApplyLock&) = delete;
  ApplyLock& operator=(const ApplyLock&) = delete;
  ApplyLock(ApplyLock&&) = delete;
  ApplyLock& operator=(ApplyLock&&) = delete;

 private:
  bool try_take();
  std::string holder();
  Database& db_;
  bool held_ = false;
};

/// "user@host (pid N)" of this process, for revision records and lock messages.
[[nodiscard]] std::string os_identity(std::string* user = nullptr, std::string* host = nullptr);

}  // namespace keel::dialects
