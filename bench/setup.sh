#!/usr/bin/env bash
# Installs what keel's benchmark compares against, and nothing when it is all there:
#
#   Debian packages  python3-alembic python3-sqlalchemy python3-psycopg2 (Alembic's
#                    autogenerate comparison), time (GNU time for peak memory), nodejs and npm
#                    (only when there is no node at all)
#   npm              @pgkit/migra at the version of bench/package-lock.json, into
#                    bench/node_modules (`npm ci`; nothing is installed globally)
#
# PostgreSQL, sqlite3 and the compiler come from `make deps`. apt-get runs only when a package
# is missing, through sudo when not root.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
packages=(python3-alembic python3-sqlalchemy python3-psycopg2 time)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  echo "bench/setup.sh: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci when node_modules is missing or older than the lock file.
stamp=$here/node_modules/.package-lock.json
if [[ ! -f $here/node_modules/@pgkit/migra/package.json || ! -f $stamp ||
  $here/package-lock.json -nt $stamp ]]; then
  echo "bench/setup.sh: npm ci in bench/ (@pgkit/migra)" >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
