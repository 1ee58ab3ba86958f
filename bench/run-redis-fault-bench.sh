#!/usr/bin/env bash
# bench/run-redis-fault-bench.sh — POST /bookings latency with RedLock servers hung or killed.
#
#   bench/run-redis-fault-bench.sh [--clients 20] [--seconds 15] [--restaurants 20]
#
# Starts a private PostgreSQL and three independent Redis servers (the production lock quorum)
# under .data/bench-redis (wiped each run), the API with V3 on, Locking__RedisEndpoints__0..2 and
# the logging level operators run (Information), then bench/BookingAssignment.LoadTest with
# --redis-pids: steady load with no fault, one server hung (SIGSTOP), no fault again, two hung,
# no fault a third time, one killed, two killed. Prints one line per scenario (p50/p99/max) and
# writes bench/results/redis-faults-latest.json with the machine, commit and command.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$BA_ROOT"

BENCH_DIR="$BA_ROOT/.data/bench-redis"
API_PID=""
cleanup() {
  trap - EXIT INT TERM
  ba_bench_stop_api
  for f in "$BENCH_DIR"/redis-q*/redis.pid; do [ -f "$f" ] && kill -CONT "$(cat "$f")" 2>/dev/null || true; done
  ba_stop_started
}
trap cleanup EXIT INT TERM

ba_bench_postgres "$BENCH_DIR" "${BENCH_PG_PORT:-55437}" "bench/run-redis-fault-bench.sh"
PIDS=() ENDPOINTS=()
for i in 1 2 3; do
  ba_redis_private "$BENCH_DIR" "$(( ${BENCH_REDIS_PORT:-56395} + i ))" "redis-q$i"
  ENDPOINTS+=("127.0.0.1:$BA_REDIS_PORT")
  PIDS+=("$(cat "$BENCH_DIR/redis-q$i/redis.pid")")
done

PG="Host=127.0.0.1;Port=$BA_PG_PORT;Database=booking;Username=booking;Password=booking"
ba_step "Building (Release)"
dotnet build src/BookingAssignment.Api -c Release -v quiet -nologo 9>&- >/dev/null
dotnet build bench/BookingAssignment.LoadTest -c Release -v quiet -nologo 9>&- >/dev/null

ba_step "Starting the API (V3 on, three lock servers, Information logging) on 127.0.0.1:5091"
ConnectionStrings__Postgres="$PG;Maximum Pool Size=100" ConnectionStrings__Redis="${ENDPOINTS[0]}" \
Locking__RedisEndpoints__0="${ENDPOINTS[0]}" Locking__RedisEndpoints__1="${ENDPOINTS[1]}" Locking__RedisEndpoints__2="${ENDPOINTS[2]}" \
Auth__ClientApiKeys__0=bench-client-key Auth__OpsApiKeys__0=bench-ops-key \
FEATURE_ASSIGNMENT_PIPELINE_V3=true RateLimiting__TokenLimit=1000000 RateLimiting__TokensPerSecond=1000000 \
ASPNETCORE_URLS=http://127.0.0.1:5091 \
  dotnet src/BookingAssignment.Api/bin/Release/net10.0/BookingAssignment.Api.dll >"$BENCH_DIR/api.log" 2>&1 9>&- &
API_PID=$!
for _ in $(seq 1 60); do [ "$(ba_http_status http://127.0.0.1:5091/health/ready)" = 200 ] && break; sleep 0.5; done
[ "$(ba_http_status http://127.0.0.1:5091/health/ready)" = 200 ] || { tail -n 30 "$BENCH_DIR/api.log"; ba_die "API did not become ready"; }

ba_step "Load with lock-server faults"
mkdir -p bench/results
OUT=bench/results/redis-faults-latest.json
set +e
dotnet bench/BookingAssignment.LoadTest/bin/Release/net10.0/BookingAssignment.LoadTest.dll \
  "$@" --url http://127.0.0.1:5091 --postgres "$PG" --api-pid "$API_PID" --clients 20 --seconds 15 \
  --redis-pids "$(IFS=,; echo "${PIDS[*]}")" --out "$OUT" 9>&-
RC=$?
set -e
printf '{"commit":"%s","command":"bench/run-redis-fault-bench.sh %s","machine":"%s","cpus":%s}\n' \
  "$(git rev-parse --short HEAD)" "$*" "$(uname -srm)" "$(nproc)" > bench/results/redis-faults-latest.meta.json
ba_info "results: $OUT (and .meta.json)"
exit $RC
