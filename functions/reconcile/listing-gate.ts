/**
 * Lets the look for extra replicas run beside the source listing instead of after it: a Region's
 * replica listing may run at most `lead` pages ahead of the source listing, and hold at most
 * `maxPending` replicas it cannot judge yet (their source may still be listed), so memory stays
 * bounded whatever the order the two listings return secrets in. Once the source listing is
 * complete every replica can be judged; if it stopped (the sweep ran out of time) the early work
 * is abandoned and a later part redoes it.
 */

export type ListingState = 'listing' | 'complete' | 'stopped';

export class ListingGate {
  readonly #lead: number;
  readonly #maxPending: number;
  #pages = 0;
  #state: ListingState = 'listing';
  #waiters: (() => void)[] = [];

  public constructor(lead: number, maxPending: number) {
    this.#lead = lead;
    this.#maxPending = maxPending;
  }

  public get state(): ListingState {
    return this.#state;
  }

  /** The source listing read one more page. */
  public page(): void {
    this.#pages += 1;
    this.#wake();
  }

  /** The source listing ended: complete, or stopped before its end. */
  public end(complete: boolean): void {
    if (this.#state !== 'listing') return;
    this.#state = complete ? 'complete' : 'stopped';
    this.#wake();
  }

  /**
   * Resolves when a replica listing that has read `read` pages may read its next page: true, or
   * false when the source listing stopped. `pending` counts the replicas it still cannot judge
   * (asked again after each source page, since the listing pairs some of them).
   */
  public async admit(read: number, pending: () => number): Promise<boolean> {
    for (;;) {
      if (this.#state === 'stopped') return false;
      if (this.#state === 'complete') return true;
      if (read < this.#pages + this.#lead && pending() < this.#maxPending) return true;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Resolves at the source listing's next page, or its end. */
  public changed(): Promise<void> {
    return this.#state === 'listing'
      ? new Promise<void>((resolve) => this.#waiters.push(resolve))
      : Promise.resolve();
  }

  /** Resolves once the source listing has ended, with how. */
  public async ended(): Promise<Exclude<ListingState, 'listing'>> {
    while (this.#state === 'listing') {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    return this.#state as Exclude<ListingState, 'listing'>;
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
