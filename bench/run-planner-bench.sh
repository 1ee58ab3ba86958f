#!/usr/bin/env bash
# Planner benchmarks: builds in Release, runs the service-night simulator (writes the simulator and
# exact-admission sections of docs/planner-benchmarks.md and docs/planner-covers-by-load.png) and
# the planner micro-benchmark's latency table (the micro section). The exact-admission section
# checks every policy against FCFS-exact with CP-SAT, which is slow: by default two nights per load
# on the two smaller floors (about 15 minutes on a 2-core machine).
#   NIGHTS=6 FLOORS=casual-240,room-80,bistro bench/run-planner-bench.sh   # more nights, all floors (much longer)
set -euo pipefail
cd "$(dirname "$0")/.."
NIGHTS="${NIGHTS:-2}"               # per load; nights cycle through floors x 2 mixes x 3 orders
FLOORS="${FLOORS:-room-80,bistro}"  # the 60-table casual-240 floor makes every CP-SAT check slow
TIME_LIMIT="${TIME_LIMIT:-1}"       # CP-SAT seconds for each night's hindsight optimum
WORKERS="${WORKERS:-2}"

dotnet build bench/BookingAssignment.Simulator/BookingAssignment.Simulator.csproj -c Release
dotnet build bench/BookingAssignment.PlannerBenchmarks/BookingAssignment.PlannerBenchmarks.csproj -c Release

status=0
dotnet run -c Release --no-build --project bench/BookingAssignment.Simulator -- \
  --floors "$FLOORS" --nights "$NIGHTS" --time-limit "$TIME_LIMIT" --workers "$WORKERS" || status=$?

# Run from the repository root so BenchmarkDotNet finds the project; its artifacts go to a temp folder.
dotnet run -c Release --no-build --project bench/BookingAssignment.PlannerBenchmarks -- --latency-only --rounds 10
# The e2e sell-out's evening decided by the exact planner alone (printed; copied into docs/benchmarks.md by hand).
dotnet run -c Release --no-build --project bench/BookingAssignment.PlannerBenchmarks -- --sell-out

if [ "$status" -ne 0 ]; then
  echo "simulator reported invalid schedules (exit $status)" >&2
fi
exit "$status"
