// The WebAssembly kernels, as WAT text. The register-blocked tiles are a dozen near-identical
// functions per precision (rows 1..4 × vectors 1..VB, plus a scalar column for odd widths), so
// they are written once here as templates instead of by hand; `scripts/build-wasm.mjs` assembles
// the text with wabt. Nothing here runs at training time. (Over 400 lines on purpose: the whole
// kernel module is one WAT text, and its templates share the register layout defined at the top.)
//
// One primitive carries every product the trainer needs ("TN form"):
//   C[p][j] = bias[j] + Σ_{i<L} A[i][p] · B[i][j]     for p < P, j < N
// with A, B and C addressed through row strides. gemmTN is this directly; gemm and gemmNT first
// transpose an operand into scratch (O(m·k) copies against O(m·n·k) multiply-adds).
//
// Variants: f64 / f32 lanes; `relaxed` uses relaxed-SIMD fused multiply-add (one rounding per
// step, which only makes each dot product more accurate), `plain` uses mul + add for runtimes
// without relaxed SIMD (Node 20 without --experimental-wasm-relaxed-simd). The memory is
// imported so one module serves a shared memory (worker threads) or a private one.

/** Rows of a register tile; each loaded B vector is used this many times. */
export const ROWS = 4;
/** Vectors per tile row in tn_T; with ROWS = 4 that is 8 accumulators, well inside 16 xmm registers. */
export const VECS = 2;
/**
 * Vectors per tile row in tnw_T, the driver for V8's revectorizer (node/wide-kernels.ts turns it on):
 * it fuses each pair of neighbouring 128-bit operations into one 256-bit AVX2 operation, so these
 * 16 xmm accumulators become 8 ymm ones. Without it they do not fit the 16 xmm registers and spill,
 * so tn_T stays the default; with it the float64 products ran at 17.4–22.8 G multiply-adds a second
 * against tn_T's 10.6–12.0 without (`node --import tsx bench/activations.ts`, this machine).
 */
export const WIDE_VECS = 4;

const TYPES = {
  f64: { lanes: 2, bytes: 8, splat: 'v128.load64_splat', scalarLoad: 'f64.load', scalarStore: 'f64.store' },
  f32: { lanes: 4, bytes: 4, splat: 'v128.load32_splat', scalarLoad: 'f32.load', scalarStore: 'f32.store' },
};

function madd(t, relaxed, a, b, c) {
  return relaxed ? `(${t}x${TYPES[t].lanes}.relaxed_madd ${a} ${b} ${c})` : `(${t}x${TYPES[t].lanes}.add (${t}x${TYPES[t].lanes}.mul ${a} ${b}) ${c})`;
}

/**
 * One R × V-vector tile over the whole reduction length L, with (`biased`) or without the bias row
 * added at the end: two functions rather than a branch, so each row's stores sit in one basic
 * block, where the revectorizer looks for neighbouring stores to start from. Pointers are byte addresses; strides
 * are in bytes. A tile reads A[i][p..p+R) as R splat loads at immediate offsets and B[i][j..] as V
 * vector loads, so the inner loop has two pointer bumps and a counter besides the R·V FMAs.
 */
function tile(t, relaxed, R, V, biased) {
  const { bytes, splat } = TYPES[t];
  const name = `$tile_${t}_${R}_${V}${biased ? '_b' : ''}`;
  const acc = (r, v) => `$c${r}_${v}`;
  const lines = [];
  lines.push(`(func ${name} (param $L i32) (param $pa i32) (param $sa i32) (param $pb i32) (param $sb i32) (param $pc i32) (param $sc i32) (param $bias i32)`);
  for (let r = 0; r < R; r++) for (let v = 0; v < V; v++) lines.push(`  (local ${acc(r, v)} v128)`);
  for (let v = 0; v < V; v++) lines.push(`  (local $b${v} v128)`);
  lines.push('  (local $s v128)');
  // Bias as the accumulators' starting value: numpy adds it after the product, and
  // (x + y) + b and b + x + y differ in the last bit, so it is added in the epilogue instead.
  lines.push('  (if (i32.gt_s (local.get $L) (i32.const 0)) (then');
  lines.push('  (loop $k');
  for (let v = 0; v < V; v++) lines.push(`    (local.set $b${v} (v128.load offset=${v * 16} (local.get $pb)))`);
  for (let r = 0; r < R; r++) {
    lines.push(`    (local.set $s (${splat} offset=${r * bytes} (local.get $pa)))`);
    for (let v = 0; v < V; v++) lines.push(`    (local.set ${acc(r, v)} ${madd(t, relaxed, '(local.get $s)', `(local.get $b${v})`, `(local.get ${acc(r, v)})`)})`);
  }
  lines.push('    (local.set $pa (i32.add (local.get $pa) (local.get $sa)))');
  lines.push('    (local.set $pb (i32.add (local.get $pb) (local.get $sb)))');
  lines.push('    (br_if $k (local.tee $L (i32.sub (local.get $L) (i32.const 1)))))))');
  const lanesName = `${t}x${TYPES[t].lanes}`;
  // The bias is loaded before the first store (a load after a store may alias it, and V8's
  // revectorizer then cannot pair the loads).
  if (biased) for (let v = 0; v < V; v++) lines.push(`  (local.set $b${v} (v128.load offset=${v * 16} (local.get $bias)))`);
  for (let r = 0; r < R; r++) {
    for (let v = 0; v < V; v++) {
      const value = biased ? `(${lanesName}.add (local.get ${acc(r, v)}) (local.get $b${v}))` : `(local.get ${acc(r, v)})`;
      lines.push(`  (v128.store offset=${v * 16} (local.get $pc) ${value})`);
    }
    if (r + 1 < R) lines.push('  (local.set $pc (i32.add (local.get $pc) (local.get $sc)))');
  }
  lines.push(')');
  return lines.join('\n');
}

/** R rows × one column, scalar: the leftover column(s) when N is not a multiple of the lanes. */
function scalarTile(t, relaxed, R) {
  const { bytes, scalarLoad, scalarStore } = TYPES[t];
  const lines = [];
  lines.push(`(func $tile_${t}_${R}_s (param $L i32) (param $pa i32) (param $sa i32) (param $pb i32) (param $sb i32) (param $pc i32) (param $sc i32) (param $bias i32)`);
  for (let r = 0; r < R; r++) lines.push(`  (local $c${r} ${t})`);
  lines.push(`  (local $b ${t})`);
  lines.push('  (if (i32.gt_s (local.get $L) (i32.const 0)) (then');
  lines.push('  (loop $k');
  lines.push(`    (local.set $b (${scalarLoad} (local.get $pb)))`);
  // Scalar FMA does not exist in wasm; relaxed or not, the scalar column is mul + add.
  void relaxed;
  for (let r = 0; r < R; r++) lines.push(`    (local.set $c${r} (${t}.add (${t}.mul (${scalarLoad} offset=${r * bytes} (local.get $pa)) (local.get $b)) (local.get $c${r})))`);
  lines.push('    (local.set $pa (i32.add (local.get $pa) (local.get $sa)))');
  lines.push('    (local.set $pb (i32.add (local.get $pb) (local.get $sb)))');
  lines.push('    (br_if $k (local.tee $L (i32.sub (local.get $L) (i32.const 1)))))))');
  for (let r = 0; r < R; r++) {
    lines.push(`  (${scalarStore} (local.get $pc) (if (result ${t}) (local.get $bias) (then (${t}.add (local.get $c${r}) (${scalarLoad} (local.get $bias)))) (else (local.get $c${r}))))`);
    if (r + 1 < R) lines.push('  (local.set $pc (i32.add (local.get $pc) (local.get $sc)))');
  }
  lines.push(')');
  return lines.join('\n');
}

/**
 * tn_T(P, N, L, a, sa, panel, b, sb, c, sc, bias): the primitive above over output rows [0, P), in
 * tiles of ROWS × `vecs` vectors (tnw_T: the same sums in wider tiles, for the revectorizer).
 * Strides sa, sb, sc are in elements; bias is a byte address or 0 for none; panel is 0 for a plain
 * row-major A, else the byte distance between packed panels (see pack_T). Row blocks of ROWS
 * outer, column blocks inner: the A panel (ROWS columns × L) stays in L1 while B streams.
 */
