#!/usr/bin/env bash
# scripts/browser-test.sh — the ops dashboard and the host-stand page in a real browser (Debian chromium + playwright-core).
#
#   scripts/browser-test.sh        (scripts/test.sh runs it after dotnet test; --no-browser skips it)
#
# Needs TEST_POSTGRES / TEST_REDIS (exported by scripts/test.sh, or export them yourself). Installs
# chromium with apt-get when /usr/bin/chromium is missing (as root), runs `npm ci` in web/, builds
# the API, creates a database, starts the built API on a free port with V3 + shadow on, and runs
# web/tests/dashboard.browser.mjs against it (screenshot: .data/dashboard.png;
# SCREENSHOT=docs/dashboard.png refreshes the one in the README), then web/tests/floor.browser.mjs
# (the host-stand page /ops/floor/; screenshot .data/floor.png, FLOOR_SCREENSHOT=docs/floor.png
# refreshes the README's). Stops the API and drops the
# database at the end. Exits non-zero on any failure.
# shellcheck disable=SC2317
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCREENSHOT="${SCREENSHOT:-$BA_ROOT/.data/dashboard.png}"
[[ "$SCREENSHOT" == /* ]] || SCREENSHOT="$PWD/$SCREENSHOT"   # relative to where it was started
FLOOR_SCREENSHOT="${FLOOR_SCREENSHOT:-$BA_ROOT/.data/floor.png}"
[[ "$FLOOR_SCREENSHOT" == /* ]] || FLOOR_SCREENSHOT="$PWD/$FLOOR_SCREENSHOT"
cd "$BA_ROOT"

API_PID=""
DB_NAME="browser_$(date +%s)_$$"
DB_CREATED=""
LOG="$BA_ROOT/.data/browser-test-api.log"
PSQL_ADMIN=()

say()  { printf '  [browser] %s\n' "$*"; }
fail() { say "$*"; exit 1; }

finish() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$API_PID" ]; then
    kill "$API_PID" 2>/dev/null || true
    wait "$API_PID" 2>/dev/null || true
  fi
  if [ -n "$DB_CREATED" ]; then
    "${PSQL_ADMIN[@]}" -X -q -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [ "$rc" -eq 0 ]; then say "passed"; else say "FAILED (exit $rc)"; fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${TEST_POSTGRES:-}" ] || [ -z "${TEST_REDIS:-}" ]; then
  fail "TEST_POSTGRES and TEST_REDIS must be set (scripts/test.sh exports them)"
fi

# ---- tools -----------------------------------------------------------------------------------
if ba_simulated_missing chromium || [ ! -x /usr/bin/chromium ]; then
  ba_is_root || fail "/usr/bin/chromium is missing and this is not root: sudo apt-get update && sudo apt-get install -y chromium"
  say "installing chromium"
  # fonts-liberation: chromium-common only recommends it, and ba_apt_install skips recommends.
  ba_apt_install chromium fonts-liberation
  [ -x /usr/bin/chromium ] || fail "/usr/bin/chromium still missing after installing 'chromium'"
fi
ba_ensure_curl
command -v node >/dev/null 2>&1 || fail "node is needed (Debian package nodejs)"
command -v npm >/dev/null 2>&1 || fail "npm is needed (Debian package npm)"
(cd "$BA_ROOT/web" && npm ci --no-audit --no-fund >/dev/null) || fail "npm ci failed"
dotnet build "$BA_ROOT/src/BookingAssignment.Api" -c Release -nologo -v q >/dev/null || fail "dotnet build failed"
DLL="$BA_ROOT/src/BookingAssignment.Api/bin/Release/net10.0/BookingAssignment.Api.dll"
[ -f "$DLL" ] || fail "build succeeded but ${DLL#"$BA_ROOT"/} is missing"

# ---- a database of its own on the test server ------------------------------------------------
# psql against the test server (from TEST_POSTGRES: Host, Port, Username, Password).
PG_HOST=127.0.0.1 PG_PORT=5432 PG_USER=postgres PG_PASS=""
IFS=';' read -ra CS_PARTS <<<"$TEST_POSTGRES"
for kv in "${CS_PARTS[@]}"; do
  case "${kv%%=*}" in
    Host) PG_HOST="${kv#*=}" ;; Port) PG_PORT="${kv#*=}" ;;
    Username) PG_USER="${kv#*=}" ;; Password) PG_PASS="${kv#*=}" ;;
  esac
done
if ba_find_pg_bin && [ -x "$BA_PG_BIN/psql" ]; then PSQL_BIN="$BA_PG_BIN/psql"
else PSQL_BIN="$(command -v psql)" || fail "psql not found"; fi
export PGPASSWORD="$PG_PASS"
PSQL_ADMIN=("$PSQL_BIN" -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres)
"${PSQL_ADMIN[@]}" -X -q -c "CREATE DATABASE $DB_NAME" >/dev/null || fail "cannot create database $DB_NAME"
DB_CREATED=1
# The node test splits PSQL on single spaces into a command and its arguments.
PSQL_DB=("$PSQL_BIN" -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$DB_NAME")

# ---- the API ---------------------------------------------------------------------------------
if command -v python3 >/dev/null 2>&1; then
  API_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
else
  API_PORT="$(ba_free_port 56480)"
fi
API_URL="http://127.0.0.1:$API_PORT"
mkdir -p "$BA_ROOT/.data"
ConnectionStrings__Postgres="${TEST_POSTGRES/Database=postgres/Database=$DB_NAME}" ConnectionStrings__Redis="$TEST_REDIS" \
Auth__ClientApiKeys__0=browser-client-key Auth__OpsApiKeys__0=browser-ops-key \
FEATURE_ASSIGNMENT_PIPELINE_V3=true FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW=true \
  dotnet "$DLL" --urls "$API_URL" >"$LOG" 2>&1 &
API_PID=$!
for _ in $(seq 1 150); do
  [ "$(ba_http_status "$API_URL/health/ready")" = 200 ] && break
  kill -0 "$API_PID" 2>/dev/null || fail "the API exited; see ${LOG#"$BA_ROOT"/}"
  sleep 0.2
done
[ "$(ba_http_status "$API_URL/health/ready")" = 200 ] || fail "the API never became ready; see ${LOG#"$BA_ROOT"/}"
say "API on $API_URL (database $DB_NAME)"

# ---- the dashboard in chromium ---------------------------------------------------------------
(
  cd "$BA_ROOT/web"
  BASE_URL="$API_URL" OPS_KEY=browser-ops-key CLIENT_KEY=browser-client-key \
  PSQL="${PSQL_DB[*]}" SCREENSHOT="$SCREENSHOT" \
    node tests/dashboard.browser.mjs
)

# ---- the host-stand page in chromium ---------------------------------------------------------
(
  cd "$BA_ROOT/web"
  BASE_URL="$API_URL" OPS_KEY=browser-ops-key CLIENT_KEY=browser-client-key SCREENSHOT="$FLOOR_SCREENSHOT" \
    node tests/floor.browser.mjs
)
