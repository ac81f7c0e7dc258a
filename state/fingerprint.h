// Fingerprints: a short, stable identity of a schema's definition, used to check that a
// database is still in the state a plan was made against and recorded in every revision.
#pragma once

#include <atomic>
#include <future>
#include <string>

#include "state/schema.h"

namespace keel::state {

/// The canonical text of a schema's definition: write_toml of a copy with the directives
/// (renamed_from, backfill) removed, the settings reset to their defaults (settings say how
/// keel reads names, not what the database holds), every name-ordered list sorted and the
/// columns sorted by name (plans never reorder columns, so column order is not part of a
/// table's definition here). Two models with the same definition give the same bytes,
/// whatever order they were built in.
[[nodiscard]] std::string canonical_toml(const Schema& schema);

/// "sha256:" followed by the 64 lowercase hex digits of SHA-256(canonical_toml(schema)).
/// Example: `fingerprint(Schema{})` is "sha256:" + the hash of "[settings]\nschema = ...".
[[nodiscard]] std::string fingerprint(const Schema& schema);

/// fingerprint(schema) computed on another thread, for a caller with other work meanwhile.
/// `schema` must not change until get() returns; destroyed without get() (the fingerprint was
/// not needed after all), it stops the work at the next table and waits for that.
class PendingFingerprint {
 public:
  explicit PendingFingerprint(const Schema& schema);
  explicit PendingFingerprint(const Schema&& schema) = delete;  // it would outlive the schema
  ~PendingFingerprint();
  PendingFingerprint(const PendingFingerprint&) = delete;
  PendingFingerprint& operator=(const PendingFingerprint&) = delete;
  PendingFingerprint(PendingFingerprint&&) = delete;
  PendingFingerprint& operator=(PendingFingerprint&&) = delete;

  /// The fingerprint; once.
  [[nodiscard]] std::string get();

 private:
  const Schema& schema_;
  std::atomic<bool> stop_{false};
  std::future<std::string> result_{};  ///< not valid when no thread could be started
};

}  // namespace keel::state
