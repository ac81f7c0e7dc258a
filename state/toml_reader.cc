#include "state/toml_reader.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <system_error>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include <toml++/toml.h>

#include "state/toml_sections.h"
#include "state/types.h"

namespace keel::state {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

std::string dq(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

// "a", "a or b", "a, b or c" with every item quoted.
std::string one_of(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += i + 1 == items.size() ? " or " : ", ";
    }
    out += dq(items[i]);
  }
  return out;
}

std::string kind_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

// The bytes of a single-line source region; toml++ counts columns in code points.
std::optional<std::string> raw_slice(std::string_view text, const toml::source_region& r) {
  if (r.begin.line == 0 || r.begin.line != r.end.line || r.end.column < r.begin.column) {
    return std::nullopt;
  }
  std::size_t pos = 0;
  for (std::uint32_t line = 1; line < r.begin.line; ++line) {
    pos = text.find('\n', pos);
    if (pos == std::string_view::npos) {
      return std::nullopt;
    }
    ++pos;
  }
  auto advance = [&](std::size_t from, std::uint32_t code_points) {
    for (std::uint32_t i = 0; i < code_points && from < text.size(); ++i) {
      ++from;
      while (from < text.size() && (static_cast<unsigned char>(text[from]) & 0xC0U) == 0x80U) {
        ++from;
      }
    }
    return from;
  };
  const std::size_t begin = advance(pos, r.begin.column - 1);
  const std::size_t end = advance(begin, r.end.column - r.begin.column);
  return std::string(text.substr(begin, end - begin));
}

bool is_identifier(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  auto letter = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (static_cast<unsigned char>(c) & 0x80U) != 0;
  };
  if (!letter(s[0])) {
    return false;
  }
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return letter(c) || (c >= '0' && c <= '9') || c == '$'; });
}

// The content of a double-quoted identifier ("My ""x""" -> My "x"), or nullopt.
std::optional<std::string> unquote_identifier(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') {
    return std::nullopt;
  }
  std::string out;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '"') {
      if (i + 2 < s.size() && s[i + 1] == '"') {
        out += '"';
        ++i;
        continue;
      }
      return std::nullopt;
    }
    out += s[i];
  }
  return out;
}

// Removes `word` (case-insensitive) from the end of `s` when it is a whole word there.
bool strip_word(std::string_view& s, std::string_view word) {
  if (s.size() <= word.size() || !is_space(s[s.size() - word.size() - 1])) {
    return false;
  }
  const std::string_view tail = s.substr(s.size() - word.size());
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (lower(tail[i]) != word[i]) {
      return false;
    }
  }
  s = trim(s.substr(0, s.size() - word.size()));
  return true;
}

constexpr std::array<std::pair<std::string_view, FkAction>, 5> kFkActions = {{
    {"no action", FkAction::NoAction},
    {"restrict", FkAction::Restrict},
    {"cascade", FkAction::Cascade},
    {"set null", FkAction::SetNull},
    {"set default", FkAction::SetDefault},
}};

