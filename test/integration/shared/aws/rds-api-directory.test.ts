import { RDSClient } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud } from '#local-cloud/index.js';
import { createLocalRds } from '#local-cloud/rds/index.js';
import type { LocalCloud } from '#local-cloud/types.js';
import { RdsApiDirectory } from '#shared/aws/rds-api-directory.js';

const ACCOUNT = '123456789012';
const INSTANCE_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:db:app-db`;
const CLUSTER_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:app-cluster`;

let cloud: LocalCloud;

beforeAll(async () => {
  const rds = createLocalRds({
    accountId: ACCOUNT,
    instances: [
      {
        region: 'us-east-1',
        identifier: 'app-db',
        engine: 'postgres',
        host: '127.0.0.1',
        port: 5432,
      },
    ],
    clusters: [
      {
        region: 'us-east-1',
        identifier: 'app-cluster',
        engine: 'aurora-mysql',
        host: 'app-cluster.writer',
        readerHost: 'app-cluster.reader',
        port: 3306,
      },
    ],
  });
  cloud = await startLocalCloud({ extraServices: { rds } });
});

afterAll(async () => {
  await cloud.stop();
});

const lookup = () =>
  new RdsApiDirectory(
    (region) =>
      new RDSClient({
        region: region ?? 'us-east-1',
        endpoint: cloud.endpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
  );

describe('RdsApiDirectory against the local RDS API', () => {
  it('finds an instance and a cluster writer by ARN', async () => {
    // Act
    const instance = await lookup().endpointOf('instance', INSTANCE_ARN);
    const cluster = await lookup().endpointOf('cluster', CLUSTER_ARN);
    // Assess
    expect(instance).toEqual({
      host: '127.0.0.1',
      port: 5432,
      engine: 'postgres',
      hostnames: ['127.0.0.1'],
    });
    expect(cluster).toMatchObject({
      host: 'app-cluster.writer',
      port: 3306,
      engine: 'aurora-mysql',
    });
    expect(cluster?.hostnames).toContain('app-cluster.reader');
  });

  it('reads unknown databases as undefined through the SDK exceptions', async () => {
    // Act
    const instance = await lookup().endpointOf('instance', `${INSTANCE_ARN}-gone`);
    const cluster = await lookup().endpointOf('cluster', `${CLUSTER_ARN}-gone`);
    // Assess
    expect(instance).toBeUndefined();
    expect(cluster).toBeUndefined();
  });
});
