#!/usr/bin/env bash
# scripts/run.sh — start the BookingAssignment API locally, with everything it needs.
#
#   scripts/run.sh          provision PostgreSQL + Redis, build, migrate, seed a demo restaurant,
#                           start the API on http://127.0.0.1:5080 and print how to call it.
#                           Ctrl-C stops the API and the servers this run started.
#   scripts/run.sh stop     stop the private dev servers kept under .data/dev (if running).
#   scripts/run.sh --help
#
# Where PostgreSQL and Redis come from, in this order (each decided on its own):
#   1. ConnectionStrings__Postgres / ConnectionStrings__Redis from your shell or ./.env, if they answer;
#   2. `docker compose up -d postgres redis` when a Docker engine answers (`docker info`);
#   3. private servers from the local Debian binaries, files under .data/dev/, on 127.0.0.1
#      (PostgreSQL 55432, Redis 56379; user/password/database booking). Missing binaries are
#      installed with apt-get when running as root.
# Servers already answering on those ports (e.g. from another run.sh) are reused, and left running.
#
# Settings (shell environment or ./.env; see .env.example):
#   API_PORT (default 5080)  — if that port is busy, run.sh stops with an explanation (it does not
#                              pick another port silently, so the printed URLs stay predictable).
#   DEV_PG_PORT (55432), DEV_REDIS_PORT (56379)
#   Auth__ClientApiKeys__0 (dev-client-key), Auth__OpsApiKeys__0 (dev-ops-key)
#   FEATURE_ASSIGNMENT_PIPELINE_V3, _SHADOW, _MAX_PARALLEL, _PERCENT — passed through to the API.
#   ASPNETCORE_ENVIRONMENT (default Development)
# shellcheck disable=SC2317,SC2154
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BA_ROOT"

DEV_DIR="$BA_ROOT/.data/dev"

usage() { ba_usage "${BASH_SOURCE[0]}"; }   # the header comment above

case "${1:-}" in
  -h|--help|help) usage; exit 0 ;;
  stop)
    ba_step "Stopping the private dev servers under .data/dev"
    ba_find_pg_bin || true
    BA_PG_USER=postgres; ba_is_root || BA_PG_USER="$(id -un)"
    stopped=0
    for f in "$DEV_DIR"/api-*.pid; do
      [ -f "$f" ] || continue
      pid="$(cat "$f")"
      if kill -0 "$pid" 2>/dev/null && grep -qa BookingAssignment.Api "/proc/$pid/cmdline" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        ba_ok "API stopped (pid $pid)"; stopped=1
      fi
      rm -f "$f"
    done
    for d in "$DEV_DIR/postgres/data" "$(ba_pg_alt_home "$DEV_DIR")/data"; do
      [ -d "$d" ] || continue
      if ba_pg_pid_alive "$d"; then [ -n "${BA_PG_BIN:-}" ] || ba_die "pg_ctl not found"; ba_pg_stop_datadir "$d" fast; ba_ok "PostgreSQL stopped ($d)"; stopped=1; fi
    done
    if ba_redis_pid_alive "$DEV_DIR/redis/redis.pid"; then ba_redis_stop_pidfile "$DEV_DIR/redis/redis.pid"; ba_ok "Redis stopped"; stopped=1; fi
    [ "$stopped" = 1 ] || ba_info "nothing was running"
    exit 0 ;;
  '') ;;
  *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
esac

printf '\n%sBookingAssignment — local run%s\n\n' "$BA_B" "$BA_0"

# ----------------------------------------------------------------------------------------------
ba_step "Settings"
ba_load_dotenv "$BA_ROOT/.env"
API_PORT="${API_PORT:-5080}"
DEV_PG_PORT="${DEV_PG_PORT:-55432}"
DEV_REDIS_PORT="${DEV_REDIS_PORT:-56379}"
API_URL="http://127.0.0.1:$API_PORT"
API_PID_FILE="$DEV_DIR/api-$API_PORT.pid"
API_LOG="$DEV_DIR/api-$API_PORT.log"
export Auth__ClientApiKeys__0="${Auth__ClientApiKeys__0:-dev-client-key}"
export Auth__OpsApiKeys__0="${Auth__OpsApiKeys__0:-dev-ops-key}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export ASPNETCORE_URLS="$API_URL"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
for f in FEATURE_ASSIGNMENT_PIPELINE_V3 FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW \
         FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL FEATURE_ASSIGNMENT_PIPELINE_V3_PERCENT; do
  if [ -n "${!f+x}" ]; then export "${f?}"; ba_info "$f=${!f}"; fi
