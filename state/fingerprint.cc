#include "state/fingerprint.h"

#include <array>
#include <future>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include <openssl/evp.h>

#include "state/toml_writer.h"

namespace keel::state {

namespace {

constexpr WriteOptions kCanonical{.definition_only = true};

// canonical_toml handed to `sink` in pieces.
void write_canonical(const Schema& schema, const WriteOptions& options, const TomlSink& sink) {
  if (is_sort_canonical(schema)) {
    write_toml(schema, options, sink);
    return;
  }
  Schema copy = schema;
  sort_canonical(copy);
  write_toml(copy, options, sink);
}

// fingerprint(schema), written with `options` (kCanonical and how to run).
std::string hash_canonical(const Schema& schema, const WriteOptions& options) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1;
  // The text is hashed as it is written, never held whole (it is megabytes on large schemas).
  write_canonical(schema, options, [&](std::string_view piece) {
    ok = ok && EVP_DigestUpdate(ctx.get(), piece.data(), piece.size()) == 1;
  });
  if (!ok || EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1) {
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

}  // namespace

std::string canonical_toml(const Schema& schema) {
  // The settings, the directives and the column order are left out by the writer itself, so
  // the model is copied only when its lists are not in canonical order yet.
  if (is_sort_canonical(schema)) {
    return write_toml(schema, kCanonical);
  }
  Schema copy = schema;
  sort_canonical(copy);
  return write_toml(copy, kCanonical);
}

std::string fingerprint(const Schema& schema) {
  return hash_canonical(schema, kCanonical);
}

PendingFingerprint::PendingFingerprint(const Schema& schema) : schema_(schema) {
  WriteOptions options = kCanonical;
  options.one_thread = true;
  options.stop = &stop_;
  try {
    result_ = std::async(std::launch::async,
                         [this, options] { return hash_canonical(schema_, options); });
  } catch (const std::system_error&) {  // no thread to be had: get() computes it
  }
}

PendingFingerprint::~PendingFingerprint() {
  stop_ = true;
  if (result_.valid()) {
    result_.wait();
  }
}

std::string PendingFingerprint::get() {
  return result_.valid() ? result_.get() : fingerprint(schema_);
}

}  // namespace keel::state
