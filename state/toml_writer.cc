#include "state/toml_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <future>
#include <iterator>
#include <map>
#include <optional>
#include <system_error>
#include <unordered_map>
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

// True when escape(c) is not empty.
bool needs_escape(char c) {
  const auto u = static_cast<unsigned char>(c);
  return c == '\\' || c == '"' || u < 0x20U || u == 0x7FU;
}

// Appends toml_string(text) to `out`.
void append_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t plain = 0;  // start of the characters not yet appended
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (needs_escape(text[i])) {
      out.append(text.substr(plain, i - plain));
      out += escape(text[i]);
      plain = i + 1;
    }
  }
  out.append(text.substr(plain));
  out += '"';
}

bool is_bare_key(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// Appends toml_key(key) to `out`.
void append_key(std::string& out, std::string_view key) {
  if (is_bare_key(key)) {
    out += key;
  } else {
    append_string(out, key);
  }
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

// Builds `{ k = v, ... }` on one line.
class Inline {
 public:
  /// Builds the table in a string of its own (str()).
  Inline() = default;
  /// Appends the table to `target` (close() ends it).
  explicit Inline(std::string& target) : text_(&target) {}
  Inline(const Inline&) = delete;
  Inline& operator=(const Inline&) = delete;
  Inline(Inline&&) = delete;
  Inline& operator=(Inline&&) = delete;
  ~Inline() = default;

  void add(std::string_view key, std::string_view value) {
    start(key);
    *text_ += value;
  }
  /// add(key, toml_string(value)) without the temporary.
  void add_string(std::string_view key, std::string_view value) {
    start(key);
    append_string(*text_, value);
  }
  /// add(key, the TOML array of `values`) without the temporary.
  void add_strings(std::string_view key, const std::vector<std::string>& values);
  /// The table, when built in a string of its own.
  [[nodiscard]] std::string str() const { return empty_ ? "{}" : own_ + " }"; }
  /// Ends the table appended to the target.
  void close() { *text_ += empty_ ? "{}" : " }"; }

 private:
  void start(std::string_view key) {
    *text_ += empty_ ? "{ " : ", ";
    empty_ = false;
    append_key(*text_, key);
    *text_ += " = ";
  }

  std::string own_;
  std::string* text_ = &own_;  ///< "{ k = v, k = v" so far, after what was there
  bool empty_ = true;
};

// Appends the TOML array of strings `items` to `out`: ["a", "b"].
void append_strings(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += ", ";
    }
    append_string(out, items[i]);
  }
  out += ']';
}

void Inline::add_strings(std::string_view key, const std::vector<std::string>& values) {
  start(key);
  append_strings(*text_, values);
}

