"""Times plain numpy SGD on an nnlab experiment, written the way the seed scripts write it.

Called by bench/bench.ts with one JSON argument: {"experiment": <nnlab experiment v1>, "steps",
"warmup", "dtype", "repeats"}. Draws the data and parameters in nnlab's order through the parity
fixtures' own generator (test/fixtures/make_fixtures.py: np.random.seed, the data, then W and b per
layer; minibatches from np.random.permutation per epoch), so the loss it prints is the one nnlab
must reproduce. Prints one JSON line: steps/s (best of the repeats, each timing `steps` steps after
`warmup` untimed ones) and the loss before the last timed step.

The loop is what a student writes (seed tutorials, `nnlab export-numpy`): `.dot` products,
in-place bias add, np.tanh / np.exp, fancy-index gather for the batch, SGD by hand.
"""
import json
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures'))
from make_fixtures import init_params, make_data  # noqa: E402  (the fixtures' generator: same draws as nnlab)

cfg = json.loads(sys.argv[1])
exp = cfg['experiment']
dtype = np.float32 if cfg['dtype'] == 'float32' else np.float64
np.seterr(all='ignore')
kinds = [layer['activation'] for layer in exp['layers']]
loss_name = exp['loss']
batch = exp.get('batchSize')


def setup():
    np.random.seed(exp['seed'])
    x, y = make_data(exp['data'])
    W, b = init_params(exp, x.shape[1])
    W = [w.astype(dtype) for w in W]
    b = [None if v is None else v.astype(dtype) for v in b]
    n_train = x.shape[0] - int(math.floor(x.shape[0] * exp.get('testFraction', 0)))
    return x[:n_train].astype(dtype), y[:n_train].astype(dtype), W, b


def activate(kind, h):
    if kind == 'relu':
        return np.maximum(h, 0)
    if kind == 'tanh':
        return np.tanh(h)
    if kind == 'sigmoid':
        return 1 / (1 + np.exp(-h))
    return h


def loss_and_grad(a, yb):
    if loss_name == 'softmax-cross-entropy':
        z = a - a.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        rows = yb.shape[0]
        return -(yb * (z - np.log(s))).sum() / rows, (e / s - yb) / rows
    d = a - yb
    if loss_name == 'mse':
        return np.square(d).sum() / d.size, 2.0 * d / d.size
    return np.square(d).sum(), 2.0 * d


class Run:
    def __init__(self):
        self.x, self.y, self.W, self.b = setup()
        self.perm = None
        self.cursor = 0

    def train(self, steps, lr):
        x, y, W, b = self.x, self.y, self.W, self.b
        n_train = x.shape[0]
        loss = None
        for _ in range(steps):
            if batch:
                if self.cursor == 0:
                    self.perm = np.random.permutation(n_train)
                idx = self.perm[self.cursor:self.cursor + batch]
                self.cursor = 0 if self.cursor + len(idx) >= n_train else self.cursor + len(idx)
                xb, yb = x[idx], y[idx]
            else:
                xb, yb = x, y
            hs, acts = [], [xb]
            a = xb
            for l, kind in enumerate(kinds):
                h = a.dot(W[l])
                if b[l] is not None:
                    h += b[l]
                a = activate(kind, h)
                hs.append(h)
                acts.append(a)
            loss, g = loss_and_grad(a, yb)
            grads = [None] * len(kinds)
            for l in reversed(range(len(kinds))):
                kind = kinds[l]
                if kind == 'relu':
                    g[hs[l] < 0] = 0
                elif kind == 'tanh':
                    g = g * (1 - acts[l + 1] * acts[l + 1])
                elif kind == 'sigmoid':
                    g = g * (acts[l + 1] * (1 - acts[l + 1]))
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
    run = Run()
    lr = dtype(exp['learningRate'])
    run.train(cfg['warmup'], lr)
    t0 = time.perf_counter()
    last_loss = run.train(cfg['steps'], lr)
    best = max(best, cfg['steps'] / (time.perf_counter() - t0))
print(json.dumps({'stepsPerSecond': best, 'lastLoss': float(last_loss), 'numpy': np.__version__}))
