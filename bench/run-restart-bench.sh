#!/usr/bin/env bash
# bench/run-restart-bench.sh — restart to ready (issue 13, target 5: ≤ 1.5 s), the rollback path.
#
#   [MIGRATE=false] [R2R=0] bench/run-restart-bench.sh [--restarts 5]
#
# Starts private PostgreSQL and Redis under .data/restart, starts the Release API once (migrations
# applied, a booking made), then restarts it N times: SIGTERM, wait until the process is gone, start
# it again with FEATURE_ASSIGNMENT_PIPELINE_V3=false (the instant rollback), and poll /health/ready
# every 10 ms. Prints the machine, the commit and each restart's stop and start-to-ready times.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$BA_ROOT"
RESTARTS=5
# MIGRATE=false: restart without the migration check (the first start applied them), as a rollback restart may.
MIGRATE="${MIGRATE:-true}"
if [ "${1:-}" = "--restarts" ]; then RESTARTS="$2"; fi

DIR="$BA_ROOT/.data/restart"
API_PID=""
trap 'trap - EXIT INT TERM; ba_bench_stop_api; ba_stop_started' EXIT INT TERM
ba_bench_postgres "$DIR" "${RESTART_PG_PORT:-55438}" "bench/run-restart-bench.sh"
ba_redis_private "$DIR" "${RESTART_REDIS_PORT:-56383}"
# Published as the image publishes it (Dockerfile): linux-x64, ReadyToRun, so start-up runs
# precompiled code instead of JIT-compiling it. R2R=0 measures the plain Release build instead.
if [ "${R2R:-1}" = 1 ]; then
  ba_step "Publishing (Release, linux-x64, ReadyToRun)"
  dotnet publish src/BookingAssignment.Api -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$DIR/publish" -v quiet -nologo 9>&- >/dev/null
  DLL="$DIR/publish/BookingAssignment.Api.dll"
else
  ba_step "Building (Release)"
  dotnet build src/BookingAssignment.Api -c Release -v quiet -nologo 9>&- >/dev/null
  DLL=src/BookingAssignment.Api/bin/Release/net10.0/BookingAssignment.Api.dll
fi
dotnet build bench/BookingAssignment.LoadTest -c Release -v quiet -nologo 9>&- >/dev/null
URL=http://127.0.0.1:5092

start_api() { # $1: V3 flag
  ConnectionStrings__Postgres="Host=127.0.0.1;Port=$BA_PG_PORT;Database=booking;Username=booking;Password=booking" \
  ConnectionStrings__Redis="127.0.0.1:$BA_REDIS_PORT" Auth__ClientApiKeys__0=bench-client-key Auth__OpsApiKeys__0=bench-ops-key \
  FEATURE_ASSIGNMENT_PIPELINE_V3="$1" Database__MigrateOnStartup="${2:-true}" ASPNETCORE_URLS="$URL" dotnet "$DLL" >>"$DIR/api.log" 2>&1 9>&- &
  API_PID=$!
}
wait_ready() { until [ "$(ba_http_status "$URL/health/ready")" = 200 ]; do sleep 0.01; done; }
now() { date +%s.%N; }

ba_step "First start (migrations), one booking on V3"
start_api true; wait_ready
dotnet bench/BookingAssignment.LoadTest/bin/Release/net10.0/BookingAssignment.LoadTest.dll --url "$URL" \
  --postgres "Host=127.0.0.1;Port=$BA_PG_PORT;Database=booking;Username=booking;Password=booking" --restaurants 1 --ids-out "$DIR/ids.txt" 9>&- >/dev/null
echo "machine: $(nproc) cores, $(uname -sr); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes')"
echo "restarts with V3=false, Database__MigrateOnStartup=$MIGRATE, ReadyToRun=${R2R:-1}"
echo "| restart | stop (SIGTERM → gone) | start with V3=false → ready | total |"
echo "|---|---|---|---|"
for i in $(seq 1 "$RESTARTS"); do
  t_stop=$(now); kill -TERM "$API_PID"; wait "$API_PID" 2>/dev/null || true
  t_start=$(now); start_api false "$MIGRATE"; wait_ready; t_ready=$(now)
  awk -v a="$t_stop" -v b="$t_start" -v c="$t_ready" -v i="$i" 'BEGIN { printf "| %d | %.2f s | %.2f s | %.2f s |\n", i, b - a, c - b, c - a }'
done
