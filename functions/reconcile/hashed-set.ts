/**
 * A set of strings kept as 48-bit hashes in one sorted typed array: 8 bytes a member, so the
 * sweep can remember which secrets it listed (tens of thousands of ARNs) in well under a
 * megabyte, instead of holding every name.
 *
 * A hash collision makes `has` answer true for a string never added, about once in 10^5 sweeps of
 * 50,000 secrets; the sweep asks only questions where a false "yes" is the safe answer (a replica
 * is then kept and not reported, never deleted).
 */
import { createHash } from 'node:crypto';

const hash48 = (value: string): number =>
  createHash('sha256').update(value).digest().readUIntBE(0, 6);

/** Membership by hash: `add` while listing, then `has` (the first `has` sorts once). */
export class HashedSet {
  #hashes = new Float64Array(1024);
  #size = 0;
  #sorted = true;

  /** Members added so far. */
  public get size(): number {
    return this.#size;
  }

  public add(value: string): void {
    if (this.#size === this.#hashes.length) {
      const grown = new Float64Array(this.#hashes.length * 2);
      grown.set(this.#hashes);
      this.#hashes = grown;
    }
    this.#hashes[this.#size] = hash48(value);
    this.#size += 1;
    this.#sorted = false;
  }

  /** True when `value` was added (or, rarely, collides with something that was). */
  public has(value: string): boolean {
    if (!this.#sorted) {
      this.#hashes.subarray(0, this.#size).sort();
      this.#sorted = true;
    }
    const wanted = hash48(value);
    let low = 0;
    let high = this.#size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = this.#hashes[middle] as number;
      if (found === wanted) return true;
      if (found < wanted) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }
}
