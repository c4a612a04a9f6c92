/**
 * The reconcile sweep: compares every replicated secret in the source Region with its replica
 * in each target Region and repairs drift through {@link replicateSecret}. Only secrets under
 * the replicated-secret prefix are listed, read or repaired: the role allows no others.
 *
 * Cost grows with the number of secrets, not their history: values are read with
 * BatchGetSecretValue, 20 secrets a call, so N unchanged secrets in R target Regions cost
 * about N/20 source reads plus N·R/20 replica reads, one ListSecrets page per 100 secrets per
 * Region, and no write. Repairs run with bounded concurrency and every write call takes a token
 * from a bucket (default 10/s), leaving most of the 50/s write quota to rotations.
 */

import type { DatabaseLocator, RdsDirectory } from '#shared/aws/rds-directory.js';
import type { SecretMetadata, SecretStores, SecretValue } from '#shared/aws/secret-store.js';
import type { DbEndpoint } from '#shared/engines/engine.js';
import { mapWithConcurrency } from '#shared/replication/concurrency.js';
import {
  parseSecretObject,
  planEndpoint,
  rewriteEndpoint,
} from '#shared/replication/endpoint-rewrite.js';
import { type ReplicateDeps, replicateSecret } from '#shared/replication/replicate-secret.js';
import { isUnderPrefix } from '#shared/replication/secret-prefix.js';
import { SOURCE_ARN_TAG, selectTargetRegions } from '#shared/replication/target-selection.js';
import { classifyUnpairedReplicas, type UnpairedReplica } from './extra-replicas.js';
import { rateLimitWrites } from './rate-limited-store.js';
import { TokenBucket } from './token-bucket.js';

/** Why a replica differs from what it should be. */
export type DriftReason =
  | 'missing'
  | 'stale-value'
  | 'wrong-endpoint'
  | 'extra-replica'
  | 'no-longer-replicated';

/** One drifted replica; `error` names why a repair failed (never a value). */
export interface Drift {
  readonly secret: string;
  readonly region: string;
  readonly reason: DriftReason;
  readonly repaired: boolean;
  readonly error?: string;
}

/** What a sweep found and did; safe to log. */
export interface ReconcileReport {
  /** Secret × Region pairs compared. */
  readonly checked: number;
  readonly inSync: number;
  readonly repaired: number;
  readonly failed: number;
  readonly dryRun: boolean;
  readonly drift: readonly Drift[];
  /** Secrets that could not be checked (a malformed tag, ...), with the reason. */
  readonly errors: readonly { readonly secret: string; readonly error: string }[];
}

/** Sweep options: `dryRun` reports drift and writes nothing. */
export interface ReconcileOptions {
  readonly dryRun?: boolean;
}

/** What the sweep needs: replication's deps plus its pacing. */
export interface ReconcileDeps extends ReplicateDeps {
  /** Repairs in flight at once (default 4). */
  readonly concurrency?: number;
  /** Shared pacing of write calls (default 10 per second). */
  readonly writeBucket?: TokenBucket;
}

const BATCH = 20;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, i * size + size),
  );

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';

/** JSON with sorted keys, so key order does not count as drift. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );

const withoutEndpoint = (secret: Record<string, unknown>): Record<string, unknown> => {
  const { host: _host, port: _port, ...rest } = secret;
  return rest;
};

/** Classifies a replica's value against the expected one; `undefined` means in sync. */
const compare = (
  expected: SecretValue['value'],
  actual: SecretValue['value'],
): 'stale-value' | 'wrong-endpoint' | undefined => {
  if (expected.reveal() === actual.reveal()) return undefined;
  const want = parseSecretObject(expected);
  const have = parseSecretObject(actual);
  if (want === undefined || have === undefined) return 'stale-value';
  if (canonical(want) === canonical(have)) return undefined;
  return canonical(withoutEndpoint(want)) === canonical(withoutEndpoint(have))
    ? 'wrong-endpoint'
    : 'stale-value';
};

