#include "tests/support/process.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX leaves it to programs

namespace keel::testing {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Frees what posix_spawn_file_actions_init allocated, however the spawn ends.
struct FileActions {
  posix_spawn_file_actions_t actions{};
  FileActions() { posix_spawn_file_actions_init(&actions); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  FileActions(FileActions&&) = delete;
  FileActions& operator=(FileActions&&) = delete;
};

}  // namespace

ScratchDir::ScratchDir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error(fmt::format("mkdtemp {}: {}", pattern, std::strerror(errno)));
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ScratchDir::write(const std::string& name, const std::string& text) const {
  auto file = (path_ / name).string();
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

Child::Child(const std::string& program, const std::vector<std::string>& args,
             const std::map<std::string, std::string>& env, const std::filesystem::path& dir) {
  static int serial = 0;
  auto stem = fmt::format("child-{}-{}", getpid(), ++serial);
  out_ = dir / (stem + ".out");
  err_ = dir / (stem + ".err");

  // The inherited environment without the variables `env` names, then `env`'s non-empty ones.
  std::vector<std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string var = *e;
    if (!env.contains(var.substr(0, var.find('='))))
      vars.push_back(var);
  }
  for (const auto& [name, value] : env)
    if (!value.empty())
      vars.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& v : vars)
    envp.push_back(v.data());
  envp.push_back(nullptr);

  std::vector<std::string> argv_text{program};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  FileActions fa;
  posix_spawn_file_actions_addopen(&fa.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa.actions, STDOUT_FILENO, out_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa.actions, STDERR_FILENO, err_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int rc = posix_spawn(&pid_, program.c_str(), &fa.actions, nullptr, argv.data(), envp.data());
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error(fmt::format("cannot start {}: {}", program, std::strerror(rc)));
  }
}

Child::~Child() {
  if (pid_ > 0 && !status_) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove(out_, ec);
  std::filesystem::remove(err_, ec);
}

bool Child::running() {
  if (status_)
    return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = status;
    return false;
  }
  if (r < 0 && errno != EINTR)
    throw std::runtime_error("waitpid failed");
  return true;
}

std::string Child::err_so_far() const {
  return slurp(err_);
}

ChildResult Child::wait(std::chrono::milliseconds timeout) {
  if (!eventually([this] { return !running(); }, timeout)) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    status_ = status;
    throw std::runtime_error(fmt::format("child {} still running after {} ms; killed it:\n{}", pid_,
                                         timeout.count(), slurp(err_)));
  }
  ChildResult r;
  if (WIFEXITED(*status_))
    r.exit_code = WEXITSTATUS(*status_);
  if (WIFSIGNALED(*status_))
    r.signal = WTERMSIG(*status_);
  r.out = slurp(out_);
  r.err = slurp(err_);
  return r;
}

ChildResult run_child(const std::string& program, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env,
                      const std::filesystem::path& dir) {
  Child child(program, args, env, dir);
  return child.wait();
}

}  // namespace keel::testing
