/**
 * The drill: proves, without changing anything, that a recovery Region could take over. For
 * every replica secret there (tag `rotasync:source-arn`) it checks that
 * 1. its value equals its source's, apart from the endpoint replication rewrites (judged by the
 *    same endpoint planning and comparison as replication and the reconcile sweep);
 * 2. it is not older than the source (the source version it records against the source's
 *    AWSCURRENT);
 * 3. its credentials log in on the endpoint it names (a read replica accepts logins);
 * 4. the database there is `available` in RDS, and its replication lag (RDS's CloudWatch metric)
 *    is within bounds.
 * Any failed check is a problem; the report lists them per secret with a verdict.
 */
import { regionOfArn } from '#shared/aws/arn.js';
import type { RdsDirectory } from '#shared/aws/rds-directory.js';
import type { SecretMetadata, SecretStore, SecretValue } from '#shared/aws/secret-store.js';
import { listSelected } from '#shared/dr/listing.js';
import type { CredentialChecker, LoginCheck } from '#shared/dr/ports.js';
import { type SecretSelector, unmatchedNames } from '#shared/dr/selector.js';
import type { DbEndpoint } from '#shared/engines/engine.js';
import { describeError } from '#shared/errors.js';
import { type DatabaseSecret, parseDatabaseSecret } from '#shared/inputs/database-secret.js';
import { mapWithConcurrency } from '#shared/replication/concurrency.js';
import {
  compareReplicaValue,
  expectedReplicaValue,
  memoiseRdsDirectory,
} from '#shared/replication/replica-comparison.js';
import {
  SOURCE_VERSION_DATE_TAG,
  SOURCE_VERSION_TAG,
} from '#shared/replication/replicate-secret.js';
import { SOURCE_ARN_TAG } from '#shared/replication/target-selection.js';

/** The replica's value against its source's. */
export type ValueCheck = 'in-sync' | 'stale' | 'wrong-endpoint' | 'source-unreadable' | 'no-value';
/** The replica's age against its source's current version. */
export type AgeCheck = 'current' | 'older-than-source' | 'unknown';

/** One problem a drill can find. */
export type DrillProblem =
  | 'not-a-replica'
  | 'no-value'
  | 'source-unreadable'
  | 'stale-value'
  | 'wrong-endpoint'
  | 'older-than-source'
  | 'login-refused'
  | 'login-unreachable'
  | 'replica-not-available'
  | 'replica-lagging';

/** The database a replica names, as RDS reports it. */
export interface DrilledDatabase {
  readonly id: string;
  readonly status: string;
  /** `null`: RDS published no recent datapoint (or the database is no replica). */
  readonly replicaLagSeconds: number | null;
}

/** One row of the drill's table. */
export interface DrilledSecret {
  readonly secret: string;
  readonly sourceArn: string;
  readonly value: ValueCheck;
  readonly age: AgeCheck;
  readonly login: LoginCheck | 'skipped';
  /** `null` when no RDS instance or cluster of the Region listens at the secret's endpoint. */
  readonly database: DrilledDatabase | null;
  readonly problems: readonly DrillProblem[];
}

/** What a drill found; safe to log and return (names, outcomes, no values). */
export interface DrillReport {
  readonly region: string;
  readonly verdict: 'ready' | 'not-ready';
  readonly checked: number;
  /** Problems found, all secrets together (0 when ready). */
  readonly problems: number;
  readonly secrets: readonly DrilledSecret[];
}

/** What a drill needs. */
export interface DrillDeps {
  /** Secrets Manager per Region: this Region's replicas, and their sources elsewhere. */
  readonly secrets: (region: string) => Pick<SecretStore, 'describe' | 'read' | 'list'>;
  /**
   * RDS: the source Regions' (the endpoint a replica should name) and this Region's (the
   * database a replica names, its status and lag).
   */
  readonly rds: Pick<RdsDirectory, 'findReplicaEndpoint' | 'findByEndpoint' | 'replicaLagSeconds'>;
  readonly credentials: CredentialChecker;
  /** Replication's endpoint overrides (`region=host:port`), as replication applies them. */
  readonly endpointOverrides: Readonly<Record<string, DbEndpoint>>;
  /** Only secrets under this prefix are drilled (the roles allow no others). */
  readonly prefix: string;
  /** A replica lagging more than this many seconds is a problem. */
  readonly maxLagSeconds: number;
  /** Secrets checked at once (default 4). */
  readonly concurrency?: number;
  /** Told why a source could not be read or a lookup failed (never values). */
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
}

interface SourceView {
  readonly meta: SecretMetadata;
  readonly current: SecretValue;
}

const readSource = async (
  deps: DrillDeps,
  replica: SecretMetadata,
  sourceArn: string,
): Promise<SourceView | undefined> => {
  const region = regionOfArn(sourceArn) ?? '';
  try {
    const store = deps.secrets(region);
    const [meta, current] = await Promise.all([store.describe(sourceArn), store.read(sourceArn)]);
    if (meta === undefined || meta.deleted || current === undefined) {
      deps.warn?.('drill: the source has no current value', { secret: replica.name, sourceArn });
      return undefined;
    }
    return { meta, current };
  } catch (error) {
    deps.warn?.('drill: the source could not be read', {
      secret: replica.name,
      sourceArn,
      error: describeError(error),
    });
    return undefined;
  }
};

