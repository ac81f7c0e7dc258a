#!/usr/bin/env bash
# keel's benchmark (`make bench`): generated schemas of 100, 1,000 and 10,000 tables, on
# PostgreSQL and SQLite. Prints a markdown report on stdout; progress goes to stderr.
#
# For each size N (see bench/README.md for what is generated):
#   PostgreSQL  load the schema (bench/load_pg.sh); time `keel inspect` against
#               `pg_dump --schema-only` (bench/inspect_vs_pgdump.sh); time `keel plan` of the
#               same schema (must be empty) and of a variant with CHANGED percent of the tables
#               changed, and count the steps of that plan.
#   SQLite      the same on a file loaded from gen_schema.py's sqlite-sql output.
#
# Environment:
#   KEEL               keel binary (default build/keel); without one only pg_dump is timed
#   BENCH_SIZES        table counts (default "100 1000 10000")
#   BENCH_SEED         generator seed (default 1)
#   CHANGED            percent of tables changed in the variant (default 5)
#   RUNS               timed runs per measurement, median reported (default 5)
#   BENCH_DIR          where generated files and SQLite databases go (default /tmp/keel-bench)
#   KEEL_BENCH_PG_URL  a PostgreSQL server to use (a role that may create databases); its
#                      keel_bench_<N> databases are dropped afterwards unless BENCH_KEEP=1.
#                      Without it a throwaway cluster is started with tests/pg_cluster.sh.
#   BENCH_ENGINES      "postgresql sqlite" (default), or one of them
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
keel=${KEEL:-$repo/build/keel}
sizes=${BENCH_SIZES:-"100 1000 10000"}
seed=${BENCH_SEED:-1}
changed=${CHANGED:-5}
out=${BENCH_DIR:-/tmp/keel-bench}
engines=${BENCH_ENGINES:-"postgresql sqlite"}
export RUNS=${RUNS:-5}

# shellcheck source=lib.sh
source "$here/lib.sh"
BENCH_TMP=$(mktemp -d)
started_cluster=0
cleanup() {
  if [[ $started_cluster -eq 1 ]]; then
    bash "$repo/tests/pg_cluster.sh" stop >/dev/null 2>&1 || true
  fi
  rm -rf "$BENCH_TMP"
}
trap cleanup EXIT
log() { echo "bench: $*" >&2; }

have_keel=0
if [[ -x $keel ]]; then
  have_keel=1
else
  log "$keel is not an executable (set KEEL): keel columns will say n/a"
fi
k=$(printf '%q' "$keel")

# plan_row N URL DIR: a markdown row timing `keel plan` of DIR/schema.toml (expected empty) and
# DIR/changed.toml against URL.
plan_row() {
  local n=$1 url=$2 dir=$3 made
  made=$(wc -l <"$dir/changes.log")
  if [[ $have_keel -eq 0 ]]; then
    echo "| $n | n/a | n/a | n/a | n/a | $made |"
    return
  fi
  local q code=0 empty same steps diff
  q=$(printf '%q' "$url")
  "$keel" plan --db "$url" "$dir/schema.toml" --detailed-exitcode >/dev/null 2>"$BENCH_TMP/err" ||
    code=$?
  case $code in
    0) empty="yes" ;;
    1) empty="error"; tail -n 5 "$BENCH_TMP/err" >&2 ;;
    *) empty="**no** (exit $code)" ;;
  esac
  same=$(bench_time "keel plan (unchanged)" \
    "$k plan --db $q $(printf '%q' "$dir/schema.toml") --detailed-exitcode" "0 2 3") || true
  steps=$("$keel" plan --db "$url" "$dir/changed.toml" --format json 2>/dev/null |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["steps"]))' 2>/dev/null) ||
    steps="?"
  diff=$(bench_time "keel plan (changed)" \
    "$k plan --db $q $(printf '%q' "$dir/changed.toml") --detailed-exitcode" "0 2 3") || true
  echo "| $n | $same | $empty | $diff | $steps | $made |"
}

gen() { python3 "$here/gen_schema.py" --tables "$n" --seed "$seed" "$@"; }