std::vector<std::string> fk_action_names() {
  std::vector<std::string> out;
  out.reserve(kFkActions.size());
  for (const auto& [text, action] : kFkActions) {
    out.emplace_back(text);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

struct ParsedFile {
  std::string name;
  std::string_view text;  ///< the file's content (owned by whoever parses the files)
  std::shared_ptr<const std::string> path;
  /// The parsed document; without its tables when they are in `sections`, parsed one at a time
  /// as they are read (the document parsed was then `rest`).
  toml::table root;
  std::string rest{};
  std::vector<TableSection> sections{};
};

// What SourceMap lookups match an index or foreign key by (its name, or for an unnamed one its
// keys or columns): only that is kept, as a large schema has tens of thousands of them.
Index lookup_part(const Index& index) {
  Index out;
  out.name = index.name;
  out.keys = index.keys;
  return out;
}

ForeignKey lookup_part(const ForeignKey& fk) {
  ForeignKey out;
  out.name = fk.name;
  out.columns = fk.columns;
  return out;
}

// A foreign key whose referenced table and columns are checked once every table is read.
struct PendingFk {
  QualifiedName table;
  std::size_t index = 0;  // into table.foreign_keys, before sorting
  bool column_level = false;
  bool ref_columns_omitted = false;
  SourceLoc where;            // the `references` table or the `[[foreign_keys]]` element
  SourceLoc ref_table_loc;    // the `table` / `ref_table` value
  SourceLoc ref_columns_loc;  // the `column` / `ref_columns` value
  std::vector<SourceLoc> ref_column_locs;
};

// The names of a key list, for did-you-mean.
template <std::size_t N>
std::vector<std::string> strings(const std::array<std::string_view, N>& items) {
  return {items.begin(), items.end()};
}

// A name already taken in a namespace, for "defined twice" errors.
struct Defined {
  std::string kind;
  std::string display;
  SourceLoc loc;
};

constexpr auto kTopKeys = std::to_array<std::string_view>({"settings", "enums", "tables", "views"});
constexpr auto kSettingsKeys =
    std::to_array<std::string_view>({"schema", "schemas", "extensions", "exclude"});
constexpr auto kExtensionKeys = std::to_array<std::string_view>({"name", "schema"});
constexpr auto kEnumKeys = std::to_array<std::string_view>({"values", "comment"});
constexpr auto kViewKeys = std::to_array<std::string_view>({"sql", "comment"});
constexpr auto kTableKeys = std::to_array<std::string_view>(
    {"columns", "primary_key", "comment", "renamed_from", "partition_by", "indexes", "uniques",
     "foreign_keys", "checks", "partitions"});
constexpr auto kColumnKeys = std::to_array<std::string_view>(
    {"type", "nullable", "default", "unique", "comment", "identity", "generated", "collation",
     "references", "renamed_from", "backfill"});
constexpr auto kReferencesKeys = std::to_array<std::string_view>(
    {"table", "column", "on_delete", "on_update", "deferrable", "initially_deferred", "name"});
constexpr auto kPrimaryKeyKeys = std::to_array<std::string_view>({"name", "columns"});
constexpr auto kIndexKeys = std::to_array<std::string_view>(
    {"name", "columns", "unique", "method", "where", "include", "valid"});
constexpr auto kIndexKeyKeys = std::to_array<std::string_view>(
    {"column", "expression", "desc", "nulls", "collation", "opclass"});
constexpr auto kUniqueKeys =
    std::to_array<std::string_view>({"name", "columns", "deferrable", "initially_deferred"});
constexpr auto kForeignKeyKeys =
    std::to_array<std::string_view>({"name", "columns", "ref_table", "ref_columns", "on_delete",
                                     "on_update", "deferrable", "initially_deferred", "valid"});
constexpr auto kCheckKeys = std::to_array<std::string_view>({"name", "expr", "valid"});
constexpr auto kPartitionKeys = std::to_array<std::string_view>({"name", "bound"});
constexpr auto kDefaultKeys = std::to_array<std::string_view>({"sql"});

std::string toml_message(const toml::parse_error& e) {
  std::string text(e.description());
  if (text.rfind("Error while parsing", 0) == 0) {
    const std::size_t colon = text.find(": ");
    if (colon != std::string::npos) {
      text = text.substr(colon + 2);
    }
  }
  return "invalid TOML: " + text;
}

// Parses the whole of `f` into its root (no sections), or returns the syntax error. Documents
// are parsed without a source path: each node would hold a copy of it; f.path stands for it.
std::optional<Diagnostic> parse_whole(ParsedFile& f) {
  f.sections.clear();
  f.rest.clear();
  try {
    f.root = toml::parse(f.text, std::string_view{});
    return std::nullopt;
  } catch (const toml::parse_error& e) {
    const toml::source_region& r = e.source();
    return Diagnostic{.loc = {.file = f.path, .line = r.begin.line, .column = r.begin.column},
                      .message = toml_message(e)};
  }
}

// The syntax errors of files[from], files[from + 1], ..., each file parsed whole: on the way to
// reporting an error only, so that every file's errors are found and each is reported where a
// reader of the whole file sees it.
std::vector<Diagnostic> syntax_errors(std::vector<ParsedFile>& files, std::size_t from) {
  std::vector<Diagnostic> out;
  for (std::size_t i = from; i < files.size(); ++i) {
    if (auto error = parse_whole(files[i])) {
      out.push_back(std::move(*error));
    }
  }
  return out;
}

// Parses `f` without its tables' sections, when it has sections that can be parsed apart; false
// when it must be parsed whole (its syntax errors are then reported from that).
bool parse_rest(ParsedFile& f) {
  std::optional<SectionedDocument> split = split_table_sections(f.text);
  if (!split || split->tables.empty()) {
    return false;
  }
  try {
    toml::table root = toml::parse(split->rest, std::string_view{});
    if (root.contains("tables")) {
      return false;  // tables defined outside their own headers
    }
    f.root = std::move(root);
  } catch (const toml::parse_error&) {
    return false;
  }
  f.rest = std::move(split->rest);
  f.sections = std::move(split->tables);
  // In name order, as a parsed document lists its tables: the schema's maps take them fastest
  // that way (each lookup passes where the last one did).
  std::sort(f.sections.begin(), f.sections.end(),
            [](const TableSection& a, const TableSection& b) { return a.name < b.name; });
  return true;
}

class Reader {
 public:
  LoadedSchema run(std::vector<ParsedFile>& files) {
    start(files);
    return finish(files);
  }

  // The first step of run: the top-level keys and the settings of every file.
  void start(const std::vector<ParsedFile>& files) {
    files_ = &files;
    for (const ParsedFile& f : files) {
      map_.files.push_back(f.name);
    }
    for (const ParsedFile& f : files) {
      enter(f);
      read_top_level(f.root);
    }
  }

  // The settings read by start(), final: nothing after them changes them.
  [[nodiscard]] const Settings& settings() const { return schema_.settings; }

  // The rest of run, on the files given to start(). Each table's part of the parsed documents
  // is freed once it is read (or parsed just before, from its section): the documents of a
  // large schema take more memory than the model read from them.
  LoadedSchema finish(std::vector<ParsedFile>& files) {
    for (const ParsedFile& f : files) {
      enter(f);
      if (const toml::table* enums = section(f.root, "enums")) {
        for (auto&& [key, node] : *enums) {
          read_enum(key, node);
        }
      }
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
      ParsedFile& f = files[i];
      enter(f);
      if (f.sections.empty()) {
        read_tables(f.root, {});
      } else {
        read_sections(files, i);
      }
      enter(f);
      if (const toml::table* views = section(f.root, "views")) {
        for (auto&& [key, node] : *views) {
          read_view(key, node);
        }
      }
    }
    resolve_foreign_keys();
    if (!diags_.empty()) {
      sort_diagnostics();
      throw UserError(std::move(diags_));
    }
    sort_canonical(schema_);
    LoadedSchema out;
    out.schema = std::move(schema_);
    out.sources = std::move(map_);
    return out;
  }

 private:
  // Reads the documents of `f` from here on (its root, until read_sections enters a section).
  void enter(const ParsedFile& f) {
    file_ = &f;
    document_ = f.sections.empty() ? f.text : std::string_view(f.rest);
    lines_before_ = 0;
  }

  // Reads the tables of a document's `tables`, freeing each once read, except those named in
  // `skip` (read already).
  void read_tables(toml::table& root, const std::unordered_set<std::string>& skip) {
    toml::table* tables = root.get_as<toml::table>("tables");
    if (tables == nullptr) {
      return;
    }
    for (auto it = tables->begin(); it != tables->end(); it = tables->erase(it)) {
      if (skip.empty() || !skip.contains(std::string(it->first.str()))) {
        read_table(it->first, it->second);
      }
    }
  }

  // Reads the tables of files[i] section by section, each parsed just before it is read. A
  // section that does not parse makes the whole file parsed: for its syntax error, reported
  // with those of the files after it, at the place a reader of the whole file finds it.
  void read_sections(std::vector<ParsedFile>& files, std::size_t i) {
    ParsedFile& f = files[i];
    for (std::size_t s = 0; s < f.sections.size(); ++s) {
      const TableSection& section = f.sections[s];
      toml::table root;
      const std::string_view text = f.text.substr(section.offset, section.size);
      try {
        root = toml::parse(text, std::string_view{});
      } catch (const toml::parse_error&) {
        std::unordered_set<std::string> read;  // the tables of the sections before
        for (std::size_t done = 0; done < s; ++done) {
          read.insert(f.sections[done].name);
        }
        std::vector<Diagnostic> errors = syntax_errors(files, i);  // f.sections is gone now
        if (!errors.empty()) {
          throw UserError(std::move(errors));
        }
        enter(f);  // the whole file parses: it is read from that, but for what was read
        read_tables(f.root, read);
        return;
      }
      document_ = text;
      lines_before_ = section.line;
      if (const toml::table* tables = root.get_as<toml::table>("tables")) {
        for (auto&& [key, node] : *tables) {
          read_table(key, node);
        }
      }
    }
  }

  const std::vector<ParsedFile>* files_ = nullptr;
  const ParsedFile* file_ = nullptr;
  // Where the document being read lies in file_: its text, and the lines before it.
  std::string_view document_;
  std::uint32_t lines_before_ = 0;
  std::vector<Diagnostic> diags_;
  Schema schema_;
  SourceMap map_;
  std::vector<PendingFk> pending_;
  std::map<std::string, SourceLoc> settings_keys_;  // which file set each settings key
  std::map<QualifiedName, Defined> relations_;      // tables, views, indexes
  std::map<QualifiedName, Defined> types_;          // enums and row types of tables, views
  // Answers that depend only on the enums read so far (cleared when one is added): a schema
  // has few distinct types and many columns.
  std::unordered_map<std::string, std::string> known_types_;  // as written -> Column::type
  std::unordered_map<std::string, const Enum*> enum_types_;   // Column::type -> its enum

  // find_enum_type(type, schema_.enums), remembered per type.
  const Enum* enum_of(const std::string& type) {
    const auto it = enum_types_.find(type);
    if (it != enum_types_.end()) {
      return it->second;
    }
    const Enum* e = find_enum_type(type, schema_.enums);
    enum_types_.emplace(type, e);
    return e;
  }

  // --- diagnostics ---------------------------------------------------------------------------

  // The line in the file of a line of the document being read (0 stays unknown).
  std::uint32_t file_line(std::uint32_t line) const { return line == 0 ? 0 : line + lines_before_; }

  SourceLoc at(const toml::source_region& r) const {
    if (r.begin.line == 0) {
      return SourceLoc{.file = file_->path, .line = 0, .column = 0};
    }
    return SourceLoc{.file = r.path ? r.path : file_->path,
                     .line = file_line(r.begin.line),
                     .column = r.begin.column};
  }
  SourceLoc at(const toml::node& node) const { return at(node.source()); }
  SourceLoc at(const toml::key& key) const { return at(key.source()); }

  Diagnostic& error(SourceLoc loc, std::string message) {
    diags_.push_back(Diagnostic{.loc = std::move(loc), .message = std::move(message)});
    return diags_.back();
  }

  void sort_diagnostics() {
    auto rank = [&](const Diagnostic& d) {
      std::size_t file = files_->size();
      for (std::size_t i = 0; i < files_->size(); ++i) {
        if (d.loc.file && *d.loc.file == (*files_)[i].name) {
          file = i;
        }
      }
      return std::make_tuple(file, d.loc.line, d.loc.column);
    };
    std::stable_sort(diags_.begin(), diags_.end(),
                     [&](const Diagnostic& a, const Diagnostic& b) { return rank(a) < rank(b); });
  }

  // --- names ---------------------------------------------------------------------------------

  std::string display(const QualifiedName& name) const {
    return format_qualified_name(name, schema_.settings.schema);
  }

  // The qualified name of a `[KIND.NAME]` key, or nullopt (and an error) when a part is empty.
  std::optional<QualifiedName> name_of(const toml::key& key, const std::string& kind) {
    QualifiedName name = parse_qualified_name(key.str(), schema_.settings.schema);
    if (name.name.empty()) {
      error(at(key), kind + " name is empty");
      return std::nullopt;
    }
    if (name.schema.empty()) {
      error(at(key), kind + " " + dq(key.str()) + " has an empty schema name");
      return std::nullopt;
    }
    return name;
  }

  // False (and an error pointing at both places) when `name` is taken in `space`.
  bool define(std::map<QualifiedName, Defined>& space, const QualifiedName& name,
              const std::string& kind, const std::string& shown, const SourceLoc& loc) {
    auto [it, inserted] = space.emplace(name, Defined{kind, shown, loc});
    if (inserted) {
      return true;
    }
    const Defined& first = it->second;
    if (first.kind == kind) {
      error(loc, kind + " " + dq(shown) + " is defined twice")
          .add_note(first.loc, "first defined here");
    } else {
      error(loc, kind + " " + dq(shown) + " has the same name as " + first.kind + " " +
                     dq(first.display))
          .add_note(first.loc, first.kind + " " + dq(first.display) + " is defined here");
    }
    return false;
  }

  bool unmanaged(const QualifiedName& name) const {
    const Settings& s = schema_.settings;
    if (is_excluded(s, name)) {
      return true;
    }
    return !s.schemas.empty() &&
           std::find(s.schemas.begin(), s.schemas.end(), name.schema) == s.schemas.end();
  }

  // An object keel is told to manage must be in a managed schema and not excluded.
  void check_managed(const QualifiedName& name, const std::string& kind, const SourceLoc& loc) {
    const Settings& s = schema_.settings;
    if (!s.schemas.empty() &&
        std::find(s.schemas.begin(), s.schemas.end(), name.schema) == s.schemas.end()) {
      error(loc, kind + " " + dq(display(name)) + " is in schema " + dq(name.schema) +
                     ", which settings.schemas does not list");
      return;
    }
    for (const std::string& glob : s.exclude) {
      if (glob_match(glob, name.name) || glob_match(glob, name.str())) {
        error(loc, kind + " " + dq(display(name)) + " is excluded by settings.exclude pattern " +
                       dq(glob));
        return;
      }
    }
  }

  // --- values --------------------------------------------------------------------------------

  // Reports every key of `table` not in `allowed` ("unknown key "x" in <where>").
  // `where` names the table in messages: text, or a function that makes the text (called only
  // for an unknown key: most tables have none, and a schema has many tables).
  void check_keys(const toml::table& table, const auto& allowed, const auto& where) {
    for (auto&& [key, node] : table) {
      const std::string_view k = key.str();
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) {
        continue;
      }
      std::string shown;
      if constexpr (std::is_invocable_v<decltype(where)>) {
        shown = where();
      } else {
        shown = where;
      }
      const std::string name(k);
      error(at(key),
            "unknown key " + dq(name) + " in " + shown + did_you_mean(name, strings(allowed)));
    }
  }

  void wrong_kind(const toml::node& node, std::string_view key, const std::string& expected) {
    error(at(node), dq(key) + " must be " + expected + " (found " + kind_name(node) + ")");
  }

  std::optional<std::string> get_string(const toml::table& t, std::string_view key) {
    const toml::node* node = t.get(key);
    if (node == nullptr) {
      return std::nullopt;
    }
    if (const auto* s = node->as_string()) {
      return s->get();
    }
    wrong_kind(*node, key, "a string");
    return std::nullopt;
  }

  std::optional<bool> get_bool(const toml::table& t, std::string_view key) {
    const toml::node* node = t.get(key);
    if (node == nullptr) {
      return std::nullopt;
    }
    if (const auto* b = node->as_boolean()) {
      return b->get();
    }
    wrong_kind(*node, key, "a boolean");
    return std::nullopt;
  }

  struct Strings {
    std::vector<std::string> values;
    std::vector<SourceLoc> locs;
    SourceLoc loc;
  };

  // An array of strings; nullopt (after an error) when it is something else.
  std::optional<Strings> get_strings(const toml::table& t, std::string_view key) {
    const toml::node* node = t.get(key);
    if (node == nullptr) {
      return std::nullopt;
    }
    return strings_of(*node, key);
  }

  std::optional<Strings> strings_of(const toml::node& node, std::string_view key) {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      wrong_kind(node, key, "an array of strings");
      return std::nullopt;
    }
    Strings out;
    out.loc = at(node);
    bool ok = true;
    for (const toml::node& element : *array) {
      if (const auto* s = element.as_string()) {
        out.values.push_back(s->get());
        out.locs.push_back(at(element));
      } else {
        error(at(element),
              "elements of " + dq(key) + " must be strings (found " + kind_name(element) + ")");
        ok = false;
      }
    }
    if (!ok) {
      return std::nullopt;
    }
    return out;
  }

  // An array of tables (`[[tables.x.indexes]]` or `indexes = [{...}]`).
  std::vector<const toml::table*> tables_of(const toml::table& t, std::string_view key) {
    std::vector<const toml::table*> out;
    const toml::node* node = t.get(key);
    if (node == nullptr) {
      return out;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      wrong_kind(*node, key, "an array of tables");
      return out;
    }
    for (const toml::node& element : *array) {
      if (const toml::table* table = element.as_table()) {
        out.push_back(table);
      } else {
        error(at(element),
              "elements of " + dq(key) + " must be tables (found " + kind_name(element) + ")");
      }
    }
    return out;
  }

  static const toml::table* section(const toml::table& root, std::string_view key) {
    const toml::node* node = root.get(key);
    if (node == nullptr) {
      return nullptr;
    }
    return node->as_table();  // a wrong kind was reported by read_top_level
  }

  // --- settings ------------------------------------------------------------------------------

  void read_top_level(const toml::table& root) {
    for (auto&& [key, node] : root) {
      const std::string k(key.str());
      if (std::find(kTopKeys.begin(), kTopKeys.end(), k) == kTopKeys.end()) {
        error(at(key), "unknown top-level key " + dq(k) + did_you_mean(k, strings(kTopKeys)));
      } else if (!node.is_table()) {
        wrong_kind(node, k, "a table");
      }
    }
    if (const toml::table* settings = section(root, "settings")) {
      read_settings(*settings);
    }
  }

  void read_settings(const toml::table& t) {
    if (!map_.settings_loc.known()) {
      map_.settings_loc = at(t);
    }
    check_keys(t, kSettingsKeys, "settings");
    for (auto&& [key, node] : t) {
      const std::string k(key.str());
      if (std::find(kSettingsKeys.begin(), kSettingsKeys.end(), k) == kSettingsKeys.end()) {
        continue;
      }
      if (auto [it, inserted] = settings_keys_.emplace(k, at(key)); !inserted) {
        error(at(key), "settings key " + dq(k) + " is set twice")
            .add_note(it->second, "first set here");
        continue;
      }
      if (k == "schema") {
        if (auto s = get_string(t, k)) {
          if (trim(*s).empty()) {
            error(at(node), "settings.schema is empty");
          } else {
            schema_.settings.schema = *s;
          }
        }
      } else if (k == "schemas") {
        if (auto s = get_strings(t, k)) {
          schema_.settings.schemas = s->values;
        }
      } else if (k == "exclude") {
        if (auto s = get_strings(t, k)) {
          schema_.settings.exclude = s->values;
        }
      } else if (k == "extensions") {
        read_extensions(node);
      }
    }
  }

  void read_extensions(const toml::node& node) {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      wrong_kind(node, "extensions", "an array");
      return;
    }
    for (const toml::node& element : *array) {
      Extension ext;
      if (const auto* s = element.as_string()) {
        ext.name = s->get();
      } else if (const toml::table* t = element.as_table()) {
        check_keys(*t, kExtensionKeys, "extension");
        const auto name = get_string(*t, "name");
        if (!name) {
          if (t->get("name") == nullptr) {
            error(at(element), "extension has no name");
          }
          continue;
        }
        ext.name = *name;
        ext.schema = get_string(*t, "schema");
      } else {
        error(at(element), "elements of \"extensions\" must be strings or tables (found " +
                               kind_name(element) + ")");
        continue;
      }
      if (ext.name.empty()) {
        error(at(element), "extension name is empty");
        continue;
      }
      if (auto [it, inserted] = map_.extensions.emplace(ext.name, at(element)); !inserted) {
        error(at(element), "extension " + dq(ext.name) + " is listed twice")
            .add_note(it->second, "first listed here");
        continue;
      }
      schema_.extensions.push_back(ext);
    }
  }

  // --- enums and views -----------------------------------------------------------------------

  void read_enum(const toml::key& key, const toml::node& node) {
    const auto name = name_of(key, "enum");
    if (!name) {
      return;
    }
    const std::string shown = display(*name);
    const toml::table* t = node.as_table();
    if (t == nullptr) {
      error(at(node), "enum " + dq(shown) + " must be a table (found " + kind_name(node) + ")");
      return;
    }
    if (!define(types_, *name, "enum", shown, at(key))) {
      return;
    }
    map_.enums[*name] = at(key);
    check_managed(*name, "enum", at(key));
    check_keys(*t, kEnumKeys, [&] { return "enum " + dq(shown); });
    Enum e;
    e.name = *name;
    e.comment = get_string(*t, "comment");
    if (t->get("values") == nullptr) {
      error(at(key), "enum " + dq(shown) + " has no values");
    } else if (auto values = get_strings(*t, "values")) {
      if (values->values.empty()) {
        error(values->loc, "enum " + dq(shown) + " has no values");
      }
      for (std::size_t i = 0; i < values->values.size(); ++i) {
        const std::string& v = values->values[i];
        if (std::find(e.values.begin(), e.values.end(), v) != e.values.end()) {
          error(values->locs[i], "duplicate value " + dq(v) + " in enum " + dq(shown));
          continue;
        }
        e.values.push_back(v);
      }
    }
    schema_.enums[*name] = std::move(e);
    known_types_.clear();
    enum_types_.clear();
  }

  void read_view(const toml::key& key, const toml::node& node) {
    const auto name = name_of(key, "view");
    if (!name) {
      return;
    }
    const std::string shown = display(*name);
    const toml::table* t = node.as_table();
    if (t == nullptr) {
      error(at(node), "view " + dq(shown) + " must be a table (found " + kind_name(node) + ")");
      return;
    }
    if (!define(relations_, *name, "view", shown, at(key))) {
      return;
    }
    define(types_, *name, "view", shown, at(key));
    map_.views[*name] = at(key);
    check_managed(*name, "view", at(key));
    check_keys(*t, kViewKeys, [&] { return "view " + dq(shown); });
    View v;
    v.name = *name;
    v.comment = get_string(*t, "comment");
    const auto sql = get_string(*t, "sql");
    if (sql && !trim(*sql).empty()) {
      v.sql = *sql;
    } else if (sql || t->get("sql") == nullptr) {
      error(at(key), "view " + dq(shown) + " has no sql");
    }
    schema_.views[*name] = std::move(v);
  }

  // --- tables --------------------------------------------------------------------------------

  // State of the table being read.
  struct TableCtx {
    Table table;
    std::string shown;
    SourceLoc loc;
    std::map<std::string, Defined> constraint_names;
  };

  void read_table(const toml::key& key, const toml::node& node) {
    const auto name = name_of(key, "table");
    if (!name) {
      return;
    }
    TableCtx ctx;
    ctx.table.name = *name;
    ctx.shown = display(*name);
    ctx.loc = at(key);
    const toml::table* t = node.as_table();
    if (t == nullptr) {
      error(at(node),
            "table " + dq(ctx.shown) + " must be a table (found " + kind_name(node) + ")");
      return;
    }
    if (!define(relations_, *name, "table", ctx.shown, ctx.loc)) {
      return;
    }
    define(types_, *name, "table", ctx.shown, ctx.loc);
    map_.tables[*name] = ctx.loc;
    check_managed(*name, "table", ctx.loc);
    check_keys(*t, kTableKeys, [&] { return "table " + dq(ctx.shown); });

    read_columns(ctx, *t);
    ctx.table.comment = get_string(*t, "comment");
    ctx.table.partition_by = get_string(*t, "partition_by");
    if (const toml::node* renamed = t->get("renamed_from")) {
      if (auto from = get_string(*t, "renamed_from")) {
        QualifiedName old = parse_qualified_name(*from, schema_.settings.schema);
        if (old == *name) {
          error(at(*renamed), "renamed_from " + dq(*from) + " is the table's own name");
        } else if (old.name.empty() || old.schema.empty()) {
          error(at(*renamed), "renamed_from " + dq(*from) + " is not a table name");
        } else {
          ctx.table.renamed_from = old;
        }
      }
    }
    read_primary_key(ctx, *t);
    for (const toml::table* e : tables_of(*t, "indexes")) {
      read_index(ctx, *e);
    }
    for (const toml::table* e : tables_of(*t, "uniques")) {
      read_unique(ctx, *e);
    }
    for (const toml::table* e : tables_of(*t, "foreign_keys")) {
      read_foreign_key(ctx, *e);
    }
    for (const toml::table* e : tables_of(*t, "checks")) {
      read_check(ctx, *e);
    }
    const auto partitions = tables_of(*t, "partitions");
    for (const toml::table* e : partitions) {
      read_partition(ctx, *e);
    }
    if (!partitions.empty() && !ctx.table.partition_by) {
      error(at(*t->get("partitions")),
            "table " + dq(ctx.shown) + " has partitions but no partition_by");
    }
    const toml::node* columns = t->get("columns");
    if (columns == nullptr || (columns->is_table() && columns->as_table()->empty())) {
      error(ctx.loc, "table " + dq(ctx.shown) + " has no columns");
    }
    schema_.tables[*name] = std::move(ctx.table);
  }

  void read_columns(TableCtx& ctx, const toml::table& t) {
    const toml::node* node = t.get("columns");
    if (node == nullptr) {
      return;
    }
    const toml::table* columns = node->as_table();
    if (columns == nullptr) {
      wrong_kind(*node, "columns", "a table");
      return;
    }
    // toml++ keeps keys sorted; the file order of the keys is the column order.
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (auto&& [key, value] : *columns) {
      entries.emplace_back(&key, &value);
    }
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      const auto& pa = a.first->source().begin;
      const auto& pb = b.first->source().begin;
      return std::tie(pa.line, pa.column) < std::tie(pb.line, pb.column);
    });
    SourceMap::TableColumns& sources = map_.columns[ctx.table.name];
    sources.columns.reserve(sources.columns.size() + entries.size());
    sources.keys.reserve(sources.keys.size() + 4 * entries.size());
    ctx.table.columns.reserve(ctx.table.columns.size() + entries.size());
    for (const auto& [key, value] : entries) {
      read_column(ctx, sources, *key, *value);
    }
  }

  // Names of the table's columns, for did-you-mean.
  static std::vector<std::string> column_names(const Table& table) {
    std::vector<std::string> out;
    for (const Column& c : table.columns) {
      out.push_back(c.name);
    }
    return out;
  }

  // Reports a column list entry that is not a column of the table.
  bool check_column(const TableCtx& ctx, const std::string& column, const SourceLoc& loc,
                    const std::string& where) {
    if (ctx.table.find_column(column) != nullptr) {
      return true;
    }
    error(loc, "unknown column " + dq(column) + " in " + where +
                   did_you_mean(column, column_names(ctx.table)));
    return false;
  }

  // Reads one column into ctx.table and where it was written into `sources` (the table's).
  void read_column(TableCtx& ctx, SourceMap::TableColumns& sources, const toml::key& key,
                   const toml::node& node) {
    Column c;
    c.name = std::string(key.str());
    const QualifiedName& tn = ctx.table.name;
    const std::string shown = dq(c.name);
    if (c.name.empty()) {
      error(at(key), "column name is empty");
      return;
    }
    const auto keys_begin = static_cast<std::uint32_t>(sources.keys.size());
    sources.columns.push_back({c.name, at(key), keys_begin, keys_begin});
    const toml::table* t = node.as_table();
    if (t == nullptr) {
      error(at(node), "column " + shown + " must be a table like { type = \"text\" } (found " +
                          kind_name(node) + ")");
      ctx.table.columns.push_back(std::move(c));  // known by name: no follow-on errors
      return;
    }
    check_keys(*t, kColumnKeys, [&] { return "column " + shown; });
    for (auto&& [k, v] : *t) {
      // Unknown keys are errors (reported above): a loaded schema never has them.
      const auto known = std::find(kColumnKeys.begin(), kColumnKeys.end(), k.str());
      if (known != kColumnKeys.end()) {
        const toml::source_position& begin = v.source().begin;
        sources.keys.push_back({static_cast<std::uint8_t>(known - kColumnKeys.begin()),
                                file_line(begin.line), begin.line == 0 ? 0 : begin.column});
      }
    }
    sources.columns.back().keys_end = static_cast<std::uint32_t>(sources.keys.size());
    auto loc_of = [&](std::string_view k) { return at(*t->get(k)); };

    bool type_known = false;
    const toml::node* type_node = t->get("type");
    if (type_node == nullptr) {
      error(at(key), "column " + shown + " has no type");
    } else if (const toml::table* raw = type_node->as_table()) {
      // { sql = "..." }: the engine's own spelling, taken verbatim and not checked.
      check_keys(*raw, kDefaultKeys, "type");
      const auto sql = get_string(*raw, "sql");
      if (sql && !trim(*sql).empty()) {
        c.type = std::string(trim(*sql));
      } else if (sql || raw->get("sql") == nullptr) {
        error(at(*type_node), "type of column " + shown + " is empty");
      }
    } else if (type_node->is_string()) {
      type_known = read_type(c, *type_node->value<std::string>(), loc_of("type"));
    } else {
      wrong_kind(*type_node, "type", "a string or { sql = \"...\" }");
    }
    c.nullable = get_bool(*t, "nullable").value_or(false);
    c.comment = get_string(*t, "comment");
    c.generated = get_string(*t, "generated");
    c.collation = get_string(*t, "collation");
    c.renamed_from = get_string(*t, "renamed_from");
    c.backfill = get_string(*t, "backfill");

    if (auto identity = get_string(*t, "identity")) {
      const std::string id = *identity;
      if (id == "always") {
        c.identity = Identity::Always;
      } else if (id == "by default") {
        c.identity = Identity::ByDefault;
      } else {
        const std::vector<std::string> choices = {"always", "by default"};
        const std::string dym = did_you_mean(id, choices);
        error(loc_of("identity"), "invalid identity " + dq(id) +
                                      (dym.empty() ? " (expected " + one_of(choices) + ")" : dym));
      }
    }
    if (const toml::node* d = t->get("default")) {
      read_default(c, *d, type_known);
    }

    if (c.identity != Identity::None) {
      if (type_known && type_family(c.type) != TypeFamily::Integer) {
        error(loc_of("identity"),
              "identity requires an integer type, but column " + shown + " has type " + dq(c.type));
      }
      if (t->get("default") != nullptr) {
        error(loc_of("default"), "column " + shown + " cannot have both identity and a default");
      }
      if (c.generated) {
        error(loc_of("generated"), "column " + shown + " cannot have both identity and generated");
      }
    }
    if (c.generated && t->get("default") != nullptr) {
      error(loc_of("default"), "column " + shown + " cannot have both generated and a default");
    }
    if (c.renamed_from && *c.renamed_from == c.name) {
      error(loc_of("renamed_from"),
            "renamed_from " + dq(*c.renamed_from) + " is the column's own name");
    }
    if (c.backfill && c.nullable) {
      error(loc_of("backfill"),
            "backfill is only for NOT NULL columns, but column " + shown + " is nullable");
    }

    if (get_bool(*t, "unique").value_or(false)) {
      UniqueConstraint u{.name = {}, .columns = {c.name}};
      map_.uniques[tn].push_back({u, loc_of("unique")});
      ctx.table.uniques.push_back(std::move(u));
    }
    if (const toml::node* refs = t->get("references")) {
      read_column_reference(ctx, c, *refs);
    }
    ctx.table.columns.push_back(std::move(c));
  }

  // Resolves `type`; returns true when the column's type is known.
  bool read_type(Column& c, const std::string& written, const SourceLoc& loc) {
    if (const auto it = known_types_.find(written); it != known_types_.end()) {
      c.type = it->second;
      return true;
    }
    const TypeParse parsed = parse_type(written);
    if (parsed.type) {
      c.type = *parsed.type;
      known_types_.emplace(written, c.type);
      return true;
    }
    if (auto resolved = resolve_type(written, schema_.enums, schema_.settings.schema)) {
      c.type = *resolved;
      known_types_.emplace(written, c.type);
      return true;
    }
    if (!parsed.problem.empty()) {
      error(loc, parsed.problem);
      return false;
    }
    // Suggest from the base name: "varchr(255)[]" -> "varchr".
    std::string base = split_array(written).base;
    base = std::string(trim(base.substr(0, base.find('('))));
    // Names from other databases get the type keel spells differently.
    static const std::map<std::string, std::string> foreign_names = {
        {"blob", "bytea"},       {"binary", "bytea"},      {"varbinary", "bytea"},
        {"clob", "text"},        {"string", "text"},       {"tinytext", "text"},
        {"mediumtext", "text"},  {"longtext", "text"},     {"datetime", "timestamp"},
        {"tinyint", "smallint"}, {"mediumint", "integer"}, {"int32", "integer"},
        {"int64", "bigint"},     {"long", "bigint"},       {"double", "double precision"},
        {"nvarchar", "varchar"}, {"varchar2", "varchar"},  {"number", "numeric"}};
    std::string lowered = base;
    for (char& ch : lowered) {
      ch = lower(ch);
    }
    if (auto it = foreign_names.find(lowered); it != foreign_names.end()) {
      error(loc, "unknown type " + dq(written) + " (did you mean " + dq(it->second) + "?)");
      return false;
    }
    std::vector<std::string> candidates = known_type_names();
    for (const auto& [name, e] : schema_.enums) {
      candidates.push_back(display(name));
    }
    error(loc, "unknown type " + dq(written) + did_you_mean(base, candidates));
    return false;
  }

  void read_default(Column& c, const toml::node& node, bool type_known) {
    const std::string shown = dq(c.name);
    const std::string type = dq(c.type);
    const TypeFamily family = type_known ? type_family(c.type) : TypeFamily::Other;
    if (const auto* s = node.as_string()) {
      const std::string& value = s->get();
      if (type_known && (family == TypeFamily::Integer || family == TypeFamily::Boolean)) {
        error(at(node),
              "default " + dq(value) + " is a string, but column " + shown + " has type " + type);
      } else if (const Enum* e = type_known ? enum_of(c.type) : nullptr;
                 e != nullptr && c.type.back() != ']' &&
                 std::find(e->values.begin(), e->values.end(), value) == e->values.end()) {
        error(at(node), "default " + dq(value) + " is not a value of enum " + dq(display(e->name)) +
                            did_you_mean(value, e->values));
      }
      c.default_sql = sql_string_literal(value);
    } else if (const auto* i = node.as_integer()) {
      c.default_sql = std::to_string(i->get());
      if (type_known && family != TypeFamily::Integer && family != TypeFamily::Numeric) {
        error(at(node), "default " + *c.default_sql + " is a number, but column " + shown +
                            " has type " + type);
      }
    } else if (const auto* f = node.as_floating_point()) {
      if (!std::isfinite(f->get())) {
        error(at(node), "default of column " + shown + " must be a finite number");
        return;
      }
      std::string text = raw_slice(document_, node.source()).value_or("");
      text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
      if (!text.empty() && text[0] == '+') {
        text.erase(0, 1);
      }
      if (text.empty()) {
        std::array<char, 64> buffer{};
        auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), f->get());
        text.assign(buffer.data(), end);
      }
      c.default_sql = text;
      if (type_known && family == TypeFamily::Integer) {
        error(at(node),
              "default " + text + " is not an integer, but column " + shown + " has type " + type);
      } else if (type_known && family != TypeFamily::Numeric) {
        error(at(node),
              "default " + text + " is a number, but column " + shown + " has type " + type);
      }
    } else if (const auto* b = node.as_boolean()) {
      c.default_sql = b->get() ? "true" : "false";
      if (type_known && family != TypeFamily::Boolean) {
        error(at(node), "default " + *c.default_sql + " is a boolean, but column " + shown +
                            " has type " + type);
      }
    } else if (const toml::table* t = node.as_table(); t != nullptr && t->get("sql") != nullptr) {
      check_keys(*t, kDefaultKeys, "default");
      if (auto sql = get_string(*t, "sql")) {
        if (trim(*sql).empty()) {
          error(at(*t->get("sql")), "default sql of column " + shown + " is empty");
        } else {
          c.default_sql = std::string(trim(*sql));
        }
      }
    } else {
      error(at(node), R"("default" must be a string, number, boolean or { sql = "..." } (found )" +
                          kind_name(node) + ")");
    }
  }

  std::optional<FkAction> read_action(const toml::table& t, std::string_view key) {
    const auto text = get_string(t, key);
    if (!text) {
      return std::nullopt;
    }
    if (auto action = parse_fk_action(*text)) {
      return action;
    }
    const std::string dym = did_you_mean(*text, fk_action_names());
    error(at(*t.get(key)),
          "invalid " + std::string(key) + " action " + dq(*text) +
              (dym.empty() ? " (expected " + one_of(fk_action_names()) + ")" : dym));
    return std::nullopt;
  }

  // The fields shared by column `references` and table `[[foreign_keys]]`.
  void read_fk_options(ForeignKey& fk, const toml::table& t) {
    fk.name = get_string(t, "name").value_or("");
    fk.on_delete = read_action(t, "on_delete").value_or(FkAction::NoAction);
    fk.on_update = read_action(t, "on_update").value_or(FkAction::NoAction);
    fk.deferrable = get_bool(t, "deferrable").value_or(false);
    fk.initially_deferred = get_bool(t, "initially_deferred").value_or(false);
    check_deferrable(t, fk.deferrable, fk.initially_deferred);
  }

  void check_deferrable(const toml::table& t, bool deferrable, bool initially_deferred) {
    if (initially_deferred && !deferrable) {
      error(at(*t.get("initially_deferred")), "initially_deferred requires deferrable = true");
    }
  }

  void read_column_reference(TableCtx& ctx, const Column& c, const toml::node& node) {
    const toml::table* t = node.as_table();
    if (t == nullptr) {
      wrong_kind(node, "references", "a table like { table = \"...\" }");
      return;
    }
    check_keys(*t, kReferencesKeys, "references");
    ForeignKey fk;
    fk.columns = {c.name};
    read_fk_options(fk, *t);
    PendingFk p;
    p.table = ctx.table.name;
    p.column_level = true;
    p.where = at(node);
    add_constraint_name(ctx, fk.name, "foreign key", p.where);
    const auto table = get_string(*t, "table");
    if (!table) {
      if (t->get("table") == nullptr) {
        error(at(node), "references of column " + dq(c.name) + " has no table");
      }
      return;
    }
    fk.ref_table = parse_qualified_name(*table, schema_.settings.schema);
    p.ref_table_loc = at(*t->get("table"));
    if (auto column = get_string(*t, "column")) {
      fk.ref_columns = {*column};
      p.ref_columns_loc = at(*t->get("column"));
      p.ref_column_locs = {p.ref_columns_loc};
    } else if (t->get("column") != nullptr) {
      return;
    } else {
      p.ref_columns_omitted = true;
      p.ref_columns_loc = p.where;
    }
    p.index = ctx.table.foreign_keys.size();
    ctx.table.foreign_keys.push_back(std::move(fk));
    pending_.push_back(std::move(p));
  }

  void read_foreign_key(TableCtx& ctx, const toml::table& t) {
    check_keys(t, kForeignKeyKeys, "foreign key");
    ForeignKey fk;
    read_fk_options(fk, t);
    fk.valid = get_bool(t, "valid").value_or(true);
    const std::string what = fk.name.empty() ? "foreign key" : "foreign key " + dq(fk.name);
    PendingFk p;
    p.table = ctx.table.name;
    p.where = at(t);
    bool ok = true;
    const auto columns = get_strings(t, "columns");
    if (!columns || columns->values.empty()) {
      if (t.get("columns") == nullptr || columns) {
        error(p.where, what + " has no columns");
      }
      ok = false;
    } else {
      fk.columns = columns->values;
      for (std::size_t i = 0; i < columns->values.size(); ++i) {
        ok = check_column(ctx, columns->values[i], columns->locs[i], what) && ok;
      }
    }
    const auto table = get_string(t, "ref_table");
    if (!table) {
      if (t.get("ref_table") == nullptr) {
        error(p.where, what + " has no ref_table");
      }
      ok = false;
    } else {
      fk.ref_table = parse_qualified_name(*table, schema_.settings.schema);
      p.ref_table_loc = at(*t.get("ref_table"));
    }
    if (t.get("ref_columns") == nullptr) {
      p.ref_columns_omitted = true;
      p.ref_columns_loc = p.where;
    } else if (auto refs = get_strings(t, "ref_columns")) {
      fk.ref_columns = refs->values;
      p.ref_columns_loc = refs->loc;
      p.ref_column_locs = refs->locs;
    } else {
      ok = false;
    }
    add_constraint_name(ctx, fk.name, "foreign key", p.where);
    if (!ok) {
      return;
    }
    p.index = ctx.table.foreign_keys.size();
    ctx.table.foreign_keys.push_back(std::move(fk));
    pending_.push_back(std::move(p));
  }

  // Constraint names are unique within a table.
  void add_constraint_name(TableCtx& ctx, const std::string& name, const std::string& kind,
                           const SourceLoc& loc) {
    if (name.empty()) {
      return;
    }
    auto [it, inserted] = ctx.constraint_names.emplace(name, Defined{kind, name, loc});
    if (inserted) {
      return;
    }
    error(loc, kind + " " + dq(name) + " has the same name as " + it->second.kind + " " + dq(name) +
                   " in table " + dq(ctx.shown))
        .add_note(it->second.loc, it->second.kind + " " + dq(name) + " is defined here");
  }

  void read_primary_key(TableCtx& ctx, const toml::table& t) {
    const toml::node* node = t.get("primary_key");
    if (node == nullptr) {
      return;
    }
    PrimaryKey pk;
    std::optional<Strings> columns;
    if (const toml::table* table = node->as_table()) {
      check_keys(*table, kPrimaryKeyKeys, "primary key");
      pk.name = get_string(*table, "name").value_or("");
      if (table->get("columns") == nullptr) {
        error(at(*node), "primary key has no columns");
        return;
      }
      columns = get_strings(*table, "columns");
    } else if (node->is_array()) {
      columns = strings_of(*node, "primary_key");
    } else {
      wrong_kind(*node, "primary_key", "an array of column names");
      return;
    }
    map_.primary_keys[ctx.table.name] = at(*node);
    if (!columns) {
      return;
    }
    if (columns->values.empty()) {
      error(columns->loc, "primary key is empty");
      return;
    }
    for (std::size_t i = 0; i < columns->values.size(); ++i) {
      const std::string& name = columns->values[i];
      if (!check_column(ctx, name, columns->locs[i], "primary key")) {
        continue;
      }
      if (ctx.table.find_column(name)->nullable) {
        error(columns->locs[i], "primary key column " + dq(name) + " is nullable");
      }
    }
    pk.columns = columns->values;
    add_constraint_name(ctx, pk.name, "primary key", at(*node));
    ctx.table.primary_key = std::move(pk);
  }

  std::optional<IndexKey> read_index_key(const TableCtx& ctx, const toml::node& node,
                                         const std::string& what) {
    IndexKey key;
    if (const auto* s = node.as_string()) {
      auto parsed = parse_index_key(s->get());
      if (!parsed) {
        error(at(node), "empty key in " + what);
        return std::nullopt;
      }
      key = *parsed;
    } else if (const toml::table* t = node.as_table()) {
      check_keys(*t, kIndexKeyKeys, "index key");
      const auto column = get_string(*t, "column");
      const auto expression = get_string(*t, "expression");
      if (column.has_value() == expression.has_value()) {
        error(at(node), R"(an index key needs exactly one of "column" and "expression")");
        return std::nullopt;
      }
      key.column = column.value_or("");
      key.expression = expression;
      key.descending = get_bool(*t, "desc").value_or(false);
      key.collation = get_string(*t, "collation");
      key.opclass = get_string(*t, "opclass");
      if (auto nulls = get_string(*t, "nulls")) {
        if (*nulls == "first") {
          key.nulls = NullsOrder::First;
        } else if (*nulls == "last") {
          key.nulls = NullsOrder::Last;
        } else {
          error(at(*t->get("nulls")),
                "invalid nulls " + dq(*nulls) + R"( (expected "first" or "last"))");
        }
      }
    } else {
      error(at(node),
            "elements of \"columns\" must be strings or tables (found " + kind_name(node) + ")");
      return std::nullopt;
    }
    if (!key.expression && !check_column(ctx, key.column, at(node), what)) {
      return std::nullopt;
    }
    return key;
  }

  void read_index(TableCtx& ctx, const toml::table& t) {
    check_keys(t, kIndexKeys, "index");
    Index index;
    index.name = get_string(t, "name").value_or("");
    const std::string what = index.name.empty() ? "index" : "index " + dq(index.name);
    index.unique = get_bool(t, "unique").value_or(false);
    index.method = get_string(t, "method").value_or("btree");
    index.where = get_string(t, "where");
    index.valid = get_bool(t, "valid").value_or(true);
    if (const toml::node* keys = t.get("columns")) {
      if (const toml::array* array = keys->as_array()) {
        for (const toml::node& element : *array) {
          if (auto key = read_index_key(ctx, element, what)) {
            index.keys.push_back(*key);
          }
        }
        if (array->empty()) {
          error(at(t), what + " has no columns");
        }
      } else {
        wrong_kind(*keys, "columns", "an array");
      }
    } else {
      error(at(t), what + " has no columns");
    }
    if (auto include = get_strings(t, "include")) {
      for (std::size_t i = 0; i < include->values.size(); ++i) {
        check_column(ctx, include->values[i], include->locs[i], what + " include list");
      }
      index.include = include->values;
    }
    if (!index.name.empty()) {
      define(relations_, {ctx.table.name.schema, index.name}, "index", index.name, at(t));
    }
    map_.indexes[ctx.table.name].push_back({lookup_part(index), at(t)});
    ctx.table.indexes.push_back(std::move(index));
  }

  void read_unique(TableCtx& ctx, const toml::table& t) {
    check_keys(t, kUniqueKeys, "unique constraint");
    UniqueConstraint u;
    u.name = get_string(t, "name").value_or("");
    const std::string what =
        u.name.empty() ? "unique constraint" : "unique constraint " + dq(u.name);
    u.deferrable = get_bool(t, "deferrable").value_or(false);
    u.initially_deferred = get_bool(t, "initially_deferred").value_or(false);
    check_deferrable(t, u.deferrable, u.initially_deferred);
    const auto columns = get_strings(t, "columns");
    if (columns && !columns->values.empty()) {
      for (std::size_t i = 0; i < columns->values.size(); ++i) {
        check_column(ctx, columns->values[i], columns->locs[i], what);
      }
      u.columns = columns->values;
    } else if (columns || t.get("columns") == nullptr) {
      error(at(t), what + " has no columns");
    }
    add_constraint_name(ctx, u.name, "unique constraint", at(t));
    map_.uniques[ctx.table.name].push_back({u, at(t)});
    ctx.table.uniques.push_back(std::move(u));
  }

  void read_check(TableCtx& ctx, const toml::table& t) {
    check_keys(t, kCheckKeys, "check");
    Check check;
    check.name = get_string(t, "name").value_or("");
    check.valid = get_bool(t, "valid").value_or(true);
    const auto expr = get_string(t, "expr");
    if (expr && !trim(*expr).empty()) {
      check.expr = *expr;
    } else if (expr || t.get("expr") == nullptr) {
      error(at(t), (check.name.empty() ? std::string("check") : "check " + dq(check.name)) +
                       " has no expr");
    }
    add_constraint_name(ctx, check.name, "check", at(t));
    map_.checks[ctx.table.name].push_back({check, at(t)});
    ctx.table.checks.push_back(std::move(check));
  }

  void read_partition(TableCtx& ctx, const toml::table& t) {
    check_keys(t, kPartitionKeys, "partition");
    const auto name = get_string(t, "name");
    if (!name || name->empty()) {
      if (t.get("name") == nullptr || name) {
        error(at(t), "partition has no name");
      }
      return;
    }
    Partition p;
    p.name = parse_qualified_name(*name, schema_.settings.schema);
    const auto bound = get_string(t, "bound");
    if (bound && !trim(*bound).empty()) {
      p.bound = *bound;
    } else if (bound || t.get("bound") == nullptr) {
      error(at(t), "partition " + dq(*name) + " has no bound");
    }
    for (const Partition& other : ctx.table.partitions) {
      if (other.name == p.name) {
        error(at(t), "partition " + dq(*name) + " is defined twice")
            .add_note(map_.partitions[{ctx.table.name, p.name}], "first defined here");
        return;
      }
    }
    map_.partitions[{ctx.table.name, p.name}] = at(t);
    ctx.table.partitions.push_back(std::move(p));
  }

  // --- cross references ----------------------------------------------------------------------

  void resolve_foreign_keys() {
    std::vector<std::string> table_names;
    for (const auto& [name, table] : schema_.tables) {
      table_names.push_back(display(name));
    }
    for (const PendingFk& p : pending_) {
      ForeignKey& fk = schema_.tables[p.table].foreign_keys[p.index];
      const Table* ref = schema_.find_table(fk.ref_table);
      const std::string ref_shown = dq(display(fk.ref_table));
      if (ref == nullptr) {
        if (unmanaged(fk.ref_table)) {
          if (p.ref_columns_omitted) {
            error(p.ref_table_loc,
                  std::string(p.column_level ? "column = \"...\"" : "ref_columns") +
                      " is required to reference table " + ref_shown +
                      ", which keel does not manage");
          }
        } else {
          error(p.ref_table_loc, "foreign key references unknown table " + ref_shown +
                                     did_you_mean(display(fk.ref_table), table_names));
          continue;
        }
      } else if (p.ref_columns_omitted) {
        const auto& pk = ref->primary_key;
        if (p.column_level && (!pk || pk->columns.size() != 1)) {
          error(p.ref_table_loc, "table " + ref_shown +
                                     " has no single-column primary key: name the referenced "
                                     "column with column = \"...\"");
          continue;
        }
        if (!pk) {
          error(p.ref_table_loc, "table " + ref_shown +
                                     " has no primary key: name the referenced columns with "
                                     "ref_columns = [...]");
          continue;
        }
        fk.ref_columns = pk->columns;
      } else {
        for (std::size_t i = 0; i < fk.ref_columns.size(); ++i) {
          const std::string& column = fk.ref_columns[i];
          if (ref->find_column(column) != nullptr) {
            continue;
          }
          error(i < p.ref_column_locs.size() ? p.ref_column_locs[i] : p.ref_columns_loc,
                "foreign key references unknown column " + dq(column) + " of table " + ref_shown +
                    did_you_mean(column, column_names(*ref)));
        }
      }
      if (!fk.ref_columns.empty() && fk.ref_columns.size() != fk.columns.size()) {
        error(p.ref_columns_loc, "foreign key has " + std::to_string(fk.columns.size()) +
                                     " column" + (fk.columns.size() == 1 ? "" : "s") +
                                     " but references " + std::to_string(fk.ref_columns.size()));
      }
      map_.foreign_keys[p.table].push_back({lookup_part(fk), p.where});
    }
  }
};