done

command -v dotnet >/dev/null 2>&1 || ba_die "the .NET 10 SDK ('dotnet') is not on PATH"
ba_ensure_curl        # HTTP probes (ba_http_status)
ba_ensure_redis_cli   # Redis probes (ba_redis_ping), whichever Redis ends up being used

# Refuse early when the API port is busy, before touching anything.
if ba_port_open 127.0.0.1 "$API_PORT"; then
  if [ "$(ba_http_status "$API_URL/health/ready")" != 000 ] && [ -f "$API_PID_FILE" ] \
     && kill -0 "$(cat "$API_PID_FILE")" 2>/dev/null; then
    ba_die "the BookingAssignment API is already running at $API_URL (pid $(cat "$API_PID_FILE"), started by another scripts/run.sh).
       Use that one, stop it (Ctrl-C in its terminal, or: scripts/run.sh stop), or run a second one on another port:
         API_PORT=5081 scripts/run.sh"
  fi
  ba_die "port $API_PORT on 127.0.0.1 is already in use by another program.
       Free it, or choose another port:  API_PORT=5081 scripts/run.sh"
fi

# ----------------------------------------------------------------------------------------------
API_PID=""; TAIL_PID=""; CLEANED=""
cleanup() {
  [ -z "$CLEANED" ] || return 0
  CLEANED=1
  trap - INT TERM
  echo
  ba_step "Shutting down what this run started"
  if [ -n "$TAIL_PID" ]; then kill "$TAIL_PID" 2>/dev/null || true; fi
  if [ -n "$API_PID" ] && kill -0 "$API_PID" 2>/dev/null; then
    ba_info "stopping the API (pid $API_PID)"
    kill -TERM "$API_PID" 2>/dev/null || true
    for _ in $(seq 1 75); do kill -0 "$API_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$API_PID" 2>/dev/null || true
  fi
  if [ -n "$API_PID" ] && [ "$(cat "$API_PID_FILE" 2>/dev/null)" = "$API_PID" ]; then rm -f "$API_PID_FILE"; fi
  ba_stop_started
  ba_info "reused servers (if any) were left running"
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'rc=$?; cleanup; exit $rc' EXIT

mkdir -p "$DEV_DIR"; chmod 0755 "$BA_ROOT/.data" "$DEV_DIR" 2>/dev/null || true

# ----------------------------------------------------------------------------------------------
ba_step "PostgreSQL"
PG_CS=""
if [ -n "${ConnectionStrings__Postgres:-}" ]; then
  ba_parse_npgsql "$ConnectionStrings__Postgres"
  if ba_pg_ping "$BA_CS_HOST" "$BA_CS_PORT"; then
    ba_ok "using the configured ConnectionStrings__Postgres ($BA_CS_HOST:$BA_CS_PORT answers)"
    PG_CS="$ConnectionStrings__Postgres"
  else
    ba_warn "ConnectionStrings__Postgres is set but $BA_CS_HOST:$BA_CS_PORT does not answer; starting a local one instead"
  fi
fi
REDIS_CS=""; REDIS_MSG=""
if [ -n "${ConnectionStrings__Redis:-}" ]; then
  ba_parse_redis "$ConnectionStrings__Redis"
  if ba_redis_ping "$BA_CS_HOST" "$BA_CS_PORT" "$BA_CS_PASS"; then
    REDIS_CS="$ConnectionStrings__Redis"
  else
    REDIS_MSG="ConnectionStrings__Redis is set but $BA_CS_HOST:$BA_CS_PORT does not answer; starting a local one instead"
  fi
fi

DEV_PG_CS="Host=127.0.0.1;Port=$DEV_PG_PORT;Database=booking;Username=booking;Password=booking"
DEV_REDIS_CS="127.0.0.1:$DEV_REDIS_PORT"
USE_DOCKER=""
if { [ -z "$PG_CS" ] || [ -z "$REDIS_CS" ]; } && ba_docker_engine; then USE_DOCKER=1; fi

compose_up() { # service port kind
  local svc="$1" port="$2" kind="$3" up=""
  if [ "$kind" = pg ]; then ba_pg_ping 127.0.0.1 "$port" && up=1; else ba_redis_ping 127.0.0.1 "$port" && up=1; fi
  if [ -n "$up" ]; then ba_ok "$svc already answers on 127.0.0.1:$port — reusing it"; return 0; fi
  ba_info "a Docker engine answers: docker compose up -d $svc"
  DEV_PG_PORT="$DEV_PG_PORT" DEV_REDIS_PORT="$DEV_REDIS_PORT" ba_compose up -d "$svc" 9>&- || ba_die "docker compose up -d $svc failed"
  BA_STARTED_COMPOSE+=("$svc")
  for _ in $(seq 1 90); do
    if [ "$kind" = pg ]; then ba_pg_ping 127.0.0.1 "$port" && return 0; else ba_redis_ping 127.0.0.1 "$port" && return 0; fi
    sleep 1
  done
  ba_die "$svc (docker compose) did not answer on 127.0.0.1:$port within 90 s"
}

if [ -z "$PG_CS" ]; then
  if [ -n "$USE_DOCKER" ]; then
    compose_up postgres "$DEV_PG_PORT" pg
  else
    ba_ensure_pg_binaries
    ba_lock "$BA_ROOT/.data/dev.lock" "scripts/run.sh provisioning"
    ba_pg_private "$DEV_DIR" "$DEV_PG_PORT" dev
    ba_pg_ensure_database "$DEV_PG_PORT" booking
    ba_unlock
  fi
  PG_CS="$DEV_PG_CS"
fi
export ConnectionStrings__Postgres="$PG_CS"

ba_step "Redis"
[ -z "$REDIS_MSG" ] || ba_warn "$REDIS_MSG"
if [ -n "$REDIS_CS" ]; then
  ba_ok "using the configured ConnectionStrings__Redis ($REDIS_CS answers)"
else
  if [ -n "$USE_DOCKER" ]; then
    compose_up redis "$DEV_REDIS_PORT" redis
  else
    ba_ensure_redis_binaries
    ba_lock "$BA_ROOT/.data/dev.lock" "scripts/run.sh provisioning"
    ba_redis_private "$DEV_DIR" "$DEV_REDIS_PORT"
    ba_unlock
  fi
  REDIS_CS="$DEV_REDIS_CS"
fi
export ConnectionStrings__Redis="$REDIS_CS"

# ----------------------------------------------------------------------------------------------
ba_step "Building the API (Release)"
BUILD_LOG="$DEV_DIR/build.log"
if ! dotnet build src/BookingAssignment.Api/BookingAssignment.Api.csproj -c Release -nologo -v q \
      -clp:NoSummary >"$BUILD_LOG" 2>&1 9>&-; then
  grep -E ': (error|warning) ' "$BUILD_LOG" | sort -u | tail -n 40 >&2 || tail -n 40 "$BUILD_LOG" >&2
  ba_die "the build failed (full log: ${BUILD_LOG#"$BA_ROOT"/})"
fi
API_DLL="$BA_ROOT/src/BookingAssignment.Api/bin/Release/net10.0/BookingAssignment.Api.dll"
[ -f "$API_DLL" ] || ba_die "build succeeded but $API_DLL is missing"
ba_ok "built ${API_DLL#"$BA_ROOT"/}"

ba_step "Applying database migrations"
if ! timeout 300 dotnet "$API_DLL" migrate >"$DEV_DIR/migrate.log" 2>&1 9>&-; then
  tail -n 40 "$DEV_DIR/migrate.log" >&2
  ba_die "'migrate' failed (log: .data/dev/migrate.log)"
fi
ba_ok "database is up to date"

ba_step "Seeding the demo restaurant"
if ! timeout 120 dotnet "$API_DLL" seed-demo >"$DEV_DIR/seed.log" 2>&1 9>&-; then
  tail -n 40 "$DEV_DIR/seed.log" >&2
  ba_die "'seed-demo' failed (log: .data/dev/seed.log)"
fi
DEMO_ID="$(sed -n 's/.*DEMO_RESTAURANT_ID=\([0-9a-fA-F-]\{36\}\).*/\1/p' "$DEV_DIR/seed.log" | tail -n1)"
[ -n "$DEMO_ID" ] || { tail -n 20 "$DEV_DIR/seed.log" >&2; ba_die "'seed-demo' printed no DEMO_RESTAURANT_ID=<uuid> line"; }
ba_ok "demo restaurant $DEMO_ID"

# ----------------------------------------------------------------------------------------------
ba_step "Starting the API on $API_URL"
: >"$API_LOG"
dotnet "$API_DLL" >>"$API_LOG" 2>&1 9>&- &
API_PID=$!
echo "$API_PID" >"$API_PID_FILE"
ready=""
for _ in $(seq 1 240); do
  if ! kill -0 "$API_PID" 2>/dev/null; then break; fi
  if [ "$(ba_http_status "$API_URL/health/ready")" = 200 ]; then ready=1; break; fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  tail -n 40 "$API_LOG" >&2
  if kill -0 "$API_PID" 2>/dev/null; then
    ba_die "the API did not report ready at $API_URL/health/ready within 120 s (log: ${API_LOG#"$BA_ROOT"/})"
  fi
  ba_die "the API exited during start-up (log above, also in ${API_LOG#"$BA_ROOT"/})"
fi

# ----------------------------------------------------------------------------------------------
if [ -f /usr/share/zoneinfo/Europe/London ]; then
  DAY="$(TZ=Europe/London date -d tomorrow +%F)"
  STARTS_AT="$(TZ=Europe/London date -d "$DAY 19:00" +%Y-%m-%dT%H:%M:%S%:z)"
else
  ba_warn "tzdata is missing (no /usr/share/zoneinfo/Europe/London): assuming UTC+00:00 for the example"
  DAY="$(date -u -d tomorrow +%F)"; STARTS_AT="${DAY}T19:00:00+00:00"
fi
IDEM="$(cat /proc/sys/kernel/random/uuid 2>/dev/null || date +%s%N)"
BODY="{\"restaurantId\":\"$DEMO_ID\",\"partySize\":4,\"startsAt\":\"$STARTS_AT\",\"customer\":{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\",\"phone\":\"+44 20 7946 0000\"}}"

flags=""
for f in FEATURE_ASSIGNMENT_PIPELINE_V3 FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW \
         FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL FEATURE_ASSIGNMENT_PIPELINE_V3_PERCENT; do
  flags+="${f#FEATURE_ASSIGNMENT_PIPELINE_}=${!f:-(default)}  "
done

cat <<EOF

${BA_G}${BA_B}BookingAssignment API is ready${BA_0}

  URL            $API_URL        (health: $API_URL/health/ready)
  API keys       client: ${BA_B}$Auth__ClientApiKeys__0${BA_0}    ops: ${BA_B}$Auth__OpsApiKeys__0${BA_0}     (header X-Api-Key)
  Demo restaurant $DEMO_ID   (Europe/London)
  PostgreSQL     $ConnectionStrings__Postgres
  Redis          $ConnectionStrings__Redis
  Pipeline flags $flags
  Logs           ${API_LOG#"$BA_ROOT"/}   (followed below)

Create a booking for tomorrow 19:00 (paste into another terminal; change the Idempotency-Key
to create another one — the same key returns the same booking):

curl -s -X POST $API_URL/bookings -H 'X-Api-Key: $Auth__ClientApiKeys__0' -H 'Content-Type: application/json' -H 'Idempotency-Key: $IDEM' -d '$BODY'

Expected: HTTP 201 with "status":"confirmed". Press ${BA_B}Ctrl-C${BA_0} to stop the API and the servers this run started.
------------------------------------------------------------------------------------------------
EOF

tail -n 0 -f "$API_LOG" --pid="$API_PID" 9>&- &
TAIL_PID=$!
set +e
wait "$API_PID"
API_RC=$?
set -e
sleep 0.3
ba_warn "the API exited by itself (exit code $API_RC)"
exit "$API_RC"
