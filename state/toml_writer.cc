#include "state/toml_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <system_error>
#include <vector>

#include "state/toml_reader.h"
#include "state/types.h"

namespace keel::state {

namespace {

std::string hex4(unsigned value) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  std::string out = "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) {
    out += kDigits[(value >> shift) & 0xFU];
  }
  return out;
}

// The escape of one character in a basic string, or "" when it is written as is.
std::string escape(char c) {
  switch (c) {
    case '\\':
      return "\\\\";
    case '"':
      return "\\\"";
    case '\b':
      return "\\b";
    case '\t':
      return "\\t";
    case '\n':
      return "\\n";
    case '\f':
      return "\\f";
    case '\r':
      return "\\r";
    default:
      break;
  }
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x20U || u == 0x7FU) {
    return hex4(u);
  }
  return {};
}

// A multi-line basic string; used for text with line breaks outside inline tables.
std::string toml_multiline(std::string_view text) {
  std::string out = "\"\"\"\n";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      // Never let three quotes in a row (or a quote next to the closing ones) appear.
      const bool risky = i + 1 == text.size() || text[i + 1] == '"';
      out += risky ? "\\\"" : "\"";
    } else if (std::string e = escape(c); !e.empty() && c != '\n' && c != '\t') {
      out += e;  // line breaks and tabs are written as they are
    } else {
      out += c;
    }
  }
  return out + R"(""")";
}

// A string value at table level: multi-line when it has line breaks.
std::string text_value(std::string_view text) {
  return text.find('\n') == std::string_view::npos ? toml_string(text) : toml_multiline(text);
}

std::string string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += ", ";
    }
    out += toml_string(items[i]);
  }
  return out + "]";
}

// Builds `{ k = v, ... }` on one line.
class Inline {
 public:
  void add(std::string_view key, const std::string& value) {
    parts_.push_back(toml_key(key) + " = " + value);
  }
  [[nodiscard]] std::string str() const {
    if (parts_.empty()) {
      return "{}";
    }
    std::string out = "{ ";
    for (std::size_t i = 0; i < parts_.size(); ++i) {
      if (i > 0) {
        out += ", ";
      }
      out += parts_[i];
    }
    return out + " }";
  }

 private:
  std::vector<std::string> parts_;
};

class Writer {
 public:
  explicit Writer(const Schema& schema) : s_(schema) {}

  std::string run() {
    write_settings();
    for (const auto& [name, e] : s_.enums) {
      write_enum(e);
    }
    for (const auto& [name, t] : s_.tables) {
      write_table(t);
    }
    for (const auto& [name, v] : s_.views) {
      write_view(v);
    }
    return out_;
  }

 private:
  const Schema& s_;
  std::string out_;

  [[nodiscard]] std::string key_of(const QualifiedName& name) const {
    return toml_key(format_qualified_name(name, s_.settings.schema));
  }
  [[nodiscard]] std::string ref_of(const QualifiedName& name) const {
    return toml_string(format_qualified_name(name, s_.settings.schema));
  }

  void header(const std::string& text) {
    if (!out_.empty()) {
      out_ += '\n';
    }
    out_ += text + '\n';
  }
  void line(std::string_view key, const std::string& value) {
    out_ += toml_key(key) + " = " + value + '\n';
  }

  void write_settings() {
    const Settings& st = s_.settings;
    header("[settings]");
    line("schema", toml_string(st.schema));
    if (!st.schemas.empty()) {
      line("schemas", string_array(st.schemas));
    }
    if (!st.exclude.empty()) {
      line("exclude", string_array(st.exclude));
    }
    if (!s_.extensions.empty()) {
      std::string list = "[";
      for (std::size_t i = 0; i < s_.extensions.size(); ++i) {
        const Extension& ext = s_.extensions[i];
        if (i > 0) {
          list += ", ";
        }
        if (ext.schema) {
          Inline entry;
          entry.add("name", toml_string(ext.name));
          entry.add("schema", toml_string(*ext.schema));
          list += entry.str();
        } else {
          list += toml_string(ext.name);
        }
      }
      line("extensions", list + "]");
    }
  }

  void write_enum(const Enum& e) {
    header("[enums." + key_of(e.name) + "]");
    line("values", string_array(e.values));
    if (e.comment) {
      line("comment", text_value(*e.comment));
    }
  }

  void write_view(const View& v) {
    header("[views." + key_of(v.name) + "]");
    line("sql", text_value(v.sql));
    if (v.comment) {
      line("comment", text_value(*v.comment));
    }
  }

