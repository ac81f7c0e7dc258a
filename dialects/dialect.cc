#include "dialects/dialect.h"

#include <string_view>

#include "dialects/postgres/postgres.h"
#include "dialects/sqlite/sqlite.h"

namespace keel::dialects {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// `password=...` in a URI query string: the value up to the next '&' or '#'.
std::string redact_query(std::string url, std::size_t query_start) {
  std::size_t at = query_start;
  while (at < url.size()) {
    const std::size_t end = std::min(url.find('&', at), url.find('#', at));
    const std::size_t stop = end == std::string::npos ? url.size() : end;
    if (url.compare(at, 9, "password=") == 0 && stop > at + 9) {
      url.replace(at + 9, stop - at - 9, "***");
      at += 9 + 3;
    } else {
      at = stop;
    }
    if (at < url.size() && url[at] == '#') {
      break;
    }
    if (at < url.size()) {
      ++at;
    }
  }
  return url;
}

std::string redact_uri(std::string url) {
  const std::size_t authority = url.find("://") + 3;
  std::size_t authority_end = url.find_first_of("/?#", authority);
  if (authority_end == std::string::npos) {
    authority_end = url.size();
  }
  const std::size_t at = url.rfind('@', authority_end);
  if (at != std::string::npos && at >= authority) {
    const std::size_t colon = url.find(':', authority);
    if (colon != std::string::npos && colon < at) {
      url.replace(colon + 1, at - colon - 1, "***");
      authority_end = authority_end - (at - colon - 1) + 3;
    }
  }
  const std::size_t query = url.find('?', authority_end);
  if (query != std::string::npos && (url.find('#') == std::string::npos || query < url.find('#'))) {
    return redact_query(url, query + 1);
  }
  return url;
}

// libpq key=value strings: values are bare words or single-quoted with backslash escapes.
std::string redact_key_values(const std::string& conninfo) {
  std::string out;
  std::size_t i = 0;
  const std::size_t n = conninfo.size();
  while (i < n) {
    while (i < n && is_space(conninfo[i])) {
      out += conninfo[i++];
    }
    const std::size_t key_start = i;
    while (i < n && conninfo[i] != '=' && !is_space(conninfo[i])) {
      ++i;
    }
    const std::string key = conninfo.substr(key_start, i - key_start);
    out += key;
    while (i < n && is_space(conninfo[i])) {
      out += conninfo[i++];
    }
    if (i >= n || conninfo[i] != '=') {
      continue;
    }
    out += conninfo[i++];
    while (i < n && is_space(conninfo[i])) {
      out += conninfo[i++];
    }
    const std::size_t value_start = i;
    if (i < n && conninfo[i] == '\'') {
      ++i;
      while (i < n && conninfo[i] != '\'') {
        i += conninfo[i] == '\\' ? 2U : 1U;
      }
      i = std::min(i + 1, n);
    } else {
      while (i < n && !is_space(conninfo[i])) {
        i += conninfo[i] == '\\' ? 2U : 1U;
      }
      i = std::min(i, n);
    }
    out += key == "password" ? "***" : conninfo.substr(value_start, i - value_start);
  }
  return out;
}

bool is_postgres_uri(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

}  // namespace

std::string redact_url(const std::string& url) {
  if (url.starts_with("sqlite:")) {
    return url;
  }
  if (url.find("://") != std::string::npos) {  // any scheme://user:password@host
    return redact_uri(url);
  }
  if (url.find('=') != std::string::npos) {
    return redact_key_values(url);
  }
  return url;
}

std::unique_ptr<Database> open_database(const std::string& url) {
  if (is_postgres_uri(url)) {
    return postgres::open(url);
  }
  if (url.starts_with("sqlite:")) {
    std::string path = url.substr(7);
    // sqlite:///abs/path.db -> /abs/path.db; sqlite:rel/path.db and sqlite::memory: as written.
    if (path.starts_with("//")) {
      path.erase(0, 2);
    }
    if (path.empty()) {
      throw DatabaseError("no file name in database URL \"" + url + "\"");
    }
    return sqlite::open(path);
  }
  if (url.find('=') != std::string::npos) {
    return postgres::open(url);
  }
  if (url.empty()) {
    throw DatabaseError("no database URL given");
  }
  throw DatabaseError("unsupported database URL \"" + redact_url(url) +
                      "\" (expected postgresql://..., a libpq key=value string or sqlite:PATH)");
}

}  // namespace keel::dialects
