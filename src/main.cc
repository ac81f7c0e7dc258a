// keel's entry point: the only place that turns exceptions into messages and exit codes.
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#ifdef KEEL_MIMALLOC
#include <mimalloc.h>
#endif

#include "src/cli.h"
#include "src/output.h"

int main(int argc, char** argv) {
#ifdef KEEL_MIMALLOC
  // 2 MiB pages (transparent huge pages where the kernel offers them, else ordinary ones): a
  // 10,000-table plan builds two models of a hundred MiB each, and faulting them in 4 KiB at a
  // time cost it 0.3 s. MIMALLOC_LARGE_OS_PAGES=0 in the environment turns this off.
  if (std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr) {
    mi_option_set(mi_option_large_os_pages, 1);
  }
  // Each thread's first segment committed whole too, so that it gets such pages as well rather
  // than being committed and faulted in piece by piece (a 1,000-table plan: 8,400 page faults
  // and 0.32 s, 4,500 and 0.28 s). MIMALLOC_EAGER_COMMIT_DELAY in the environment overrides it.
  if (std::getenv("MIMALLOC_EAGER_COMMIT_DELAY") == nullptr) {
    mi_option_set(mi_option_eager_commit_delay, 0);
  }
#endif
  keel::cli::Terminal terminal;
  terminal.in = &std::cin;
  terminal.interactive = isatty(STDIN_FILENO) != 0 && isatty(STDERR_FILENO) != 0;
  terminal.color = keel::cli::use_color(isatty(STDOUT_FILENO) != 0);
  terminal.progress = isatty(STDERR_FILENO) != 0;
  terminal.process_exits = true;
  try {
    return keel::cli::run({argv + 1, argv + argc}, std::cout, std::cerr, terminal);
  } catch (...) {
    return keel::cli::report(std::cerr);
  }
}
