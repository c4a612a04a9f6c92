/**
 * What a replica should hold, and how far it is from that: shared by the reconcile sweep and the
 * drill, so both judge a replica exactly as replication writes it.
 */
import type { DatabaseLocator, RdsDirectory } from '#shared/aws/rds-directory.js';
import type { DbEndpoint } from '#shared/engines/engine.js';
import type { Sensitive } from '#shared/sensitive.js';
import {
  type EndpointInputs,
  type EndpointPlan,
  parseSecretObject,
  planEndpoint,
  rewriteEndpoint,
} from './endpoint-rewrite.js';

/** How a replica's value differs from the expected one. */
export type ValueDrift = 'stale-value' | 'wrong-endpoint';

/** JSON with sorted keys, so key order does not count as a difference. */
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

/**
 * Classifies a replica's value against the expected one: `undefined` when they are equal (JSON
 * key order ignored), `wrong-endpoint` when only `host` or `port` differ, else `stale-value`.
 */
export const compareReplicaValue = (
  expected: Sensitive<string>,
  actual: Sensitive<string>,
): ValueDrift | undefined => {
  if (expected.reveal() === actual.reveal()) return undefined;
  const want = parseSecretObject(expected);
  const have = parseSecretObject(actual);
  if (want === undefined || have === undefined) return 'stale-value';
  if (canonical(want) === canonical(have)) return undefined;
  return canonical(withoutEndpoint(want)) === canonical(withoutEndpoint(have))
    ? 'wrong-endpoint'
    : 'stale-value';
};

/** The value a replica in `inputs.targetRegion` should hold, and the endpoint plan behind it. */
export const expectedReplicaValue = async (
  inputs: EndpointInputs,
): Promise<{ readonly value: Sensitive<string>; readonly plan: EndpointPlan }> => {
  const plan = await planEndpoint(inputs);
  return { value: rewriteEndpoint(inputs.value, plan.endpoint), plan };
};

/** RDS lookups memoised for one sweep or drill: many secrets name the same database. */
export const memoiseRdsDirectory = (
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