const ageOf = (replica: SecretMetadata, source: SourceView | undefined): AgeCheck => {
  const recordedVersion = replica.tags[SOURCE_VERSION_TAG];
  const recordedDate = Date.parse(replica.tags[SOURCE_VERSION_DATE_TAG] ?? '');
  if (source === undefined || recordedVersion === undefined) return 'unknown';
  if (recordedVersion === source.current.versionId) return 'current';
  if (Number.isNaN(recordedDate)) return 'unknown';
  return recordedDate >= source.current.createdDate.getTime() ? 'current' : 'older-than-source';
};

const parseOrUndefined = (value: SecretValue | undefined): DatabaseSecret | undefined => {
  if (value === undefined) return undefined;
  try {
    return parseDatabaseSecret(value.value);
  } catch {
    // Not a database secret (or malformed): nothing to log in with; the value check still runs.
    return undefined;
  }
};

/** Checks one replica; never throws (a failed lookup becomes a problem or a warning). */
const drillOne = async (
  deps: DrillDeps,
  region: string,
  sourceRds: Pick<RdsDirectory, 'findReplicaEndpoint'>,
  replica: SecretMetadata,
): Promise<DrilledSecret> => {
  const sourceArn = replica.tags[SOURCE_ARN_TAG] ?? '';
  const [current, source] = await Promise.all([
    deps.secrets(region).read(replica.arn),
    readSource(deps, replica, sourceArn),
  ]);
  let value: ValueCheck;
  if (current === undefined) value = 'no-value';
  else if (source === undefined) value = 'source-unreadable';
  else {
    try {
      const expected = await expectedReplicaValue({
        secretName: source.meta.name,
        tags: source.meta.tags,
        value: source.current.value,
        sourceRegion: regionOfArn(sourceArn) ?? '',
        targetRegion: region,
        overrides: deps.endpointOverrides,
        rds: sourceRds,
      });
      const drift = compareReplicaValue(expected.value, current.value);
      value = drift === undefined ? 'in-sync' : drift === 'stale-value' ? 'stale' : drift;
    } catch (error) {
      deps.warn?.('drill: the expected endpoint could not be planned', {
        secret: replica.name,
        error: describeError(error),
      });
      value = 'source-unreadable';
    }
  }
  const age = ageOf(replica, source);
  const secret = parseOrUndefined(current);
  const login: LoginCheck | 'skipped' =
    secret === undefined
      ? 'skipped'
      : (await deps.credentials.check(secret, { write: false })).login;
  let database: DrilledDatabase | null = null;
  if (secret !== undefined) {
    try {
      const found = await deps.rds.findByEndpoint(region, {
        host: secret.host,
        port: secret.port,
      });
      if (found !== undefined) {
        const lag = found.replica ? await deps.rds.replicaLagSeconds(region, found) : undefined;
        database = { id: found.id, status: found.status, replicaLagSeconds: lag ?? null };
      }
    } catch (error) {
      deps.warn?.('drill: the database could not be described', {
        secret: replica.name,
        error: describeError(error),
      });
    }
  }
  const problems: DrillProblem[] = [];
  if (value === 'no-value') problems.push('no-value');
  if (value === 'source-unreadable') problems.push('source-unreadable');
  if (value === 'stale') problems.push('stale-value');
  if (value === 'wrong-endpoint') problems.push('wrong-endpoint');
  if (age === 'older-than-source') problems.push('older-than-source');
  if (login === 'refused') problems.push('login-refused');
  if (login === 'unreachable') problems.push('login-unreachable');
  if (database !== null && database.status !== 'available') problems.push('replica-not-available');
  if (database?.replicaLagSeconds != null && database.replicaLagSeconds > deps.maxLagSeconds) {
    problems.push('replica-lagging');
  }
  return { secret: replica.name, sourceArn, value, age, login, database, problems };
};

/** A named secret that is no replica in the Region: reported, so a typo is not "ready". */
const notAReplica = (name: string): DrilledSecret => ({
  secret: name,
  sourceArn: '',
  value: 'no-value',
  age: 'unknown',
  login: 'skipped',
  database: null,
  problems: ['not-a-replica'],
});

/**
 * Drills every replica secret of `region` that `selector` picks. Resolves the report; throws
 * only when the Region's secrets cannot be listed.
 */
export const drill = async (
  region: string,
  selector: SecretSelector,
  deps: DrillDeps,
): Promise<DrillReport> => {
  const replicas = await listSelected(
    deps.secrets(region),
    [SOURCE_ARN_TAG],
    deps.prefix,
    selector,
  );
  const sourceRds = memoiseRdsDirectory(deps.rds);
  const rows = await mapWithConcurrency(replicas, deps.concurrency ?? 4, (replica) =>
    drillOne(deps, region, sourceRds, replica),
  );
  rows.push(...unmatchedNames(selector, replicas).map(notAReplica));
  const problems = rows.reduce((sum, row) => sum + row.problems.length, 0);
  return {
    region,
    verdict: problems === 0 ? 'ready' : 'not-ready',
    checked: rows.length,
    problems,
    secrets: rows,
  };
};
