#!/usr/bin/env bash
# keel's benchmark suite (`make bench`): generated schemas of 100, 1,000 and 10,000 tables on
# PostgreSQL and SQLite; keel against pg_dump, Alembic and migra on the same databases. Writes
# the results table (markdown) to bench/results.md and prints it; progress goes to stderr.
#
# For each size N (see bench/README.md for what is generated and measured):
#   PostgreSQL  load the base schema and the variant with CHANGED percent of the tables changed
#               into two databases (bench/load_pg.sh); time, with peak memory:
#                 pg_dump --schema-only BASE
#                 keel inspect --db BASE -o /dev/null
#                 keel plan schema.toml --db BASE          (checked to be empty)
#                 keel plan changed.toml --db BASE
#                 keel apply changed.toml --db COPY --yes --allow-destructive
#                     (COPY is a fresh CREATE DATABASE ... TEMPLATE BASE before every run;
#                     afterwards a plan of changed.toml against it is checked to be empty,
#                     and the last run's output is kept in apply.log)
#                 bench/alembic_compare.py CHANGED BASE    (reflect + compare_metadata)
#                 migra BASE CHANGED --unsafe              (@pgkit/migra, bench/node_modules)
#   SQLite      the same keel figures on files loaded from the generator's SQLite DDL, with
#               `sqlite3 FILE .schema` as the floor for reading the catalog.
#
# Environment:
#   KEEL                 keel binary (default build-bench/keel, which `make bench` builds)
#   BENCH_SIZES          table counts (default "100 1000 10000")
#   BENCH_RUNS           timed runs per figure, the median is reported (default 5)
#   BENCH_RUNS_<N>       the same for size N only, e.g. BENCH_RUNS_10000=3
#   BENCH_FIGURE_BUDGET  seconds after which a figure takes no more runs (default 120; at
#                        least one timed run always happens)
#   BENCH_SLOW           a first run this long (s) counts instead of being a warm-up (default 10)
#   BENCH_TIMEOUT        seconds after which one run is killed (default 900)
#   BENCH_SEED           generator seed (default 1)
#   CHANGED              percent of the tables changed in the variant (default 5)
#   BENCH_ENGINES        "postgresql sqlite" (default), or one of them
#   BENCH_TOOLS          comparison tools on PostgreSQL: "pg_dump alembic migra" (default)
#   BENCH_TOOLS_<N>      the same for size N only, e.g. BENCH_TOOLS_10000=pg_dump (Alembic
#                        takes 10 minutes there)
#   BENCH_ENGINES_<N>    BENCH_ENGINES for size N only (a subset of it), e.g.
#                        BENCH_ENGINES_10000=postgresql
#   BENCH_DIR            work directory: generated files, SQLite files, raw runs, the cluster's
#                        state file (default build-bench/work)
#   BENCH_RESULTS        where the markdown goes (default bench/results.md)
#   BENCH_PYTHON         python with Alembic, SQLAlchemy and psycopg2 (default /usr/bin/python3)
#   KEEL_BENCH_PG_URL    a PostgreSQL server to use instead of a throwaway cluster (a role that
#                        may create databases); the keel_bench_* databases are dropped after
#                        each size unless BENCH_KEEP=1
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
keel=${KEEL:-$repo/build-bench/keel}
sizes=${BENCH_SIZES:-"100 1000 10000"}
seed=${BENCH_SEED:-1}
changed=${CHANGED:-5}
work=${BENCH_DIR:-$repo/build-bench/work}
results=${BENCH_RESULTS:-$here/results.md}
engines=${BENCH_ENGINES:-"postgresql sqlite"}
tools=${BENCH_TOOLS:-"pg_dump alembic migra"}
py=${BENCH_PYTHON:-/usr/bin/python3}
migra_js=$here/node_modules/@pgkit/migra/dist/command.js

log() { echo "bench: $*" >&2; }
die() {
  echo "bench: $1" >&2
  exit 1
}
has() { [[ " $2 " == *" $1 "* ]]; }

[[ -x $keel ]] || die "$keel is not an executable: run \`make bench\`, or set KEEL"
for size in $sizes; do
  [[ $size =~ ^[1-9][0-9]*$ ]] || die "BENCH_SIZES must hold positive integers, not \"$size\""
