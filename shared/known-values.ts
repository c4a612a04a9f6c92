/**
 * Secret values seen during one invocation, so error text from a driver or the SDK can be
 * scrubbed of them before it is logged or returned to Secrets Manager (Infisical's
 * `redactPasswords`, generalised).
 */
import type { Sensitive } from './sensitive.js';

/** Replaces every remembered value in a text with `[redacted]`. */
export class KnownValues {
  readonly #values = new Set<string>();

  /** Remembers a value (empty strings are ignored: they would match everywhere). */
  public remember(value: Sensitive<string> | string): void {
    const text = typeof value === 'string' ? value : value.reveal();
    if (text.length > 0) this.#values.add(text);
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
