#!/usr/bin/env bash
# bench/online (`make bench-online`): pgbench writers on a table while keel applies an online
# change to it. Writes bench/online/results.md and prints it; progress goes to stderr.
#
# Setup: a throwaway PostgreSQL cluster (tests/pg_cluster.sh, its state file in ONLINE_DIR);
# database keel_online_base: `keel apply v1.toml`, ONLINE_ROWS rows and the writers' role and
# trigger (setup.sql), VACUUM ANALYZE. Then ONLINE_ROUNDS rounds, each on fresh copies of it
# (CREATE DATABASE ... TEMPLATE keel_online_base), each measured phase after the machine is
# idle (other processes: the box may be shared):
#   baseline  the writers (writers.sql: UPDATE a random order + INSERT a new one, one
#             transaction; pgbench -R) alone for ONLINE_BASELINE seconds
#   control   the writers, and one `UPDATE orders SET amount_cents = <backfill expression>` of
#             every row of another copy: the same amount of work next to the writers, without
#             sharing a row or a lock with them
#   during    the writers, and `keel apply v2.toml --yes` (a NOT NULL column with a backfill,
#             and an index on an existing column, built concurrently); the writers start
#             ONLINE_SETTLE seconds before keel and stop ONLINE_SETTLE seconds after it
#   update    one `UPDATE orders SET amount_cents = <backfill expression>`, without load
#   quiet     `keel apply v2.toml`, without load
# Every writer transaction's latency comes from `pgbench -l`. online.py turns the facts and logs
# into results.md: latency (all rounds pooled, and per round), keel's steps and timeline, the
# backfill's rows/s against the single UPDATE, pass/fail of the acceptance figures, where the
# slow transactions fell and the lock waits the server logged.
#
# Environment:
#   KEEL                keel binary (default: build keel Release in build-bench/ and use that)
#   ONLINE_ROWS         rows loaded (default 1000000; 10000000 for the big variant)
#   ONLINE_ROUNDS       rounds (default 3)
#   ONLINE_CLIENTS      pgbench clients (default 4)
#   ONLINE_THREADS      pgbench threads (default 2)
#   ONLINE_RATE         the writers' total rate, transactions/s (pgbench -R; default 500;
#                       0 = as fast as they can)
#   ONLINE_BASELINE     seconds of baseline per round (default 20)
#   ONLINE_SETTLE       seconds the writers run before and after the control UPDATE and the
#                       apply (default 5)
#   ONLINE_BATCH_SIZE   keel apply --batch-size (default 10000, keel's default)
#   ONLINE_BATCH_SLEEP  keel apply --batch-sleep: a pause (100ms) or a share of each batch's
#                       time (40%) (default 0s, keel's default)
#   ONLINE_APPLY_TIMEOUT  seconds after which an apply is stopped and the run fails
#                       (default 3600)
#   ONLINE_LOG_MS       lock waits (deadlock_timeout) and writer statements longer than this
#                       are logged by the server (default 20)
#   ONLINE_SAMPLER      1: sample pg_stat_activity every 10 ms during the baseline and the apply
#                       for a wait-event table (it adds load of its own); 0 (default): do not
#   ONLINE_IDLE_MAX     before each measured phase, wait until the machine's CPU use is below
#                       this percentage (default 10)
#   ONLINE_IDLE_WAIT    ... for at most this many seconds, then measure anyway (default 600;
#                       0 = do not wait)
#   ONLINE_OTHERS_MAX   a round whose baseline or apply saw other processes use this percentage
#                       of the CPUs or more is measured again (default 5) ...
#   ONLINE_ATTEMPTS     ... at most this many times in all; the last attempt counts, flagged
#                       (default 4)
#   ONLINE_DIR          work directory: logs, the cluster's state file (default
#                       build-bench/online)
#   ONLINE_RESULTS      where the markdown goes (default bench/online/results.md, or
#                       bench/online/results-<rows>.md when ONLINE_ROWS is not 1000000)
#   ONLINE_PYTHON       python 3 for online.py (default /usr/bin/python3; stdlib only)
#   JOBS                ninja's parallelism when building keel (default: nproc)
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
rows=${ONLINE_ROWS:-1000000}
rounds=${ONLINE_ROUNDS:-3}
clients=${ONLINE_CLIENTS:-4}
threads=${ONLINE_THREADS:-2}
rate=${ONLINE_RATE:-500}
baseline_s=${ONLINE_BASELINE:-20}
settle=${ONLINE_SETTLE:-5}
batch_size=${ONLINE_BATCH_SIZE:-10000}
batch_sleep=${ONLINE_BATCH_SLEEP:-0s}
apply_timeout=${ONLINE_APPLY_TIMEOUT:-3600}
log_ms=${ONLINE_LOG_MS:-20}
sampler=${ONLINE_SAMPLER:-0}
idle_max=${ONLINE_IDLE_MAX:-10}
idle_wait=${ONLINE_IDLE_WAIT:-600}
others_max=${ONLINE_OTHERS_MAX:-5}
attempts=${ONLINE_ATTEMPTS:-4}
work=${ONLINE_DIR:-$repo/build-bench/online}
py=${ONLINE_PYTHON:-/usr/bin/python3}
if [[ $rows == 1000000 ]]; then
  results=${ONLINE_RESULTS:-$here/results.md}
