"""Times plain numpy SGD on an nnlab net, written the way the seed scripts write it.

Called by bench/bench.ts with one JSON argument: {"seed", "samples", "inputs", "outputs",
"layers": [[units, "relu"|"linear"], ...], "bias", "lr", "steps", "warmup", "dtype", "repeats"}.
Draws the data and parameters in nnlab's order (np.random.seed, x, y, then W and b per layer), so the
final loss it prints is the one nnlab must reproduce. Prints one JSON line: steps/s (best of the
repeats, each timing `steps` steps after `warmup` untimed ones) and the loss before the last step.
"""
import json
import sys
import time

import numpy as np

cfg = json.loads(sys.argv[1])
dtype = np.float32 if cfg['dtype'] == 'float32' else np.float64
np.seterr(all='ignore')


def setup():
    np.random.seed(cfg['seed'])
    x = np.random.randn(cfg['samples'], cfg['inputs']).astype(dtype)
    y = np.random.randn(cfg['samples'], cfg['outputs']).astype(dtype)
    W, b = [], []
    fan_in = cfg['inputs']
    for units, _ in cfg['layers']:
        W.append(np.random.randn(fan_in, units).astype(dtype))
        b.append(np.random.randn(units).astype(dtype) if cfg['bias'] else None)
        fan_in = units
    return x, y, W, b


def train(x, y, W, b, steps, lr):
    kinds = [k for _, k in cfg['layers']]
    loss = None
    for _ in range(steps):
        hs, acts = [], [x]
        a = x
        for l, kind in enumerate(kinds):
            h = a.dot(W[l])
            if b[l] is not None:
                h += b[l]
            a = np.maximum(h, 0) if kind == 'relu' else h
            hs.append(h)
            acts.append(a)
        d = a - y
        loss = np.square(d).sum()
        g = 2.0 * d
        grads = [None] * len(kinds)
        for l in reversed(range(len(kinds))):
            if kinds[l] == 'relu':
                g[hs[l] < 0] = 0
            grads[l] = (acts[l].T.dot(g), g.sum(0) if b[l] is not None else None)
            if l > 0:
                g = g.dot(W[l].T)
        for l, (gW, gb) in enumerate(grads):
            W[l] -= lr * gW
            if gb is not None:
                b[l] -= lr * gb
    return loss


best = 0.0
last_loss = None
for _ in range(cfg['repeats']):
    x, y, W, b = setup()
    lr = dtype(cfg['lr'])
    train(x, y, W, b, cfg['warmup'], lr)
    t0 = time.perf_counter()
    last_loss = train(x, y, W, b, cfg['steps'], lr)
    best = max(best, cfg['steps'] / (time.perf_counter() - t0))
print(json.dumps({'stepsPerSecond': best, 'lastLoss': float(last_loss), 'numpy': np.__version__}))