// ---------------------------------------------------------------------------------------------

// Parses every file, each without the sections of its tables where they can be cut apart
// (ParsedFile); throws one UserError with every syntax error found.
void parse_all(std::vector<ParsedFile>& files) {
  bool failed = false;
  for (ParsedFile& f : files) {
    f.path = std::make_shared<const std::string>(f.name);
    if (!parse_rest(f) && parse_whole(f)) {
      failed = true;
    }
  }
  if (failed) {
    throw UserError(syntax_errors(files, 0));
  }
}

// Appends the content of a file to `out` and returns its size.
std::size_t append_file(std::string& out, const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UserError("cannot read " + dq(path.generic_string()));
  }
  const std::size_t start = out.size();
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  const std::size_t needed = start + static_cast<std::size_t>(size) + 1;
  if (!ec && needed > out.capacity()) {
    out.reserve(std::max(needed, 2 * out.capacity()));  // geometric: many files stay linear
  }
  std::array<char, std::size_t{1} << 16U> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    out.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  return out.size() - start;
}

bool hidden(const std::filesystem::path& relative) {
  return std::any_of(relative.begin(), relative.end(), [](const std::filesystem::path& part) {
    const std::string s = part.string();
    return s.size() > 1 && s[0] == '.' && s != "..";
  });
}

}  // namespace

