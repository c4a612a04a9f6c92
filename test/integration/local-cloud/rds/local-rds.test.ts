import {
  DBInstanceNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  InvalidDBClusterStateFault,
  InvalidDBInstanceStateFault,
  InvalidGlobalClusterStateFault,
  PromoteReadReplicaCommand,
  PromoteReadReplicaDBClusterCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud } from '#local-cloud/index.js';
import { createLocalRds, type LocalRds, type LocalRdsInstance } from '#local-cloud/rds/index.js';
import type { LocalCloud } from '#local-cloud/types.js';
import { RdsApiDirectory } from '#shared/aws/rds-api-directory.js';

const ACCOUNT = '123456789012';
const SOURCE_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:db:orders`;

let cloud: LocalCloud;
let rds: LocalRds;
const promoted: LocalRdsInstance[] = [];
const promotions: string[] = [];
const client = (region?: string) =>
  new RDSClient({
    region: region ?? 'us-east-1',
    endpoint: cloud.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

beforeAll(async () => {
  rds = createLocalRds({
    accountId: ACCOUNT,
    instances: [
      {
        region: 'us-east-1',
        identifier: 'orders',
        engine: 'postgres',
        host: '127.0.0.1',
        port: 5432,
      },
      {
        region: 'us-east-1',
        identifier: 'orders-ro',
        engine: 'postgres',
        host: 'localhost',
        port: 5433,
        readReplicaOf: 'orders',
      },
      {
        region: 'eu-west-1',
        identifier: 'orders-dr',
        engine: 'postgres',
        host: '127.0.0.2',
        port: 6432,
        readReplicaOf: SOURCE_ARN,
        replicaLagSeconds: async () => 3,
        promote: async () => {
          promotions.push('orders-dr');
        },
      },
      {
        region: 'us-east-1',
        identifier: 'aurora-1',
        engine: 'aurora-postgresql',
        host: 'a1',
        port: 5432,
        clusterIdentifier: 'aurora',
      },
    ],
    clusters: [
      {
        region: 'us-east-1',
        identifier: 'aurora',
        engine: 'aurora-postgresql',
        host: 'aurora.cluster',
        readerHost: 'aurora.ro',
        port: 5432,
        globalClusterIdentifier: 'g1',
      },
      {
        region: 'eu-west-1',
        identifier: 'aurora-eu',
        engine: 'aurora-postgresql',
        host: 'aurora-eu.cluster',
        port: 5432,
        globalClusterIdentifier: 'g1',
        replicationSourceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:aurora`,
        replicaLagSeconds: 1.5,
      },
      {
        region: 'us-east-1',
        identifier: 'reports',
        engine: 'aurora-mysql',
        host: 'reports.cluster',
        port: 3306,
      },
      {
        region: 'us-west-2',
        identifier: 'reports-west',
        engine: 'aurora-mysql',
        host: 'reports-west.cluster',
        port: 3306,
        replicationSourceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:reports`,
      },
    ],
    onPromote: (instance) => {
      promoted.push(instance);
    },
  });
  cloud = await startLocalCloud({ extraServices: { rds } });
});

afterAll(async () => {
  await cloud.stop();
});

describe('local RDS through @aws-sdk/client-rds', () => {
  it('describes the instances of the request Region with endpoints and replica links', async () => {
    // Act
    const output = await client('us-east-1').send(new DescribeDBInstancesCommand({}));
    // Assess
    const orders = output.DBInstances?.find((i) => i.DBInstanceIdentifier === 'orders');
    expect(output.DBInstances?.map((i) => i.DBInstanceIdentifier)).toEqual([
      'orders',
      'orders-ro',
      'aurora-1',
    ]);
    expect(orders).toMatchObject({
      DBInstanceArn: SOURCE_ARN,
      Engine: 'postgres',
      Endpoint: { Address: '127.0.0.1', Port: 5432 },
      ReadReplicaDBInstanceIdentifiers: [
        'orders-ro',
        `arn:aws:rds:eu-west-1:${ACCOUNT}:db:orders-dr`,
      ],
    });
  });

  it('filters by identifier, ARN and the db-cluster-id filter', async () => {
    // Act
    const byArn = await client('eu-west-1').send(
      new DescribeDBInstancesCommand({
        DBInstanceIdentifier: `arn:aws:rds:eu-west-1:${ACCOUNT}:db:orders-dr`,
      }),
    );
    const byFilter = await client('us-east-1').send(
      new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: ['aurora'] }] }),
    );
    // Assess
    expect(byArn.DBInstances?.[0]).toMatchObject({
      DBInstanceIdentifier: 'orders-dr',
      ReadReplicaSourceDBInstanceIdentifier: SOURCE_ARN,
      Endpoint: { Address: '127.0.0.2', Port: 6432 },
    });
    expect(byFilter.DBInstances?.map((i) => i.DBInstanceIdentifier)).toEqual(['aurora-1']);
  });

  it('answers DBInstanceNotFound as the SDK error', async () => {
    // Act
    const outcome = client('us-east-1').send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' }),
    );
    // Assess
    await expect(outcome).rejects.toBeInstanceOf(DBInstanceNotFoundFault);
    await expect(outcome).rejects.toThrow('DBInstance nope not found.');
  });

  it('describes clusters and global clusters', async () => {
    // Act
    const clusters = await client('us-east-1').send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: 'aurora' }),
    );
    const globals = await client('us-east-1').send(new DescribeGlobalClustersCommand({}));
    // Assess
    expect(clusters.DBClusters?.[0]).toMatchObject({
      Endpoint: 'aurora.cluster',
      ReaderEndpoint: 'aurora.ro',
      Port: 5432,
      DBClusterMembers: [{ DBInstanceIdentifier: 'aurora-1', IsClusterWriter: true }],
      ReadReplicaIdentifiers: [`arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:aurora-eu`],
    });
    expect(globals.GlobalClusters?.[0]).toMatchObject({
      GlobalClusterIdentifier: 'g1',
      GlobalClusterMembers: [
        {
          DBClusterArn: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:aurora`,
          IsWriter: true,
          Readers: [`arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:aurora-eu`],
        },
        { DBClusterArn: `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:aurora-eu`, IsWriter: false },
      ],
    });
  });

  it('serves RdsApiDirectory: instance replica by host, Aurora member by cluster', async () => {
    // Prepare
    const directory = new RdsApiDirectory(client);
    // Act
    const instance = await directory.findReplicaEndpoint(
      'us-east-1',
      { host: '127.0.0.1' },
      'eu-west-1',
    );
    const aurora = await directory.findReplicaEndpoint(
      'us-east-1',
      { host: 'aurora.cluster' },
      'eu-west-1',
    );
    const none = await directory.findReplicaEndpoint('us-east-1', { host: 'unknown' }, 'eu-west-1');
    // Assess
    expect(instance).toEqual({ host: '127.0.0.2', port: 6432 });
    expect(aurora).toEqual({ host: 'aurora-eu.cluster', port: 5432 });
    expect(none).toBeUndefined();
  });

  it('promotes a read replica as RDS does: modifying, rebooting, then available on its own', async () => {
    // Prepare
    const describe = async () =>
      (
        await client('eu-west-1').send(
          new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-dr' }),
        )
      ).DBInstances?.[0];
    const lagBefore = await rds.metric({
      region: 'eu-west-1',
      namespace: 'AWS/RDS',
      metricName: 'ReplicaLag',
      dimensions: { DBInstanceIdentifier: 'orders-dr' },
    });
    rds.setPromotionDelay(200);

    // Act
    const output = await client('eu-west-1').send(
      new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'orders-dr' }),
    );
    const during = await describe();
    const again = await client('eu-west-1')
      .send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'orders-dr' }))
      .catch((error: unknown) => error);
    await rds.settled();
    const after = await describe();
    rds.setPromotionDelay(0);

    // Assess
    expect(output.DBInstance?.DBInstanceStatus).toBe('modifying');
    expect(during).toMatchObject({
      DBInstanceStatus: 'modifying',
      ReadReplicaSourceDBInstanceIdentifier: SOURCE_ARN,
    });
    expect(again).toBeInstanceOf(InvalidDBInstanceStateFault);
    expect(promotions).toEqual(['orders-dr']);
    expect(after?.DBInstanceStatus).toBe('available');
    expect(after?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    expect(promoted.map((i) => i.identifier)).toEqual(['orders-dr']);
    const source = await client('us-east-1').send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders' }),
    );
    expect(source.DBInstances?.[0]?.ReadReplicaDBInstanceIdentifiers).toEqual(['orders-ro']);
    expect(lagBefore).toBe(3);
    const lagAfter = await rds.metric({
      region: 'eu-west-1',
      namespace: 'AWS/RDS',
      metricName: 'ReplicaLag',
      dimensions: { DBInstanceIdentifier: 'orders-dr' },
    });
    expect(lagAfter).toBeUndefined();
    expect(
      cloud.requestLog
        .entries()
        .some((e) => e.service === 'rds' && e.operation === 'PromoteReadReplica'),
    ).toBe(true);
  });

  it('refuses to promote an instance that is not a replica', async () => {
    // Act
    const outcome = client('us-east-1').send(
      new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'orders' }),
    );
    // Assess
    await expect(outcome).rejects.toBeInstanceOf(InvalidDBInstanceStateFault);
  });

  it('reports the status an outage sets', async () => {
    // Prepare
    rds.setInstanceStatus('us-east-1', 'orders-ro', 'storage-full');
    // Act
    const output = await client('us-east-1').send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-ro' }),
    );
    rds.setInstanceStatus('us-east-1', 'orders-ro', 'available');
    // Assess
    expect(output.DBInstances?.[0]?.DBInstanceStatus).toBe('storage-full');
  });

  it('fails a global database over to its secondary, which then writes', async () => {
    // Prepare
    rds.setPromotionDelay(100);
    const secondary = `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:aurora-eu`;
    const lag = await rds.metric({
      region: 'eu-west-1',
      namespace: 'AWS/RDS',
      metricName: 'AuroraGlobalDBReplicationLag',
      dimensions: { DBClusterIdentifier: 'aurora-eu' },
    });

    // Act
    const output = await client('eu-west-1').send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'g1',
        TargetDbClusterIdentifier: secondary,
        AllowDataLoss: true,
      }),
    );
    const twice = await client('eu-west-1')
      .send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: 'g1',
          TargetDbClusterIdentifier: secondary,
          AllowDataLoss: true,
        }),
      )
      .catch((error: unknown) => error);
    await rds.settled();
    rds.setPromotionDelay(0);
    const after = await client('eu-west-1').send(new DescribeGlobalClustersCommand({}));

    // Assess
    expect(lag).toBe(1500);
    expect(output.GlobalCluster).toMatchObject({
      Status: 'failing-over',
      FailoverState: { ToDbClusterArn: secondary, IsDataLossAllowed: true },
    });
    expect(twice).toBeInstanceOf(InvalidGlobalClusterStateFault);
    expect(after.GlobalClusters?.[0]?.Status).toBe('available');
    expect(after.GlobalClusters?.[0]?.FailoverState).toBeUndefined();
    expect(after.GlobalClusters?.[0]?.GlobalClusterMembers).toEqual([
      expect.objectContaining({
        DBClusterArn: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:aurora`,
        IsWriter: false,
      }),
      expect.objectContaining({ DBClusterArn: secondary, IsWriter: true }),
    ]);
  });

  it('promotes a cross-Region cluster replica, and refuses a global member', async () => {
    // Act
    const refused = await client('eu-west-1')
      .send(new PromoteReadReplicaDBClusterCommand({ DBClusterIdentifier: 'aurora-eu' }))
      .catch((error: unknown) => error);
    const output = await client('us-west-2').send(
      new PromoteReadReplicaDBClusterCommand({ DBClusterIdentifier: 'reports-west' }),
    );
    await rds.settled();
    const after = await client('us-west-2').send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: 'reports-west' }),
    );
    // Assess
    expect(refused).toBeInstanceOf(InvalidDBClusterStateFault);
    expect(output.DBCluster?.Status).toBe('promoting');
    expect(after.DBClusters?.[0]?.Status).toBe('available');
    expect(after.DBClusters?.[0]?.ReplicationSourceIdentifier).toBeUndefined();
  });

  it('answers an injected throttle in RDS XML that the SDK parses', async () => {
    // Prepare
    cloud.faults.failNext('DescribeDBClusters', 1, 'ThrottlingException');
    const noRetry = new RDSClient({
      region: 'us-east-1',
      endpoint: cloud.endpoint,
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    // Act
    const outcome = noRetry.send(new DescribeDBClustersCommand({}));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
