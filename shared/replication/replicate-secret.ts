/**
 * Copies one secret's current value to the same-named secret in each target Region, with the
 * database endpoint rewritten for that Region.
 *
 * Idempotence. The target version id (ClientRequestToken) is derived from the source version id
 * ({@link replicaToken}): a repeated event finds the target already holding that version and
 * writes nothing.
 *
 * Ordering: never older over newer, under duplicated, reordered and concurrent deliveries.
 * 1. Every invocation reads the source's AWSCURRENT when it runs, not the version its event
 *    named, so a late event for v1 arriving after v2 still copies v2.
 * 2. Each replica records the source version it holds and that version's CreatedDate in tags
 *    (`rotasync:source-version`, `rotasync:source-version-date`). When the replica records a
 *    newer CreatedDate than the value this invocation read, the read is stale (another invocation
 *    read later): re-read the source and go again. Only if the source's current version is still
 *    the older one (a rollback of AWSCURRENT) is it written, because the source is the truth.
 * 3. Two invocations can still interleave between check and write (A reads v1, B reads v2, B
 *    writes v2, A writes v1). So every writer verifies after writing: the source's current
 *    version (DescribeSecret) must still be the one it wrote and the replica's AWSCURRENT must be
 *    its token, else it goes round again (bounded by `maxRounds`, then it throws so Lambda
 *    retries). The last write is followed by its writer's verification, which either confirms
 *    the replica equals the source or writes again, so when deliveries stop every replica holds
 *    its source's current value. A version already present is promoted with
 *    UpdateSecretVersionStage instead of PutSecretValue, which would be a no-op for it.
 *
 * Failures are isolated per Region; transient ones were retried by the SDK (shared/aws/clients.ts). The function
 * throws {@link ReplicationFailedError} at the end when any Region failed, so EventBridge and
 * Lambda retry and finally the dead-letter queue holds the event.
 */
import { createHash } from 'node:crypto';
import type { RdsDirectory } from '#shared/aws/rds-directory.js';
import type {
  SecretMetadata,
  SecretStore,
  SecretStores,
  SecretValue,
} from '#shared/aws/secret-store.js';
import { FAILED_OVER_FROM_TAG, FAILED_OVER_TAGS } from '#shared/dr/tags.js';
import type { DbEndpoint } from '#shared/engines/engine.js';
import { describeError, ReplicaConflictError, ReplicationFailedError } from '#shared/errors.js';
import type { SecretChangeKind } from '#shared/inputs/secret-change-event.js';
import type { ReplicationConfig } from './config.js';
import { type EndpointSource, planEndpoint, rewriteEndpoint } from './endpoint-rewrite.js';
import { isUnderPrefix, OUTSIDE_PREFIX_REASON } from './secret-prefix.js';
import { SOURCE_ARN_TAG, selectTargetRegions } from './target-selection.js';

/** Tag on a replica: the source version id it holds. */
export const SOURCE_VERSION_TAG = 'rotasync:source-version';
/** Tag on a replica: the CreatedDate (ISO 8601) of the source version it holds. */
export const SOURCE_VERSION_DATE_TAG = 'rotasync:source-version-date';

/**
 * What happened in one target Region. `failed-over`: the target is a secret that was failed
 * over (tag `rotasync:failed-over-from`), a source in its own Region now, so it is left alone;
 * that is an outcome, not a failure, and nothing retries it.
 */
export type RegionStatus =
  | 'created'
  | 'updated'
  | 'in-sync'
  | 'deleted'
  | 'absent'
  | 'deletion-not-replicated'
  | 'failed-over'
  | 'failed';

/** The outcome in one Region; `error` names the failure, never a value. */
export interface RegionResult {
  readonly region: string;
  readonly status: RegionStatus;
  readonly endpoint?: EndpointSource;
  readonly error?: string;
}