// --- SourceMap -------------------------------------------------------------------------------

std::optional<QualifiedName> SourceMap::recorded_table(const QualifiedName& table) const {
  if (tables.contains(table)) {
    return table;
  }
  std::optional<QualifiedName> found;
  for (const auto& [name, loc] : tables) {
    if (name.name != table.name) {
      continue;
    }
    if (found) {
      return std::nullopt;  // ambiguous
    }
    found = name;
  }
  return found;
}

SourceLoc SourceMap::fallback() const {
  if (files.empty()) {
    return {};
  }
  return SourceLoc{
      .file = std::make_shared<const std::string>(files.front()), .line = 0, .column = 0};
}

SourceLoc SourceMap::table(const QualifiedName& table) const {
  const auto name = recorded_table(table);
  return name ? tables.at(*name) : fallback();
}

SourceLoc SourceMap::enum_type(const QualifiedName& name) const {
  auto it = enums.find(name);
  return it == enums.end() ? fallback() : it->second;
}

SourceLoc SourceMap::view(const QualifiedName& name) const {
  auto it = views.find(name);
  return it == views.end() ? fallback() : it->second;
}

SourceLoc SourceMap::column(const QualifiedName& table, const std::string& column) const {
  const auto name = recorded_table(table);
  if (!name) {
    return fallback();
  }
  const ColumnSource* source = column_source(*name, column);
  return source == nullptr ? tables.at(*name) : source->loc;
}

