/**
 * Finds many needles in a long text in one pass: a rolling hash over the first WINDOW characters
 * of each needle (Rabin–Karp), a bitmap to skip most positions with one array read, and an exact
 * comparison only where a window's hash matches. Thousands of values against tens of megabytes
 * of captured text take well under a second, where one `indexOf` per needle would take minutes.
 */

/** Characters hashed at each position; every needle must be at least this long. */
export const WINDOW = 8;

const BASE = 0x01000193;
const FILTER_BITS = 20;
const FILTER_MASK = (1 << FILTER_BITS) - 1;

/** BASE^(WINDOW-1) in 32-bit arithmetic: the weight of the character leaving the window. */
const LEAVING_WEIGHT = (() => {
  let weight = 1;
  for (let i = 1; i < WINDOW; i += 1) weight = Math.imul(weight, BASE);
  return weight;
})();

const hashWindow = (text: string, start: number): number => {
  let hash = 0;
  for (let i = start; i < start + WINDOW; i += 1) {
    hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) | 0;
  }
  return hash;
};

/** A needle found in a text, at a UTF-16 offset. */
export interface Match<T> {
  readonly needle: T;
  readonly offset: number;
}

/** A set of needles (each with its text) to search texts for. */
export class NeedleSet<T extends { readonly text: string }> {
  readonly #byHash = new Map<number, T[]>();
  readonly #filter = new Uint8Array(1 << FILTER_BITS);
  readonly #size: number;

  /** Throws RangeError for a needle shorter than WINDOW. */
  public constructor(needles: readonly T[]) {
    for (const needle of needles) {
      if (needle.text.length < WINDOW) {
        throw new RangeError(`a needle must be at least ${WINDOW} characters long`);
      }
      const hash = hashWindow(needle.text, 0);
      const bucket = this.#byHash.get(hash);
      if (bucket) bucket.push(needle);
      else this.#byHash.set(hash, [needle]);
      this.#filter[hash & FILTER_MASK] = 1;
    }
    this.#size = needles.length;
  }

  public get size(): number {
    return this.#size;
  }

  /** Every occurrence of every needle in `text`, in order of offset (overlaps included). */
  public find(text: string): Match<T>[] {
    const matches: Match<T>[] = [];
    if (this.#size === 0 || text.length < WINDOW) return matches;
    let hash = hashWindow(text, 0);
    for (let offset = 0; ; offset += 1) {
      if (this.#filter[hash & FILTER_MASK] === 1) {
        for (const needle of this.#byHash.get(hash) ?? []) {
          if (text.startsWith(needle.text, offset)) matches.push({ needle, offset });
        }
      }
      const next = offset + WINDOW;
      if (next >= text.length) break;
      const leaving = Math.imul(text.charCodeAt(offset), LEAVING_WEIGHT);
      hash = (Math.imul((hash - leaving) | 0, BASE) + text.charCodeAt(next)) | 0;
    }
    return matches;
  }
}
