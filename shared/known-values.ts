/**
 * Secret values seen during one invocation, so error text from a driver or the SDK can be
 * scrubbed of them before it is logged or returned to Secrets Manager (Infisical's
 * `redactPasswords`, generalised).
 */
import type { Sensitive } from './sensitive.js';

/**
 * How many values are remembered at most, the most recent ones. Rotation and replication see a
 * handful per invocation; a reconcile sweep reads tens of thousands, and holding them all would
 * make its memory grow with the account. The values an error can quote are those the work that
 * failed had just read (a repair reads its source again), well inside this window.
 */
export const KNOWN_VALUES_CAPACITY = 4096;

/** Replaces every remembered value in a text with `[redacted]`. */
export class KnownValues {
  // A Set iterates in insertion order: its first member is the least recently remembered.
  readonly #values = new Set<string>();
  readonly #capacity: number;

  public constructor(capacity: number = KNOWN_VALUES_CAPACITY) {
    this.#capacity = capacity;
  }

  /** Remembers a value (empty strings are ignored: they would match everywhere). */
  public remember(value: Sensitive<string> | string): void {
    const text = typeof value === 'string' ? value : value.reveal();
    if (text.length === 0) return;
    // Seen again: now the most recent.
    this.#values.delete(text);
    this.#values.add(text);
    if (this.#values.size > this.#capacity) {
      const oldest = this.#values.values().next();
      if (oldest.done !== true) this.#values.delete(oldest.value);
    }
  }

  /** `text` with every remembered value, longest first, replaced by `[redacted]`. */
  public redact(text: string): string {
    const longestFirst = [...this.#values].sort((a, b) => b.length - a.length);
    return longestFirst.reduce((out, value) => out.split(value).join('[redacted]'), text);
  }

  /** Forgets every value; called at the start of each invocation. */
  public forget(): void {
    this.#values.clear();
  }
}
