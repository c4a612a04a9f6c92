/** Shared by the replication tests: a leak canary, database secrets, configuration. */
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

export const config = (overrides: Partial<ReplicationConfig> = {}): ReplicationConfig => ({
  defaultRegions: [],
  replicateDeletes: false,
  kmsKeyIds: {},
  endpointOverrides: {},
  recoveryWindowInDays: 7,
  replicatedSecretPrefix: '',
  ...overrides,
});