function driver(t, name = `tn_${t}`, vecs = VECS) {
  const { bytes, lanes } = TYPES[t];
  const colBlock = vecs * lanes;
  const args = '(local.get $L) (local.get $pa) (local.get $sa) (local.get $pb) (local.get $sb) (local.get $pc) (local.get $sc) (local.get $pbias)';
  const callTile = (R, V) =>
    V === 's' ? `(call $tile_${t}_${R}_s ${args})` : `(if (local.get $pbias) (then (call $tile_${t}_${R}_${V}_b ${args})) (else (call $tile_${t}_${R}_${V} ${args})))`;
  // Dispatch on the rows left (1..ROWS) for a given vector count.
  const byRows = (V) => {
    let s = callTile(1, V);
    for (let R = 2; R <= ROWS; R++) s = `(if (i32.eq (local.get $R) (i32.const ${R})) (then ${callTile(R, V)}) (else ${s}))`;
    return s;
  };
  const lines = [];
  lines.push(`(func (export "${name}") (param $P i32) (param $N i32) (param $L i32) (param $a i32) (param $sa i32) (param $panel i32) (param $b i32) (param $sb i32) (param $c i32) (param $sc i32) (param $bias i32)`);
  lines.push('  (local $p i32) (local $j i32) (local $R i32) (local $V i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $pbias i32)');
  lines.push(`  (local.set $sa (i32.mul (local.get $sa) (i32.const ${bytes})))`);
  lines.push(`  (local.set $sb (i32.mul (local.get $sb) (i32.const ${bytes})))`);
  lines.push(`  (local.set $sc (i32.mul (local.get $sc) (i32.const ${bytes})))`);
  // Column blocks outer when A's share (P rows × L) fits in L1 (48 KB here, 32 KB kept as the bound):
  // each B column panel is then read from memory once and reused by every row block, where the
  // rows-outer order below streams all of B once per row block (a 32-row batch against a 128×128
  // W read W 8 times). Same tiles, same sums: the results are bit for bit those of the other order.
  const tileAt = (then) => [
    `(local.set $pa (i32.add (local.get $a) (if (result i32) (local.get $panel) (then (i32.mul (i32.div_u (local.get $p) (i32.const ${ROWS})) (local.get $panel))) (else (i32.mul (local.get $p) (i32.const ${bytes}))))))`,
    `(local.set $pb (i32.add (local.get $b) (i32.mul (local.get $j) (i32.const ${bytes}))))`,
    `(local.set $pc (i32.add (local.get $c) (i32.add (i32.mul (local.get $p) (local.get $sc)) (i32.mul (local.get $j) (i32.const ${bytes})))))`,
    `(local.set $pbias (select (i32.add (local.get $bias) (i32.mul (local.get $j) (i32.const ${bytes}))) (i32.const 0) (local.get $bias)))`,
    then,
  ].join('\n        ');
  let partialNoAdvance = byRows(1);
  for (let V = 2; V < vecs; V++) partialNoAdvance = `(if (i32.eq (local.get $V) (i32.const ${V})) (then ${byRows(V)}) (else ${partialNoAdvance}))`;
  lines.push(`  (if (i32.le_u (i32.mul (i32.mul (local.get $P) (local.get $L)) (i32.const ${bytes})) (i32.const 32768)) (then`);
  lines.push('    (block $cdone (loop $cl');
  lines.push('      (br_if $cdone (i32.ge_s (local.get $j) (local.get $N)))');
  lines.push(`      (local.set $V (i32.div_s (i32.sub (local.get $N) (local.get $j)) (i32.const ${lanes})))`);
  lines.push('      (local.set $p (i32.const 0))');
  lines.push('      (block $rdone (loop $rl');
  lines.push('        (br_if $rdone (i32.ge_s (local.get $p) (local.get $P)))');
  lines.push(`        (local.set $R (select (i32.const ${ROWS}) (i32.sub (local.get $P) (local.get $p)) (i32.ge_s (i32.sub (local.get $P) (local.get $p)) (i32.const ${ROWS}))))`);
  lines.push(`        ${tileAt(`(if (i32.ge_s (local.get $V) (i32.const ${vecs})) (then ${byRows(vecs)}) (else (if (i32.gt_s (local.get $V) (i32.const 0)) (then ${partialNoAdvance}) (else ${byRows('s')}))))`)}`);
  lines.push(`        (local.set $p (i32.add (local.get $p) (i32.const ${ROWS})))`);
  lines.push('        (br $rl)))');
  lines.push(`      (local.set $j (i32.add (local.get $j) (if (result i32) (i32.ge_s (local.get $V) (i32.const ${vecs})) (then (i32.const ${colBlock})) (else (if (result i32) (i32.gt_s (local.get $V) (i32.const 0)) (then (i32.mul (local.get $V) (i32.const ${lanes}))) (else (i32.const 1)))))))`);
  lines.push('      (br $cl)))');
  lines.push('    (return)))');
  lines.push('  (block $rows_done (loop $rows');
  lines.push('    (br_if $rows_done (i32.ge_s (local.get $p) (local.get $P)))');
  lines.push(`    (local.set $R (select (i32.const ${ROWS}) (i32.sub (local.get $P) (local.get $p)) (i32.ge_s (i32.sub (local.get $P) (local.get $p)) (i32.const ${ROWS}))))`);
  lines.push('    (local.set $j (i32.const 0))');
  lines.push('    (block $cols_done (loop $cols');
  lines.push('      (br_if $cols_done (i32.ge_s (local.get $j) (local.get $N)))');
  // Packed A: each block of ROWS columns is its own contiguous panel, \`panel\` bytes apart.
  lines.push(`      (local.set $pa (i32.add (local.get $a) (if (result i32) (local.get $panel) (then (i32.mul (i32.div_u (local.get $p) (i32.const ${ROWS})) (local.get $panel))) (else (i32.mul (local.get $p) (i32.const ${bytes}))))))`);
  lines.push(`      (local.set $pb (i32.add (local.get $b) (i32.mul (local.get $j) (i32.const ${bytes}))))`);
  lines.push(`      (local.set $pc (i32.add (local.get $c) (i32.add (i32.mul (local.get $p) (local.get $sc)) (i32.mul (local.get $j) (i32.const ${bytes})))))`);
  lines.push(`      (local.set $pbias (select (i32.add (local.get $bias) (i32.mul (local.get $j) (i32.const ${bytes}))) (i32.const 0) (local.get $bias)))`);
  // Full column block, then fewer vectors, then a scalar column.
  lines.push(`      (local.set $V (i32.div_s (i32.sub (local.get $N) (local.get $j)) (i32.const ${lanes})))`);
  lines.push(`      (if (i32.ge_s (local.get $V) (i32.const ${vecs})) (then`);
  lines.push(`        ${byRows(vecs)}`);
  lines.push(`        (local.set $j (i32.add (local.get $j) (i32.const ${colBlock}))))`);
  lines.push('      (else (if (i32.gt_s (local.get $V) (i32.const 0)) (then');
  let partial = `(local.set $j (i32.add (local.get $j) (i32.const ${lanes})))`;
  partial = `${byRows(1)} ${partial}`;
  for (let V = 2; V < vecs; V++) {
    partial = `(if (i32.eq (local.get $V) (i32.const ${V})) (then ${byRows(V)} (local.set $j (i32.add (local.get $j) (i32.const ${V * lanes})))) (else ${partial}))`;
  }
  lines.push(`        ${partial})`);
  lines.push('      (else');
  lines.push(`        ${byRows('s')}`);
  lines.push('        (local.set $j (i32.add (local.get $j) (i32.const 1)))))))');
  lines.push('      (br $cols)))');
  lines.push(`    (local.set $p (i32.add (local.get $p) (i32.const ${ROWS})))`);
  lines.push('    (br $rows)))');
  lines.push(')');
  return lines.join('\n');
}

/**
 * transpose_T(rows, cols, src, dst): dst[c][r] = src[r][c], in 8×8 blocks so both sides stay in
 * cache lines they already touched.
 */
