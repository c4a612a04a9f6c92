/** Wraps a DrSecretStore so every value it reads is remembered, for scrubbing from reports and errors. */
import type { KnownValues } from '#shared/known-values.js';
import { rememberingReplicaStore } from '#shared/replication/remembering-replica-store.js';
import type { DrSecretStore, DrSecrets } from './ports.js';

/** The same store; values read through it go into `knownValues` (the whole string). */
export const rememberingDrStore = (
  store: DrSecretStore,
  knownValues: KnownValues,
): DrSecretStore => {
  const reads = rememberingReplicaStore(store, knownValues);
  const wrapped = new Map<string, DrSecrets>();
  return (region) => {
    const known = wrapped.get(region);
    if (known !== undefined) return known;
    const inner = store(region);
    const remembering = reads(region);
    const secrets: DrSecrets = {
      region: inner.region,
      describe: (id) => inner.describe(id),
      readCurrent: (id) => remembering.readCurrent(id),
      readCurrentBatch: (ids) => remembering.readCurrentBatch(ids),
      create: (secret) => inner.create(secret),
      putValue: (id, token, value) => inner.putValue(id, token, value),
      promote: (id, versionId, from) => inner.promote(id, versionId, from),
      tag: (id, tags) => inner.tag(id, tags),
      remove: (id, days) => inner.remove(id, days),
      list: (options) => inner.list(options),
      untag: (id, keys) => inner.untag(id, keys),
      enableRotation: (id, lambdaArn, rules) => inner.enableRotation(id, lambdaArn, rules),
      cancelRotation: (id) => inner.cancelRotation(id),
    };
    wrapped.set(region, secrets);
    return secrets;
  };
};

/** `report` with every remembered value blanked: the safety net before a report leaves. */
export const scrubReport = <T>(report: T, knownValues: KnownValues): T =>
  JSON.parse(knownValues.redact(JSON.stringify(report))) as T;
