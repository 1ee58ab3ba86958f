#!/usr/bin/env python3
# CPU profile of a dotnet-trace speedscope file: inclusive and self share of on-CPU samples per frame.
#   dotnet-trace collect -p <api-pid> --profile dotnet-sampled-thread-time --format Speedscope --duration 00:00:00:15 -o trace.nettrace
#   bench/speedscope-cpu.py trace.speedscope.json [frame-filter] [rows]
# Only samples whose leaf is CPU_TIME count (the profile also samples threads that wait).
import json, sys, collections
d = json.load(open(sys.argv[1]))
frames = [f['name'] for f in d['shared']['frames']]
incl = collections.Counter(); self_ = collections.Counter(); busy = 0.0
for p in d['profiles']:
    stack = []; last = None
    for e in p['events']:
        t = e['at']
        if last is not None and stack:
            names = [frames[i] for i in stack]
            if names[-1] == 'CPU_TIME':
                dt = t - last; busy += dt
                self_[names[-2] if len(names) > 1 else '?'] += dt
                for n in set(names): incl[n] += dt
        last = t
        if e['type'] == 'O': stack.append(e['frame'])
        elif stack: stack.pop()
print(f"cpu {busy:.0f} ms")
pat = sys.argv[2] if len(sys.argv) > 2 else ''
k = 0
for n, c in incl.most_common(5000):
    if pat in n and 'AsyncStateMachineBox' not in n and 'ExecutionContext' not in n:
        print(f"{100*c/busy:5.1f}% {n[:150]}"); k += 1
        if k > int(sys.argv[3] if len(sys.argv) > 3 else 50): break
print("--- self")
for n, c in self_.most_common(30): print(f"{100*c/busy:5.1f}% {n[:150]}")