function transpose(t, to = t) {
  const { bytes, scalarLoad } = TYPES[t];
  const { bytes: outBytes, scalarStore } = TYPES[to];
  // float64 → float64: a whole 8×8 block moves as 2×2 tiles (two row vectors in, two column vectors
  // out), a quarter of the scalar loop's loads and stores; edge blocks take the scalar loop. Values are
  // only moved, so both paths give the same bits.
  const simdBlock = () => {
    const out = [];
    out.push('(local.set $sp (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r0) (local.get $cols)) (local.get $c0)) (i32.const 3))))');
    out.push('(local.set $dp (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c0) (local.get $rows)) (local.get $r0)) (i32.const 3))))');
    for (let i = 0; i < 4; i++) {
      // rows r0+2i and r0+2i+1 of the block; their 2×2 tiles go to columns r0+2i.. of dst rows c0+2j, c0+2j+1
      out.push('(local.set $sq (i32.add (local.get $sp) (local.get $srow)))');
      out.push('(local.set $dq (local.get $dp))');
      for (let j = 0; j < 4; j++) {
        out.push(`(local.set $v0 (v128.load offset=${16 * j} (local.get $sp)))`);
        out.push(`(local.set $v1 (v128.load offset=${16 * j} (local.get $sq)))`);
        out.push(`(v128.store offset=${16 * i} (local.get $dq) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $v0) (local.get $v1)))`);
        out.push(`(v128.store offset=${16 * i} (i32.add (local.get $dq) (local.get $drow)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $v0) (local.get $v1)))`);
        out.push('(local.set $dq (i32.add (local.get $dq) (i32.shl (local.get $drow) (i32.const 1))))');
      }
      out.push('(local.set $sp (i32.add (local.get $sq) (local.get $srow)))');
    }
    return out.join('\n        ');
  };
  const simd = t === 'f64' && to === 'f64';
  return `(func (export "transpose_${t === to ? t : `${t}_${to}`}") (param $rows i32) (param $cols i32) (param $src i32) (param $dst i32)
  (local $r0 i32) (local $c0 i32) (local $r i32) (local $c i32) (local $rEnd i32) (local $cEnd i32)${simd ? ' (local $sp i32) (local $sq i32) (local $dp i32) (local $dq i32) (local $srow i32) (local $drow i32) (local $v0 v128) (local $v1 v128)' : ''}
  ${simd ? '(local.set $srow (i32.shl (local.get $cols) (i32.const 3)))\n  (local.set $drow (i32.shl (local.get $rows) (i32.const 3)))' : ''}
  (block $done (loop $rb
    (br_if $done (i32.ge_s (local.get $r0) (local.get $rows)))
    (local.set $rEnd (select (i32.add (local.get $r0) (i32.const 8)) (local.get $rows) (i32.lt_s (i32.add (local.get $r0) (i32.const 8)) (local.get $rows))))
    (local.set $c0 (i32.const 0))
    (block $cdone (loop $cb
      (br_if $cdone (i32.ge_s (local.get $c0) (local.get $cols)))
      (local.set $cEnd (select (i32.add (local.get $c0) (i32.const 8)) (local.get $cols) (i32.lt_s (i32.add (local.get $c0) (i32.const 8)) (local.get $cols))))
      ${simd ? `(if (i32.and (i32.eq (i32.sub (local.get $rEnd) (local.get $r0)) (i32.const 8)) (i32.eq (i32.sub (local.get $cEnd) (local.get $c0)) (i32.const 8))) (then
        ${simdBlock()}
        (local.set $c0 (i32.add (local.get $c0) (i32.const 8)))
        (br $cb)))` : ''}
      (local.set $r (local.get $r0))
      (block $rdone (loop $ri
        (br_if $rdone (i32.ge_s (local.get $r) (local.get $rEnd)))
        (local.set $c (local.get $c0))
        (block $cidone (loop $ci
          (br_if $cidone (i32.ge_s (local.get $c) (local.get $cEnd)))
          (${scalarStore}
            (i32.add (local.get $dst) (i32.mul (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const ${outBytes})))
            ${convert(t, to, `(${scalarLoad} (i32.add (local.get $src) (i32.mul (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const ${bytes}))))`)})
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $ci)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $ri)))
      (local.set $c0 (i32.add (local.get $c0) (i32.const 8)))
      (br $cb)))
    (local.set $r0 (i32.add (local.get $r0) (i32.const 8)))
    (br $rb)))
)`;
}

/**
 * pack_T(m, k, src, dst): the transpose of src[m×k] cut into panels of ROWS columns, each panel
 * contiguous with stride ROWS: dst[q][i][r] = src[(ROWS·q + r)·k + i]. A tile then walks one
 * panel linearly (ROWS·bytes per step) instead of touching a new cache line per step.
 */
function pack(t, to = t) {
  const { bytes, scalarLoad } = TYPES[t];
  const { bytes: outBytes, scalarStore } = TYPES[to];
  // float64 → float64 with whole 4-row panels: two columns of the panel at a time, four row vectors
  // in and four vectors out (the panel's next 8 values, in order); an odd last column and a short
  // last panel take the scalar loop. Values are only moved: the same bits either way.
  const simd = t === 'f64' && to === 'f64' && ROWS === 4;
  const pairs = `(if (i32.eq (local.get $R) (i32.const 4)) (then
      (local.set $s (i32.add (local.get $src) (i32.mul (local.get $q) (local.get $rowBytes))))
      (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $q) (local.get $k)) (i32.const 3))))
      (local.set $i0 (i32.and (local.get $k) (i32.const -2)))
      (local.set $i (local.get $i0))
      (block $pdone (loop $pl
        (br_if $pdone (i32.le_s (local.get $i) (i32.const 0)))
        (local.set $v0 (v128.load (local.get $s)))
        (local.set $v1 (v128.load (i32.add (local.get $s) (local.get $rowBytes))))
        (local.set $v2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $rowBytes) (i32.const 1)))))
        (local.set $v3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $rowBytes) (i32.const 3)))))
        (v128.store offset=0 (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $v0) (local.get $v1)))
        (v128.store offset=16 (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $v2) (local.get $v3)))
        (v128.store offset=32 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $v0) (local.get $v1)))
        (v128.store offset=48 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $v2) (local.get $v3)))
        (local.set $s (i32.add (local.get $s) (i32.const 16)))
        (local.set $d (i32.add (local.get $d) (i32.const 64)))
        (local.set $i (i32.sub (local.get $i) (i32.const 2)))
        (br $pl))))
      (else (local.set $i0 (i32.const 0))))`;
  return `(func (export "pack_${t === to ? t : `${t}_${to}`}") (param $m i32) (param $k i32) (param $src i32) (param $dst i32)
  (local $q i32) (local $i i32) (local $r i32) (local $R i32) (local $s i32) (local $d i32) (local $rowBytes i32) (local $i0 i32)${simd ? ' (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)' : ''}
  (local.set $rowBytes (i32.mul (local.get $k) (i32.const ${bytes})))
  (block $done (loop $panels
    (br_if $done (i32.ge_s (local.get $q) (local.get $m)))
    (local.set $R (select (i32.const ${ROWS}) (i32.sub (local.get $m) (local.get $q)) (i32.ge_s (i32.sub (local.get $m) (local.get $q)) (i32.const ${ROWS}))))
    ${simd ? pairs : ''}
    (local.set $r (i32.const 0))
    (block $rdone (loop $rows
      (br_if $rdone (i32.ge_s (local.get $r) (local.get $R)))
      ;; from column i0 on (the columns the vector loop left)
      (local.set $s (i32.add (i32.add (local.get $src) (i32.mul (i32.add (local.get $q) (local.get $r)) (local.get $rowBytes))) (i32.mul (local.get $i0) (i32.const ${bytes}))))
      (local.set $d (i32.add (i32.add (i32.add (local.get $dst) (i32.mul (i32.mul (local.get $q) (local.get $k)) (i32.const ${outBytes}))) (i32.mul (local.get $r) (i32.const ${outBytes}))) (i32.mul (local.get $i0) (i32.const ${ROWS * outBytes}))))
      (local.set $i (i32.sub (local.get $k) (local.get $i0)))
      (if (i32.gt_s (local.get $i) (i32.const 0)) (then
      (loop $cols
        (${scalarStore} (local.get $d) ${convert(t, to, `(${scalarLoad} (local.get $s))`)})
        (local.set $s (i32.add (local.get $s) (i32.const ${bytes})))
        (local.set $d (i32.add (local.get $d) (i32.const ${ROWS * outBytes})))
        (br_if $cols (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows)))
    (local.set $q (i32.add (local.get $q) (i32.const ${ROWS})))
    (br $panels)))
)`;
}

function convert(from, to, expr) {
  if (from === to) return expr;
  return from === 'f64' ? `(f32.demote_f64 ${expr})` : `(f64.promote_f32 ${expr})`;
}

/**
 * demote(n, src, dst) / promote(n, src, dst): float64 ↔ float32 arrays, two lanes at a time. The
 * float32 mode keeps parameters in float64 and rounds operands to float32 for the products.
 */
function convertArray(name) {
  const demote = name === 'demote';
  const [inBytes, outBytes] = demote ? [8, 4] : [4, 8];
  const pair = demote
    ? '(v128.store64_lane 0 (local.get $d) (f32x4.demote_f64x2_zero (v128.load (local.get $s))))'
    : '(v128.store (local.get $d) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $s))))';
  const single = demote ? '(f32.store (local.get $d) (f32.demote_f64 (f64.load (local.get $s))))' : '(f64.store (local.get $d) (f64.promote_f32 (f32.load (local.get $s))))';
  return `(func (export "${name}") (param $n i32) (param $s i32) (param $d i32)
  (block $done (loop $pairs
    (br_if $done (i32.lt_s (local.get $n) (i32.const 2)))
    ${pair}
    (local.set $s (i32.add (local.get $s) (i32.const ${2 * inBytes})))
    (local.set $d (i32.add (local.get $d) (i32.const ${2 * outBytes})))
    (local.set $n (i32.sub (local.get $n) (i32.const 2)))
    (br $pairs)))
  (if (local.get $n) (then ${single}))
)`;
}

/**
 * promote_bias(rows, cols, src, dst, bias): dst[r][j] = src[r][j] (float32, widened) + bias[j]
 * (float64): the float32 product's epilogue, the same additions as the loop it replaces, bit for bit.
 */
