import {
  DBClusterNotFoundFault,
  DBInstanceNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { RdsApiEndpointLookup } from '#shared/aws/rds-endpoint-lookup.js';

const rds = mockClient(RDSClient);
const INSTANCE_ARN = 'arn:aws:rds:eu-west-1:123456789012:db:app-db';
const CLUSTER_ARN = 'arn:aws:rds:eu-west-1:123456789012:cluster:app-cluster';

beforeEach(() => {
  rds.reset();
});

describe('RdsApiEndpointLookup', () => {
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
    const lookup = new RdsApiEndpointLookup();
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
    const lookup = new RdsApiEndpointLookup();
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
    const lookup = new RdsApiEndpointLookup((region) => {
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
    const lookup = new RdsApiEndpointLookup();
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
    const lookup = new RdsApiEndpointLookup();
    // Act
    const endpoint = await lookup.endpointOf('instance', INSTANCE_ARN);
    // Assess
    expect(endpoint).toBeUndefined();
  });

  it('lets any other RDS error through', async () => {
    // Prepare
    rds
      .on(DescribeDBClustersCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const lookup = new RdsApiEndpointLookup();
    // Act
    const outcome = lookup.endpointOf('cluster', CLUSTER_ARN);
    // Assess
    await expect(outcome).rejects.toThrow('not authorized');
  });
});
