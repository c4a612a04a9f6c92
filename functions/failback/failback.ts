/**
 * Failback, run in the promoted Region once the old one is back: makes the old Region's secrets
 * replicas of the promoted ones, so replication (and the sweep) run the other way.
 *
 * For each failed-over secret whose old source lives in the old Region, in this order (each
 * stage is skipped when already done, so a re-invocation after any failure continues):
 * 1. Refuse, unless forced, when the old secret changed after the failover: its AWSCURRENT is no
 *    longer the version the failed-over secret held (tag `rotasync:failed-over-source-version`).
 *    Overwriting it could lose a credential set there meanwhile.
 * 2. Turn the old secret's rotation off (CancelRotateSecret): a replica is never rotated.
 * 3. Tag the old secret `rotasync:source-arn` = the promoted secret (and drop failed-over tags it
 *    may carry from an earlier failover): from then on it is this secret's replica, which
 *    replication may write, and the check of stage 1 no longer applies to it.
 * 4. Remove the AWSPENDING label a rotation interrupted by the disaster may have left on the old
 *    secret: CancelRotateSecret leaves it, and on a later failover back it would make the
 *    service resume that rotation with a password from before the failover.
 * 5. Add the old Region to the promoted secret's `rotasync:replicate-to` tag.
 * 6. Replicate now, through the replication core: the old secret gets the current value with
 *    its endpoint rewritten for the old Region, and the provenance tags replication sets.
 * Nothing is written in a dry run.
 */
import { regionOfArn } from '#shared/aws/arn.js';
import type { RdsDirectory } from '#shared/aws/rds-directory.js';
import {
  type SecretMetadata,
  type SecretStores,
  Stage,
  versionHolding,
} from '#shared/aws/secret-store.js';
import type { FailbackInput } from '#shared/dr/inputs.js';
import { listSelected } from '#shared/dr/listing.js';
import { rotatesWith } from '#shared/dr/rotation.js';
import { unmatchedNames } from '#shared/dr/selector.js';
import {
  FAILED_OVER_FROM_TAG,
  FAILED_OVER_SOURCE_VERSION_TAG,
  FAILED_OVER_TAGS,
} from '#shared/dr/tags.js';
import { describeError } from '#shared/errors.js';
import type { ReplicationConfig } from '#shared/replication/config.js';
import { parseRegionList } from '#shared/replication/config.js';
import {
  type ReplicateDeps,
  replicateSecret,
  SOURCE_VERSION_TAG,
} from '#shared/replication/replicate-secret.js';
import { REPLICATE_TO_TAG, SOURCE_ARN_TAG } from '#shared/replication/target-selection.js';

/** What happened to one secret. */
export type FailbackOutcome =
  | 'now-replica'
  | 'already-replica'
  | 'changed-after-failover'
  | 'would-become-replica'
  | 'failed';

/** One secret of the report. */
export interface FailbackSecret {
  readonly secret: string;
  readonly status: FailbackOutcome;
  readonly error?: string;
}

/** What a failback did; safe to log and return. */
export interface FailbackReport {
  /** The old Region, whose secrets became replicas. */
  readonly region: string;
  /** This (promoted) Region. */
  readonly from: string;
  readonly dryRun: boolean;
  readonly state: 'done' | 'failed';
  readonly secrets: readonly FailbackSecret[];
}

/** What failback needs. */
export interface FailbackDeps {
  /** Both Regions' (and replication's, which needs the whole port). */
  readonly secrets: SecretStores;
  readonly rds: Pick<RdsDirectory, 'findReplicaEndpoint'>;
  readonly config: ReplicationConfig;
  /** This Region: where the promoted secrets live and the function runs. */
  readonly region: string;
}

/** The Regions of a `rotasync:replicate-to` tag plus `region`, without `own`. */
const withRegion = (tag: string | undefined, region: string, own: string): string => {
  let listed: string[] = [];
  try {
    listed =
      tag === undefined || tag.trim().toLowerCase() === 'none'
        ? []
        : parseRegionList(tag, REPLICATE_TO_TAG);
  } catch {
    // A malformed tag is replaced by a well-formed one naming the old Region.
  }
  return [...new Set([...listed, region])].filter((name) => name !== own).join(',');
};

const replicatesTo = (secret: SecretMetadata, region: string, own: string): boolean =>
  withRegion(secret.tags[REPLICATE_TO_TAG], region, own) === secret.tags[REPLICATE_TO_TAG];

