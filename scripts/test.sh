#!/usr/bin/env bash
# scripts/test.sh — run the whole test suite against real, private PostgreSQL and Redis servers.
#
#   scripts/test.sh [--no-browser] [extra dotnet test arguments]
#                                       e.g.  scripts/test.sh --filter Category=Rollout
#
#   --no-browser   skip the ops dashboard test in chromium (scripts/browser-test.sh); the same as
#                  BA_NO_BROWSER=1 in the environment. This script consumes it (anywhere before a
#                  `--`); every other argument goes to `dotnet test` unchanged.
#
# Starts a fresh PostgreSQL (127.0.0.1:25433), a Redis (127.0.0.1:26380) and three more independent
# Redis servers for the RedLock quorum tests (127.0.0.1:26391-26393) from the local Debian binaries,
# with their files under .data/test/ (postgres/, redis/, redis-q1/ .. redis-q3/; wiped at the start
# of every run; installed with apt-get when missing and running as root), exports
#   TEST_POSTGRES      Npgsql connection string of a superuser, database "postgres"
#                      (the fixtures create their own databases)
#   TEST_REDIS         StackExchange.Redis configuration string
#   TEST_REDIS_QUORUM  the three quorum nodes, "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3" (a node's
#                      pid: `redis-cli -p PORT INFO server`, process_id; also, in the same order,
#                      TEST_REDIS_QUORUM_PIDFILES: their pidfiles, comma-separated)
# then runs `dotnet test BookingAssignment.sln -c Release "$@"`, then the ops dashboard test in
# chromium (scripts/browser-test.sh), stops the servers and exits non-zero if either failed.
# If a port is taken by something else, the next free one is used (override the first choice
# with TEST_PG_PORT / TEST_REDIS_PORT / TEST_REDIS_QUORUM_PORT, the first of the three). The
# ports lie below Linux's ephemeral range (32768-60999): a probe of a port in that range, before its
# server listens, can connect to itself and leave the port in TIME_WAIT, so that Redis cannot bind it.
# Runs of this script in the same checkout are serialised with a lock. `.ci/run` calls this script.
# shellcheck disable=SC2317,SC2154
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BA_ROOT"

# Our own option(s) out, everything else (in order) to dotnet test.
case "${BA_NO_BROWSER:-}" in ''|0|false|no) NO_BROWSER="" ;; *) NO_BROWSER=1 ;; esac
DOTNET_ARGS=()
seen_dashdash=""
for a in "$@"; do
  if [ -z "$seen_dashdash" ] && [ "$a" = --no-browser ]; then NO_BROWSER=1; continue; fi
  [ "$a" != -- ] || seen_dashdash=1
  DOTNET_ARGS+=("$a")
done

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
for f in "$TEST_DIR"/redis/redis.pid "$TEST_DIR"/redis-q*/redis.pid; do
  if ba_redis_pid_alive "$f"; then
    ba_info "stopping a leftover Redis ($(dirname "${f#"$BA_ROOT"/}"))"; ba_redis_stop_pidfile "$f"
  fi
done
rm -rf "$TEST_DIR" "$(dirname "$(ba_pg_alt_home "$TEST_DIR")")"
mkdir -p "$TEST_DIR"; chmod 0755 "$TEST_DIR"

ba_step "PostgreSQL"
PG_PORT="$(ba_free_port "${TEST_PG_PORT:-25433}")"
ba_pg_private "$TEST_DIR" "$PG_PORT" test
ba_step "Redis"
REDIS_PORT="$(ba_free_port "${TEST_REDIS_PORT:-26380}" "$PG_PORT")"
ba_redis_private "$TEST_DIR" "$REDIS_PORT"

ba_step "Redis quorum: three more independent servers for the RedLock tests"
QUORUM_PORTS=() QUORUM=() QUORUM_PIDFILES=()
port="${TEST_REDIS_QUORUM_PORT:-26391}"
for n in 1 2 3; do
  port="$(ba_free_port "$port" "$PG_PORT" "$REDIS_PORT" ${QUORUM_PORTS[@]+"${QUORUM_PORTS[@]}"})"
  ba_redis_private "$TEST_DIR" "$port" "redis-q$n"
  QUORUM_PORTS+=("$port"); QUORUM+=("127.0.0.1:$port"); QUORUM_PIDFILES+=("$TEST_DIR/redis-q$n/redis.pid")
  port=$((port + 1))
done

join_comma() { local IFS=,; echo "$*"; }
export TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Database=postgres;Username=booking;Password=booking"
export TEST_REDIS="127.0.0.1:$REDIS_PORT"
TEST_REDIS_QUORUM="$(join_comma "${QUORUM[@]}")"
TEST_REDIS_QUORUM_PIDFILES="$(join_comma "${QUORUM_PIDFILES[@]}")"
export TEST_REDIS_QUORUM TEST_REDIS_QUORUM_PIDFILES
ba_info "TEST_POSTGRES=$TEST_POSTGRES"
ba_info "TEST_REDIS=$TEST_REDIS"
ba_info "TEST_REDIS_QUORUM=$TEST_REDIS_QUORUM"

# ----------------------------------------------------------------------------------------------
ba_step "dotnet test BookingAssignment.sln -c Release ${DOTNET_ARGS[*]+"${DOTNET_ARGS[*]}"}"
TEST_LOG="$TEST_DIR/dotnet-test.log"
set +e
dotnet test BookingAssignment.sln -c Release ${DOTNET_ARGS[@]+"${DOTNET_ARGS[@]}"} 9>&- 2>&1 | tee "$TEST_LOG" 9>&-
DOTNET_RC=${PIPESTATUS[0]}
set -e

# ----------------------------------------------------------------------------------------------
BROWSER_RC=0
ba_step "Ops dashboard in chromium (scripts/browser-test.sh)"
if [ -n "$NO_BROWSER" ]; then
  BROWSER_MSG="skipped (--no-browser / BA_NO_BROWSER)"
  ba_info "$BROWSER_MSG"
else
  "$BA_ROOT/scripts/browser-test.sh" 9>&- || BROWSER_RC=$?
  if [ "$BROWSER_RC" -eq 0 ]; then BROWSER_MSG="passed"; else BROWSER_MSG="FAILED (exit code $BROWSER_RC)"; fi
fi

FINAL_RC=$DOTNET_RC
[ "$FINAL_RC" -ne 0 ] || FINAL_RC=$BROWSER_RC

# ----------------------------------------------------------------------------------------------
ba_step "Summary"
grep -E '^(Passed|Failed)!|^\s*(Passed|Failed|Skipped|Total)\s*:|Test Run (Successful|Failed)|error [A-Z]+[0-9]+:' "$TEST_LOG" \
  | sed 's/^\s*/    /' | sort -u | head -n 20 || true
ba_info "browser test (ops dashboard): $BROWSER_MSG"
ba_info "log: ${TEST_LOG#"$BA_ROOT"/}    time: $(( $(date +%s) - START_TS )) s"
if [ "$FINAL_RC" -eq 0 ]; then ba_ok "all tests passed"; else ba_warn "tests FAILED (exit code $FINAL_RC)"; fi
exit "$FINAL_RC"
