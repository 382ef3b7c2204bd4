/** A small, fast seeded generator (mulberry32): the same seed gives the same draws everywhere. */
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

/** FNV-1a hash of a text (32 bits): turns an interview's seed, whatever its form, into a generator seed. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * One of n positions (0 .. n-1) drawn uniformly from a seed: the same seed always draws the same
 * position, so a selection made on the tablet is reproduced by the server and by any reader of the data.
 */
export function drawIndex(n: number, seed: string): number {
  if (!(n >= 1)) throw new RangeError('drawIndex needs at least one position');
  return Math.min(n - 1, Math.floor(mulberry32(hashText(seed))() * n));
}
