/**
 * The RDS adapter, imported with the RDS SDK client on its first call. Most invocations never
 * ask RDS anything (a secret with an endpoint tag or override, a rotation without an RDS-managed
 * superuser secret), so the client stays out of the functions' cold start.
 */
import type { RdsDirectory } from './rds-directory.js';

// Every method of the port: a method added to RdsDirectory must be added here (compile error).
const METHODS: Readonly<Record<keyof RdsDirectory, true>> = {
  endpointOf: true,
  findReplicaEndpoint: true,
  findByEndpoint: true,
  refresh: true,
  replicaLagSeconds: true,
  promote: true,
};

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

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
  const forward =
    (method: keyof RdsDirectory): AnyMethod =>
    async (...args) => {
      directory ??= load();
      const loaded = (await directory) as unknown as Record<keyof RdsDirectory, AnyMethod>;
      return loaded[method](...args);
    };
  return Object.fromEntries(
    (Object.keys(METHODS) as (keyof RdsDirectory)[]).map((method) => [method, forward(method)]),
  ) as unknown as RdsDirectory;
};
