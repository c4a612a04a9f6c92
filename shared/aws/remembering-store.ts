/**
 * A SecretStore decorator that remembers every secret value passing through it (the whole
 * string and its `password`), so the error boundary can scrub them from driver messages.
 */
import type { KnownValues } from '#shared/known-values.js';
import type { Sensitive } from '#shared/sensitive.js';
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
 * Wraps `store` so each value read or written is remembered in `knownValues`.
 *
 * @example
 * const store = rememberingStore(new SecretsManagerStore(client), knownValues);
 */
export const rememberingStore = (store: SecretStore, knownValues: KnownValues): SecretStore => ({
  describe: (secretId) => store.describe(secretId),
  read: async (secretId, stage, versionId) => {
    const version = await store.read(secretId, stage, versionId);
    if (version !== undefined) rememberSecret(knownValues, version.value);
    return version;
  },
  putPending: (secretId, token, value, rotationToken) => {
    rememberSecret(knownValues, value);
    return store.putPending(secretId, token, value, rotationToken);
  },
  promote: (secretId, token, fromVersionId) => store.promote(secretId, token, fromVersionId),
});
