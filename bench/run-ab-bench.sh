#!/usr/bin/env bash
# bench/run-ab-bench.sh — the API of an earlier commit beside the current one, alternating, so that a
# comparison survives this shared, noisy machine (issue 13: CPU per booking against an earlier commit).
#
#   bench/run-ab-bench.sh <base-commit> [--rounds 2] [e2e options, e.g. --seconds 15 --clients 200]
#
# Checks <base-commit> out into .data/ab/<sha> (a git worktree) and runs bench/run-e2e-bench.sh
# --steady-only against the base API and the current one in turn (base, current, base, current, …),
# each with its own fresh PostgreSQL and Redis. Every run's JSON goes to bench/results/ab/; the table
# at the end (also bench/results/ab/summary.md) gives each run and the mean ratio current / base.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE="${1:?usage: bench/run-ab-bench.sh <base-commit> [--rounds N] [e2e options]}"; shift
ROUNDS=2
if [ "${1:-}" = "--rounds" ]; then ROUNDS="$2"; shift 2; fi
SHA="$(git rev-parse --short "$BASE")"
HEAD_SHA="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes')"
WT=".data/ab/$SHA" # not under .data/bench: the e2e benchmark wipes that every run
if [ ! -d "$WT" ]; then
  mkdir -p .data/ab
  git worktree add --detach "$WT" "$SHA" >/dev/null
fi
OUT=bench/results/ab
mkdir -p "$OUT"
rm -f "$OUT"/*.json
for round in $(seq 1 "$ROUNDS"); do
  for side in base current; do
    dir=.; [ "$side" = base ] && dir="$WT"
    echo "==> round $round: $side ($([ "$side" = base ] && echo "$SHA" || echo "$HEAD_SHA"))"
    API_DIR="$dir" bench/run-e2e-bench.sh --steady-only "$@" >"$OUT/$side-$round.log" 2>&1 || true
    cp bench/results/e2e-latest.json "$OUT/$side-$round.json"
  done
done
python3 - "$OUT" "$SHA" "$HEAD_SHA" "$ROUNDS" "$*" <<'PY'
import json, sys, os, platform, subprocess
out, base, head, rounds, extra = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
rows, by = [], {"base": [], "current": []}
for r in range(1, rounds + 1):
    for side in ("base", "current"):
        d = json.load(open(os.path.join(out, f"{side}-{r}.json")))
        load = d["load"]
        by[side].append(d)
        rows.append(f"| {r} | {side} ({base if side == 'base' else head}) | {d['ceiling']['perSecond']:,} | {load['perSecond']:,} | {d['loadShareOfCeiling']} % | "
                    f"{load['p50Ms']} | {load['p99Ms']} | {d['apiCpuMsPerRequest']} | {d['postgresCpuMsPerRequest']} | {d['apiRssMb']} | {load.get('serverErrors', 0)} |")
mean = lambda side, f: sum(f(d) for d in by[side]) / len(by[side])
cpu = mean("current", lambda d: d["apiCpuMsPerRequest"]) / mean("base", lambda d: d["apiCpuMsPerRequest"])
pg = mean("current", lambda d: d["postgresCpuMsPerRequest"]) / mean("base", lambda d: d["postgresCpuMsPerRequest"])
share = mean("current", lambda d: d["loadShareOfCeiling"]) / mean("base", lambda d: d["loadShareOfCeiling"])
rss = mean("current", lambda d: d["apiRssMb"]) / mean("base", lambda d: d["apiRssMb"])
cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
text = "\n".join([
    f"`bench/run-ab-bench.sh {base} --rounds {rounds} {extra}`".replace("  ", " "),
    f"machine: {os.cpu_count()} cores ({cpu_model}), {platform.system()} {platform.release()}; base {base}, current {head}", "",
    "| round | API | ceiling req/s | steady req/s | share of ceiling | p50 ms | p99 ms | API CPU ms / booking | PostgreSQL CPU ms / booking | RSS MB | 5xx |",
    "|---|---|---|---|---|---|---|---|---|---|---|", *rows, "",
    f"current / base, means over the rounds: API CPU per booking {cpu:.2f}×, PostgreSQL CPU per booking {pg:.2f}×, share of ceiling {share:.2f}×, RSS {rss:.2f}×", ""])
print(text)
open(os.path.join(out, "summary.md"), "w").write(text)
PY
