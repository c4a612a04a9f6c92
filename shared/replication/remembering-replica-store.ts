/** Wraps a ReplicaStore so every value it reads is remembered, for scrubbing from error text. */
import type { RegionalSecrets, ReplicaStore } from '#shared/aws/replica-store.js';
import type { KnownValues } from '#shared/known-values.js';

/** The same store; values read by readCurrent/readCurrentBatch go into `knownValues`. */
export const rememberingReplicaStore = (
  store: ReplicaStore,
  knownValues: KnownValues,
): ReplicaStore => {
  const wrapped = new Map<string, RegionalSecrets>();
  return (region) => {
    const known = wrapped.get(region);
    if (known !== undefined) return known;
    const inner = store(region);
    const remembering: RegionalSecrets = {
      region: inner.region,
      describe: (id) => inner.describe(id),
      readCurrent: async (id) => {
        const current = await inner.readCurrent(id);
        if (current !== undefined) knownValues.remember(current.value);
        return current;
      },
      readCurrentBatch: async (ids) => {
        const values = await inner.readCurrentBatch(ids);
        for (const value of values.values())
          if (value !== undefined) knownValues.remember(value.value);
        return values;
      },
      create: (secret) => inner.create(secret),
      putValue: (id, token, value) => inner.putValue(id, token, value),
      promote: (id, versionId, from) => inner.promote(id, versionId, from),
      tag: (id, tags) => inner.tag(id, tags),
      remove: (id, days) => inner.remove(id, days),
      list: (options) => inner.list(options),
    };
    wrapped.set(region, remembering);
    return remembering;
  };
};