/** What one replication did; safe to log (ids, Regions, outcomes, no values). */
export interface ReplicationReport {
  readonly secretId: string;
  readonly sourceRegion: string;
  /** False when the secret needs no replication; `reason` says why. */
  readonly replicated: boolean;
  readonly reason?: string;
  readonly sourceVersionId?: string;
  /** When that source version was created (ISO 8601): replication lag is measured from it. */
  readonly sourceVersionCreatedDate?: string;
  readonly regions: readonly RegionResult[];
}

/** What replication needs. */
export interface ReplicateDeps {
  readonly store: SecretStores;
  readonly rds: Pick<RdsDirectory, 'findReplicaEndpoint'>;
  readonly config: ReplicationConfig;
  /** Check-write-verify rounds per Region before giving up (default 5). */
  readonly maxRounds?: number;
}

/** Which secret to replicate, and optionally to which Regions only (reconcile's repairs). */
export interface ReplicateRequest {
  readonly secretId: string;
  readonly sourceRegion: string;
  readonly kind?: SecretChangeKind;
  readonly onlyRegions?: readonly string[];
}

const TOKEN_PATTERN = /^[A-Za-z0-9-]{32,64}$/;

/**
 * The target ClientRequestToken for a source version: the source VersionId itself when the
 * value is copied unchanged and the id is a valid token (32-64 of `[A-Za-z0-9-]`), else
 * `rs-` + 40 hex of SHA-256 over the version id and the rewritten endpoint. Deterministic, so
 * repeats write nothing; a changed endpoint for the same version gets a new token.
 */
export const replicaToken = (sourceVersionId: string, endpoint: DbEndpoint | undefined): string => {
  if (endpoint === undefined && TOKEN_PATTERN.test(sourceVersionId)) return sourceVersionId;
  const input = `${sourceVersionId}\n${endpoint?.host ?? ''}\n${endpoint?.port ?? ''}`;
  return `rs-${createHash('sha256').update(input).digest('hex').slice(0, 40)}`;
};

/**
 * The tags a replica carries: the source's, less AWS-reserved ones and the failed-over tags of a
 * source that was a replica once (they describe that secret, not its replicas), plus the
 * provenance tags.
 */
export const replicaTags = (
  source: SecretMetadata,
  current: SecretValue,
): Record<string, string> => ({
  ...Object.fromEntries(
    Object.entries(source.tags).filter(
      ([key]) => !key.startsWith('aws:') && !FAILED_OVER_TAGS.includes(key),
    ),
  ),
  [SOURCE_ARN_TAG]: source.arn,
  [SOURCE_VERSION_TAG]: current.versionId,
  [SOURCE_VERSION_DATE_TAG]: current.createdDate.toISOString(),
});

interface Context {
  readonly request: ReplicateRequest;
  readonly deps: ReplicateDeps;
  readonly source: SecretStore;
}

const changedTags = (
  have: Readonly<Record<string, string>>,
  want: Readonly<Record<string, string>>,
): Record<string, string> =>
  Object.fromEntries(Object.entries(want).filter(([key, value]) => have[key] !== value));

const syncTags = async (
  target: SecretStore,
  name: string,
  have: Readonly<Record<string, string>>,
  want: Readonly<Record<string, string>>,
): Promise<void> => {
  const changes = changedTags(have, want);
  if (Object.keys(changes).length > 0) await target.tag(name, changes);
};

const readCurrentOrFail = async (ctx: Context, arn: string): Promise<SecretValue> => {
  const current = await ctx.source.read(arn);
  if (current === undefined) {
    throw new ReplicaConflictError(
      'the source has no current value',
      arn,
      ctx.request.sourceRegion,
    );
  }
  return current;
};

