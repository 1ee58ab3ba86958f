#!/usr/bin/env bash
# scripts/test.sh — run the whole test suite against real, private PostgreSQL and Redis servers.
#
#   scripts/test.sh [extra dotnet test arguments]     e.g.  scripts/test.sh --filter Category=Rollout
#
# Starts a fresh PostgreSQL (127.0.0.1:55433) and Redis (127.0.0.1:56380) from the local Debian
# binaries with their files under .data/test/ (wiped at the start of every run; installed with
# apt-get when missing and running as root), exports
#   TEST_POSTGRES  Npgsql connection string of a superuser, database "postgres"
#                  (the fixtures create their own databases)
#   TEST_REDIS     StackExchange.Redis configuration string
# then runs `dotnet test BookingAssignment.sln -c Release "$@"`, stops the servers and exits with
# the test run's exit code. If a port is taken by something else, the next free one is used
# (override with TEST_PG_PORT / TEST_REDIS_PORT). Runs of this script in the same checkout are
# serialised with a lock. `.ci/run` calls this script.
# shellcheck disable=SC2317,SC2154
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BA_ROOT"

TEST_DIR="$BA_ROOT/.data/test"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No lingering MSBuild/compiler server processes: they would keep the output pipe (and the lock) open.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false
START_TS=$(date +%s)

printf '\n%sBookingAssignment — tests%s\n\n' "$BA_B" "$BA_0"
command -v dotnet >/dev/null 2>&1 || ba_die "the .NET 10 SDK ('dotnet') is not on PATH"

CLEANED=""
cleanup() {
  [ -z "$CLEANED" ] || return 0
  CLEANED=1
  trap - INT TERM
  ba_step "Stopping the test servers"
  ba_stop_started
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'rc=$?; cleanup; exit $rc' EXIT

mkdir -p "$BA_ROOT/.data"; chmod 0755 "$BA_ROOT/.data" 2>/dev/null || true
# Held for the whole run: a second test.sh in this checkout waits instead of wiping our servers.
ba_lock "$BA_ROOT/.data/test.lock" "scripts/test.sh"

# ----------------------------------------------------------------------------------------------
ba_step "Checking the server binaries"
ba_ensure_pg_binaries
ba_ensure_redis_binaries
ba_ok "PostgreSQL: $BA_PG_BIN   Redis: $BA_REDIS_SERVER"

ba_step "Fresh data folder .data/test"
# Stop leftovers of an earlier run (killed before its trap ran), then wipe.
for d in "$TEST_DIR/postgres/data" "$(ba_pg_alt_home "$TEST_DIR")/data"; do
  if ba_pg_pid_alive "$d"; then ba_info "stopping a leftover PostgreSQL ($d)"; ba_pg_stop_datadir "$d" immediate; fi
  if ba_pg_pid_alive "$d"; then ba_die "a leftover PostgreSQL still runs on $d; stop it by hand"; fi
done
if ba_redis_pid_alive "$TEST_DIR/redis/redis.pid"; then
  ba_info "stopping a leftover Redis"; ba_redis_stop_pidfile "$TEST_DIR/redis/redis.pid"
fi
rm -rf "$TEST_DIR" "$(dirname "$(ba_pg_alt_home "$TEST_DIR")")"
mkdir -p "$TEST_DIR"; chmod 0755 "$TEST_DIR"

free_port() { # preferred -> prints the first port from preferred on that nothing listens on
  local p="$1"
  while ba_port_open 127.0.0.1 "$p"; do
    ba_warn "port $p is in use by another program; trying $((p + 1))" >&2
    p=$((p + 1)); [ "$p" -lt $(( $1 + 50 )) ] || ba_die "no free port near $1"
  done
  echo "$p"
}

ba_step "PostgreSQL"
PG_PORT="$(free_port "${TEST_PG_PORT:-55433}")"
ba_pg_private "$TEST_DIR" "$PG_PORT" test
ba_step "Redis"
REDIS_PORT="$(free_port "${TEST_REDIS_PORT:-56380}")"
ba_redis_private "$TEST_DIR" "$REDIS_PORT"

export TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Database=postgres;Username=booking;Password=booking"
export TEST_REDIS="127.0.0.1:$REDIS_PORT"
ba_info "TEST_POSTGRES=$TEST_POSTGRES"
ba_info "TEST_REDIS=$TEST_REDIS"

# ----------------------------------------------------------------------------------------------
ba_step "dotnet test BookingAssignment.sln -c Release $*"
TEST_LOG="$TEST_DIR/dotnet-test.log"
set +e
dotnet test BookingAssignment.sln -c Release "$@" 9>&- 2>&1 | tee "$TEST_LOG" 9>&-
DOTNET_RC=${PIPESTATUS[0]}
set -e

# ----------------------------------------------------------------------------------------------
# >>> Browser / Node tests go here. <<<
# When a front end with node or chromium tests is added, run it here against the same servers,
# e.g. (install what is missing as root, like the server binaries above):
#   command -v chromium >/dev/null || ba_apt_install chromium chromium-driver
#   (cd web && npm ci && npm test); BROWSER_RC=$?
# and fold its exit code into FINAL_RC below.
BROWSER_RC=0
ba_step "Ops dashboard in chromium (scripts/browser-test.sh)"; "$BA_ROOT/scripts/browser-test.sh" 9>&- || BROWSER_RC=$?
# <<< end of browser / node tests >>>

FINAL_RC=$DOTNET_RC
[ "$FINAL_RC" -ne 0 ] || FINAL_RC=$BROWSER_RC

# ----------------------------------------------------------------------------------------------
ba_step "Summary"
grep -E '^(Passed|Failed)!|^\s*(Passed|Failed|Skipped|Total)\s*:|Test Run (Successful|Failed)|error [A-Z]+[0-9]+:' "$TEST_LOG" \
  | sed 's/^\s*/    /' | sort -u | head -n 20 || true
ba_info "log: ${TEST_LOG#"$BA_ROOT"/}    time: $(( $(date +%s) - START_TS )) s"
if [ "$FINAL_RC" -eq 0 ]; then ba_ok "all tests passed"; else ba_warn "tests FAILED (exit code $FINAL_RC)"; fi
exit "$FINAL_RC"
