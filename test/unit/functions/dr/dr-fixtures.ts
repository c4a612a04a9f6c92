/**
 * A primary Region with replicated database secrets and a recovery Region whose replica
 * database can be promoted, in memory, for the drill, failover and failback unit tests.
 */

import type { FailoverDeps } from '#functions/failover/failover.js';
import type { RdsDirectory } from '#shared/aws/rds-directory.js';
import type { Deadline } from '#shared/deadline.js';
import { replicateSecret } from '#shared/replication/replicate-secret.js';
import { FakeRds } from '#test/fakes/fake-rds.js';
import { FakeCredentials, FakeDatabases } from '#test/fakes/fake-recovery-databases.js';
import { FakeSecretsManager } from '#test/fakes/fake-secrets-manager.js';
import { config, dbSecret } from '#test/fakes/replication-fixtures.js';

export const EAST = 'us-east-1';
export const WEST = 'us-west-2';
export const ROTATE_EAST = 'arn:aws:lambda:us-east-1:123456789012:function:rotasync-prod-rotate';
export const ROTATE_WEST = 'arn:aws:lambda:us-west-2:123456789012:function:rotasync-prod-rotate';
export const WEST_ENDPOINT = { host: 'orders.us-west-2.rds.example.com', port: 6432 };

/** A deadline that only moves when the code under test sleeps. */
export const fakeTime = (budgetMs: number) => {
  let elapsed = 0;
  const deadline: Deadline = { remainingMs: () => budgetMs - elapsed };
  return {
    deadline,
    sleep: async (ms: number) => {
      elapsed += ms;
    },
    elapsed: () => elapsed,
    reset: () => {
      elapsed = 0;
    },
  };
};

export interface DrWorld {
  readonly sm: FakeSecretsManager;
  /** Replica lookups from the source Region (FakeRds), with the recovery Region's databases. */
  readonly rds: DrRds;
  readonly databases: FakeDatabases;
  readonly credentials: FakeCredentials;
  /** Seeds a source in the primary Region, rotating every 7 days, replicated to the recovery one. */
  seedReplicated(name: string, password: string, username?: string): Promise<string>;
  failoverDeps(overrides?: Partial<FailoverDeps>): FailoverDeps;
}

/** The RDS calls the DR functions make: replica lookups and the recovery Region's databases. */
export type DrRds = Pick<
  RdsDirectory,
  'findReplicaEndpoint' | 'findByEndpoint' | 'refresh' | 'replicaLagSeconds' | 'promote'
>;

/** FakeRds's replica lookups together with `databases`' recovery-Region calls: one RDS port. */
export const withDatabases = (rds: FakeRds, databases: FakeDatabases): DrRds => ({
  findReplicaEndpoint: (...args) => rds.findReplicaEndpoint(...args),
  findByEndpoint: (...args) => databases.findByEndpoint(...args),
  refresh: (...args) => databases.refresh(...args),
  replicaLagSeconds: (...args) => databases.replicaLagSeconds(...args),
  promote: (...args) => databases.promote(...args),
});

export const drWorld = (): DrWorld => {
  const sm = new FakeSecretsManager(11);
  const rds = new FakeRds([WEST]);
  const databases = new FakeDatabases().add({
    region: WEST,
    id: 'orders-west',
    endpoint: WEST_ENDPOINT,
  });
  const credentials = new FakeCredentials(databases);
  const time = fakeTime(60_000);
  return {
    sm,
    rds: withDatabases(rds, databases),
    databases,
    credentials,
    seedReplicated: async (name, password, username = 'app') => {
      const arn = sm.seed(EAST, {
        name,
        value: dbSecret('orders', password, EAST, { username }),
        tags: { 'rotasync:replicate-to': WEST, team: 'orders' },
        rotation: { lambdaArn: ROTATE_EAST, rules: { scheduleExpression: 'rate(7 days)' } },
      });
      await replicateSecret(
        { secretId: arn, sourceRegion: EAST },
        { store: sm.store, rds, config: config() },
      );
      return arn;
    },
    failoverDeps: (overrides = {}) => ({
      secrets: sm.store,
      sourceSecrets: sm.store,
      databases,
      credentials,
      rotateFunctionArn: ROTATE_WEST,
      defaultRotationRules: { scheduleExpression: 'rate(30 days)' },
      prefix: '',
      now: () => new Date('2026-06-01T12:00:00Z'),
      sleep: time.sleep,
      pollMs: { first: 1_000, max: 4_000 },
      ...overrides,
    }),
  };
};
