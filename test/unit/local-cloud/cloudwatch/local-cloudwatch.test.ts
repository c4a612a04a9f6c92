import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloudWatch } from '#local-cloud/cloudwatch/index.js';
import { startLocalCloud } from '#local-cloud/index.js';
import type { LocalCloud } from '#local-cloud/types.js';

let cloud: LocalCloud;
const asked: string[] = [];

beforeAll(async () => {
  const monitoring = createLocalCloudWatch(async (request) => {
    asked.push(`${request.region} ${request.metricName} ${JSON.stringify(request.dimensions)}`);
    return request.dimensions.DBInstanceIdentifier === 'orders-west' ? 4 : undefined;
  });
  cloud = await startLocalCloud({ extraServices: { monitoring } });
});

afterAll(async () => {
  await cloud.stop();
});

const client = (region: string): CloudWatchClient =>
  new CloudWatchClient({
    region,
    endpoint: cloud.endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

const lagQuery = (id: string, instance: string) => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: 'AWS/RDS',
      MetricName: 'ReplicaLag',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: instance }],
    },
    Period: 60,
    Stat: 'Maximum',
  },
});

describe('local CloudWatch through @aws-sdk/client-cloudwatch', () => {
  it('answers GetMetricData with the latest value, or no datapoint', async () => {
    // Prepare
    const now = new Date();
    // Act
    const output = await client('us-west-2').send(
      new GetMetricDataCommand({
        MetricDataQueries: [lagQuery('lag', 'orders-west'), lagQuery('none', 'orders')],
        StartTime: new Date(now.getTime() - 300_000),
        EndTime: now,
      }),
    );
    // Assess
    expect(output.MetricDataResults?.[0]).toMatchObject({
      Id: 'lag',
      Values: [4],
      StatusCode: 'Complete',
    });
    expect(output.MetricDataResults?.[0]?.Timestamps?.[0]).toBeInstanceOf(Date);
    expect(output.MetricDataResults?.[1]).toMatchObject({ Id: 'none', Values: [] });
    expect(asked[0]).toBe('us-west-2 ReplicaLag {"DBInstanceIdentifier":"orders-west"}');
    expect(cloud.requestLog.entries().at(-1)).toMatchObject({
      service: 'monitoring',
      operation: 'GetMetricData',
      region: 'us-west-2',
    });
  });

  it('answers an injected fault in a shape the SDK parses', async () => {
    // Prepare
    cloud.faults.failNext('GetMetricData', 1, 'ThrottlingException');
    // Act
    const outcome = client('us-west-2').send(
      new GetMetricDataCommand({
        MetricDataQueries: [lagQuery('lag', 'orders-west')],
        StartTime: new Date(Date.now() - 60_000),
        EndTime: new Date(),
      }),
    );
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
