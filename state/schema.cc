#include "state/schema.h"

#include <algorithm>
#include <cstddef>
#include <tuple>

namespace keel::state {

namespace {

// Sort keys: the name first, then the whole definition, so that unnamed elements (a desired
// schema before the dialect fills default names) still get one deterministic order.
std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) {
    out += part;
    out += '\x1f';
  }
  return out;
}

std::string opt(const std::optional<std::string>& value) {
  return value ? "1" + *value : std::string("0");
}

std::string key_text(const IndexKey& key) {
  return join({key.column, opt(key.expression), key.descending ? "d" : "a",
               std::to_string(static_cast<int>(key.nulls)), opt(key.collation), opt(key.opclass)});
}

auto sort_key(const Index& index) {
  std::vector<std::string> keys;
  for (const IndexKey& key : index.keys) {
    keys.push_back(key_text(key));
  }
  return std::make_tuple(index.name, join(keys), index.unique, index.method, opt(index.where),
                         join(index.include), index.valid);
}

auto sort_key(const UniqueConstraint& unique) {
  return std::make_tuple(unique.name, join(unique.columns), unique.deferrable,
                         unique.initially_deferred);
}

auto sort_key(const ForeignKey& fk) {
  return std::make_tuple(fk.name, join(fk.columns), fk.ref_table, join(fk.ref_columns),
                         static_cast<int>(fk.on_delete), static_cast<int>(fk.on_update),
                         fk.deferrable, fk.initially_deferred, fk.valid);
}

auto sort_key(const Check& check) {
  return std::make_tuple(check.name, check.expr, check.valid);
}

auto sort_key(const Partition& partition) {
  return std::make_tuple(partition.name, partition.bound);
}

auto sort_key(const Extension& extension) {
  return std::make_tuple(extension.name, opt(extension.schema));
}

// sort_key(a) < sort_key(b). Every key starts with the name, and names almost always differ,
// so the whole keys (which allocate) are built only for equal names.
template <class T>
bool key_less(const T& a, const T& b) {
  if (a.name != b.name) {
    return a.name < b.name;
  }
  return sort_key(a) < sort_key(b);
}

template <class T>
void sort_by_key(std::vector<T>& items) {
  if (std::is_sorted(items.begin(), items.end(), key_less<T>)) {
    return;  // what stable_sort would leave as it is
  }
  std::stable_sort(items.begin(), items.end(), key_less<T>);
}

template <class T>
bool sorted_by_key(const std::vector<T>& items) {
  return std::is_sorted(items.begin(), items.end(), key_less<T>);
}

}  // namespace

bool Column::same_definition(const Column& other) const {
  return name == other.name && type == other.type && nullable == other.nullable &&
         default_sql == other.default_sql && identity == other.identity &&
         generated == other.generated && collation == other.collation && comment == other.comment;
}

const Column* Table::find_column(const std::string& column) const {
  auto it = std::find_if(columns.begin(), columns.end(),
                         [&](const Column& c) { return c.name == column; });
  return it == columns.end() ? nullptr : &*it;
}

Column* Table::find_column(const std::string& column) {
  auto it = std::find_if(columns.begin(), columns.end(),
                         [&](const Column& c) { return c.name == column; });
  return it == columns.end() ? nullptr : &*it;
}

const Index* Table::find_index(const std::string& index) const {
  auto it =
      std::find_if(indexes.begin(), indexes.end(), [&](const Index& i) { return i.name == index; });
  return it == indexes.end() ? nullptr : &*it;
}

const Table* Schema::find_table(const QualifiedName& name) const {
  auto it = tables.find(name);
  return it == tables.end() ? nullptr : &it->second;
}

Table* Schema::find_table(const QualifiedName& name) {
  auto it = tables.find(name);
  return it == tables.end() ? nullptr : &it->second;
}

const Enum* Schema::find_enum(const QualifiedName& name) const {
  auto it = enums.find(name);
  return it == enums.end() ? nullptr : &it->second;
}

void sort_canonical(Schema& schema) {
  sort_by_key(schema.extensions);
  for (auto& [name, table] : schema.tables) {
    sort_by_key(table.uniques);
    sort_by_key(table.foreign_keys);
    sort_by_key(table.checks);
    sort_by_key(table.indexes);
    sort_by_key(table.partitions);
  }
}

bool is_sort_canonical(const Schema& schema) {
  if (!sorted_by_key(schema.extensions)) {
    return false;
  }
  return std::all_of(schema.tables.begin(), schema.tables.end(), [](const auto& entry) {
    const Table& table = entry.second;
    return sorted_by_key(table.uniques) && sorted_by_key(table.foreign_keys) &&
           sorted_by_key(table.checks) && sorted_by_key(table.indexes) &&
           sorted_by_key(table.partitions);
  });
}

bool glob_match(const std::string& glob, const std::string& name) {
  // Iterative wildcard matching with one backtrack point: the last `*` seen.
  std::size_t g = 0;
  std::size_t n = 0;
  std::size_t star = std::string::npos;
  std::size_t star_n = 0;
  while (n < name.size()) {
    if (g < glob.size() && glob[g] == '?') {
      ++g;  // one character: skip the UTF-8 continuation bytes too
      ++n;
      while (n < name.size() && (static_cast<unsigned char>(name[n]) & 0xC0U) == 0x80U) {
        ++n;
      }
    } else if (g < glob.size() && glob[g] == name[n]) {
      ++g;
      ++n;
    } else if (g < glob.size() && glob[g] == '*') {
      star = g++;
      star_n = n;
    } else if (star != std::string::npos) {
      g = star + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') {
    ++g;
  }
  return g == glob.size();
}

bool is_excluded(const Settings& settings, const QualifiedName& name) {
  const std::string qualified = name.str();
  return std::any_of(settings.exclude.begin(), settings.exclude.end(), [&](const std::string& g) {
    return glob_match(g, name.name) || glob_match(g, qualified);
  });
}

}  // namespace keel::state
