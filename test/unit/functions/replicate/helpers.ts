import type { DatabaseLocator, RdsDirectory } from '#shared/aws/rds-directory.js';
import type { DbEndpoint } from '#shared/engines/engine.js';
import type { ReplicationConfig } from '#shared/replication/config.js';

/** A leak canary: it must never appear in a report, error or log line. */
export const CANARY = 'Canary-Pa55word-7f3a9c';

export const SOURCE_REGION = 'us-east-1';

/** A database secret whose host names its Region, as the fake RDS directory expects. */
export const dbSecret = (
  id: string,
  password: string,
  region = SOURCE_REGION,
  extra = {},
): string =>
  JSON.stringify({
    engine: 'postgres',
    host: `${id}.${region}.rds.example.com`,
    port: 5432,
    username: 'app',
    password,
    dbname: 'orders',
    ...extra,
  });

/** RDS as the tests see it: `<id>.<source>.rds…` has a replica `<id>.<target>.rds…:6432` where listed. */
export class FakeRds implements Pick<RdsDirectory, 'findReplicaEndpoint'> {
  public lookups = 0;
  public constructor(private readonly replicaRegions: readonly string[]) {}

  public async findReplicaEndpoint(
    sourceRegion: string,
    locator: DatabaseLocator,
    targetRegion: string,
  ): Promise<DbEndpoint | undefined> {
    this.lookups += 1;
    const id = locator.host?.split('.')[0];
    if (id === undefined || !this.replicaRegions.includes(targetRegion)) return undefined;
    return { host: locator.host?.replace(sourceRegion, targetRegion) ?? '', port: 6432 };
  }
}

export const config = (overrides: Partial<ReplicationConfig> = {}): ReplicationConfig => ({
  defaultRegions: [],
  replicateDeletes: false,
  kmsKeyIds: {},
  endpointOverrides: {},
  recoveryWindowInDays: 7,
  replicatedSecretPrefix: '',
  ...overrides,
});
