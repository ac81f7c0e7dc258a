#include "dialects/postgres/session.h"

#include <charconv>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "dialects/dialect.h"
#include "dialects/postgres/lexer.h"

namespace keel::dialects::postgres {

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) {
    return text;
  }
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string first_line(std::string_view text) {
  text = trim(text);
  const std::size_t end = text.find('\n');
  return std::string(trim(text.substr(0, end)));
}

std::string strip_severity(std::string text) {
  for (std::string_view prefix : {"FATAL:  ", "ERROR:  ", "FATAL: ", "ERROR: "}) {
    if (text.starts_with(prefix)) {
      return text.substr(prefix.size());
    }
  }
  return text;
}

std::string lower_first(std::string text) {
  if (text.size() >= 2 && text[0] >= 'A' && text[0] <= 'Z' && text[1] >= 'a' && text[1] <= 'z') {
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  }
  while (!text.empty() && text.back() == '.') {
    text.pop_back();
  }
  return text;
}

// The text between the quotes that follow `marker` in `text`, or "".
std::string quoted_after(std::string_view text, std::string_view marker) {
  const std::size_t at = text.find(marker);
  if (at == std::string_view::npos) {
    return {};
  }
  const std::size_t begin = at + marker.size();
  const std::size_t end = text.find('"', begin);
  if (end == std::string_view::npos) {
    return {};
  }
  return std::string(text.substr(begin, end - begin));
}

}  // namespace

std::string error_summary(std::string_view message) {
  return lower_first(strip_severity(first_line(message)));
}

std::string explain_connection_error(std::string_view libpq_message,
                                     const std::string& raw_conninfo) {
  const std::string message =
      replace_all(std::string(libpq_message), raw_conninfo, redact_url(raw_conninfo));
  const std::string line = first_line(message);
  std::string reason = line;
  const bool server_part = line.starts_with("connection to server");
  if (server_part) {
    const std::size_t failed = line.find("failed: ");
    if (failed != std::string::npos) {
      reason = line.substr(failed + 8);
    }
  }
  reason = strip_severity(std::string(trim(reason)));

  if (reason == "Connection refused") {
    return "connection refused (is the server running on that host and port?)";
  }
  if (reason == "No such file or directory" && line.find("on socket \"") != std::string::npos) {
    return "no server is listening on socket \"" + quoted_after(line, "on socket \"") +
           "\" (is the server running locally?)";
  }
  if (reason.starts_with("could not translate host name \"")) {
    return "unknown host \"" + quoted_after(reason, "host name \"") + "\"";
  }
  if (reason.find("no password supplied") != std::string::npos) {
    return "the server requires a password and none was given";
  }
  if (reason == "timeout expired") {
    return "timed out (is the host reachable?)";
  }
  const bool bad_string = reason.find("URI") != std::string::npos ||
                          reason.find("missing \"=\"") != std::string::npos ||
                          reason.find("connection option") != std::string::npos ||
                          reason.starts_with("invalid ");
  if (bad_string) {
    return "invalid connection string: " + lower_first(reason);
  }
  return lower_first(reason);
}

// ---------------------------------------------------------------------------------------------

struct Rows::Impl {
  pqxx::result result;

  // The cells of the row read last, as views into the result. Reading each cell through
  // result[row][column] would copy the result's shared pointers twice per cell, which costs
  // more than everything else keel does with a catalog row; rows are mostly read in order.
  mutable std::size_t cached = static_cast<std::size_t>(-1);
  mutable std::vector<std::string_view> cells;
  mutable std::vector<char> nulls;

  void load(std::size_t row) const {
    if (row == cached) {
      return;
    }
    const pqxx::row r = result[static_cast<pqxx::result::size_type>(row)];
    cells.clear();
    nulls.clear();
    // Each of begin() and end() copies the result's shared pointers: once per row, not per cell.
    const auto end = r.end();
    for (auto f = r.begin(); f != end; ++f) {
      const bool null = f->is_null();
      nulls.push_back(null ? 1 : 0);
      cells.push_back(null ? std::string_view() : std::string_view(f->c_str(), f->size()));
    }
    cached = row;
  }
};

Rows::Rows() : impl_(std::make_unique<Impl>()) {}
Rows::~Rows() = default;
Rows::Rows(Rows&& other) noexcept = default;
Rows& Rows::operator=(Rows&& other) noexcept = default;

std::size_t Rows::size() const {
  return impl_->result.size();
}

std::size_t Rows::columns() const {
  return static_cast<std::size_t>(impl_->result.columns());
}

bool Rows::is_null(std::size_t row, std::size_t column) const {
  impl_->load(row);
  return impl_->nulls.at(column) != 0;
}