SourceLoc SourceMap::column_key(const QualifiedName& table, const std::string& column,
                                const std::string& key) const {
  const auto name = recorded_table(table);
  if (!name) {
    return fallback();
  }
  if (const ColumnSource* source = column_source(*name, column)) {
    const auto& names = column_key_names();
    const std::vector<KeySource>& keys = columns.at(*name).keys;
    for (std::uint32_t i = source->keys_begin; i < source->keys_end && i < keys.size(); ++i) {
      if (keys[i].key < names.size() && names[keys[i].key] == key) {
        return SourceLoc{.file = source->loc.file, .line = keys[i].line, .column = keys[i].column};
      }
    }
  }
  return this->column(*name, column);
}

const SourceMap::ColumnSource* SourceMap::column_source(const QualifiedName& table,
                                                        const std::string& column) const {
  const auto t = columns.find(table);
  if (t == columns.end()) {
    return nullptr;
  }
  // The last one read wins, as a column read twice (an error) would be recorded.
  for (auto c = t->second.columns.rbegin(); c != t->second.columns.rend(); ++c) {
    if (c->name == column) {
      return &*c;
    }
  }
  return nullptr;
}

const std::vector<std::string>& SourceMap::column_key_names() {
  static const std::vector<std::string> names(kColumnKeys.begin(), kColumnKeys.end());
  return names;
}

