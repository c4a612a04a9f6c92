/** Wraps a ReplicaStore so every write call first takes a token from a shared bucket. */
import type { RegionalSecrets, ReplicaStore } from '#shared/aws/replica-store.js';
import type { TokenBucket } from './token-bucket.js';

/** The same store, with create/putValue/promote/tag/remove paced by `bucket`; reads are not. */
export const rateLimitWrites = (store: ReplicaStore, bucket: TokenBucket): ReplicaStore => {
  const wrapped = new Map<string, RegionalSecrets>();
  return (region) => {
    const known = wrapped.get(region);
    if (known !== undefined) return known;
    const inner = store(region);
    const limited: RegionalSecrets = {
      region: inner.region,
      describe: (id) => inner.describe(id),
      readCurrent: (id) => inner.readCurrent(id),
      readCurrentBatch: (ids) => inner.readCurrentBatch(ids),
      list: (options) => inner.list(options),
      create: async (secret) => {
        await bucket.take();
        return inner.create(secret);
      },
      putValue: async (id, token, value) => {
        await bucket.take();
        return inner.putValue(id, token, value);
      },
      promote: async (id, versionId, from) => {
        await bucket.take();
        return inner.promote(id, versionId, from);
      },
      tag: async (id, tags) => {
        await bucket.take();
        return inner.tag(id, tags);
      },
      remove: async (id, days) => {
        await bucket.take();
        return inner.remove(id, days);
      },
    };
    wrapped.set(region, limited);
    return limited;
  };
};
