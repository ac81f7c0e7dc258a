#include "dialects/postgres/session.h"

#include <catch2/catch.hpp>

using keel::dialects::postgres::error_summary;
using keel::dialects::postgres::explain_connection_error;

TEST_CASE("libpq connection errors are explained in one line", "[unit]") {
  const std::string url = "postgresql://app:secret@db:5432/app";
  CHECK(explain_connection_error(
            "connection to server at \"db\" (10.0.0.5), port 5432 failed: Connection refused\n"
            "\tIs the server running on that host and accepting TCP/IP connections?\n",
            url) == "connection refused (is the server running on that host and port?)");
  CHECK(explain_connection_error("connection to server at \"db\" (10.0.0.5), port 5432 failed: "
                                 "FATAL:  password authentication failed for user \"app\"\n",
                                 url) == "password authentication failed for user \"app\"");
  CHECK(explain_connection_error("connection to server at \"db\" (10.0.0.5), port 5432 failed: "
                                 "FATAL:  database \"app\" does not exist\n",
                                 url) == "database \"app\" does not exist");
  CHECK(explain_connection_error(
            "could not translate host name \"db\" to address: Name or service not known\n", url) ==
        "unknown host \"db\"");
  CHECK(explain_connection_error("connection to server on socket \"/tmp/.s.PGSQL.5432\" failed: "
                                 "No such file or directory\n\tIs the server running locally and "
                                 "accepting connections on that socket?\n",
                                 url) ==
        "no server is listening on socket \"/tmp/.s.PGSQL.5432\" (is the server running locally?)");
  CHECK(explain_connection_error("connection to server at \"db\" (10.0.0.5), port 5432 failed: "
                                 "fe_sendauth: no password supplied\n",
                                 url) == "the server requires a password and none was given");
  CHECK(explain_connection_error("invalid URI query parameter: \"foo\"\n", url) ==
        "invalid connection string: invalid URI query parameter: \"foo\"");
  CHECK(explain_connection_error("missing \"=\" after \"garbage\" in connection info string\n",
                                 "garbage") ==
        "invalid connection string: missing \"=\" after \"garbage\" in connection info string");
  CHECK(explain_connection_error("connection to server at \"db\" (10.0.0.5), port 5432 failed: "
                                 "server does not support SSL, but SSL was required\n",
                                 url) == "server does not support SSL, but SSL was required");
}

TEST_CASE("a connection error that quotes the URL shows it without the password", "[unit]") {
  const std::string url = "postgresql://app:secret@[::1";
  CHECK(explain_connection_error(
            "end of string reached when looking for matching \"]\" in IPv6 host address in URI: "
            "\"postgresql://app:secret@[::1\"\n",
            url) ==
        "invalid connection string: end of string reached when looking for matching \"]\" in "
        "IPv6 host address in URI: \"postgresql://app:***@[::1\"");
}

TEST_CASE("server errors are summarized by their first line", "[unit]") {
  CHECK(error_summary("ERROR:  syntax error at or near \"x\"\nLINE 1: x\n        ^\n") ==
        "syntax error at or near \"x\"");
  CHECK(error_summary("ERROR:  Relation is busy.") == "relation is busy");
}
