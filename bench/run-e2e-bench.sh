#!/usr/bin/env bash
# bench/run-e2e-bench.sh — end-to-end benchmark of POST /bookings on V3 (SPEC §7).
#
#   bench/run-e2e-bench.sh [--clients 200] [--seconds 20] [--restaurants 20] [--drop 2000] [--steady-only] [--open-loop-share 25] [--warmup-seconds 45]
#   bench/run-e2e-bench.sh --drop-only [--drop 2000]   # the ceiling, then the two drops alone (the second's CPU per request, latency per status)
#   bench/run-e2e-bench.sh --wrk      # the same API under Debian's wrk (bench/wrk/bookings.lua) instead; each bookings phase on 20 new restaurants
#   bench/run-e2e-bench.sh --soak-minutes 30 [--open-loop-share 25]   # the soak (bench/run-soak-bench.sh)
#   API_ENV="DOTNET_gcServer=0" bench/run-e2e-bench.sh --steady-only   # runtime settings for the API process only (not the load test)
#
# Starts private PostgreSQL (55435) and Redis (56381) under .data/bench (wiped each run), builds
# Release, starts the API with FEATURE_ASSIGNMENT_PIPELINE_V3=true on 127.0.0.1:5090, then runs
# bench/BookingAssignment.LoadTest: the bare-insert ceiling, steady load at the given concurrency,
# a 2,000-request drop on one restaurant's evening, and the SQL invariants. Results go to
# bench/results/e2e-latest.json; the exit code is non-zero if an invariant fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$BA_ROOT"

BENCH_DIR="$BA_ROOT/.data/bench"
API_PID=""
cleanup() {
  trap - EXIT INT TERM
  ba_bench_stop_api
  ba_stop_started
}
trap cleanup EXIT INT TERM

ba_bench_postgres "$BENCH_DIR" "${BENCH_PG_PORT:-55435}" "bench/run-e2e-bench.sh"
# Room for the bare-insert client (one connection per simulated client) next to the API pool.
ba_psql "$BA_PG_PORT" postgres "ALTER SYSTEM SET max_connections = 400" >/dev/null
# PG_SETTINGS="name=value;name=value": server settings for this run only (e.g. "autovacuum=off", to test a hypothesis).
# ALTER SYSTEM refuses an extension's setting (auto_explain.*) until its library is loaded; core settings only.
IFS=';' read -ra pg_settings <<<"${PG_SETTINGS:-}"
for setting in "${pg_settings[@]}"; do
  [ -n "$setting" ] && ba_psql "$BA_PG_PORT" postgres "ALTER SYSTEM SET ${setting%%=*} = '${setting#*=}'" >/dev/null
done
# PG_STATEMENTS=1: count every statement (pg_stat_statements), printed per booking at the end.
if [ "${PG_STATEMENTS:-0}" = 1 ]; then ba_psql "$BA_PG_PORT" postgres "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" >/dev/null; fi
ba_pg_stop_datadir "$(ba_pg_home "$BENCH_DIR")/data" fast && BA_STARTED_PG=() && ba_pg_private "$BENCH_DIR" "$BA_PG_PORT" test
# With the library loaded, planning is counted too (a statement planned on every execution shows it).
if [ "${PG_STATEMENTS:-0}" = 1 ]; then
  ba_psql "$BA_PG_PORT" postgres "ALTER SYSTEM SET pg_stat_statements.track_planning = on" >/dev/null
  ba_psql "$BA_PG_PORT" postgres "SELECT pg_reload_conf()" >/dev/null
fi
ba_redis_private "$BENCH_DIR" "${BENCH_REDIS_PORT:-56381}"

PG="Host=127.0.0.1;Port=$BA_PG_PORT;Database=booking;Username=booking;Password=booking"
# The API logs at the level operators run (appsettings: Information); LOG_LEVEL=Warning for a quieter run.
LOG_LEVEL="${LOG_LEVEL:-Information}"
ba_step "Building (Release)"
# API_DIR: another checkout whose API to build and measure (bench/run-ab-bench.sh); the load test is always this one.
API_DIR="${API_DIR:-.}"
# The plain Release build (JIT), as every figure in docs/benchmarks.md before this option measured.
# API_BUILD=r2r: the API as the image runs it (Dockerfile), published for linux-x64 with ReadyToRun.
if [ "${API_BUILD:-jit}" = jit ]; then
  API_DLL="$API_DIR/src/BookingAssignment.Api/bin/Release/net10.0/BookingAssignment.Api.dll"
  dotnet build "$API_DIR/src/BookingAssignment.Api" -c Release -v quiet -nologo 9>&- >/dev/null
else
  API_DLL="$BENCH_DIR/publish/BookingAssignment.Api.dll"
  dotnet publish "$API_DIR/src/BookingAssignment.Api" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$BENCH_DIR/publish" -v quiet -nologo 9>&- >/dev/null
fi
dotnet build bench/BookingAssignment.LoadTest -c Release -v quiet -nologo 9>&- >/dev/null

