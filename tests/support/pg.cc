#include "tests/support/pg.h"

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include <unistd.h>

namespace keel::testing {

std::string pg_server_url() {
  const char* url = std::getenv("KEEL_TEST_PG_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "KEEL_TEST_PG_URL is not set: the [postgres] tests need a superuser URL of a throwaway "
        "server (make test starts one with tests/pg_cluster.sh)");
  }
  return url;
}

std::string pg_url_with_database(const std::string& url, const std::string& dbname) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) {
    return url + " dbname=" + dbname;  // key=value: last wins
  }
  const std::size_t authority = scheme + 3;
  const std::size_t path = url.find_first_of("/?#", authority);
  if (path == std::string::npos) {
    return url + "/" + dbname;
  }
  if (url[path] != '/') {
    return url.substr(0, path) + "/" + dbname + url.substr(path);
  }
  const std::size_t path_end = url.find_first_of("?#", path);
  return url.substr(0, path + 1) + dbname +
         (path_end == std::string::npos ? std::string() : url.substr(path_end));
}

PgTestDatabase::PgTestDatabase() : server_url_(pg_server_url()) {
  static std::atomic<int> counter{0};
  name_ = "keel_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  url_ = pg_url_with_database(server_url_, name_);
  auto admin = dialects::open_database(server_url_);
  admin->execute_script("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  admin->execute_script("CREATE DATABASE " + name_ +
                        " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
}

PgTestDatabase::~PgTestDatabase() {
  try {
    auto admin = dialects::open_database(server_url_);
    admin->execute_script("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const dialects::DatabaseError&) {  // the server is gone: nothing left to drop
  }
}

std::unique_ptr<dialects::Database> PgTestDatabase::open() const {
  return dialects::open_database(url_);
}

}  // namespace keel::testing
