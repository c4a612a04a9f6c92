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

/** Read-only RDS lookups. */
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
}
