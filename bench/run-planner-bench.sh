#!/usr/bin/env bash
# Issue 4 benchmarks: builds in Release, runs the service-night simulator (writes the simulator
# section of docs/planner-benchmarks.md and docs/planner-covers-by-load.png) and the planner
# micro-benchmark (writes the micro section). About 12–15 minutes on a 2-core machine.
#   NIGHTS=18 bench/run-planner-bench.sh      # a quicker, less precise run
set -euo pipefail
cd "$(dirname "$0")/.."
NIGHTS="${NIGHTS:-54}"              # per load; nights cycle through 3 floors x 2 mixes x 3 orders
TIME_LIMIT="${TIME_LIMIT:-4}"       # CP-SAT seconds per night
WORKERS="${WORKERS:-2}"

dotnet build bench/BookingAssignment.Simulator/BookingAssignment.Simulator.csproj -c Release
dotnet build bench/BookingAssignment.PlannerBenchmarks/BookingAssignment.PlannerBenchmarks.csproj -c Release

status=0
dotnet run -c Release --no-build --project bench/BookingAssignment.Simulator -- \
  --nights "$NIGHTS" --time-limit "$TIME_LIMIT" --workers "$WORKERS" || status=$?

# Run from the repository root so BenchmarkDotNet finds the project; its artifacts go to a temp folder.
dotnet run -c Release --no-build --project bench/BookingAssignment.PlannerBenchmarks

if [ "$status" -ne 0 ]; then
  echo "simulator reported invalid schedules (exit $status)" >&2
fi
exit "$status"
