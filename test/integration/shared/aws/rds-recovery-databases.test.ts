/**
 * RdsApiDirectory's disaster-recovery calls against the local RDS and CloudWatch APIs: finding a
 * recovery Region's database by endpoint (instance, cluster, global secondary), watching a
 * promotion through RDS's states, promoting each kind, and reading replication lag.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud } from '#local-cloud/index.js';
import { createLocalRds, type LocalRds, rdsServices } from '#local-cloud/rds/index.js';
import type { LocalCloud } from '#local-cloud/types.js';
import { RdsApiDirectory } from '#shared/aws/rds-api-directory.js';
import type { RecoveryDatabase } from '#shared/aws/rds-directory.js';

const ACCOUNT = '123456789012';
const EAST = 'us-east-1';
const WEST = 'us-west-2';

let cloud: LocalCloud;
let rds: LocalRds;
let directory: RdsApiDirectory;

beforeAll(async () => {
  rds = createLocalRds({
    accountId: ACCOUNT,
    promotionDelayMs: 50,
    instances: [
      { region: EAST, identifier: 'orders', engine: 'postgres', host: 'orders.east', port: 5432 },
      {
        region: WEST,
        identifier: 'orders-west',
        engine: 'postgres',
        host: 'orders.west',
        port: 5432,
        readReplicaOf: `arn:aws:rds:${EAST}:${ACCOUNT}:db:orders`,
        replicaLagSeconds: 2,
      },
    ],
    clusters: [
      {
        region: EAST,
        identifier: 'ledger',
        engine: 'aurora-postgresql',
        host: 'ledger.east',
        port: 5432,
        globalClusterIdentifier: 'ledger-global',
      },
      {
        region: WEST,
        identifier: 'ledger-west',
        engine: 'aurora-postgresql',
        host: 'ledger.west',
        readerHost: 'ledger-ro.west',
        port: 5432,
        globalClusterIdentifier: 'ledger-global',
        replicationSourceArn: `arn:aws:rds:${EAST}:${ACCOUNT}:cluster:ledger`,
        replicaLagSeconds: 0.25,
      },
      {
        region: EAST,
        identifier: 'reports',
        engine: 'aurora-mysql',
        host: 'reports.east',
        port: 3306,
      },
      {
        region: WEST,
        identifier: 'reports-west',
        engine: 'aurora-mysql',
        host: 'reports.west',
        port: 3306,
        replicationSourceArn: `arn:aws:rds:${EAST}:${ACCOUNT}:cluster:reports`,
      },
    ],
  });
  cloud = await startLocalCloud({ extraServices: rdsServices(rds) });
  const settings = (region: string | undefined) => ({
    region: region ?? EAST,
    endpoint: cloud.endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  directory = new RdsApiDirectory(
    (region) => new RDSClient(settings(region)),
    (region) => new CloudWatchClient(settings(region)),
  );
});

afterAll(async () => {
  await cloud.stop();
});

/** Promotes `database` and refreshes until it stops being busy; resolves every status seen. */
const promoteAndWatch = async (database: RecoveryDatabase): Promise<string[]> => {
  await directory.promote(WEST, database);
  const seen: string[] = [];
  for (let round = 0; round < 50; round += 1) {
    const now = await directory.refresh(WEST, database);
    seen.push(`${now?.status}${now?.replica ? ' replica' : ''}`);
    if (now?.status === 'available' && !now.replica) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [...new Set(seen)];
};

describe('RdsApiDirectory: a recovery Region for disaster recovery', () => {
  it('finds an instance, a global secondary (by its reader too) and a replica cluster by endpoint', async () => {
    // Act
    const instance = await directory.findByEndpoint(WEST, { host: 'ORDERS.west', port: 5432 });
    const global = await directory.findByEndpoint(WEST, { host: 'ledger-ro.west', port: 5432 });
    const cluster = await directory.findByEndpoint(WEST, { host: 'reports.west', port: 3306 });
    const wrongPort = await directory.findByEndpoint(WEST, { host: 'orders.west', port: 6432 });
    const otherRegion = await directory.findByEndpoint(WEST, { host: 'orders.east', port: 5432 });
    // Assess
    expect(instance).toEqual({
      kind: 'instance',
      id: 'orders-west',
      arn: `arn:aws:rds:${WEST}:${ACCOUNT}:db:orders-west`,
      status: 'available',
      replica: true,
    });
    expect(global).toMatchObject({
      kind: 'global-cluster',
      id: 'ledger-west',
      replica: true,
      globalClusterId: 'ledger-global',
    });
    expect(cluster).toMatchObject({ kind: 'cluster', id: 'reports-west', replica: true });
    expect(wrongPort).toBeUndefined();
    expect(otherRegion).toBeUndefined();
  });

  it("reads a replica's lag from CloudWatch: ReplicaLag, and AuroraGlobalDBReplicationLag in seconds", async () => {
    // Prepare
    const instance = await directory.findByEndpoint(WEST, { host: 'orders.west', port: 5432 });
    const global = await directory.findByEndpoint(WEST, { host: 'ledger.west', port: 5432 });
    const cluster = await directory.findByEndpoint(WEST, { host: 'reports.west', port: 3306 });
    if (instance === undefined || global === undefined || cluster === undefined) {
      throw new Error('the databases were not found');
    }
    // Act
    const lags = await Promise.all(
      [instance, global, cluster].map((database) => directory.replicaLagSeconds(WEST, database)),
    );
    // Assess
    expect(lags).toEqual([2, 0.25, undefined]);
  });

  it('promotes each kind, and RDS shows the promotion pass through its states', async () => {
    // Prepare
    const found = await Promise.all([
      directory.findByEndpoint(WEST, { host: 'orders.west', port: 5432 }),
      directory.findByEndpoint(WEST, { host: 'reports.west', port: 3306 }),
      directory.findByEndpoint(WEST, { host: 'ledger.west', port: 5432 }),
    ]);
    const [instance, cluster, global] = found;
    if (instance === undefined || cluster === undefined || global === undefined) {
      throw new Error('the databases were not found');
    }
    // Act
    const instanceStates = await promoteAndWatch(instance);
    const clusterStates = await promoteAndWatch(cluster);
    const globalStates = await promoteAndWatch(global);
    const again = await directory.promote(WEST, instance).catch((error: unknown) => error);
    // Assess
    expect(instanceStates[0]).toBe('modifying replica');
    expect(instanceStates.at(-1)).toBe('available');
    expect(clusterStates[0]).toBe('promoting replica');
    expect(clusterStates.at(-1)).toBe('available');
    expect(globalStates[0]).toBe('failing-over replica');
    expect(globalStates.at(-1)).toBe('available');
    expect(rds.clusters().find((c) => c.identifier === 'ledger')?.replicationSourceArn).toBe(
      `arn:aws:rds:${WEST}:${ACCOUNT}:cluster:ledger-west`,
    );
    expect(again).toMatchObject({ name: 'AwsCallError', code: 'InvalidDBInstanceStateFault' });
  });
});
