/**
 * The RDS port: where a database listens, and where its replica in another Region listens.
 * Consumers depend on the slice they use (`Pick<RdsDirectory, 'endpointOf'>`); only the adapter
 * (rds-api-directory.ts) knows the SDK.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Operations.html
 */
import type { DbEndpoint } from '#shared/engines/engine.js';

/** Which kind of RDS resource an ARN names. */
export type RdsResourceKind = 'instance' | 'cluster';

/** Where an RDS database listens, and its engine as RDS names it (`postgres`, `aurora-mysql`…). */
export interface RdsEndpoint extends DbEndpoint {
  /** The instance's address, or the cluster (writer) endpoint. */
  readonly host: string;
  readonly engine: string;
  /** Every name RDS gives this database: `host`, and a cluster's reader and custom endpoints. */
  readonly hostnames: readonly string[];
}

/** How a secret names its database: any of these, the identifiers win over the host. */
export interface DatabaseLocator {
  readonly host?: string;
  readonly dbInstanceIdentifier?: string;
  readonly dbClusterIdentifier?: string;
}

/** How a recovery database is promoted: PromoteReadReplica, PromoteReadReplicaDBCluster, FailoverGlobalCluster. */
export type DatabaseKind = 'instance' | 'cluster' | 'global-cluster';

/** A database of a Region as RDS describes it, for disaster recovery. */
export interface RecoveryDatabase {
  readonly kind: DatabaseKind;
  /** The instance or cluster identifier in its Region. */
  readonly id: string;
  readonly arn: string;
  /**
   * RDS's status (`available`, `modifying`, `rebooting`, `promoting`, `stopped`, ...); for a
   * member of a global database, the global database's status while it is not `available`.
   */
  readonly status: string;
  /** True while it replicates from another database (a read replica, a global secondary). */
  readonly replica: boolean;
  /** The global database a `global-cluster` belongs to. */
  readonly globalClusterId?: string;
}

/** RDS lookups, and the one write of a failover (promoting a database). */
export interface RdsDirectory {
  /**
   * The endpoint of the DB instance or cluster `arn` names (in the ARN's Region); `undefined`
   * when RDS has no such database or reports no endpoint yet (e.g. still creating).
   */
  endpointOf(kind: RdsResourceKind, arn: string): Promise<RdsEndpoint | undefined>;
  /**
   * The endpoint of the replica, in `targetRegion`, of the database `locator` names in
   * `sourceRegion`: an instance's cross-Region read replica, or a cluster's Aurora global
   * database member or replica cluster (its writer endpoint). `undefined` when either is missing.
   */
  findReplicaEndpoint(
    sourceRegion: string,
    locator: DatabaseLocator,
    targetRegion: string,
  ): Promise<DbEndpoint | undefined>;
  /**
   * The instance or cluster of `region` listening at `endpoint` (an instance's address, a
   * cluster's writer, reader or custom endpoint, and the port); `undefined` when none does.
   */
  findByEndpoint(region: string, endpoint: DbEndpoint): Promise<RecoveryDatabase | undefined>;
  /** The database as RDS describes it now; `undefined` when it is gone. */
  refresh(region: string, database: RecoveryDatabase): Promise<RecoveryDatabase | undefined>;
  /**
   * The replica's lag in seconds: RDS's CloudWatch metric (`ReplicaLag`; for a global secondary
   * `AuroraGlobalDBReplicationLag`, in ms), the latest datapoint of the last 10 minutes;
   * `undefined` without one.
   */
  replicaLagSeconds(region: string, database: RecoveryDatabase): Promise<number | undefined>;
  /**
   * Promotes a replica: PromoteReadReplica (instance), PromoteReadReplicaDBCluster (cluster),
   * FailoverGlobalCluster with AllowDataLoss (a global database's secondary, the primary Region
   * being down). RDS answers at once; the database passes through transitional states.
   */
  promote(region: string, database: RecoveryDatabase): Promise<void>;
}