class Writer {
 public:
  Writer(const Schema& schema, const WriteOptions& options)
      : s_(schema),
        options_(options),
        settings_(options.definition_only ? kDefaults : s_.settings) {
    // The enums by the spelling columns use for them (type_name); the first in name order
    // wins, as in find_enum_type.
    for (const auto& [name, e] : s_.enums) {
      enums_by_type_.emplace(type_name(name), &e);
      enums_by_str_.emplace(name.str(), &e);
    }
  }

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
    return std::move(out_);
  }

  using TableIt = std::map<QualifiedName, Table>::const_iterator;

  // A part of run()'s text handed to `sink` in pieces of about kPiece bytes: the settings and
  // enums when `head`, the tables [first, last), and the views when `tail`. The parts of a
  // split schema, each written by its own Writer, put together give run()'s text.
  void run_part(TableIt first, TableIt last, bool head, bool tail, const TomlSink& sink) {
    constexpr std::size_t kPiece = 1U << 16U;
    auto flush = [&](bool end) {
      if (out_.size() >= kPiece || (end && !out_.empty())) {
        sink(out_);
        out_.clear();
      }
    };
    out_.reserve(2 * kPiece);
    started_ = !head;  // a part after the head follows the settings
    if (head) {
      write_settings();
      for (const auto& [name, e] : s_.enums) {
        write_enum(e);
        flush(false);
      }
    }
    for (auto it = first; it != last; ++it) {
      if (options_.stop != nullptr && options_.stop->load(std::memory_order_relaxed)) {
        return;
      }
      write_table(it->second);
      flush(false);
    }
    if (tail) {
      for (const auto& [name, v] : s_.views) {
        write_view(v);
        flush(false);
      }
    }
    flush(true);
  }

 private:
  static inline const Settings kDefaults{};

  const Schema& s_;
  const WriteOptions& options_;
  const Settings& settings_;  ///< the schema's, or the defaults for definition_only
  std::string out_;           ///< the text not yet returned or handed to a sink
  bool started_ = false;      ///< a header was written
  // Per-type answers: a schema has few distinct column types and many columns.
  std::unordered_map<std::string, const Enum*> enums_by_type_;
  std::unordered_map<std::string, const Enum*> enums_by_str_;  ///< by QualifiedName::str()
  std::unordered_map<std::string, std::string> type_values_;
  std::unordered_map<std::string, bool> resolves_to_itself_;

  [[nodiscard]] std::string key_of(const QualifiedName& name) const {
    return toml_key(format_qualified_name(name, settings_.schema));
  }
  [[nodiscard]] std::string ref_of(const QualifiedName& name) const {
    return toml_string(format_qualified_name(name, settings_.schema));
  }

  // find_enum_type(type, s_.enums), by hash.
  [[nodiscard]] const Enum* enum_of(const std::string& type) const {
    if (enums_by_type_.empty()) {
      return nullptr;
    }
    std::string_view base = type;
    if (base.size() >= 2 && base.substr(base.size() - 2) == "[]") {
      base.remove_suffix(2);
    }
    const auto it = enums_by_type_.find(std::string(base));
    return it == enums_by_type_.end() ? nullptr : it->second;
  }

  // match_enum of types.cc: the first enum (in name order) spelled `base` by type_name, else
  // by "schema.name", else the enum `base` of the default schema.
  [[nodiscard]] const Enum* match_enum(const std::string& base) const {
    if (const auto it = enums_by_type_.find(base); it != enums_by_type_.end()) {
      return it->second;
    }
    if (const auto it = enums_by_str_.find(base); it != enums_by_str_.end()) {
      return it->second;
    }
    const auto it = s_.enums.find(QualifiedName{.schema = settings_.schema, .name = base});
    return it == s_.enums.end() ? nullptr : &it->second;
  }

  // resolve_type(written, s_.enums, settings_.schema), with the enums looked up by hash.
  [[nodiscard]] std::optional<std::string> resolve(std::string_view written) const {
    if (auto builtin = normalize_type(written)) {
      return builtin;
    }
    if (s_.enums.empty()) {
      return std::nullopt;
    }
    const ArraySplit split = split_array(written);
    if (const Enum* e = match_enum(split.base)) {
      return type_name(e->name) + (split.array ? "[]" : "");
    }
    if (const Enum* e = match_enum(std::string(written))) {
      return type_name(e->name);
    }
    return std::nullopt;
  }

  // resolve_type(type, ...) == type, remembered per type.
  bool resolves_to_itself(const std::string& type) {
    const auto it = resolves_to_itself_.find(type);
    if (it != resolves_to_itself_.end()) {
      return it->second;
    }
    const bool same = resolve(type) == type;
    resolves_to_itself_.emplace(type, same);
    return same;
  }

  void header(std::string_view text) {
    if (started_) {
      out_ += '\n';
    }
    started_ = true;
    out_ += text;
    out_ += '\n';
  }
  void line(std::string_view key, std::string_view value) {
    append_key(out_, key);
    out_ += " = ";
    out_ += value;
    out_ += '\n';
  }
  // line(key, toml_string(text)) without the temporaries.
  void string_line(std::string_view key, std::string_view text) {
    append_key(out_, key);
    out_ += " = ";
    append_string(out_, text);
    out_ += '\n';
  }
  // line(key, the TOML array of `items`) without the temporaries.
  void strings_line(std::string_view key, const std::vector<std::string>& items) {
    append_key(out_, key);
    out_ += " = ";
    append_strings(out_, items);
    out_ += '\n';
  }
  // header(open + key + close) without the temporaries.
  void header(std::string_view open, std::string_view key, std::string_view close) {
    if (started_) {
      out_ += '\n';
    }
    started_ = true;
    out_ += open;
    out_ += key;
    out_ += close;
    out_ += '\n';
  }
  // The line of a column in `[tables.NAME.columns]`.
  void column_line(const Column& c) {
    append_key(out_, c.name);
    out_ += " = ";
    write_column_value(c);
    out_ += '\n';
  }

  void write_settings() {
    const Settings& st = settings_;
    header("[settings]");
    line("schema", toml_string(st.schema));
    if (!st.schemas.empty()) {
      strings_line("schemas", st.schemas);
    }
    if (!st.exclude.empty()) {
      strings_line("exclude", st.exclude);
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
    header("[enums.", key_of(e.name), "]");
    strings_line("values", e.values);
    if (e.comment) {
      line("comment", text_value(*e.comment));
    }
  }

  void write_view(const View& v) {
    header("[views.", key_of(v.name), "]");
    line("sql", text_value(v.sql));
    if (v.comment) {
      line("comment", text_value(*v.comment));
    }
  }

  void write_table(const Table& t) {
    const std::string key = "tables." + key_of(t.name);
    header("[", key, "]");
    if (t.comment) {
      line("comment", text_value(*t.comment));
    }
    if (t.renamed_from && !options_.definition_only) {
      line("renamed_from", ref_of(*t.renamed_from));
    }
    if (t.primary_key) {
      if (t.primary_key->name.empty()) {
        strings_line("primary_key", t.primary_key->columns);
      } else {
        append_key(out_, "primary_key");
        out_ += " = ";
        Inline pk(out_);
        pk.add_string("name", t.primary_key->name);
        pk.add_strings("columns", t.primary_key->columns);
        pk.close();
        out_ += '\n';
      }
    }
    if (t.partition_by) {
      line("partition_by", text_value(*t.partition_by));
    }

    header("[", key, ".columns]");
    if (options_.definition_only) {
      // Column order is not part of a table's definition: by name.
      std::vector<const Column*> columns;
      columns.reserve(t.columns.size());
      for (const Column& c : t.columns) {
        columns.push_back(&c);
      }
      std::stable_sort(columns.begin(), columns.end(),
                       [](const Column* a, const Column* b) { return a->name < b->name; });
      for (const Column* c : columns) {
        column_line(*c);
      }
    } else {
      for (const Column& c : t.columns) {
        column_line(c);
      }
    }

    for (const Index& index : t.indexes) {
      header("[[", key, ".indexes]]");
      if (!index.name.empty()) {
        string_line("name", index.name);
      }
      out_ += "columns = [";
      for (std::size_t i = 0; i < index.keys.size(); ++i) {
        if (i > 0) {
          out_ += ", ";
        }
        out_ += index_key_value(index.keys[i]);
      }
      out_ += "]\n";
      if (index.unique) {
        line("unique", "true");
      }
      if (index.method != "btree") {
        string_line("method", index.method);
      }
      if (index.where) {
        line("where", text_value(*index.where));
      }
      if (!index.include.empty()) {
        strings_line("include", index.include);
      }
      if (!index.valid) {
        line("valid", "false");
      }
    }
    for (const UniqueConstraint& u : t.uniques) {
      header("[[", key, ".uniques]]");
      if (!u.name.empty()) {
        string_line("name", u.name);
      }
      strings_line("columns", u.columns);
      if (u.deferrable) {
        line("deferrable", "true");
      }
      if (u.initially_deferred) {
        line("initially_deferred", "true");
      }
    }
    for (const ForeignKey& fk : t.foreign_keys) {
      header("[[", key, ".foreign_keys]]");
      if (!fk.name.empty()) {
        string_line("name", fk.name);
      }
      strings_line("columns", fk.columns);
      string_line("ref_table", format_qualified_name(fk.ref_table, settings_.schema));
      strings_line("ref_columns", fk.ref_columns);
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
      header("[[", key, ".checks]]");
      if (!check.name.empty()) {
        string_line("name", check.name);
      }
      line("expr", text_value(check.expr));
      if (!check.valid) {
        line("valid", "false");
      }
    }
    for (const Partition& p : t.partitions) {
      header("[[", key, ".partitions]]");
      line("name", ref_of(p.name));
      line("bound", text_value(p.bound));
    }
  }

  // The inline table of a column, appended to out_.
  void write_column_value(const Column& c) {
    Inline v(out_);
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
      v.add_string("generated", *c.generated);
    }
    if (c.collation) {
      v.add_string("collation", *c.collation);
    }
    if (c.comment) {
      v.add_string("comment", *c.comment);
    }
    if (c.renamed_from && !options_.definition_only) {
      v.add_string("renamed_from", *c.renamed_from);
    }
    if (c.backfill && !options_.definition_only) {
      v.add_string("backfill", *c.backfill);
    }
    v.close();
  }

  // The type as a string when it reads back the same (an enum by its bare name if possible),
  // else `{ sql = "..." }`, which the reader takes verbatim.
  [[nodiscard]] const std::string& type_value(const std::string& type) {
    auto it = type_values_.find(type);
    if (it == type_values_.end()) {
      it = type_values_.emplace(type, uncached_type_value(type)).first;
    }
    return it->second;
  }

  [[nodiscard]] std::string uncached_type_value(const std::string& type) const {
    std::vector<std::string> candidates;
    if (const Enum* e = enum_of(type)) {
      const std::string suffix =
          type.size() >= 2 && type.substr(type.size() - 2) == "[]" ? "[]" : "";
      candidates = {e->name.name + suffix, e->name.str() + suffix};
    }
    candidates.push_back(type);
    for (const std::string& candidate : candidates) {
      if (resolve(candidate) == type) {
        return toml_string(candidate);
      }
    }
    Inline raw;
    raw.add_string("sql", type);
    return raw.str();
  }

  // A TOML literal when the reader turns it back into exactly `default_sql` and accepts it
  // for the column's type; otherwise `{ sql = "..." }`.
  [[nodiscard]] std::string default_value(const Column& c) {
    const std::string& sql = *c.default_sql;
    const bool known = resolves_to_itself(c.type);
    const TypeFamily family = known ? type_family(c.type) : TypeFamily::Other;
    auto fallback = [&] {
      Inline v;
      v.add_string("sql", sql);
      return v.str();
    };
    if (!known) {
      return fallback();
    }
    if (family == TypeFamily::Boolean && (sql == "true" || sql == "false")) {
      return sql;
    }
    if (auto text = plain_string_literal(sql)) {
      const Enum* e = enum_of(c.type);
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
    return fallback();
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
  std::string out;
  append_key(out, key);
  return out;
}

std::string toml_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_string(out, text);
  return out;
}

