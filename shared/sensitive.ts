import { inspect } from 'node:util';

/**
 * Holds a secret value (a password, a SecretString). It prints as `[redacted]` in logs,
 * JSON, template strings and `util.inspect`, so a value can only leave through `reveal()`.
 *
 * @example
 * const password = new Sensitive('hunter2');
 * `${password}` // '[redacted]'
 * password.reveal() // 'hunter2'
 */
export class Sensitive<T = string> {
  readonly #value: T;

  public constructor(value: T) {
    this.#value = value;
  }

  /** The wrapped value; call it only where the value must reach a driver or the AWS API. */
  public reveal(): T {
    return this.#value;
  }

  public toJSON(): string {
    return '[redacted]';
  }

  public toString(): string {
    return '[redacted]';
  }

  public [inspect.custom](): string {
    return 'Sensitive([redacted])';
  }
}
