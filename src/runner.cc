#include "src/runner.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "src/output.h"

namespace keel::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

/// The pause before retry `attempt` (0-based): doubling from options.backoff up to 5 s, plus
/// jitter so that two waiting appliers do not retry in step.
std::chrono::milliseconds pause_for(const ApplyOptions& options, int attempt,
                                    std::mt19937& jitter) {
  auto pause = options.backoff * (1 << std::min(attempt, 10));
  pause = std::min<std::chrono::milliseconds>(pause, std::chrono::seconds(5));
  return pause + std::chrono::milliseconds(jitter() % 100);
}

std::string backfill_key(const std::string& table, const std::string& column,
                         const std::string& expression) {
  return table + "\x1f" + column + "\x1f" + expression;
}

std::string thousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::string duration_text(double seconds) {
  if (seconds < 60)
    return fmt::format("{:.0f}s", seconds);
  if (seconds < 3600)
    return fmt::format("{:.0f}m{:02.0f}s", seconds / 60, std::fmod(seconds, 60));
  return fmt::format("{:.0f}h{:02.0f}m", seconds / 3600, std::fmod(seconds / 60, 60));
}

/// Runs plans: groups, retries, standalone statements and batched backfills.
class Runner {
 public:
  Runner(dialects::Database& db, const planner::Plan& plan, const ApplyOptions& options,
         std::ostream& log, Recorder* recorder)
      : db_(db),
        plan_(plan),
        options_(options),
        log_(log),
        recorder_(recorder),
        jitter_(std::random_device{}()) {}

  void run() {
    const std::size_t first = recorder_ != nullptr ? recorder_->revision.steps_done : 0;
    for (const auto& group : group_steps(plan_)) {
      if (group.steps.back() < first)
        continue;  // committed by an earlier, interrupted run
      if (group.transactional) {
        run_transaction(group, first);
      } else {
        run_standalone(group.steps.front());
      }
    }
  }

 private:
  [[noreturn]] void fail(std::size_t step, const std::string* statement,
                         const dialects::DatabaseError& e) {
    std::string message = fmt::format("applying step {}/{} ({})", step + 1, plan_.steps.size(),
                                      plan_.steps[step].summary);
    if (statement != nullptr)
      message += ": " + *statement;
    message += ": " + std::string(e.what());
    if (!e.sqlstate().empty() && std::string(e.what()).find(e.sqlstate()) == std::string::npos)
      message += " (" + e.sqlstate() + ")";
    if (recorder_ != nullptr) {
      recorder_->revision.outcomes.push_back({step, "failed", 0, e.what()});
      message += fmt::format("; {} of {} steps committed", recorder_->revision.steps_done,
                             plan_.steps.size());
    }
    throw dialects::DatabaseError(message, e.sqlstate(), e.statement());
  }

  /// Ends whatever transaction a failure left open. Rolling back with none open is harmless.
  void end_transaction() {
    try {
      db_.rollback();
    } catch (const dialects::DatabaseError&) {
      // No transaction was open, or the server already ended it.
    }
  }

  /// True (after pausing) when `e` is worth another attempt.
  bool retry(const dialects::DatabaseError& e, int attempt, std::size_t step) {
    if (!db_.is_transient(e) || attempt >= options_.retries)
      return false;
    auto pause = pause_for(options_, attempt, jitter_);
    log_ << fmt::format("[{}/{}] {}: {}; retrying in {} ms (attempt {}/{})\n", step + 1,
                        plan_.steps.size(), plan_.steps[step].summary, e.what(), pause.count(),
                        attempt + 1, options_.retries);
    std::this_thread::sleep_for(pause);
    return true;
  }

  void report(std::size_t step, double ms) {
    log_ << fmt::format("[{}/{}] {} ({:.0f} ms)\n", step + 1, plan_.steps.size(),
                        plan_.steps[step].summary, ms);
  }

  /// Consecutive transactional steps in one transaction; the revision's progress commits
  /// with them.
  void run_transaction(const Group& group, std::size_t first) {
    for (int attempt = 0;; ++attempt) {
      std::size_t current = group.steps.front();
      const std::string* statement = nullptr;
      std::vector<state::StepOutcome> outcomes;
      try {
        db_.set_lock_timeout(options_.lock_timeout);
        db_.begin();
        for (auto i : group.steps) {
          if (i < first)
            continue;
          current = i;
          failpoint("before-step", i + 1);
          auto start = Clock::now();
          for (const auto& st : plan_.steps[i].forward) {
            statement = &st.sql;
            db_.execute(st.sql);
          }
          statement = nullptr;
          outcomes.push_back({i, "applied", ms_since(start), {}});
          if (recorder_ != nullptr) {
            auto& r = recorder_->revision;
            r.outcomes.push_back(outcomes.back());
            r.steps_done = i + 1;
            r.progress.reset();
            recorder_->store.save_progress(r);
          }
        }
        db_.commit();
        for (const auto& o : outcomes)
          report(o.index, o.milliseconds);
        return;
      } catch (const dialects::DatabaseError& e) {
        end_transaction();
        if (recorder_ != nullptr) {
          // What this group recorded was rolled back with it.
          auto& r = recorder_->revision;
          std::erase_if(r.outcomes, [&](const state::StepOutcome& o) {
            return std::find(group.steps.begin(), group.steps.end(), o.index) != group.steps.end();
          });
          r.steps_done = std::max(first, group.steps.front());
        }
        if (retry(e, attempt, current))
          continue;
        fail(current, statement, e);
      }
    }
  }

