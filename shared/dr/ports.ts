/**
 * The ports of the disaster-recovery functions, narrow as each use needs: Secrets Manager per
 * Region (the replication port plus the few calls failover and failback add), the recovery
 * Region's databases as RDS describes them, and a credential check against a real server.
 */
import type { ListOptions, RegionalSecrets, StoredSecret } from '#shared/aws/replica-store.js';
import type { DatabaseSecret } from '#shared/inputs/database-secret.js';

/** A secret's rotation schedule as Secrets Manager stores it (RotationRules). */
export interface RotationRules {
  readonly automaticallyAfterDays?: number;
  /** The rotation window, e.g. `2h`. */
  readonly duration?: string;
  /** `rate(30 days)` or `cron(...)`. */
  readonly scheduleExpression?: string;
}

/** DescribeSecret/ListSecrets metadata, with the rotation configuration. */
export interface DrSecret extends StoredSecret {
  readonly rotationLambdaArn?: string;
  readonly rotationRules?: RotationRules;
}

/** Secrets Manager in one Region, as the disaster-recovery functions use it. */
export interface DrSecrets extends RegionalSecrets {
  describe(secretId: string): Promise<DrSecret | undefined>;
  list(options?: ListOptions): Promise<{
    readonly secrets: readonly DrSecret[];
    readonly nextToken?: string;
  }>;
  /** UntagResource. */
  untag(secretId: string, keys: readonly string[]): Promise<void>;
  /**
   * RotateSecret with RotateImmediately=false: turns rotation on with `lambdaArn` on `rules`;
   * the service tests the configuration by running the function's testSecret step, and the
   * first rotation comes with the schedule.
   */
  enableRotation(secretId: string, lambdaArn: string, rules: RotationRules): Promise<void>;
  /** CancelRotateSecret: turns rotation off. */
  cancelRotation(secretId: string): Promise<void>;
}

/** Gives the Secrets Manager port for a Region. */
export type DrSecretStore = (region: string) => DrSecrets;

/** How a database is promoted: PromoteReadReplica, PromoteReadReplicaDBCluster, FailoverGlobalCluster. */
export type DatabaseKind = 'instance' | 'cluster' | 'global-cluster';

/** A database of the recovery Region as RDS describes it. */
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

/** Where a database listens. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** Read-only RDS (and CloudWatch) lookups of a Region's databases. */
export interface DatabaseDirectory {
  /** The instance or cluster of `region` that listens at `endpoint`; `undefined` when none. */
  findByEndpoint(region: string, endpoint: Endpoint): Promise<RecoveryDatabase | undefined>;
  /** The database as RDS describes it now; `undefined` when it is gone. */
  refresh(region: string, database: RecoveryDatabase): Promise<RecoveryDatabase | undefined>;
  /**
   * The replica's lag in seconds, RDS's CloudWatch metric (`ReplicaLag`, or
   * `AuroraGlobalDBReplicationLag` for a global secondary); `undefined` without a recent datapoint.
   */
  replicaLagSeconds(region: string, database: RecoveryDatabase): Promise<number | undefined>;
}

/** The one RDS write of failover: promote a replica (or fail a global database over to it). */
export interface DatabasePromoter {
  promote(region: string, database: RecoveryDatabase): Promise<void>;
}

/** A login outcome: accepted, rejected by the server, or the server was not reached. */
export type LoginCheck = 'ok' | 'refused' | 'unreachable';
/** Whether the session could start a writing transaction. */
export type WriteCheck = 'ok' | 'read-only' | 'failed';

/** What a credential check found. */
export interface CredentialCheck {
  readonly login: LoginCheck;
  /** Present when a write was asked for and the login succeeded. */
  readonly write?: WriteCheck;
}

/** Logs in with a database secret's credentials on the endpoint it names. */
export interface CredentialChecker {
  /** One login; with `write`, also whether a writing transaction can start. Never throws. */
  check(secret: DatabaseSecret, options: { readonly write: boolean }): Promise<CredentialCheck>;
}