ba_step "Starting the API (V3 on) on 127.0.0.1:5090"
# API_POOL: the API's Npgsql pool (Maximum Pool Size; default 100, Npgsql's own default).
ConnectionStrings__Postgres="$PG;Maximum Pool Size=${API_POOL:-100}" ConnectionStrings__Redis="127.0.0.1:$BA_REDIS_PORT" \
Auth__ClientApiKeys__0=bench-client-key Auth__OpsApiKeys__0=bench-ops-key \
FEATURE_ASSIGNMENT_PIPELINE_V3=true RateLimiting__TokenLimit=1000000 RateLimiting__TokensPerSecond=1000000 Bookings__MaxDaysAhead=730 \
Serilog__MinimumLevel__Default="$LOG_LEVEL" ASPNETCORE_URLS=http://127.0.0.1:5090 \
  env ${API_ENV:-} dotnet "$API_DLL" >"$BENCH_DIR/api.log" 2>&1 9>&- &
API_PID=$!
for _ in $(seq 1 60); do [ "$(ba_http_status http://127.0.0.1:5090/health/ready)" = 200 ] && break; sleep 0.5; done
[ "$(ba_http_status http://127.0.0.1:5090/health/ready)" = 200 ] || { tail -n 30 "$BENCH_DIR/api.log"; ba_die "API did not become ready"; }

