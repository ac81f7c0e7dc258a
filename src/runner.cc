#include "src/runner.h"

#include <algorithm>
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

}  // namespace

void run_plan(dialects::Database& db, const planner::Plan& plan, const ApplyOptions& options,
              std::ostream& log, Recorder* recorder) {
  const auto total = plan.steps.size();
  const std::size_t first = recorder != nullptr ? recorder->revision.steps_done : 0;
  std::mt19937 jitter(std::random_device{}());
  for (const auto& group : group_steps(plan)) {
    if (group.steps.back() < first) continue;  // committed by an earlier, interrupted run
    for (int attempt = 0;; ++attempt) {
      std::size_t current = group.steps.front();
      const std::string* statement = nullptr;
      std::vector<state::StepOutcome> outcomes;
      try {
        db.set_lock_timeout(options.lock_timeout);
        if (group.transactional) db.begin();
        for (auto i : group.steps) {
          if (i < first) continue;
          current = i;
          const auto& step = plan.steps[i];
          auto start = Clock::now();
          for (const auto& st : step.forward) {
            statement = &st.sql;
            db.execute(st.sql);
          }
          statement = nullptr;
          outcomes.push_back({i, "applied", ms_since(start), {}});
          if (recorder != nullptr) {
            recorder->revision.outcomes.push_back(outcomes.back());
            recorder->revision.steps_done = i + 1;
            // Inside the group's transaction: the step and its record commit together.
            if (group.transactional) recorder->store.save_progress(recorder->revision);
          }
        }
        if (group.transactional) db.commit();
        if (recorder != nullptr && !group.transactional)
          recorder->store.save_progress(recorder->revision);
        for (const auto& o : outcomes)
          log << fmt::format("[{}/{}] {} ({:.0f} ms)\n", o.index + 1, total,
                             plan.steps[o.index].summary, o.milliseconds);
        break;
      } catch (const dialects::DatabaseError& e) {
        // A non-transactional step may have opened its own transaction (SQLite's rebuild):
        // end whatever is open. Rolling back with none open is harmless.
        try {
          db.rollback();
        } catch (const dialects::DatabaseError&) {
          // No transaction was open, or the server already ended it.
        }
        if (recorder != nullptr) {
          // What this group recorded was rolled back with it.
          auto& r = recorder->revision;
          std::erase_if(r.outcomes, [&](const state::StepOutcome& o) {
            return group.transactional &&
                   std::find(group.steps.begin(), group.steps.end(), o.index) != group.steps.end();
          });
          r.steps_done = std::max(first, group.transactional ? group.steps.front() : r.steps_done);
        }
        if (db.is_transient(e) && attempt < options.retries) {
          auto pause = options.backoff * (1 << attempt);
          pause = std::min<std::chrono::milliseconds>(pause, std::chrono::seconds(5));
          pause += std::chrono::milliseconds(jitter() % 100);
          log << fmt::format("[{}/{}] {}: {}; retrying in {} ms (attempt {}/{})\n", current + 1,
                             total, plan.steps[current].summary, e.what(), pause.count(),
                             attempt + 1, options.retries);
          std::this_thread::sleep_for(pause);
          continue;
        }
        std::string message = fmt::format("applying step {}/{} ({})", current + 1, total,
                                          plan.steps[current].summary);
        if (statement != nullptr) message += ": " + *statement;
        message += ": " + std::string(e.what());
        if (!e.sqlstate().empty() && std::string(e.what()).find(e.sqlstate()) == std::string::npos)
          message += " (" + e.sqlstate() + ")";
        if (recorder != nullptr) {
          recorder->revision.outcomes.push_back({current, "failed", 0, e.what()});
          message += fmt::format("; {} of {} steps committed", recorder->revision.steps_done, total);
        }
        throw dialects::DatabaseError(message, e.sqlstate(), e.statement());
      }
    }
  }
}

}  // namespace keel::cli
