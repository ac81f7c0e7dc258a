#!/usr/bin/env bash
# Times `keel inspect` against `pg_dump --schema-only` on one database and prints a markdown row.
#
#   bench/inspect_vs_pgdump.sh [--header] URL
#
# KEEL is the keel binary (default build-bench/keel, else build/keel); BENCH_RUNS the number of
# timed runs (default 5; the median is reported) after one untimed warm-up run of each
# command, as bench/lib.sh measures them (also the peak RSS, not printed here). When KEEL is
# not executable its column says "n/a" and only pg_dump is timed.
#
#   | tables | keel inspect (s) | pg_dump --schema-only (s) | keel / pg_dump |
#   |---:|---:|---:|---:|
#   | 1000 | 0.412 | 1.907 | 0.22 |
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
for tool in psql pg_dump; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
keel=${KEEL:-}
if [[ -z $keel ]]; then
  keel=$here/../build-bench/keel
  [[ -x $keel ]] || keel=$here/../build/keel
fi
BENCH_TMP=$(mktemp -d)
BENCH_RUNS_FILE=$BENCH_TMP/runs.tsv
trap 'rm -rf "$BENCH_TMP"' EXIT
# shellcheck source=lib.sh
source "$here/lib.sh"
[[ $BENCH_RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer" 2

tables=$(psql "$url" -X -Atq -v ON_ERROR_STOP=1 -c "
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'keel')
    AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'")

bench_figure pg "$tables" pg_dump 0 - - -- pg_dump --schema-only "$url" || die "pg_dump failed"
read -r dump _ <<<"$(bench_summary pg "$tables" pg_dump)"
inspect="n/a"
if [[ -x $keel ]]; then
  if bench_figure pg "$tables" keel_inspect 0 - - -- "$keel" inspect --db "$url" -o /dev/null; then
    read -r inspect _ <<<"$(bench_summary pg "$tables" keel_inspect)"
  fi
else
  echo "inspect_vs_pgdump.sh: $keel is not an executable (set KEEL); timing pg_dump only" >&2
fi
ratio=$(awk -v a="$inspect" -v b="$dump" 'BEGIN {
  if (a ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else printf "n/a" }')

if [[ $header -eq 1 ]]; then
  echo "| tables | keel inspect (s) | pg_dump --schema-only (s) | keel / pg_dump |"
  echo "|---:|---:|---:|---:|"
fi
echo "| $tables | $(bench_time_fmt "$inspect") | $(bench_time_fmt "$dump") | $ratio |"
