/**
 * Failover: makes a recovery Region the primary for the secrets it holds replicas of.
 *
 * Stages, in an order that keeps every interruption safe (a re-invocation looks at what is
 * there and continues; nothing is redone that is done):
 * 1. Promote each distinct replica database the selected secrets name (PromoteReadReplica for an
 *    instance, PromoteReadReplicaDBCluster for a cluster, FailoverGlobalCluster for a global
 *    database's secondary) and wait, within the invocation's deadline, until RDS reports it
 *    `available` and no longer a replica. When that outlives the invocation, the report says
 *    `in-progress` and a re-invocation resumes the wait (a promotion is never issued twice: a
 *    database RDS reports busy is waited for).
 * 2. Check that each secret's credentials log in on its (now promoted) database and can start a
 *    writing transaction. A secret that fails stays a replica.
 * 3. Turn the replica into a source: first tag it `rotasync:failed-over-*` (from then on
 *    replication never overwrites it) and `rotasync:replicate-to` = `none` (it replicates nowhere
 *    until failback names the Region), then remove the replica tags. Interrupted in between, the
 *    secret carries both: still no replica to replication, and a re-invocation finishes it.
 * 4. Turn on rotation with this Region's `rotate` function on the source's schedule (read from
 *    the source when its Region answers, else the configured default), RotateImmediately=false:
 *    no rotation starts now. Rotation is enabled only on a secret that is a source already.
 * A secret is never tagged as a source before its database is promoted and its credentials
 * write. Nothing is written in a dry run.
 */
import { regionOfArn } from '#shared/aws/arn.js';
import type { DatabaseKind, RdsDirectory, RecoveryDatabase } from '#shared/aws/rds-directory.js';
import type { RotationRules, SecretMetadata, SecretStore } from '#shared/aws/secret-store.js';
import type { Deadline } from '#shared/deadline.js';
import { databaseState } from '#shared/dr/database-state.js';
import type { FailoverInput } from '#shared/dr/inputs.js';
import { listSelected } from '#shared/dr/listing.js';
import type { CredentialChecker, LoginCheck, WriteCheck } from '#shared/dr/ports.js';
import { rotatesWith } from '#shared/dr/rotation.js';
import { unmatchedNames } from '#shared/dr/selector.js';
import {
  FAILED_OVER_AT_TAG,
  FAILED_OVER_FROM_TAG,
  FAILED_OVER_SOURCE_VERSION_TAG,
  FAILED_OVER_VERSION_TAG,
} from '#shared/dr/tags.js';
import { describeError } from '#shared/errors.js';
import { type DatabaseSecret, parseDatabaseSecret } from '#shared/inputs/database-secret.js';
import {
  SOURCE_VERSION_DATE_TAG,
  SOURCE_VERSION_TAG,
} from '#shared/replication/replicate-secret.js';
import { REPLICATE_TO_TAG, SOURCE_ARN_TAG } from '#shared/replication/target-selection.js';

/** What happened to a database. */
export type DatabaseOutcome =
  | 'promoted'
  | 'already-promoted'
  | 'promoting'
  | 'would-promote'
  | 'failed';

/** What happened to a secret. */
export type SecretOutcome =
  | 'done'
  | 'already-done'
  | 'waiting-for-database'
  | 'would-fail-over'
  | 'failed';

/** One database of the report. */
export interface FailoverDatabase {
  readonly id: string;
  readonly kind: DatabaseKind;
  readonly status: DatabaseOutcome;
  readonly error?: string;
}

/** One secret of the report. */
export interface FailoverSecret {
  readonly secret: string;
  readonly status: SecretOutcome;
  readonly checks?: { readonly login: LoginCheck; readonly write?: WriteCheck };
  readonly rotation?: 'enabled' | 'already-enabled';
  readonly error?: string;
}

/** What a failover did; safe to log and return (names and outcomes, never a value). */
export interface FailoverReport {
  readonly region: string;
  readonly dryRun: boolean;
  /** `in-progress`: a database is still being promoted; invoke again to continue. */
  readonly state: 'done' | 'in-progress' | 'failed';
  readonly databases: readonly FailoverDatabase[];
  readonly secrets: readonly FailoverSecret[];
}

