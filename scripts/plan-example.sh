#!/usr/bin/env bash
# Regenerates docs/plan-example.md from the SaaS example: v1 applied with its seed rows, then the
# plan to v2 in text and markdown. Usage: scripts/plan-example.sh POSTGRES_ADMIN_URL
# (a superuser URL; a database keel_plan_example is created and dropped).
set -euo pipefail
cd "$(dirname "$0")/.."
KEEL=${KEEL:-build/keel}
admin=${1:?usage: scripts/plan-example.sh POSTGRES_ADMIN_URL}
db="${admin%/*}/keel_plan_example"
psql "$admin" -qc "DROP DATABASE IF EXISTS keel_plan_example" -c "CREATE DATABASE keel_plan_example"
trap 'psql "$admin" -qc "DROP DATABASE IF EXISTS keel_plan_example"' EXIT
"$KEEL" apply --db "$db" examples/saas/v1 --yes >/dev/null 2>&1
psql "$db" -q -v ON_ERROR_STOP=1 -f examples/saas/seed.sql
psql "$db" -q -c "ANALYZE"  # row estimates for the hazards, as a live database has them
{
  echo '# A real plan, as keel prints it'
  echo
  echo 'Produced by keel itself from the SaaS example: `examples/saas/v1` applied to PostgreSQL 15 with'
  echo '`examples/saas/seed.sql` loaded, then `keel plan examples/saas/v2`. Regenerate with'
  echo '`scripts/plan-example.sh` (it needs a PostgreSQL URL).'
  echo
  echo '## `keel plan --format text`'
  echo
  echo '```text'
  NO_COLOR=1 "$KEEL" plan --db "$db" examples/saas/v2
  echo '```'
  echo
  echo '## `keel plan --format markdown` (a pull-request comment)'
  echo
  "$KEEL" plan --db "$db" examples/saas/v2 --format markdown
} > docs/plan-example.md