pg_inspect_rows=()
pg_plan_rows=()
sqlite_rows=()
pg_version="n/a"

if [[ " $engines " == *" postgresql "* ]]; then
  if [[ -n ${KEEL_BENCH_PG_URL:-} ]]; then
    url=$KEEL_BENCH_PG_URL
  else
    export KEEL_PG_STATE_FILE="$BENCH_TMP/pg-cluster.state"
    log "starting a throwaway PostgreSQL cluster (tests/pg_cluster.sh)"
    url=$(bash "$repo/tests/pg_cluster.sh" start)
    started_cluster=1
  fi
  pg_version=$(psql "$url" -X -Atqc "SHOW server_version")
  for n in $sizes; do
    log "postgresql: $n tables"
    dir="$out/pg-$n-$seed"
    db_url=$(BENCH_DIR="$dir" CHANGED="$changed" bash "$here/load_pg.sh" "$url" "$n" "$seed")
    pg_inspect_rows+=("$(KEEL="$keel" bash "$here/inspect_vs_pgdump.sh" "$db_url")")
    pg_plan_rows+=("$(plan_row "$n" "$db_url" "$dir")")
    if [[ $started_cluster -eq 0 && ${BENCH_KEEP:-0} != 1 ]]; then
      psql "$url" -X -q -c "DROP DATABASE IF EXISTS \"keel_bench_$n\""
    fi
  done
fi

if [[ " $engines " == *" sqlite "* ]]; then
  for n in $sizes; do
    log "sqlite: $n tables"
    dir="$out/sqlite-$n-$seed"
    mkdir -p "$dir"
    gen --format sqlite-sql -o "$dir/schema.sql"
    gen --portable -o "$dir/schema.toml"
    gen --portable --changed "$changed" --log-changes "$dir/changes.log" -o "$dir/changed.toml"
    rm -f "$dir/bench.db"
    start=$(date +%s.%N)
    python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("BEGIN;\n" + open(sys.argv[2]).read() + "\nCOMMIT;")' \
      "$dir/bench.db" "$dir/schema.sql"
    end=$(date +%s.%N)
    load=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
    inspect="n/a"
    if [[ $have_keel -eq 1 ]]; then
      inspect=$(bench_time "keel inspect (sqlite)" \
        "$k inspect --db $(printf '%q' "sqlite:$dir/bench.db") -o /dev/null") || true
    fi
    row=$(plan_row "$n" "sqlite:$dir/bench.db" "$dir")
    sqlite_rows+=("| $n | $load | $inspect ${row#"| $n "}")
  done
fi

cores=$(nproc 2>/dev/null || echo "?")
sqlite_version=$(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)')
echo "# keel benchmark"
echo
echo "$(date -u +%Y-%m-%d), $cores cores, PostgreSQL $pg_version, SQLite $sqlite_version;"
echo "seed $seed, $changed% of tables changed in the variant; medians of $RUNS runs, in seconds."
if [[ ${#pg_inspect_rows[@]} -gt 0 ]]; then
  echo
  echo "## PostgreSQL: inspect"
  echo
  echo "| tables | keel inspect (s) | pg_dump --schema-only (s) | pg_dump / keel |"
  echo "|---:|---:|---:|---:|"
  printf '%s\n' "${pg_inspect_rows[@]}"
  echo
  echo "## PostgreSQL: plan"
  echo
  echo "| tables | plan, unchanged (s) | empty | plan, $changed% changed (s) | steps | changes made |"
  echo "|---:|---:|:---:|---:|---:|---:|"
  printf '%s\n' "${pg_plan_rows[@]}"
fi
if [[ ${#sqlite_rows[@]} -gt 0 ]]; then
  echo
  echo "## SQLite"
  echo
  echo "| tables | load (s) | keel inspect (s) | plan, unchanged (s) | empty | plan, $changed% changed (s) | steps | changes made |"
  echo "|---:|---:|---:|---:|:---:|---:|---:|---:|"
  printf '%s\n' "${sqlite_rows[@]}"
fi