/** What failover needs. */
export interface FailoverDeps {
  /** Secrets Manager of this Region. */
  readonly secrets: (
    region: string,
  ) => Pick<SecretStore, 'list' | 'read' | 'tag' | 'untag' | 'enableRotation'>;
  /** The old source Regions, for their rotation schedules; may be down. */
  readonly sourceSecrets: (region: string) => Pick<SecretStore, 'describe'>;
  /** This Region's databases: found by endpoint, watched, promoted. */
  readonly databases: Pick<RdsDirectory, 'findByEndpoint' | 'refresh' | 'promote'>;
  readonly credentials: CredentialChecker;
  /** This Region's `rotate` function. */
  readonly rotateFunctionArn: string;
  /** The schedule when the source's cannot be read. */
  readonly defaultRotationRules: RotationRules;
  /** Only secrets under this prefix are touched (the roles allow no others). */
  readonly prefix: string;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Polling of a promotion: first interval, doubling up to the last (default 1 s to 15 s). */
  readonly pollMs?: { readonly first: number; readonly max: number };
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
}

interface DatabaseEntry {
  current: RecoveryDatabase;
  status: DatabaseOutcome;
  error?: string;
}

interface Candidate {
  readonly meta: SecretMetadata;
  /** Replica tags gone, failed-over tags present: only rotation may be left to do. */
  readonly converted: boolean;
  readonly versionId?: string;
  readonly value?: DatabaseSecret;
  database?: DatabaseEntry;
  error?: string;
}

const DEFAULT_POLL = { first: 1_000, max: 15_000 };

const isFailedOver = (secret: SecretMetadata): boolean =>
  secret.tags[FAILED_OVER_FROM_TAG] !== undefined && secret.tags[SOURCE_ARN_TAG] === undefined;

/** Reads and parses each candidate's current value; a failure is kept on the candidate. */
const prepare = async (
  deps: FailoverDeps,
  region: string,
  meta: SecretMetadata,
): Promise<Candidate> => {
  const converted = isFailedOver(meta);
  if (converted) return { meta, converted };
  try {
    const current = await deps.secrets(region).read(meta.arn);
    if (current === undefined) return { meta, converted, error: 'the secret has no current value' };
    return {
      meta,
      converted,
      versionId: current.versionId,
      value: parseDatabaseSecret(current.value, { secretId: meta.name, step: 'failover' }),
    };
  } catch (error) {
    return { meta, converted, error: describeError(error) };
  }
};

/** Starts (or finds in progress) the promotion of one database; sets its outcome. */
const startPromotion = async (
  deps: FailoverDeps,
  region: string,
  entry: DatabaseEntry,
  dryRun: boolean,
): Promise<void> => {
  const state = databaseState(entry.current);
  if (state === 'ready') return;
  if (state === 'broken') {
    entry.status = 'failed';
    entry.error = `the database is ${entry.current.status}`;
    return;
  }
  if (state === 'busy' || dryRun) {
    entry.status = state === 'busy' ? 'promoting' : 'would-promote';
    return;
  }
  try {
    await deps.databases.promote(region, entry.current);
    entry.status = 'promoting';
  } catch (error) {
    // Someone (an earlier invocation) may have started it meanwhile: look again.
    const now = await deps.databases.refresh(region, entry.current).catch(() => undefined);
    if (now !== undefined && databaseState(now) === 'busy') {
      entry.current = now;
      entry.status = 'promoting';
      return;
    }
    entry.status = 'failed';
    entry.error = describeError(error);
  }
};

/** Waits for promotions within the deadline; databases still busy stay `promoting`. */
const waitForPromotions = async (
  deps: FailoverDeps,
  region: string,
  entries: readonly DatabaseEntry[],
  deadline: Deadline,
): Promise<void> => {
  const poll = deps.pollMs ?? DEFAULT_POLL;
  let interval = poll.first;
  for (;;) {
    const waiting = entries.filter((entry) => entry.status === 'promoting');
    if (waiting.length === 0) return;
    const left = deadline.remainingMs();
    if (left <= 0) return;
    await deps.sleep(Math.min(interval, left));
    interval = Math.min(interval * 2, poll.max);
    for (const entry of waiting) {
      try {
        const now = await deps.databases.refresh(region, entry.current);
        if (now === undefined) {
          entry.status = 'failed';
          entry.error = 'the database is gone';
          continue;
        }
        entry.current = now;
        const state = databaseState(now);
        if (state === 'ready') entry.status = 'promoted';
        else if (state === 'broken') {
          entry.status = 'failed';
          entry.error = `the database is ${now.status}`;
        } else if (state === 'replica') {
          // Busy with something else before; a replica again now: promote it.
          await startPromotion(deps, region, entry, false);
        }
      } catch (error) {
        // A failed describe is no verdict on the promotion: look again next round.
        deps.warn?.('failover: describing a database failed', {
          database: entry.current.id,
          error: describeError(error),
        });
      }
    }
  }
};

