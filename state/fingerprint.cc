#include "state/fingerprint.h"

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <string_view>

#include <openssl/evp.h>

#include "state/toml_writer.h"

namespace keel::state {

std::string canonical_toml(const Schema& schema) {
  Schema copy = schema;
  copy.settings = Settings{};
  for (auto& [name, table] : copy.tables) {
    table.renamed_from.reset();
    for (Column& column : table.columns) {
      column.renamed_from.reset();
      column.backfill.reset();
    }
    // Column order is not part of a table's definition for keel (plans never rebuild a table to
    // reorder it, and a rollback re-adds a dropped column at the end), so it is not part of
    // the fingerprint either.
    std::sort(table.columns.begin(), table.columns.end(),
              [](const Column& a, const Column& b) { return a.name < b.name; });
  }
  sort_canonical(copy);
  return write_toml(copy);
}

std::string fingerprint(const Schema& schema) {
  const std::string text = canonical_toml(schema);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), text.data(), text.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1) {
    throw std::runtime_error("keel: SHA-256 is not available from OpenSSL");
  }
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4U];
    out += kHex[digest[i] & 0xFU];
  }
  return out;
}

}  // namespace keel::state