function promoteBias() {
  return `(func (export "promote_bias") (param $rows i32) (param $cols i32) (param $s i32) (param $d i32) (param $bias i32)
  (local $j i32) (local $b i32)
  (block $rdone (loop $rowsl
    (br_if $rdone (i32.le_s (local.get $rows) (i32.const 0)))
    (local.set $j (local.get $cols))
    (local.set $b (local.get $bias))
    (block $cdone (loop $pairs
      (br_if $cdone (i32.lt_s (local.get $j) (i32.const 2)))
      (v128.store (local.get $d) (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $s))) (v128.load (local.get $b))))
      (local.set $s (i32.add (local.get $s) (i32.const 8)))
      (local.set $d (i32.add (local.get $d) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (local.set $j (i32.sub (local.get $j) (i32.const 2)))
      (br $pairs)))
    (if (local.get $j) (then
      (f64.store (local.get $d) (f64.add (f64.promote_f32 (f32.load (local.get $s))) (f64.load (local.get $b))))
      (local.set $s (i32.add (local.get $s) (i32.const 4)))
      (local.set $d (i32.add (local.get $d) (i32.const 8)))))
    (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
    (br $rowsl)))
)`;
}

/**
 * colsum_f64(rows, cols, stride, src, dst): dst[j] = column sums of src[rows × cols] (row stride
 * `stride` elements), added row after row from zero: the same additions as derive_f64's db, so a
 * band of columns summed on another thread gives the same bits.
 */
function colsum() {
  return `(func (export "colsum_f64") (param $rows i32) (param $cols i32) (param $stride i32) (param $src i32) (param $dst i32)
  (local $j i32) (local $s i32) (local $d i32) (local $rowBytes i32)
  (memory.fill (local.get $dst) (i32.const 0) (i32.mul (local.get $cols) (i32.const 8)))
  (local.set $rowBytes (i32.mul (local.get $stride) (i32.const 8)))
  (block $rdone (loop $rowsl
    (br_if $rdone (i32.le_s (local.get $rows) (i32.const 0)))
    (local.set $j (local.get $cols))
    (local.set $s (local.get $src))
    (local.set $d (local.get $dst))
    (block $cdone (loop $pairs
      (br_if $cdone (i32.lt_s (local.get $j) (i32.const 2)))
      (v128.store (local.get $d) (f64x2.add (v128.load (local.get $d)) (v128.load (local.get $s))))
      (local.set $s (i32.add (local.get $s) (i32.const 16)))
      (local.set $d (i32.add (local.get $d) (i32.const 16)))
      (local.set $j (i32.sub (local.get $j) (i32.const 2)))
      (br $pairs)))
    (if (local.get $j) (then
      (f64.store (local.get $d) (f64.add (f64.load (local.get $d)) (f64.load (local.get $s))))))
    (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
    (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
    (br $rowsl)))
)`;
}

/**
 * sgd(n, lr, g, w): w[i] = w[i] − lr·g[i], two lanes at a time. Multiply then subtract, never fused,
 * so it is bit for bit the trainer's own update (and numpy's `W -= lr * gW`).
 */
function sgd() {
  return `(func $sgd (export "sgd") (param $n i32) (param $lr f64) (param $g i32) (param $w i32)
  (local $l v128)
  (local.set $l (f64x2.splat (local.get $lr)))
  (block $done (loop $pairs
    (br_if $done (i32.lt_s (local.get $n) (i32.const 2)))
    (v128.store (local.get $w) (f64x2.sub (v128.load (local.get $w)) (f64x2.mul (local.get $l) (v128.load (local.get $g)))))
    (local.set $g (i32.add (local.get $g) (i32.const 16)))
    (local.set $w (i32.add (local.get $w) (i32.const 16)))
    (local.set $n (i32.sub (local.get $n) (i32.const 2)))
    (br $pairs)))
  (if (local.get $n) (then
    (f64.store (local.get $w) (f64.sub (f64.load (local.get $w)) (f64.mul (local.get $lr) (f64.load (local.get $g)))))))
)
;; sgd_at(n, rate, g, w): sgd with the rate read from memory (a queued call's arguments are all i32).
(func (export "sgd_at") (param $n i32) (param $rate i32) (param $g i32) (param $w i32)
  (call $sgd (local.get $n) (f64.load (local.get $rate)) (local.get $g) (local.get $w)))`;
}


const f2 = (v) => `(v128.const f64x2 ${v} ${v})`;
const c2 = (name) => `(local.get ${name})`;

/**
 * Elementwise activations in float64, two lanes a vector. exp follows Cephes (Cody-Waite reduction
 * x = n·ln2 + r, then the rational e^r = 1 + 2r·P(r²)/(Q(r²) − r·P(r²)) = u/v, scaled by 2^n as two
 * halves so results down to the subnormals round once); tanh and sigmoid use the same rational
 * (see oneDivisionBody). All are within 2 ulp of the correctly rounded value
 * (test/activations.test.ts measures it, next to V8's Math.* and numpy's own); numpy's tanh
 * and exp are not correctly rounded either, which is why parity is a 1e-8 claim, not bit equality.
 * Kinds: 0 linear, 1 relu, 2 tanh, 3 sigmoid (core/wasm/backend.ts ACTIVATION_CODES).
 */
/** 1.5·2^52: adding it rounds a double to an integer n held in its low mantissa bits. */
const POW2_MAGIC = '6755399441055744.0';

/**
 * Cephes' e^y up to its scaling, as local.set lines for the locals `v(name)` / `set(name, e)` name:
 * nm = n + 1.5·2^52 with n = round(y/ln 2) (its low mantissa bits hold n), n, r = y − n·ln 2
 * (Cody-Waite: n·C1 is exact, so y − n·C1 is too), rr = r², and the rational's halves with
 * e^r = (q + p)/(q − p): p = r + r·rr·P(rr), q = 2 + rr·Q(rr). The sigmoid and the softmax's e^x
 * share it; tanh keeps its own (a shifted n, and q without its 2, for its two halved sums).
 */
function cephesRational(relaxed, v, set) {
  const fm = (a, b, c) => madd('f64', relaxed, a, b, c);
  return [
    set('nm', fm(v('y'), f2('1.4426950408889634073599'), f2(POW2_MAGIC))),
    set('n', `(f64x2.sub ${v('nm')} ${f2(POW2_MAGIC)})`),
    set('r', fm(v('n'), f2('-1.42860682030941723212E-6'), fm(v('n'), f2('-6.93145751953125E-1'), v('y')))),
    set('rr', `(f64x2.mul ${v('r')} ${v('r')})`),
    set('p', fm(v('r'), `(f64x2.mul ${fm(f2('1.26177193074810590878E-4'), v('rr'), f2('3.02994407707441961300E-2'))} ${v('rr')})`, v('r'))),
    set('q', fm(fm(fm(f2('3.00198505138664455042E-6'), v('rr'), f2('2.52448340349684104192E-3')), v('rr'), f2('2.27265548208155028766E-1')), v('rr'), f2('2.0'))),
  ];
}

/**
 * x·2^n for n ≥ −1077 from the bits of nm (cephesRational): x·2^(n+64) is exact and normal, and the
 * final ·2^−64 rounds once, into the subnormals where the result belongs there.
 */
const scaledBy2n = (x, nm) =>
  `(f64x2.mul (f64x2.mul ${x} (i64x2.shl (i64x2.sub ${nm} (v128.const i64x2 0x4337fffffffffbc1 0x4337fffffffffbc1)) (i32.const 52))) ${f2('5.421010862427522170037264004349708557128906250E-20')})`;

/**
 * tanh and sigmoid with one division a vector, inline code for vector `t` of input local $x{t},
 * result in $res{t}.
 *   tanh: with y = 2|x|, tanh|x| = (e^y − 1)/(e^y + 1) = (2^n·u − v)/(2^n·u + v), e^r = u/v; one
 *         formula over the whole range (n = 0 gives p/q, no cancellation), no lanes computing a
 *         second rational to select from, sign of x put back last. 2.1 ns an element relaxed
 *         (2.7 plain) here against 5.1 for the two-rational version (bench/activations.ts).
 *   sigmoid, through a = −|z| (so 2^n ≤ 1 never overflows): e^a = u·2^n/v, and
 *         1/(1 + e^{−z}) = v/(v + u·2^n) for z ≥ 0, u·2^n/(v + u·2^n) for z < 0. 1.6 ns an element
 *         relaxed (2.4 plain) against 4.1 with min/max, the NaN select and 2^n in two halves.
 * test/activations.test.ts holds both within 2 ulp of the correctly rounded values, in both modules.
 */