/** The rotation schedule of the source, when its Region answers; else `undefined`. */
const sourceRules = async (
  deps: FailoverDeps,
  sourceArn: string,
): Promise<RotationRules | undefined> => {
  const region = regionOfArn(sourceArn);
  if (region === undefined || region === '') return undefined;
  try {
    const source = await deps.sourceSecrets(region).describe(sourceArn);
    const rules = source?.rotationRules;
    return rules?.scheduleExpression !== undefined || rules?.automaticallyAfterDays !== undefined
      ? rules
      : undefined;
  } catch (error) {
    deps.warn?.('failover: the source could not be read; using the default schedule', {
      sourceArn,
      error: describeError(error),
    });
    return undefined;
  }
};

/** Stage 4: rotation with this Region's function, unless it is on with it already. */
const ensureRotation = async (
  deps: FailoverDeps,
  region: string,
  meta: SecretMetadata,
  sourceArn: string,
): Promise<'enabled' | 'already-enabled'> => {
  if (rotatesWith(meta, deps.rotateFunctionArn)) {
    return 'already-enabled';
  }
  const rules = (await sourceRules(deps, sourceArn)) ?? deps.defaultRotationRules;
  await deps.secrets(region).enableRotation(meta.arn, deps.rotateFunctionArn, rules);
  return 'enabled';
};

/** Stage 3: failed-over tags first (replication stops overwriting), then the replica tags go. */
const convert = async (deps: FailoverDeps, region: string, candidate: Candidate): Promise<void> => {
  const { meta } = candidate;
  const store = deps.secrets(region);
  if (meta.tags[FAILED_OVER_FROM_TAG] === undefined) {
    await store.tag(meta.arn, {
      // A source now, but one that replicates nowhere until failback says where: the Regions
      // it inherited hold replicas of the old source, which replication must not fight over.
      [REPLICATE_TO_TAG]: 'none',
      [FAILED_OVER_FROM_TAG]: meta.tags[SOURCE_ARN_TAG] ?? '',
      [FAILED_OVER_AT_TAG]: deps.now().toISOString(),
      [FAILED_OVER_VERSION_TAG]: candidate.versionId ?? meta.currentVersionId ?? '',
      [FAILED_OVER_SOURCE_VERSION_TAG]: meta.tags[SOURCE_VERSION_TAG] ?? '',
    });
  }
  const replicaTags = [SOURCE_ARN_TAG, SOURCE_VERSION_TAG, SOURCE_VERSION_DATE_TAG].filter(
    (key) => meta.tags[key] !== undefined,
  );
  if (replicaTags.length > 0) await store.untag(meta.arn, replicaTags);
};