  /// A step whose statements each run on their own (autocommit): progress is recorded after
  /// each one, and a retry starts again at the statement that failed.
  void run_standalone(std::size_t step_index) {
    const auto& step = plan_.steps[step_index];
    failpoint("before-step", step_index + 1);
    auto start = Clock::now();
    std::size_t done = 0;
    for (int attempt = 0;; ++attempt) {
      const std::string* statement = nullptr;
      try {
        db_.set_lock_timeout(options_.lock_timeout);
        for (; done < step.forward.size(); ++done) {
          const auto& st = step.forward[done];
          statement = &st.sql;
          if (st.backfill)
            run_backfill(step_index, done, st);
          db_.execute(st.sql);
          record(step_index, done + 1, std::nullopt);
        }
        break;
      } catch (const dialects::DatabaseError& e) {
        end_transaction();
        if (retry(e, attempt, step_index)) {
          done = restart_point(step, done);
          continue;
        }
        fail(step_index, statement, e);
      }
    }
    if (recorder_ != nullptr) {
      auto& r = recorder_->revision;
      r.outcomes.push_back({step_index, "applied", ms_since(start), {}});
      r.steps_done = step_index + 1;
      r.progress.reset();
      recorder_->store.save_progress(r);
    }
    report(step_index, ms_since(start));
  }

  /// Where a retry of a standalone step starts after statement `failed` failed: there, unless
  /// it lies inside a transaction the step opens itself (SQLite's rebuild: PRAGMA ...; BEGIN
  /// ... COMMIT), which the failure rolled back: then at the PRAGMAs before its BEGIN.
  static std::size_t restart_point(const planner::Step& step, std::size_t failed) {
    for (std::size_t i = std::min(failed, step.forward.size() - 1) + 1; i-- > 0;) {
      const auto& sql = step.forward[i].sql;
      if (sql.starts_with("COMMIT") && i < failed)
        return failed;
      if (sql.starts_with("BEGIN")) {
        while (i > 0 && step.forward[i - 1].sql.starts_with("PRAGMA"))
          --i;
        return i;
      }
    }
    return failed;
  }

  /// Records that `statements` statements of step `step` are done (outside a transaction).
  void record(std::size_t step, std::size_t statements,
              const std::optional<state::StepProgress>& backfill) {
    if (recorder_ == nullptr)
      return;
    state::StepProgress p = backfill.value_or(state::StepProgress{});
    p.step = step;
    p.statements = statements;
    recorder_->revision.progress = p;
    recorder_->store.save_progress(recorder_->revision);
  }

