# shellcheck shell=bash
# Measurement helpers of the bench scripts. Source it after setting BENCH_TMP (a scratch
# directory) and BENCH_RUNS_FILE (a TSV file the runs are appended to).
#
#   bench_figure ENGINE TABLES FIGURE OK_CODES PREPARE CAPTURE -- COMMAND [ARG...]
#       Runs COMMAND (an argument vector, no shell) under GNU time and `timeout`, stdout to
#       /dev/null, and appends one line per run to BENCH_RUNS_FILE:
#           engine tables figure run seconds peak_rss_kib counted(0|1) status cpu_seconds
#       Wall time is taken with bash's EPOCHREALTIME around the run; peak RSS is GNU time's
#       %M, the largest resident set of the command's process (children included, the
#       database server's backends not); CPU time is GNU time's %U + %S, the command's own
#       user and system time (again without the server's). OK_CODES are the exit codes that
#       count as success ("0", or "0 2 3" for `keel plan --detailed-exitcode`). PREPARE is a
#       shell function run, untimed, before every run (`-` for none), e.g. copying a database.
#       CAPTURE is a file that receives the stdout of the first run (`-` for none), to count
#       what a tool found without running it once more.
#
#       The first run is a warm-up and is not counted, unless it took BENCH_SLOW seconds or
#       more (default 10): then start-up effects are noise and it counts. Then come timed runs
#       until there are BENCH_RUNS of them (default 5), or until the next one would take the
#       figure past BENCH_FIGURE_BUDGET seconds (default 120; one timed run always happens).
#       A run longer than BENCH_TIMEOUT seconds (default 900) is killed and the figure is
#       recorded as timed out. On failure or timeout, returns 1 and shows the command's
#       stderr; the status column says "failed:CODE" or "timeout:SECONDS".
#   bench_summary ENGINE TABLES FIGURE
#       Prints "median_seconds median_peak_rss_mib timed_runs" of the counted runs, or
#       "failed - 0" / "timeout - 0".
#   bench_time_fmt SECONDS
#       Seconds with 3 significant digits at most ("0.0412", "1.35", "57.0").

BENCH_RUNS=${BENCH_RUNS:-${RUNS:-5}}
BENCH_SLOW=${BENCH_SLOW:-10}
BENCH_FIGURE_BUDGET=${BENCH_FIGURE_BUDGET:-120}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}

# bench_once OUT COMMAND...: one run; sets _bench_secs, _bench_kib, _bench_cpu and _bench_code.
bench_once() {
  local out=$1 t0 t1
  shift
  _bench_code=0
  t0=$EPOCHREALTIME
  /usr/bin/time -q -f '%M %U %S' -o "$BENCH_TMP/rss" \
    timeout -k 10 "$BENCH_TIMEOUT" "$@" </dev/null >"$out" 2>"$BENCH_TMP/err" || _bench_code=$?
  t1=$EPOCHREALTIME
  _bench_secs=$(awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.6f", b - a }')
  local usage kib user sys
  usage=$(tail -n 1 "$BENCH_TMP/rss" 2>/dev/null || true)
  read -r kib user sys <<<"$usage"
  _bench_kib=0
  _bench_cpu=0
  if [[ ${kib:-} =~ ^[0-9]+$ ]]; then
    _bench_kib=$kib
    _bench_cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  fi
}

bench_figure() {
  local engine=$1 tables=$2 figure=$3 ok=$4 prepare=$5 capture=$6
  shift 7 # the six above and "--"
  local runs=${BENCH_RUNS} counted=0 run=0 spent=0 out status
  local started=$EPOCHREALTIME
  while ((counted < runs)); do
    if [[ $prepare != - ]]; then
      "$prepare" || {
        echo "bench: preparing $engine $tables $figure failed" >&2
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$engine" "$tables" "$figure" "$run" \
          0 0 0 "failed:prepare" 0 >>"$BENCH_RUNS_FILE"
        return 1
      }
    fi
    out=/dev/null
    [[ $run -eq 0 && $capture != - ]] && out=$capture
    bench_once "$out" "$@"
    status=ok
    if [[ $_bench_code -eq 124 || $_bench_code -eq 137 ]]; then
      status="timeout:$BENCH_TIMEOUT"
    elif [[ " $ok " != *" $_bench_code "* ]]; then
      status="failed:$_bench_code"
    fi
    local count=1
    if [[ $status == ok && $run -eq 0 ]] &&
      awk -v s="$_bench_secs" -v l="$BENCH_SLOW" 'BEGIN { exit !(s < l) }'; then
      count=0
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$engine" "$tables" "$figure" "$run" \
      "$_bench_secs" "$_bench_kib" "$count" "$status" "$_bench_cpu" >>"$BENCH_RUNS_FILE"
    if [[ $status != ok ]]; then
      echo "bench: $engine $tables $figure: $status: $*" >&2
      tail -n 20 "$BENCH_TMP/err" >&2
      return 1
    fi
    run=$((run + 1))
    counted=$((counted + count))
    spent=$(awk -v a="${started/,/.}" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.6f", b - a }')
    if ((counted >= 1)) && awk -v s="$spent" -v l="$_bench_secs" -v b="$BENCH_FIGURE_BUDGET" \
      'BEGIN { exit !(s + l > b) }'; then
      break
    fi
  done
  local summary
  summary=$(bench_summary "$engine" "$tables" "$figure")
  echo "bench: $engine $tables $figure: ${summary% *} ($counted timed runs)" >&2
}

bench_summary() {
  awk -F '\t' -v e="$1" -v t="$2" -v f="$3" '
    function median(a, n,    i, j, x) {
      for (i = 2; i <= n; i++) {
        x = a[i]
        for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
        a[j + 1] = x
      }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    $1 == e && $2 == t && $3 == f {
      if ($8 != "ok") bad = $8
      else if ($7 == 1) { n++; s[n] = $5; m[n] = $6 }
    }
    END {
      if (bad != "") { sub(/:.*/, "", bad); print bad, "-", 0; exit }
      if (n == 0) { print "failed", "-", 0; exit }
      printf "%.4f %.1f %d\n", median(s, n), median(m, n) / 1024, n
    }' "$BENCH_RUNS_FILE"
}

bench_time_fmt() {
  awk -v s="$1" 'BEGIN {
    if (s !~ /^[0-9.]+$/) { printf "%s", s; exit }
    if (s < 0.1) printf "%.4f", s; else if (s < 1) printf "%.3f", s
    else if (s < 10) printf "%.2f", s; else printf "%.1f", s
  }'
}

# bench_db_url URL NAME: the URL of database NAME on the server of URL (a libpq URL or a
# key=value string, where a later dbname= wins).
bench_db_url() {
  python3 - "$1" "$2" <<'PY'
import sys
import urllib.parse as up

url, db = sys.argv[1], sys.argv[2]
if url.startswith(("postgresql://", "postgres://")):
    p = up.urlsplit(url)
    query = [(k, v) for k, v in up.parse_qsl(p.query, keep_blank_values=True) if k != "dbname"]
    print(up.urlunsplit((p.scheme, p.netloc, "/" + db, up.urlencode(query, safe="/"), p.fragment)))
else:
    print(f"{url} dbname={db}")
PY
}