else
  results=${ONLINE_RESULTS:-$here/results-$rows.md}
fi
expr="(amount * 100)::bigint" # the backfill expression of v2.toml

log() { echo "bench-online: $*" >&2; }
die() {
  echo "bench-online: $1" >&2
  exit 1
}

for n in "$rows" "$rounds" "$clients" "$threads" "$baseline_s" "$settle" "$batch_size" \
  "$apply_timeout" "$log_ms"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "expected a positive integer, not \"$n\""
done
[[ $settle -ge 2 ]] || die "ONLINE_SETTLE must be at least 2"
for n in "$rate" "$idle_max" "$idle_wait" "$others_max" "$attempts"; do
  [[ $n =~ ^[0-9]+$ ]] || die "ONLINE_RATE, ONLINE_IDLE_*, ONLINE_OTHERS_MAX, ONLINE_ATTEMPTS: whole numbers"
done
for tool in pgbench psql timeout; do
  command -v "$tool" >/dev/null || die "$tool not found (make deps)"
done
[[ -x /usr/bin/time ]] || die "GNU time (/usr/bin/time) is missing (apt-get install time)"
"$py" -c 'import sys; sys.exit(sys.version_info < (3, 9))' || die "$py is not python 3.9+"

if [[ -z ${KEEL:-} ]]; then
  log "building keel (Release) in build-bench/"
  (cd "$repo" && cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DKEEL_WERROR=OFF >/dev/null && ninja -C build-bench -j "${JOBS:-$(nproc)}" keel >&2)
  keel=$repo/build-bench/keel
else
  keel=$KEEL
fi
[[ -x $keel ]] || die "$keel is not an executable"

