/**
 * Replication settings from the function's environment. Validated once, at cold start, so a
 * bad setting fails every invocation loudly instead of replicating half-way.
 */
import type { DbEndpoint } from '#shared/engines/engine.js';
import { type Env, readBoolean, readInteger } from '#shared/env.js';
import { ConfigurationError } from '#shared/errors.js';

/** Secrets Manager's Region name pattern. */
export const REGION_PATTERN = /^([a-z]+-)+\d+$/;

/** What replication reads from its environment. */
export interface ReplicationConfig {
  /** ROTASYNC_REPLICA_REGIONS: Regions every secret replicates to unless its tag says otherwise. */
  readonly defaultRegions: readonly string[];
  /** ROTASYNC_REPLICATE_DELETES=true: a deleted source deletes its replicas; else only reported. */
  readonly replicateDeletes: boolean;
  /** ROTASYNC_REPLICA_KMS_KEYS `region=keyId,...`: the KMS key for new replicas per Region. */
  readonly kmsKeyIds: Readonly<Record<string, string>>;
  /** ROTASYNC_ENDPOINT_OVERRIDES `region=host:port,...`: beats the RDS lookup, loses to the tag. */
  readonly endpointOverrides: Readonly<Record<string, DbEndpoint>>;
  /** ROTASYNC_DELETE_RECOVERY_DAYS (7..30, default 7): the recovery window of replica deletions. */
  readonly recoveryWindowInDays: number;
  /**
   * ROTASYNC_REPLICATED_SECRET_PREFIX (default '': every secret): only secrets whose names start
   * with it are read, replicated and swept, matching the IAM roles' `secret:<prefix>*`.
   */
  readonly replicatedSecretPrefix: string;
}

const HOST_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/** Parses `host:port`; throws ConfigurationError naming `what` when malformed. */
export const parseEndpoint = (text: string, what: string): DbEndpoint => {
  const match = /^(.+):(\d{1,5})$/.exec(text.trim());
  const host = match?.[1];
  const port = Number(match?.[2]);
  if (host === undefined || !HOST_PATTERN.test(host) || !(port >= 1 && port <= 65535)) {
    throw new ConfigurationError(`${what} is not host:port`);
  }
  return { host, port };
};

/** Splits a comma-separated list of Regions; throws ConfigurationError on a malformed name. */
export const parseRegionList = (text: string, what: string): string[] => {
  const regions = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  const bad = regions.find((region) => !REGION_PATTERN.test(region));
  if (bad !== undefined) throw new ConfigurationError(`${what} holds "${bad}", not a Region name`);
  return [...new Set(regions)];
};

const parseRegionMap = <T>(
  text: string | undefined,
  what: string,
  parseValue: (value: string, what: string) => T,
): Record<string, T> => {
  const entries = (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part): [string, T] => {
      const at = part.indexOf('=');
      const region = part.slice(0, at).trim();
      if (at < 1 || !REGION_PATTERN.test(region)) {
        throw new ConfigurationError(`${what} entry "${part}" is not region=value`);
      }
      return [region, parseValue(part.slice(at + 1).trim(), `${what} for ${region}`)];
    });
  return Object.fromEntries(entries);
};

// Secret-name characters (RDS-managed secrets add `!`, as in rds!db-…). A leading `!` would
// negate the ListSecrets name filter; `*` and `?` would be wildcards in the IAM pattern.
const SECRET_PREFIX_PATTERN = /^([A-Za-z0-9/_+=.@-][A-Za-z0-9/_+=.@!-]{0,511})?$/;

/** Validates the replicated-secret prefix; throws ConfigurationError naming `what`. */
export const parseSecretPrefix = (text: string, what: string): string => {
  const prefix = text.trim();
  if (!SECRET_PREFIX_PATTERN.test(prefix)) {
    throw new ConfigurationError(
      `${what} must be a secret-name prefix (letters, digits, /_+=.@-! and no leading !)`,
    );
  }
  return prefix;
};

/** Reads and validates the replication settings; throws ConfigurationError on a bad one. */
export const loadReplicationConfig = (env: Env): ReplicationConfig => {
  const days = readInteger(env, 'ROTASYNC_DELETE_RECOVERY_DAYS', 7, 7, 30);
  return {
    defaultRegions: parseRegionList(env.ROTASYNC_REPLICA_REGIONS ?? '', 'ROTASYNC_REPLICA_REGIONS'),
    replicateDeletes: readBoolean(env, 'ROTASYNC_REPLICATE_DELETES', false),
    kmsKeyIds: parseRegionMap(env.ROTASYNC_REPLICA_KMS_KEYS, 'ROTASYNC_REPLICA_KMS_KEYS', (v) => v),
    endpointOverrides: parseRegionMap(
      env.ROTASYNC_ENDPOINT_OVERRIDES,
      'ROTASYNC_ENDPOINT_OVERRIDES',
      parseEndpoint,
    ),
    recoveryWindowInDays: days,
    replicatedSecretPrefix: parseSecretPrefix(
      env.ROTASYNC_REPLICATED_SECRET_PREFIX ?? '',
      'ROTASYNC_REPLICATED_SECRET_PREFIX',
    ),
  };
};
