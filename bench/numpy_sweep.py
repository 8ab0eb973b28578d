"""Runs a sweep's experiments one after another in one numpy process, as a numpy user would.

Called by bench/bench.ts with a JSON list of scripts on stdin: each is `nnlab export-numpy`'s
script for one grid point. They run in turn in this one process (numpy imported once), with
`print` silenced so the per-step lines cost nothing. Prints one JSON line: total seconds of the
runs (wall clock, and CPU time of all the process's threads), the start-up before them (importing numpy, reading and compiling the scripts; paid once, not
in `seconds`) and each run's last loss (the loss before its last update), which nnlab's must equal.
"""
import time

started = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402

scripts = json.load(sys.stdin)
codes = [compile(src, f'<run {i}>', 'exec') for i, src in enumerate(scripts)]
losses = []
t0 = time.perf_counter()
cpu0 = time.process_time()
for code in codes:
    ns = {'print': lambda *args, **kwargs: None, '__name__': '__main__'}
    exec(code, ns)
    losses.append(float(ns['loss']) if 'loss' in ns else None)
seconds = time.perf_counter() - t0
cpu = time.process_time() - cpu0
print(json.dumps({'seconds': seconds, 'cpuSeconds': cpu, 'startupSeconds': t0 - started, 'lastLosses': losses, 'numpy': np.__version__}))