function oneDivisionBody(kind, t, relaxed) {
  const v = (name) => `(local.get $${name}${t})`;
  const set = (name, e) => `(local.set $${name}${t} ${e})`;
  const sel = (a, b, m) => `(v128.bitselect ${a} ${b} ${m})`;
  if (kind === 'tanh') {
    const fm = (a, b, c) => madd('f64', relaxed, a, b, c);
    return [
      set('ax', `(v128.and ${v('x')} (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff))`),
      // y = 2|x| = n·ln2 + r. n rounds to the nearest integer in the addition of 1.5·2^52, whose
      // low mantissa bits then hold it for 2^(n−1) below. (pmin, unlike min, is one instruction.)
      // n = round(y/ln2 − 0.2), r in [−0.21, 0.49]: n = 0 up to |x| = 0.24, where n = 1 lost up to
      // 3 ulp to the cancellation in 2^n·u − v (2 ulp with the shift, over 150k mpmath values).
      set('y', `(f64x2.mul (f64x2.pmin ${v('ax')} ${f2('22.0')}) ${f2('2.0')})`),
      set('nm', `(f64x2.add ${fm(v('y'), f2('1.4426950408889634073599'), f2('-0.2'))} ${f2(POW2_MAGIC)})`),
      set('n', `(f64x2.sub ${v('nm')} ${f2(POW2_MAGIC)})`),
      // Cody-Waite: n·C1 is exact, so y − n·C1 is too.
      set('r', fm(v('n'), f2('-1.42860682030941723212E-6'), fm(v('n'), f2('-6.93145751953125E-1'), v('y')))),
      set('rr', `(f64x2.mul ${v('r')} ${v('r')})`),
      // e^r = u/v, u = q + p, v = q − p: p = r + r·m, q = 2 + qp (Cephes' rational, its leading 1 and 2 split off)
      set('p', fm(v('r'), `(f64x2.mul ${fm(f2('1.26177193074810590878E-4'), v('rr'), f2('3.02994407707441961300E-2'))} ${v('rr')})`, v('r'))),
      set('qp', `(f64x2.mul ${fm(fm(f2('3.00198505138664455042E-6'), v('rr'), f2('2.52448340349684104192E-3')), v('rr'), f2('2.27265548208155028766E-1'))} ${v('rr')})`),
      // a = (2^n − 1)/2, b = (2^n + 1)/2, exact (n ≤ 64 here)
      set('e', `(i64x2.shl (i64x2.sub ${v('nm')} (v128.const i64x2 0x4337fffffffffc02 0x4337fffffffffc02)) (i32.const 52))`),
      set('a', `(f64x2.sub ${v('e')} ${f2('0.5')})`),
      set('b', `(f64x2.add ${v('e')} ${f2('0.5')})`),
      // tanh|x| = (e^y − 1)/(e^y + 1) = (2^n·u − v)/(2^n·u + v), both halved:
      //   (2a + (b·p + a·qp)) / (2b + (b·qp + a·p)); the exact 2a and 2b are added last.
      set(
        'res',
        `(v128.or (f64x2.div (f64x2.add (f64x2.add ${v('a')} ${v('a')}) ${fm(v('b'), v('p'), `(f64x2.mul ${v('a')} ${v('qp')})`)}) (f64x2.add (f64x2.add ${v('b')} ${v('b')}) ${fm(v('b'), v('qp'), `(f64x2.mul ${v('a')} ${v('p')})`)})) (v128.and ${v('x')} (v128.const i64x2 0x8000000000000000 0x8000000000000000)))`,
      ),
    ];
  }
  // Lane select on an all-ones/all-zeros compare mask: relaxed_laneselect is then exact, and one
  // blend instruction where v128.bitselect is three.
  const pick = (a, b, m) => (relaxed ? `(i64x2.relaxed_laneselect ${a} ${b} ${m})` : sel(a, b, m));
  return [
    // a = −|z| (the sign bit set), clamped where e^a is below half the least subnormal. NaN stays
    // NaN through every step (pmax keeps its first operand when the compare fails).
    set('y', `(f64x2.pmax (v128.or ${v('x')} (v128.const i64x2 0x8000000000000000 0x8000000000000000)) ${f2('-746.0')})`),
    ...cephesRational(relaxed, v, set),
    set('v', `(f64x2.sub ${v('q')} ${v('p')})`),
    // e^a·v = u·2^n
    set('e', scaledBy2n(`(f64x2.add ${v('q')} ${v('p')})`, v('nm'))),
    set('res', `(f64x2.div ${pick(v('v'), v('e'), `(f64x2.ge ${v('x')} ${f2('0.0')})`)} (f64x2.add ${v('v')} ${v('e')}))`),
  ];
}

const ONE_DIVISION_LOCALS = { tanh: ['x', 'ax', 'y', 'nm', 'n', 'r', 'rr', 'p', 'qp', 'e', 'a', 'b', 'res'], sigmoid: ['x', 'y', 'nm', 'n', 'r', 'rr', 'p', 'q', 'v', 'e', 'res'] };

/** Vectors of an activation loop's turn: independent division chains the core overlaps. */
const ACT_VECS = 4;

/** $tanh2x / $sig2x (one vector) and $tanh_loop / $sigmoid_loop (n values, ACT_VECS vectors a turn). */
function oneDivision(kind, relaxed) {
  const name = kind === 'tanh' ? 'tanh' : 'sig';
  const locals = (t) => ONE_DIVISION_LOCALS[kind].filter((l) => t !== '' || l !== 'x').map((l) => `(local $${l}${t} v128)`).join(' ');
  const body = (t) => oneDivisionBody(kind, t, relaxed).join('\n    ');
  const vecs = Array.from({ length: ACT_VECS }, (_, i) => i);
  // The loop's constants live in locals set once before it: V8 builds each v128.const anew at every
  // use (a few instructions apiece), which cost more than the arithmetic here.
  const consts = [];
  const hoist = (text) =>
    text.replace(/\(v128\.const [^)]*\)/g, (c) => {
      if (!consts.includes(c)) consts.push(c);
      return `(local.get $k${consts.indexOf(c)})`;
    });
  const loopBody = hoist(vecs.map((i) => body(String(i))).join('\n    '));
  const constLocals = consts.map((_, i) => `(local $k${i} v128)`).join(' ');
  const constInit = consts.map((c, i) => `(local.set $k${i} ${c})`).join('\n  ');
  return `(func $${name}2x (param $x v128) (result v128)
  ${locals('')}
  ${body('')}
  (local.get $res))

(func $${kind}_loop (param $n i32) (param $z i32) (param $a i32)
  ${vecs.map((i) => locals(String(i))).join(' ')} ${constLocals}
  ${constInit}
  (block $done (loop $turns
    (br_if $done (i32.lt_s (local.get $n) (i32.const ${2 * ACT_VECS})))
    ${vecs.map((i) => `(local.set $x${i} (v128.load offset=${16 * i} (local.get $z)))`).join('\n    ')}
    ${loopBody}
    ${vecs.map((i) => `(v128.store offset=${16 * i} (local.get $a) (local.get $res${i}))`).join('\n    ')}
    (local.set $z (i32.add (local.get $z) (i32.const ${16 * ACT_VECS})))
    (local.set $a (i32.add (local.get $a) (i32.const ${16 * ACT_VECS})))
    (local.set $n (i32.sub (local.get $n) (i32.const ${2 * ACT_VECS})))
    (br $turns)))
  (block $done (loop $pairs
    (br_if $done (i32.lt_s (local.get $n) (i32.const 2)))
    (v128.store (local.get $a) (call $${name}2x (v128.load (local.get $z))))
    (local.set $z (i32.add (local.get $z) (i32.const 16)))
    (local.set $a (i32.add (local.get $a) (i32.const 16)))
    (local.set $n (i32.sub (local.get $n) (i32.const 2)))
    (br $pairs)))
  (if (local.get $n) (then
    (f64.store (local.get $a) (f64x2.extract_lane 0 (call $${name}2x (v128.load64_zero (local.get $z))))))))`;
}

const f4 = (v) => `(v128.const f32x4 ${v} ${v} ${v} ${v})`;

/**
 * float32 tanh and sigmoid, four lanes a vector, for the float32 mode (its products are float32
 * already; the activations were float64 at half the lanes). Cephes' expf: y = n·ln2 + r, |r| ≤ 0.35
 * (no shift as in float64 tanh: the polynomial is not good for float32 past 0.35), e^r − 1 = r + r²·P(r), P of degree 5. tanh|x| = N/(N + 2) with
 * N = e^y − 1 = (2^n − 1) + 2^n·(e^r − 1), which is e^r − 1 itself at n = 0 (no cancellation for
 * small x); sigmoid as in float64, e^{−|z|} scaled by 2^(n+32)·2^−32 so tiny results underflow once.
 * test/activations.test.ts states and bounds the relative error against Math.tanh and the sigmoid.
 */
