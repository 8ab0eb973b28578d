/**
 * Colours: the Okabe–Ito palette (Okabe & Ito, "Color Universal Design"), distinguishable with the common
 * colour-vision deficiencies, for classes, runs and layers alike. Its black is left out: it vanishes on
 * presentation mode's black background; grey stands in for a ninth series and beyond.
 * Decision regions use fixed light tints of the class colours (flat, so a region reads as one class
 * and tests can count the classes on the canvas).
 */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  grey: '#999999',
} as const;

const O = OKABE_ITO;
export const CLASS_COLORS = [O.orange, O.skyBlue, O.bluishGreen, O.reddishPurple, O.blue, O.vermillion, O.yellow, O.grey];

/** Runs and layers: the darker colours first, so lines stay visible on white; yellow last. */
export const RUN_COLORS = [O.blue, O.vermillion, O.bluishGreen, O.reddishPurple, O.orange, O.skyBlue, O.yellow, O.grey];

export function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Region tint: the class colour mixed with white (or with black in high contrast). */
export function regionTint(cls: number, highContrast = false): [number, number, number] {
  const [r, g, b] = hexRgb(CLASS_COLORS[cls % CLASS_COLORS.length]!);
  const mix = highContrast ? 0.45 : 0.6;
  const to = highContrast ? 0 : 255;
  return [Math.round(r + (to - r) * mix), Math.round(g + (to - g) * mix), Math.round(b + (to - b) * mix)];
}

export const runColor = (index: number) => RUN_COLORS[index % RUN_COLORS.length]!;

/**
 * A run's colour is its init scheme's, the same in every view and every compare (Okabe–Ito vermillion,
 * blue, bluish green); runs with literal weights take the remaining Okabe–Ito colours by position.
 */
export const SCHEME_COLORS = { 'standard-normal': '#D55E00', xavier: '#0072B2', he: '#009E73' } as const;
const OTHER_COLORS = ['#CC79A7', '#E69F00', '#56B4E9', '#000000', '#882255'];

/**
 * Compare optimisers: one fixed Okabe–Ito colour per update rule, the same in every view and every compare
 * (plain SGD takes vermillion, Adam bluish green; sky blue and blue tell the two momentum rules apart).
 */
export const OPTIMIZER_COLORS = { sgd: '#D55E00', momentum: '#0072B2', nesterov: '#56B4E9', rmsprop: '#CC79A7', adam: '#009E73' } as const;

export function colorOfRun(run: { scheme: keyof typeof SCHEME_COLORS | null; varies?: 'scheme' | 'optimizer' | null; experiment?: { optimizer?: { kind: keyof typeof OPTIMIZER_COLORS } } }, index: number): string {
  if (run.varies === 'optimizer') return OPTIMIZER_COLORS[run.experiment?.optimizer?.kind ?? 'sgd'];
  return run.scheme ? SCHEME_COLORS[run.scheme] : OTHER_COLORS[index % OTHER_COLORS.length]!;
}
export const classColor = (cls: number) => CLASS_COLORS[cls % CLASS_COLORS.length]!;
