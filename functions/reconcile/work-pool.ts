/**
 * Runs tasks with at most `concurrency` at once and at most `backlog` more waiting: `submit`
 * returns once the task is accepted, and makes its caller wait while the pool is full, which is
 * how a fast producer (the listing) is held back by slower consumers (reads, repairs) without
 * queueing the whole account in memory.
 */

/** Options of {@link WorkPool}. */
export interface WorkPoolOptions {
  /** After a task fails, refuse new tasks with its error (the sweep fails as a whole). */
  readonly failFast?: boolean;
}

export class WorkPool {
  readonly #concurrency: number;
  readonly #capacity: number;
  readonly #failFast: boolean;
  readonly #queue: (() => Promise<void>)[] = [];
  readonly #roomWaiters: (() => void)[] = [];
  readonly #idleWaiters: (() => void)[] = [];
  #running = 0;
  #failure: { readonly error: unknown } | undefined;

  public constructor(concurrency: number, backlog: number, options: WorkPoolOptions = {}) {
    if (!(concurrency >= 1) || !(backlog >= 0)) {
      throw new RangeError('concurrency must be 1 or more and backlog 0 or more');
    }
    this.#concurrency = concurrency;
    this.#capacity = concurrency + backlog;
    this.#failFast = options.failFast === true;
  }

  /**
   * Accepts `task` once there is room (waiting until then); rejects with the first failure of a
   * fail-fast pool instead.
   */
  public async submit(task: () => Promise<void>): Promise<void> {
    while (this.#running + this.#queue.length >= this.#capacity && !this.#failedFast()) {
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
    }
    if (this.#failedFast()) throw this.#failure?.error;
    this.#queue.push(task);
    this.#pump();
  }

  /** Resolves when every accepted task has ended; rejects with the first failure, if any. */
  public async drain(): Promise<void> {
    while (this.#running > 0 || this.#queue.length > 0) {
      await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    }
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  #failedFast(): boolean {
    return this.#failFast && this.#failure !== undefined;
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#queue.length > 0) {
      const task = this.#queue.shift() as () => Promise<void>;
      this.#running += 1;
      task()
        .catch((error: unknown) => {
          this.#failure ??= { error };
          // A fail-fast pool drops what has not started and wakes every waiting producer.
          if (this.#failFast) this.#queue.length = 0;
        })
        .finally(() => {
          this.#running -= 1;
          this.#pump();
          for (const wake of this.#roomWaiters.splice(0)) wake();
          if (this.#running === 0 && this.#queue.length === 0) {
            for (const wake of this.#idleWaiters.splice(0)) wake();
          }
        });
    }
  }
}
