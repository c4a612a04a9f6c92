import {
  DBInstanceNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { RdsApiDirectory } from '#shared/aws/rds-directory.js';

const rds = mockClient(RDSClient);
beforeEach(() => rds.reset());

const SOURCE_ARN = 'arn:aws:rds:us-east-1:123456789012:db:orders';
const REPLICA_ARN = 'arn:aws:rds:eu-west-1:123456789012:db:orders-dr';

const directory = () => new RdsApiDirectory((region) => new RDSClient({ region }));

describe('RdsApiDirectory: instances', () => {
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
