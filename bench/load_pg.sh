#!/usr/bin/env bash
# Generates an N-table benchmark schema and loads it into a fresh PostgreSQL database.
#
#   bench/load_pg.sh URL N [SEED]
#
# URL is a libpq URL or key=value string of a role that may create databases; the server's
# database in it is only used to (re)create the benchmark database. The new database is
# keel_bench_<N> (override with BENCH_DB); it is dropped first if it exists. The generated files
# go to BENCH_DIR (default /tmp/keel-bench/<N>-<SEED>):
#
#   schema.d/      the PostgreSQL DDL, one file per BENCH_CHUNK tables (default 500)
#   schema.toml    the same schema as keel TOML: `keel plan` of it against the database is empty
#   changed.toml   the schema with CHANGED percent (default 5) of the tables changed
#   changes.log    one line per change in changed.toml
#
# Each chunk loads in one transaction (psql -1): a single transaction creating thousands of
# tables runs out of lock slots at the default max_locks_per_transaction.
# The last line on stdout is the URL of the loaded database; progress goes to stderr.
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
chunk=${BENCH_CHUNK:-500}
changed=${CHANGED:-5}
[[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || die "BENCH_DB must be a plain lowercase name" 2

for tool in psql python3; do
  command -v "$tool" >/dev/null || die "$tool not found"
done

# The URL of database $db on the same server (libpq: a later dbname= wins in key=value form).
db_url=$(python3 - "$url" "$db" <<'EOF'
import sys
import urllib.parse as up

url, db = sys.argv[1], sys.argv[2]
if url.startswith(("postgresql://", "postgres://")):
    p = up.urlsplit(url)
    query = [(k, v) for k, v in up.parse_qsl(p.query, keep_blank_values=True) if k != "dbname"]
    print(up.urlunsplit((p.scheme, p.netloc, "/" + db, up.urlencode(query, safe="/"), p.fragment)))
else:
    print(f"{url} dbname={db}")
EOF
)

mkdir -p "$dir"
echo "load_pg.sh: generating $tables tables (seed $seed) in $dir" >&2
gen() { python3 "$here/gen_schema.py" --tables "$tables" --seed "$seed" "$@"; }
gen --format pg-sql --split --per-file "$chunk" -o "$dir/schema.d"
gen --format toml -o "$dir/schema.toml"
gen --format toml --changed "$changed" --log-changes "$dir/changes.log" -o "$dir/changed.toml"

echo "load_pg.sh: recreating database $db" >&2
psql "$url" -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS \"$db\"" -c "CREATE DATABASE \"$db\""

start=$(date +%s.%N)
for file in "$dir"/schema.d/*.sql; do
  psql "$db_url" -q -v ON_ERROR_STOP=1 -1 -f "$file"
done
end=$(date +%s.%N)

count=$(psql "$db_url" -X -Atc "
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'")
[[ $count -eq $tables ]] || die "expected $tables tables, found $count"
awk -v s="$start" -v e="$end" -v n="$count" \
  'BEGIN { printf "load_pg.sh: loaded %d tables in %.1f s\n", n, e - s }' >&2
echo "$db_url"
