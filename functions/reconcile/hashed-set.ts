/**
 * A set of strings kept as 48-bit hashes: a sorted typed array (8 bytes a member) plus a small
 * Set of the latest additions, merged in once it grows, so adding and asking can alternate (the
 * sweep asks while it still lists) at O(1) and O(log n). The sweep remembers tens of thousands
 * of listed secrets this way in well under a megabyte instead of holding every name.
 *
 * A hash collision makes `has` answer true for a string never added: with 100,000 members and as
 * many questions, about once in 30,000 sweeps. The sweep asks only where a false "yes" is the
 * safe answer (a replica is then kept and not reported, never deleted).
 */
import { createHash } from 'node:crypto';

const hash48 = (value: string): number =>
  createHash('sha256').update(value).digest().readUIntBE(0, 6);

/** Latest additions kept aside before a merge into the sorted array. */
const TAIL = 4096;

export class HashedSet {
  #sorted = new Float64Array(0);
  #tail = new Set<number>();

  /** Members added so far (a member added twice counts twice until a merge). */
  public get size(): number {
    return this.#sorted.length + this.#tail.size;
  }

  public add(value: string): void {
    this.#tail.add(hash48(value));
    if (this.#tail.size >= TAIL) this.#merge();
  }

  /** True when `value` was added (or, rarely, collides with something that was). */
  public has(value: string): boolean {
    const wanted = hash48(value);
    if (this.#tail.has(wanted)) return true;
    let low = 0;
    let high = this.#sorted.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = this.#sorted[middle] as number;
      if (found === wanted) return true;
      if (found < wanted) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }

  /** Merges the tail into the sorted array (two sorted runs, one pass). */
  #merge(): void {
    const tail = Float64Array.from(this.#tail).sort();
    const old = this.#sorted;
    const merged = new Float64Array(old.length + tail.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length || j < tail.length) {
      const a = i < old.length ? (old[i] as number) : Number.POSITIVE_INFINITY;
      const b = j < tail.length ? (tail[j] as number) : Number.POSITIVE_INFINITY;
      if (a <= b) {
        merged[k] = a;
        i += 1;
      } else {
        merged[k] = b;
        j += 1;
      }
      k += 1;
    }
    this.#sorted = merged;
    this.#tail = new Set();
  }
}
