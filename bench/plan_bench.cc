// keel_plan_bench: times the planning step alone (diff + order + render, with both fingerprints:
// planner::make_plan) between two schema files, as `keel diff FROM TO` runs it: each file is
// read and put through the offline PostgreSQL (or SQLite) engine's prepare_desired first.
//
//   bench/gen_schema.py --tables 1000 --seed 1 --format toml -o /tmp/b/schema.toml
//   bench/gen_schema.py --tables 1000 --seed 1 --format toml --changed 5 -o /tmp/b/changed.toml
//   build/keel_plan_bench /tmp/b/schema.toml /tmp/b/changed.toml [--iterations 15]
//
// Prints the time of the load and prepare steps (once each), then the median, minimum and
// maximum of make_plan over the iterations, and of diff and order on their own; for make_plan
// also the median CPU time of the process (all threads), which a busy machine disturbs less.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <time.h>

#include "dialects/dialect.h"
#include "planner/plan.h"
#include "state/toml_reader.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// CPU time of the whole process (every thread), in milliseconds.
double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

struct Stats {
  double median = 0;
  double min = 0;
  double max = 0;
};

Stats stats(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  const std::size_t n = samples.size();
  const double median = n % 2 == 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2.0;
  return {median, samples.front(), samples.back()};
}

int usage() {
  std::cerr << "usage: keel_plan_bench FROM.toml TO.toml [--iterations N] "
               "[--engine postgresql|sqlite]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  int iterations = 15;
  std::string engine = "postgresql";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--iterations" && i + 1 < argc) {
      iterations = std::atoi(argv[++i]);
    } else if (arg == "--engine" && i + 1 < argc) {
      engine = argv[++i];
    } else if (arg.starts_with("-")) {
      return usage();
    } else {
      files.push_back(arg);
    }
  }
  if (files.size() != 2 || iterations < 1) {
    return usage();
  }
  try {
    const auto db = keel::dialects::offline_database(engine);

    auto start = Clock::now();
    auto from = keel::state::read_schema(files[0]);
    auto to = keel::state::read_schema(files[1]);
    const double load_ms = ms_since(start);

    start = Clock::now();
    db->prepare_desired(from.schema);
    db->prepare_desired(to.schema);
    const double prepare_ms = ms_since(start);
    // `keel diff` of two files makes no connection, so there is nothing to canonicalize against.

    const auto& renderer = db->renderer();
    std::vector<double> plan_ms;
    std::vector<double> plan_cpu_ms;
    std::vector<double> diff_ms;
    std::vector<double> order_ms;
    std::size_t steps = 0;
    for (int i = 0; i < iterations; ++i) {
      start = Clock::now();
      const double cpu_start = cpu_ms();
      const keel::planner::Plan plan = keel::planner::make_plan(from.schema, to.schema, renderer);
      plan_ms.push_back(ms_since(start));
      plan_cpu_ms.push_back(cpu_ms() - cpu_start);
      steps = plan.steps.size();

      start = Clock::now();
      auto changes = keel::planner::diff(from.schema, to.schema, renderer);
      diff_ms.push_back(ms_since(start));
      start = Clock::now();
      const keel::planner::Plan ordered = keel::planner::order(std::move(changes), renderer);
      order_ms.push_back(ms_since(start));
    }

    const Stats p = stats(plan_ms);
    const Stats d = stats(diff_ms);
    const Stats o = stats(order_ms);
    std::cout << fmt::format("tables: {} -> {}, steps: {}, iterations: {}\n",
                             from.schema.tables.size(), to.schema.tables.size(), steps, iterations);
    std::cout << fmt::format("load (read_schema x2):        {:9.2f} ms\n", load_ms);
    std::cout << fmt::format("prepare_desired x2:           {:9.2f} ms\n", prepare_ms);
    std::cout << fmt::format("diff:       median {:8.2f} ms  (min {:.2f}, max {:.2f})\n", d.median,
                             d.min, d.max);
    std::cout << fmt::format("order:      median {:8.2f} ms  (min {:.2f}, max {:.2f})\n", o.median,
                             o.min, o.max);
    std::cout << fmt::format("make_plan:  median {:8.2f} ms  (min {:.2f}, max {:.2f})\n", p.median,
                             p.min, p.max);
    std::cout << fmt::format("make_plan:  median {:8.2f} ms of CPU time\n",
                             stats(plan_cpu_ms).median);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "keel_plan_bench: " << e.what() << "\n";
    return 1;
  }
}
