/**
 * The local RDS over real servers: a PostgreSQL primary and its streaming replica as an RDS
 * instance and its cross-Region read replica, whose promotion really promotes the standby
 * (`pg_promote()`) and whose ReplicaLag is measured on it; plus the services to serve them
 * (RDS, and CloudWatch for the lag). Used by `npm start` and the disaster-recovery tests.
 */
import { createLocalCloudWatch } from '#local-cloud/cloudwatch/index.js';
import {
  postgresReplicaLagSeconds,
  promotePostgresReplica,
} from '#local-cloud/databases/postgres-replica.js';
import type { RunningDatabaseInfo } from '#local-cloud/databases/running-database.js';
import type { ServiceHandler } from '#local-cloud/types.js';
import type { LocalRds, LocalRdsInstanceConfig } from './local-rds.js';

/** One database of the pair: where RDS lists it, and the server behind it. */
export interface RealInstance {
  readonly region: string;
  readonly identifier: string;
  readonly server: RunningDatabaseInfo;
}

/**
 * The RDS instances for a PostgreSQL primary and its streaming replica in another Region: the
 * replica is a read replica of the primary, promoted with `pg_promote()`, its lag measured on
 * the standby itself.
 */
export const postgresReplicaPair = (
  accountId: string,
  primary: RealInstance,
  replica: RealInstance,
): LocalRdsInstanceConfig[] => [
  {
    region: primary.region,
    identifier: primary.identifier,
    engine: 'postgres',
    host: primary.server.host,
    port: primary.server.port,
  },
  {
    region: replica.region,
    identifier: replica.identifier,
    engine: 'postgres',
    host: replica.server.host,
    port: replica.server.port,
    readReplicaOf: `arn:aws:rds:${primary.region}:${accountId}:db:${primary.identifier}`,
    promote: () => promotePostgresReplica(replica.server),
    replicaLagSeconds: () => postgresReplicaLagSeconds(replica.server),
  },
];

/** The local cloud's services for a local RDS: `rds`, and `monitoring` (CloudWatch) for its metrics. */
export const rdsServices = (rds: LocalRds): Record<string, ServiceHandler> => ({
  rds,
  monitoring: createLocalCloudWatch((request) => rds.metric(request)),
});
