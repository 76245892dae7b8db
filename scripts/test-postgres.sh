#!/usr/bin/env bash
# Starts a local PostgreSQL (Debian packages) for the test suite and prints its URL.
# With SANAD_TEST_POSTGRES_URL set, that server is used instead.
set -euo pipefail
if [ -n "${SANAD_TEST_POSTGRES_URL:-}" ]; then
  echo "$SANAD_TEST_POSTGRES_URL"
  exit 0
fi
if ! command -v pg_lsclusters >/dev/null; then
  echo "PostgreSQL is not installed: run .ci/run (it installs it), apt-get install postgresql, or set SANAD_TEST_POSTGRES_URL" >&2
  exit 3
fi
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres -- "$@"; fi; }
if [ -z "$(pg_lsclusters -h)" ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  pg_createcluster "$version" main >&2
fi
read -r version name port status _ < <(pg_lsclusters -h | head -n 1)
[ "$status" = online ] || pg_ctlcluster "$version" "$name" start >&2
as_postgres psql -p "$port" -qAtc "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sanad') THEN CREATE ROLE sanad LOGIN PASSWORD 'sanad'; END IF; END \$\$;"
as_postgres psql -p "$port" -qAtc "SELECT 1 FROM pg_database WHERE datname = 'sanad_test'" | grep -q 1 || as_postgres createdb -p "$port" -O sanad sanad_test
echo "postgres://sanad:sanad@127.0.0.1:$port/sanad_test"
