/**
 * A SecretStore decorator that remembers every secret value passing through it (the whole
 * string and its `password`), so the error boundary can scrub them from driver messages.
 */
import type { KnownValues } from '#shared/known-values.js';
import type { Sensitive } from '#shared/sensitive.js';
import { decorate } from './decorate.js';
import type { SecretStore } from './secret-store.js';

const rememberSecret = (knownValues: KnownValues, value: Sensitive<string>): void => {
  knownValues.remember(value);
  try {
    const parsed: unknown = JSON.parse(value.reveal());
    if (typeof parsed === 'object' && parsed !== null && 'password' in parsed) {
      const { password } = parsed;
      if (typeof password === 'string') knownValues.remember(password);
    }
  } catch {
    // Not JSON: the whole string is remembered already; the parser reports the format.
  }
};

/**
 * `store` with each value read or written remembered in `knownValues`.
 *
 * @example
 * const store = rememberingStore(secretsManagerStores()(), knownValues);
 */
export const rememberingStore = <S extends Partial<SecretStore>>(
  store: S,
  knownValues: KnownValues,
): S =>
  decorate(store as Partial<SecretStore>, {
    read: async (original, ...args) => {
      const version = await original(...args);
      if (version !== undefined) rememberSecret(knownValues, version.value);
      return version;
    },
    readCurrentBatch: async (original, secretIds) => {
      const values = await original(secretIds);
      for (const value of values.values()) {
        if (value !== undefined) rememberSecret(knownValues, value.value);
      }
      return values;
    },
    putValue: (original, secretId, token, value, options) => {
      rememberSecret(knownValues, value);
      return original(secretId, token, value, options);
    },
    create: (original, secret) => {
      rememberSecret(knownValues, secret.value);
      return original(secret);
    },
  }) as S;