function f32Body(kind, t, relaxed) {
  const v = (name) => `(local.get $${name}${t})`;
  const set = (name, e) => `(local.set $${name}${t} ${e})`;
  const fm = (a, b, c) => madd('f32', relaxed, a, b, c);
  const pick = (a, b, m) => (relaxed ? `(i32x4.relaxed_laneselect ${a} ${b} ${m})` : `(v128.bitselect ${a} ${b} ${m})`);
  const MAGIC = '12582912.0'; // 1.5·2^23: adding it rounds to an integer held in the low mantissa bits
  const em = [
    set('n', `(f32x4.sub ${v('nm')} ${f4(MAGIC)})`),
    set('r', fm(v('n'), f4('2.12194440e-4'), fm(v('n'), f4('-0.693359375'), v('y')))),
    set('rr', `(f32x4.mul ${v('r')} ${v('r')})`),
    set('em', fm(v('rr'), fm(fm(fm(fm(fm(f4('1.9875691500E-4'), v('r'), f4('1.3981999507E-3')), v('r'), f4('8.3334519073E-3')), v('r'), f4('4.1665795894E-2')), v('r'), f4('1.6666665459E-1')), v('r'), f4('5.0000001201E-1')), v('r'))),
  ];
  if (kind === 'tanh') {
    return [
      set('y', `(f32x4.mul (f32x4.pmin (v128.and ${v('x')} (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)) ${f4('9.0')}) ${f4('2.0')})`),
      set('nm', fm(v('y'), f4('1.44269504088896341'), f4(MAGIC))),
      ...em,
      // 2^n from the bits holding n; N = (2^n − 1) + 2^n·(e^r − 1)
      set('e', `(i32x4.shl (i32x4.sub ${v('nm')} (v128.const i32x4 0x4b3fff81 0x4b3fff81 0x4b3fff81 0x4b3fff81)) (i32.const 23))`),
      set('e', fm(v('e'), v('em'), `(f32x4.sub ${v('e')} ${f4('1.0')})`)),
      set('res', `(v128.or (f32x4.div ${v('e')} (f32x4.add ${v('e')} ${f4('2.0')})) (v128.and ${v('x')} (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)))`),
    ];
  }
  return [
    set('y', `(f32x4.pmax (v128.or ${v('x')} (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)) ${f4('-104.0')})`),
    set('nm', fm(v('y'), f4('1.44269504088896341'), f4(MAGIC))),
    ...em,
    // E = e^{−|z|} = (1 + em)·2^(n+32)·2^−32
    set('e', `(f32x4.mul (f32x4.mul (f32x4.add ${v('em')} ${f4('1.0')}) (i32x4.shl (i32x4.sub ${v('nm')} (v128.const i32x4 0x4b3fff61 0x4b3fff61 0x4b3fff61 0x4b3fff61)) (i32.const 23))) ${f4('2.3283064365386963e-10')})`),
    set('res', `(f32x4.div ${pick(f4('1.0'), v('e'), `(f32x4.ge ${v('x')} ${f4('0.0')})`)} (f32x4.add ${v('e')} ${f4('1.0')}))`),
  ];
}

/**
 * act_f32(kind, n, z, a): a[i] = f(z[i]) computed in float32 (tanh, sigmoid), read and written as
 * float64; two f32x4 vectors (8 values) a turn, the rest and other kinds through act_f64.
 */
function actF32(relaxed) {
  const L = ['x', 'y', 'nm', 'n', 'r', 'rr', 'em', 'e', 'res'];
  const VEC = 2;
  const vecs = Array.from({ length: VEC }, (_, i) => i);
  const loop = (kind) => {
    const consts = [];
    const hoist = (text) =>
      text.replace(/\(v128\.const [^)]*\)/g, (c) => {
        if (!consts.includes(c)) consts.push(c);
        return `(local.get $k${consts.indexOf(c)})`;
      });
    const body = hoist(vecs.map((i) => f32Body(kind, String(i), relaxed).join('\n    ')).join('\n    '));
    const demote = (i) => `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (v128.load offset=${32 * i} (local.get $z))) (f32x4.demote_f64x2_zero (v128.load offset=${32 * i + 16} (local.get $z))))`;
    return `(func $${kind}_f32_loop (param $n i32) (param $z i32) (param $a i32) (result i32)
  ${vecs.map((i) => L.map((l) => `(local $${l}${i} v128)`).join(' ')).join(' ')} ${consts.map((_, i) => `(local $k${i} v128)`).join(' ')}
  ${consts.map((c, i) => `(local.set $k${i} ${c})`).join('\n  ')}
  (block $done (loop $turns
    (br_if $done (i32.lt_s (local.get $n) (i32.const ${4 * VEC})))
    ${vecs.map((i) => `(local.set $x${i} ${demote(i)})`).join('\n    ')}
    ${body}
    ${vecs
      .map(
        (i) =>
          `(v128.store offset=${32 * i} (local.get $a) (f64x2.promote_low_f32x4 (local.get $res${i})))\n    (v128.store offset=${32 * i + 16} (local.get $a) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $res${i}) (local.get $res${i}))))`,
      )
      .join('\n    ')}
    (local.set $z (i32.add (local.get $z) (i32.const ${32 * VEC})))
    (local.set $a (i32.add (local.get $a) (i32.const ${32 * VEC})))
    (local.set $n (i32.sub (local.get $n) (i32.const ${4 * VEC})))
    (br $turns)))
  (local.get $n))`;
  };
  return `${loop('tanh')}
${loop('sigmoid')}

(func (export "act_f32") (param $kind i32) (param $n i32) (param $z i32) (param $a i32)
  (local $left i32)
  (if (i32.eq (local.get $kind) (i32.const 2)) (then (local.set $left (call $tanh_f32_loop (local.get $n) (local.get $z) (local.get $a)))))
  (if (i32.eq (local.get $kind) (i32.const 3)) (then (local.set $left (call $sigmoid_f32_loop (local.get $n) (local.get $z) (local.get $a)))))
  (if (i32.or (i32.eq (local.get $kind) (i32.const 2)) (i32.eq (local.get $kind) (i32.const 3))) (then
    (local.set $z (i32.add (local.get $z) (i32.shl (i32.sub (local.get $n) (local.get $left)) (i32.const 3))))
    (local.set $a (i32.add (local.get $a) (i32.shl (i32.sub (local.get $n) (local.get $left)) (i32.const 3))))
    (local.set $n (local.get $left))))
  (call $act_f64 (local.get $kind) (local.get $n) (local.get $z) (local.get $a)))
`;
}

/** (func (export name) n src dst): dst[i] = f(src[i]) for i < n, two a call of the vector function f. */
function mapPairs(name, f) {
  return `(func (export "${name}") (param $n i32) (param $s i32) (param $d i32)
  (block $done (loop $pairs
    (br_if $done (i32.lt_s (local.get $n) (i32.const 2)))
    (v128.store (local.get $d) (call ${f} (v128.load (local.get $s))))
    (local.set $s (i32.add (local.get $s) (i32.const 16)))
    (local.set $d (i32.add (local.get $d) (i32.const 16)))
    (local.set $n (i32.sub (local.get $n) (i32.const 2)))
    (br $pairs)))
  (if (local.get $n) (then
    (f64.store (local.get $d) (f64x2.extract_lane 0 (call ${f} (v128.load64_zero (local.get $s))))))))`;
}

/**
 * softmax_ce_f64(rows, n, out, y, grad, cell): the softmax cross-entropy of `rows` outputs of `n`
 * classes against targets y, the trainer's own loop (core/trainer.ts lossAndGradient) in one call:
 * per row the max, e^(z − max) kept in grad (when grad ≠ 0), their sum s in column order, ln s, then
 * loss −= y·((z − max) − ln s) row after row and grad = (e/s − y)/rows; cell = loss/rows. Every sum
 * runs in the JavaScript loop's order; only e^x and ln differ from Math.exp and Math.log:
 *   e^x for x ≤ 0 (z − max never exceeds 0; NaN stays NaN): Cephes' rational as in the sigmoid
 *     (e^r = u/v, one division), scaled by 2^(n+64) exactly and 2^−64 once (into the subnormals where
 *     it must); within 2 ulp (test/softmax-kernel.test.ts). The full-range exp_f64 handles
 *     overflow and is three times slower.
 *   ln s for s ≥ 1 (a row's sum; NaN stays NaN): fdlibm's e_log.c, the algorithm V8's Math.log
 *     ports, with its constants and operation order, so the same bits (tested).
 * Against the JavaScript loop: a 2→16→16→2 spiral net's step 50 → 47 µs, and a fresh thread's first
 * 50 steps spent 7.2 ms in the loss (its loops interpreted until V8 optimised them), now 0.8 ms.
 */