const failOne = async (
  deps: FailoverDeps,
  region: string,
  dryRun: boolean,
  candidate: Candidate,
): Promise<FailoverSecret> => {
  const { meta } = candidate;
  const base = { secret: meta.name };
  if (candidate.error !== undefined) return { ...base, status: 'failed', error: candidate.error };
  try {
    if (candidate.converted) {
      const done = rotatesWith(meta, deps.rotateFunctionArn);
      if (done) return { ...base, status: 'already-done', rotation: 'already-enabled' };
      if (dryRun) return { ...base, status: 'would-fail-over' };
      const rotation = await ensureRotation(
        deps,
        region,
        meta,
        meta.tags[FAILED_OVER_FROM_TAG] ?? '',
      );
      return { ...base, status: 'done', rotation };
    }
    const database = candidate.database;
    if (database?.status === 'failed') {
      return {
        ...base,
        status: 'failed',
        error: `database ${database.current.id}: ${database.error ?? 'failed'}`,
      };
    }
    if (database?.status === 'promoting') return { ...base, status: 'waiting-for-database' };
    const value = candidate.value;
    if (value === undefined) return { ...base, status: 'failed', error: 'no database secret' };
    // Before promotion only the login can be checked: a replica refuses writes.
    const promoted = database === undefined || database.status !== 'would-promote';
    const checks = await deps.credentials.check(value, { write: promoted });
    if (dryRun) return { ...base, status: 'would-fail-over', checks };
    if (checks.login !== 'ok' || checks.write !== 'ok') {
      const where =
        database === undefined
          ? ` on ${value.host}:${value.port}, which no RDS database of ${region} answers for (promote it yourself, then invoke again)`
          : '';
      return {
        ...base,
        status: 'failed',
        checks,
        error: `the credentials do not ${checks.login === 'ok' ? 'write' : 'log in'}${where}; the secret stays a replica`,
      };
    }
    await convert(deps, region, candidate);
    const rotation = await ensureRotation(deps, region, meta, meta.tags[SOURCE_ARN_TAG] ?? '');
    return { ...base, status: 'done', checks, rotation };
  } catch (error) {
    return { ...base, status: 'failed', error: describeError(error) };
  }
};

const stateOf = (
  databases: readonly FailoverDatabase[],
  secrets: readonly FailoverSecret[],
): FailoverReport['state'] => {
  if (
    databases.some((database) => database.status === 'promoting') ||
    secrets.some((secret) => secret.status === 'waiting-for-database')
  ) {
    return 'in-progress';
  }
  return secrets.some((secret) => secret.status === 'failed') ||
    databases.some((database) => database.status === 'failed')
    ? 'failed'
    : 'done';
};

/**
 * Fails `input.region` over for the secrets `input.secrets` picks (replicas, and secrets a
 * previous invocation failed over, to finish them). Resolves the report; throws only when the
 * Region's secrets cannot be listed.
 */
export const failover = async (
  input: FailoverInput,
  deps: FailoverDeps,
  deadline: Deadline,
): Promise<FailoverReport> => {
  const { region, dryRun } = input;
  const listed = await listSelected(
    deps.secrets(region),
    [SOURCE_ARN_TAG, FAILED_OVER_FROM_TAG],
    deps.prefix,
    input.secrets,
  );
  const candidates: Candidate[] = [];
  for (const meta of listed) candidates.push(await prepare(deps, region, meta));

  // Stage 1: each distinct database once, whatever number of secrets name it.
  const byEndpoint = new Map<string, Promise<RecoveryDatabase | undefined>>();
  const entries = new Map<string, DatabaseEntry>();
  for (const candidate of candidates) {
    const value = candidate.value;
    if (candidate.converted || value === undefined || candidate.error !== undefined) continue;
    const key = `${value.host.toLowerCase()}:${value.port}`;
    let lookup = byEndpoint.get(key);
    if (lookup === undefined) {
      lookup = deps.databases.findByEndpoint(region, { host: value.host, port: value.port });
      byEndpoint.set(key, lookup);
    }
    try {
      const found = await lookup;
      if (found === undefined) continue;
      let entry = entries.get(found.arn);
      if (entry === undefined) {
        entry = { current: found, status: 'already-promoted' };
        entries.set(found.arn, entry);
        await startPromotion(deps, region, entry, dryRun);
      }
      candidate.database = entry;
    } catch (error) {
      candidate.error = `the database at ${value.host}:${value.port} could not be described: ${describeError(error)}`;
    }
  }
  if (!dryRun) await waitForPromotions(deps, region, [...entries.values()], deadline);

  // Stages 2 to 4, secret by secret.
  const secrets: FailoverSecret[] = [];
  for (const candidate of candidates) secrets.push(await failOne(deps, region, dryRun, candidate));
  for (const name of unmatchedNames(input.secrets, listed)) {
    secrets.push({
      secret: name,
      status: 'failed',
      error: `no replica or failed-over secret of that name in ${region}`,
    });
  }
  const databases = [...entries.values()].map(
    (entry): FailoverDatabase => ({
      id: entry.current.id,
      kind: entry.current.kind,
      status: entry.status,
      ...(entry.error === undefined ? {} : { error: entry.error }),
    }),
  );
  return { region, dryRun, state: stateOf(databases, secrets), databases, secrets };
};
