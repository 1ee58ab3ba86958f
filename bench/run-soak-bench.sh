#!/usr/bin/env bash
# bench/run-soak-bench.sh — the soak (issue 13, "running for weeks"): V3 under a fixed offered load
# for a long time, minute by minute: latency from the intended send time, the API's RSS, and the
# sizes of observability_events (all its day partitions), bookings, history, attempts, assignments.
#
#   bench/run-soak-bench.sh [--minutes 30] [--share 25]
#
# --share: the offered rate as a % of the bare-insert ceiling measured first in the same run.
# Runs bench/run-e2e-bench.sh --soak-minutes M --open-loop-share S (private PostgreSQL and Redis,
# the API at Information), then the rollout report over the soak's minutes. Prints the machine, the
# commit and the command; the per-minute JSON goes to bench/results/soak-latest.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MINUTES=30 SHARE=25
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES="$2"; shift 2 ;;
    --share) SHARE="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo ' (+ uncommitted changes)')"
echo "command: bench/run-soak-bench.sh --minutes $MINUTES --share $SHARE"
rc=0
REPORT_WINDOW="${MINUTES}m" bench/run-e2e-bench.sh --soak-minutes "$MINUTES" --open-loop-share "$SHARE" || rc=$?
cp bench/results/e2e-latest.json bench/results/soak-latest.json
exit $rc
