import {
  DBClusterNotFoundFault,
  DBInstanceNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { RdsApiDirectory } from '#shared/aws/rds-api-directory.js';
import { AwsCallError } from '#shared/errors.js';

const rds = mockClient(RDSClient);
const SOURCE_ARN = 'arn:aws:rds:us-east-1:123456789012:db:orders';
const REPLICA_ARN = 'arn:aws:rds:eu-west-1:123456789012:db:orders-dr';
const INSTANCE_ARN = 'arn:aws:rds:eu-west-1:123456789012:db:app-db';
const CLUSTER_ARN = 'arn:aws:rds:eu-west-1:123456789012:cluster:app-cluster';

beforeEach(() => {
  rds.reset();
});

describe('RdsApiDirectory: endpointOf', () => {
  it('reads an instance endpoint and engine by ARN', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          Endpoint: { Address: 'app-db.abc.eu-west-1.rds.amazonaws.com', Port: 5432 },
          Engine: 'postgres',
        },
      ],
    });
    const lookup = new RdsApiDirectory();
    // Act
    const endpoint = await lookup.endpointOf('instance', INSTANCE_ARN);
    // Assess
    expect(endpoint).toEqual({
      host: 'app-db.abc.eu-west-1.rds.amazonaws.com',
      port: 5432,
      engine: 'postgres',
      hostnames: ['app-db.abc.eu-west-1.rds.amazonaws.com'],
    });
    expect(rds).toReceiveCommandWith(DescribeDBInstancesCommand, {
      DBInstanceIdentifier: INSTANCE_ARN,
    });
    expect(rds).not.toReceiveCommand(DescribeDBClustersCommand);
  });

  it('reads a cluster writer endpoint and engine by ARN', async () => {
    // Prepare
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [
        {
          Endpoint: 'app-cluster.cluster-abc.eu-west-1.rds.amazonaws.com',
          ReaderEndpoint: 'app-cluster.cluster-ro-abc.eu-west-1.rds.amazonaws.com',
          CustomEndpoints: ['app-custom.cluster-custom-abc.eu-west-1.rds.amazonaws.com'],
          Port: 3306,
          Engine: 'aurora-mysql',
        },
      ],
    });
    const lookup = new RdsApiDirectory();
    // Act
    const endpoint = await lookup.endpointOf('cluster', CLUSTER_ARN);
    // Assess
    expect(endpoint).toEqual({
      host: 'app-cluster.cluster-abc.eu-west-1.rds.amazonaws.com',
      port: 3306,
      engine: 'aurora-mysql',
      hostnames: [
        'app-cluster.cluster-abc.eu-west-1.rds.amazonaws.com',
        'app-cluster.cluster-ro-abc.eu-west-1.rds.amazonaws.com',
        'app-custom.cluster-custom-abc.eu-west-1.rds.amazonaws.com',
      ],
    });
    expect(rds).toReceiveCommandWith(DescribeDBClustersCommand, {
      DBClusterIdentifier: CLUSTER_ARN,
    });
  });

  it('builds its client in the Region of the ARN, once per Region', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    const regions: (string | undefined)[] = [];
    const lookup = new RdsApiDirectory((region) => {
      regions.push(region);
      return new RDSClient(region === undefined ? {} : { region });
    });
    // Act
    await lookup.endpointOf('instance', INSTANCE_ARN);
    await lookup.endpointOf('instance', INSTANCE_ARN);
    await lookup.endpointOf('instance', 'arn:aws:rds:us-east-2:123456789012:db:other');
    // Assess
    expect(regions).toEqual(['eu-west-1', 'us-east-2']);
  });

  it.each([
    ['instance', new DBInstanceNotFoundFault({ message: 'none', $metadata: {} })],
    ['cluster', new DBClusterNotFoundFault({ message: 'none', $metadata: {} })],
  ] as const)('reads an unknown %s as undefined', async (kind, fault) => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).rejects(fault);
    rds.on(DescribeDBClustersCommand).rejects(fault);
    const lookup = new RdsApiDirectory();
    // Act
    const endpoint = await lookup.endpointOf(
      kind,
      kind === 'instance' ? INSTANCE_ARN : CLUSTER_ARN,
    );
    // Assess
    expect(endpoint).toBeUndefined();
  });

  it('reads a database without an endpoint yet (creating) as undefined', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ Engine: 'postgres', DBInstanceStatus: 'creating' }],
    });
    const lookup = new RdsApiDirectory();
    // Act
    const endpoint = await lookup.endpointOf('instance', INSTANCE_ARN);
    // Assess
    expect(endpoint).toBeUndefined();
  });

  it('wraps any other RDS error as AwsCallError naming its code', async () => {
    // Prepare
    rds
      .on(DescribeDBClustersCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const lookup = new RdsApiDirectory();
    // Act
    const error = await lookup.endpointOf('cluster', CLUSTER_ARN).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as AwsCallError).code).toBe('AccessDenied');
    expect((error as AwsCallError).message).toBe(
      'DescribeDBClusters in eu-west-1: RDS answered AccessDenied',
    );
  });
});