/** Check, write, verify in one Region until the replica holds the source's current version. */
const replicateToRegion = async (
  ctx: Context,
  meta: SecretMetadata,
  first: SecretValue,
  region: string,
): Promise<RegionResult> => {
  const target = ctx.deps.store(region);
  const maxRounds = ctx.deps.maxRounds ?? 5;
  let current = first;
  let wrote: 'created' | 'updated' | undefined;
  for (let round = 1; round <= maxRounds; round += 1) {
    const plan = await planEndpoint({
      secretName: meta.name,
      tags: meta.tags,
      value: current.value,
      sourceRegion: ctx.request.sourceRegion,
      targetRegion: region,
      overrides: ctx.deps.config.endpointOverrides,
      rds: ctx.deps.rds,
    });
    const token = replicaToken(current.versionId, plan.endpoint);
    const value = rewriteEndpoint(current.value, plan.endpoint);
    const tags = replicaTags(meta, current);
    const existing = await target.describe(meta.name);
    if (existing === undefined) {
      const kmsKeyId = ctx.deps.config.kmsKeyIds[region];
      const created = await target.create({
        name: meta.name,
        token,
        value,
        tags,
        ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
        ...(meta.description === undefined ? {} : { description: meta.description }),
      });
      // Another invocation created it meanwhile: run the checks against what it wrote.
      if (created === 'exists') continue;
      wrote ??= 'created';
    } else {
      if (existing.deleted) {
        throw new ReplicaConflictError('the replica is scheduled for deletion', meta.name, region);
      }
      // Failed over: no longer our replica, whatever its other tags say (a failover interrupted
      // between tagging and untagging leaves both), so it is never overwritten.
      if (existing.tags[FAILED_OVER_FROM_TAG] !== undefined) {
        return { region, status: 'failed-over' };
      }
      if (existing.tags[SOURCE_ARN_TAG] !== meta.arn) {
        throw new ReplicaConflictError(
          `a secret of that name exists that is not a Rotasync replica of ${meta.arn}`,
          meta.name,
          region,
        );
      }
      if (existing.currentVersionId === token) {
        await syncTags(target, meta.name, existing.tags, tags);
        return { region, status: wrote ?? 'in-sync', endpoint: plan.source };
      }
      const recorded = Date.parse(existing.tags[SOURCE_VERSION_DATE_TAG] ?? '');
      if (recorded > current.createdDate.getTime()) {
        const fresh = await readCurrentOrFail(ctx, meta.arn);
        if (fresh.versionId !== current.versionId) {
          current = fresh;
          continue;
        }
        // The source's AWSCURRENT went back to an older version (a rollback): follow it.
      }
      if (Object.hasOwn(existing.versions, token)) {
        await target.promote(meta.name, token, existing.currentVersionId);
      } else {
        await target.putValue(meta.name, token, value);
      }
      await syncTags(target, meta.name, existing.tags, tags);
      wrote = 'updated';
    }
    // Verify after writing: a concurrent writer may have read an older value before us.
    const [sourceNow, targetNow] = await Promise.all([
      ctx.source.describe(meta.arn),
      target.describe(meta.name),
    ]);
    if (sourceNow?.currentVersionId !== current.versionId) {
      current = await readCurrentOrFail(ctx, meta.arn);
      continue;
    }
    if (targetNow?.currentVersionId === token) {
      return { region, status: wrote, endpoint: plan.source };
    }
  }
  throw new ReplicaConflictError(
    `the replica did not settle within ${maxRounds} rounds (concurrent changes); retry`,
    meta.name,
    region,
  );
};

const isolate = async (region: string, run: () => Promise<RegionResult>): Promise<RegionResult> => {
  try {
    return await run();
  } catch (error) {
    return { region, status: 'failed', error: describeError(error) };
  }
};

const finish = (report: ReplicationReport): ReplicationReport => {
  if (report.regions.some((result) => result.status === 'failed')) {
    throw new ReplicationFailedError(report);
  }
  return report;
};

