#!/usr/bin/env bash
# Generates an N-table benchmark schema and its changed variant, and loads both into fresh
# PostgreSQL databases.
#
#   bench/load_pg.sh URL N [SEED]
#
# URL is a libpq URL or key=value string of a role that may create databases; the server's
# database in it is only used to (re)create the benchmark databases: keel_bench_<N> (override
# with BENCH_DB) with the base schema, and <that name>_changed with the variant in which
# CHANGED percent (default 5) of the tables are changed. Both are dropped first if they exist,
# and both load at the same time (two psql sessions). BENCH_LOAD_CHANGED=0 loads the base only.
# The generated files go to BENCH_DIR (default /tmp/keel-bench/<N>-<SEED>):
#
#   schema.d/      the PostgreSQL DDL of the base, one file per BENCH_CHUNK tables (default 250)
#   changed.d/     the same for the variant
#   schema.toml    the base as keel TOML: `keel plan` of it against the base database is empty
#   changed.toml   the variant as keel TOML
#   changes.log    one line per change the variant makes
#
# After loading, each database is vacuumed and analyzed (VACUUM (ANALYZE)), so that every tool
# meets a database at rest rather than autovacuum working through the fresh catalogs.
# Each chunk loads in one transaction (psql -1): a single transaction creating thousands of
# tables runs out of lock slots at the default max_locks_per_transaction, and so do two
# concurrent 500-table transactions (the lock table is shared by the server).
# The last two lines on stdout are the URLs of the base and the changed database (the second
# is missing with BENCH_LOAD_CHANGED=0); progress goes to stderr.
set -euo pipefail

usage() {
  echo "usage: bench/load_pg.sh URL N [SEED]" >&2
  exit 2
}
die() {
  echo "load_pg.sh: $1" >&2
  exit "${2:-1}"
}
[[ $# -ge 2 && $# -le 3 ]] || usage
url=$1
tables=$2
seed=${3:-1}
[[ $tables =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer" 2
[[ $seed =~ ^[0-9]+$ ]] || die "SEED must be a non-negative integer" 2

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
db=${BENCH_DB:-keel_bench_${tables}}
dir=${BENCH_DIR:-/tmp/keel-bench/${tables}-${seed}}
chunk=${BENCH_CHUNK:-250}
changed=${CHANGED:-5}
load_changed=${BENCH_LOAD_CHANGED:-1}
[[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || die "BENCH_DB must be a plain lowercase name" 2

for tool in psql python3; do
  command -v "$tool" >/dev/null || die "$tool not found"
done

# shellcheck source=lib.sh
source "$here/lib.sh"
db_url() { bench_db_url "$url" "$1"; }

mkdir -p "$dir"
echo "load_pg.sh: generating $tables tables (seed $seed, $changed% changed) in $dir" >&2
gen() { python3 "$here/gen_schema.py" --tables "$tables" --seed "$seed" "$@"; }
gen --format pg-sql --split --per-file "$chunk" -o "$dir/schema.d"
gen --format toml -o "$dir/schema.toml"
gen --format toml --changed "$changed" --log-changes "$dir/changes.log" -o "$dir/changed.toml"
if [[ $load_changed == 1 ]]; then
  gen --format pg-sql --changed "$changed" --split --per-file "$chunk" -o "$dir/changed.d"
fi

# load NAME DDL_DIR: recreates database NAME and loads the files of DDL_DIR into it.
load() {
  local name=$1 ddl=$2 target file start end count
  target=$(db_url "$name")
  psql "$url" -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
    -c "DROP DATABASE IF EXISTS \"$name\"" -c "CREATE DATABASE \"$name\""
  start=$EPOCHREALTIME
  for file in "$ddl"/*.sql; do
    psql "$target" -X -q -v ON_ERROR_STOP=1 -1 -f "$file"
  done
  end=$EPOCHREALTIME
  # A database at rest, as the tools meet it in use: the catalogs the load just filled are
  # vacuumed and analyzed, rather than left to autovacuum during the measurements.
  psql "$target" -X -q -v ON_ERROR_STOP=1 -c "VACUUM (ANALYZE)"
  count=$(psql "$target" -X -Atc "
    SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'")
  awk -v s="$start" -v e="$end" -v n="$count" -v d="$name" \
    'BEGIN { printf "load_pg.sh: loaded %d tables into %s in %.1f s\n", n, d, e - s }' >&2
}

pids=()
load "$db" "$dir/schema.d" &
pids+=($!)
if [[ $load_changed == 1 ]]; then
  load "${db}_changed" "$dir/changed.d" &
  pids+=($!)
fi
status=0
for pid in "${pids[@]}"; do
  wait "$pid" || status=1
done
[[ $status -eq 0 ]] || die "loading failed"

count=$(psql "$(db_url "$db")" -X -Atc "
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'")
[[ $count -eq $tables ]] || die "expected $tables tables in $db, found $count"
db_url "$db"
if [[ $load_changed == 1 ]]; then
  db_url "${db}_changed"
fi
