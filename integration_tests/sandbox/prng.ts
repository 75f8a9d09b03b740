/**
 * Deterministic pseudo-random helpers for the sandbox dataset.
 * Never use Math.random for data: every record must be a pure function of the seed.
 */

/** 32-bit FNV-1a hash of a string, used to derive sub-seeds ("seed:account:stream"). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // final avalanche (murmur3 fmix32)
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: tiny, fast, good-enough 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Convenience wrapper around a PRNG with the helpers the generators need. */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  static derive(...parts: Array<string | number>): Rng {
    return new Rng(hashString(parts.join(':')));
  }
  float(): number {
    return this.next();
  }
  /** integer in [min, max] inclusive */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  bool(pTrue = 0.5): boolean {
    return this.next() < pTrue;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** lower-case hex string of `len` characters */
  hex(len: number): string {
    let out = '';
    while (out.length < len) {
      out += (Math.floor(this.next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
    }
    return out.slice(0, len);
  }
  digits(len: number): string {
    let out = String(this.int(1, 9));
    while (out.length < len) out += String(this.int(0, 9));
    return out;
  }
  alnum(len: number): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let out = '';
    for (let i = 0; i < len; i++) out += chars[Math.floor(this.next() * chars.length)];
    return out;
  }
  /** money with two decimals in [min, max] */
  money(min: number, max: number): number {
    return Math.round((min + this.next() * (max - min)) * 100) / 100;
  }
}

/** Stateless hash of parts to a float in [0,1) — used by attribution metrics (id, day, field). */
export function hashFloat(...parts: Array<string | number>): number {
  return hashString(parts.join('|')) / 4294967296;
}
