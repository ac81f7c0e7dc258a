#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for keel's [postgres] tests.
#
#   tests/pg_cluster.sh start    initdb + start in a fresh temp dir; prints the URL on stdout
#   tests/pg_cluster.sh env      prints `export KEEL_TEST_PG_URL=...` (use: eval "$(... env)")
#   tests/pg_cluster.sh url      prints the URL only
#   tests/pg_cluster.sh status   exit 0 if the recorded cluster is running
#   tests/pg_cluster.sh stop     stops it and deletes its directory (no-op if none is running)
#
# The cluster listens on 127.0.0.1 only, on a free port, with trust authentication for the
# superuser "postgres", and fsync off: it is for tests, never for data. initdb refuses to run as
# root, so under root the cluster runs as the system user $KEEL_PG_OS_USER (default keel-test,
# created with useradd when missing); under any other user it runs as that user.
#
# Environment:
#   KEEL_PG_STATE_FILE  where start records the cluster for env/url/stop
#                       (default: <repo>/.pg-cluster.state; `make test` uses its own file)
#   KEEL_PG_BIN         PostgreSQL binaries (default /usr/lib/postgresql/15/bin)
#   KEEL_PG_OS_USER     user that runs the cluster when invoked as root (default keel-test)
#   KEEL_PG_TMPDIR      parent of the cluster directory (default /tmp; Unix socket paths are
#                       limited to ~100 bytes, so keep it short)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state_file=${KEEL_PG_STATE_FILE:-$repo_root/.pg-cluster.state}
pg_bin=${KEEL_PG_BIN:-/usr/lib/postgresql/15/bin}
tmp_parent=${KEEL_PG_TMPDIR:-/tmp}

log() { printf 'pg_cluster: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# Runs a command as the cluster's owner ($os_user, empty = the current user), from inside the
# cluster directory so that the owner can always read its working directory.
as_owner() {
  if [[ -n $os_user ]]; then
    (cd "$cluster_dir" && runuser -u "$os_user" -- "$@")
  else
    (cd "$cluster_dir" && "$@")
  fi
}

ensure_os_user() {
  if [[ $(id -u) -ne 0 ]]; then
    os_user=""
    return
  fi
  os_user=${KEEL_PG_OS_USER:-keel-test}
  if ! id -u "$os_user" >/dev/null 2>&1; then
    log "creating system user \"$os_user\" (initdb refuses to run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$os_user" ||
      id -u "$os_user" >/dev/null 2>&1 || die "could not create user \"$os_user\""
  fi
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

load_state() {
  [[ -f $state_file ]] || return 1
  # shellcheck source=/dev/null
  source "$state_file"
  cluster_dir=$KEEL_PG_DIR
  os_user=$KEEL_PG_OS_USER
  port=$KEEL_PG_PORT
  url=$KEEL_TEST_PG_URL
}

is_running() {
  [[ -d ${cluster_dir:-} ]] || return 1
  as_owner "$pg_bin/pg_ctl" status -D "$cluster_dir/data" >/dev/null 2>&1
}

cmd_start() {
  [[ -x $pg_bin/initdb ]] || die "no PostgreSQL at $pg_bin (run \`make deps\`, or set KEEL_PG_BIN)"
  if load_state; then
    if is_running; then
      log "reusing the running cluster recorded in $state_file"
      printf '%s\n' "$url"
      return
    fi
    log "removing the stale cluster recorded in $state_file"
    remove_cluster_dir
    rm -f "$state_file"
  fi

  ensure_os_user
  cluster_dir=$(mktemp -d "$tmp_parent/keel-pg.XXXXXX")
  if [[ -n $os_user ]]; then
    chown "$os_user:" "$cluster_dir"
  fi
  chmod 700 "$cluster_dir"

  log "initdb in $cluster_dir"
  if ! as_owner "$pg_bin/initdb" -D "$cluster_dir/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C --no-sync >"$cluster_dir/initdb.log" 2>&1; then
    cat "$cluster_dir/initdb.log" >&2
    remove_cluster_dir
    die "initdb failed"
  fi

  # Loopback TCP and the private socket directory only; nothing for other hosts.
  as_owner tee "$cluster_dir/data/pg_hba.conf" >/dev/null <<'EOF'
# keel test cluster: trust, loopback only
local   all all              trust
host    all all 127.0.0.1/32 trust
host    all all ::1/128      trust
EOF
  as_owner tee -a "$cluster_dir/data/postgresql.conf" >/dev/null <<EOF

# keel test cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = '$cluster_dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF

  # Pick a random free port; retry if another process binds it between the probe and start.
  local attempt
  for attempt in $(seq 1 20); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_in_use "$port" && continue
    if as_owner "$pg_bin/pg_ctl" start -w -t 60 -D "$cluster_dir/data" \
      -l "$cluster_dir/postgres.log" -o "-p $port" >/dev/null 2>&1; then
      url="postgresql://postgres@127.0.0.1:$port/postgres"
      {
        printf 'KEEL_PG_DIR=%q\n' "$cluster_dir"
        printf 'KEEL_PG_OS_USER=%q\n' "$os_user"
        printf 'KEEL_PG_PORT=%q\n' "$port"
        printf 'KEEL_TEST_PG_URL=%q\n' "$url"
      } >"$state_file"
      log "PostgreSQL $("$pg_bin/postgres" -V | awk '{print $3}') running as" \
        "${os_user:-$(id -un)} on 127.0.0.1:$port (state: $state_file)"
      printf '%s\n' "$url"
      return
    fi
    if ! grep -qi 'could not bind\|address already in use' "$cluster_dir/postgres.log" 2>/dev/null; then
      break
    fi
    log "port $port was taken, trying another (attempt $attempt)"
  done
  [[ -f $cluster_dir/postgres.log ]] && tail -n 20 "$cluster_dir/postgres.log" >&2
  remove_cluster_dir
  die "could not start PostgreSQL"
}

remove_cluster_dir() {
  # Only ever delete a directory this script created.
  if [[ -n ${cluster_dir:-} && -d $cluster_dir && $(basename "$cluster_dir") == keel-pg.* ]]; then
    rm -rf -- "$cluster_dir"
  fi
}

cmd_stop() {
  if ! load_state; then
    log "no cluster recorded in $state_file; nothing to stop"
    return
  fi
  if is_running; then
    as_owner "$pg_bin/pg_ctl" stop -D "$cluster_dir/data" -m fast -w -t 30 >/dev/null 2>&1 ||
      as_owner "$pg_bin/pg_ctl" stop -D "$cluster_dir/data" -m immediate -w -t 30 >/dev/null 2>&1 ||
      log "warning: pg_ctl stop failed"
  fi
  remove_cluster_dir
  rm -f "$state_file"
  log "stopped the cluster on port $port and removed $cluster_dir"
}

cmd_env() {
  load_state || die "no cluster recorded in $state_file (run: $0 start)"
  printf 'export KEEL_TEST_PG_URL=%q\n' "$url"
}

cmd_url() {
  load_state || die "no cluster recorded in $state_file (run: $0 start)"
  printf '%s\n' "$url"
}

cmd_status() {
  load_state || die "no cluster recorded in $state_file"
  is_running || die "the cluster recorded in $state_file is not running"
  log "running on 127.0.0.1:$port ($cluster_dir)"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) cmd_env ;;
  url) cmd_url ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 start|stop|env|url|status" >&2
    exit 2
    ;;
esac