done
[[ -x /usr/bin/time ]] || die "GNU time (/usr/bin/time) is missing: run bench/setup.sh"
for tool in python3 timeout awk; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
if has postgresql "$engines"; then
  for tool in psql pg_dump; do
    command -v "$tool" >/dev/null || die "$tool not found (make deps)"
  done
  if has alembic "$tools"; then
    "$py" -c 'import alembic, sqlalchemy, psycopg2' 2>/dev/null ||
      die "$py cannot import alembic, sqlalchemy and psycopg2: run bench/setup.sh"
  fi
  if has migra "$tools"; then
    command -v node >/dev/null || die "node not found: run bench/setup.sh"
    [[ -f $migra_js ]] ||
      die "@pgkit/migra is not installed in bench/node_modules: run bench/setup.sh"
  fi
fi
if has sqlite "$engines"; then
  command -v sqlite3 >/dev/null || die "sqlite3 not found (make deps)"
fi

mkdir -p "$work"
work=$(cd "$work" && pwd)
BENCH_TMP=$work/tmp
BENCH_RUNS_FILE=$work/runs.tsv
notes=$work/notes.tsv
meta=$work/meta.tsv
rm -rf "$BENCH_TMP"
mkdir -p "$BENCH_TMP"
: >"$BENCH_RUNS_FILE"
: >"$notes"
: >"$meta"
# shellcheck source=lib.sh
source "$here/lib.sh"
runs_default=$BENCH_RUNS

note() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$notes"; }
meta() { printf '%s\t%s\n' "$1" "$2" >>"$meta"; }

# ---------------------------------------------------------------------------------------------
# PostgreSQL server

admin=""
started_cluster=0
cleanup() {
  if [[ $started_cluster -eq 1 ]]; then
    log "stopping the throwaway cluster"
    KEEL_PG_STATE_FILE="$work/pg-cluster.state" bash "$repo/tests/pg_cluster.sh" stop \
      >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if has postgresql "$engines"; then
  if [[ -n ${KEEL_BENCH_PG_URL:-} ]]; then
    admin=$KEEL_BENCH_PG_URL
  else
    log "starting a throwaway PostgreSQL cluster (tests/pg_cluster.sh)"
    started_cluster=1
    admin=$(KEEL_PG_STATE_FILE="$work/pg-cluster.state" bash "$repo/tests/pg_cluster.sh" start)
  fi
fi

# psql_admin SQL...: runs each SQL as its own statement on the admin database.
psql_admin() {
  local args=() sql
  for sql in "$@"; do args+=(-c "$sql"); done
  psql "$admin" -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" "${args[@]}"
}

# ---------------------------------------------------------------------------------------------
# Machine and versions

meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta cpu "$(awk -F ': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
meta cores "$(nproc)"
meta ram "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
# shellcheck source=/dev/null
meta os "$(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r)"
meta load_start "$(cut -d ' ' -f 1-3 /proc/loadavg)"
keel_version=$("$keel" --version 2>/dev/null | head -n 1)
build_type=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$(dirname "$keel")/CMakeCache.txt" \
  2>/dev/null || true)
[[ -z $build_type ]] || keel_version+=" ($build_type)"
if commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null); then
  keel_version+=", commit $commit"
  GIT_OPTIONAL_LOCKS=0 git -C "$repo" diff-index --quiet HEAD -- 2>/dev/null ||
    keel_version+=" with uncommitted changes"
fi
meta keel "$keel_version"
if [[ -n $admin ]]; then
  meta postgresql "$(psql "$admin" -X -Atqc 'SHOW server_version' | awk '{ print $1 }')"
  meta pg_dump "$(pg_dump --version | awk '{ print $3 }')"
  if has alembic "$tools"; then
    meta python "$("$py" -c 'import platform; print(platform.python_version())')"
    meta alembic "$("$py" -c 'import alembic; print(alembic.__version__)')"
    meta sqlalchemy "$("$py" -c 'import sqlalchemy; print(sqlalchemy.__version__)')"
    meta psycopg2 "$("$py" -c 'import psycopg2; print(psycopg2.__version__.split()[0])')"
  fi
  if has migra "$tools"; then
    meta migra "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' \
      "$here/node_modules/@pgkit/migra/package.json")"
    meta node "$(node --version)"
  fi