function softmaxLoss(relaxed) {
  const g = (name) => `(local.get $${name})`;
  const set = (name, e) => `(local.set $${name} ${e})`;
  const expNeg = [
    set('y', `(f64x2.pmax ${g('x')} ${f2('-746.0')})`),
    ...cephesRational(relaxed, g, set),
    // e^y = (u/v)·2^n, u = q + p, v = q − p: the quotient rounds once, then the scaling.
    scaledBy2n(`(f64x2.div (f64x2.add ${g('q')} ${g('p')}) (f64x2.sub ${g('q')} ${g('p')}))`, g('nm')),
  ];
  const f = (v) => `(f64.const ${v})`;
  const ln2hi = f('6.93147180369123816490e-01');
  const ln2lo = f('1.90821492927058770002e-10');
  const Lg = ['6.666666666666735130e-01', '3.999999999940941908e-01', '2.857142874366239149e-01', '2.222219843214978396e-01', '1.818357216161805012e-01', '1.531383769920937332e-01', '1.479819860511658591e-01'].map(f);
  const mul = (a, b) => `(f64.mul ${a} ${b})`;
  const add = (a, b) => `(f64.add ${a} ${b})`;
  const sub = (a, b) => `(f64.sub ${a} ${b})`;
  return `
(func $expneg2x (param $x v128) (result v128)
  (local $y v128) (local $nm v128) (local $n v128) (local $r v128) (local $rr v128) (local $p v128) (local $q v128)
  ${expNeg.slice(0, -1).join('\n  ')}
  ${expNeg[expNeg.length - 1]})

;; fdlibm's __ieee754_log for normal x > 0 and NaN (the softmax's row sums are ≥ 1).
(func $log_f64 (param $x f64) (result f64)
  (local $bits i64) (local $hx i32) (local $k i32) (local $i i32) (local $j i32)
  (local $f f64) (local $s f64) (local $z f64) (local $w f64) (local $R f64) (local $hfsq f64) (local $dk f64)
  (if (f64.ne ${g('x')} ${g('x')}) (then (return ${add(g('x'), g('x'))})))
  ${set('bits', `(i64.reinterpret_f64 ${g('x')})`)}
  ${set('hx', `(i32.wrap_i64 (i64.shr_u ${g('bits')} (i64.const 32)))`)}
  ${set('k', `(i32.sub (i32.shr_s ${g('hx')} (i32.const 20)) (i32.const 1023))`)}
  ${set('hx', `(i32.and ${g('hx')} (i32.const 0x000fffff))`)}
  ${set('i', `(i32.and (i32.add ${g('hx')} (i32.const 0x95f64)) (i32.const 0x100000))`)}
  ;; x or x/2 normalised into [√2/2, √2): its high word becomes hx | (i ^ 0x3ff00000)
  ${set('x', `(f64.reinterpret_i64 (i64.or (i64.and ${g('bits')} (i64.const 0xffffffff)) (i64.shl (i64.extend_i32_u (i32.or ${g('hx')} (i32.xor ${g('i')} (i32.const 0x3ff00000)))) (i64.const 32))))`)}
  ${set('k', `(i32.add ${g('k')} (i32.shr_u ${g('i')} (i32.const 20)))`)}
  ${set('f', sub(g('x'), f('1.0')))}
  (if (i32.lt_s (i32.and (i32.const 0x000fffff) (i32.add (i32.const 2) ${g('hx')})) (i32.const 3)) (then
    ;; |f| < 2^-20
    (if (f64.eq ${g('f')} ${f('0.0')}) (then
      (if (i32.eqz ${g('k')}) (then (return ${f('0.0')})))
      ${set('dk', `(f64.convert_i32_s ${g('k')})`)}
      (return ${add(mul(g('dk'), ln2hi), mul(g('dk'), ln2lo))})))
    ${set('R', mul(mul(g('f'), g('f')), sub(f('0.5'), mul(f('0.33333333333333333'), g('f')))))}
    (if (i32.eqz ${g('k')}) (then (return ${sub(g('f'), g('R'))})))
    ${set('dk', `(f64.convert_i32_s ${g('k')})`)}
    (return ${sub(mul(g('dk'), ln2hi), sub(sub(g('R'), mul(g('dk'), ln2lo)), g('f')))})))
  ${set('s', `(f64.div ${g('f')} ${add(f('2.0'), g('f'))})`)}
  ${set('dk', `(f64.convert_i32_s ${g('k')})`)}
  ${set('z', mul(g('s'), g('s')))}
  ${set('i', `(i32.sub ${g('hx')} (i32.const 0x6147a))`)}
  ${set('w', mul(g('z'), g('z')))}
  ${set('j', `(i32.sub (i32.const 0x6b851) ${g('hx')})`)}
  ${set('R', add(mul(g('z'), add(Lg[0], mul(g('w'), add(Lg[2], mul(g('w'), add(Lg[4], mul(g('w'), Lg[6]))))))), mul(g('w'), add(Lg[1], mul(g('w'), add(Lg[3], mul(g('w'), Lg[5])))))))}
  (if (i32.gt_s (i32.or ${g('i')} ${g('j')}) (i32.const 0)) (then
    ${set('hfsq', mul(mul(f('0.5'), g('f')), g('f')))}
    (if (i32.eqz ${g('k')}) (then (return ${sub(g('f'), sub(g('hfsq'), mul(g('s'), add(g('hfsq'), g('R')))))})))
    (return ${sub(mul(g('dk'), ln2hi), sub(sub(g('hfsq'), add(mul(g('s'), add(g('hfsq'), g('R'))), mul(g('dk'), ln2lo))), g('f')))})))
  (if (i32.eqz ${g('k')}) (then (return ${sub(g('f'), mul(g('s'), sub(g('f'), g('R'))))})))
  ${sub(mul(g('dk'), ln2hi), sub(sub(mul(g('s'), sub(g('f'), g('R'))), mul(g('dk'), ln2lo)), g('f')))})

(func (export "log_f64") (param $x f64) (result f64) (call $log_f64 (local.get $x)))

${mapPairs('expneg_f64', '$expneg2x')}

(func (export "softmax_ce_f64") (param $rows i32) (param $n i32) (param $out i32) (param $y i32) (param $grad i32) (param $cell i32)
  (local $r i32) (local $j i32) (local $o i32) (local $t i32) (local $gp i32)
  (local $max f64) (local $s f64) (local $logS f64) (local $sum f64) (local $rowsF f64) (local $yy f64) (local $zz f64)
  (local $mv v128) (local $ev v128)
  (local.set $rowsF (f64.convert_i32_s (local.get $rows)))
  (local.set $o (local.get $out))
  (local.set $t (local.get $y))
  (local.set $gp (local.get $grad))
  (block $rdone (loop $rowl
    (br_if $rdone (i32.ge_s (local.get $r) (local.get $rows)))
    (local.set $max (f64.const -inf))
    (local.set $j (i32.const 0))
    (block $mdone (loop $maxl
      (br_if $mdone (i32.ge_s (local.get $j) (local.get $n)))
      (local.set $max (f64.max (local.get $max) (f64.load (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 3))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $maxl)))
    (local.set $mv (f64x2.splat (local.get $max)))
    (local.set $s (f64.const 0))
    (local.set $j (i32.const 0))
    (block $edone (loop $expl
      (br_if $edone (i32.gt_s (i32.add (local.get $j) (i32.const 2)) (local.get $n)))
      (local.set $ev (call $expneg2x (f64x2.sub (v128.load (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 3)))) (local.get $mv))))
      (if (local.get $grad) (then (v128.store (i32.add (local.get $gp) (i32.shl (local.get $j) (i32.const 3))) (local.get $ev))))
      (local.set $s (f64.add (local.get $s) (f64x2.extract_lane 0 (local.get $ev))))
      (local.set $s (f64.add (local.get $s) (f64x2.extract_lane 1 (local.get $ev))))
      (local.set $j (i32.add (local.get $j) (i32.const 2)))
      (br $expl)))
    (if (i32.lt_s (local.get $j) (local.get $n)) (then
      (local.set $ev (call $expneg2x (f64x2.sub (v128.load64_zero (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 3)))) (local.get $mv))))
      (if (local.get $grad) (then (f64.store (i32.add (local.get $gp) (i32.shl (local.get $j) (i32.const 3))) (f64x2.extract_lane 0 (local.get $ev)))))
      (local.set $s (f64.add (local.get $s) (f64x2.extract_lane 0 (local.get $ev))))))
    (local.set $logS (call $log_f64 (local.get $s)))
    (local.set $j (i32.const 0))
    (block $ldone (loop $lossl
      (br_if $ldone (i32.ge_s (local.get $j) (local.get $n)))
      (local.set $zz (f64.sub (f64.load (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 3)))) (local.get $max)))
      (local.set $yy (f64.load (i32.add (local.get $t) (i32.shl (local.get $j) (i32.const 3)))))
      (local.set $sum (f64.sub (local.get $sum) (f64.mul (local.get $yy) (f64.sub (local.get $zz) (local.get $logS)))))
      (if (local.get $grad) (then
        (f64.store (i32.add (local.get $gp) (i32.shl (local.get $j) (i32.const 3)))
          (f64.div (f64.sub (f64.div (f64.load (i32.add (local.get $gp) (i32.shl (local.get $j) (i32.const 3)))) (local.get $s)) (local.get $yy)) (local.get $rowsF)))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $lossl)))
    (local.set $o (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $t (i32.add (local.get $t) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $gp (i32.add (local.get $gp) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $rowl)))
  (f64.store (local.get $cell) (f64.div (local.get $sum) (local.get $rowsF))))
`;
}