const failbackOne = async (
  input: FailbackInput,
  deps: FailbackDeps,
  promoted: SecretMetadata,
): Promise<FailbackSecret> => {
  const base = { secret: promoted.name };
  const oldArn = promoted.tags[FAILED_OVER_FROM_TAG] ?? '';
  const old = deps.secrets(input.region);
  try {
    const before = await old.describe(oldArn);
    if (before?.deleted === true) {
      return {
        ...base,
        status: 'failed',
        error: `the old secret in ${input.region} is scheduled for deletion: restore it (RestoreSecret) or delete it, then invoke again`,
      };
    }
    const ours = before?.tags[SOURCE_ARN_TAG] === promoted.arn;
    if (ours && before !== undefined) {
      const done =
        !rotatesWith(before) &&
        replicatesTo(promoted, input.region, deps.region) &&
        before.tags[SOURCE_VERSION_TAG] === promoted.currentVersionId &&
        versionHolding(before.versions, Stage.Pending) === undefined &&
        !FAILED_OVER_TAGS.some((key) => before.tags[key] !== undefined);
      if (done) return { ...base, status: 'already-replica' };
    }
    if (!ours && before !== undefined && !input.force) {
      const atFailover = promoted.tags[FAILED_OVER_SOURCE_VERSION_TAG];
      if (atFailover === undefined || before.currentVersionId !== atFailover) {
        return {
          ...base,
          status: 'changed-after-failover',
          error: `the secret in ${input.region} changed after the failover (its AWSCURRENT is not the version the replica held then); pass force to overwrite it`,
        };
      }
    }
    if (input.dryRun) return { ...base, status: 'would-become-replica' };
    if (before !== undefined) {
      if (rotatesWith(before)) await old.cancelRotation(before.arn);
      if (!ours) await old.tag(before.arn, { [SOURCE_ARN_TAG]: promoted.arn });
      const stale = FAILED_OVER_TAGS.filter((key) => before.tags[key] !== undefined);
      if (stale.length > 0) await old.untag(before.arn, stale);
      // After the tag: the role may change a secret's labels only once it is our replica.
      const pending = versionHolding(before.versions, Stage.Pending);
      if (pending !== undefined) await old.unstage(before.arn, Stage.Pending, pending);
    }
    if (!replicatesTo(promoted, input.region, deps.region)) {
      await deps.secrets(deps.region).tag(promoted.arn, {
        [REPLICATE_TO_TAG]: withRegion(promoted.tags[REPLICATE_TO_TAG], input.region, deps.region),
      });
    }
    const replicateDeps: ReplicateDeps = {
      store: deps.secrets,
      rds: deps.rds,
      config: deps.config,
    };
    const report = await replicateSecret(
      { secretId: promoted.arn, sourceRegion: deps.region, onlyRegions: [input.region] },
      replicateDeps,
    );
    const result = report.regions.find((entry) => entry.region === input.region);
    if (result === undefined) {
      return {
        ...base,
        status: 'failed',
        error: `replication did not reach ${input.region}: ${report.reason ?? 'no reason given'}`,
      };
    }
    return { ...base, status: 'now-replica' };
  } catch (error) {
    return { ...base, status: 'failed', error: describeError(error) };
  }
};

/**
 * Makes the secrets of `input.region` that this Region's failed-over secrets came from their
 * replicas. Resolves the report; throws only when this Region's secrets cannot be listed.
 */
export const failback = async (
  input: FailbackInput,
  deps: FailbackDeps,
): Promise<FailbackReport> => {
  const listed = await listSelected(
    deps.secrets(deps.region),
    [FAILED_OVER_FROM_TAG],
    deps.config.replicatedSecretPrefix,
    input.secrets,
  );
  const fromOldRegion = listed.filter(
    (secret) =>
      secret.tags[SOURCE_ARN_TAG] === undefined &&
      regionOfArn(secret.tags[FAILED_OVER_FROM_TAG] ?? '') === input.region,
  );
  const secrets: FailbackSecret[] = [];
  for (const promoted of fromOldRegion) secrets.push(await failbackOne(input, deps, promoted));
  for (const name of unmatchedNames(input.secrets, fromOldRegion)) {
    secrets.push({
      secret: name,
      status: 'failed',
      error: `no secret of that name in ${deps.region} was failed over from ${input.region}`,
    });
  }
  const failed = secrets.some(
    (secret) => secret.status === 'failed' || secret.status === 'changed-after-failover',
  );
  return {
    region: input.region,
    from: deps.region,
    dryRun: input.dryRun,
    state: failed ? 'failed' : 'done',
    secrets,
  };
};
