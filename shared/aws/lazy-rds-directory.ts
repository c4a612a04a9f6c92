/**
 * The RDS adapter, imported with the RDS SDK client on its first call. Most invocations never
 * ask RDS anything (a secret with an endpoint tag or override, a rotation without an RDS-managed
 * superuser secret), so the client stays out of the functions' cold start.
 */
import type { RdsDirectory } from './rds-directory.js';

/**
 * An RdsDirectory that loads rds-api-directory.ts (and @aws-sdk/client-rds) once, on first use.
 *
 * @example
 * const rds = lazyRdsDirectory(); // nothing loaded yet
 * await rds.findReplicaEndpoint('us-east-1', { host }, 'us-west-2'); // loads, then asks RDS
 */
export const lazyRdsDirectory = (
  load: () => Promise<RdsDirectory> = async () =>
    new (await import('./rds-api-directory.js')).RdsApiDirectory(),
): RdsDirectory => {
  let directory: Promise<RdsDirectory> | undefined;
  const loaded = (): Promise<RdsDirectory> => {
    directory ??= load();
    return directory;
  };
  return {
    endpointOf: async (kind, arn) => (await loaded()).endpointOf(kind, arn),
    findReplicaEndpoint: async (sourceRegion, locator, targetRegion) =>
      (await loaded()).findReplicaEndpoint(sourceRegion, locator, targetRegion),
  };
};
