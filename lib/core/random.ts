// Seeded random numbers, so that two runs with the same seed give the same numbers
// (weight initialization, dropout masks, DataLoader shuffling). Like torch.manual_seed.

/** mulberry32: a small, fast 32-bit generator; good enough for shuffling and initialization. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** A fresh 31-bit seed, to hand to tfjs ops that take one (dropout masks). */
  seed(): number {
    return this.int(0x7fffffff);
  }
  /** n floats uniform in [lo, hi). */
  uniform(n: number, lo: number, hi: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.next();
    return out;
  }
  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

let global = new Random(0);

/** Seeds the library's global generator (weights, dropout, DataLoader order), like torch.manual_seed. */
export function manualSeed(seed: number): void {
  global = new Random(seed);
}

/** The global generator that layers and loaders draw from when given no seed of their own. */
export function globalRandom(): Random {
  return global;
}
