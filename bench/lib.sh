# shellcheck shell=bash
# Shared helpers of the bench scripts; source it, with BENCH_TMP set to a scratch directory.
#
#   bench_time NAME COMMAND [OK_EXIT_CODES]
#       Prints the median wall time of COMMAND (a bash command line) in seconds, 3 decimals,
#       over RUNS runs (default 5) after one untimed warm-up run. hyperfine is used when it is
#       installed, otherwise a loop timed with `date +%s.%N`. OK_EXIT_CODES (default "0") are
#       the exit codes that count as success, e.g. "0 2 3" for `keel plan --detailed-exitcode`.
#       On failure prints "failed", shows the command's stderr on stderr and returns 1.
#   bench_median SECONDS...
#       The middle value (the mean of the two middle ones for an even count), 3 decimals.
#   bench_ratio A B
#       A / B as "4.2x", or "n/a" when either is not a positive number.

bench_median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END {
      if (NR % 2) printf "%.3f", v[(NR + 1) / 2]
      else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2
    }'
}

bench_ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && a > 0 && b > 0) printf "%.1fx", a / b
    else printf "n/a"
  }'
}

bench_time() {
  local name=$1 cmd=$2 ok=${3:-0} code=0 runs=${RUNS:-5}
  bash -c "$cmd" >/dev/null 2>"$BENCH_TMP/err" || code=$?
  if [[ " $ok " != *" $code "* ]]; then
    echo "bench: $name failed (exit $code): $cmd" >&2
    tail -n 20 "$BENCH_TMP/err" >&2
    echo "failed"
    return 1
  fi
  if command -v hyperfine >/dev/null; then
    local ignore=()
    [[ $ok == 0 ]] || ignore=(--ignore-failure)
    hyperfine --shell bash --style none "${ignore[@]}" --runs "$runs" \
      --export-json "$BENCH_TMP/hyperfine.json" "$cmd" >/dev/null 2>&1
    python3 -c 'import json, sys
print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$BENCH_TMP/hyperfine.json"
    return
  fi
  local times=() i start end
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s.%N)
    bash -c "$cmd" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    times+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f", e - s }')")
  done
  bench_median "${times[@]}"
}