  void write_table(const Table& t) {
    const std::string key = "tables." + key_of(t.name);
    header("[" + key + "]");
    if (t.comment) {
      line("comment", text_value(*t.comment));
    }
    if (t.renamed_from) {
      line("renamed_from", ref_of(*t.renamed_from));
    }
    if (t.primary_key) {
      if (t.primary_key->name.empty()) {
        line("primary_key", string_array(t.primary_key->columns));
      } else {
        Inline pk;
        pk.add("name", toml_string(t.primary_key->name));
        pk.add("columns", string_array(t.primary_key->columns));
        line("primary_key", pk.str());
      }
    }
    if (t.partition_by) {
      line("partition_by", text_value(*t.partition_by));
    }

    header("[" + key + ".columns]");
    for (const Column& c : t.columns) {
      line(c.name, column_value(c));
    }

    for (const Index& index : t.indexes) {
      header("[[" + key + ".indexes]]");
      if (!index.name.empty()) {
        line("name", toml_string(index.name));
      }
      std::string keys = "[";
      for (std::size_t i = 0; i < index.keys.size(); ++i) {
        if (i > 0) {
          keys += ", ";
        }
        keys += index_key_value(index.keys[i]);
      }
      line("columns", keys + "]");
      if (index.unique) {
        line("unique", "true");
      }
      if (index.method != "btree") {
        line("method", toml_string(index.method));
      }
      if (index.where) {
        line("where", text_value(*index.where));
      }
      if (!index.include.empty()) {
        line("include", string_array(index.include));
      }
      if (!index.valid) {
        line("valid", "false");
      }
    }
    for (const UniqueConstraint& u : t.uniques) {
      header("[[" + key + ".uniques]]");
      if (!u.name.empty()) {
        line("name", toml_string(u.name));
      }
      line("columns", string_array(u.columns));
      if (u.deferrable) {
        line("deferrable", "true");
      }
      if (u.initially_deferred) {
        line("initially_deferred", "true");
      }
    }
    for (const ForeignKey& fk : t.foreign_keys) {
      header("[[" + key + ".foreign_keys]]");
      if (!fk.name.empty()) {
        line("name", toml_string(fk.name));
      }
      line("columns", string_array(fk.columns));
      line("ref_table", ref_of(fk.ref_table));
      line("ref_columns", string_array(fk.ref_columns));
      if (fk.on_delete != FkAction::NoAction) {
        line("on_delete", toml_string(fk_action_text(fk.on_delete)));
      }
      if (fk.on_update != FkAction::NoAction) {
        line("on_update", toml_string(fk_action_text(fk.on_update)));
      }
      if (fk.deferrable) {
        line("deferrable", "true");
      }
      if (fk.initially_deferred) {
        line("initially_deferred", "true");
      }
      if (!fk.valid) {
        line("valid", "false");
      }
    }
    for (const Check& check : t.checks) {
      header("[[" + key + ".checks]]");
      if (!check.name.empty()) {
        line("name", toml_string(check.name));
      }
      line("expr", text_value(check.expr));
      if (!check.valid) {
        line("valid", "false");
      }
    }
    for (const Partition& p : t.partitions) {
      header("[[" + key + ".partitions]]");
      line("name", ref_of(p.name));
      line("bound", text_value(p.bound));
    }
  }

  [[nodiscard]] std::string column_value(const Column& c) const {
    Inline v;
    v.add("type", type_value(c.type));
    if (c.nullable) {
      v.add("nullable", "true");
    }
    if (c.default_sql) {
      v.add("default", default_value(c));
    }
    if (c.identity == Identity::Always) {
      v.add("identity", "\"always\"");
    }
    if (c.identity == Identity::ByDefault) {
      v.add("identity", "\"by default\"");
    }
    if (c.generated) {
      v.add("generated", toml_string(*c.generated));
    }
    if (c.collation) {
      v.add("collation", toml_string(*c.collation));
    }
    if (c.comment) {
      v.add("comment", toml_string(*c.comment));
    }
    if (c.renamed_from) {
      v.add("renamed_from", toml_string(*c.renamed_from));
    }
    if (c.backfill) {
      v.add("backfill", toml_string(*c.backfill));
    }
    return v.str();
  }

  // The type as a string when it reads back the same (an enum by its bare name if possible),
  // else `{ sql = "..." }`, which the reader takes verbatim.
  [[nodiscard]] std::string type_value(const std::string& type) const {
    std::vector<std::string> candidates;
    if (const Enum* e = find_enum_type(type, s_.enums)) {
      const std::string suffix =
          type.size() >= 2 && type.substr(type.size() - 2) == "[]" ? "[]" : "";
      candidates = {e->name.name + suffix, e->name.str() + suffix};
    }
    candidates.push_back(type);
    for (const std::string& candidate : candidates) {
      if (resolve_type(candidate, s_.enums, s_.settings.schema) == type) {
        return toml_string(candidate);
      }
    }
    Inline raw;
    raw.add("sql", toml_string(type));
    return raw.str();
  }

