// keel's entry point: the only place that turns exceptions into messages and exit codes.
#include <iostream>

#include <unistd.h>

#include "src/cli.h"
#include "src/output.h"

int main(int argc, char** argv) {
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
