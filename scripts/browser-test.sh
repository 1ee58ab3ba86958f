#!/usr/bin/env bash
# scripts/browser-test.sh — the ops dashboard in a real browser (Debian chromium + playwright-core).
#
# Needs TEST_POSTGRES / TEST_REDIS (exported by scripts/test.sh, or export them yourself). Installs
# chromium with apt-get when /usr/bin/chromium is missing (as root), runs `npm ci` in web/, builds
# the API, creates a database, starts the built API on a free port with V3 + shadow on, and runs
# web/tests/dashboard.browser.mjs against it (screenshot: .data/dashboard.png; SCREENSHOT=docs/dashboard.png refreshes the one in the README). Exits non-zero on
# any failure and sets BROWSER_RC for callers that source it.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BROWSER_RC=1
API_PID=""
DB_NAME="browser_$(date +%s)_$$"
LOG="$ROOT/.data/browser-test-api.log"
say() { printf '  [browser] %s\n' "$*"; }
finish() {
  [ -z "$API_PID" ] || { kill "$API_PID" 2>/dev/null; wait "$API_PID" 2>/dev/null; }
  [ -z "${PSQL_ADMIN:-}" ] || $PSQL_ADMIN -X -q -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
}
trap finish EXIT

run() {
  [ -n "${TEST_POSTGRES:-}" ] && [ -n "${TEST_REDIS:-}" ] || { say "TEST_POSTGRES and TEST_REDIS must be set (scripts/test.sh exports them)"; return 1; }
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then say "installing chromium"; DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null; } || return 1
    else say "/usr/bin/chromium is missing and this is not root: install the Debian package chromium"; return 1; fi
  fi
  command -v node >/dev/null && command -v npm >/dev/null || { say "node and npm are needed"; return 1; }
  (cd "$ROOT/web" && npm ci --no-audit --no-fund >/dev/null) || { say "npm ci failed"; return 1; }
  dotnet build "$ROOT/src/BookingAssignment.Api" -c Release -nologo -v q >/dev/null || { say "dotnet build failed"; return 1; }
  local dll="$ROOT/src/BookingAssignment.Api/bin/Release/net10.0/BookingAssignment.Api.dll"

  # psql against the test server (from TEST_POSTGRES: Host, Port, Username, Password).
  local kv host port user pass psql
  for kv in ${TEST_POSTGRES//;/ }; do
    case "${kv%%=*}" in Host) host="${kv#*=}";; Port) port="${kv#*=}";; Username) user="${kv#*=}";; Password) pass="${kv#*=}";; esac
  done
  psql="$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | tail -n1)"
  [ -n "$psql" ] || { say "psql not found"; return 1; }
  export PGPASSWORD="${pass:-}"
  PSQL_ADMIN="$psql -h ${host:-127.0.0.1} -p ${port:-5432} -U ${user:-postgres} -d postgres"
  $PSQL_ADMIN -X -q -c "CREATE DATABASE $DB_NAME" >/dev/null || { say "cannot create database $DB_NAME"; return 1; }

  local port_api
  port_api="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  mkdir -p "$ROOT/.data"
  ConnectionStrings__Postgres="${TEST_POSTGRES/Database=postgres/Database=$DB_NAME}" ConnectionStrings__Redis="$TEST_REDIS" \
  Auth__ClientApiKeys__0=browser-client-key Auth__OpsApiKeys__0=browser-ops-key \
  FEATURE_ASSIGNMENT_PIPELINE_V3=true FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW=true \
    dotnet "$dll" --urls "http://127.0.0.1:$port_api" >"$LOG" 2>&1 &
  API_PID=$!
  local i
  for i in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port_api/health/ready" >/dev/null 2>&1 && break
    kill -0 "$API_PID" 2>/dev/null || { say "the API exited; see ${LOG#"$ROOT"/}"; return 1; }
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port_api/health/ready" >/dev/null || { say "the API never became ready"; return 1; }
  say "API on http://127.0.0.1:$port_api (database $DB_NAME)"

  (cd "$ROOT/web" && BASE_URL="http://127.0.0.1:$port_api" OPS_KEY=browser-ops-key CLIENT_KEY=browser-client-key \
     PSQL="$psql -h ${host:-127.0.0.1} -p ${port:-5432} -U ${user:-postgres} -d $DB_NAME" SCREENSHOT="${SCREENSHOT:-$ROOT/.data/dashboard.png}" \
     node tests/dashboard.browser.mjs)
}

run; BROWSER_RC=$?
[ "$BROWSER_RC" -eq 0 ] && say "passed" || say "FAILED (exit $BROWSER_RC)"
exit "$BROWSER_RC"