SourceLoc SourceMap::primary_key(const QualifiedName& table) const {
  const auto name = recorded_table(table);
  if (!name) {
    return fallback();
  }
  auto it = primary_keys.find(*name);
  return it == primary_keys.end() ? tables.at(*name) : it->second;
}

namespace {

// By name when the written element had one, else by `same` (the element's defining part).
template <class T, class Same>
std::optional<SourceLoc> find_entry(const std::vector<SourceMap::Entry<T>>& entries,
                                    const T& wanted, Same same) {
  for (const auto& e : entries) {
    if (!e.element.name.empty() && e.element.name == wanted.name) {
      return e.loc;
    }
  }
  for (const auto& e : entries) {
    if (e.element.name.empty() && same(e.element, wanted)) {
      return e.loc;
    }
  }
  return std::nullopt;
}

}  // namespace

SourceLoc SourceMap::index(const QualifiedName& table, const Index& index) const {
  const auto name = recorded_table(table);
  if (!name) {
    return fallback();
  }
  if (auto it = indexes.find(*name); it != indexes.end()) {
    auto same = [](const Index& a, const Index& b) { return a.keys == b.keys; };
    if (auto loc = find_entry(it->second, index, same)) {
      return *loc;
    }
  }
  return tables.at(*name);
}

SourceLoc SourceMap::unique(const QualifiedName& table, const UniqueConstraint& u) const {
  const auto name = recorded_table(table);
  if (!name) {
    return fallback();
  }
  if (auto it = uniques.find(*name); it != uniques.end()) {
    auto same = [](const UniqueConstraint& a, const UniqueConstraint& b) {
      return a.columns == b.columns;
    };
    if (auto loc = find_entry(it->second, u, same)) {
      return *loc;
    }
  }
  return tables.at(*name);
}