  /// Fills the backfill's column batch by batch, each batch in its own transaction with the
  /// position it reached, pausing --batch-sleep between batches (a fixed time, or a share of the
  /// time each batch took). Resumes after a position an
  /// interrupted apply recorded for the same column and expression.
  void run_backfill(std::size_t step, std::size_t statement, const planner::Statement& st) {
    const auto& spec = *st.backfill;
    const auto key = backfill_key(spec.table.str(), spec.column, spec.expression);
    state::StepProgress p;
    p.table = spec.table.str();
    p.column = spec.column;
    p.expression = spec.expression;
    if (recorder_ != nullptr && recorder_->revision.progress &&
        recorder_->revision.progress->step == step &&
        recorder_->revision.progress->column == spec.column) {
      p = *recorder_->revision.progress;  // a retry of this very backfill
    } else if (auto it = options_.resume.find(key); it != options_.resume.end()) {
      p.after = it->second.after;
      p.rows = it->second.rows;
      log_ << fmt::format("  resuming the backfill of {}.{} after {} rows (position {})\n", p.table,
                          p.column, thousands(p.rows), fmt::join(p.after, ", "));
    }
    const auto total = db_.estimated_rows(spec.table);
    const auto started = Clock::now();
    const std::int64_t rows_at_start = p.rows;
    std::size_t batches = 0;
    auto last_line = started;
    for (int attempt = 0;;) {
      try {
        const auto batch_started = Clock::now();
        db_.begin();
        auto batch = db_.backfill_batch(spec, p.after, options_.batch_size);
        if (batch.done) {
          db_.commit();
          break;
        }
        p.after = batch.last;
        p.rows += batch.rows;
        if (recorder_ != nullptr) {
          state::StepProgress saved = p;
          saved.step = step;
          saved.statements = statement;
          recorder_->revision.progress = saved;
          recorder_->store.save_progress(recorder_->revision);
        }
        db_.commit();
        attempt = 0;
        ++batches;
        failpoint("after-batch", batches);
        show_progress(p, total, rows_at_start, started, batches, last_line, false);
        if (options_.batch_sleep.count() > 0)
          std::this_thread::sleep_for(options_.batch_sleep);
        if (options_.batch_sleep_share > 0)
          std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(
              ms_since(batch_started) * options_.batch_sleep_share));
      } catch (const dialects::DatabaseError& e) {
        end_transaction();
        if (db_.is_transient(e) && attempt < options_.retries) {
          std::this_thread::sleep_for(pause_for(options_, attempt++, jitter_));
          continue;
        }
        throw;
      }
    }
    show_progress(p, total, rows_at_start, started, batches, last_line, true);
  }

  /// On a terminal, a bar redrawn in place; otherwise a line every 10 s (and at the end).
  void show_progress(const state::StepProgress& p, const std::optional<std::int64_t>& total,
                     std::int64_t rows_at_start, Clock::time_point started, std::size_t batches,
                     Clock::time_point& last_line, bool finished) {
    const double seconds = std::max(1e-3, ms_since(started) / 1000);
    const double rate = static_cast<double>(p.rows - rows_at_start) / seconds;
    std::string line =
        fmt::format("  backfill {}.{}: {} rows", p.table, p.column, thousands(p.rows));
    if (total && *total > 0) {
      const double share = std::min(1.0, static_cast<double>(p.rows) / static_cast<double>(*total));
      if (options_.progress_bar) {
        constexpr int kWidth = 24;
        const int filled = static_cast<int>(share * kWidth);
        line = fmt::format("  backfill {}.{} [{}{}] {:3.0f}% {}/~{} rows", p.table, p.column,
                           std::string(static_cast<std::size_t>(filled), '#'),
                           std::string(static_cast<std::size_t>(kWidth - filled), '.'), share * 100,
                           thousands(p.rows), thousands(*total));
      } else {
        line += fmt::format(" of ~{} ({:.0f}%)", thousands(*total), share * 100);
      }
      if (!finished && rate > 0 && *total > p.rows)
        line += ", ETA " + duration_text(static_cast<double>(*total - p.rows) / rate);
    }
    line += fmt::format(", {} rows/s, {} batch{}", thousands(static_cast<std::int64_t>(rate)),
                        batches, batches == 1 ? "" : "es");
    if (options_.progress_bar) {
      log_ << "\r" << line << "\x1b[K" << (finished ? "\n" : "") << std::flush;
      return;
    }
    constexpr auto kEvery = std::chrono::seconds(10);
    if (finished || Clock::now() - last_line >= kEvery) {
      log_ << line << (finished ? " (done)" : "") << "\n";
      last_line = Clock::now();
    }
  }

  dialects::Database& db_;
  const planner::Plan& plan_;
  const ApplyOptions& options_;
  std::ostream& log_;
  Recorder* recorder_;
  std::mt19937 jitter_;
};

}  // namespace

void failpoint(const char* where, std::size_t n) {
  // KEEL_FAILPOINT=before-step:K kills keel (SIGKILL, as a crash or an OOM kill would) just
  // before step K (1-based) runs; after-batch:B right after the B-th backfill batch commits.
  // Crash tests use it to stop keel at an exact place; nothing else should set it.
  static const char* spec = std::getenv("KEEL_FAILPOINT");
  if (spec == nullptr)
    return;
  if (std::string(spec) == fmt::format("{}:{}", where, n))
    std::raise(SIGKILL);
}

std::map<std::string, BackfillResume> resumable_backfills(
    const std::vector<state::Revision>& interrupted) {
  std::map<std::string, BackfillResume> out;
  // Oldest first, so that the newest position of a column wins.
  for (auto it = interrupted.rbegin(); it != interrupted.rend(); ++it) {
    const auto& p = it->progress;
    if (!p || p->column.empty() || p->after.empty())
      continue;
    out[backfill_key(p->table, p->column, p->expression)] = {p->after, p->rows, it->id};
  }
  return out;
}

void run_plan(dialects::Database& db, const planner::Plan& plan, const ApplyOptions& options,
              std::ostream& log, Recorder* recorder) {
  Runner(db, plan, options, log, recorder).run();
}

}  // namespace keel::cli