  // A TOML literal when the reader turns it back into exactly `default_sql` and accepts it
  // for the column's type; otherwise `{ sql = "..." }`.
  [[nodiscard]] std::string default_value(const Column& c) const {
    const std::string& sql = *c.default_sql;
    const bool known = resolve_type(c.type, s_.enums, s_.settings.schema) == c.type;
    const TypeFamily family = known ? type_family(c.type) : TypeFamily::Other;
    const Inline fallback = [&] {
      Inline v;
      v.add("sql", toml_string(sql));
      return v;
    }();
    if (!known) {
      return fallback.str();
    }
    if (family == TypeFamily::Boolean && (sql == "true" || sql == "false")) {
      return sql;
    }
    if (auto text = plain_string_literal(sql)) {
      const Enum* e = find_enum_type(c.type, s_.enums);
      const bool is_array = c.type.back() == ']';
      const bool fits = family != TypeFamily::Integer && family != TypeFamily::Boolean &&
                        (e == nullptr || is_array ||
                         std::find(e->values.begin(), e->values.end(), *text) != e->values.end());
      if (fits) {
        return toml_string(*text);
      }
    }
    if (family == TypeFamily::Integer || family == TypeFamily::Numeric) {
      std::int64_t value = 0;
      auto [end, ec] = std::from_chars(sql.data(), sql.data() + sql.size(), value);
      if (ec == std::errc() && end == sql.data() + sql.size() && std::to_string(value) == sql) {
        return sql;
      }
      if (family == TypeFamily::Numeric && is_toml_float(sql)) {
        return sql;
      }
    }
    return fallback.str();
  }

  // 'text' with only doubled quotes inside -> text.
  static std::optional<std::string> plain_string_literal(const std::string& sql) {
    if (sql.size() < 2 || sql.front() != '\'' || sql.back() != '\'') {
      return std::nullopt;
    }
    std::string out;
    for (std::size_t i = 1; i + 1 < sql.size(); ++i) {
      if (sql[i] == '\'') {
        if (i + 2 < sql.size() && sql[i + 1] == '\'') {
          out += '\'';
          ++i;
          continue;
        }
        return std::nullopt;
      }
      out += sql[i];
    }
    return out;
  }

  // A decimal that TOML reads as a float and the reader keeps verbatim: -?(0|[1-9]d*) with a
  // fraction and/or an exponent, finite.
  static bool is_toml_float(const std::string& s) {
    std::size_t i = 0;
    auto digits = [&] {
      const std::size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        ++i;
      }
      return i - start;
    };
    if (i < s.size() && s[i] == '-') {
      ++i;
    }
    const std::size_t int_start = i;
    const std::size_t int_digits = digits();
    if (int_digits == 0 || (int_digits > 1 && s[int_start] == '0')) {
      return false;
    }
    bool fraction = false;
    bool exponent = false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      if (digits() == 0) {
        return false;
      }
      fraction = true;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        ++i;
      }
      if (digits() == 0) {
        return false;
      }
      exponent = true;
    }
    if (i != s.size() || (!fraction && !exponent)) {
      return false;
    }
    return std::isfinite(std::strtod(s.c_str(), nullptr));
  }

  // An index key as a string ("email", "\"My Col\" DESC", "lower(email)") when it reads back
  // the same, else as an inline table.
  static std::string index_key_value(const IndexKey& k) {
    if (!k.collation && !k.opclass) {
      std::string suffix;
      if (k.descending) {
        suffix += " DESC";
      }
      if (k.nulls == NullsOrder::First) {
        suffix += " NULLS FIRST";
      }
      if (k.nulls == NullsOrder::Last) {
        suffix += " NULLS LAST";
      }
      std::vector<std::string> candidates;
      if (k.expression) {
        candidates.push_back(*k.expression + suffix);
      } else {
        std::string quoted = "\"";
        for (char c : k.column) {
          quoted += c;
          if (c == '"') {
            quoted += '"';
          }
        }
        candidates.push_back(k.column + suffix);
        candidates.push_back(quoted + "\"" + suffix);
      }
      for (const std::string& text : candidates) {
        if (parse_index_key(text) == k) {
          return toml_string(text);
        }
      }
    }
    Inline v;
    if (k.expression) {
      v.add("expression", toml_string(*k.expression));
    } else {
      v.add("column", toml_string(k.column));
    }
    if (k.descending) {
      v.add("desc", "true");
    }
    if (k.nulls == NullsOrder::First) {
      v.add("nulls", "\"first\"");
    }
    if (k.nulls == NullsOrder::Last) {
      v.add("nulls", "\"last\"");
    }
    if (k.collation) {
      v.add("collation", toml_string(*k.collation));
    }
    if (k.opclass) {
      v.add("opclass", toml_string(*k.opclass));
    }
    return v.str();
  }
};

}  // namespace

std::string toml_key(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  return bare ? std::string(key) : toml_string(key);
}

std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (std::string e = escape(c); !e.empty()) {
      out += e;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string write_toml(const Schema& schema) {
  return Writer(schema).run();
}

}  // namespace keel::state