function activations(relaxed) {
  // 2^n for integral n in [-1022, 1023] held as f64: the integer lands in the low mantissa bits of
  // n + 1.5·2^52, whose bit pattern minus the magic's (less the exponent bias) is n + 1023.
  const MAGIC = '6755399441055744.0';
  const pow2 = (n) => `(i64x2.shl (i64x2.sub (f64x2.add ${n} ${f2(MAGIC)}) (v128.const i64x2 0x4337fffffffffc01 0x4337fffffffffc01)) (i32.const 52))`;
  const mul = (a, b) => `(f64x2.mul ${a} ${b})`;
  const add = (a, b) => `(f64x2.add ${a} ${b})`;
  const sub = (a, b) => `(f64x2.sub ${a} ${b})`;
  const div = (a, b) => `(f64x2.div ${a} ${b})`;
  return `
(func $exp2x (param $x v128) (result v128)
  (local $n v128) (local $r v128) (local $rr v128) (local $px v128) (local $e v128) (local $h v128)
  (local.set $x (f64x2.max (f64x2.min (local.get $x) ${f2('710.0')}) ${f2('-746.0')}))
  (local.set $n (f64x2.nearest ${mul(c2('$x'), f2('1.4426950408889634073599'))}))
  (local.set $r ${sub(sub(c2('$x'), mul(c2('$n'), f2('6.93145751953125E-1'))), mul(c2('$n'), f2('1.42860682030941723212E-6')))})
  (local.set $rr ${mul(c2('$r'), c2('$r'))})
  (local.set $px ${mul(c2('$r'), add(mul(add(mul(f2('1.26177193074810590878E-4'), c2('$rr')), f2('3.02994407707441961300E-2')), c2('$rr')), f2('9.99999999999999999910E-1')))})
  (local.set $e ${add(f2('1.0'), mul(f2('2.0'), div(c2('$px'), sub(add(mul(add(mul(add(mul(f2('3.00198505138664455042E-6'), c2('$rr')), f2('2.52448340349684104192E-3')), c2('$rr')), f2('2.27265548208155028766E-1')), c2('$rr')), f2('2.00000000000000000009E0')), c2('$px')))))})
  (local.set $h (f64x2.floor ${mul(c2('$n'), f2('0.5'))}))
  (local.set $e ${mul(mul(c2('$e'), pow2(c2('$h'))), pow2(sub(c2('$n'), c2('$h'))))})
  ;; NaN in, NaN out (the clamps above would have made it a number)
  (v128.bitselect (local.get $e) (local.get $x) (f64x2.eq (local.get $x) (local.get $x))))

(func $act2x (param $kind i32) (param $z v128) (result v128)
  (if (i32.eq (local.get $kind) (i32.const 1)) (then
    (return (v128.andnot (local.get $z) (f64x2.lt (local.get $z) ${f2('0.0')})))))
  (if (i32.eq (local.get $kind) (i32.const 2)) (then (return (call $tanh2x (local.get $z)))))
  (if (i32.eq (local.get $kind) (i32.const 3)) (then (return (call $sig2x (local.get $z)))))
  (local.get $z))

${oneDivision('tanh', relaxed)}
${oneDivision('sigmoid', relaxed)}
${actF32(relaxed)}

;; act_f64(kind, n, z, a): a[i] = f(z[i]) for i < n (a may be z). tanh and sigmoid run their own
;; loops, two vectors a turn with the code inline (a call per vector kept the core waiting on each
;; one's division chain in turn: 9 ns an element before, measured on this machine).
(func $act_f64 (export "act_f64") (param $kind i32) (param $n i32) (param $z i32) (param $a i32)
  (if (i32.eq (local.get $kind) (i32.const 2)) (then (call $tanh_loop (local.get $n) (local.get $z) (local.get $a)) (return)))
  (if (i32.eq (local.get $kind) (i32.const 3)) (then (call $sigmoid_loop (local.get $n) (local.get $z) (local.get $a)) (return)))
  (block $done (loop $pairs
    (br_if $done (i32.lt_s (local.get $n) (i32.const 2)))
    (v128.store (local.get $a) (call $act2x (local.get $kind) (v128.load (local.get $z))))
    (local.set $z (i32.add (local.get $z) (i32.const 16)))
    (local.set $a (i32.add (local.get $a) (i32.const 16)))
    (local.set $n (i32.sub (local.get $n) (i32.const 2)))
    (br $pairs)))
  (if (local.get $n) (then
    (f64.store (local.get $a) (f64x2.extract_lane 0 (call $act2x (local.get $kind) (v128.load64_zero (local.get $z))))))))

;; exp_f64(n, src, dst): dst[i] = e^src[i].
${mapPairs('exp_f64', '$exp2x')}

;; dZ ⊙= f′ for one vector: relu from Z (the gradient passes at exactly 0), tanh and sigmoid from A.
(func $der2x (param $kind i32) (param $z v128) (param $a v128) (param $d v128) (result v128)
  (if (i32.eq (local.get $kind) (i32.const 1)) (then
    (return (v128.andnot (local.get $d) (f64x2.lt (local.get $z) ${f2('0.0')})))))
  (if (i32.eq (local.get $kind) (i32.const 2)) (then
    (return ${mul(c2('$d'), sub(f2('1.0'), mul(c2('$a'), c2('$a'))))})))
  (if (i32.eq (local.get $kind) (i32.const 3)) (then
    (return ${mul(c2('$d'), mul(c2('$a'), sub(f2('1.0'), c2('$a'))))})))
  (local.get $d))

;; derive_f64(kind, rows, cols, z, a, dz, db): dZ ⊙= f′ in place, then (db ≠ 0) db = column sums of
;; dZ, added row after row from zero: the trainer's loop, bit for bit, in one pass.
(func (export "derive_f64") (param $kind i32) (param $rows i32) (param $cols i32) (param $z i32) (param $a i32) (param $dz i32) (param $db i32)
  (local $j i32) (local $pb i32) (local $v v128)
  (if (local.get $db) (then (memory.fill (local.get $db) (i32.const 0) (i32.mul (local.get $cols) (i32.const 8)))))
  (block $rdone (loop $rowsl
    (br_if $rdone (i32.le_s (local.get $rows) (i32.const 0)))
    (local.set $j (local.get $cols))
    (local.set $pb (local.get $db))
    (block $cdone (loop $colsl
      (br_if $cdone (i32.lt_s (local.get $j) (i32.const 2)))
      (local.set $v (call $der2x (local.get $kind) (v128.load (local.get $z)) (v128.load (local.get $a)) (v128.load (local.get $dz))))
      (v128.store (local.get $dz) (local.get $v))
      (if (local.get $db) (then
        (v128.store (local.get $pb) (f64x2.add (v128.load (local.get $pb)) (local.get $v)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 16)))))
      (local.set $z (i32.add (local.get $z) (i32.const 16)))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $dz (i32.add (local.get $dz) (i32.const 16)))
      (local.set $j (i32.sub (local.get $j) (i32.const 2)))
      (br $colsl)))
    (if (local.get $j) (then
      (local.set $v (call $der2x (local.get $kind) (v128.load64_zero (local.get $z)) (v128.load64_zero (local.get $a)) (v128.load64_zero (local.get $dz))))
      (v128.store64_lane 0 (local.get $dz) (local.get $v))
      (if (local.get $db) (then
        (f64.store (local.get $pb) (f64.add (f64.load (local.get $pb)) (f64x2.extract_lane 0 (local.get $v))))))
      (local.set $z (i32.add (local.get $z) (i32.const 8)))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (local.set $dz (i32.add (local.get $dz) (i32.const 8)))))
    (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
    (br $rowsl)))
)

;; gather_f64(rows, width, idx, src, dst): dst row r = src row idx[r] (idx: i32 row numbers).
(func (export "gather_f64") (param $rows i32) (param $width i32) (param $idx i32) (param $src i32) (param $dst i32)
  (local $bytes i32)
  (local.set $bytes (i32.mul (local.get $width) (i32.const 8)))
  (block $done (loop $r
    (br_if $done (i32.le_s (local.get $rows) (i32.const 0)))
    (memory.copy (local.get $dst) (i32.add (local.get $src) (i32.mul (i32.load (local.get $idx)) (local.get $bytes))) (local.get $bytes))
    (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
    (local.set $dst (i32.add (local.get $dst) (local.get $bytes)))
    (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
    (br $r)))
)`;
}

/** The whole module text. `shared` declares the imported memory shared (worker threads). */
export function kernelsWat({ relaxed, shared }) {
  const parts = ['(module'];
  parts.push(`(import "env" "memory" (memory 1 65536${shared ? ' shared' : ''}))`);
  for (const t of ['f64', 'f32']) {
    for (let R = 1; R <= ROWS; R++) {
      for (let V = 1; V <= WIDE_VECS; V++) parts.push(tile(t, relaxed, R, V, false), tile(t, relaxed, R, V, true));
      parts.push(scalarTile(t, relaxed, R));
    }
    parts.push(driver(t), driver(t, `tnw_${t}`, WIDE_VECS));
    parts.push(transpose(t));
    parts.push(pack(t));
  }
  parts.push(pack('f64', 'f32'));
  parts.push(transpose('f64', 'f32'));
  parts.push(convertArray('demote'));
  parts.push(convertArray('promote'));
  parts.push(promoteBias());
  parts.push(sgd());
  parts.push(colsum());
  parts.push(activations(relaxed));
  parts.push(softmaxLoss(relaxed));
  parts.push(')');
  return parts.join('\n');
}

export const VARIANTS = [
  { name: 'relaxed', relaxed: true, shared: false },
  { name: 'plain', relaxed: false, shared: false },
  { name: 'relaxedShared', relaxed: true, shared: true },
  { name: 'plainShared', relaxed: false, shared: true },
];
