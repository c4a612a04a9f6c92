/**
 * Points a replicated database secret at the database in the target Region: the JSON keys
 * `host` and `port` change, every other key is kept as it is. A per-Region override (the tag
 * `rotasync:endpoint:<region>`, then configuration) wins over the RDS lookup; when no replica is
 * found the value is copied unchanged and the outcome says so.
 */
import type { DatabaseLocator, RdsDirectory } from '#shared/aws/rds-directory.js';
import type { DbEndpoint } from '#shared/engines/engine.js';
import { Sensitive } from '#shared/sensitive.js';
import { parseEndpoint } from './config.js';

/** Tag prefix of a per-Region endpoint override: `rotasync:endpoint:eu-west-1` = `host:port`. */
export const ENDPOINT_TAG_PREFIX = 'rotasync:endpoint:';

/** Where the target endpoint came from. */
export type EndpointSource =
  | 'tag'
  | 'config'
  | 'rds'
  | 'no-replica-found'
  | 'not-a-database-secret';

/** The endpoint a replica should name, and why. */
export interface EndpointPlan {
  readonly endpoint?: DbEndpoint;
  readonly source: EndpointSource;
}

/** The parsed JSON object of a secret, or `undefined` for any other value; never throws. */
export const parseSecretObject = (
  value: Sensitive<string>,
): Record<string, unknown> | undefined => {
  try {
    const parsed: unknown = JSON.parse(value.reveal());
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    // JSON.parse's message quotes the input: drop it, it may hold the value.
    return undefined;
  }
};

const stringField = (secret: Record<string, unknown>, key: string): string | undefined => {
  const value = secret[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
};

/** The database a secret names: `dbClusterIdentifier`, `dbInstanceIdentifier`, `host`. */
export const locatorOf = (secret: Record<string, unknown>): DatabaseLocator => {
  const host = stringField(secret, 'host');
  const instance = stringField(secret, 'dbInstanceIdentifier');
  const cluster = stringField(secret, 'dbClusterIdentifier');
  return {
    ...(host === undefined ? {} : { host }),
    ...(instance === undefined ? {} : { dbInstanceIdentifier: instance }),
    ...(cluster === undefined ? {} : { dbClusterIdentifier: cluster }),
  };
};

/** What deciding the endpoint needs. */
export interface EndpointInputs {
  readonly secretName: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly value: Sensitive<string>;
  readonly sourceRegion: string;
  readonly targetRegion: string;
  readonly overrides: Readonly<Record<string, DbEndpoint>>;
  readonly rds: Pick<RdsDirectory, 'findReplicaEndpoint'>;
}

/**
 * Decides the target endpoint: tag override, configured override, then the RDS replica lookup.
 * Throws ConfigurationError when the override tag is not `host:port`.
 */
export const planEndpoint = async (inputs: EndpointInputs): Promise<EndpointPlan> => {
  const secret = parseSecretObject(inputs.value);
  if (secret === undefined || stringField(secret, 'host') === undefined) {
    return { source: 'not-a-database-secret' };
  }
  const tagKey = `${ENDPOINT_TAG_PREFIX}${inputs.targetRegion}`;
  const tagged = inputs.tags[tagKey];
  if (tagged !== undefined) {
    return {
      endpoint: parseEndpoint(tagged, `tag ${tagKey} of secret ${inputs.secretName}`),
      source: 'tag',
    };
  }
  const configured = inputs.overrides[inputs.targetRegion];
  if (configured !== undefined) return { endpoint: configured, source: 'config' };
  const found = await inputs.rds.findReplicaEndpoint(
    inputs.sourceRegion,
    locatorOf(secret),
    inputs.targetRegion,
  );
  return found === undefined ? { source: 'no-replica-found' } : { endpoint: found, source: 'rds' };
};

/**
 * The value with `host`/`port` replaced by `endpoint`, every other key kept in place; `port`
 * keeps its type (a string stays a string). Without an endpoint the value is returned as is.
 */
export const rewriteEndpoint = (
  value: Sensitive<string>,
  endpoint: DbEndpoint | undefined,
): Sensitive<string> => {
  if (endpoint === undefined) return value;
  const secret = parseSecretObject(value);
  if (secret === undefined) return value;
  const port = typeof secret.port === 'string' ? String(endpoint.port) : endpoint.port;
  return new Sensitive(JSON.stringify({ ...secret, host: endpoint.host, port }));
};