const directory = () =>
  new RdsApiDirectory((region) => new RDSClient(region === undefined ? {} : { region }));

describe('RdsApiDirectory: findReplicaEndpoint of instances', () => {
  it('finds the cross-Region read replica of the instance whose endpoint is the host', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand, {}, true).resolves({
      DBInstances: [
        { DBInstanceIdentifier: 'other', Endpoint: { Address: 'other.rds', Port: 5432 } },
        {
          DBInstanceIdentifier: 'orders',
          DBInstanceArn: SOURCE_ARN,
          Endpoint: { Address: 'orders.abc.us-east-1.rds.amazonaws.com', Port: 5432 },
          ReadReplicaDBInstanceIdentifiers: ['orders-local', REPLICA_ARN],
        },
      ],
    });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA_ARN }).resolves({
      DBInstances: [
        { DBInstanceIdentifier: 'orders-dr', Endpoint: { Address: 'orders-dr.eu', Port: 6432 } },
      ],
    });
    // Act
    const endpoint = await directory().findReplicaEndpoint(
      'us-east-1',
      { host: 'ORDERS.abc.us-east-1.rds.amazonaws.com' },
      'eu-west-1',
    );
    // Assess
    expect(endpoint).toEqual({ host: 'orders-dr.eu', port: 6432 });
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, {
      DBInstanceIdentifier: REPLICA_ARN,
    });
  });

  it('falls back to the target Region for a replica the source does not list yet', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders' }).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'orders',
          DBInstanceArn: SOURCE_ARN,
          ReadReplicaDBInstanceIdentifiers: [],
        },
      ],
    });
    rds.on(DescribeDBInstancesCommand, {}, true).resolvesOnce({
      DBInstances: [
        { DBInstanceIdentifier: 'x', ReadReplicaSourceDBInstanceIdentifier: 'arn:other' },
      ],
      Marker: 'page-2',
    });
    rds.on(DescribeDBInstancesCommand, { Marker: 'page-2' }, true).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'orders-dr',
          ReadReplicaSourceDBInstanceIdentifier: SOURCE_ARN,
          Endpoint: { Address: 'dr', Port: 5432 },
        },
      ],
    });
    // Act
    const endpoint = await directory().findReplicaEndpoint(
      'us-east-1',
      { dbInstanceIdentifier: 'orders' },
      'eu-west-1',
    );
    // Assess
    expect(endpoint).toEqual({ host: 'dr', port: 5432 });
  });

  it('answers undefined when the instance does not exist', async () => {
    // Prepare
    rds
      .on(DescribeDBInstancesCommand)
      .rejects(
        new DBInstanceNotFoundFault({ message: 'DBInstance orders not found.', $metadata: {} }),
      );
    // Act
    const endpoint = await directory().findReplicaEndpoint(
      'us-east-1',
      { dbInstanceIdentifier: 'orders' },
      'eu-west-1',
    );
    // Assess
    expect(endpoint).toBeUndefined();
  });
});

describe('RdsApiDirectory: Aurora', () => {
  it('finds the global database member cluster in the target Region', async () => {
    // Prepare
    const primary = 'arn:aws:rds:us-east-1:123456789012:cluster:orders';
    const secondary = 'arn:aws:rds:eu-west-1:123456789012:cluster:orders-eu';
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders' }).resolves({
      DBClusters: [
        {
          DBClusterIdentifier: 'orders',
          DBClusterArn: primary,
          Endpoint: 'orders.cluster',
          Port: 5432,
        },
      ],
    });
    rds.on(DescribeGlobalClustersCommand).resolves({
      GlobalClusters: [
        {
          GlobalClusterIdentifier: 'g',
          GlobalClusterMembers: [
            { DBClusterArn: primary, IsWriter: true },
            { DBClusterArn: secondary },
          ],
        },
      ],
    });
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: secondary }).resolves({
      DBClusters: [
        {
          DBClusterIdentifier: 'orders-eu',
          DBClusterArn: secondary,
          Endpoint: 'orders-eu.cluster',
          Port: 5432,
        },
      ],
    });
    // Act
    const endpoint = await directory().findReplicaEndpoint(
      'us-east-1',
      { dbClusterIdentifier: 'orders' },
      'eu-west-1',
    );
    // Assess
    expect(endpoint).toEqual({ host: 'orders-eu.cluster', port: 5432 });
  });

  it('answers undefined when no member lives in the target Region', async () => {
    // Prepare
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [
        { DBClusterIdentifier: 'orders', DBClusterArn: 'arn:aws:rds:us-east-1:1:cluster:orders' },
      ],
    });
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [] });
    // Act
    const endpoint = await directory().findReplicaEndpoint(
      'us-east-1',
      { dbClusterIdentifier: 'orders' },
      'eu-west-1',
    );
    // Assess
    expect(endpoint).toBeUndefined();
  });
});
