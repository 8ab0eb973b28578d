/**
 * Bounded loss series for charts. A million-step run must not keep a million points in the renderer,
 * and a line chart cannot show more points than it has pixels anyway. Steps are grouped into buckets;
 * each bucket keeps its minimum and maximum (with their steps), so spikes and the divergence point stay
 * visible. When the bucket count reaches the cap, neighbours merge and the bucket width doubles, so
 * memory stays fixed however long the run.
 */
export interface SeriesPoint {
  step: number;
  value: number;
}

export class MinMaxSeries {
  /** Steps per bucket; doubles on each compaction. */
  private width = 1;
  private count = 0;
  // Parallel typed arrays: allocation-free appends on the message path.
  private readonly minStep: Float64Array;
  private readonly minVal: Float64Array;
  private readonly maxStep: Float64Array;
  private readonly maxVal: Float64Array;
  private readonly bucketStart: Float64Array;
  private lastStep = -1;
  private lastVal = NaN;

  constructor(readonly maxBuckets = 512) {
    if (maxBuckets < 2 || maxBuckets % 2 !== 0) throw new Error('maxBuckets must be an even number ≥ 2');
    this.minStep = new Float64Array(maxBuckets);
    this.minVal = new Float64Array(maxBuckets);
    this.maxStep = new Float64Array(maxBuckets);
    this.maxVal = new Float64Array(maxBuckets);
    this.bucketStart = new Float64Array(maxBuckets);
  }

  get length(): number {
    return this.count;
  }

  get bucketWidth(): number {
    return this.width;
  }

  get last(): SeriesPoint | null {
    return this.lastStep < 0 ? null : { step: this.lastStep, value: this.lastVal };
  }

  /** Appends values for consecutive steps starting at `fromStep`. Non-finite values are skipped. */
  pushMany(fromStep: number, values: ArrayLike<number>, from = 0, to = values.length): void {
    for (let i = from; i < to; i++) this.push(fromStep + i - from, values[i]!);
  }

  push(step: number, value: number): void {
    if (!Number.isFinite(value)) return;
    if (step <= this.lastStep) return; // a replayed batch after a reconnect must not double points
    this.lastStep = step;
    this.lastVal = value;
    const start = Math.floor(step / this.width) * this.width;
    const i = this.count - 1;
    if (i >= 0 && this.bucketStart[i] === start) {
      if (value < this.minVal[i]!) {
        this.minVal[i] = value;
        this.minStep[i] = step;
      }
      if (value > this.maxVal[i]!) {
        this.maxVal[i] = value;
        this.maxStep[i] = step;
      }
      return;
    }
    if (this.count === this.maxBuckets) {
      this.compact();
      this.push(step, value);
      return;
    }
    const j = this.count++;
    this.bucketStart[j] = start;
    this.minVal[j] = this.maxVal[j] = value;
    this.minStep[j] = this.maxStep[j] = step;
  }

  /** Doubles the bucket width, merging buckets that now share a start. */
  private compact(): void {
    this.width *= 2;
    let out = -1;
    for (let i = 0; i < this.count; i++) {
      const start = Math.floor(this.bucketStart[i]! / this.width) * this.width;
      if (out >= 0 && this.bucketStart[out] === start) {
        if (this.minVal[i]! < this.minVal[out]!) {
          this.minVal[out] = this.minVal[i]!;
          this.minStep[out] = this.minStep[i]!;
        }
        if (this.maxVal[i]! > this.maxVal[out]!) {
          this.maxVal[out] = this.maxVal[i]!;
          this.maxStep[out] = this.maxStep[i]!;
        }
        continue;
      }
      out++;
      this.bucketStart[out] = start;
      this.minVal[out] = this.minVal[i]!;
      this.minStep[out] = this.minStep[i]!;
      this.maxVal[out] = this.maxVal[i]!;
      this.maxStep[out] = this.maxStep[i]!;
    }
    this.count = out + 1;
  }

  /** Chart points in step order: each bucket's min and max (one point when they coincide). */
  points(): SeriesPoint[] {
    const pts: SeriesPoint[] = [];
    for (let i = 0; i < this.count; i++) {
      const a = this.minStep[i]!;
      const b = this.maxStep[i]!;
      if (a === b) pts.push({ step: a, value: this.minVal[i]! });
      else if (a < b) pts.push({ step: a, value: this.minVal[i]! }, { step: b, value: this.maxVal[i]! });
      else pts.push({ step: b, value: this.maxVal[i]! }, { step: a, value: this.minVal[i]! });
    }
    return pts;
  }

  /** First step whose loss is at or below `threshold`, to the resolution of the buckets (minima are exact). */
  firstAtOrBelow(threshold: number): number | null {
    for (let i = 0; i < this.count; i++) if (this.minVal[i]! <= threshold) return this.minStep[i]!;
    return null;
  }

  first(): SeriesPoint | null {
    if (this.count === 0) return null;
    const a = this.minStep[0]!;
    const b = this.maxStep[0]!;
    return a <= b ? { step: a, value: this.minVal[0]! } : { step: b, value: this.maxVal[0]! };
  }

  clear(): void {
    this.count = 0;
    this.width = 1;
    this.lastStep = -1;
    this.lastVal = NaN;
  }
}

/**
 * Bounded history of snapshots (metrics, histograms): keeps at most `cap` entries spread over the whole
 * run by dropping every other one when full and then accepting only every `stride`-th offer.
 */
export class ThinnedHistory<T> {
  private items: T[] = [];
  private stride = 1;
  private offered = 0;

  constructor(readonly cap = 128) {
    if (cap < 4) throw new Error('cap must be at least 4');
  }

  /** Offers an item; returns true when it was kept. The latest item is always available via `latest`. */
  offer(item: T): boolean {
    this.latestItem = item;
    const keep = this.offered % this.stride === 0;
    this.offered++;
    if (!keep) return false;
    if (this.items.length >= this.cap) {
      this.items = this.items.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
      // After halving, this offer only stays if it lands on the new stride.
      if ((this.offered - 1) % this.stride !== 0) return false;
    }
    this.items.push(item);
    return true;
  }

  private latestItem: T | null = null;

  get latest(): T | null {
    return this.latestItem;
  }

  /** Kept items, plus the latest if it was thinned away (so views always show the present). */
  all(): T[] {
    const last = this.items[this.items.length - 1];
    if (this.latestItem !== null && last !== this.latestItem) return [...this.items, this.latestItem];
    return this.items.slice();
  }

  get length(): number {
    return this.items.length;
  }

  clear(): void {
    this.items = [];
    this.stride = 1;
    this.offered = 0;
    this.latestItem = null;
  }
}