fi
if has sqlite "$engines"; then
  meta sqlite "$(sqlite3 --version | awk '{ print $1 }')"
fi
meta seed "$seed"
meta changed "$changed"
meta sizes "$sizes"
meta engines "$engines"
meta tools "$tools"
meta runs "$BENCH_RUNS"
meta budget "$BENCH_FIGURE_BUDGET"
meta slow "$BENCH_SLOW"
meta timeout "$BENCH_TIMEOUT"

# ---------------------------------------------------------------------------------------------
# Figures

# The prepare step of the apply figures: a fresh copy of the base schema.
apply_db=""
base_db=""
copy_pg_base() {
  psql_admin "DROP DATABASE IF EXISTS \"$apply_db\"" \
    "CREATE DATABASE \"$apply_db\" TEMPLATE \"$base_db\""
}
sqlite_base=""
sqlite_apply=""
copy_sqlite_base() {
  rm -f "$sqlite_apply" "$sqlite_apply-journal" "$sqlite_apply-wal" "$sqlite_apply-shm"
  cp "$sqlite_base" "$sqlite_apply"
}

# keel_checks ENGINE N URL DIR: the untimed checks of keel's figures: that the plan of the
# loaded schema is empty, and the number of steps of the changed one.
keel_plan_checks() {
  local engine=$1 n=$2 url=$3 dir=$4 code=0 steps
  "$keel" plan "$dir/schema.toml" --db "$url" --detailed-exitcode >/dev/null 2>"$BENCH_TMP/err" ||
    code=$?
  case $code in
    0) note "$engine" "$n" plan_empty yes ;;
    *)
      note "$engine" "$n" plan_empty "no (exit $code)"
      log "$engine $n: the plan of the loaded schema is NOT empty (exit $code): a keel bug"
      tail -n 5 "$BENCH_TMP/err" >&2
      ;;
  esac
  steps=$("$keel" plan "$dir/changed.toml" --db "$url" --format json 2>/dev/null |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["steps"]))' 2>/dev/null) ||
    steps="?"
  note "$engine" "$n" plan_steps "$steps"
  note "$engine" "$n" changes_made "$(wc -l <"$dir/changes.log")"
}

# keel_converged ENGINE N URL DIR: after the last apply, a plan of changed.toml must be empty.
keel_converged() {
  local code=0
  "$keel" plan "$4/changed.toml" --db "$3" --detailed-exitcode >"$4/after_apply.plan" 2>&1 ||
    code=$?
  if [[ $code -eq 0 ]]; then
    note "$1" "$2" apply_converged yes
  else
    note "$1" "$2" apply_converged "no (exit $code)"
    log "$1 $2: after keel apply, the plan of changed.toml is not empty (exit $code):"
    head -n 20 "$4/after_apply.plan" >&2
  fi
}