if [ "${1:-}" = "--wrk" ]; then
  # The outside cross-check (issue 13): Debian's wrk with bench/wrk/bookings.lua against the same API.
  shift
  command -v wrk >/dev/null || { ba_step "Installing wrk"; apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
  mkdir -p bench/results
  # Twenty new, empty restaurants (their ids in $1): each bookings phase books its own, so every one
  # starts on empty days as the load test's steady phase does. On the warm-up's days a later phase
  # found about 50 bookings a day and each booking cost more (docs/benchmarks.md, 2026-12-04).
  restaurants() {
    dotnet bench/BookingAssignment.LoadTest/bin/Release/net10.0/BookingAssignment.LoadTest.dll \
      --url http://127.0.0.1:5090 --postgres "$PG" --restaurants 20 --ids-out "$1" 9>&- >/dev/null
  }
  restaurants bench/results/wrk-restaurants.txt
  : >bench/results/wrk-latest.txt
  [ "${PG_STATEMENTS:-0}" = 1 ] && ba_psql "$BA_PG_PORT" booking "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  api_cpu() { awk '{print $14 + $15}' "/proc/$API_PID/stat"; }
  # Every postgres process's CPU (utime + stime, in ticks), as the load test counts it.
  # (A process that exits meanwhile makes cat fail; that must not end the run under set -e.)
  pg_cpu() { { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk '$2 == "(postgres)" { t += $14 + $15 } END { print t + 0 }'; }
  # Warm-up (JIT until tiered compilation settles, pools), not reported.
  WRK_RESTAURANTS=bench/results/wrk-restaurants.txt wrk -t2 -c200 -d45s -s bench/wrk/bookings.lua http://127.0.0.1:5090 9>&- >/dev/null
  # Availability asks about the warm-up's days (the fullest) and about the days the 200-connection
  # phase booked (the mixed phase too): how full a day is changes what an answer costs.
  for spec in "1 connection|-t1 -c1|0|bookings|wrk-restaurants-1.txt" "5 connections|-t1 -c5|0|bookings|wrk-restaurants-5.txt" \
              "10 connections|-t2 -c10|0|bookings|wrk-restaurants-10.txt" "200 connections|-t2 -c200|0|bookings|wrk-restaurants-200.txt" \
              "paced: 20 connections, 200 ms pause each|-t2 -c20|200|bookings|wrk-restaurants-paced.txt" \
              "availability, 200 connections, the warm-up's days|-t2 -c200|0|availability|wrk-restaurants.txt" \
              "availability, 200 connections, the 200-connection phase's days|-t2 -c200|0|availability|wrk-restaurants-200.txt"; do
    IFS='|' read -r label opts pause script ids <<<"$spec"
    [ "$script" = bookings ] && restaurants "bench/results/$ids"
    [ "${PG_STATEMENTS:-0}" = 1 ] && ba_psql "$BA_PG_PORT" booking "SELECT pg_stat_statements_reset()" >/dev/null
    before=$(api_cpu); pg_before=$(pg_cpu)
    out=$(WRK_RESTAURANTS="bench/results/$ids" WRK_DELAY_MS=$pause wrk $opts -d"${WRK_SECONDS:-15}"s --timeout 30s \
      -s "bench/wrk/$script.lua" http://127.0.0.1:5090 9>&-)
    after=$(api_cpu); pg_after=$(pg_cpu)
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    held=$(ba_psql "$BA_PG_PORT" booking "SELECT count(*) FROM bookings WHERE restaurant_id::text IN ($(sed "s/.*/'&'/" "bench/results/$ids" | paste -sd,))")
    { echo "## $label (wrk $opts -d${WRK_SECONDS:-15}s, WRK_DELAY_MS=$pause; restaurants $ids, holding $held bookings after it)"; echo "$out";
      awk -v t="$((after - before))" -v p="$((pg_after - pg_before))" -v n="$requests" \
        'BEGIN { printf "API CPU per request: %.2f ms, PostgreSQL CPU per request: %.2f ms\n\n", (n > 0 ? 10 * t / n : 0), (n > 0 ? 10 * p / n : 0) }'; } \
      | tee -a bench/results/wrk-latest.txt
    # PG_STATEMENTS=1: the phase's statements per request (calls, execution time, plans and planning time in the server).
    if [ "${PG_STATEMENTS:-0}" = 1 ]; then
      ba_psql "$BA_PG_PORT" booking "SELECT round(calls::numeric / $requests, 2) AS per_request, round((total_exec_time / $requests)::numeric, 3) AS exec_ms_per_request, round(plans::numeric / $requests, 2) AS plans_per_request, round((total_plan_time / $requests)::numeric, 3) AS plan_ms_per_request, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query FROM pg_stat_statements WHERE calls >= $requests / 20 ORDER BY calls DESC LIMIT 15" \
        | tee -a bench/results/wrk-latest.txt
    fi
  done
  # Availability while bookings change the days it remembers (Assignment/ScheduleCache): 180
  # connections ask while 20 others book, both over the same restaurants and days.
  [ "${PG_STATEMENTS:-0}" = 1 ] && ba_psql "$BA_PG_PORT" booking "SELECT pg_stat_statements_reset()" >/dev/null
  before=$(api_cpu)
  WRK_RESTAURANTS=bench/results/wrk-restaurants-200.txt wrk -t1 -c20 -d"${WRK_SECONDS:-15}"s --timeout 30s -s bench/wrk/bookings.lua \
    http://127.0.0.1:5090 9>&- >"$BENCH_DIR/wrk-mixed-bookings.txt" &
  out=$(WRK_RESTAURANTS=bench/results/wrk-restaurants-200.txt wrk -t2 -c180 -d"${WRK_SECONDS:-15}"s --timeout 30s \
    -s bench/wrk/availability.lua http://127.0.0.1:5090 9>&-)
  wait $!
  after=$(api_cpu)
  { echo "## availability, 180 connections, beside bookings on 20 (wrk -t2 -c180 and -t1 -c20, -d${WRK_SECONDS:-15}s)"; echo "$out";
    echo "bookings beside it:"; grep -E "requests in|statuses|latency ms" "$BENCH_DIR/wrk-mixed-bookings.txt"; echo; } | tee -a bench/results/wrk-latest.txt
  if [ "${PG_STATEMENTS:-0}" = 1 ]; then
    ba_psql "$BA_PG_PORT" booking "SELECT calls, round(total_exec_time::numeric, 1) AS exec_ms, plans, round(total_plan_time::numeric, 1) AS plan_ms, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query FROM pg_stat_statements WHERE query LIKE '%schedule_versions%' OR query LIKE 'SELECT a.booking_id%' ORDER BY calls DESC" \
      | tee -a bench/results/wrk-latest.txt
  fi
  exit 0
fi

ba_step "Load"
mkdir -p bench/results
set +e
dotnet bench/BookingAssignment.LoadTest/bin/Release/net10.0/BookingAssignment.LoadTest.dll \
  --url http://127.0.0.1:5090 --postgres "$PG" --api-pid "$API_PID" --out bench/results/e2e-latest.json "$@" 9>&-
LOAD_RC=$?
if [ "${PG_STATEMENTS:-0}" = 1 ]; then
  ba_step "Statements per stored booking (pg_stat_statements, the whole run: warm-up, ceiling and checks included)"
  ba_psql "$BA_PG_PORT" booking "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  ba_psql "$BA_PG_PORT" booking "SELECT round(s.calls::numeric / b.n, 2) AS per_booking, round((s.total_exec_time / b.n)::numeric, 3) AS ms_per_booking, round(s.plans::numeric / b.n, 2) AS plans_per_booking, round((s.total_plan_time / b.n)::numeric, 3) AS plan_ms_per_booking, left(regexp_replace(s.query, '\s+', ' ', 'g'), 150) AS query FROM pg_stat_statements s, (SELECT count(*)::numeric AS n FROM bookings) b WHERE s.calls >= b.n / 10 ORDER BY s.calls DESC LIMIT 40" \
    | tee bench/results/e2e-statements.txt
fi

# REPORT_WINDOW: how far back the report reads (bench/run-soak-bench.sh gives the soak's minutes, so
# that the closed-loop warm-up and the ceiling before it are not in the verdict).
ba_step "The seed's go/no-go metrics for this run (rollout-report over the last ${REPORT_WINDOW:-1h})"
ConnectionStrings__Postgres="$PG" ConnectionStrings__Redis="127.0.0.1:$BA_REDIS_PORT" \
Auth__ClientApiKeys__0=bench-client-key Auth__OpsApiKeys__0=bench-ops-key Database__MigrateOnStartup=false \
Serilog__MinimumLevel__Default=Warning FEATURE_ASSIGNMENT_PIPELINE_V3=true \
  dotnet "$API_DLL" rollout-report --window "${REPORT_WINDOW:-1h}" --phase production-100 9>&- \
  | tee bench/results/e2e-rollout-report.txt || true
exit $LOAD_RC
