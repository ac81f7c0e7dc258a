#!/usr/bin/env bash
# keel's main job, end to end, on an embedded SQLite file: apply v1 of the shop example, put
# rows in it, review and apply v2, catch a manual change with drift, read the history, and roll
# back to v1 with every row back. `make demo` runs this after building keel.
set -euo pipefail
cd "$(dirname "$0")/.."
KEEL=${KEEL:-build/keel}
[ -x "$KEEL" ] || { echo "demo: $KEEL is not built; run 'make demo'" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/shop.db"
url="sqlite:$db"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m'; dim=$'\033[2m'; off=$'\033[0m'; else bold=; dim=; off=; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }
say() { printf '%s%s%s\n' "$dim" "$*" "$off"; }
run() { printf '%s$ %s%s\n' "$bold" "$*" "$off"; "$@"; }
sql() { printf '%s$ sqlite3 shop.db "%s"%s\n' "$bold" "$1" "$off"; sqlite3 -header -column "$db" "$1"; }

step "1. The desired schema, v1 (examples/shop/v1), checked without a database"
run "$KEEL" validate examples/shop/v1

step "2. Plan v1 against a new, empty SQLite file"
run "$KEEL" plan --db "$url" examples/shop/v1

step "3. Apply it (--yes: no terminal prompt)"
run "$KEEL" apply --db "$url" examples/shop/v1 --yes

step "4. The application writes rows"
say "examples/shop/seed.sql inserts users, sellers, products and orders"
sqlite3 "$db" < examples/shop/seed.sql
sql "SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM products) AS products, (SELECT count(*) FROM orders) AS orders"

step "5. v2 changes the schema; review the plan first (markdown, as a pull-request comment)"
run "$KEEL" plan --db "$url" examples/shop/v2 --format markdown

step "6. Apply v2"
run "$KEEL" apply --db "$url" examples/shop/v2 --yes

step "7. Someone changes the database by hand"
sql "CREATE INDEX hand_made_idx ON users (display_name)"

step "8. drift finds it (exit code 2: drift that is safe to fix)"
set +e
"$KEEL" drift --db "$url" examples/shop/v2
code=$?
set -e
say "keel drift exited with $code"

step "9. The hand-made change is taken back, and drift agrees (exit code 0)"
sql "DROP INDEX hand_made_idx"
run "$KEEL" drift --db "$url" examples/shop/v2

step "10. The history of this database"
run "$KEEL" history --db "$url"

step "11. Roll back v2: the newest revision, data included"
run "$KEEL" rollback --db "$url" --steps 1 --yes
run "$KEEL" drift --db "$url" examples/shop/v1
sql "SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM products) AS products, (SELECT count(*) FROM orders) AS orders"
sql "SELECT id, shipping_address FROM orders ORDER BY id"
run "$KEEL" history --db "$url"

step "Done: v1 -> rows -> v2 -> drift -> history -> rollback, every row kept."
