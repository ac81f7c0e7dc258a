#!/usr/bin/env bash
# Times `keel inspect` against `pg_dump --schema-only` on one database and prints a markdown row.
#
#   bench/inspect_vs_pgdump.sh [--header] URL
#
# KEEL is the keel binary (default build/keel); RUNS the number of timed runs (default 5; the
# median is reported) after one untimed warm-up run of each command. hyperfine is used when it
# is installed, otherwise a loop timed with `date +%s.%N`. When KEEL is not executable its
# column says "n/a" and only pg_dump is timed.
#
#   | tables | keel inspect (s) | pg_dump --schema-only (s) | pg_dump / keel |
#   |---:|---:|---:|---:|
#   | 1000 | 0.412 | 1.907 | 4.6x |
set -euo pipefail

die() {
  echo "inspect_vs_pgdump.sh: $1" >&2
  exit "${2:-1}"
}
header=0
if [[ ${1:-} == --header ]]; then
  header=1
  shift
fi
[[ $# -eq 1 ]] || die "usage: bench/inspect_vs_pgdump.sh [--header] URL" 2
url=$1
keel=${KEEL:-build/keel}
[[ ${RUNS:-5} =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer" 2
for tool in psql pg_dump; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
BENCH_TMP=$(mktemp -d)
trap 'rm -rf "$BENCH_TMP"' EXIT

tables=$(psql "$url" -X -Atq -v ON_ERROR_STOP=1 -c "
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'keel')
    AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'")

quoted_url=$(printf '%q' "$url")
dump=$(bench_time "pg_dump" "pg_dump --schema-only $quoted_url") ||
  die "pg_dump failed"
if [[ -x $keel ]]; then
  inspect=$(bench_time "keel inspect" \
    "$(printf '%q' "$keel") inspect --db $quoted_url -o /dev/null") || true
else
  echo "inspect_vs_pgdump.sh: $keel is not an executable (set KEEL); timing pg_dump only" >&2
  inspect="n/a"
fi

if [[ $header -eq 1 ]]; then
  echo "| tables | keel inspect (s) | pg_dump --schema-only (s) | pg_dump / keel |"
  echo "|---:|---:|---:|---:|"
fi
echo "| $tables | $inspect | $dump | $(bench_ratio "$dump" "$inspect") |"