/** RDS lookups memoised for one sweep: many secrets name the same database. */
const memoise = (
  rds: Pick<RdsDirectory, 'findReplicaEndpoint'>,
): Pick<RdsDirectory, 'findReplicaEndpoint'> => {
  const seen = new Map<string, Promise<DbEndpoint | undefined>>();
  return {
    findReplicaEndpoint: (source: string, locator: DatabaseLocator, target: string) => {
      const key = JSON.stringify([
        source,
        locator.host,
        locator.dbInstanceIdentifier,
        locator.dbClusterIdentifier,
        target,
      ]);
      const known = seen.get(key);
      if (known !== undefined) return known;
      const lookup = rds.findReplicaEndpoint(source, locator, target);
      seen.set(key, lookup);
      return lookup;
    },
  };
};

interface Pair {
  readonly secret: SecretMetadata;
  readonly region: string;
}

/**
 * Every secret of `region` under `prefix` (and carrying `tagKey`, when given). ListSecrets
 * filters by name prefix; the ARN check after it keeps out anything the filter let through
 * that the role's `secret:<prefix>*` would refuse, so the sweep never reads it.
 */
const listAll = async (
  store: SecretStores,
  region: string,
  prefix: string,
  tagKey?: string,
): Promise<SecretMetadata[]> => {
  const all: SecretMetadata[] = [];
  let nextToken: string | undefined;
  do {
    const options = {
      ...(tagKey === undefined ? {} : { tagKey }),
      ...(prefix === '' ? {} : { namePrefix: prefix }),
      ...(nextToken === undefined ? {} : { nextToken }),
    };
    const page = await store(region).list(options);
    all.push(
      ...page.secrets.filter((secret) =>
        isUnderPrefix(secret.arn === '' ? secret.name : secret.arn, prefix),
      ),
    );
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return all;
};

const readAll = async (
  store: SecretStores,
  region: string,
  ids: readonly string[],
): Promise<Map<string, SecretValue | undefined>> => {
  const values = new Map<string, SecretValue | undefined>();
  for (const batch of chunks([...new Set(ids)], BATCH)) {
    const found = await store(region).readCurrentBatch(batch);
    for (const [id, value] of found) values.set(id, value);
  }
  return values;
};

/**
 * Sweeps every replicated secret of `sourceRegion`, repairs drift (unless `dryRun`) and
 * returns the report. Per-secret failures are counted, never thrown; listing failures throw.
 */
export const reconcile = async (
  sourceRegion: string,
  options: ReconcileOptions,
  deps: ReconcileDeps,
): Promise<ReconcileReport> => {
  const dryRun = options.dryRun === true;
  const rds = memoise(deps.rds);
  const bucket = deps.writeBucket ?? new TokenBucket(10);
  const writeStore = rateLimitWrites(deps.store, bucket);
  const errors: { secret: string; error: string }[] = [];

  const prefix = deps.config.replicatedSecretPrefix;
  const sources = await listAll(deps.store, sourceRegion, prefix);
  const pairs: Pair[] = [];
  const unreadable = new Set<string>();
  for (const secret of sources) {
    try {
      const selection = selectTargetRegions(secret, sourceRegion, deps.config.defaultRegions);
      if (selection.replicate)
        pairs.push(...selection.regions.map((region) => ({ secret, region })));
    } catch (error) {
      unreadable.add(secret.arn);
      errors.push({ secret: secret.arn, error: describeError(error) });
    }
  }
  // A listed source's replicas are never extra, whatever its tags say.
  const listed = {
    arns: new Set(sources.map((secret) => secret.arn)),
    names: new Set(sources.map((secret) => secret.name)),
    unreadable,
  };
  const unpaired: UnpairedReplica[] = [];
  const sourceValues = await readAll(deps.store, sourceRegion, [
    ...new Set(pairs.map((pair) => pair.secret.arn)),
  ]);
  const regions = [
    ...new Set([...pairs.map((pair) => pair.region), ...deps.config.defaultRegions]),
  ].filter((region) => region !== sourceRegion);
  const drift: Drift[] = [];
  const extraNames = new Map<string, string>();
  let checked = 0;
  let inSync = 0;
  for (const region of regions) {
    const here = pairs.filter((pair) => pair.region === region);
    const replicaValues = await readAll(
      deps.store,
      region,
      here.map((pair) => pair.secret.name),
    );
    for (const pair of here) {
      const source = sourceValues.get(pair.secret.arn);
      if (source === undefined) continue;
      checked += 1;
      const replica = replicaValues.get(pair.secret.name);
      let reason: DriftReason | undefined;
      try {
        const plan = await planEndpoint({
          secretName: pair.secret.name,
          tags: pair.secret.tags,
          value: source.value,
          sourceRegion,
          targetRegion: region,
          overrides: deps.config.endpointOverrides,
          rds,
        });
        const expected = rewriteEndpoint(source.value, plan.endpoint);
        reason = replica === undefined ? 'missing' : compare(expected, replica.value);
      } catch (error) {
        errors.push({ secret: pair.secret.arn, error: describeError(error) });
        continue;
      }
      if (reason === undefined) inSync += 1;
      else drift.push({ secret: pair.secret.arn, region, reason, repaired: false });
    }
    // Replicas of this Region's secrets that no pair accounts for: classified below.
    const wanted = new Set(here.map((pair) => pair.secret.arn));
    const replicas = await listAll(deps.store, region, prefix, SOURCE_ARN_TAG);
    for (const replica of replicas) {
      const sourceArn = replica.tags[SOURCE_ARN_TAG] ?? '';
      if (sourceArn.split(':')[3] !== sourceRegion || wanted.has(sourceArn)) continue;
      unpaired.push({ region, sourceArn, replicaName: replica.name });
    }
  }
  const verdicts = await classifyUnpairedReplicas(unpaired, listed, {
    describeSource: (arn) => deps.store(sourceRegion).describe(arn),
    prefix,
    concurrency: deps.concurrency ?? 4,
  });
  const unchecked = new Set<string>();
  verdicts.forEach((verdict, index) => {
    const { region, sourceArn, replicaName } = unpaired[index] as UnpairedReplica;
    // One error per source, however many Regions hold its replicas.
    if (verdict.kind === 'error' && !unchecked.has(sourceArn)) {
      unchecked.add(sourceArn);
      errors.push({ secret: sourceArn, error: verdict.error });
    }
    if (verdict.kind === 'no-longer-replicated' || verdict.kind === 'extra') {
      const reason = verdict.kind === 'extra' ? 'extra-replica' : verdict.kind;
      drift.push({ secret: sourceArn, region, reason, repaired: false });
    }
    if (verdict.kind === 'extra') extraNames.set(`${region}|${sourceArn}`, replicaName);
  });
  if (dryRun) {
    return { checked, inSync, repaired: 0, failed: errors.length, dryRun, drift, errors };
  }
  const repairDeps: ReplicateDeps = { ...deps, rds, store: writeStore };
  const repairedDrift = await mapWithConcurrency(drift, deps.concurrency ?? 4, async (item) => {
    try {
      // A replica of a live source is reported only; it is never deleted by a sweep.
      if (item.reason === 'no-longer-replicated') return item;
      if (item.reason === 'extra-replica') {
        if (!deps.config.replicateDeletes) return item;
        const name = extraNames.get(`${item.region}|${item.secret}`) ?? item.secret;
        await writeStore(item.region).remove(name, deps.config.recoveryWindowInDays);
        return { ...item, repaired: true };
      }
      await replicateSecret(
        { secretId: item.secret, sourceRegion, onlyRegions: [item.region] },
        repairDeps,
      );
      return { ...item, repaired: true };
    } catch (error) {
      return { ...item, error: describeError(error) };
    }
  });
  const repaired = repairedDrift.filter((item) => item.repaired).length;
  const failedRepairs = repairedDrift.filter((item) => item.error !== undefined).length;
  return {
    checked,
    inSync,
    repaired,
    failed: failedRepairs + errors.length,
    dryRun,
    drift: repairedDrift,
    errors,
  };
};
