#include "tests/support/keel_child.h"

#include <utility>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "tests/support/convergence.h"

namespace keel::testing {

std::string keel_ok(const std::vector<std::string>& args, int expected) {
  std::string out;
  std::string err;
  int code = keel(args, out, err);
  INFO("keel " << fmt::format("{}", fmt::join(args, " ")) << "\n" << err);
  REQUIRE(code == expected);
  return out;
}

nlohmann::json keel_history(const std::string& url) {
  return nlohmann::json::parse(keel_ok({"history", "--db", url, "--format", "json"}));
}

KeelBinary::KeelBinary(std::string program, std::filesystem::path dir,
                       std::map<std::string, std::string> env)
    : program_(std::move(program)), dir_(std::move(dir)), env_(std::move(env)) {}

std::unique_ptr<Child> KeelBinary::start(const std::vector<std::string>& args,
                                         const std::map<std::string, std::string>& env) const {
  auto all = env;
  all.insert(env_.begin(), env_.end());  // keeps the call's value where both name a variable
  return std::make_unique<Child>(program_, args, all, dir_);
}

ChildResult KeelBinary::run(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env) const {
  return start(args, env)->wait();
}

}  // namespace keel::testing