std::string write_toml(const Schema& schema) {
  return write_toml(schema, WriteOptions{});
}

std::string write_toml(const Schema& schema, const WriteOptions& options) {
  return Writer(schema, options).run();
}

void write_toml(const Schema& schema, const WriteOptions& options, const TomlSink& sink) {
  // A large schema's second half of tables is written on another thread meanwhile (its text is
  // held until the first half is through): fingerprints of both schemas are part of every plan.
  constexpr std::size_t kSplitTables = 256;
  const auto begin = schema.tables.begin();
  const auto end = schema.tables.end();
  if (schema.tables.size() < kSplitTables || options.one_thread) {
    Writer(schema, options).run_part(begin, end, true, true, sink);
    return;
  }
  const auto middle = std::next(begin, static_cast<std::ptrdiff_t>(schema.tables.size() / 2));
  std::future<std::string> second;
  try {
    second = std::async(std::launch::async, [&schema, &options, middle, end] {
      std::string text;
      Writer(schema, options).run_part(middle, end, false, true, [&](std::string_view piece) {
        text += piece;
      });
      return text;
    });
  } catch (const std::system_error&) {  // no thread to be had: all on this one
    Writer(schema, options).run_part(begin, end, true, true, sink);
    return;
  }
  Writer(schema, options).run_part(begin, middle, true, false, sink);
  const std::string rest = second.get();
  if (!rest.empty()) {
    sink(rest);
  }
}

}  // namespace keel::state