SourceLoc SourceMap::foreign_key(const QualifiedName& table, const ForeignKey& fk) const {
  const auto name = recorded_table(table);
  if (!name) {
    return fallback();
  }
  if (auto it = foreign_keys.find(*name); it != foreign_keys.end()) {
    auto same = [](const ForeignKey& a, const ForeignKey& b) { return a.columns == b.columns; };
    if (auto loc = find_entry(it->second, fk, same)) {
      return *loc;
    }
  }
  return tables.at(*name);
}

SourceLoc SourceMap::check(const QualifiedName& table, const Check& check) const {
  const auto name = recorded_table(table);
  if (!name) {
    return fallback();
  }
  if (auto it = checks.find(*name); it != checks.end()) {
    auto same = [](const Check& a, const Check& b) { return a.expr == b.expr; };
    if (auto loc = find_entry(it->second, check, same)) {
      return *loc;
    }
  }
  return tables.at(*name);
}

SourceLoc SourceMap::partition(const QualifiedName& table, const QualifiedName& partition) const {
  const auto name = recorded_table(table);
  if (!name) {
    return fallback();
  }
  auto it = partitions.find({*name, partition});
  if (it != partitions.end()) {
    return it->second;
  }
  for (const auto& [key, loc] : partitions) {
    if (key.first == *name && key.second.name == partition.name) {
      return loc;
    }
  }
  return tables.at(*name);
}

