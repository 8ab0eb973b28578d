/**
 * An experiment as a standalone numpy script, in the seeds' own style: global `np.random.seed`,
 * the same draws in the same order, `.dot` products, SGD by hand (format v2's optimisers, penalties
 * and schedules also by hand, as the README defines them; a v1 experiment's script is unchanged). Running it prints
 * `<step> <loss>` per step at full precision, which is how its agreement with nnlab is tested.
 */
import { dataDims, shapeOf, trainingOf, type Experiment } from './experiment';
import { isPlainSgd } from './optimizers';
import { numpyDataCode, numpyStandardizeCode, pyNum } from './data';

export interface ExportOptions {
  /**
   * "Export this step as numpy": train up to `step`, take that step, then print (as the last line,
   * JSON) what core/explain.ts reports for it: loss before and after, per-layer norms, flipped
   * predictions and `sampleRow`'s forward and backward record.
   */
  explain?: { step: number; sampleRow: number };
  /**
   * For a csv reference: the same experiment with the file read (core/csv.ts resolveCsvData), which
   * gives the row count and classes; the script itself still reads the file.
   */
  resolved?: Experiment;
}

const py = (v: unknown): string => {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNum(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  throw new Error(`cannot write ${typeof v} as Python`);
};

/** Format v2's training rule as numpy: its settings, `rate(t)`, `penalty()` and `step(p, g, s, lr)`. */
function trainingCode(exp: Experiment): string[] {
  const { optimizer: o, regularization: r, schedule: sc } = trainingOf(exp);
  const settings =
    o.kind === 'momentum' || o.kind === 'nesterov'
      ? [`momentum = ${pyNum(o.momentum)}`]
      : o.kind === 'rmsprop'
        ? [`rho, epsilon = ${pyNum(o.rho)}, ${pyNum(o.epsilon)}`]
        : o.kind === 'adam'
          ? [`beta1, beta2, epsilon, bias_correction = ${pyNum(o.beta1)}, ${pyNum(o.beta2)}, ${pyNum(o.epsilon)}, ${py(o.biasCorrection)}`]
          : [];
  const stepBody = {
    sgd: ['    p -= lr * g'],
    momentum: ['    s[0] = momentum * s[0] + g', '    p -= lr * s[0]'],
    nesterov: ['    s[0] = momentum * s[0] + g', '    p -= lr * (g + momentum * s[0])'],
    rmsprop: ['    s[0] = rho * s[0] + (1 - rho) * g * g', '    p -= lr * g / (np.sqrt(s[0]) + epsilon)'],
    adam: [
      '    s[0] = beta1 * s[0] + (1 - beta1) * g',
      '    s[1] = beta2 * s[1] + (1 - beta2) * g * g',
      '    m, v = s',
      '    if bias_correction:',
      '        m = m / (1 - beta1 ** updates)',
      '        v = v / (1 - beta2 ** updates)',
      '    p -= lr * m / (np.sqrt(v) + epsilon)',
    ],
  }[o.kind];
  const rateBody =
    sc.kind === 'constant'
      ? ['    return learning_rate']
      : sc.kind === 'step'
        ? [`    return learning_rate * ${pyNum(sc.factor)} ** (t // ${sc.every})`]
        : sc.kind === 'exponential'
          ? [`    return learning_rate * ${pyNum(sc.rate)} ** t`]
          : [
              `    T, lr_min = ${sc.steps ?? Math.max(1, exp.steps)}, ${pyNum(sc.minLearningRate)}`,
              '    return lr_min + (learning_rate - lr_min) * (1 + math.cos(math.pi * min(t, T) / T)) / 2',
            ];
  const scheduleDoc = {
    constant: 'constant',
    step: 'multiplied by a factor every few steps',
    exponential: 'multiplied by a rate every step',
    cosine: 'a half cosine from learning_rate down to lr_min over T steps, then lr_min',
  }[sc.kind];
  return [
    `# Training rule (nnlab experiment format v2): ${o.kind}; the penalties apply to weights, never biases.`,
    ...settings,
    `l2, l1 = ${pyNum(r.l2)}, ${pyNum(r.l1)}`,
    '',
    '',
    'def rate(t):',
    `    """The learning rate of the update at step t (from 0): ${scheduleDoc}."""`,
    ...rateBody,
    '',
    '',
    'def penalty():',
    '    """Added to the printed training loss; the hold-out loss is the data loss alone."""',
    '    return sum(l2 * np.sum(w * w) + l1 * np.sum(np.abs(w)) for w in W)',
    '',
    '',
    'def step(p, g, s, lr):',
    `    """One ${o.kind} update of the array p, in place; s is its state (zeros at first), updates counts from 1."""`,
    ...stepBody,
    '',
    '',
    'state_W = [[np.zeros_like(w), np.zeros_like(w)] for w in W]',
    'state_b = [None if v is None else [np.zeros_like(v), np.zeros_like(v)] for v in b]',
    'updates = 0',
  ];
}

/** An experiment in float32 exports as float64: numpy in the seeds' style has no float32 mode to match nnlab's kernels. */
export const FLOAT32_NOTE =
  'This experiment asks for "precision": "float32"; this script computes in float64 (numpy\'s default), so its losses are the float64 run\'s, not the float32 run\'s.';

export function exportNumpy(exp: Experiment, options: ExportOptions = {}): string {
  const v2 = !isPlainSgd(exp) || (exp.schedule !== undefined && exp.schedule.kind !== 'constant');
  const explain = options.explain;
  const resolved = options.resolved ?? exp;
  if (resolved.data.kind === 'csv') throw new Error('exportNumpy: a csv data reference needs options.resolved (the experiment with its file read)');
  const shape = shapeOf(resolved);
  const init = exp.init;
  const explicit = Array.isArray(init.weights);
  const layerList = exp.layers.map((l) => `(${l.units}, ${JSON.stringify(l.activation)})`).join(', ');
  const scheme = explicit ? null : (init as { weights: string; biases: string });

  const initCode = explicit
    ? [
        '# Explicit initial parameters from the experiment file.',
        `W = [np.array(m, dtype=float) for m in ${py((init as { weights: number[][][] }).weights)}]`,
        `b = [None if v is None else np.array(v, dtype=float) for v in ${py((init as { biases: (number[] | null)[] }).biases)}]`,
      ].join('\n')
    : [
        `# ${scheme!.weights} weights${exp.bias ? `, ${scheme!.biases} biases` : ', no biases'}; drawn layer by layer, W then b.`,
        'W, b = [], []',
        'fan_in = x.shape[1]',
        'for units, _ in layers:',
        scheme!.weights === 'xavier'
          ? '    W.append(np.random.randn(fan_in, units) * np.sqrt(2 / (fan_in + units)))'
          : scheme!.weights === 'he'
            ? '    W.append(np.random.randn(fan_in, units) * np.sqrt(2 / fan_in))'
            : '    W.append(np.random.randn(fan_in, units))',
        !exp.bias ? '    b.append(None)' : scheme!.biases === 'standard-normal' ? '    b.append(np.random.randn(units))' : '    b.append(np.zeros(units))',
        '    fan_in = units',
      ].join('\n');

  const lossCode = {
    sse: ['    d = y_pred - y', '    return np.square(d).sum(), 2.0 * d'],
    mse: ['    d = y_pred - y', '    return np.square(d).sum() / d.size, 2.0 * d / d.size'],
    'softmax-cross-entropy': [
      '    z = y_pred - y_pred.max(axis=1, keepdims=True)',
      '    e = np.exp(z)',
      '    s = e.sum(axis=1, keepdims=True)',
      '    rows = y_pred.shape[0]',
      '    return -(y * (z - np.log(s))).sum() / rows, (e / s - y) / rows',
    ],
  }[exp.loss];

  const lines = [
    '#!/usr/bin/env python3',
    `"""nnlab experiment ${JSON.stringify(exp.name)}, exported as a standalone numpy script.`,
    ...(exp.description ? ['', exp.description] : []),
    '',
    'Prints "<step> <loss>" for every step (the loss before that step\'s update), as nnlab records it.',
    ...(exp.precision === 'float32' ? ['', FLOAT32_NOTE] : []),
    '"""',
    ...(v2 ? ['import math', ''] : []),
    'import numpy as np',
    '',
    "np.seterr(all='ignore')  # a diverging run overflows on purpose; it is reported below",
    `np.random.seed(${exp.seed})`,
    '',
    '# Data, drawn first.',
    numpyDataCode(exp.data),
    '',
    `layers = [${layerList}]  # (units, activation); the last is the output layer`,
    `learning_rate = ${pyNum(exp.learningRate)}`,
    explain ? `steps = ${explain.step + 1}  # up to the explained step` : `steps = ${exp.steps}`,
    `batch_size = ${exp.batchSize ?? 'None'}`,
    `n_train = ${shape.trainRows}  # the last ${shape.testRows} rows are held out, never trained on`,
    ...(numpyStandardizeCode(exp.data) ? [numpyStandardizeCode(exp.data)!] : []),
    '',
    initCode,
    '',
    'x_train, y_train = x[:n_train], y[:n_train]',
    'x_test, y_test = x[n_train:], y[n_train:]',
    '',
    ...(v2 ? [...trainingCode(exp), ''] : []),
    '',
    'def activate(kind, h):',
    "    if kind == 'relu':",
    '        return np.maximum(h, 0)',
    "    if kind == 'tanh':",
    '        return np.tanh(h)',
    "    if kind == 'sigmoid':",
    '        return 1 / (1 + np.exp(-h))',
    '    return h',
    '',
    '',
    'def derive(kind, h, a, grad):',
    '    """Gradient through the activation; relu passes it at h == 0, as the seeds\' grad[h < 0] = 0 does."""',
    "    if kind == 'relu':",
    '        grad = grad.copy()',
    '        grad[h < 0] = 0',
    '        return grad',
    "    if kind == 'tanh':",
    '        return grad * (1 - a * a)',
    "    if kind == 'sigmoid':",
    '        return grad * (a * (1 - a))',
    '    return grad',
    '',
    '',
    'def forward(a):',
    '    hs, acts = [], [a]',
    '    for l, (_, kind) in enumerate(layers):',
    '        h = a.dot(W[l])',
    '        if b[l] is not None:',
    '            h = h + b[l]',
    '        a = activate(kind, h)',
    '        hs.append(h)',
    '        acts.append(a)',
    '    return hs, acts',
    '',
    '',
    `def loss_and_grad(y_pred, y):  # ${exp.loss}`,
    ...lossCode,
    '',
    '',
    'perm, cursor = None, 0',
    'for t in range(steps):',
    '    if batch_size is None:',
    '        xb, yb = x_train, y_train',
    '        idx = np.arange(n_train)',
    '    else:',
    '        if cursor == 0:',
    '            perm = np.random.permutation(n_train)',
    '        idx = perm[cursor:cursor + batch_size]',
    '        cursor = 0 if cursor + len(idx) >= n_train else cursor + len(idx)',
    '        xb, yb = x_train[idx], y_train[idx]',
    '',
    ...(explain
      ? [
          '    if t == steps - 1:  # the explained step: keep what its update starts from',
          '        W0, b0 = [w.copy() for w in W], [None if v is None else v.copy() for v in b]',
          '        classes0 = np.argmax(forward(x_train)[1][-1], axis=1)',
        ]
      : []),
    '    hs, acts = forward(xb)',
    '    loss, grad = loss_and_grad(acts[-1], yb)',
    ...(v2 ? ['    loss = loss + penalty()'] : []),
    '    if not np.isfinite(loss):',
    "        print(f'# diverged at step {t}: the loss is {float(loss)!r}')",
    '        break',
    '    print(t, repr(float(loss)))',
    '',
    `    # Every gradient first, then every update (${v2 ? trainingOf(exp).optimizer.kind : 'plain SGD'}).`,
    '    grads = [None] * len(layers)',
    '    for l in reversed(range(len(layers))):',
    '        grad = derive(layers[l][1], hs[l], acts[l + 1], grad)',
    '        grads[l] = (acts[l].T.dot(grad), grad.sum(0))',
    '        if l > 0:',
    '            grad = grad.dot(W[l].T)',
    ...(v2
      ? [
          '    updates += 1',
          '    lr = rate(t)',
          '    for l, (gW, gb) in enumerate(grads):',
          '        step(W[l], gW + 2 * l2 * W[l] + l1 * np.sign(W[l]), state_W[l], lr)',
          '        if b[l] is not None:',
          '            step(b[l], gb, state_b[l], lr)',
        ]
      : [
          '    for l, (gW, gb) in enumerate(grads):',
          '        W[l] -= learning_rate * gW',
          '        if b[l] is not None:',
          '            b[l] -= learning_rate * gb',
        ]),
    '',
    'if len(x_test):',
    '    test_loss, _ = loss_and_grad(forward(x_test)[1][-1], y_test)',
    // float(): numpy 2's repr of a numpy scalar is `np.float64(…)`, not the number.
    "    print(f'# hold-out loss after training: {float(test_loss)!r}')",
  ];
  if (exp.testPoints?.length) {
    lines.push(
      '',
      `test = np.array(${py(exp.testPoints)}, dtype=float)`,
      "print('# predictions for the test points:')",
      "print('\\n'.join('# ' + line for line in str(forward(test)[1][-1]).splitlines()))",
    );
  }
  if (explain) {
    const code = explainCode(explain.sampleRow, (dataDims(resolved.data).classes ?? 0) > 0);
    // Under a v2 schedule the step's rate is rate(t), which the loop left in lr.
    lines.push('', ...(v2 ? code.map((l) => l.replace("'learningRate': learning_rate", "'learningRate': lr")) : code));
  }
  return lines.join('\n') + '\n';
}

/** After the loop stopped at the explained step: its record, from W0/b0 (before) and W/b (after). */
function explainCode(sampleRow: number, classes: boolean): string[] {
  return [
    '# The explained step, as nnlab\'s "Last update" shows it (the last line, JSON).',
    'import json',
    '',
    '',
    'def norm(m):',
    '    return float(np.sqrt(np.square(m).sum()))',
    '',
    '',
    'loss_before, grad = loss_and_grad(acts[-1], yb)',
    'deltas = [None] * len(layers)',
    'for l in reversed(range(len(layers))):',
    '    grad = derive(layers[l][1], hs[l], acts[l + 1], grad)',
    '    deltas[l] = grad',
    '    if l > 0:',
    '        grad = grad.dot(W0[l].T)',
    'loss_after, _ = loss_and_grad(forward(xb)[1][-1], yb)',
    'per_layer = []',
    'for l in range(len(layers)):',
    '    w_norm, u_norm = norm(W0[l]), norm(W[l] - W0[l])',
    '    per_layer.append({',
    "        'gradNorm': norm(acts[l].T.dot(deltas[l])), 'updateNorm': u_norm, 'weightNorm': w_norm,",
    "        'updateRatio': u_norm / w_norm if w_norm > 0 else None,",
    "        'biasGradNorm': None if b0[l] is None else norm(deltas[l].sum(axis=0)),",
    '    })',
    classes
      ? 'flipped = [int(r) for r in np.nonzero(classes0 != np.argmax(forward(x_train)[1][-1], axis=1))[0]]'
      : 'flipped = []  # regression targets: no classes to flip',
    'rows = [int(r) for r in idx]',
    `k = rows.index(${sampleRow}) if ${sampleRow} in rows else 0`,
    'record = {',
    "    'step': t, 'learningRate': learning_rate, 'lossBefore': float(loss_before), 'lossAfter': float(loss_after),",
    "    'batchRows': rows, 'layers': per_layer, 'flipped': flipped,",
    "    'sample': {'row': rows[k], 'x': xb[k].tolist(), 'y': yb[k].tolist(), 'layers': [",
    "        {'activation': kind, 'z': hs[l][k].tolist(), 'a': acts[l + 1][k].tolist(), 'delta': deltas[l][k].tolist()}",
    '        for l, (_, kind) in enumerate(layers)]},',
    '}',
    'print(json.dumps(record))',
  ];
}