std::string_view Rows::text(std::size_t row, std::size_t column) const {
  impl_->load(row);
  return impl_->cells.at(column);
}

std::optional<std::string> Rows::optional(std::size_t row, std::size_t column) const {
  if (is_null(row, column)) {
    return std::nullopt;
  }
  return std::string(text(row, column));
}

bool Rows::flag(std::size_t row, std::size_t column) const {
  return text(row, column) == "t";
}

std::uint32_t Rows::oid(std::size_t row, std::size_t column) const {
  const std::string_view t = text(row, column);
  std::uint32_t value = 0;
  std::from_chars(t.data(), t.data() + t.size(), value);
  return value;
}

// ---------------------------------------------------------------------------------------------

struct Session::Impl {
  explicit Impl(const std::string& conninfo) : connection(conninfo), quiet(connection) {}
  pqxx::connection connection;
  pqxx::quiet_errorhandler quiet;  // notices (e.g. from DROP ... IF EXISTS) are not printed
};

Session::Session(const std::string& conninfo) {
  try {
    impl_ = std::make_unique<Impl>(conninfo);
    impl_->connection.set_client_encoding("UTF8");
  } catch (const pqxx::broken_connection& e) {
    throw DatabaseError("cannot connect to " + redact_url(conninfo) + ": " +
                        explain_connection_error(e.what(), conninfo));
  } catch (const pqxx::pqxx_exception& e) {
    throw DatabaseError("cannot connect to " + redact_url(conninfo) + ": " +
                        explain_connection_error(e.base().what(), conninfo));
  }
}

Session::~Session() = default;

namespace {

// Runs `work`, turning libpqxx's exceptions into DatabaseError for statement `sql`.
template <typename Work>
auto reporting(const std::string& sql, Work&& work) {
  try {
    return work();
  } catch (const pqxx::sql_error& e) {
    throw DatabaseError(error_summary(e.what()), e.sqlstate(), sql);
  } catch (const pqxx::broken_connection& e) {
    throw DatabaseError("lost the connection to the server: " + error_summary(e.what()), {}, sql);
  } catch (const pqxx::pqxx_exception& e) {
    throw DatabaseError(error_summary(e.base().what()), {}, sql);
  }
}

}  // namespace

Rows Session::query(const std::string& sql) {
  Rows rows;
  reporting(sql, [&] {
    pqxx::nontransaction tx(impl_->connection);
    rows.impl_->result = tx.exec(sql);
  });
  return rows;
}

void Session::execute(const std::string& sql) {
  (void)query(sql);
}

// libpqxx's pipeline sends the queued queries as one string; each result is read as soon as
// the server has sent it, the later queries running meanwhile.
struct Batch::Impl {
  explicit Impl(pqxx::connection& connection) : tx(connection), pipeline(tx) {
    pipeline.retain(std::numeric_limits<int>::max());  // nothing goes out before send()
  }
  pqxx::nontransaction tx;
  pqxx::pipeline pipeline;
  std::vector<std::pair<pqxx::pipeline::query_id, std::string>> queries;  // by number
};

Batch::Batch(Session& session)
    : impl_(reporting("", [&] { return std::make_unique<Impl>(session.impl_->connection); })) {}

Batch::~Batch() = default;

std::size_t Batch::add(const std::string& sql) {
  impl_->queries.emplace_back(reporting(sql, [&] { return impl_->pipeline.insert(sql); }), sql);
  return impl_->queries.size() - 1;
}

void Batch::send() {
  reporting(impl_->queries.empty() ? std::string() : impl_->queries.back().second,
            [&] { impl_->pipeline.resume(); });
}

Rows Batch::take(std::size_t n) {
  const auto& query = impl_->queries.at(n);
  Rows rows;
  reporting(query.second, [&] { rows.impl_->result = impl_->pipeline.retrieve(query.first); });
  return rows;
}

}  // namespace keel::dialects::postgres

namespace keel::dialects::postgres {

ScratchTransaction::ScratchTransaction(Session& session, bool nested, bool snapshot)
    : session_(session), nested_(nested) {
  if (nested_) {
    session_.execute("SAVEPOINT keel_scratch");
  } else {
    session_.execute(snapshot ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
  }
}

ScratchTransaction::~ScratchTransaction() {
  try {
    session_.execute(nested_ ? "ROLLBACK TO SAVEPOINT keel_scratch; RELEASE SAVEPOINT keel_scratch"
                             : "ROLLBACK");
  } catch (const DatabaseError&) {  // the connection is gone: nothing is left to undo
  }
}

}  // namespace keel::dialects::postgres