mkdir -p "$work"
work=$(cd "$work" && pwd)
run=$work/run
rm -rf "$run"
mkdir -p "$run"
facts=$run/facts.tsv
: >"$facts"
fact() { printf '%s\t%s\n' "$1" "$2" >>"$facts"; }
round_facts=""
r=0
rfact() { printf 'r%s.%s\t%s\n' "$r" "$1" "$2" >>"$round_facts"; } # a fact of round $r
now() { printf '%s\n' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# ---------------------------------------------------------------------------------------------
# The cluster, and everything started in the background, end with the script.

state=$work/pg-cluster.state
pgbench_pid=""
sampler_pid=""
cleanup() {
  local pid
  for pid in $pgbench_pid $sampler_pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  log "stopping the throwaway cluster"
  KEEL_PG_STATE_FILE=$state bash "$repo/tests/pg_cluster.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting a throwaway PostgreSQL cluster (tests/pg_cluster.sh)"
admin=$(KEEL_PG_STATE_FILE=$state bash "$repo/tests/pg_cluster.sh" start)
[[ $admin =~ @([^:/]+):([0-9]+)/ ]] || die "unexpected cluster URL: $admin"
host=${BASH_REMATCH[1]}
port=${BASH_REMATCH[2]}
db_url() { printf 'postgresql://postgres@%s:%s/%s\n' "$host" "$port" "$1"; }
db=$(db_url keel_online)
writers_conn="host=$host port=$port user=bench_app dbname=keel_online"

sql() {
  local url=$1
  shift
  local args=() s
  for s in "$@"; do args+=(-c "$s"); done
  psql "$url" -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" "${args[@]}"
}
value() { psql "$1" -X -Atq -v ON_ERROR_STOP=1 -c "$2"; }

# Diagnostics: lock waits and slow writer statements in the server log, with an epoch
# timestamp, the pid and the application name on every line.
sql "$admin" "ALTER SYSTEM SET log_lock_waits = on" \
  "ALTER SYSTEM SET deadlock_timeout = '${log_ms}ms'" \
  "ALTER SYSTEM SET log_line_prefix = '%n [%p] {%a} '" \
  "SELECT pg_reload_conf()" >/dev/null
pgdata=$(value "$admin" 'SHOW data_directory')
server_log=$(dirname "$pgdata")/postgres.log
[[ -r $server_log ]] || {
  log "cannot read the server log $server_log: the lock-wait and timeline tables will be empty"
  server_log=""
}

# ---------------------------------------------------------------------------------------------
# Machine and versions

fact date "$(date -u '+%Y-%m-%d %H:%M UTC')"
fact cpu "$(awk -F ': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
fact cores "$(nproc)"
fact ram "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
# shellcheck source=/dev/null
fact os "$(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r)"
fact load_start "$(cut -d ' ' -f 1-3 /proc/loadavg)"
keel_version=$("$keel" --version 2>/dev/null | head -n 1)
build_type=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$(dirname "$keel")/CMakeCache.txt" \
  2>/dev/null || true)
[[ -z $build_type ]] || keel_version+=" ($build_type)"
if commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null); then
  keel_version+=", commit $commit"
  GIT_OPTIONAL_LOCKS=0 git -C "$repo" diff-index --quiet HEAD -- 2>/dev/null ||
    keel_version+=" with uncommitted changes"
fi
fact keel "$keel_version"
fact postgresql "$(value "$admin" 'SHOW server_version' | awk '{ print $1 }')"
fact pg_settings "$(value "$admin" "SELECT string_agg(name || ' = ' || setting ||
  coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync',
  'synchronous_commit', 'full_page_writes', 'shared_buffers', 'max_wal_size', 'work_mem')")"
fact pgbench "$(pgbench --version | awk '{ print $3 }')"
fact rows "$rows"
fact rounds "$rounds"
fact clients "$clients"
fact threads "$threads"
rate_args=()
if [[ $rate -gt 0 ]]; then
  rate_args=(-R "$rate")
  fact rate_flag "-R $rate "
else
  fact rate_flag ""
fi
fact baseline_seconds "$baseline_s"
fact settle "$settle"
fact log_ms "$log_ms"
fact idle_max "$idle_max"
fact others_max "$others_max"
keel_flags=(--batch-size "$batch_size" --batch-sleep "$batch_sleep")
fact keel_flags "${keel_flags[*]}"

# ---------------------------------------------------------------------------------------------
# The loaded table, kept as the template of every round

log "loading $rows rows"
base=$(db_url keel_online_base)
sql "$admin" "CREATE DATABASE keel_online_base"
"$keel" apply --db "$base" "$here/v1.toml" --yes >/dev/null 2>"$run/keel-v1.log" ||
  die "keel apply v1.toml failed: $(cat "$run/keel-v1.log")"
psql "$base" -X -q -v ON_ERROR_STOP=1 -v rows="$rows" -f "$here/setup.sql"
sql "$base" "VACUUM ANALYZE orders"
fact table_size "$(value "$base" "SELECT pg_size_pretty(pg_total_relation_size('orders'))")"
"$keel" plan --db "$base" "$here/v2.toml" >"$run/plan.txt" 2>&1 ||
  die "keel plan v2.toml failed: $(cat "$run/plan.txt")"
fact plan "$run/plan.txt"

# ---------------------------------------------------------------------------------------------
# Helpers

cpu() { "$py" "$here/online.py" cpu "$pgdata" "$@"; }
start_writers() { # start_writers LOG_NAME SECONDS
  pgbench -n -M prepared -c "$clients" -j "$threads" "${rate_args[@]}" -T "$2" \
    -D rows="$rows" -f "$here/writers.sql" -l --log-prefix="$run/$1" \
    "$writers_conn" >"$run/$1.pgbench.out" 2>&1 &
  pgbench_pid=$!
  sleep 1
  # The writers' server processes, for their scheduler statistics.
  backends=$(value "$admin" "SELECT string_agg(pid::text, ' ') FROM pg_stat_activity
    WHERE usename = 'bench_app' AND backend_type = 'client backend'")
}
writers_cpu() { # a CPU snapshot with the writers' processes
  # shellcheck disable=SC2086 # one argument per pid
  cpu "$pgbench_pid" $backends
}
stop_writers() { # stop_writers LOG_NAME: ends a run started with a long -T
  kill -0 "$pgbench_pid" 2>/dev/null || die "the writers stopped early: $(cat "$run/$1.pgbench.out")"
  kill "$pgbench_pid"
  wait "$pgbench_pid" 2>/dev/null || true
  pgbench_pid=""
  ! grep -q 'aborted' "$run/$1.pgbench.out" ||
    die "a writer aborted ($1): $(cat "$run/$1.pgbench.out")"
}
# Samples every 10 ms what each session of keel_online is doing (state and wait event) into
# an unlogged table of the postgres database; each loop commits, so it holds no snapshot.
start_sampler() {
  [[ $sampler == 1 ]] || return 0
  sql "$admin" "CREATE UNLOGGED TABLE IF NOT EXISTS bench_waits (ts timestamptz, pid int,
    app text, state text, wait_event_type text, wait_event text)"
  psql "$admin" -X -q -c "SET application_name = 'bench-online sampler'" -c "DO \$\$
    BEGIN
      LOOP
        INSERT INTO bench_waits SELECT clock_timestamp(), pid, application_name, state,
          wait_event_type, wait_event FROM pg_stat_activity
          WHERE datname = 'keel_online' AND state IN ('active', 'idle in transaction');
        INSERT INTO bench_waits (ts) VALUES (clock_timestamp());  -- one tick per loop
        COMMIT;
        PERFORM pg_sleep(0.01);
      END LOOP;
    END \$\$" >/dev/null 2>&1 &
  sampler_pid=$!
}
stop_sampler() {
  [[ $sampler == 1 ]] || return 0
  value "$admin" "SELECT pg_cancel_backend(pid) FROM pg_stat_activity
    WHERE application_name = 'bench-online sampler'" >/dev/null
  wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=""
}
# Before a measured phase, wait (at most ONLINE_IDLE_WAIT s) until other processes use less
# than ONLINE_IDLE_MAX% of the CPUs; the waits are reported.
wait_idle() {
  local deadline=$((SECONDS + idle_wait)) busy waited=0
  [[ $idle_wait -gt 0 ]] || return 0
  while :; do
    busy=$("$py" "$here/online.py" busy 3)
    [[ $busy -ge $idle_max ]] || break
    if [[ $SECONDS -ge $deadline ]]; then
      log "the machine is still ${busy}% busy after ${idle_wait} s: measuring anyway"
      rfact "$1.busy_before" "$busy% (measured anyway after waiting ${idle_wait} s)"
      return 0
    fi
    log "the machine is ${busy}% busy with other processes; waiting for less than ${idle_max}%"
    waited=1
    sleep 10
  done
  [[ $waited -eq 0 ]] || rfact "$1.busy_before" "$busy% after waiting"
}
copy_of_base() { # FILE_COPY: a file copy after a checkpoint, much faster than WAL_LOG for big tables
  sql "$admin" "DROP DATABASE IF EXISTS $1" \
    "CREATE DATABASE $1 TEMPLATE keel_online_base STRATEGY = FILE_COPY"
}

# ---------------------------------------------------------------------------------------------
# The rounds

r=1
attempt=1
discarded=0
while [[ $r -le $rounds ]]; do
  tag=r$r
  [[ $attempt -eq 1 ]] || tag=r$r-try$attempt
  round_facts=$run/$tag.facts.tsv
  : >"$round_facts"
  log "round $r of $rounds: copies of the table"
  copy_of_base keel_online
  copy_of_base keel_online_control
  copy_of_base keel_online_update
  copy_of_base keel_online_quiet
  sql "$db" "CHECKPOINT"
  start_sampler

  log "round $r: baseline, ${baseline_s} s of writers ($clients clients${rate_args[*]:+, ${rate_args[*]} tps})"
  wait_idle "baseline"
  start_writers "$tag-baseline" 86400
  rfact "baseline_t0" "$(now)"
  c0=$(writers_cpu)
  sleep "$baseline_s"
  c1=$(writers_cpu)
  rfact "baseline_t1" "$(now)"
  stop_writers "$tag-baseline"
  rfact "baseline_cpu0" "$c0"
  rfact "baseline_cpu1" "$c1"
  rfact "baseline_logs" "$(echo "$run/$tag-baseline".[0-9]*)"

  log "round $r: control, the writers next to one UPDATE of every row in another database"
  control=$(db_url keel_online_control)
  sql "$control" "ALTER TABLE orders ADD COLUMN amount_cents bigint" "CHECKPOINT"
  wait_idle "control"
  start_writers "$tag-control" 86400
  sleep $((settle - 1))
  c0=$(writers_cpu)
  t0=$(now)
  value "$control" "UPDATE orders SET amount_cents = $expr" >/dev/null
  t1=$(now)
  c1=$(writers_cpu)
  sleep "$settle"
  stop_writers "$tag-control"
  rfact "control_t0" "$t0"
  rfact "control_t1" "$t1"
  rfact "control_cpu0" "$c0"
  rfact "control_cpu1" "$c1"
  rfact "control_logs" "$(echo "$run/$tag-control".[0-9]*)"
  sql "$admin" "DROP DATABASE keel_online_control"

  log "round $r: during, the writers while keel applies v2.toml ${keel_flags[*]}"
  sql "$db" "CHECKPOINT"
  log_offset=0
  [[ -z $server_log ]] || log_offset=$(stat -c %s "$server_log")
  wait_idle "during"
  start_writers "$tag-during" 86400
  rfact "before_t0" "$(now)"
  sleep $((settle - 1))
  c0=$(writers_cpu)
  t0=$(now)
  status=0
  PGOPTIONS="-c log_min_duration_statement=0" /usr/bin/time -f '%e %U %S' \
    -o "$run/$tag-keel.time" timeout "$apply_timeout" "$keel" apply --db "$db" "$here/v2.toml" \
    --yes "${keel_flags[@]}" >"$run/$tag-keel.out" 2>"$run/$tag-keel.log" || status=$?
  t1=$(now)
  c1=$(writers_cpu)
  sleep "$settle"
  stop_writers "$tag-during"
  stop_sampler
  sed 's/^/  /' "$run/$tag-keel.log" >&2
  [[ $status -ne 124 ]] ||
    die "keel apply v2.toml did not finish within ${apply_timeout} s: see $run/$tag-keel.log"
  [[ $status -eq 0 ]] || die "keel apply v2.toml failed (exit $status): see $run/$tag-keel.log"
  if [[ -n $server_log ]]; then
    tail -c +$((log_offset + 1)) "$server_log" >"$run/$tag-server.log"
    rfact "server_log" "$run/$tag-server.log"
  fi
  rfact "during_t0" "$t0"
  rfact "during_t1" "$t1"
  rfact "during_cpu0" "$c0"
  rfact "during_cpu1" "$c1"
  rfact "keel_cpu" "$(tail -n 1 "$run/$tag-keel.time" | awk '{ print $2 + $3 }')"
  rfact "keel_log" "$run/$tag-keel.log"
  rfact "during_logs" "$(echo "$run/$tag-during".[0-9]*)"
  revision=$("$keel" history --db "$db" --format json |
    "$py" -c 'import json, sys; print(max(r["id"] for r in json.load(sys.stdin)))')
  "$keel" show --db "$db" "$revision" --format json >"$run/$tag-keel-show.json"
  rfact "keel_show" "$run/$tag-keel-show.json"
  if "$keel" plan --db "$db" "$here/v2.toml" --detailed-exitcode >"$run/$tag-plan-after.txt" 2>&1; then
    rfact "converged" "yes"
  else
    rfact "converged" "no ($run/$tag-plan-after.txt)"
  fi
  rfact "nulls" "$(value "$db" "SELECT count(*) FROM orders WHERE amount_cents IS NULL")"
  if [[ $sampler == 1 ]]; then
    query="SELECT extract(epoch FROM ts), pid, app, state, wait_event_type, wait_event"
    query+=" FROM bench_waits ORDER BY ts"
    psql "$admin" -X -q -v ON_ERROR_STOP=1 -c "\\copy ($query) TO '$run/$tag-waits.tsv'"
    sql "$admin" "DROP TABLE bench_waits"
    rfact "waits" "$run/$tag-waits.tsv"
  fi
  sql "$admin" "DROP DATABASE keel_online"

  # A round counts only if other processes stayed under ONLINE_OTHERS_MAX% of the CPUs in its
  # baseline and its apply; otherwise it is measured again (at most ONLINE_ATTEMPTS times).
  others=$("$py" "$here/online.py" others "$round_facts")
  if [[ $others -ge $others_max ]]; then
    if [[ $attempt -lt $attempts ]]; then
      log "round $r: other processes used ${others}% of the CPUs while it was measured; again"
      sql "$admin" "DROP DATABASE keel_online_update" "DROP DATABASE keel_online_quiet"
      discarded=$((discarded + 1))
      attempt=$((attempt + 1))
      continue
    fi
    rfact disturbed "$others"
  fi

  log "round $r: one UPDATE of every row, without load"
  update=$(db_url keel_online_update)
  sql "$update" "ALTER TABLE orders ADD COLUMN amount_cents bigint" "CHECKPOINT"
  wait_idle "update"
  t0=$(now)
  done_tag=$(psql "$update" -X -v ON_ERROR_STOP=1 -c "UPDATE orders SET amount_cents = $expr")
  t1=$(now)
  rfact "update_rows" "${done_tag##* }"
  rfact "update_seconds" "$(elapsed "$t0" "$t1")"
  sql "$admin" "DROP DATABASE keel_online_update"

  log "round $r: keel apply v2.toml ${keel_flags[*]}, without load"
  quiet=$(db_url keel_online_quiet)
  sql "$quiet" "CHECKPOINT"
  wait_idle "quiet"
  t0=$(now)
  timeout "$apply_timeout" "$keel" apply --db "$quiet" "$here/v2.toml" --yes "${keel_flags[@]}" \
    >"$run/$tag-quiet.out" 2>"$run/$tag-quiet.log" || die "keel apply v2.toml (no load) failed"
  t1=$(now)
  rfact "quiet_seconds" "$(elapsed "$t0" "$t1")"
  rfact "quiet_log" "$run/$tag-quiet.log"
  sql "$admin" "DROP DATABASE keel_online_quiet"

  cat "$round_facts" >>"$facts"
  r=$((r + 1))
  attempt=1
done
fact discarded "$discarded"
fact load_end "$(cut -d ' ' -f 1-3 /proc/loadavg)"

# ---------------------------------------------------------------------------------------------
# Report

verdicts=$("$py" "$here/online.py" report --facts "$facts" -o "$results")
cat "$results"
log "wrote $results; raw logs in $run"
log "verdicts: $verdicts"
