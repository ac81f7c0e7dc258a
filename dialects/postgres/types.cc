#include "dialects/postgres/types.h"

#include "dialects/postgres/lexer.h"

namespace keel::dialects::postgres {

namespace {

// A type name reduced for loose comparison: no quotes, no type modifiers, single spaces.
std::string loose(std::string_view type) {
  std::string out;
  int depth = 0;
  for (char c : type) {
    if (c == '(') {
      ++depth;
    }
    if (depth == 0 && c != '"') {
      out += c;
    }
    if (c == ')' && depth > 0) {
      --depth;
    }
  }
  std::string collapsed;
  for (char c : trim(out)) {
    if (c == ' ' && (collapsed.empty() || collapsed.back() == ' ')) {
      continue;
    }
    collapsed += c;
  }
  while (!collapsed.empty() && collapsed.back() == ' ') {
    collapsed.pop_back();
  }
  if (collapsed == "bpchar") {
    return "character";
  }
  if (collapsed == "bpchar[]") {
    return "character[]";
  }
  return collapsed;
}

}  // namespace

bool cast_names_type(std::string_view cast_type, std::string_view column_type) {
  const std::string cast = loose(cast_type);
  const std::string column = loose(column_type);
  if (cast.empty() || column.empty()) {
    return false;
  }
  if (cast == column) {
    return true;
  }
  if (cast.ends_with("." + column)) {
    return true;  // "public.citext" for a column of "citext"
  }
  // "interval" for "interval day to second(2)": the fields are a type modifier too
  return cast == "interval" && column.starts_with("interval ") && !column.ends_with("[]");
}

}  // namespace keel::dialects::postgres