run_postgresql() {
  local n=$1
  local dir=$work/pg-$n-$seed urls base changed_url apply_url
  log "postgresql, $n tables: generating and loading (base and changed)"
  mapfile -t urls < <(BENCH_DIR="$dir" CHANGED="$changed" bash "$here/load_pg.sh" "$admin" \
    "$n" "$seed")
  [[ ${#urls[@]} -ge 2 ]] || die "load_pg.sh failed for $n tables"
  base=${urls[-2]}
  changed_url=${urls[-1]}
  base_db=keel_bench_$n
  apply_db=keel_bench_${n}_apply
  apply_url=$(bench_db_url "$admin" "$apply_db")
  keel_plan_checks postgresql "$n" "$base" "$dir"

  if has pg_dump "$tools"; then
    bench_figure postgresql "$n" pg_dump 0 - - -- pg_dump --schema-only "$base" || true
  fi
  bench_figure postgresql "$n" keel_inspect 0 - - -- \
    "$keel" inspect --db "$base" -o /dev/null || true
  bench_figure postgresql "$n" keel_plan_same 0 - - -- \
    "$keel" plan "$dir/schema.toml" --db "$base" || true
  bench_figure postgresql "$n" keel_plan_changed 0 - - -- \
    "$keel" plan "$dir/changed.toml" --db "$base" || true
  local applied=0
  bench_figure postgresql "$n" keel_apply 0 copy_pg_base - -- \
    "$keel" apply "$dir/changed.toml" --db "$apply_url" --yes --allow-destructive || applied=$?
  cp "$BENCH_TMP/err" "$dir/apply.log"
  [[ $applied -ne 0 ]] || keel_converged postgresql "$n" "$apply_url" "$dir"
  psql_admin "DROP DATABASE IF EXISTS \"$apply_db\""
  if has alembic "$tools"; then
    if bench_figure postgresql "$n" alembic 0 - "$dir/alembic.out" -- \
      "$py" "$here/alembic_compare.py" "$changed_url" "$base"; then
      note postgresql "$n" alembic_found "$(wc -l <"$dir/alembic.out")"
    fi
  fi
  if has migra "$tools"; then
    if bench_figure postgresql "$n" migra 0 - "$dir/migra.sql" -- \
      node "$migra_js" run "$base" "$changed_url" --unsafe; then
      note postgresql "$n" migra_found "$(grep -c ';[[:space:]]*$' "$dir/migra.sql" || true)"
    fi
  fi
  if [[ $started_cluster -eq 1 || ${BENCH_KEEP:-0} != 1 ]]; then
    psql_admin "DROP DATABASE IF EXISTS \"$base_db\"" \
      "DROP DATABASE IF EXISTS \"${base_db}_changed\""
  fi
}

run_sqlite() {
  local n=$1
  local dir=$work/sqlite-$n-$seed url start end
  log "sqlite, $n tables: generating and loading"
  mkdir -p "$dir"
  gen() { python3 "$here/gen_schema.py" --tables "$n" --seed "$seed" "$@"; }
  gen --format sqlite-sql -o "$dir/schema.sql"
  gen --portable -o "$dir/schema.toml"
  gen --portable --changed "$changed" --log-changes "$dir/changes.log" -o "$dir/changed.toml"
  sqlite_base=$dir/base.db
  sqlite_apply=$dir/apply.db
  rm -f "$sqlite_base"
  start=$EPOCHREALTIME
  { echo "BEGIN;"; cat "$dir/schema.sql"; echo "COMMIT;"; } | sqlite3 -bail "$sqlite_base"
  end=$EPOCHREALTIME
  note sqlite "$n" load_seconds "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')"
  url=sqlite:$sqlite_base
  keel_plan_checks sqlite "$n" "$url" "$dir"

  bench_figure sqlite "$n" sqlite3_schema 0 - - -- sqlite3 "$sqlite_base" .schema || true
  bench_figure sqlite "$n" keel_inspect 0 - - -- "$keel" inspect --db "$url" -o /dev/null || true
  bench_figure sqlite "$n" keel_plan_same 0 - - -- \
    "$keel" plan "$dir/schema.toml" --db "$url" || true
  bench_figure sqlite "$n" keel_plan_changed 0 - - -- \
    "$keel" plan "$dir/changed.toml" --db "$url" || true
  local applied=0
  bench_figure sqlite "$n" keel_apply 0 copy_sqlite_base - -- \
    "$keel" apply "$dir/changed.toml" --db "sqlite:$sqlite_apply" --yes --allow-destructive ||
    applied=$?
  cp "$BENCH_TMP/err" "$dir/apply.log"
  [[ $applied -ne 0 ]] || keel_converged sqlite "$n" "sqlite:$sqlite_apply" "$dir"
}

tools_default=$tools
for n in $sizes; do
  size_runs=BENCH_RUNS_$n
  BENCH_RUNS=${!size_runs:-$runs_default}
  [[ $BENCH_RUNS =~ ^[1-9][0-9]*$ ]] || die "$size_runs must be a positive integer"
  note all "$n" runs "$BENCH_RUNS"
  size_tools=BENCH_TOOLS_$n
  tools=${!size_tools:-$tools_default}
  size_engines=BENCH_ENGINES_$n
  n_engines=${!size_engines:-$engines}
  if has postgresql "$n_engines" && has postgresql "$engines"; then run_postgresql "$n"; fi
  if has sqlite "$n_engines" && has sqlite "$engines"; then run_sqlite "$n"; fi
done
meta load_end "$(cut -d ' ' -f 1-3 /proc/loadavg)"

python3 "$here/report.py" --runs "$BENCH_RUNS_FILE" --notes "$notes" --meta "$meta" \
  -o "$results"
log "wrote $results (raw runs: $BENCH_RUNS_FILE)"
cat "$results"
