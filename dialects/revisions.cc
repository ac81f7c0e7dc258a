#include "dialects/revisions.h"

#include <cerrno>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include "dialects/sql.h"

namespace keel::dialects {
namespace {

// PostgreSQL advisory lock key: "keel" in ASCII. As a bigint below 2^32 it shows in pg_locks
// as classid 0, objid 1801807212, objsubid 1.
constexpr long long kAdvisoryKey = 0x6b65656c;

bool is_postgres(const Database& db) {
  return db.engine() == "postgresql";
}

std::string text_or_null(const std::optional<std::string>& v) {
  return v ? quote_literal(*v) : "NULL";
}

std::string int_or_null(const std::optional<std::int64_t>& v) {
  return v ? std::to_string(*v) : "NULL";
}

std::string cell(const std::vector<std::optional<std::string>>& row, std::size_t i) {
  return i < row.size() && row[i] ? *row[i] : std::string();
}

}  // namespace

std::string os_identity(std::string* user, std::string* host) {
  const char* u = std::getenv("USER");
  std::string name = u != nullptr ? u : "";
  if (name.empty()) {
    const passwd* pw = getpwuid(getuid());
    name = pw != nullptr && pw->pw_name != nullptr ? pw->pw_name : std::to_string(getuid());
  }
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  if (user != nullptr)
    *user = name;
  if (host != nullptr)
    *host = buf;
  return fmt::format("{}@{} (pid {})", name, buf, getpid());
}

std::string RevisionStore::table() const {
  return is_postgres(db_) ? "keel.revisions" : "keel_revisions";
}

bool RevisionStore::exists() {
  auto rows = db_.query(
      is_postgres(db_) ? "SELECT to_regclass('keel.revisions') IS NOT NULL"
                       : "SELECT count(*) > 0 FROM sqlite_schema WHERE name = 'keel_revisions'");
  auto v = cell(rows.at(0), 0);
  return v == "t" || v == "1" || v == "true";
}

void RevisionStore::ensure() {
  const bool pg = is_postgres(db_);
  const std::string meta = pg ? "keel.meta" : "keel_meta";
  db_.begin();
  try {
    if (pg)
      db_.execute("CREATE SCHEMA IF NOT EXISTS keel");
    db_.execute("CREATE TABLE IF NOT EXISTS " + meta +
                " (key text PRIMARY KEY, value text NOT NULL)");
    db_.execute("INSERT INTO " + meta + " (key, value) VALUES ('format_version', '" +
                std::to_string(kRevisionFormatVersion) + "') ON CONFLICT (key) DO NOTHING");
    db_.execute("CREATE TABLE IF NOT EXISTS " + table() +
                " (id bigint PRIMARY KEY, parent bigint, kind text NOT NULL, target bigint,"
                " status text NOT NULL, db_user text NOT NULL, os_user text NOT NULL,"
                " host text NOT NULL, keel_version text NOT NULL, started_at text NOT NULL,"
                " finished_at text, from_fingerprint text NOT NULL, to_fingerprint text NOT NULL,"
                " desired_toml text NOT NULL, after_toml text, plan_json text NOT NULL,"
                " steps_done integer NOT NULL DEFAULT 0, outcomes text NOT NULL DEFAULT '[]',"
                " error text, progress text)");
    // Data kept aside by drops (tables moved to the trash area, side tables of columns).
    db_.execute(std::string("CREATE TABLE IF NOT EXISTS ") + (pg ? "keel.kept" : "keel_kept") +
                " (object text PRIMARY KEY, kind text NOT NULL, source text NOT NULL," +
                (pg ? " dropped_at timestamptz NOT NULL DEFAULT now())"
                    : " dropped_at text NOT NULL DEFAULT CURRENT_TIMESTAMP)"));
    auto rows = db_.query("SELECT value FROM " + meta + " WHERE key = 'format_version'");
    int version = std::stoi(cell(rows.at(0), 0));
    if (version > kRevisionFormatVersion)
      throw DatabaseError(fmt::format(
          "the revision table was written by a newer keel (format {}, this keel knows {}): "
          "upgrade keel",
          version, kRevisionFormatVersion));
    if (version < 2) {
      // Format 1 had no progress column.
      db_.execute("ALTER TABLE " + table() + " ADD COLUMN progress text");
      db_.execute("UPDATE " + meta + " SET value = '2' WHERE key = 'format_version'");
    }
    db_.commit();
  } catch (...) {
    db_.rollback();
    throw;
  }
}

void RevisionStore::start(state::Revision& r) {
  db_.begin();
  try {
    auto rows = db_.query("SELECT coalesce(max(id), 0) + 1 FROM " + table());
    r.id = std::stoll(cell(rows.at(0), 0));
    if (r.db_user.empty() && is_postgres(db_))
      r.db_user = cell(db_.query("SELECT current_user").at(0), 0);
    r.status = "applying";
    db_.execute(fmt::format(
        "INSERT INTO {} (id, parent, kind, target, status, db_user, os_user, host, keel_version,"
        " started_at, from_fingerprint, to_fingerprint, desired_toml, plan_json, steps_done,"
        " outcomes) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 0, '[]')",
        table(), r.id, int_or_null(r.parent), quote_literal(r.kind), int_or_null(r.target),
        quote_literal(r.status), quote_literal(r.db_user), quote_literal(r.os_user),
        quote_literal(r.host), quote_literal(r.keel_version), quote_literal(r.started_at),
        quote_literal(r.from_fingerprint), quote_literal(r.to_fingerprint),
        quote_literal(r.desired_toml), quote_literal(r.plan_json)));
    db_.commit();
  } catch (...) {
    db_.rollback();
    throw;
  }
}

void RevisionStore::save_progress(const state::Revision& r) {
  const auto progress = state::progress_to_json(r.progress);
  db_.execute(
      fmt::format("UPDATE {} SET steps_done = {}, outcomes = {}, progress = {} WHERE id = {}",
                  table(), r.steps_done, quote_literal(state::outcomes_to_json(r.outcomes)),
                  progress.empty() ? "NULL" : quote_literal(progress), r.id));
}

void RevisionStore::finish(const state::Revision& r) {
  db_.execute(
      fmt::format("UPDATE {} SET status = {}, finished_at = {}, to_fingerprint = {}, error = {},"
                  " after_toml = {}, steps_done = {}, outcomes = {} WHERE id = {}",
                  table(), quote_literal(r.status), quote_literal(r.finished_at),
                  quote_literal(r.to_fingerprint),
                  text_or_null(r.error.empty() ? std::nullopt : std::optional(r.error)),
                  text_or_null(r.after_toml.empty() ? std::nullopt : std::optional(r.after_toml)),
                  r.steps_done, quote_literal(state::outcomes_to_json(r.outcomes)), r.id));
}

void RevisionStore::set_status(std::int64_t id, const std::string& status) {
  db_.execute(
      fmt::format("UPDATE {} SET status = {} WHERE id = {}", table(), quote_literal(status), id));
}

std::vector<state::Revision> RevisionStore::select(const std::string& where) {
  std::vector<state::Revision> out;
  if (!exists())
    return out;
  auto rows = db_.query(
      "SELECT id, parent, kind, target, status, db_user, os_user, host, keel_version, started_at,"
      " finished_at, from_fingerprint, to_fingerprint, desired_toml, after_toml, plan_json,"
      " steps_done, outcomes, error, " +
      std::string(format_version() >= 2 ? "progress" : "NULL") + " FROM " + table() + " " + where +
      " ORDER BY id DESC");
  for (const auto& row : rows) {
    state::Revision r;
    r.id = std::stoll(cell(row, 0));
    if (row[1])
      r.parent = std::stoll(*row[1]);
    r.kind = cell(row, 2);
    if (row[3])
      r.target = std::stoll(*row[3]);
    r.status = cell(row, 4);
    r.db_user = cell(row, 5);
    r.os_user = cell(row, 6);
    r.host = cell(row, 7);
    r.keel_version = cell(row, 8);
    r.started_at = cell(row, 9);
    r.finished_at = cell(row, 10);
    r.from_fingerprint = cell(row, 11);
    r.to_fingerprint = cell(row, 12);
    r.desired_toml = cell(row, 13);
    r.after_toml = cell(row, 14);
    r.plan_json = cell(row, 15);
    r.steps_done = static_cast<std::size_t>(std::stoull(cell(row, 16)));
    r.outcomes = state::outcomes_from_json(cell(row, 17));
    r.error = cell(row, 18);
    r.progress = state::progress_from_json(cell(row, 19));
    out.push_back(std::move(r));
  }
  return out;
}

int RevisionStore::format_version() {
  auto rows =
      db_.query(std::string("SELECT value FROM ") + (is_postgres(db_) ? "keel.meta" : "keel_meta") +
                " WHERE key = 'format_version'");
  return rows.empty() ? 1 : std::stoi(cell(rows.at(0), 0));
}

std::vector<state::Revision> RevisionStore::list() {
  return select("");
}

std::optional<state::Revision> RevisionStore::get(std::int64_t id) {
  auto rows = select("WHERE id = " + std::to_string(id));
  if (rows.empty())
    return std::nullopt;
  return rows.front();
}

std::vector<std::string> RevisionStore::kept_objects(std::chrono::milliseconds age) {
  std::vector<std::string> out;
  if (!exists())
    return out;
  auto rows = db_.query(
      is_postgres(db_)
          ? fmt::format("SELECT object FROM keel.kept WHERE dropped_at <= now() - interval '{} "
                        "milliseconds' ORDER BY object",
                        age.count())
          : fmt::format("SELECT object FROM keel_kept WHERE dropped_at <= datetime('now', '-{} "
                        "seconds') ORDER BY object",
                        age.count() / 1000));
  for (const auto& row : rows)
    out.push_back(cell(row, 0));
  return out;
}

void RevisionStore::purge(const std::vector<std::string>& objects) {
  db_.begin();
  try {
    for (const auto& object : objects) {
      db_.execute("DROP TABLE IF EXISTS " + object);
      db_.execute(std::string("DELETE FROM ") + (is_postgres(db_) ? "keel.kept" : "keel_kept") +
                  " WHERE object = " + quote_literal(object));
    }
    db_.commit();
  } catch (...) {
    db_.rollback();
    throw;
  }
}

std::optional<std::int64_t> RevisionStore::latest_id() {
  if (!exists())
    return std::nullopt;
  auto rows = db_.query("SELECT max(id) FROM " + table());
  if (rows.empty() || !rows[0][0])
    return std::nullopt;
  return std::stoll(*rows[0][0]);
}

// ---- the apply lock ----

ApplyLock::ApplyLock(Database& db, std::chrono::milliseconds wait) : db_(db) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (!try_take()) {
    if (std::chrono::steady_clock::now() >= deadline)
      throw DatabaseError(fmt::format(
          "another keel apply or rollback holds the lock on this database: {}; waited {} s "
          "(--lock-wait)",
          holder(), std::chrono::duration_cast<std::chrono::seconds>(wait).count()));
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  held_ = true;
}

ApplyLock::~ApplyLock() {
  if (!held_)
    return;
  try {
    if (is_postgres(db_)) {
      (void)db_.query(fmt::format("SELECT pg_advisory_unlock({})", kAdvisoryKey));
    } else {
      db_.execute(fmt::format("DELETE FROM keel_lock WHERE pid = {}", getpid()));
    }
  } catch (const DatabaseError&) {
    // The connection is gone: the server released a session lock with it; a stale SQLite row
    // is taken over by the next apply because its process no longer exists.
  }
}

bool ApplyLock::try_take() {
  std::string me = os_identity();
  if (is_postgres(db_)) {
    db_.execute("SET application_name = " + quote_literal(("keel " + me).substr(0, 63)));
    auto rows = db_.query(fmt::format("SELECT pg_try_advisory_lock({})", kAdvisoryKey));
    return cell(rows.at(0), 0) == "t" || cell(rows.at(0), 0) == "true";
  }
  std::string host;
  (void)os_identity(nullptr, &host);
  db_.execute(
      "CREATE TABLE IF NOT EXISTS keel_lock (id integer PRIMARY KEY CHECK (id = 1),"
      " holder text NOT NULL, host text NOT NULL, pid integer NOT NULL, since text NOT NULL)");
  db_.begin();
  try {
    auto rows = db_.query("SELECT host, pid FROM keel_lock WHERE id = 1");
    if (!rows.empty()) {
      bool same_host = cell(rows[0], 0) == host;
      auto pid = static_cast<pid_t>(std::stol(cell(rows[0], 1)));
      bool gone = same_host && kill(pid, 0) != 0 && errno == ESRCH;
      if (!gone) {
        db_.rollback();
        return false;
      }
      db_.execute("DELETE FROM keel_lock WHERE id = 1");
    }
    db_.execute(fmt::format(
        "INSERT INTO keel_lock (id, holder, host, pid, since) VALUES (1, {}, {}, {}, {})",
        quote_literal(me), quote_literal(host), getpid(), quote_literal(state::now_iso8601())));
    db_.commit();
    return true;
  } catch (...) {
    db_.rollback();
    throw;
  }
}

std::string ApplyLock::holder() {
  if (is_postgres(db_)) {
    auto rows = db_.query(fmt::format(
        "SELECT a.pid, a.usename, coalesce(host(a.client_addr), 'local'), a.application_name,"
        " to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = {}"
        " AND l.objsubid = 1",
        kAdvisoryKey));
    if (rows.empty())
      return "a session that just released it";
    return fmt::format("server pid {}, user \"{}\" from {}, \"{}\", connected since {}",
                       cell(rows[0], 0), cell(rows[0], 1), cell(rows[0], 2), cell(rows[0], 3),
                       cell(rows[0], 4));
  }
  auto rows = db_.query("SELECT holder, since FROM keel_lock WHERE id = 1");
  if (rows.empty())
    return "a process that just released it";
  return fmt::format("{} since {}", cell(rows[0], 0), cell(rows[0], 1));
}

}  // namespace keel::dialects
