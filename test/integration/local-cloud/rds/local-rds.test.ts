import {
  DBInstanceNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
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

  it('promotes a read replica to a standalone instance and calls onPromote', async () => {
    // Act
    const output = await client('eu-west-1').send(
      new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'orders-dr' }),
    );
    const again = client('eu-west-1').send(
      new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'orders-dr' }),
    );
    // Assess
    expect(output.DBInstance?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    expect(promoted.map((i) => i.identifier)).toEqual(['orders-dr']);
    await expect(again).rejects.toBeInstanceOf(InvalidDBInstanceStateFault);
    const source = await client('us-east-1').send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders' }),
    );
    expect(source.DBInstances?.[0]?.ReadReplicaDBInstanceIdentifiers).toEqual(['orders-ro']);
    expect(
      cloud.requestLog
        .entries()
        .some((e) => e.service === 'rds' && e.operation === 'PromoteReadReplica'),
    ).toBe(true);
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
