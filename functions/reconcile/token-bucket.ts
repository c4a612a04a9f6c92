/**
 * A token bucket for write calls: a sweep must leave most of the Region's 50/s shared write
 * quota (PutSecretValue, UpdateSecret, UpdateSecretVersionStage, ...) to rotations.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html
 */

/** Clock and timer, injectable for tests. */
export interface BucketClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

const realClock: BucketClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Hands out at most `ratePerSecond` tokens a second after an initial `burst`. */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #clock: BucketClock;
  #tokens: number;
  #updated: number;
  #queue: Promise<void> = Promise.resolve();

  public constructor(ratePerSecond: number, burst = ratePerSecond, clock: BucketClock = realClock) {
    if (!(ratePerSecond > 0) || !(burst >= 1))
      throw new RangeError('rate must be > 0 and burst >= 1');
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#updated = clock.now();
  }

  /** Resolves when a token is taken; callers are served in arrival order. */
  public take(): Promise<void> {
    const turn = this.#queue.then(() => this.#takeOne());
    this.#queue = turn;
    return turn;
  }

  async #takeOne(): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      this.#tokens = Math.min(
        this.#burst,
        this.#tokens + ((now - this.#updated) / 1000) * this.#rate,
      );
      this.#updated = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      await this.#clock.sleep(Math.ceil(((1 - this.#tokens) / this.#rate) * 1000));
    }
  }
}