SourceLoc SourceMap::extension(const std::string& name) const {
  auto it = extensions.find(name);
  if (it != extensions.end()) {
    return it->second;
  }
  return settings_loc.known() ? settings_loc : fallback();
}

// --- free functions --------------------------------------------------------------------------

struct SchemaReader::Impl {
  std::vector<ParsedFile> files;
  std::string text;
  Reader reader;
  bool parsed = false;

  void parse() {
    if (!parsed) {
      parse_all(files);
      reader.start(files);
      parsed = true;
    }
  }
};

namespace {

// The settings the `[settings]` sections of `files` give, read without parsing the files:
// every line "[settings]" up to the next table header is parsed on its own. A guess: wrong
// (or the defaults) for settings written otherwise or files with errors.
Settings guess_settings(const std::vector<ParsedFile>& files) {
  Settings guess;
  auto next_line = [](std::string_view text, std::size_t pos) {
    const std::size_t end = text.find('\n', pos);
    return end == std::string_view::npos ? text.size() : end;
  };
  for (const ParsedFile& f : files) {
    const std::string_view text = f.text;
    for (std::size_t pos = 0; pos < text.size(); pos = next_line(text, pos) + 1) {
      if (trim(text.substr(pos, next_line(text, pos) - pos)) != "[settings]") {
        continue;
      }
      std::size_t end = next_line(text, pos);
      while (end < text.size()) {
        const std::size_t line_end = next_line(text, end + 1);
        const std::string_view line = trim(text.substr(end + 1, line_end - end - 1));
        if (!line.empty() && line.front() == '[') {
          break;
        }
        end = line_end;
      }
      try {
        const toml::table section = toml::parse(text.substr(pos, end - pos), std::string_view{});
        const toml::node_view settings = section["settings"];
        if (auto schema = settings["schema"].value<std::string>()) {
          guess.schema = *schema;
        }
        auto strings = [&](std::string_view key, std::vector<std::string>& out) {
          if (const toml::array* array = settings[key].as_array()) {
            out.clear();
            for (const toml::node& element : *array) {
              if (auto value = element.value<std::string>()) {
                out.push_back(*value);
              }
            }
          }
        };
        strings("schemas", guess.schemas);
        strings("exclude", guess.exclude);
      } catch (const toml::parse_error&) {  // only a guess
      }
      pos = end;
    }
  }
  return guess;
}

}  // namespace

SchemaReader::SchemaReader(const std::filesystem::path& file_or_directory)
    : impl_(std::make_unique<Impl>()) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string shown = file_or_directory.generic_string();
  if (!fs::exists(file_or_directory, ec)) {
    throw UserError("cannot read " + dq(shown) + ": no such file or directory");
  }
  std::vector<ParsedFile> files;
  if (fs::is_directory(file_or_directory, ec)) {
    std::vector<fs::path> paths;
    for (fs::recursive_directory_iterator it(file_or_directory, ec), end; !ec && it != end;
         it.increment(ec)) {
      const fs::path relative = it->path().lexically_relative(file_or_directory);
      if (hidden(relative)) {
        if (it->is_directory(ec)) {
          it.disable_recursion_pending();
        }
        continue;
      }
      if (it->is_regular_file(ec) && it->path().extension() == ".toml") {
        paths.push_back(it->path());
      }
    }
    if (ec) {
      throw UserError("cannot read " + dq(shown) + ": " + ec.message());
    }
    std::sort(paths.begin(), paths.end(), [](const fs::path& a, const fs::path& b) {
      return a.generic_string() < b.generic_string();
    });
    if (paths.empty()) {
      throw UserError("no .toml files in " + dq(shown));
    }
    for (const fs::path& p : paths) {
      files.push_back(ParsedFile{p.generic_string(), {}, {}, {}});
    }
  } else {
    files.push_back(ParsedFile{shown, {}, {}, {}});
  }
  // The files are read into the text stored in revisions, and parsed from there: one copy.
  std::string& text = impl_->text;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // of each file in `text`
  for (const ParsedFile& f : files) {
    text += "# file: ";
    text += f.name;
    text += '\n';
    const std::size_t start = text.size();
    const std::size_t size = append_file(text, f.name);
    spans.emplace_back(start, size);
    if (size > 0 && text.back() != '\n') {
      text += '\n';
    }
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    files[i].text = std::string_view(text).substr(spans[i].first, spans[i].second);
  }
  impl_->files = std::move(files);
}

SchemaReader::~SchemaReader() = default;

Settings SchemaReader::guessed_settings() const {
  return guess_settings(impl_->files);
}

const Settings& SchemaReader::settings() {
  impl_->parse();
  return impl_->reader.settings();
}

LoadedSchema SchemaReader::finish() {
  impl_->parse();
  LoadedSchema out = impl_->reader.finish(impl_->files);
  out.text = std::move(impl_->text);
  impl_.reset();  // the parsed documents are not needed any more
  return out;
}

LoadedSchema read_schema(const std::filesystem::path& file_or_directory) {
  return SchemaReader(file_or_directory).finish();
}

LoadedSchema read_schema_string(std::string_view toml, std::string_view file_name) {
  std::vector<ParsedFile> files;
  files.push_back(ParsedFile{std::string(file_name), toml, {}, {}});
  parse_all(files);
  LoadedSchema out = Reader().run(files);
  out.text = std::string(toml);
  return out;
}

QualifiedName parse_qualified_name(std::string_view key, const std::string& default_schema) {
  if (!key.empty() && key[0] == '"') {
    std::string schema;
    std::size_t i = 1;
    while (i < key.size()) {
      if (key[i] == '"') {
        if (i + 1 < key.size() && key[i + 1] == '"') {
          schema += '"';
          i += 2;
          continue;
        }
        break;
      }
      schema += key[i++];
    }
    if (i + 1 < key.size() && key[i] == '"' && key[i + 1] == '.') {
      return QualifiedName{.schema = schema, .name = std::string(key.substr(i + 2))};
    }
  }
  const std::size_t dot = key.find('.');
  if (dot == std::string_view::npos) {
    return QualifiedName{.schema = default_schema, .name = std::string(key)};
  }
  return QualifiedName{.schema = std::string(key.substr(0, dot)),
                       .name = std::string(key.substr(dot + 1))};
}

std::string format_qualified_name(const QualifiedName& name, const std::string& default_schema) {
  if (name.schema == default_schema && name.name.find('.') == std::string::npos) {
    return name.name;
  }
  std::string schema = name.schema;
  if (schema.find('.') != std::string::npos || (!schema.empty() && schema[0] == '"')) {
    std::string q = "\"";
    for (char c : schema) {
      q += c;
      if (c == '"') {
        q += '"';
      }
    }
    schema = q + "\"";
  }
  return schema + "." + name.name;
}

std::optional<IndexKey> parse_index_key(std::string_view text) {
  text = trim(text);
  if (text.empty()) {
    return std::nullopt;
  }
  IndexKey key;
  std::string_view rest = text;
  if (strip_word(rest, "first")) {
    if (strip_word(rest, "nulls")) {
      key.nulls = NullsOrder::First;
    } else {
      rest = text;
    }
  } else if (strip_word(rest, "last")) {
    if (strip_word(rest, "nulls")) {
      key.nulls = NullsOrder::Last;
    } else {
      rest = text;
    }
  }
  if (strip_word(rest, "desc")) {
    key.descending = true;
  } else {
    (void)strip_word(rest, "asc");
  }
  if (rest.empty()) {  // "desc" alone is a column named desc
    rest = text;
    key.descending = false;
    key.nulls = NullsOrder::Default;
  }
  if (is_identifier(rest)) {
    key.column = std::string(rest);
  } else if (auto unquoted = unquote_identifier(rest)) {
    key.column = *unquoted;
  } else {
    key.expression = std::string(rest);
  }
  return key;
}

std::string sql_string_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  return out + "'";
}

std::string fk_action_text(FkAction action) {
  for (const auto& [text, a] : kFkActions) {
    if (a == action) {
      return std::string(text);
    }
  }
  return "no action";
}

std::optional<FkAction> parse_fk_action(std::string_view text) {
  std::string normalized;
  for (char c : trim(text)) {
    const char l = c == '_' ? ' ' : lower(c);
    if (l == ' ' && (normalized.empty() || normalized.back() == ' ')) {
      continue;
    }
    normalized += l;
  }
  for (const auto& [name, action] : kFkActions) {
    if (normalized == name) {
      return action;
    }
  }
  return std::nullopt;
}

}  // namespace keel::state
