/**
 * Streaming summaries with memory bounded regardless of row count: running moments, a seeded
 * reservoir sample, HyperLogLog for distinct counts, Space-Saving for the most frequent values.
 * Each does one job; `profile.ts` combines them per column.
 */

/**
 * A seeded uniform stream in [0, 1) with 53 random bits (two splitmix32 outputs), so that
 * reservoir indices stay unbiased for billions of rows.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
}

/** MurmurHash3 (x86, 32-bit) of a string's UTF-16 code units, two per 32-bit block. */
export function murmur3(text: string, seed = 0): number {
  let h = seed >>> 0;
  const length = text.length;
  const blocks = length >>> 1;
  for (let i = 0; i < blocks; i++) {
    let k = text.charCodeAt(2 * i) | (text.charCodeAt(2 * i + 1) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (length & 1) {
    let k = text.charCodeAt(length - 1);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Count, mean, variance, min and max in one pass (Welford), stable where sum-of-squares is not. */
export class RunningStats {
  count = 0;
  mean = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  #m2 = 0;

  add(x: number): void {
    this.count++;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.#m2 += delta * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  /** The sample variance (divided by n − 1, as pandas' describe); 0 for fewer than two values. */
  get variance(): number {
    return this.count < 2 ? 0 : this.#m2 / (this.count - 1);
  }

  get std(): number {
    return Math.sqrt(this.variance);
  }
}

/**
 * A uniform random sample of a stream of numbers (Vitter's algorithm R), seeded so that the same
 * data gives the same sample however it is split into chunks. Holds every value while the stream
 * fits.
 */
export class Reservoir {
  readonly capacity: number;
  seen = 0;
  // Grown by doubling, so that a column with few numbers does not hold `capacity` slots.
  #values = new Float64Array(16);
  readonly #random: () => number;

  constructor(capacity: number, seed: number) {
    this.capacity = capacity;
    this.#random = seededRandom(seed);
  }

  add(x: number): void {
    if (this.seen < this.capacity) {
      if (this.seen === this.#values.length) {
        const grown = new Float64Array(Math.min(2 * this.#values.length, this.capacity));
        grown.set(this.#values);
        this.#values = grown;
      }
      this.#values[this.seen] = x;
    } else {
      const j = Math.floor(this.#random() * (this.seen + 1));
      if (j < this.capacity) this.#values[j] = x;
    }
    this.seen++;
  }

  /** Whether the sample is the whole stream. */
  get exact(): boolean {
    return this.seen <= this.capacity;
  }

  /** The sample, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.#values.slice(0, Math.min(this.seen, this.capacity)).sort();
  }
}

/**
 * HyperLogLog (Flajolet et al. 2007) with 2^precision one-byte registers. The register index
 * and the rank come from two independent 32-bit hashes, so the estimate needs no large-range
 * correction. Standard error ≈ 1.04/√(2^precision): 0.4% at the default precision 16 (64 KiB,
 * allocated only for columns past the exact limit).
 */
export class HyperLogLog {
  readonly precision: number;
  readonly #registers: Uint8Array;

  constructor(precision = 16) {
    this.precision = precision;
    this.#registers = new Uint8Array(1 << precision);
  }

  add(key: string): void {
    const index = murmur3(key, 0x5bd1e995) >>> (32 - this.precision);
    const rank = Math.clz32(murmur3(key, 0x1b873593)) + 1;
    if (rank > this.#registers[index]) this.#registers[index] = rank;
  }

  estimate(): number {
    const m = this.#registers.length;
    let sum = 0;
    let zeros = 0;
    for (const r of this.#registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    // Small cardinalities: linear counting on the empty registers is the more accurate estimate.
    if (raw <= 2.5 * m && zeros > 0) return m * Math.log(m / zeros);
    return raw;
  }
}

export interface ValueCount {
  value: string;
  count: number;
}

/**
 * The most frequent keys of a stream in fixed memory (Space-Saving, Metwally et al. 2005), kept
 * in a min-heap by count. A reported count overestimates the true one by at most the smallest
 * count held, and every key more frequent than n/capacity is held.
 */
export class SpaceSaving {
  readonly capacity: number;
  readonly #keys: string[] = [];
  readonly #counts: number[] = [];
  readonly #where = new Map<string, number>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  add(key: string, count = 1): void {
    const at = this.#where.get(key);
    if (at !== undefined) {
      this.#counts[at] += count;
      this.#down(at);
    } else if (this.#keys.length < this.capacity) {
      this.#keys.push(key);
      this.#counts.push(count);
      this.#where.set(key, this.#keys.length - 1);
      this.#up(this.#keys.length - 1);
    } else {
      this.#where.delete(this.#keys[0]);
      this.#keys[0] = key;
      this.#counts[0] += count;
      this.#where.set(key, 0);
      this.#down(0);
    }
  }

  top(k: number): ValueCount[] {
    return sortCounts(this.#keys.map((value, i) => ({ value, count: this.#counts[i] }))).slice(0, k);
  }

  // Sifting moves a hole rather than swapping, so that each level costs one index update.
  #up(i: number): void {
    const keys = this.#keys;
    const counts = this.#counts;
    const key = keys[i];
    const count = counts[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (counts[parent] <= count) break;
      this.#move(parent, i);
      i = parent;
    }
    this.#place(key, count, i);
  }

  #down(i: number): void {
    const keys = this.#keys;
    const counts = this.#counts;
    const n = keys.length;
    const key = keys[i];
    const count = counts[i];
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      let leastCount = count;
      if (left < n && counts[left] < leastCount) {
        least = left;
        leastCount = counts[left];
      }
      if (right < n && counts[right] < leastCount) least = right;
      if (least === i) break;
      this.#move(least, i);
      i = least;
    }
    this.#place(key, count, i);
  }

  #move(from: number, to: number): void {
    this.#keys[to] = this.#keys[from];
    this.#counts[to] = this.#counts[from];
    this.#where.set(this.#keys[to], to);
  }

  #place(key: string, count: number, at: number): void {
    this.#keys[at] = key;
    this.#counts[at] = count;
    this.#where.set(key, at);
  }
}

/** Most frequent first; ties by value, so that output does not depend on arrival order. */
export function sortCounts(counts: ValueCount[]): ValueCount[] {
  return counts.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/**
 * Counts of distinct keys: exact up to `exactLimit` distinct keys, then (from the key that would
 * exceed it) a HyperLogLog estimate of the distinct count and Space-Saving counts of the most
 * frequent keys. The exact map is dropped at the switch, so memory stays bounded.
 */
export class ValueCounter {
  readonly exactLimit: number;
  readonly topCapacity: number;
  // Key → slot in #exactCounts: a repeated key costs one map lookup rather than a get and a set.
  #exact: Map<string, number> | null = new Map();
  #exactCounts: number[] = [];
  #hll: HyperLogLog | null = null;
  #top: SpaceSaving | null = null;

  constructor(exactLimit = 100_000, topCapacity = 1_000) {
    this.exactLimit = exactLimit;
    this.topCapacity = topCapacity;
  }

  add(key: string): void {
    if (this.#exact !== null) {
      const slot = this.#exact.get(key);
      if (slot !== undefined) {
        this.#exactCounts[slot]++;
        return;
      }
      if (this.#exact.size < this.exactLimit) {
        this.#exact.set(key, this.#exactCounts.length);
        this.#exactCounts.push(1);
        return;
      }
      this.#switchToSketches(this.#exactEntries());
    }
    this.#hll!.add(key);
    this.#top!.add(key);
  }

  get approximate(): boolean {
    return this.#exact === null;
  }

  get distinct(): number {
    return this.#exact !== null ? this.#exact.size : Math.round(this.#hll!.estimate());
  }

  /** Every key with its count, most frequent first; null once the counts are approximate. */
  counts(): ValueCount[] | null {
    if (this.#exact === null) return null;
    return sortCounts(this.#exactEntries());
  }

  top(k: number): ValueCount[] {
    return this.counts()?.slice(0, k) ?? this.#top!.top(k);
  }

  /** The exact counts, in the order the keys first came. */
  #exactEntries(): ValueCount[] {
    return [...this.#exact!].map(([value, slot]) => ({ value, count: this.#exactCounts[slot] }));
  }

  #switchToSketches(entries: ValueCount[]): void {
    const hll = new HyperLogLog();
    for (const { value } of entries) hll.add(value);
    const top = new SpaceSaving(this.topCapacity);
    // Seeding with the most frequent keys keeps them; the rest had counts no larger than those.
    const ranked = sortCounts(entries);
    for (const { value, count } of ranked.slice(0, this.topCapacity)) top.add(value, count);
    this.#hll = hll;
    this.#top = top;
    this.#exact = null;
    this.#exactCounts = [];
  }
}

/** The p-quantile of sorted values, interpolating linearly between order statistics (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * At most `size` values that stand for a sorted sample's distribution: the sample itself when it
 * is that small, else its quantiles at (i + ½)/size. Enough for a KS test to within 1/size.
 */
export function quantileSketch(sorted: ArrayLike<number>, size: number): number[] {
  if (sorted.length <= size) return Array.from(sorted);
  return Array.from({ length: size }, (_, i) => quantileSorted(sorted, (i + 0.5) / size));
}

/** Counts in `bins` equal-width bins over [min, max]; the last bin includes max. */
export function histogramCounts(values: ArrayLike<number>, min: number, max: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (max - min) / bins;
  for (let i = 0; i < values.length; i++) {
    const bin = width > 0 ? Math.floor((values[i] - min) / width) : 0;
    counts[Math.min(Math.max(bin, 0), bins - 1)]++;
  }
  return counts;
}