const replicateDeletion = async (
  ctx: Context,
  meta: SecretMetadata | undefined,
  regions: readonly string[],
): Promise<ReplicationReport> => {
  const { request, deps } = ctx;
  const base = { secretId: request.secretId, sourceRegion: request.sourceRegion };
  if (!deps.config.replicateDeletes) {
    const results = regions.map((region) => ({
      region,
      status: 'deletion-not-replicated' as const,
    }));
    return { ...base, replicated: false, reason: 'deletions are not replicated', regions: results };
  }
  const name = meta?.name ?? request.secretId;
  const results = await Promise.all(
    regions.map((region) =>
      isolate(region, async () => {
        const target = deps.store(region);
        const replica = await target.describe(name);
        if (replica === undefined || replica.deleted) return { region, status: 'absent' as const };
        if (replica.tags[FAILED_OVER_FROM_TAG] !== undefined) {
          return { region, status: 'failed-over' as const };
        }
        const sourceArn = replica.tags[SOURCE_ARN_TAG];
        const ours =
          meta === undefined
            ? sourceArn?.split(':')[3] === request.sourceRegion
            : sourceArn === meta.arn;
        if (!ours) {
          throw new ReplicaConflictError(
            'refusing to delete a secret that is not our replica',
            name,
            region,
          );
        }
        await target.remove(name, deps.config.recoveryWindowInDays);
        return { region, status: 'deleted' as const };
      }),
    ),
  );
  return finish({ ...base, replicated: true, regions: results });
};

/**
 * Replicates a secret's current value (or its deletion, when configured) to its target Regions.
 * A secret outside the configured prefix is not touched (report with replicated false).
 * Resolves the report; throws {@link ReplicationFailedError} when any Region failed, and the
 * store's error when the source itself cannot be read.
 */
export const replicateSecret = async (
  request: ReplicateRequest,
  deps: ReplicateDeps,
): Promise<ReplicationReport> => {
  const base = { secretId: request.secretId, sourceRegion: request.sourceRegion };
  // Outside the prefix the roles allow no call at all: skip before the first one.
  if (!isUnderPrefix(request.secretId, deps.config.replicatedSecretPrefix)) {
    return { ...base, replicated: false, reason: OUTSIDE_PREFIX_REASON, regions: [] };
  }
  const ctx: Context = { request, deps, source: deps.store(request.sourceRegion) };
  const meta = await ctx.source.describe(request.secretId);
  const restrict = (regions: readonly string[]): readonly string[] =>
    request.onlyRegions === undefined
      ? regions
      : regions.filter((region) => request.onlyRegions?.includes(region));
  if (meta === undefined || meta.deleted || request.kind === 'deleted') {
    if (meta === undefined && request.kind !== 'deleted') {
      return {
        ...base,
        replicated: false,
        reason: 'the source secret does not exist',
        regions: [],
      };
    }
    const selection =
      meta === undefined
        ? { replicate: true as const, regions: deps.config.defaultRegions }
        : selectTargetRegions(meta, request.sourceRegion, deps.config.defaultRegions);
    if (!selection.replicate)
      return { ...base, replicated: false, reason: selection.reason, regions: [] };
    if (meta !== undefined && !meta.deleted) {
      return { ...base, replicated: false, reason: 'the source is no longer deleted', regions: [] };
    }
    return replicateDeletion(ctx, meta, restrict(selection.regions));
  }
  // Decided from metadata only: a secret that does not replicate costs no value read.
  const selection = selectTargetRegions(meta, request.sourceRegion, deps.config.defaultRegions);
  if (!selection.replicate)
    return { ...base, replicated: false, reason: selection.reason, regions: [] };
  const current = await ctx.source.read(meta.arn);
  if (current === undefined) {
    return { ...base, replicated: false, reason: 'the source has no current value', regions: [] };
  }
  const regions = restrict(selection.regions);
  const results = await Promise.all(
    regions.map((region) => isolate(region, () => replicateToRegion(ctx, meta, current, region))),
  );
  return finish({
    ...base,
    replicated: true,
    sourceVersionId: current.versionId,
    sourceVersionCreatedDate: current.createdDate.toISOString(),
    regions: results,
  });
};
